//! The `unsafety` family.

rules! {}
