//! The `secrets` family.

rules! {
    hardcoded_secret::HardcodedSecret,
}
