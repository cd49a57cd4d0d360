//! The `filesystem` family.

rules! {}
