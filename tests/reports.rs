//! End-to-end tests of the report formats (`json`, `sarif`, `github`, `-o`), baselines, and
//! the `list` and `init` subcommands: each writes a small crate into a temp directory (or
//! uses the demo workspace, tests/demo) and runs the real binary on it.

mod harness;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_metadata::Message;
use cargo_metadata::diagnostic::DiagnosticLevel;
use serde_json::Value;
use tempfile::TempDir;

const UNWRAP_MSG: &str = "`.unwrap()` panics if the value is `None` or `Err`";
const UNWRAP_HELP: &str = "propagate the error with `?` or handle the `None`/`Err` case";

use harness::aiguard_bin as bin;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// A temp crate `demo` holding `files`; `Cargo.toml` is added unless given.
fn krate(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("aiguard-reports")
        .tempdir()
        .expect("temp dir");
    if !files.iter().any(|(p, _)| *p == "Cargo.toml") {
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
    }
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `cargo-aiguard aiguard ARGS` (as cargo invokes it) in `dir`.
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .current_dir(dir)
        .arg("aiguard")
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run cargo-aiguard");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    #[track_caller]
    fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn err_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }
}

const LIB: &str = "mod util;\n\npub fn parse(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n";
const UTIL: &str = "#[ai_generated(model = \"gpt-4o\")]\npub fn get(v: Result<u8, ()>) -> u8 {\n    v.unwrap()\n}\n";

/// Two findings: `src/lib.rs:4:7` (human code, denied by the config) and `src/util.rs:3:7`
/// (AI code).
fn small_crate() -> TempDir {
    krate(&[
        ("aiguard.toml", "[rules]\nunwrap_used = \"deny\"\n"),
        ("src/lib.rs", LIB),
        ("src/util.rs", UTIL),
    ])
}

fn json_lines(stdout: &str) -> Vec<Message> {
    stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Message>(l)
                .unwrap_or_else(|e| panic!("not a cargo message: {e}\n{l}"))
        })
        .collect()
}

#[test]
fn json_is_cargo_messages_and_takes_rust_analyzer_flags() {
    let dir = small_crate();
    let manifest = dir.path().join("Cargo.toml");
    let target_dir = dir.path().join("target");
    // What rust-analyzer runs for `rust-analyzer.check.command = "aiguard"`.
    let r = run(
        dir.path(),
        &[
            "--workspace",
            "--message-format=json-diagnostic-rendered-ansi",
            "--manifest-path",
            manifest.to_str().expect("utf-8 path"),
            "--keep-going",
            "--all-targets",
            "--target-dir",
            target_dir.to_str().expect("utf-8 path"),
            "--target",
            "x86_64-unknown-linux-gnu",
            "--features",
            "a,b",
            "--locked",
        ],
    );
    r.code(1);
    let msgs = json_lines(&r.stdout);
    assert_eq!(msgs.len(), 3, "{}", r.stdout);
    let Message::CompilerMessage(msg) = &msgs[1] else {
        panic!("not a compiler message: {:?}", msgs[1]);
    };
    assert!(
        msg.package_id.repr.contains("demo"),
        "{}",
        msg.package_id.repr
    );
    assert_eq!(msg.target.name, "demo");
    let diag = &msg.message;
    assert_eq!(diag.message, UNWRAP_MSG);
    assert_eq!(
        diag.code.as_ref().map(|c| c.code.as_str()),
        Some("aiguard::unwrap_used")
    );
    assert_eq!(diag.level, DiagnosticLevel::Error);
    assert_eq!(diag.spans.len(), 1);
    let span = &diag.spans[0];
    let start = UTIL.find("unwrap").expect("unwrap");
    assert_eq!(span.file_name, "src/util.rs");
    assert_eq!(
        (span.byte_start as usize, span.byte_end as usize),
        (start, start + 6)
    );
    assert_eq!((span.line_start, span.line_end), (3, 3));
    assert_eq!((span.column_start, span.column_end), (7, 13));
    assert!(span.is_primary);
    assert_eq!(span.text.len(), 1);
    assert_eq!(span.text[0].text, "    v.unwrap()");
    assert_eq!(
        (span.text[0].highlight_start, span.text[0].highlight_end),
        (7, 13)
    );
    let children: Vec<(DiagnosticLevel, &str)> = diag
        .children
        .iter()
        .map(|c| (c.level, c.message.as_str()))
        .collect();
    assert_eq!(
        children,
        [
            (
                DiagnosticLevel::Note,
                "in AI-generated item `util::get` (model: gpt-4o)"
            ),
            (DiagnosticLevel::Help, UNWRAP_HELP),
            (
                DiagnosticLevel::Note,
                "CWE-248; run `cargo aiguard explain unwrap_used`"
            ),
        ]
    );
    let rendered = diag.rendered.as_deref().expect("rendered");
    assert!(rendered.contains("\u{1b}["), "no ANSI colors: {rendered:?}");
    assert!(matches!(msgs[2], Message::BuildFinished(ref b) if !b.success));

    // plain `json`: the same, rendered without colors
    let r = run(dir.path(), &["--message-format", "json"]);
    r.code(1);
    let msgs = json_lines(&r.stdout);
    let Message::CompilerMessage(m) = &msgs[0] else {
        panic!("not a compiler message");
    };
    assert_eq!(m.message.spans[0].file_name, "src/lib.rs");
    assert_eq!(
        m.message.rendered.as_deref(),
        Some(
            "error[aiguard::unwrap_used]: `.unwrap()` panics if the value is `None` or `Err`
 --> src/lib.rs:4:7
  |
4 |     v.unwrap()
  |       ^^^^^^
  |
  = help: propagate the error with `?` or handle the `None`/`Err` case
  = note: CWE-248; run `cargo aiguard explain unwrap_used`
"
        )
    );

    // a clean crate: only `build-finished`, successful
    let clean = krate(&[("src/lib.rs", "pub fn f() {}\n")]);
    let r = run(clean.path(), &["--message-format=json"]);
    r.code(0);
    assert_eq!(
        r.stdout,
        "{\"reason\":\"build-finished\",\"success\":true}\n"
    );
}

