//! The `robustness` family.

rules! {
    unwrap_used::UnwrapUsed,
    unbounded_read::UnboundedRead,
}
