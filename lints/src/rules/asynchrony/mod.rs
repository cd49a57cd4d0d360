//! The `async` family.

rules! {
    blocking_in_async::BlockingInAsync,
    lock_across_await::LockAcrossAwait,
}
