//! The `secrets` family.

rules! {
    hardcoded_secret::HardcodedSecret,
    secret_fallback::SecretFallback,
    secret_in_log::SecretInLog,
}
