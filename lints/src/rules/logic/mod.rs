//! The `logic` family.

rules! {}
