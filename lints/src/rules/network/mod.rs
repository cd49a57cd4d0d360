//! The `network` family.

rules! {
    cleartext_url::CleartextUrl,
    tls_verification_disabled::TlsVerificationDisabled,
}
