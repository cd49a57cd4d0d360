//! The `secrets` family.

rules! {}
