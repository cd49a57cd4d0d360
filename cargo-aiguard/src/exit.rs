//! Exit codes (DESIGN.md): 0 clean, 1 findings at deny level, 2 could not check everything.

/// How a run ends. The numbers are public: CI scripts test them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Nothing at deny level (warnings allowed unless `-D warnings`).
    Clean = 0,
    /// Findings at deny level, or warnings with `-D warnings`.
    Findings = 1,
    /// Something could not be checked: bad config, cargo failure, a file that could not be
    /// read or parsed, a bad `#[ai_generated(..)]`, bad usage. Fail closed.
    Incomplete = 2,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(s.code())
    }
}
