//! Shared analyses: one copy each, used by every rule that needs them.

pub mod credentials;
pub mod fnbody;
pub mod macros;
pub mod paths;
pub mod vocab;
