//! Stricter rustc and clippy lint levels on the marked item: `[macro] rustc`/`clippy` from
//! the config, else DESIGN.md's defaults. A lint is left out when the marker's `allow(..)`
//! names a rule it duplicates (allowing `unwrap_used` must also quiet `clippy::unwrap_used`),
//! and a `warn`/`allow` entry is left out when the package's `[lints]` already sets that lint
//! to `deny` or `forbid`: the attribute only ever makes things stricter.

use std::collections::BTreeSet;

use aiguard_lints::AiMarker;
use aiguard_lints::config::{Config, LintLevels};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

const DEFAULT_RUSTC_DENY: &[&str] = &["unsafe_code"];

const DEFAULT_CLIPPY_WARN: &[&str] = &[
    "unwrap_used",
    "expect_used",
    "panic",
    "indexing_slicing",
    "arithmetic_side_effects",
    "cast_possible_truncation",
    "cast_sign_loss",
    "float_cmp",
    "await_holding_lock",
    "todo",
    "unimplemented",
    "let_underscore_must_use",
];

/// aiguard rules and the rustc/clippy lints that flag the same thing.
const RELATED: &[(&str, &[&str])] = &[
    ("unwrap_used", &["clippy::unwrap_used"]),
    ("expect_used", &["clippy::expect_used"]),
    ("panic_macro", &["clippy::panic"]),
    (
        "placeholder_code",
        &["clippy::todo", "clippy::unimplemented"],
    ),
    ("indexing_panic", &["clippy::indexing_slicing"]),
    ("unchecked_arithmetic", &["clippy::arithmetic_side_effects"]),
    (
        "truncating_cast",
        &["clippy::cast_possible_truncation", "clippy::cast_sign_loss"],
    ),
    ("float_equality", &["clippy::float_cmp"]),
    ("lock_across_await", &["clippy::await_holding_lock"]),
    ("ignored_result", &["clippy::let_underscore_must_use"]),
    ("unsafe_code", &["unsafe_code"]),
];

/// The clippy group of each default lint: a `deny`/`forbid` of the group protects its lints
/// from being lowered too.
fn clippy_group(lint: &str) -> Option<&'static str> {
    match lint.strip_prefix("clippy::")? {
        "unwrap_used"
        | "expect_used"
        | "panic"
        | "indexing_slicing"
        | "arithmetic_side_effects"
        | "todo"
        | "unimplemented"
        | "let_underscore_must_use" => Some("clippy::restriction"),
        "cast_possible_truncation" | "cast_sign_loss" | "float_cmp" => Some("clippy::pedantic"),
        "await_holding_lock" => Some("clippy::suspicious"),
        _ => None,
    }
}

/// Whether the crate already holds `lint` at `deny` or `forbid`.
fn is_strict(lint: &str, strict: &BTreeSet<String>) -> bool {
    let group = clippy_group(lint);
    strict.contains(lint)
        || group.is_some_and(|g| strict.contains(g))
        || (group == Some("clippy::suspicious") && strict.contains("clippy::all"))
}

/// The lints an `allow(..)` in the marker switches off along with its rules.
fn allowed_by_marker(marker: &AiMarker) -> BTreeSet<&'static str> {
    RELATED
        .iter()
        .filter(|(rule, _)| marker.allows(rule))
        .flat_map(|(_, lints)| lints.iter().copied())
        .collect()
}

#[derive(Default)]
struct Levels {
    deny: Vec<String>,
    warn: Vec<String>,
    allow: Vec<String>,
}

/// `unwrap_used` and `clippy::unwrap_used` both name the clippy lint in `[macro] clippy`.
fn clippy_name(name: &str) -> String {
    if name.starts_with("clippy::") {
        name.to_string()
    } else {
        format!("clippy::{name}")
    }
}

fn levels(config: &Config) -> Levels {
    let mut out = Levels::default();
    match &config.macro_rustc {
        Some(LintLevels { deny, warn, allow }) => {
            out.deny.extend(deny.iter().cloned());
            out.warn.extend(warn.iter().cloned());
            out.allow.extend(allow.iter().cloned());
        }
        None => out
            .deny
            .extend(DEFAULT_RUSTC_DENY.iter().map(ToString::to_string)),
    }
    match &config.macro_clippy {
        Some(LintLevels { deny, warn, allow }) => {
            out.deny.extend(deny.iter().map(|n| clippy_name(n)));
            out.warn.extend(warn.iter().map(|n| clippy_name(n)));
            out.allow.extend(allow.iter().map(|n| clippy_name(n)));
        }
        None => out
            .warn
            .extend(DEFAULT_CLIPPY_WARN.iter().map(|n| clippy_name(n))),
    }
    out
}

