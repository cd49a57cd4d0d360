//! The `crypto` family.

rules! {
    weak_hash::WeakHash,
}
