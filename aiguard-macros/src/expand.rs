//! The expansion: arguments → item → config → engine → diagnostics around the unchanged item.
//!
//! 1. Decide the mode from the environment: a crate compiled as someone's dependency gets
//!    its item back untouched (a `compile_error!` there would break the dependent's build,
//!    and `--cap-lints` cannot soften it); `AIGUARD_BUILD=off` does the same, `=warn` turns
//!    errors into warnings.
//! 2. Parse the arguments (errors at the argument's span) and load the config (once per
//!    process).
//! 3. One walk over the item's raw tokens (see `mirror`) prints them and measures their
//!    nesting before syn sees them: syn's recursive descent overflows the compiler's stack
//!    on a few hundred nested generics at the opt-level cargo gives proc macros by default,
//!    which would abort the compiler.
//! 4. Parse the item (the printed copy, in proc-macro2's own implementation, when it is
//!    faithful), run the engine, map the spans back to the compiler's, and emit.

use std::path::Path;

use aiguard_lints::ai::AllowEntry;
use aiguard_lints::{AiMarker, Config, Finding, Level, Problem};
use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;

use crate::args::Args;
use crate::config::{self, Loaded};
use crate::context;
use crate::emit::{self, Additions, Diag};
use crate::lint_attrs;
use crate::mirror::{self, Forced, Mirror};
use crate::nested;
use crate::shape::Shape;

/// Items whose nesting costs more than this (see `Mirror::cost`) are not parsed: at
/// most 64 nested generic types, 128 nested blocks or 256 nested parentheses, a third of
/// what overflows the compiler's stack, leaving room for the engine's walk and for whatever
/// rustc already has on the stack. Real code stays far below.
pub const MAX_NESTING: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Check, errors and warnings as configured.
    Check,
    /// `AIGUARD_BUILD=warn`: check, errors become warnings.
    Warn,
    /// `AIGUARD_BUILD=off`: emit the item only.
    Off,
    /// A crate compiled as someone's dependency: emit the item only.
    Dependency,
}

impl Mode {
    fn from_env() -> Mode {
        let var = |k: &str| std::env::var_os(k);
        let cwd = std::env::current_dir().ok();
        if is_dependency(&var, cwd.as_deref(), &|p: &Path| p.is_file()) {
            return Mode::Dependency;
        }
        match var("AIGUARD_BUILD")
            .as_ref()
            .and_then(|v| v.to_str())
            .map(str::trim)
        {
            Some("off") => Mode::Off,
            Some("warn") => Mode::Warn,
            _ => Mode::Check,
        }
    }
}

type Env<'a> = &'a dyn Fn(&str) -> Option<std::ffi::OsString>;

/// Whether the crate being compiled is someone else's code that the user builds as a
/// dependency, whose findings are not the user's to fix:
///
/// - it lies in cargo's registry or git checkouts, or is vendored (`cargo vendor` leaves a
///   `.cargo-checksum.json`, registry and git checkouts a `.cargo-ok`);
/// - or cargo builds it (`CARGO` is set), not as a package it was asked to build
///   (`CARGO_PRIMARY_PACKAGE` is unset), and it does not lie below the workspace root. Cargo
///   runs rustc in the workspace root for packages below it, and in the package's own
///   directory otherwise. Members below the root are always checked: cargo does not rebuild
///   a member built first as another member's dependency when it is then built on its own,
///   so skipping non-primary members would hide their findings behind a fresh artifact. (A
///   package at the workspace root itself cannot be told from an outside path dependency,
///   so there `CARGO_PRIMARY_PACKAGE` decides.)
///
/// A host that is not cargo counts as primary, so findings show in the editor:
/// rust-analyzer's proc-macro server sets `CARGO` but never `CARGO_PRIMARY_PACKAGE`.
fn is_dependency(var: Env<'_>, cwd: Option<&Path>, is_file: &dyn Fn(&Path) -> bool) -> bool {
    let dir = var("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    if let Some(dir) = &dir {
        let home = var("CARGO_HOME").map(std::path::PathBuf::from);
        if in_cargo_checkouts(dir, home.as_deref())
            || is_file(&dir.join(".cargo-checksum.json"))
            || is_file(&dir.join(".cargo-ok"))
        {
            return true;
        }
    }
    let under_cargo = var("CARGO").is_some();
    let primary = var("CARGO_PRIMARY_PACKAGE").is_some();
    let below_root = match (&dir, cwd) {
        (Some(dir), Some(cwd)) => dir != cwd && dir.starts_with(cwd),
        _ => false,
    };
    under_cargo && !primary && !below_root && !is_rust_analyzer(var)
}

