//! What the engine reports: findings of rules, and problems with the input itself.

use proc_macro2::Span;

use crate::rule::{Level, RuleMeta};

/// A secondary span with a label, such as "the value comes from here".
#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// The AI item a finding lies in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AiContext {
    /// Path of the outermost marked item, e.g. `auth::verify_token`.
    pub item: String,
    /// `model = ".."` from the attribute, if given.
    pub model: Option<String>,
}

/// One rule firing at one place.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub level: Level,
    /// rustc style: lower-case, no final period, code in backticks.
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Path of the innermost enclosing named item, e.g. `auth::Server::login`.
    pub item_path: String,
    /// Set when the finding lies in AI code.
    pub ai: Option<AiContext>,
}

/// Something wrong with the input rather than the code's behaviour: a bad
/// `#[ai_generated(..)]` argument, a construct nested too deeply to analyze.
#[derive(Clone, Debug)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// An AI item seen during the walk, for inventories and summaries.
#[derive(Clone, Debug)]
pub struct AiItem {
    /// `fn`, `impl`, `mod`, `struct`, ... or `file` for a whole file marked AI.
    pub kind: &'static str,
    pub path: String,
    pub model: Option<String>,
    pub reviewed: Option<String>,
    pub digest: Option<String>,
    /// The whole item (attributes included).
    pub span: Span,
}

/// Everything one check produced.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub ai_items: Vec<AiItem>,
}
