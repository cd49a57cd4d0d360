//! Meta-tests: the registry, the rule files, the fixtures and the docs agree; every rule's
//! doc has its sections, its Example fires and its "Use instead" does not; messages follow
//! the rustc convention; docs/rules.md is fresh.

mod harness;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aiguard_lints::config::RuleLevels;
use aiguard_lints::docs::{self, REQUIRED_SECTIONS};
use aiguard_lints::{Config, FileCtx, Level, RuleMeta, registry};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn metas() -> Vec<&'static RuleMeta> {
    registry::all()
        .map(aiguard_lints::rule::HasMeta::meta)
        .collect()
}

#[test]
fn names_are_unique_snake_case_and_match_rules_md() {
    let mut seen = BTreeSet::new();
    for m in metas() {
        assert!(seen.insert(m.name), "duplicate rule name `{}`", m.name);
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "`{}` is not snake_case",
            m.name
        );
    }
    // Every registered rule appears in the catalogue's table with the same levels and CWE.
    let catalogue = std::fs::read_to_string(root().join("docs/catalogue.md")).unwrap();
    for m in metas() {
        let row = catalogue
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", m.name)))
            .unwrap_or_else(|| panic!("`{}` is not in docs/catalogue.md", m.name));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let lv = |l: Option<Level>| l.map_or("n/a", Level::as_str);
        assert_eq!(
            (cells[2], cells[3], cells[4], cells[5]),
            (
                m.family.as_str(),
                lv(m.ai),
                lv(m.human),
                m.cwe.to_string().as_str()
            ),
            "`{}` differs from the catalogue",
            m.name
        );
    }
}

#[test]
fn every_rule_file_is_registered_and_every_rule_has_a_fixture() {
    let rules_dir = root().join("lints/src/rules");
    let registered: BTreeSet<(String, String)> = metas()
        .iter()
        .map(|m| (m.family.module_dir().to_string(), m.name.to_string()))
        .collect();
    let mut files = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&rules_dir).min_depth(2).max_depth(2) {
        let entry = entry.unwrap();
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "rs") && p.file_name().unwrap() != "mod.rs" {
            let family = p
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            files.insert((family, p.file_stem().unwrap().to_string_lossy().to_string()));
        }
    }
    let unregistered: Vec<_> = files.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "rule files not registered (or in the wrong family dir): {unregistered:?}"
    );
    let fixtures_dir = root().join("tests/fixtures/rules");
    for (family, name) in &registered {
        let f = fixtures_dir.join(family).join(format!("{name}.rs"));
        assert!(
            f.exists() || f.with_extension("toml").exists(),
            "rule `{name}` has no fixture at {}",
            f.display()
        );
    }
    for entry in walkdir::WalkDir::new(&fixtures_dir)
        .min_depth(2)
        .max_depth(2)
    {
        let entry = entry.unwrap();
        let p = entry.path();
        let family = p
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            registered.contains(&(family.clone(), name.clone())),
            "fixture {} names no registered rule of family dir `{family}`",
            p.display()
        );
        let src = std::fs::read_to_string(p).unwrap();
        let own = harness::markers(&src)
            .iter()
            .filter(|(r, _)| *r == name)
            .count();
        assert!(
            own >= 3,
            "fixture {} has {own} firing cases; at least 3 are required",
            p.display()
        );
        // Near-misses: code lines (not blank, not comments, not braces) that carry no marker.
        let lines_without_marker = src
            .lines()
            .map(str::trim)
            .filter(|l| {
                !l.contains("//~")
                    && !l.contains("#~")
                    && !l.starts_with("//")
                    && !l.starts_with('#')
                    && l.len() > 2
            })
            .count();
        assert!(
            lines_without_marker >= 6,
            "fixture {} needs near-miss cases (unmarked code)",
            p.display()
        );
    }
}

#[test]
fn docs_have_every_section_in_order() {
    for m in metas() {
        let text = docs::sanitize_explanation(m.explanation);
        let mut pos = 0;
        for s in REQUIRED_SECTIONS {
            let found = text[pos..]
                .find(s)
                .unwrap_or_else(|| panic!("rule `{}` lacks `{s}` (or it is out of order)", m.name));
            pos += found + s.len();
        }
        assert!(
            text.contains(&format!("CWE-{}", m.cwe)),
            "rule `{}`: References must name CWE-{}",
            m.name,
            m.cwe
        );
        check_convention(m.name, "summary", m.summary);
    }
}

