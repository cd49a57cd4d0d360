//! Per-rule fixtures: `tests/fixtures/rules/<family>/<rule>.rs`. Lines marked `//~ rule` must
//! fire exactly; every other line must not (for the fixture's rule and every rule named in a
//! marker). The fixture's findings are compared as an exact multiset of (rule, line).

mod harness;

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let is_manifest = path.extension().is_some_and(|e| e == "toml");
        if path.extension().is_none_or(|e| e != "rs") && !is_manifest {
            continue;
        }
        count += 1;
        let rule = path.file_stem().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(path).unwrap();
        let expected = harness::markers(&source);
        let mut rules: BTreeSet<String> = expected.iter().map(|(r, _)| r.clone()).collect();
        rules.insert(rule.clone());
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        if is_manifest {
            let actual = harness::check_manifest_source(&source, &harness::fixture_config(&source));
            if actual != expected {
                failures.push(format!(
                    "{rel}:\n  expected {expected:?}\n  found    {actual:?}"
                ));
            }
            continue;
        }
        let report = harness::check_source(&source, &rel, &harness::fixture_config(&source));
        let actual = harness::found(&report, &rules);
        if actual != expected {
            let missing: Vec<_> = expected.iter().filter(|e| !actual.contains(e)).collect();
            let extra: Vec<_> = actual.iter().filter(|a| !expected.contains(a)).collect();
            failures.push(format!(
                "{rel}:\n  missing (marked, not found): {missing:?}\n  unexpected (found, not marked): {extra:?}\n  all findings:\n{}",
                harness::describe(&report)
            ));
        }
        for p in &report.problems {
            failures.push(format!("{rel}: problem: {}", p.message));
        }
    }
    assert!(count > 0, "no fixtures found under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
