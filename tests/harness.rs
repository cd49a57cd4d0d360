//! Shared test helpers: the `//~ rule` marker parser and a plain checker over source text.
#![allow(dead_code)]

use std::collections::BTreeSet;

use aiguard_lints::{Config, FileCtx, Report};

/// Expected findings: (rule, line) for each `//~ rule_a rule_b` marker (1-based lines).
pub fn markers(source: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let pos = line
            .find("//~")
            .map(|p| p + 3)
            .or_else(|| line.find("#~").map(|p| p + 2));
        if let Some(pos) = pos {
            for name in line[pos..]
                .split([' ', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                out.push((name.to_string(), i + 1));
            }
        }
    }
    out.sort();
    out
}

/// The config a fixture asks for in `//@ ` lines (TOML), or the default.
pub fn fixture_config(source: &str) -> Config {
    let mut toml = String::new();
    for l in source
        .lines()
        .filter_map(|l| l.strip_prefix("//@ ").or_else(|| l.strip_prefix("#@ ")))
    {
        toml.push_str(l);
        toml.push('\n');
    }
    if toml.is_empty() {
        return Config::default();
    }
    let (config, errors) =
        aiguard_lints::config::parse_config(&toml, aiguard_lints::config::ConfigSection::Root);
    assert!(errors.is_empty(), "bad fixture config: {errors:?}");
    config.unwrap_or_default()
}

/// Parses and checks `source` as a file (honouring `// aiguard: ai-generated`).
/// A fixture says which file it stands for with `// fixture-path: build.rs`.
pub fn check_source(source: &str, path: &str, config: &Config) -> Report {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
    let fixture_path = source
        .lines()
        .find_map(|l| l.strip_prefix("// fixture-path: "))
        .map(str::trim);
    let ctx = FileCtx {
        is_build_script: fixture_path.is_some_and(|p| p.ends_with("build.rs")),
        module_path: Vec::new(),
        is_test: aiguard_lints::scope::is_test_path(std::path::Path::new(path))
            && !path.contains("fixtures"),
        ai_file: aiguard_lints::ai::file_has_ai_comment(source),
        // as the CLI does: rules' source pre-filters are exercised by every fixture
        source: Some(source.into()),
    };
    aiguard_lints::check_file(&file, &ctx, config)
}

/// (rule, line) of each finding whose rule is in `rules`.
pub fn found(report: &Report, rules: &BTreeSet<String>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = report
        .findings
        .iter()
        .filter(|f| rules.contains(f.rule.name))
        .map(|f| (f.rule.name.to_string(), f.span.start().line))
        .collect();
    out.sort();
    out
}

/// One line per finding, for failure messages.
pub fn describe(report: &Report) -> String {
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "  {}:{} {}[{}] {}",
                f.span.start().line,
                f.span.start().column + 1,
                f.level,
                f.rule.name,
                f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks a manifest fixture as `/ws/member/Cargo.toml` of the workspace `/ws`:
/// (rule, line) of every finding.
pub fn check_manifest_source(source: &str, config: &Config) -> Vec<(String, usize)> {
    let (findings, errors) = aiguard_lints::check_manifest(
        source,
        std::path::Path::new("/ws/member"),
        std::path::Path::new("/ws"),
        config,
    );
    assert!(
        errors.is_empty(),
        "manifest fixture does not parse: {errors:?}"
    );
    let mut out: Vec<(String, usize)> = findings
        .iter()
        .map(|f| {
            (
                f.rule.name.to_string(),
                source[..f.span.start].matches('\n').count() + 1,
            )
        })
        .collect();
    out.sort();
    out
}

/// The `cargo-aiguard` binary. It belongs to another package of the workspace, so cargo does
/// not build it for a test target of this one: build it once (a no-op when it is fresh) in
/// the same target directory and profile, then let assert_cmd find it.
pub fn aiguard_bin() -> &'static std::path::Path {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        // target/<profile>/deps/<test>-<hash>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev".to_string(),
            Some(p) => p.to_string(),
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "cargo-aiguard",
                "--bin",
                "cargo-aiguard",
            ])
            .args(["--profile", &profile])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building cargo-aiguard failed");
        assert_cmd::cargo::cargo_bin("cargo-aiguard")
    })
}
