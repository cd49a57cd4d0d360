//! The `hygiene` family.

rules! {
    lint_suppression::LintSuppression,
}
