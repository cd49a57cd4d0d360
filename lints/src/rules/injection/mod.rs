//! The `injection` family.

rules! {}
