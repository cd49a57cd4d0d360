//! The `arithmetic` family.

rules! {}
