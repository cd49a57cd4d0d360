//! The `review` family.

rules! {}
