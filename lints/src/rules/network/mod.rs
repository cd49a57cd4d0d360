//! The `network` family.

rules! {}
