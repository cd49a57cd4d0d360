//! `#[ai_generated]`: marks an item as written by an AI assistant and holds it to aiguard's
//! stricter rules at build time.
//!
//! The attribute runs aiguard's engine on the item: `deny` findings become compile errors,
//! `warn` findings compiler warnings, both at the offending tokens. The item itself is emitted
//! unchanged, with stricter rustc and clippy lint levels and a doc line saying it is
//! AI-generated. See `expand.rs` for the steps.

mod args;
mod config;
mod emit;
mod expand;
mod lint_attrs;
mod shape;

use proc_macro::TokenStream;

/// Marks an item as AI-generated. Arguments (all optional): `model = ".."`,
/// `reviewed = ".."`, `digest = ".."`, `allow(rule = "reason", ..)`.
///
/// ```ignore
/// #[ai_generated(model = "gpt-4o", allow(unwrap_used = "the regex is a literal"))]
/// fn parse(line: &str) -> Option<u32> { .. }
/// ```
#[proc_macro_attribute]
pub fn ai_generated(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
