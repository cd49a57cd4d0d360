//! The rules' source pre-filters (`Cx::file_mentions`, `Cx::fn_mentions`,
//! `Cx::fn_mentions_path`) skip only what cannot produce a finding: every file checked with
//! its source text (pre-filters on) gives the findings it gives without (pre-filters off).

mod harness;

use std::collections::BTreeSet;
use std::path::Path;

use aiguard_lints::{Config, FileCtx};

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
