//! The `#[ai_generated]` macro, compiled by the installed rustc.
//!
//! - `ui/pass/*.rs` must compile (and run) with no aiguard warning.
//! - `ui/fail/*.rs` must fail with exactly the diagnostics in the `.stderr` beside them.
//!
//! After a rule or message changes: `TRYBUILD=overwrite cargo test -p aiguard-tests --test ui`
//! rewrites the `.stderr` files; review the diff.
//!
//! `cargo_and_clippy` builds a tiny crate that uses the macro with cargo itself: config
//! discovery and rebuild tracking, `AIGUARD_BUILD`, dependency mode and clippy's lints on
//! marked items only, which trybuild cannot show.
//!
//! `parity_*` build a crate with cargo and run `cargo aiguard` on it: the compiler's
//! `aiguard::<rule>` diagnostics must be exactly the CLI's findings in AI code, same place,
//! same level, same message.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}

mod e2e {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The target directory this test binary was built in (`<target>/<profile>/deps/ui-..`):
    /// sharing it means the macro's dependencies are already built.
    fn target_dir() -> PathBuf {
        let exe = std::env::current_exe().expect("the test binary has a path");
        exe.ancestors()
            .nth(3)
            .expect("the test binary lives in <target>/<profile>/deps")
            .to_path_buf()
    }

