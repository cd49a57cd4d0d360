//! The `crypto` family.

rules! {
    weak_hash::WeakHash,
    password_fast_hash::PasswordFastHash,
    insecure_random::InsecureRandom,
    static_nonce::StaticNonce,
    ecb_mode::EcbMode,
    non_constant_time_compare::NonConstantTimeCompare,
}