fn parse_example(code: &str) -> syn::File {
    syn::parse_file(code)
        .or_else(|_| syn::parse_file(&format!("fn __example() {{\n{code}\n}}")))
        .unwrap_or_else(|e| panic!("example does not parse: {e}\n{code}"))
}

#[test]
fn examples_fire_and_fixes_do_not() {
    for m in metas() {
        let is_manifest_rule = registry::by_name(m.name)
            .unwrap()
            .interests()
            .contains(&aiguard_lints::NodeKind::Dependency);
        let mut config = Config::default();
        config.rules.insert(
            m.name,
            RuleLevels {
                ai: m.ai.map(|_| Level::Warn),
                human: m.human.map(|_| Level::Warn),
            },
        );
        let ctx = FileCtx {
            ai_file: m.ai.is_some(),
            is_build_script: m.ai.is_none(),
            ..FileCtx::default()
        };
        let fires = |code: &str| {
            if is_manifest_rule {
                return aiguard_lints::check_manifest(
                    code,
                    Path::new("/ws/member"),
                    Path::new("/ws"),
                    &config,
                )
                .0
                .iter()
                .filter(|f| f.rule.name == m.name)
                .count();
            }
            let file = parse_example(code);
            aiguard_lints::check_file(&file, &ctx, &config)
                .findings
                .iter()
                .filter(|f| f.rule.name == m.name)
                .count()
        };
        let example = docs::section_code(m.explanation, "### Example")
            .unwrap_or_else(|| panic!("`{}`: no code block under Example", m.name));
        let fixed = docs::section_code(m.explanation, "### Use instead")
            .unwrap_or_else(|| panic!("`{}`: no code block under Use instead", m.name));
        assert!(
            fires(&example) > 0,
            "`{}`: its Example does not fire:\n{example}",
            m.name
        );
        assert_eq!(
            fires(&fixed),
            0,
            "`{}`: its Use instead fires:\n{fixed}",
            m.name
        );
    }
}

fn check_convention(rule: &str, what: &str, text: &str) {
    let first = text.chars().next().unwrap_or(' ');
    assert!(
        !first.is_uppercase(),
        "`{rule}` {what} must start lower-case (rustc style): {text:?}"
    );
    assert!(
        !text.ends_with('.'),
        "`{rule}` {what} must not end with a period: {text:?}"
    );
    assert!(!text.trim().is_empty(), "`{rule}` {what} is empty");
}

#[test]
fn messages_follow_the_rustc_convention() {
    let fixtures = root().join("tests/fixtures/rules");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&fixtures) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(entry.path()).unwrap();
        let report = harness::check_source(&src, "fixture.rs", &harness::fixture_config(&src));
        for f in &report.findings {
            count += 1;
            check_convention(f.rule.name, "message", &f.message);
            let help = f.help.as_deref().unwrap_or_else(|| {
                panic!("`{}` reports without a help: {}", f.rule.name, f.message)
            });
            check_convention(f.rule.name, "help", help);
            for l in &f.labels {
                check_convention(f.rule.name, "label", &l.text);
            }
        }
    }
    assert!(count > 0);
}

#[test]
fn rules_page_is_fresh() {
    let path = root().join("docs/rules.md");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = docs::render_rules_page();
    if std::env::var_os("AIGUARD_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    assert!(
        current == expected,
        "docs/rules.md is stale; regenerate it with:\n    cargo run -p cargo-aiguard -- aiguard rules --format md > docs/rules.md"
    );
}

#[test]
fn readme_rules_table_is_fresh() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start_tag = "<!-- rules-table:start";
    let end_tag = "<!-- rules-table:end -->";
    let start = readme
        .find(start_tag)
        .expect("README lacks the rules-table markers");
    let start = start + readme[start..].find("-->").unwrap() + 3;
    let end = readme
        .find(end_tag)
        .expect("README lacks the rules-table end marker");
    let mut rules: Vec<&RuleMeta> = metas();
    rules.sort_by_key(|m| (m.family, m.name));
    let table = format!("\n{}", docs::rules_table(&rules));
    if std::env::var_os("AIGUARD_BLESS").is_some() {
        let new = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        readme[start..end] == table,
        "the README's rules table is stale; regenerate it with:\n    AIGUARD_BLESS=1 cargo test -p aiguard-tests --test meta"
    );
}
