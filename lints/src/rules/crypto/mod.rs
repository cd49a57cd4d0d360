//! The `crypto` family.

rules! {}
