//! Arbitrary text as the arguments of `#[ai_generated(..)]`, then the marker on an item
//! checked as the macro checks it: problems are fine, panics are bugs.
#![no_main]

use aiguard_lints::ai::parse_marker_args;
use aiguard_lints::{Config, check_item};
use libfuzzer_sys::fuzz_target;

/// Deepest bracket nesting (syn parses `model = <expr>` recursively); the text is at most
/// `-max_len` bytes, so the rest of the recursion is bounded too.
fn bracket_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
        // as the CLI does after each file: the span source map would grow with every input
        proc_macro2::extra::invalidate_current_thread_spans();
    }
});

fn check(text: &str) {
    if bracket_depth(text) > 500 {
        return;
    }
    let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() else {
        return;
    };
    let (marker, _problems) = parse_marker_args(tokens.clone());
    let item: syn::Item = syn::parse_quote! {
        fn f(s: &str) -> u16 { s.parse().unwrap() }
    };
    let _ = check_item(&item, &marker, &Config::default());
    // the same arguments on an attribute, as `check_file` finds them
    let Ok(file) = syn::parse_str::<syn::File>(&format!(
        "#[ai_generated({tokens})]\nfn f(s: &str) -> u16 {{ s.parse().unwrap() }}\n"
    )) else {
        return;
    };
    let _ = aiguard_lints::check_file(
        &file,
        &aiguard_lints::FileCtx::default(),
        &Config::default(),
    );
}
