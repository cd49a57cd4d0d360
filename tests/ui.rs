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
}