fn in_cargo_checkouts(dir: &Path, cargo_home: Option<&Path>) -> bool {
    if let Some(home) = cargo_home
        && (dir.starts_with(home.join("registry")) || dir.starts_with(home.join("git")))
    {
        return true;
    }
    let parts: Vec<_> = dir
        .components()
        .map(std::path::Component::as_os_str)
        .collect();
    parts
        .windows(2)
        .any(|w| w[0] == ".cargo" && (w[1] == "registry" || w[1] == "git"))
}

fn is_rust_analyzer(var: Env<'_>) -> bool {
    var("RUST_ANALYZER_INTERNALS_DO_NOT_USE").is_some()
        || std::env::current_exe().is_ok_and(|exe| {
            exe.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("rust-analyzer"))
        })
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let _one_at_a_time = mirror::lock();
    let mode = Mode::from_env();
    if mode == Mode::Dependency {
        return item;
    }
    let shape = Shape::of(item.clone());
    if mode == Mode::Off {
        // Keep cargo watching `AIGUARD_BUILD`, so that turning the macro back on rebuilds.
        let tracker = env_tracker_once(&shape);
        return emit::render(
            shape,
            Additions {
                tracker,
                ..Additions::default()
            },
        );
    }

    let mut shape = shape;
    let mut add = Additions::default();
    let mut diags: Vec<(Level, Diag)> = Vec::new();
    let loaded = config::get();
    let mirror = Mirror::new(&args, &item, MAX_NESTING);
    let Outcome {
        marker,
        nested,
        arg_diags,
        check_diags,
        has_nested_marker,
    } = run(args, item, &mirror, &loaded.config);
    diags.extend(arg_diags);

    // Once per crate; as warnings they need an item that can hold them.
    let can_report = mode == Mode::Check || emit::has_slot(&shape);
    if !loaded.errors.is_empty() && can_report && loaded.take_errors_turn() {
        for e in &loaded.errors {
            let d = Diag::new(
                Span::call_site(),
                "invalid_config",
                format!("invalid aiguard config: {}", e.message),
            )
            .help(e.help.clone());
            diags.push((Level::Deny, d));
        }
    }

    // The rules allowed here: this marker's, and an enclosing marker's.
    let mut allows: Vec<String> = nested.clone().unwrap_or_default();
    allows.extend(marker.allow.iter().map(|a| a.rule.to_string()));
    // Nested: the enclosing item's expansion checked this item; pass the allows further in.
    if nested.is_some() || has_nested_marker {
        shape.tokens = nested::mark(shape.tokens, &allows);
    }
    diags.extend(check_diags);

    for (level, d) in diags {
        if level == Level::Deny && mode == Mode::Check {
            add.errors.push(d);
        } else {
            add.warnings.push(d);
        }
    }
    add.lint_attrs = lint_attrs::attrs(
        &loaded.config,
        &with_allows(&marker, &allows),
        &loaded.strict_lints,
        lint_attrs::under_clippy(),
    );
    if shape.takes_docs() {
        add.doc = Some(doc_line(marker.model.as_deref()));
    }
    add.tracker = tracker_once(&loaded, &shape);
    emit::render(shape, add)
}

/// The marker with `rules` added to its allow list (for lint levels only).
fn with_allows(marker: &AiMarker, rules: &[String]) -> AiMarker {
    let mut m = marker.clone();
    for name in rules {
        if let Some(rule) = aiguard_lints::registry::by_name(name)
            && !m.allows(rule.meta().name)
        {
            m.allow.push(AllowEntry {
                rule: rule.meta().name,
                reason: String::new(),
                span: Span::call_site(),
            });
        }
    }
    m
}

/// What the arguments and the item gave, every span the compiler's.
struct Outcome {
    marker: AiMarker,
    /// `Some` when an enclosing marked item has checked this one (see `args::Args`).
    nested: Option<Vec<String>>,
    arg_diags: Vec<(Level, Diag)>,
    check_diags: Vec<(Level, Diag)>,
    /// The item holds another marker, which must be told it was checked.
    has_nested_marker: bool,
}

/// Parses the arguments and checks the item: on the mirror's copy in proc-macro2's own
/// implementation when it is faithful (see `mirror`), else on the compiler's tokens.
fn run(args: TokenStream, item: TokenStream, mirror: &Mirror, config: &Config) -> Outcome {
    let path = context::source_file_of(&item);
    if mirror.faithful && mirror.cost <= MAX_NESTING {
        let forced = Forced::new();
        if let Some((args, item, anchor)) = mirror.lex() {
            let out = run_on(args, item, mirror, path.as_deref(), config, &|span| {
                mirror.span(span, anchor)
            });
            context::forget_copies_when_large(mirror.item_text().len());
            drop(forced);
            return out;
        }
        drop(forced);
    }
    run_on(args, item, mirror, path.as_deref(), config, &|span| span)
}

