//! The rules' source pre-filters (`Cx::file_mentions`, `Cx::fn_mentions`,
//! `Cx::fn_mentions_path`) skip only what cannot produce a finding: every file checked with
//! its source text (pre-filters on) gives the findings it gives without (pre-filters off).

mod harness;

use std::collections::BTreeSet;
use std::path::Path;

use aiguard_lints::analysis::paths::UseMap;
use aiguard_lints::{AiMarker, Config, FileCtx, ItemCtx, ItemText};
use quote::ToTokens;

/// Every finding as text, checked as AI code, with or without the source text.
fn findings(source: &str, with_source: bool, config: &Config) -> Vec<String> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("does not parse: {e}"));
    let ctx = FileCtx {
        ai_file: true,
        source: with_source.then(|| source.into()),
        ..FileCtx::default()
    };
    let report = aiguard_lints::check_file(&file, &ctx, config);
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let at = f.span.start();
            format!("{}:{} {} {}", at.line, at.column, f.rule.name, f.message)
        })
        .collect();
    out.sort();
    out
}

/// Every item of `source` checked on its own as the macro checks it (the file's `use` items
/// as context), with or without the item's printed tokens: the findings of each item.
fn item_findings(source: &str, with_text: bool, config: &Config) -> Vec<String> {
    fn items_of<'a>(items: &'a [syn::Item], out: &mut Vec<&'a syn::Item>) {
        for item in items {
            out.push(item);
            if let syn::Item::Mod(m) = item
                && let Some((_, inner)) = &m.content
            {
                items_of(inner, out);
            }
        }
    }
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("does not parse: {e}"));
    let mut items = Vec::new();
    items_of(&file.items, &mut items);
    // the macro's context: the `use` items of the file, inline modules' included
    let use_items: Vec<syn::Item> = items
        .iter()
        .filter(|i| matches!(i, syn::Item::Use(_)))
        .map(|i| (*i).clone())
        .collect();
    let mut uses_text = String::new();
    for item in &use_items {
        UseMap::push_alias_text(item, &mut uses_text);
    }
    let mut out = Vec::new();
    for item in items {
        let ctx = ItemCtx {
            file_uses: Some(UseMap::from_items(&use_items)),
            text: with_text.then(|| ItemText {
                item: item.to_token_stream().to_string(),
                uses: uses_text.clone(),
            }),
            ..ItemCtx::default()
        };
        let report = aiguard_lints::check_item_in(item, &AiMarker::default(), config, ctx);
        out.extend(report.findings.iter().map(|f| {
            let at = f.span.start();
            format!("{}:{} {} {}", at.line, at.column, f.rule.name, f.message)
        }));
    }
    out.sort();
    out
}

/// The macro's pre-filters, on the item's printed tokens and the file's `use` trees: every
/// item of every fixture gives the findings it gives without them. The tokens print with
/// proc-macro2's printer here; rustc's differs only in spacing and in printing doc comments
/// as comments, and no needle spans two tokens or reads doc text.
#[test]
fn item_token_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let files = walkdir::WalkDir::new(root.join("fixtures/rules"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .chain([root.join("prefilter/aliases.rs")]);
    let mut fired = 0;
    for path in files {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let config = harness::fixture_config(&source);
        let off = item_findings(&source, false, &config);
        let on = item_findings(&source, true, &config);
        fired += on.len();
        if on != off {
            failures.push(format!(
                "{}:\n  without the text: {off:?}\n  with it: {on:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        fired > 500,
        "only {fired} findings: the items are not checked"
    );
}

/// Paths written only through a `use` alias, literals written with escapes: each case fires
/// with the pre-filters on as with them off.
#[test]
fn aliases_and_escapes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("prefilter/aliases.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    let config = Config::default();
    let off = findings(&source, false, &config);
    let on = findings(&source, true, &config);
    assert_eq!(on, off, "the pre-filters change the findings");
    // the marked lines fire (`//~ rule`, other words after a marker are not rule names)
    let expected: Vec<(String, usize)> = harness::markers(&source)
        .into_iter()
        .filter(|(r, _)| aiguard_lints::registry::by_name(r).is_some())
        .collect();
    let rules: BTreeSet<String> = expected.iter().map(|(r, _)| r.clone()).collect();
    let report = harness::check_source(&source, "prefilter/aliases.rs", &config);
    assert_eq!(
        harness::found(&report, &rules),
        expected,
        "\n{}",
        harness::describe(&report)
    );
}

/// Every rule fixture, its human code included (all checked as AI code).
#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut failures = Vec::new();
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(path).unwrap();
        let config = harness::fixture_config(&source);
        let off = findings(&source, false, &config);
        let on = findings(&source, true, &config);
        if on != off {
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter().filter(|x| !b.contains(x)).cloned().collect()
            };
            failures.push(format!(
                "{}:\n  only without the source: {:?}\n  only with it: {:?}",
                path.display(),
                only(&off, &on),
                only(&on, &off)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A doc attribute can write a placeholder mark with escapes, which the file's text does not
/// hold as such: the doc comments' file-level pre-filter still lets it through.
#[test]
fn escaped_doc_attributes() {
    let source = "#[doc = \"T\\x4fDO: load the key\"]\npub fn f() {}\n\
                  #[doc=\"FIX\\u{4d}E: retry\"]\npub fn g() {}\n";
    let config = Config::default();
    let on = findings(source, true, &config);
    assert_eq!(on, findings(source, false, &config));
    let fired = on.iter().filter(|f| f.contains("placeholder_code")).count();
    assert_eq!(fired, 2, "{on:?}");
}

/// A sink named only by a type alias of the file (`type Sh = Command;`, no `use` of it):
/// the path pre-filter reads type aliases as it reads `use` trees.
#[test]
fn type_alias_only() {
    let source = "// aiguard: ai-generated\n\
                  type Sh = std::process::Command;\n\
                  fn shell(req: HttpRequest) -> std::io::Result<std::process::ExitStatus> {\n\
                  \x20   Sh::new(\"sh\").arg(\"-c\").arg(req.query_string()).status()\n\
                  }\n";
    let config = Config::default();
    let on = findings(source, true, &config);
    assert_eq!(on, findings(source, false, &config));
    assert!(on.iter().any(|f| f.contains("command_injection")), "{on:?}");
}
