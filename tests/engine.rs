//! The engine API end to end: `check_item` (the macro's entry point), `check_file` scopes,
//! the marker's arguments, config validation spans, the depth limit.

mod harness;

use aiguard_lints::ai::{AiMarker, parse_marker_args};
use aiguard_lints::config::{ConfigSection, parse_config};
use aiguard_lints::{Config, Level, check_item};

fn item(src: &str) -> syn::Item {
    syn::parse_str(src).unwrap()
}

fn marker(args: &str) -> AiMarker {
    let (m, problems) = parse_marker_args(args.parse().unwrap());
    assert!(
        problems.is_empty(),
        "{:?}",
        problems.iter().map(|p| &p.message).collect::<Vec<_>>()
    );
    m
}

#[test]
fn check_item_treats_the_item_as_ai_code() {
    let it = item("fn port(s: &str) -> u16 { s.parse().unwrap() }");
    let report = check_item(&it, &marker(r#"model = "gpt-4o""#), &Config::default());
    let f: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.name == "unwrap_used")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].level, Level::Warn);
    let ai = f[0].ai.as_ref().unwrap();
    assert_eq!(ai.item, "port");
    assert_eq!(ai.model.as_deref(), Some("gpt-4o"));
    assert_eq!(f[0].item_path, "port");
}

#[test]
fn check_item_walks_impl_methods_and_nested_items() {
    let it = item(
        "impl Server { fn a(&self) { self.x.unwrap(); } fn b(&self) { fn inner() { y().unwrap(); } } }",
    );
    let report = check_item(&it, &AiMarker::default(), &Config::default());
    let paths: Vec<_> = report
        .findings
        .iter()
        .map(|f| f.item_path.clone())
        .collect();
    assert_eq!(paths, ["Server::a", "Server::b::inner"]);
}

#[test]
fn allow_list_silences_a_rule_with_a_reason() {
    let it = item("fn f() { g().unwrap(); }");
    let m = marker(r#"allow(unwrap_used = "g never fails")"#);
    assert!(check_item(&it, &m, &Config::default()).findings.is_empty());
}

#[test]
fn config_levels_apply() {
    let (config, errors) = parse_config("[rules]\nunwrap_used = \"deny\"\n", ConfigSection::Root);
    assert!(errors.is_empty());
    let it = item("fn f() { g().unwrap(); }");
    let report = check_item(&it, &AiMarker::default(), &config.unwrap());
    assert_eq!(report.findings[0].level, Level::Deny);
    let (config, _) = parse_config(
        "[rules]\nunwrap_used = { ai = \"allow\" }\n",
        ConfigSection::Root,
    );
    assert!(
        check_item(&it, &AiMarker::default(), &config.unwrap())
            .findings
            .is_empty()
    );
}

#[test]
fn marker_argument_errors_point_at_the_argument() {
    let cases = [
        (r#"modle = "x""#, "unknown argument `modle`"),
        (r"allow(unwrap_used)", "`allow(unwrap_used)` needs a reason"),
        (r#"allow(unwrap_usd = "r")"#, "unknown rule `unwrap_usd`"),
        (r"model = 4", "`model` takes a string literal"),
        (r#"allow(unwrap_used = "")"#, "empty reason"),
    ];
    for (args, want) in cases {
        let (_, problems) = parse_marker_args(args.parse().unwrap());
        assert_eq!(problems.len(), 1, "{args}");
        assert!(
            problems[0].message.contains(want),
            "{args}: {}",
            problems[0].message
        );
        assert!(problems[0].help.is_some(), "{args}: no help");
    }
    let (_, problems) = parse_marker_args(r#"allow(unwrap_usd = "r")"#.parse().unwrap());
    assert!(
        problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`unwrap_used`")
    );
}

#[test]
fn marker_problems_surface_from_check_file() {
    let src = "#[ai_generated(modle = \"x\")]\nfn f() {}\n";
    let report = harness::check_source(src, "src/lib.rs", &Config::default());
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].span.start().line, 1);
    assert_eq!(report.ai_items.len(), 1);
}

#[test]
fn config_errors_point_into_the_toml() {
    let text = "[rules]\nunwrap_usd = \"deny\"\nexpect_used = \"loud\"\n[bogus]\n";
    let (_, errors) = parse_config(text, ConfigSection::Root);
    let msgs: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.message.as_str(), &text[e.span.clone()]))
        .collect();
    assert!(
        msgs.contains(&("unknown rule `unwrap_usd`", "unwrap_usd")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|(m, _)| m.starts_with("unknown key `bogus`")),
        "{msgs:?}"
    );
    let (_, errors) = parse_config("[rules\n", ConfigSection::Root);
    assert!(errors[0].message.starts_with("invalid TOML"));
}

#[test]
fn workspace_metadata_section() {
    let text =
        "[workspace]\nmembers = []\n[workspace.metadata.aiguard.rules]\nunwrap_used = \"deny\"\n";
    let (config, errors) = parse_config(text, ConfigSection::WorkspaceMetadata);
    assert!(errors.is_empty());
    assert_eq!(config.unwrap().rules["unwrap_used"].ai, Some(Level::Deny));
    let (none, errors) = parse_config("[package]\nname = \"x\"\n", ConfigSection::PackageMetadata);
    assert!(none.is_none() && errors.is_empty());
}

#[test]
fn test_code_and_human_code_scopes() {
    let src = "// aiguard: ai-generated\nfn f() { a().unwrap(); }\n#[cfg(test)]\nmod tests { fn t() { b().unwrap(); } }\n";
    let report = harness::check_source(src, "src/lib.rs", &Config::default());
    let lines: Vec<_> = report
        .findings
        .iter()
        .map(|f| f.span.start().line)
        .collect();
    assert_eq!(lines, [2]);
    let human = harness::check_source("fn f() { a().unwrap(); }", "src/lib.rs", &Config::default());
    assert!(human.findings.is_empty());
}

#[test]
fn expressions_inside_macro_bodies_are_checked() {
    let src = "#[ai_generated]\nfn f() { println!(\"{}\", a().unwrap()); let v = vec![b().unwrap(); 3]; }\n";
    let report = harness::check_source(src, "src/lib.rs", &Config::default());
    assert_eq!(report.findings.len(), 2);
}

#[test]
fn deep_nesting_is_a_problem_not_a_crash() {
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(|| {
            let depth = 3000;
            let src = format!(
                "#[ai_generated]\nfn f() -> u32 {{ {}1{} }}\n",
                "(".repeat(depth),
                ")".repeat(depth)
            );
            let report = harness::check_source(&src, "src/lib.rs", &Config::default());
            report
                .problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
        })
        .unwrap();
    let problems = handle.join().unwrap();
    assert_eq!(problems, ["expression nested too deeply to analyze"]);
}
