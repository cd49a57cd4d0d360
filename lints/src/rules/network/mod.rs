//! The `network` family.

rules! {
    cleartext_url::CleartextUrl,
    insecure_cookie::InsecureCookie,
    jwt_validation_disabled::JwtValidationDisabled,
    permissive_cors::PermissiveCors,
    tls_verification_disabled::TlsVerificationDisabled,
}
