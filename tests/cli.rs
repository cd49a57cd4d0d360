//! End-to-end tests of `cargo aiguard`: exit codes, reports, subcommands, bad input.
//!
//! Each test writes a small crate into a temp directory and runs the real binary on it.

mod harness;

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

const UNWRAP_MSG: &str = "`.unwrap()` panics if the value is `None` or `Err`";

use harness::aiguard_bin as bin;

/// A temp crate `demo` holding `files` (path, contents); `Cargo.toml` is added unless given.
fn krate(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("aiguard-cli")
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
    write_bytes(root, rel, text.as_bytes());
}

fn write_bytes(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// Runs `cargo-aiguard aiguard ARGS` (as cargo invokes it) in `dir`, without colors.
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.current_dir(dir)
        .arg("aiguard")
        .args(args)
        .env_remove("CLICOLOR_FORCE");
    Run::from(cmd.output().expect("run cargo-aiguard"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
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
    fn has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    fn lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n--- stdout\n{}",
            self.stdout
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

const DENY_UNWRAP: (&str, &str) = ("aiguard.toml", "[rules]\nunwrap_used = \"deny\"\n");

fn small_crate() -> TempDir {
    krate(&[
        DENY_UNWRAP,
        (
            "src/lib.rs",
            "mod util;\n\npub fn parse(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n",
        ),
        (
            "src/util.rs",
            "#[ai_generated(model = \"gpt-4o\")]\npub fn get(v: Result<u8, ()>) -> u8 {\n    v.unwrap()\n}\n",
        ),
    ])
}

#[test]
fn short_format_exact() {
    let dir = small_crate();
    let r = run(dir.path(), &["--message-format", "short"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        format!(
            "src/lib.rs:4:7: error[unwrap_used]: {UNWRAP_MSG}\nsrc/util.rs:3:7: error[unwrap_used]: {UNWRAP_MSG}\n"
        )
    );
    r.err_has(
        "aiguard: 2 errors, 0 warnings; 1 AI item, 4 of 9 lines AI-generated; 2 files checked in ",
    );
}

#[test]
fn human_format() {
    let dir = small_crate();
    let r = run(dir.path(), &["check", "--color", "never"]);
    r.code(1)
        .has(&format!(
            "error[aiguard::unwrap_used]: {UNWRAP_MSG}\n --> src/util.rs:3:7\n"
        ))
        .has("3 |     v.unwrap()\n  |       ^^^^^^\n")
        .has("= note: in AI-generated item `util::get` (model: gpt-4o)")
        .has("= help: propagate the error with `?`")
        .has("= note: CWE-248; run `cargo aiguard explain unwrap_used`")
        .has(" --> src/lib.rs:4:7\n");
    // the human-code finding has no AI note
    let lib = r
        .stdout
        .split("src/lib.rs:4:7")
        .nth(1)
        .expect("lib finding");
    let lib = lib.split("error[").next().expect("one diagnostic");
    assert!(!lib.contains("AI-generated"), "{lib}");
    // -q: no summary; --color always: ANSI escapes
    let r = run(dir.path(), &["-q", "--color", "always"]);
    r.code(1).has("\u{1b}[");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn exit_codes_and_flags() {
    // default levels: unwrap_used warns in AI code and is off in human code
    let dir = krate(&[
        (
            "src/lib.rs",
            "pub fn h(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        (
            "src/ai.rs",
            "// aiguard: ai-generated\npub fn a(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        ("src/main.rs", "mod ai;\nfn main() {}\n"),
    ]);
    let r = run(dir.path(), &["--message-format", "short"]);
    r.code(0)
        .has("src/ai.rs:2:35: warning[unwrap_used]:")
        .lacks("src/lib.rs");
    run(dir.path(), &["--message-format", "short", "-D", "warnings"])
        .code(1)
        .has("src/ai.rs:2:35: error[unwrap_used]:");

    // --ai-only drops human-code findings; deny in human code alone then passes
    write(
        dir.path(),
        "aiguard.toml",
        "[rules]\nunwrap_used = { ai = \"warn\", human = \"deny\" }\n",
    );
    run(dir.path(), &["--message-format", "short"])
        .code(1)
        .has("src/lib.rs:1:35: error[unwrap_used]");
    run(dir.path(), &["--message-format", "short", "--ai-only"])
        .code(0)
        .lacks("src/lib.rs")
        .has("src/ai.rs");

    // clean code: exit 0, nothing on stdout
    let clean = krate(&[(
        "src/lib.rs",
        "pub fn f(v: Option<u8>) -> u8 { v.unwrap_or(0) }\n",
    )]);
    let r = run(clean.path(), &[]);
    r.code(0).err_has("0 errors, 0 warnings");
    assert_eq!(r.stdout, "");
}

#[test]
fn ai_paths_globs() {
    let dir = krate(&[
        ("aiguard.toml", "[ai]\npaths = [\"src/gen/*.rs\"]\n"),
        (
            "src/lib.rs",
            "mod gen;\npub fn h(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        ("src/gen/mod.rs", "mod api;\nmod deeper;\n"),
        (
            "src/gen/api.rs",
            "pub fn get(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        (
            "src/gen/deeper/mod.rs",
            "pub fn d(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
    ]);
    let r = run(dir.path(), &["--color", "never"]);
    // `*` does not cross `/`: src/gen/deeper/mod.rs is not AI code (and human code allows unwrap)
    r.code(0)
        .has(" --> src/gen/api.rs:1:37\n")
        .has("= note: in AI-generated item `gen::api`")
        .lacks("deeper")
        .lacks("src/lib.rs");
    r.err_has("2 AI items");
}

#[test]
fn invocation_forms() {
    let dir = small_crate();
    let as_cargo = run(dir.path(), &["--message-format", "short", "-q"]);
    let direct = assert_cmd::Command::new(bin())
        .current_dir(dir.path())
        .args(["--message-format", "short", "-q"])
        .output()
        .expect("run");
    assert_eq!(direct.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&direct.stdout), as_cargo.stdout);
    // through cargo itself, with the binary on PATH
    let bin_dir = bin().parent().expect("bin dir");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let via_cargo = Command::new(cargo)
        .current_dir(dir.path())
        .args(["aiguard", "--message-format", "short", "-q"])
        .env("PATH", path)
        .output()
        .expect("run cargo aiguard");
    assert_eq!(
        via_cargo.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&via_cargo.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&via_cargo.stdout), as_cargo.stdout);
}

#[test]
fn explain_and_rules() {
    let dir = TempDir::new().expect("temp dir");
    let r = run(dir.path(), &["explain", "unwrap-used"]);
    r.code(0)
        .has("# unwrap_used (robustness, CWE-248)\n\nlevels: ai = warn, human = allow\n\n### What it does\n")
        .has("```rust\n")
        .lacks("rust,ignore");
    let r = run(dir.path(), &["explain", "unwrap_usd"]);
    r.code(2)
        .err_has("unknown rule `unwrap_usd`")
        .err_has("`unwrap_used`");

    let r = run(dir.path(), &["rules"]);
    r.code(0).has("rule ").has("family").has("CWE");
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("unwrap_used "))
        .expect("unwrap_used row");
    let cells: Vec<&str> = line.split_whitespace().take(5).collect();
    assert_eq!(
        cells,
        ["unwrap_used", "robustness", "warn", "allow", "CWE-248"]
    );
    run(dir.path(), &["rules", "--format", "md"])
        .code(0)
        .has("# aiguard rules")
        .has("## unwrap_used");
    let r = run(dir.path(), &["rules", "--format", "json"]);
    r.code(0)
        .has("\"name\": \"unwrap_used\"")
        .has("\"cwe\": 248");
    assert!(r.stdout.trim_start().starts_with('['));
    run(dir.path(), &["rules", "--format", "yaml"]).code(2);
}

#[test]
fn broken_config() {
    let dir = krate(&[
        (
            "aiguard.toml",
            "[rules]\nunwrap_used = \"deny\"\nunwrap_usd = \"warn\"\n\n[ai]\npathz = []\n",
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.aiguard]\nrules = { unwrap_used = { human = \"loud\" } }\n",
        ),
        (
            "src/lib.rs",
            "pub fn f(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
    ]);
    let r = run(dir.path(), &["--color", "never"]);
    // still scanned with what is valid (unwrap_used = deny), but exit 2
    r.code(2)
        .has("error: unknown rule `unwrap_usd`\n --> aiguard.toml:3:1\n")
        .has("3 | unwrap_usd = \"warn\"")
        .has("= help: a rule with a similar name exists: `unwrap_used`")
        .has("error: unknown key `pathz` in `[ai]`\n --> aiguard.toml:6:1\n")
        .has("error: invalid level `loud` for rule `unwrap_used`\n --> Cargo.toml:7:35\n")
        .has("7 | rules = { unwrap_used = { human = \"loud\" } }")
        .has("error[aiguard::unwrap_used]");
    // config diagnostics come first
    assert!(
        r.stdout.find("aiguard.toml").expect("config")
            < r.stdout.find("src/lib.rs").expect("finding")
    );
    r.err_has("could not check everything");

    let bad_toml = krate(&[("aiguard.toml", "[rules\n"), ("src/lib.rs", "")]);
    run(bad_toml.path(), &["--message-format", "short"])
        .code(2)
        .has("aiguard.toml:1:")
        .has("error: invalid TOML");
}

#[test]
fn bad_files_are_diagnostics() {
    let dir = krate(&[
        DENY_UNWRAP,
        (
            "src/lib.rs",
            "mod broken;\nmod missing;\nmod ok;\n#[path = \"gen/generated.rs\"]\nmod generated;\nmod outer {\n    mod inner;\n}\n",
        ),
        ("src/broken.rs", "fn f( {\n"),
        ("src/ok.rs", "fn f(v: Option<u8>) -> u8 { v.unwrap() }\n"),
        (
            "src/gen/generated.rs",
            "mod sib;\nfn g(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        (
            "src/gen/sib.rs",
            "fn s(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
        (
            "src/outer/inner.rs",
            "fn i(v: Option<u8>) -> u8 { v.unwrap() }\n",
        ),
    ]);
    write_bytes(dir.path(), "src/main.rs", b"mod latin1;\nfn main() {}\n");
    write_bytes(dir.path(), "src/latin1.rs", b"// caf\xe9\nfn f() {}\n");
    let r = run(dir.path(), &["--message-format", "short"]);
    r.code(2);
    assert_eq!(
        r.stdout,
        format!(
            "src/broken.rs:1:7: error: unclosed delimiter `{{`\n\
             src/gen/generated.rs:2:31: error[unwrap_used]: {UNWRAP_MSG}\n\
             src/gen/sib.rs:1:31: error[unwrap_used]: {UNWRAP_MSG}\n\
             src/latin1.rs:1:7: error: `src/latin1.rs` is not valid UTF-8\n\
             src/lib.rs:2:5: error: file not found for module `missing`\n\
             src/ok.rs:1:31: error[unwrap_used]: {UNWRAP_MSG}\n\
             src/outer/inner.rs:1:31: error[unwrap_used]: {UNWRAP_MSG}\n"
        )
    );
    let r = run(dir.path(), &["--color", "never"]);
    r.has("help: to create the module `missing`, create file `src/missing.rs` or `src/missing/mod.rs`")
        .has("1 | fn f( {\n  |       ^\n")
        .has("1 | // caf\u{FFFD}\n");
}

#[test]
fn parse_errors_point_at_the_token() {
    let dir = krate(&[("src/lib.rs", "fn f() {\n    let x = ;\n}\n")]);
    run(dir.path(), &["--color", "never"])
        .code(2)
        .has("error: expected an expression\n --> src/lib.rs:2:13\n")
        .has("= note: this file was not checked");
}

#[test]
fn module_cycles_and_engine_problems() {
    let dir = krate(&[
        (
            "src/lib.rs",
            "mod a;\n#[ai_generated(modle = \"x\")]\npub fn f() {}\n",
        ),
        ("src/a.rs", "#[path = \"lib.rs\"]\nmod again;\n"),
    ]);
    run(dir.path(), &["--message-format", "short"])
        .code(2)
        .has("src/a.rs:2:5: error: circular modules: src/lib.rs -> src/a.rs -> src/lib.rs\n")
        .has("src/lib.rs:2:16: error: ");
}

#[test]
fn suppression_comments() {
    let dir = krate(&[
        DENY_UNWRAP,
        (
            "src/lib.rs",
            "pub fn a(v: Option<u8>) -> u8 {\n    // aiguard: allow(unwrap_used) validated by the caller\n    v.unwrap()\n}\n\
             pub fn b(v: Option<u8>) -> u8 {\n    v.unwrap() // aiguard: allow(unwrap_used)\n}\n\
             #[ai_generated]\npub fn c(v: Option<u8>) -> u8 {\n    // aiguard: allow(unwrap_used) comments do not suppress AI code\n    v.unwrap()\n}\n\
             pub const S: &str = \"// aiguard: allow(nonsense)\";\n",
        ),
    ]);
    let r = run(dir.path(), &["--message-format", "short"]);
    r.code(1);
    assert_eq!(
        r.stdout,
        format!(
            "src/lib.rs:6:7: error[unwrap_used]: {UNWRAP_MSG}\n\
             src/lib.rs:6:16: warning: `aiguard: allow(..)` comment without a reason\n\
             src/lib.rs:11:7: error[unwrap_used]: {UNWRAP_MSG}\n"
        )
    );
    r.err_has("(1 suppressed)");
}

#[test]
fn paths_mode() {
    let dir = TempDir::new().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "a.rs",
        "// aiguard: ai-generated\nfn f(v: Option<u8>) -> u8 { v.unwrap() }\n",
    );
    write(
        root,
        "sub/b.rs",
        "#[ai_generated]\nfn g(v: Option<u8>) -> u8 { v.unwrap() }\n",
    );
    write(
        root,
        "sub/tests/t.rs",
        "#[ai_generated]\nfn t(v: Option<u8>) -> u8 { v.unwrap() }\n",
    );
    write(root, "target/skip.rs", "fn (");
    write(root, ".hidden/skip.rs", "fn (");
    write(root, "notes.txt", "fn (");
    let r = run(root, &["--message-format", "short", "."]);
    r.code(0);
    assert_eq!(
        r.stdout,
        format!(
            "a.rs:2:31: warning[unwrap_used]: {UNWRAP_MSG}\nsub/b.rs:2:31: warning[unwrap_used]: {UNWRAP_MSG}\n"
        )
    );
    r.err_has("3 files checked");
    run(
        root,
        &["check", "--message-format", "short", "sub/b.rs", "nope.rs"],
    )
    .code(2)
    .has("nope.rs: error: could not read `nope.rs`: no such file or directory\n")
    .has("sub/b.rs:2:31");
}

#[test]
fn cargo_metadata_failure() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "Cargo.toml", "[package\n");
    run(dir.path(), &["--color", "never"])
        .code(2)
        .has("error: `cargo metadata` failed");
    run(dir.path(), &["-p", "nope"]).code(2);
}

#[test]
fn deep_nesting_does_not_crash() {
    // deeper than the engine analyzes: a problem at the expression, exit 2
    let depth = 3000;
    let src = format!(
        "fn f() -> u8 {{ {}1{} }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let dir = krate(&[("src/lib.rs", &src)]);
    run(dir.path(), &["--message-format", "short"])
        .code(2)
        .has("src/lib.rs:1:")
        .has("nested too deeply to analyze");
    // deeper than syn could parse on any stack: refused before parsing
    let depth = 100_000;
    let src = format!(
        "fn f() -> u8 {{ {}1{} }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "src/lib.rs", &src);
    let r = run(dir.path(), &["--message-format", "short"]);
    r.code(2).has("error: file nested too deeply to parse");
    assert!(!r.stderr.contains("overflow"), "{}", r.stderr);
}

#[test]
fn bom_and_shebang_keep_positions() {
    let dir = TempDir::new().expect("temp dir");
    write(
        dir.path(),
        "script.rs",
        "\u{feff}#!/usr/bin/env run-cargo-script\n#[ai_generated]\nfn f(v: Option<u8>) -> u8 { v.unwrap() }\n",
    );
    run(dir.path(), &["--color", "never", "script.rs"])
        .code(0)
        .has(" --> script.rs:3:31\n")
        .has("3 | fn f(v: Option<u8>) -> u8 { v.unwrap() }\n  |                               ^^^^^^\n");
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    let dir = krate(&[
        ("src/lib.rs", "mod looped;\nmod fine;\n"),
        ("src/fine.rs", ""),
    ]);
    let root = dir.path();
    std::os::unix::fs::symlink("looped.rs", root.join("src/looped.rs")).expect("symlink");
    std::os::unix::fs::symlink("..", root.join("src/up")).expect("symlink");
    run(root, &["--message-format", "short"])
        .code(2)
        .has("src/lib.rs:1:5: error: could not read `src/looped.rs`: ");
    // PATHS mode: a directory loop and a file loop, and the scan goes on
    let r = run(root, &["--message-format", "short", "src"]);
    r.code(2)
        .has("error: symbolic link loop")
        .has("src/looped.rs: error: could not read");
    r.err_has("2 files checked");
}

#[test]
fn manifests_and_build_scripts() {
    let dir = krate(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde-json = \"1\"\nrand = \"*\"\n# aiguard: allow(suspicious_dependency) our fork, reviewed\ntokio-rs = \"1\"\n",
        ),
        ("src/lib.rs", "pub fn f() {}\n"),
        (
            "build.rs",
            "fn main() {\n    let _ = std::process::Command::new(\"curl\").arg(\"x\").status();\n}\n",
        ),
    ]);
    run(dir.path(), &["--message-format", "short"])
        .code(1)
        .has("Cargo.toml:7:1: error[suspicious_dependency]: dependency `serde-json` looks like the well-known crate `serde_json`")
        .has("Cargo.toml:8:8: warning[wildcard_dependency]: dependency `rand` accepts any version")
        .has("build.rs:2:40: error[build_script_download]")
        .lacks("tokio-rs");
    run(dir.path(), &[])
        .code(1)
        .has("error[aiguard::suspicious_dependency]")
        .has(" --> Cargo.toml:7:1")
        .has("serde-json = \"1\"");
    // The machine formats carry manifest findings too, located in Cargo.toml.
    run(dir.path(), &["--message-format", "github"])
        .code(1)
        .has("::error file=Cargo.toml,line=7,endLine=7,col=1,endColumn=11,title=aiguard%3A%3Asuspicious_dependency::");
    run(dir.path(), &["--message-format", "sarif"])
        .code(1)
        .has("\"ruleId\": \"suspicious_dependency\"")
        .has("\"uri\": \"Cargo.toml\"");
    run(dir.path(), &["--message-format", "json"])
        .code(1)
        .has("\"code\":\"aiguard::wildcard_dependency\"")
        .has("\"file_name\":\"Cargo.toml\"");
}

/// The README's first command: the bundled demo crate shows real findings of many rules.
#[test]
fn demo_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("demo/Cargo.toml");
    let out = run(
        root,
        &[
            "--manifest-path",
            manifest.to_str().expect("utf-8 path"),
            "--message-format",
            "short",
        ],
    );
    out.code(1);
    let stdout = out.stdout.clone();
    let mut rules: Vec<&str> = stdout
        .lines()
        .filter_map(|l| {
            l.split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map(|(r, _)| r)
        })
        .collect();
    rules.sort_unstable();
    rules.dedup();
    for expected in [
        "hardcoded_secret",
        "non_constant_time_compare",
        "unsafe_code",
        "unwrap_used",
        "expect_used",
        "placeholder_code",
        "lint_suppression",
        "insecure_permissions",
    ] {
        assert!(
            rules.contains(&expected),
            "demo lacks `{expected}`: {stdout}"
        );
    }
    // Findings come from AI items and the `[ai] paths` file only: human code stays quiet.
    assert!(!stdout.contains("lookup_role"), "{stdout}");
    assert!(!stdout.contains("load_accounts_checked"), "{stdout}");
}

/// `cargo aiguard --message-format json` in `dir` on `threads` scan threads.
fn run_threads(dir: &Path, threads: &str) -> Run {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.current_dir(dir)
        .args(["aiguard", "--message-format", "json"])
        .env("RAYON_NUM_THREADS", threads)
        .env_remove("CLICOLOR_FORCE");
    Run::from(cmd.output().expect("run cargo-aiguard"))
}

/// A `lib.rs` slow to check (a debug build takes most of a second), declaring `decls` first.
fn slow_lib(decls: &str) -> String {
    let mut lib = String::from(decls);
    lib.extend((0..1000).map(|i| {
        format!(
            "pub fn f{i}(v: &[u8], n: usize) -> u8 {{\n    let x = v.len() - n;\n    v[x].wrapping_add({i} as u8)\n}}\n"
        )
    }));
    lib
}

fn ai_unwrap(name: &str) -> String {
    format!("#[ai_generated]\npub fn {name}(v: Option<u8>) -> u8 {{\n    v.unwrap()\n}}\n")
}

/// A file declared from several places is checked once, as the first of them reached
/// level by level (shallow first, then target and declaration order), whichever thread
/// finishes first: here the slow `lib.rs` reaches `src/shared.rs` one level down, while the
/// quick test target reaches it two levels down and, on two threads, first in time.
#[test]
fn files_reached_twice_are_checked_as_first_reached() {
    let dir = krate(&[
        (
            "src/lib.rs",
            &slow_lib("mod a;\nmod b;\n#[path = \"shared.rs\"]\nmod first;\n"),
        ),
        ("src/a.rs", "#[path = \"twice.rs\"]\nmod x;\n"),
        ("src/b.rs", "#[path = \"twice.rs\"]\nmod y;\n"),
        ("src/twice.rs", &ai_unwrap("t")),
        ("src/shared.rs", &ai_unwrap("s")),
        ("tests/t.rs", "mod m;\n"),
        (
            "tests/m/mod.rs",
            "#[path = \"../../src/shared.rs\"]\nmod late;\n",
        ),
    ]);
    let first = run_threads(dir.path(), "1");
    first
        .code(0)
        .has("in AI-generated item `a::x::t`")
        .has("in AI-generated item `first::s`")
        .lacks("b::y::t")
        .lacks("late::s");
    first.err_has("7 files checked");
    for _ in 0..2 {
        let r = run_threads(dir.path(), "2");
        assert_eq!(r.stdout, first.stdout);
        r.err_has("7 files checked");
    }
}

/// The same when the file that first reached a shared file was itself reached second:
/// `hub.rs` is reached by the quick test target (through a symbolic link, so its `mod c;`
/// means `tests/hub/c.rs`) before the slow `lib.rs` reaches it (where `mod c;` means
/// `src/x/c.rs`); `tests/hub/c.rs`, whose only counted reach is three levels down, must
/// still be checked once.
#[test]
fn files_reached_through_a_superseded_file_are_still_checked() {
    let dir = krate(&[
        (
            "src/lib.rs",
            &slow_lib("#[path = \"x/hub.rs\"]\nmod hub;\n"),
        ),
        ("src/x/hub.rs", "mod c;\n"),
        ("src/x/c.rs", &ai_unwrap("valid_c")),
        ("tests/t.rs", "mod hub;\nmod p;\n"),
        ("tests/hub/c.rs", "pub fn deep_c() {}\n"),
        ("tests/p/mod.rs", "mod q;\n"),
        ("tests/p/q.rs", "#[path = \"../hub/c.rs\"]\nmod c2;\n"),
    ]);
    std::os::unix::fs::symlink("../../src/x/hub.rs", dir.path().join("tests/hub/mod.rs"))
        .expect("symlink");
    let first = run_threads(dir.path(), "1");
    first.code(0).has("in AI-generated item `hub::c::valid_c`");
    first.err_has("7 files checked");
    for _ in 0..2 {
        let r = run_threads(dir.path(), "2");
        assert_eq!(r.stdout, first.stdout);
        r.err_has("7 files checked");
    }
}