#[test]
fn github_annotations_exact() {
    let dir = krate(&[
        ("aiguard.toml", "[rules]\nunwrap_used = \"deny\"\n"),
        ("src/lib.rs", "#[path = \"we,ird:name.rs\"]\nmod util;\n"),
        ("src/we,ird:name.rs", UTIL),
    ]);
    let r = run(dir.path(), &["--message-format", "github"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        format!(
            "::error file=src/we%2Cird%3Aname.rs,line=3,endLine=3,col=7,endColumn=13,title=aiguard%3A%3Aunwrap_used::{UNWRAP_MSG}%0Anote: in AI-generated item `util::get` (model: gpt-4o)%0Ahelp: {UNWRAP_HELP}%0Anote: CWE-248; run `cargo aiguard explain unwrap_used`\n"
        )
    );
}

/// The SARIF schema, from shared/ beside the repository (as in CI).
fn sarif_validator() -> jsonschema::Validator {
    let path = repo().join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&read(&path)).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    // not vacuous: a run without a tool driver, a wrong version, are rejected
    for bad in [
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]}),
        serde_json::json!({"version": "2.0.0", "runs": []}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
    validator
}

#[track_caller]
fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn every_format_on_the_demo() {
    let demo = repo().join("tests/demo");
    let out = tempfile::tempdir().expect("temp dir");
    let validator = sarif_validator();
    let mut shorts = 0;
    for format in ["human", "short", "json", "sarif", "github"] {
        let file = out.path().join(format);
        let r = run(
            &demo,
            &[
                "--message-format",
                format,
                "-o",
                file.to_str().expect("utf-8"),
            ],
        );
        r.code(1);
        assert_eq!(r.stdout, "", "-o writes nothing to stdout");
        let text = read(&file);
        match format {
            "short" => shorts = text.lines().count(),
            "human" => assert!(text.contains("error[aiguard::"), "{text}"),
            "json" => {
                let msgs = json_lines(&text);
                assert_eq!(msgs.len(), shorts + 1);
            }
            "github" => {
                assert_eq!(text.lines().count(), shorts);
                assert!(text.lines().all(|l| l.starts_with("::error file=")
                    || l.starts_with("::warning file=")));
            }
            _ => {
                let log = assert_valid_sarif(&validator, &text);
                let run0 = &log["runs"][0];
                let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
                for rule in rules {
                    let cwe = rule["properties"]["tags"]
                        .as_array()
                        .expect("tags")
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|t| t.starts_with("external/cwe/cwe-"));
                    assert!(cwe, "{rule}");
                    let sev: f64 = rule["properties"]["security-severity"]
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .expect("security-severity");
                    assert!((0.0..=10.0).contains(&sev));
                    assert!(
                        rule["help"]["markdown"]
                            .as_str()
                            .is_some_and(|h| h.contains("### Example"))
                    );
                }
                let results = results(&log);
                assert_eq!(results.len(), shorts);
                for res in results {
                    let index = res["ruleIndex"].as_u64().expect("ruleIndex");
                    let index = usize::try_from(index).expect("index");
                    assert_eq!(rules[index]["id"], res["ruleId"]);
                    let loc = &res["locations"][0]["physicalLocation"]["artifactLocation"];
                    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
                    let uri = loc["uri"].as_str().expect("uri");
                    assert!(
                        !uri.starts_with('/')
                            && uri.contains("src/")
                            && Path::new(uri).extension().is_some_and(|x| x == "rs"),
                        "{uri}"
                    );
                    assert!(res["partialFingerprints"]["aiguard/v1"].is_string());
                }
            }
        }
    }
    assert!(shorts > 5, "the demo has findings");
}

