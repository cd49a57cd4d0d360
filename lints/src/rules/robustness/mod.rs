//! The `robustness` family.

rules! {
    unwrap_used::UnwrapUsed,
}
