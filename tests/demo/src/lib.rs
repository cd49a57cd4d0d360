//! A small account service. Parts were written by an AI assistant and are marked
//! `#[ai_generated]`; aiguard holds them to stricter rules.

pub mod auth;
pub mod generated;
pub mod session;
pub mod storage;