#[test]
fn sarif_notifications_and_fingerprints_across_line_shifts() {
    let validator = sarif_validator();
    let dir = small_crate();
    // a file that does not parse: a notification, and exit 2
    write(dir.path(), "src/lib.rs", &format!("mod broken;\n{LIB}"));
    write(dir.path(), "src/broken.rs", "fn (\n");
    let r = run(dir.path(), &["--message-format", "sarif"]);
    r.code(2);
    let log = assert_valid_sarif(&validator, &r.stdout);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().expect("notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/broken.rs"
    );

    let fingerprints = |log: &Value| -> Vec<(String, u64)> {
        results(log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["aiguard/v1"]
                        .as_str()
                        .expect("fingerprint")
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .expect("line"),
                )
            })
            .collect()
    };
    write(dir.path(), "src/lib.rs", LIB);
    std::fs::remove_file(dir.path().join("src/broken.rs")).expect("rm");
    let r = run(dir.path(), &["--message-format", "sarif"]);
    let log = assert_valid_sarif(&validator, &r.stdout);
    let before = fingerprints(&log);
    assert_eq!(before.len(), 2);
    let region = &results(&log)[1]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 13})
    );
    // lines added above both findings
    write(dir.path(), "src/lib.rs", &format!("//! Docs.\n\n{LIB}"));
    write(
        dir.path(),
        "src/util.rs",
        &format!("use std::fmt;\n\n\n{UTIL}"),
    );
    let r = run(dir.path(), &["--message-format", "sarif"]);
    let after = fingerprints(&assert_valid_sarif(&validator, &r.stdout));
    assert_eq!(
        before.iter().map(|f| &f.0).collect::<Vec<_>>(),
        after.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        after.iter().map(|f| f.1).collect::<Vec<_>>(),
        [before[0].1 + 2, before[1].1 + 3]
    );
}

const BASE_V1: &str = "pub fn parse(a: Option<u8>) -> u8 {\n    let mut total = 0;\n    total += a.unwrap();\n    total\n}\n";

