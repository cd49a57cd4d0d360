//! The `asynchrony` family.

rules! {}
