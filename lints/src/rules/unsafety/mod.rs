//! The `unsafety` family.

rules! {
    unsafe_code::UnsafeCode,
    unsafe_send_sync::UnsafeSendSync,
}