/// [`run`] on one set of tokens; `map` turns their spans into the compiler's.
fn run_on(
    args: TokenStream,
    item: TokenStream,
    mirror: &Mirror,
    path: Option<&Path>,
    config: &Config,
    map: &dyn Fn(Span) -> Span,
) -> Outcome {
    let Args {
        mut marker,
        problems,
        nested,
    } = crate::args::parse(args);
    let arg_diags = problems
        .into_iter()
        .map(|p| (Level::Deny, problem_diag(p, "invalid_argument", map)))
        .collect();
    let (check_diags, has_nested_marker) = if nested.is_some() {
        (Vec::new(), false)
    } else {
        check(item, mirror, path, &marker, config, map)
    };
    // The marker outlives the copy's spans.
    marker.reviewed_span = marker.reviewed_span.map(map);
    marker.digest_span = marker.digest_span.map(map);
    for a in &mut marker.allow {
        a.span = map(a.span);
    }
    Outcome {
        marker,
        nested,
        arg_diags,
        check_diags,
        has_nested_marker,
    }
}

/// Runs the engine on the item, seen in its file: its findings and problems, and whether it
/// holds another marker.
fn check(
    item: TokenStream,
    mirror: &Mirror,
    path: Option<&Path>,
    marker: &AiMarker,
    config: &Config,
    map: &dyn Fn(Span) -> Span,
) -> (Vec<(Level, Diag)>, bool) {
    let mut out = Vec::new();
    let mut has_nested_marker = false;
    if mirror.cost > MAX_NESTING {
        let d = Diag::new(
            map(Span::call_site()),
            "skipped",
            "item nested too deeply for aiguard to check",
        )
        .help(Some(
            "split it (a `type` alias for a deep type, helper fns for deep code) or move it out of `#[ai_generated]`"
                .to_string(),
        ));
        out.push((Level::Warn, d));
        return (out, false);
    }
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(parsed) => {
            has_nested_marker = nested::has_marker(&parsed);
            let ctx = context::item_ctx(path, mirror.item_text(), &item);
            let report = aiguard_lints::check_item_in(&parsed, marker, config, ctx);
            for f in report.findings {
                if f.level != Level::Allow {
                    out.push((f.level, finding_diag(f, map)));
                }
            }
            // Depth limits of the walk: one note per item is enough. Other problems are
            // the arguments of markers nested in the item, which their own expansion
            // reports too (rustc shows identical diagnostics once).
            let mut skipped = false;
            for p in report.problems {
                if p.message.contains("too deeply") {
                    if !std::mem::replace(&mut skipped, true) {
                        out.push((Level::Warn, problem_diag(p, "skipped", map)));
                    }
                } else {
                    out.push((Level::Deny, problem_diag(p, "invalid_argument", map)));
                }
            }
        }
        // An item of an extern block (`safe fn f();`) is no `syn::Item`; it has no body
        // to check.
        Err(_) if syn::parse2::<syn::ForeignItem>(item.clone()).is_ok() => {}
        Err(err) => {
            let d = Diag::new(
                map(err.span()),
                "parse_error",
                format!("aiguard could not parse this item: {err}"),
            )
            .help(Some(
                "move the item out of `#[ai_generated]`, and report the syntax aiguard does not know"
                    .to_string(),
            ));
            out.push((Level::Deny, d));
        }
    }
    (out, has_nested_marker)
}

fn problem_diag(p: Problem, name: &str, map: &dyn Fn(Span) -> Span) -> Diag {
    Diag::new(map(p.span), name, p.message).help(p.help)
}

fn finding_diag(f: Finding, map: &dyn Fn(Span) -> Span) -> Diag {
    let mut d = Diag::new(map(f.span), f.rule.name, f.message).help(f.help);
    for label in f.labels {
        d.notes.push(match line_of(map(label.span)) {
            Some(line) => format!("{} (line {line})", label.text),
            None => label.text,
        });
    }
    d.notes.extend(f.notes);
    d
}

/// The line of a compiler span; `None` outside a proc macro (unit tests).
fn line_of(span: Span) -> Option<usize> {
    if proc_macro::is_available() {
        Some(span.unwrap().line())
    } else {
        None
    }
}

