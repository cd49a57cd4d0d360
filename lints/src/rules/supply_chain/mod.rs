//! The `supply_chain` family.

rules! {}
