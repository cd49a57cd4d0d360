//! The `hygiene` family.

rules! {}