#[test]
fn baseline_round_trip() {
    let dir = krate(&[
        ("aiguard.toml", "[rules]\nunwrap_used = \"deny\"\n"),
        ("src/lib.rs", BASE_V1),
    ]);
    let base = dir.path().join("aiguard-baseline.json");
    let base_arg = base.to_str().expect("utf-8");

    // writing records today's finding; it is not reported
    let r = run(
        dir.path(),
        &["--message-format", "short", "--write-baseline", base_arg],
    );
    r.code(0)
        .err_has("aiguard: recorded 1 finding in the baseline `")
        .err_has("aiguard: 0 errors, 0 warnings (1 in the baseline);");
    assert_eq!(r.stdout, "");
    assert_eq!(
        read(&base),
        r#"{
  "version": 1,
  "findings": [
    {
      "rule": "unwrap_used",
      "file": "src/lib.rs",
      "item": "parse",
      "source": "total += a.unwrap();",
      "occurrence": 0
    }
  ]
}
"#
    );
    run(dir.path(), &["--baseline", base_arg])
        .code(0)
        .err_has("(1 in the baseline)");

    // lines shift above the finding, and an identical second one appears: only it is new
    write(
        dir.path(),
        "src/lib.rs",
        &format!(
            "//! Parsing.\n\nuse std::fmt;\n\n{}",
            BASE_V1.replace(
                "    total += a.unwrap();\n",
                "    total += a.unwrap();\n    total += a.unwrap();\n"
            )
        ),
    );
    let r = run(
        dir.path(),
        &["--message-format", "short", "--baseline", base_arg],
    );
    r.code(1)
        .err_has("aiguard: 1 error, 0 warnings (1 in the baseline);");
    assert_eq!(
        r.stdout,
        format!("src/lib.rs:8:16: error[unwrap_used]: {UNWRAP_MSG}\n")
    );

    // the finding is fixed: the baseline entry is listed
    write(
        dir.path(),
        "src/lib.rs",
        "pub fn parse(a: Option<u8>) -> u8 {\n    a.unwrap_or(0)\n}\n",
    );
    let r = run(dir.path(), &["--baseline", base_arg]);
    r.code(0).err_has(
        "note: 1 finding of the baseline no longer occurs:\n    src/lib.rs: unwrap_used in `parse`: `total += a.unwrap();`\nhelp: drop them from the baseline by writing it again with `--write-baseline FILE`\n",
    );

    // a missing or broken baseline stops the run
    run(dir.path(), &["--baseline", "missing.json"])
        .code(2)
        .err_has("error: could not read the baseline `missing.json`");
    write(dir.path(), "bad.json", "{\"version\": 1}");
    run(dir.path(), &["--baseline", "bad.json"])
        .code(2)
        .err_has("error: `bad.json` is not an aiguard baseline");
}

#[test]
fn output_file_and_rules_page() {
    let dir = small_crate();
    let r = run(
        dir.path(),
        &["--message-format", "short", "-o", "report.txt"],
    );
    r.code(1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        read(&dir.path().join("report.txt")),
        format!(
            "src/lib.rs:4:7: error[unwrap_used]: {UNWRAP_MSG}\nsrc/util.rs:3:7: error[unwrap_used]: {UNWRAP_MSG}\n"
        )
    );
    run(dir.path(), &["-o", "no/such/dir/report.txt"])
        .code(2)
        .err_has("error: could not write the report to `no/such/dir/report.txt`");

    let r = run(dir.path(), &["rules", "--format", "md"]);
    r.code(0);
    assert!(
        r.stdout == read(&repo().join("docs/rules.md")),
        "`cargo aiguard rules --format md` differs from docs/rules.md"
    );
}

