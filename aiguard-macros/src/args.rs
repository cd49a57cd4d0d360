//! The attribute's arguments: `model`, `reviewed`, `digest`, `allow(rule = "reason", ..)`.
//!
//! Parsing lives in the engine (`aiguard_lints::ai::parse_marker_args`), shared with the CLI,
//! which reads the same attribute from source files. Every problem carries the span of the
//! argument it is about; what parses is kept, so one bad argument never hides the others.

use aiguard_lints::{AiMarker, Problem};
use proc_macro2::TokenStream;

pub fn parse(args: TokenStream) -> (AiMarker, Vec<Problem>) {
    // `reviewed` and `digest` are parsed and kept for the review-stamp check.
    aiguard_lints::ai::parse_marker_args(args)
}
