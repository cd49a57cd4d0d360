//! The `logic` family.

rules! {
    vacuous_check::VacuousCheck,
}
