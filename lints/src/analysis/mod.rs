//! Shared analyses: one copy each, used by every rule that needs them.

pub mod body;
pub mod macros;
pub mod paths;
pub mod vocab;
