//! The `unsafety` family.

rules! {
    unsafe_code::UnsafeCode,
}
