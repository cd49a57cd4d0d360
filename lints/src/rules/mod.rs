//! The rules, one file each, grouped by family. `unsafe`/`async` are keywords, so those
//! families live in `unsafety`/`asynchrony`; `Family::as_str` keeps the public names.

pub mod arithmetic;
pub mod asynchrony;
pub mod crypto;
pub mod filesystem;
pub mod hygiene;
pub mod injection;
pub mod logic;
pub mod network;
pub mod review;
pub mod robustness;
pub mod secrets;
pub mod supply_chain;
pub mod unsafety;
