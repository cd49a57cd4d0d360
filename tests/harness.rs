//! Shared test helpers: the `//~ rule` marker parser and a plain checker over source text.
#![allow(dead_code)]

use std::collections::BTreeSet;

use aiguard_lints::{Config, FileCtx, Report};

/// Expected findings: (rule, line) for each `//~ rule_a rule_b` marker (1-based lines).
pub fn markers(source: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if let Some(pos) = line.find("//~") {
            for name in line[pos + 3..]
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

/// Parses and checks `source` as a file (honouring `// aiguard: ai-generated`).
pub fn check_source(source: &str, path: &str, config: &Config) -> Report {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
    let ctx = FileCtx {
        module_path: Vec::new(),
        is_test: aiguard_lints::scope::is_test_path(std::path::Path::new(path))
            && !path.contains("fixtures"),
        ai_file: aiguard_lints::ai::file_has_ai_comment(source),
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
