//! One file per subcommand.

pub mod check;
pub mod explain;
pub mod init;
pub mod list;
pub mod review;
pub mod rules;
