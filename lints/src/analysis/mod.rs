//! Shared analyses: one copy each, used by every rule that needs them.

pub mod asyncx;
pub mod body;
pub mod credentials;
pub mod fnbody;
pub mod guards;
pub mod locals;
pub mod macros;
pub mod paths;
pub mod popular_crates;
pub mod taint;
pub mod types;
pub mod vocab;
