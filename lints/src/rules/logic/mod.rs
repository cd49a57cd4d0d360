//! The `logic` family.

rules! {
    vacuous_check::VacuousCheck,
    fail_open::FailOpen,
    prefix_authorization::PrefixAuthorization,
}
