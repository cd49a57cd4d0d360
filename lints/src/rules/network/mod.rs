//! The `network` family.

rules! {
    cleartext_url::CleartextUrl,
    permissive_cors::PermissiveCors,
    tls_verification_disabled::TlsVerificationDisabled,
}
