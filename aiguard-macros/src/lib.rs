//! `#[ai_generated]`: marks an item as written by an AI assistant.
//!
//! For now the attribute passes the item through unchanged; the build-time checks come with
//! the macro issue. The engine API it will call, `aiguard_lints::check_item`, exists and is
//! tested in `tests/engine.rs`.

use proc_macro::TokenStream;

/// Marks an item as AI-generated. Arguments (all optional): `model = ".."`,
/// `reviewed = ".."`, `digest = ".."`, `allow(rule = "reason", ..)`.
#[proc_macro_attribute]
pub fn ai_generated(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
