//! The `logic` family.

rules! {
    vacuous_check::VacuousCheck,
    fail_open::FailOpen,
    debug_bypass::DebugBypass,
    prefix_authorization::PrefixAuthorization,
    tautology::Tautology,
    toctou::Toctou,
    unanchored_regex::UnanchoredRegex,
}