    fn workspace_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ lives in the workspace root")
            .to_path_buf()
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("a file in a directory")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// 1-based line of the first line containing `needle`.
    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or_else(|| panic!("`{needle}` not in the source"), |i| i + 1)
    }

    struct Run {
        ok: bool,
        out: String,
    }

    fn cargo(dir: &Path, args: &[&str], aiguard_build: Option<&str>) -> Run {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(dir)
            .args(args)
            .args([
                "--offline",
                "--quiet",
                "--message-format=short",
                "--color=never",
            ])
            .env("CARGO_TARGET_DIR", target_dir())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("AIGUARD_BUILD")
            .env_remove("CARGO_PRIMARY_PACKAGE");
        if let Some(v) = aiguard_build {
            cmd.env("AIGUARD_BUILD", v);
        }
        let output = cmd.output().expect("cargo runs");
        Run {
            ok: output.status.success(),
            out: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    const APP: &str = r"use aiguard_macros::ai_generated;

#[ai_generated]
pub fn marked(x: Option<u32>) -> u32 {
    x.unwrap() // marked unwrap
}

pub fn unmarked(x: Option<u32>) -> u32 {
    x.unwrap() // unmarked unwrap
}

pub struct Reader;

impl Reader {
    #[ai_generated]
    pub fn marked_method(&self, v: &[u8]) -> u8 {
        v[0] // marked index
    }

    pub fn unmarked_method(&self, v: &[u8]) -> u8 {
        v[0] // unmarked index
    }
}
";

    const UNSAFE_TWINS: &str = r"
#[ai_generated]
pub fn marked_read(p: *const u8) -> u8 {
    unsafe { *p } // marked unsafe
}

pub fn unmarked_read(p: *const u8) -> u8 {
    unsafe { *p } // unmarked unsafe
}
";

    const SHARED: &str = r"use aiguard_macros::ai_generated;

#[ai_generated]
pub fn first(v: Option<u8>) -> u8 {
    v.unwrap() // shared unwrap
}
";

    fn manifest(name: &str, extra: &str) -> String {
        let macros = workspace_root().join("aiguard-macros");
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\naiguard-macros = {{ path = {:?} }}\n{extra}",
            macros.display().to_string()
        )
    }

    /// A temp workspace built by cargo as a user would: clippy's lints on marked items only,
    /// config found and tracked, `AIGUARD_BUILD`, and dependencies.
    #[test]
    fn cargo_and_clippy() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let ws = tmp.path().join("ws");
        write(
            &ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\", \"shared\", \"user\", \"user2\"]\nresolver = \"3\"\n",
        );
        // The same dependency versions as this workspace, so nothing is fetched or rebuilt.
        std::fs::copy(workspace_root().join("Cargo.lock"), ws.join("Cargo.lock"))
            .expect("copy Cargo.lock");
        write(&ws.join("app/Cargo.toml"), &manifest("app", ""));
        write(&ws.join("shared/Cargo.toml"), &manifest("shared", ""));
        write(&ws.join("shared/src/lib.rs"), SHARED);
        // `outside` is a path dependency outside the workspace, with its own config.
        write(
            &tmp.path().join("outside/Cargo.toml"),
            &manifest(
                "outside",
                "\n[package.metadata.aiguard.rules]\nunwrap_used = \"deny\"\n",
            ),
        );
        write(
            &tmp.path().join("outside/src/lib.rs"),
            &SHARED.replace("shared unwrap", "outside unwrap"),
        );
        write(
            &ws.join("user/Cargo.toml"),
            &manifest("user", "outside = { path = \"../../outside\" }\n"),
        );
        write(&ws.join("user/src/lib.rs"), "pub use outside::first;\n");
        write(
            &ws.join("user2/Cargo.toml"),
            &manifest("user2", "shared = { path = \"../shared\" }\n"),
        );
        write(&ws.join("user2/src/lib.rs"), "pub use shared::first;\n");
        let app_lib = ws.join("app/src/lib.rs");
        let at =
            |needle: &str, col: usize| format!("app/src/lib.rs:{}:{col}: ", line_of(APP, needle));

        // clippy: its lints fire in marked items only, and `unsafe_code` is denied there.
        let with_unsafe = format!("{APP}{UNSAFE_TWINS}");
        write(&app_lib, &with_unsafe);
        let unsafe_at = |needle: &str| {
            format!(
                "app/src/lib.rs:{}:5: error: usage of an `unsafe` block",
                line_of(&with_unsafe, needle)
            )
        };
        // `AIGUARD_BUILD=warn`: aiguard's own `unsafe_code` finding would otherwise be a
        // `compile_error!`, which stops rustc before clippy's lints run.
        let run = cargo(&ws, &["clippy", "-p", "app"], Some("warn"));
        let out = &run.out;
        assert!(!run.ok, "{out}");
        assert!(out.contains(&unsafe_at("marked unsafe")), "{out}");
        assert!(!out.contains(&unsafe_at("unmarked unsafe")), "{out}");
        let unwrap_lint = "warning: used `unwrap()` on an `Option` value";
        assert!(
            out.contains(&format!("{}{unwrap_lint}", at("marked unwrap", 5))),
            "{out}"
        );
        assert!(
            !out.contains(&format!("{}{unwrap_lint}", at("unmarked unwrap", 5))),
            "{out}"
        );
        let index_lint = "warning: indexing may panic";
        assert!(
            out.contains(&format!("{}{index_lint}", at("marked index", 9))),
            "{out}"
        );
        assert!(
            !out.contains(&format!("{}{index_lint}", at("unmarked index", 9))),
            "{out}"
        );

        // A warn finding is a warning at the offending tokens.
        write(&app_lib, APP);
        write(
            &ws.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"warn\"\n",
        );
        let warning = format!(
            "{}warning: use of deprecated macro `aiguard::unwrap_used`: `.unwrap()` panics if the value is `None` or `Err`",
            at("marked unwrap", 7)
        );
        let run = cargo(&ws, &["check", "-p", "app"], None);
        assert!(run.ok, "{}", run.out);
        assert!(run.out.contains(&warning), "{}", run.out);
        assert_eq!(run.out.matches("aiguard::").count(), 1, "{}", run.out);

        // Editing aiguard.toml alone rebuilds the crate: the finding is now an error.
        write(
            &ws.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"deny\"\n",
        );
        let error = format!(
            "{}error: aiguard::unwrap_used: `.unwrap()` panics if the value is `None` or `Err`",
            at("marked unwrap", 7)
        );
        let run = cargo(&ws, &["check", "-p", "app"], None);
        assert!(!run.ok, "{}", run.out);
        assert!(run.out.contains(&error), "{}", run.out);

        // AIGUARD_BUILD=warn turns errors into warnings; =off silences the macro.
        let run = cargo(&ws, &["check", "-p", "app"], Some("warn"));
        assert!(run.ok, "{}", run.out);
        assert!(run.out.contains(&warning), "{}", run.out);
        let run = cargo(&ws, &["check", "-p", "app"], Some("off"));
        assert!(run.ok, "{}", run.out);
        assert!(!run.out.contains("aiguard"), "{}", run.out);

        // A bad config is one error, however many items are marked, at the first of them.
        write(
            &ws.join("aiguard.toml"),
            "[rulez]\nunwrap_used = \"deny\"\n",
        );
        let run = cargo(&ws, &["check", "-p", "app"], None);
        assert!(!run.ok, "{}", run.out);
        let config_error = format!(
            "{}error: aiguard::invalid_config: invalid aiguard config: {}:1:2: unknown key `rulez` in the aiguard config",
            at("#[ai_generated]", 1),
            ws.join("aiguard.toml").display()
        );
        assert!(run.out.contains(&config_error), "{}", run.out);
        assert_eq!(run.out.matches("invalid_config").count(), 1, "{}", run.out);
        write(
            &ws.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"deny\"\n",
        );

        // A path dependency outside the workspace only gets its items back: its deny finding
        // does not break `user`.
        let run = cargo(&ws, &["check", "-p", "user"], None);
        assert!(run.ok, "{}", run.out);
        assert!(!run.out.contains("aiguard"), "{}", run.out);
        // A workspace member is checked even when built as another member's dependency.
        let run = cargo(&ws, &["check", "-p", "user2"], None);
        assert!(!run.ok, "{}", run.out);
        let shared_error = format!(
            "shared/src/lib.rs:{}:7: error: aiguard::unwrap_used",
            line_of(SHARED, "shared unwrap")
        );
        assert!(run.out.contains(&shared_error), "{}", run.out);
    }

    // ---- parity between the build-time guard and `cargo aiguard` ----

    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    /// The `cargo-aiguard` binary (as in cli.rs: another package of the workspace, so it is
    /// built here, a no-op when fresh, in this test's target directory and profile).
    fn cli_bin() -> &'static Path {
        static BIN: OnceLock<PathBuf> = OnceLock::new();
        BIN.get_or_init(|| {
            let exe = std::env::current_exe().expect("the test binary has a path");
            let profile = match exe
                .parent()
                .and_then(Path::parent)
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
            {
                Some("debug") | None => "dev".to_string(),
                Some(p) => p.to_string(),
            };
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
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

    /// `cargo aiguard --message-format short --ai-only` in `dir`: its finding lines.
    fn cli_findings(dir: &Path) -> BTreeSet<String> {
        let output = Command::new(cli_bin())
            .current_dir(dir)
            .args(["aiguard", "--message-format", "short", "--ai-only"])
            .args(["--color", "never"])
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .expect("run cargo-aiguard");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "cargo aiguard failed\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
            .lines()
            .filter(|l| short_rule(l).is_some())
            .map(str::to_string)
            .collect()
    }

    /// The rule of a short-format line `file:line:col: level[rule]: message`.
    fn short_rule(line: &str) -> Option<&str> {
        let (_, rest) = line.split_once(": ")?;
        let rest = rest
            .strip_prefix("error[")
            .or_else(|| rest.strip_prefix("warning["))?;
        rest.split_once(']').map(|(rule, _)| rule)
    }

    /// The file of a short-format line.
    fn short_file(line: &str) -> &str {
        line.split(':').next().unwrap_or_default()
    }

    /// The macro's diagnostics in cargo's short output, written as the CLI writes them:
    /// `f:l:c: error: aiguard::rule: msg` and
    /// `f:l:c: warning: use of deprecated macro `aiguard::rule`: msg` → `f:l:c: level[rule]: msg`.
    fn macro_findings(out: &str) -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for line in out.lines() {
            let Some((place, rest)) = line.split_once(": ") else {
                continue;
            };
            let (level, rest) = if let Some(r) = rest.strip_prefix("error: aiguard::") {
                ("error", r)
            } else if let Some(r) = rest.strip_prefix("warning: use of deprecated macro `aiguard::")
            {
                ("warning", r)
            } else {
                continue;
            };
            let Some((rule, msg)) = rest.split_once([':', '`']) else {
                continue;
            };
            let msg = msg
                .trim_start_matches('`')
                .trim_start_matches(':')
                .trim_start();
            set.insert(format!("{place}: {level}[{rule}]: {msg}"));
        }
        set
    }

    fn assert_same(macro_set: &BTreeSet<String>, cli_set: &BTreeSet<String>, out: &str) {
        let only_macro: Vec<_> = macro_set.difference(cli_set).collect();
        let only_cli: Vec<_> = cli_set.difference(macro_set).collect();
        assert!(
            only_macro.is_empty() && only_cli.is_empty(),
            "the build and `cargo aiguard` disagree\nonly from the build: {only_macro:#?}\nonly from the CLI: {only_cli:#?}\n--- build output\n{out}"
        );
    }

    /// A copy of `src` in a temp dir, with `aiguard-macros` by absolute path and this
    /// workspace's Cargo.lock, so that nothing is written into the source tree and nothing
    /// is fetched or rebuilt.
    fn copy_crate(src: &Path, dst: &Path) {
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.expect("walk the crate");
            let rel = entry.path().strip_prefix(src).expect("below the crate");
            if rel.starts_with("target") || rel == Path::new("Cargo.lock") {
                continue;
            }
            if entry.file_type().is_file() {
                let text = std::fs::read_to_string(entry.path()).expect("read");
                write(&dst.join(rel), &text);
            }
        }
        let manifest = dst.join("Cargo.toml");
        let macros = workspace_root().join("aiguard-macros");
        let text = std::fs::read_to_string(&manifest).expect("read Cargo.toml");
        assert!(text.contains("\"../../aiguard-macros\""), "{text}");
        write(
            &manifest,
            &text.replace(
                "\"../../aiguard-macros\"",
                &format!("{:?}", macros.display().to_string()),
            ),
        );
        std::fs::copy(workspace_root().join("Cargo.lock"), dst.join("Cargo.lock"))
            .expect("copy Cargo.lock");
    }

    /// tests/demo: `cargo build` fails with the macro's errors, and they and its warnings
    /// are exactly what `cargo aiguard --ai-only` reports, less what only the CLI can see.
    #[test]
    fn parity_demo() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let demo = tmp.path().join("demo");
        copy_crate(&workspace_root().join("tests/demo"), &demo);

        let run = cargo(&demo, &["build"], None);
        assert!(!run.ok, "the demo must fail to build\n{}", run.out);
        let built = macro_findings(&run.out);

        let cli = cli_findings(&demo);
        // Findings the macro cannot produce, by design:
        // - supply-chain rules check Cargo.toml and build.rs, which no `#[ai_generated]`
        //   item holds;
        // - whole files are AI code through `[ai] paths` (here `src/generated/**`) or a
        //   `// aiguard: ai-generated` comment, which mark no item: the macro never runs there.
        let whole_file = |file: &str| {
            let text = std::fs::read_to_string(demo.join(file)).unwrap_or_default();
            file.starts_with("src/generated/") || aiguard_lints::ai::file_has_ai_comment(&text)
        };
        let (cli_only, cli): (BTreeSet<String>, BTreeSet<String>) =
            cli.into_iter().partition(|l| {
                let supply_chain = short_rule(l)
                    .and_then(aiguard_lints::registry::by_name)
                    .is_some_and(|r| r.meta().family == aiguard_lints::Family::SupplyChain);
                supply_chain || whole_file(short_file(l))
            });
        // The exclusion is exercised: the demo's generated report has an unwrap.
        assert!(
            cli_only
                .iter()
                .any(|l| l.starts_with("src/generated/report.rs:")),
            "{cli_only:#?}"
        );
        assert_same(&built, &cli, &run.out);
        // Errors and warnings both, several families.
        let rules: BTreeSet<&str> = built.iter().filter_map(|l| short_rule(l)).collect();
        for rule in [
            "hardcoded_secret",
            "non_constant_time_compare",
            "unsafe_code",
            "expect_used",
        ] {
            assert!(rules.contains(rule), "{rule} missing: {built:#?}");
        }
    }

    /// Items the macro sees without their file: `use` aliases, enclosing markers' allow lists,
    /// test modules and test targets. Built under `AIGUARD_BUILD=warn` so that every target
    /// builds (`cargo test --no-run` compiles the library for tests too) and every finding
    /// shows as a warning.
    #[test]
    fn parity_context() {
        const LIB: &str = r#"use aiguard_macros::ai_generated;
use md5::compute as digest;

/// A stand-in for the `md5` crate.
pub mod md5 {
    pub fn compute(data: &[u8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[0] = data.len() as u8;
        out
    }
}

#[ai_generated]
pub fn fingerprint(data: &[u8]) -> [u8; 16] {
    digest(data) // alias of a file-level use
}

pub struct Store(Vec<u8>);

#[ai_generated(allow(unwrap_used = "the store is never empty"))]
impl Store {
    #[ai_generated(model = "gpt-4o")]
    pub fn first(&self) -> u8 {
        *self.0.first().unwrap() // allowed by the enclosing marker
    }
}

#[ai_generated]
impl Store {
    #[ai_generated]
    pub fn last(&self) -> u8 {
        *self.0.last().expect("never empty") // reported once
    }
}

pub fn human(v: Option<u8>) -> u8 {
    #[ai_generated]
    fn inner(v: Option<u8>) -> u8 {
        v.expect("inner") // a marked fn in a human fn
    }
    inner(v)
}

#[cfg(test)]
mod tests {
    use aiguard_macros::ai_generated;

    #[ai_generated]
    fn helper(v: Option<u8>) -> u8 {
        v.unwrap() // test code
    }

    #[test]
    fn uses_helper() {
        assert_eq!(helper(Some(1)), 1);
    }
}
"#;
        const IT: &str = r"use aiguard_macros::ai_generated;

#[ai_generated]
fn fixture(v: Option<u8>) -> u8 {
    v.unwrap() // a test target
}

#[test]
fn it() {
    assert_eq!(fixture(Some(1)), 1);
}
";
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("context");
        write(
            &dir.join("Cargo.toml"),
            &format!("[workspace]\n\n{}", manifest("context", "")),
        );
        std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
            .expect("copy Cargo.lock");
        write(&dir.join("src/lib.rs"), LIB);
        write(&dir.join("tests/it.rs"), IT);

        let run = cargo(&dir, &["test", "--no-run"], Some("warn"));
        assert!(run.ok, "{}", run.out);
        let built = macro_findings(&run.out);
        // Under `AIGUARD_BUILD=warn` every finding is a warning: compare without levels.
        let unlevel = |set: &BTreeSet<String>| -> BTreeSet<String> {
            set.iter()
                .map(|l| l.replacen(": error[", ": warning[", 1))
                .collect()
        };
        let cli = cli_findings(&dir);
        assert_same(&built, &unlevel(&cli), &run.out);

        let at = |needle: &str| format!("src/lib.rs:{}:", line_of(LIB, needle));
        let has = |needle: &str, rule: &str| {
            built
                .iter()
                .any(|l| l.starts_with(&at(needle)) && short_rule(l) == Some(rule))
        };
        assert!(has("alias of a file-level use", "weak_hash"), "{built:#?}");
        assert!(has("reported once", "expect_used"), "{built:#?}");
        assert!(
            has("a marked fn in a human fn", "expect_used"),
            "{built:#?}"
        );
        for quiet in ["allowed by the enclosing marker", "test code"] {
            assert!(
                !built.iter().any(|l| l.starts_with(&at(quiet))),
                "{quiet}: {built:#?}"
            );
        }
        assert!(!built.iter().any(|l| l.starts_with("tests/")), "{built:#?}");
        // Once, though two markers enclose it.
        let once = at("reported once");
        assert_eq!(
            run.out.lines().filter(|l| l.starts_with(&once)).count(),
            1,
            "{}",
            run.out
        );
    }
}
