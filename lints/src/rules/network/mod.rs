//! The `network` family.

rules! {
    tls_verification_disabled::TlsVerificationDisabled,
}
