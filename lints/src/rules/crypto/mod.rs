//! The `crypto` family.

rules! {
    weak_hash::WeakHash,
    non_constant_time_compare::NonConstantTimeCompare,
}