/// A lint name as a path (`unsafe_code`, `clippy::unwrap_used`); `None` for a name that is
/// not one (a typo in the config must not become a syntax error on the user's item).
fn lint_path(name: &str) -> Option<TokenStream> {
    let segments: Vec<&str> = name.split("::").collect();
    if segments.len() > 2 {
        return None;
    }
    let mut idents = Vec::new();
    for s in segments {
        let mut chars = s.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok || s == "_" {
            return None;
        }
        idents.push(Ident::new(s, Span::call_site()));
    }
    Some(quote!(#(#idents)::*))
}

/// Whether the compiler running the macro is clippy's driver: `cargo clippy` runs it (as
/// `RUSTC_WORKSPACE_WRAPPER`) with `CLIPPY_ARGS` set. Plain rustc ignores `clippy::` lints,
/// and checking their names costs it time on every marked item, so they are left out there.
pub fn under_clippy() -> bool {
    static CLIPPY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CLIPPY.get_or_init(|| {
        std::env::var_os("CLIPPY_ARGS").is_some()
            || std::env::current_exe().is_ok_and(|exe| {
                exe.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("clippy-driver"))
            })
    })
}

/// The lint attributes to put before the item's own attributes (so that the user's own
/// `#[allow(..)]`, which `lint_suppression` reports, still wins). `clippy`: whether to
/// include clippy's lints (see [`under_clippy`]).
pub fn attrs(
    config: &Config,
    marker: &AiMarker,
    strict: &BTreeSet<String>,
    clippy: bool,
) -> TokenStream {
    let levels = levels(config);
    let allowed = allowed_by_marker(marker);
    let keep = |names: &[String], weak: bool| -> Vec<TokenStream> {
        let mut seen = BTreeSet::new();
        names
            .iter()
            .filter(|n| clippy || !n.starts_with("clippy::"))
            .filter(|n| !allowed.contains(n.as_str()))
            .filter(|n| !(weak && is_strict(n, strict)))
            .filter(|n| seen.insert(n.as_str()))
            .filter_map(|n| lint_path(n))
            .collect()
    };
    let deny = keep(&levels.deny, false);
    let warn = keep(&levels.warn, true);
    let allow = keep(&levels.allow, true);
    let mut out = TokenStream::new();
    if !deny.is_empty() {
        out.extend(quote!(#[deny(#(#deny),*)]));
    }
    if !warn.is_empty() {
        out.extend(quote!(#[warn(#(#warn),*)]));
    }
    if !allow.is_empty() {
        out.extend(quote!(#[allow(#(#allow),*)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(config: &Config, marker: &AiMarker, strict: &[&str]) -> String {
        let strict = strict.iter().map(ToString::to_string).collect();
        attrs(config, marker, &strict, true).to_string()
    }

    #[test]
    fn clippy_lints_only_for_clippy() {
        let strict = BTreeSet::new();
        let s = attrs(&Config::default(), &AiMarker::default(), &strict, false).to_string();
        assert_eq!(s, "# [deny (unsafe_code)]");
    }

    #[test]
    fn defaults() {
        let s = render(&Config::default(), &AiMarker::default(), &[]);
        assert!(
            s.starts_with(
                "# [deny (unsafe_code)] # [warn (clippy :: unwrap_used , clippy :: expect_used"
            ),
            "{s}"
        );
        assert!(s.contains("clippy :: let_underscore_must_use"), "{s}");
    }

    #[test]
    fn marker_allow_and_strict_manifest_lints_are_left_out() {
        let (marker, problems) = aiguard_lints::ai::parse_marker_args(quote!(allow(
            unwrap_used = "the input is a literal"
        )));
        assert!(problems.is_empty());
        let s = render(
            &Config::default(),
            &marker,
            &["clippy::panic", "unsafe_code"],
        );
        assert!(!s.contains("unwrap_used"), "{s}");
        assert!(!s.contains("clippy :: panic ,"), "{s}");
        // deny stays: it is never weaker than the manifest's level.
        assert!(s.contains("deny (unsafe_code)"), "{s}");
        assert!(s.contains("clippy :: expect_used"), "{s}");
    }

    #[test]
    fn config_replaces_defaults_and_bad_names_are_skipped() {
        let config = Config {
            macro_rustc: Some(LintLevels {
                deny: vec!["unsafe_code".into(), "missing docs".into()],
                warn: vec![],
                allow: vec![],
            }),
            macro_clippy: Some(LintLevels {
                deny: vec!["clippy::unwrap_used".into()],
                warn: vec!["indexing_slicing".into()],
                allow: vec!["too_many_lines".into()],
            }),
            ..Config::default()
        };
        let s = render(&config, &AiMarker::default(), &[]);
        assert_eq!(
            s,
            "# [deny (unsafe_code , clippy :: unwrap_used)] # [warn (clippy :: indexing_slicing)] # [allow (clippy :: too_many_lines)]"
        );
    }
}
