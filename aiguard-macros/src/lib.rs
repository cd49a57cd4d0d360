//! `#[ai_generated]`: marks an item as written by an AI assistant and holds it to aiguard's
//! stricter rules at build time.
//!
//! The attribute runs aiguard's engine on the item with the config found from the package
//! upward (`aiguard.toml`, `[workspace.metadata.aiguard]`, `[package.metadata.aiguard]`):
//! `deny` findings become compile errors and `warn` findings compiler warnings, both at the
//! offending tokens and named `aiguard::<rule>`. The item itself is emitted unchanged, with
//! stricter rustc lint levels (and clippy's, when clippy compiles it) and a doc line saying
//! it is AI-generated.
//!
//! - `AIGUARD_BUILD=warn` turns the errors into warnings, `AIGUARD_BUILD=off` silences the
//!   macro.
//! - A crate compiled as someone's dependency (from the registry, a git checkout, a vendored
//!   directory, or a path outside the workspace being built) gets its items back untouched.
//! - The macro parses and walks each marked item; for faster builds compile it optimized:
//!   `[profile.dev.build-override] opt-level = 3`.

#![forbid(unsafe_code)]

mod args;
mod config;
mod context;
mod emit;
mod expand;
mod lint_attrs;
mod mirror;
mod nested;
mod outline;
mod shape;

/// The `.rs` files under `dir` (the repository's, for tests that run on real code), sorted,
/// `target/` left out.
#[cfg(test)]
fn rs_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.map(|e| e.expect("a directory entry").path()) {
            if path.is_dir() && !path.ends_with("target") {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

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