#[test]
fn list_inventory() {
    let reviewed_src = "pub fn checked(a: u8) -> u8 {\n    a\n}";
    let item: syn::Item = syn::parse_str(reviewed_src).expect("item");
    let digest = aiguard_lints::digest::digest_of(&item);
    let lib = format!(
        "mod gen;

#[ai_generated(model = \"gpt-4o\", reviewed = \"alice\", digest = \"{digest}\")]
{reviewed_src}

#[ai_generated(model = \"claude\", reviewed = \"bob\", digest = \"00000000000000000000000000000000\")]
pub fn changed(v: Option<u8>) -> u8 {{
    v.unwrap()
}}

#[ai_generated]
pub fn fresh() {{}}

pub fn human(v: Option<u8>) -> u8 {{
    v.expect(\"x\")
}}
"
    );
    let dir = krate(&[
        ("src/lib.rs", &lib),
        (
            "src/gen.rs",
            "// aiguard: ai-generated\npub fn g(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n",
        ),
    ]);
    let r = run(dir.path(), &["list"]);
    r.code(0);
    assert_eq!(
        r.stdout,
        "\
demo: 14 of 22 lines AI-generated (64%) in 2 of 2 files
  src/gen.rs: 4 of 4 lines AI (whole file)
    file  gen      line 1   -       unreviewed
  src/lib.rs: 10 of 18 lines AI
    fn    checked  line 3   gpt-4o  reviewed by alice
    fn    changed  line 8   claude  stale (reviewed by bob)  2 findings: stale_review, unwrap_used
    fn    fresh    line 13  -       unreviewed

4 AI items: 1 reviewed, 1 stale, 2 unreviewed
14 of 22 lines AI-generated (64%) in 2 files
3 findings in AI code, 0 in human code

findings in AI code by model and rule family:
  model    findings  review  robustness
  claude          2       1           1
  unknown         1       -           1

by rule:
  claude   stale_review 1, unwrap_used 1
  unknown  unwrap_used 1
"
    );

    let r = run(dir.path(), &["list", "--format", "json"]);
    r.code(0);
    let inv: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let items = &inv["packages"][0]["files"][1]["items"];
    assert_eq!(
        items[0]["review"],
        serde_json::json!({"status": "reviewed", "by": "alice"})
    );
    assert_eq!(
        items[1]["review"],
        serde_json::json!({"status": "stale", "by": "bob"})
    );
    assert_eq!(
        items[2]["review"],
        serde_json::json!({"status": "unreviewed"})
    );
    assert_eq!(items[1]["findings"]["unwrap_used"], 1);
    assert_eq!(inv["totals"]["ai_items"], 4);
    assert_eq!(
        inv["findings_by_model"]["claude"]["by_family"]["robustness"],
        1
    );

    // with `stale_review` off, staleness is still shown but not counted as a flaw
    write(
        dir.path(),
        "aiguard.toml",
        "[rules]\nstale_review = \"allow\"\n",
    );
    let r = run(dir.path(), &["list", "--format", "json"]);
    r.code(0);
    let inv: Value = serde_json::from_str(&r.stdout).expect("JSON");
    let changed = &inv["packages"][0]["files"][1]["items"][1];
    assert_eq!(changed["review"]["status"], "stale");
    assert_eq!(changed["findings"], serde_json::json!({"unwrap_used": 1}));
}

#[test]
fn init_writes_a_valid_template_once() {
    let dir = krate(&[("src/lib.rs", "")]);
    let r = run(dir.path(), &["init"]);
    r.code(0);
    assert!(r.stdout.contains("Created `aiguard.toml`"), "{}", r.stdout);
    assert!(
        r.stdout.contains("    cargo add aiguard-macros\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("#[ai_generated(model = \"gpt-4o\")]"),
        "{}",
        r.stdout
    );
    let written = read(&dir.path().join("aiguard.toml"));
    assert_eq!(
        written,
        read(&repo().join("cargo-aiguard/src/templates/aiguard.toml"))
    );
    let (config, errors) =
        aiguard_lints::config::parse_config(&written, aiguard_lints::config::ConfigSection::Root);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(config.is_some());
    // the checker reads it without complaint
    run(dir.path(), &[]).code(0);

    // never overwrites
    std::fs::write(dir.path().join("aiguard.toml"), "# mine\n").expect("write");
    let r = run(dir.path(), &["init"]);
    r.code(2)
        .err_has("error: `aiguard.toml` already exists\nhelp: edit it, or remove it to start over");
    assert_eq!(read(&dir.path().join("aiguard.toml")), "# mine\n");

    // nor shadows a config kept in Cargo.toml; a workspace names `-p`
    let ws = krate(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.metadata.aiguard]\nrules = {}\n",
        ),
        (
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("a/src/lib.rs", ""),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("b/src/lib.rs", ""),
    ]);
    run(ws.path(), &["init"])
        .code(2)
        .err_has("`[workspace.metadata.aiguard]`");
    assert!(!ws.path().join("aiguard.toml").exists());
    write(
        ws.path(),
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\n",
    );
    let r = run(&ws.path().join("b"), &["init"]);
    r.code(0);
    assert!(
        ws.path().join("aiguard.toml").exists(),
        "written at the workspace root"
    );
    assert!(
        r.stdout.contains("cargo add -p a aiguard-macros"),
        "{}",
        r.stdout
    );
}

#[test]
fn fingerprints_ignore_the_ai_only_filter() {
    // `--ai-only` drops human findings after fingerprinting: a baseline written with it
    // still matches the AI finding in a full run.
    let dir = small_crate();
    let r = run(dir.path(), &["--ai-only", "--write-baseline", "b.json"]);
    r.code(0).err_has("recorded 1 finding");
    let r = run(
        dir.path(),
        &["--message-format", "short", "--baseline", "b.json"],
    );
    r.code(1);
    assert_eq!(
        r.stdout,
        format!("src/lib.rs:4:7: error[unwrap_used]: {UNWRAP_MSG}\n")
    );
    let set: BTreeSet<&str> = r.stderr.lines().collect();
    assert!(
        set.iter().any(|l| l.contains("(1 in the baseline)")),
        "{}",
        r.stderr
    );
}