fn doc_line(model: Option<&str>) -> String {
    match model {
        Some(m) => {
            let m: String = m
                .chars()
                .filter(|c| !matches!(c, '*' | '`' | '\n' | '\r'))
                .collect();
            format!("*AI-generated (model: {m}).*")
        }
        None => "*AI-generated.*".to_string(),
    }
}

/// `include_bytes!` of every config file, so cargo rebuilds the crate when one changes, and
/// `option_env!` of `AIGUARD_BUILD`, so it rebuilds when that changes: once per crate, on
/// the first item that has a place for it.
fn tracker_once(loaded: &Loaded, shape: &Shape) -> Option<TokenStream> {
    if !loaded.tracker_pending() || !emit::has_slot(shape) {
        return None;
    }
    loaded.tracker_done();
    let files = loaded
        .files
        .iter()
        .filter_map(|f| f.to_str())
        .map(Literal::string);
    Some(quote! {
        const _: () = {
            #( let _ = ::core::include_bytes!(#files); )*
            let _ = ::core::option_env!("AIGUARD_BUILD");
        };
    })
}

fn env_tracker_once(shape: &Shape) -> Option<TokenStream> {
    use std::sync::atomic::{AtomicBool, Ordering};
    static DONE: AtomicBool = AtomicBool::new(false);
    if !emit::has_slot(shape) || DONE.swap(true, Ordering::Relaxed) {
        return None;
    }
    Some(quote! {
        const _: () = {
            let _ = ::core::option_env!("AIGUARD_BUILD");
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |k| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn dependency(pairs: &[(&str, &str)], cwd: &str) -> bool {
        is_dependency(&env(pairs), Some(Path::new(cwd)), &|p: &Path| {
            p.ends_with("vendor/dep/.cargo-checksum.json")
        })
    }

    #[test]
    fn dependency_detection() {
        let cargo = ("CARGO", "/usr/bin/cargo");
        // the package cargo was asked to build
        assert!(!dependency(
            &[
                cargo,
                ("CARGO_PRIMARY_PACKAGE", "1"),
                ("CARGO_MANIFEST_DIR", "/ws/app")
            ],
            "/ws"
        ));
        // a workspace member built for another member is checked all the same
        assert!(!dependency(
            &[cargo, ("CARGO_MANIFEST_DIR", "/ws/core")],
            "/ws"
        ));
        // a path dependency outside the workspace: rustc runs in its own directory
        assert!(dependency(
            &[cargo, ("CARGO_MANIFEST_DIR", "/elsewhere/dep")],
            "/elsewhere/dep"
        ));
        // the package at the workspace root looks the same: primary-ness decides
        assert!(dependency(&[cargo, ("CARGO_MANIFEST_DIR", "/ws")], "/ws"));
        assert!(!dependency(
            &[
                cargo,
                ("CARGO_PRIMARY_PACKAGE", "1"),
                ("CARGO_MANIFEST_DIR", "/ws")
            ],
            "/ws"
        ));
        // registry and git checkouts and vendored crates, even when primary (`-p dep`)
        assert!(dependency(
            &[
                ("CARGO_PRIMARY_PACKAGE", "1"),
                (
                    "CARGO_MANIFEST_DIR",
                    "/home/u/.cargo/registry/src/index/dep-1.0.0"
                ),
            ],
            "/ws"
        ));
        assert!(dependency(
            &[
                ("CARGO_HOME", "/opt/cargo"),
                ("CARGO_MANIFEST_DIR", "/opt/cargo/git/checkouts/dep/abc")
            ],
            "/ws"
        ));
        assert!(dependency(
            &[cargo, ("CARGO_MANIFEST_DIR", "/ws/vendor/dep")],
            "/ws"
        ));
        // no cargo at all (rustc by hand, other build systems)
        assert!(!dependency(
            &[("CARGO_MANIFEST_DIR", "/elsewhere/app")],
            "/ws"
        ));
        // rust-analyzer's proc-macro server: CARGO set, never CARGO_PRIMARY_PACKAGE
        assert!(!dependency(
            &[
                cargo,
                ("CARGO_MANIFEST_DIR", "/elsewhere/app"),
                ("RUST_ANALYZER_INTERNALS_DO_NOT_USE", "this is unstable"),
            ],
            "/ws"
        ));
    }

    #[test]
    fn doc_lines() {
        assert_eq!(doc_line(None), "*AI-generated.*");
        assert_eq!(doc_line(Some("gpt-4o")), "*AI-generated (model: gpt-4o).*");
        assert_eq!(doc_line(Some("a*`b")), "*AI-generated (model: ab).*");
    }
}
