//! `cargo aiguard review` end to end, and digest parity between the CLI and the macro.
//!
//! `round_trip` writes a small crate with marked items of every kind (comments, odd spacing,
//! raw and byte strings, lifetimes, nested macros, non-ASCII identifiers, a CRLF file, the
//! item's own `cfg`/`cfg_attr`), stamps each with the real `cargo-aiguard review`, then
//! compiles the crate: the macro recomputes every digest from the tokens rustc gives it, so
//! the build passing (with `unreviewed_ai_code = "deny"`) proves the two sides agree, and it
//! fails as soon as either side computes the digest differently. A one-token change must then
//! fail the build with `stale_review` at the item, and a second review must fix it.
//!
//! The builds share this workspace's target directory (`--offline`), so they take seconds.

mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target directory this test binary was built in (`<target>/<profile>/deps/review-..`).
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

use harness::aiguard_bin as bin;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file in a directory")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or_else(|| panic!("`{needle}` not in the source"), |i| i + 1)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `cargo-aiguard aiguard ARGS` in `dir`.
fn aiguard(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .arg("aiguard")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo-aiguard runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `cargo check` of the crate in `dir`, as a user's build: the macro runs on every item.
fn cargo_check(dir: &Path) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .args([
            "check",
            "--offline",
            "--quiet",
            "--message-format=short",
            "--color=never",
        ])
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("AIGUARD_BUILD")
        .env_remove("CARGO_PRIMARY_PACKAGE")
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `text` with the values of `reviewed = ".."` and `digest = ".."` emptied.
fn blank_stamp_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["reviewed = \"", "digest = \""]
            .iter()
            .filter_map(|k| rest.find(k).map(|i| (i, k.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        let close = rest.find('"').expect("a closing quote");
        rest = &rest[close..];
    }
}

/// Checks that `new` is `old` with only a review stamp written in or updated: with stamp
/// values blanked, the one region where they differ holds the old region plus `reviewed` and
/// `digest` arguments and separators, nothing else. So every other byte of the file,
/// formatting and comments included, is unchanged.
fn assert_only_stamp_added(old: &str, new: &str) {
    let (old, new) = (blank_stamp_values(old), blank_stamp_values(new));
    if old == new {
        return; // an existing stamp updated in place
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    let mut rest = new_mid.to_string();
    for token in [
        old_mid.trim_matches(&[',', ' '][..]),
        "reviewed = \"\"",
        "digest = \"\"",
    ] {
        assert!(
            rest.contains(token),
            "`{token}` missing from the edit:\n--- old\n{old_mid}\n--- new\n{new_mid}"
        );
        rest = rest.replacen(token, "", 1);
    }
    assert!(
        rest.chars()
            .all(|c| matches!(c, ',' | ' ' | '\t' | '\r' | '\n' | '(' | ')')),
        "the edit changed more than the stamp:\n--- old\n{old_mid}\n--- new\n{new_mid}\n--- left over: {rest:?}"
    );
}

/// The digest a `Reviewed` line reports.
fn reported_digest(stderr: &str) -> String {
    let d = stderr
        .rsplit("digest ")
        .next()
        .map(str::trim)
        .unwrap_or_default();
    assert_eq!(d.len(), 32, "no digest in: {stderr}");
    d.to_string()
}

/// Reviews `target` in the crate at `dir`, checks the edit of `file`, returns the digest.
fn review(dir: &Path, file: &str, name: &str, target: &str) -> String {
    let before = read(&dir.join(file));
    let run = aiguard(dir, &["review", "--by", name, target]);
    assert_eq!(run.code, Some(0), "review {target}: {}", run.stderr);
    assert!(run.stderr.contains("Reviewed"), "{}", run.stderr);
    let digest = reported_digest(&run.stderr);
    let after = read(&dir.join(file));
    assert_ne!(before, after, "review {target} changed nothing");
    assert_only_stamp_added(&before, &after);
    assert!(
        after.contains(&format!("reviewed = \"{name}\", digest = \"{digest}\"")),
        "{after}"
    );
    digest
}

const LIB: &str = r###"//! Items of every kind, stamped by `cargo aiguard review` in the test.
#![allow(dead_code)]

use aiguard_macros::ai_generated;

mod crlf;

pub struct Mem<'a> {
    pub data: &'a [u8],
    pub name: String,
}

/// Docs on a marked fn.
#[ai_generated]
pub fn grüße<'a, T: AsRef<str> + ?Sized>( name :&'a T ) -> String   where T: 'a {
    // a comment, /* and */ a block one
    let größe = 314_u32; /* block */ let raw = r#"a "quoted" \n"#;
    let bytes = b"\xff\x00"; let c = b'x'; let ch = 'é';
    let mut n = 0_u32;
    'outer: loop { n = n.saturating_add(1); if n > 2 { break 'outer; } }
    let v = vec![format!("{}{größe}", raw), concat!("a", stringify!(x + y => [z])).to_string()];
    format!("{}{:?}{}{}{}{}", name.as_ref(), bytes, c, v.len(), ch, n)
}

#[ai_generated(model = "x")]
#[derive(Debug, Clone)]
pub struct Pair<'a, T>
where
    T: Copy,
{
    /// The left.
    pub left: &'a T,
    #[cfg(test)]
    right: Option<T>,
}

#[ai_generated(
    model = "gpt-4o",
    allow(unwrap_used = "kept for the next edit"),
)]
#[cfg_attr(all(), derive(Debug))]
#[cfg(not(any()))]
#[repr(u8)]
pub enum Kind { A = 1, B { x: i32 } = 2, C(u8,) = 3, }

#[aiguard_macros::ai_generated(model = "y")]
#[repr(C)]
pub union Bits { pub int: u32, pub float: f32 }

#[ai_generated] pub(crate) const LIMIT: u64 = 1_000u64;

#[ai_generated]
pub static NAME: &[u8] = br##"x"#y"##;

#[ai_generated]
pub type Map<K, V = ()> = std::collections::HashMap<K, V>;

#[ai_generated]
pub trait Store: Send {
    type Key;
    const N: usize = 4;
    fn get(&self, k: &Self::Key) -> Option<&str>;
    fn len(&self) -> usize { Self::N }
}

pub trait Load {
    #[ai_generated]
    fn load(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>>;
    #[ai_generated(model = "z")]
    fn label(&self) -> &'static str { "load" }
}

#[ai_generated]
impl<'a> Store for Mem<'a> {
    type Key = u8;
    fn get(&self, _k: &u8) -> Option<&str> { Some(self.name.as_str()) }
}

impl Mem<'_> {
    #[ai_generated]
    pub async fn size(&self) -> usize { self.data.len() }

    #[ai_generated]
    const MAX: u8 = 3;

    #[ai_generated(model = "x")]
    pub fn first(&self) -> Option<u8> {
        self.data.first().copied().or(Some(100)) // the token to change
    }
}

#[ai_generated]
pub mod inner {
    //! Inner docs.
    use super::{LIMIT, ai_generated};

    #[ai_generated(model = "y")]
    pub fn nested() -> u64 { LIMIT }

    #[cfg(test)]
    mod tests {}
}
"###;

/// A file with CRLF line ends and a multi-line string: rustc reads it as LF.
const CRLF: &str = "use aiguard_macros::ai_generated;\r\n\r\n#[ai_generated]\r\npub fn banner() -> &'static str {\r\n    \"two\r\nlines\"\r\n}\r\n";

#[test]
fn round_trip() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("stamped");
    let macros = workspace_root().join("aiguard-macros");
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[workspace]\n\n[package]\nname = \"stamped\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\naiguard-macros = {{ path = {:?} }}\n",
            macros.display().to_string()
        ),
    );
    // The same dependency versions as this workspace, so nothing is fetched or rebuilt.
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    // Every AI item must carry a stamp: the build below proves they all do.
    write(
        &dir.join("aiguard.toml"),
        "[rules]\nunreviewed_ai_code = \"deny\"\n",
    );
    let lib = dir.join("src/lib.rs");
    write(&lib, LIB);
    write(&dir.join("src/crlf.rs"), CRLF);

    // Before: every marked item is unreviewed.
    let run = aiguard(&dir, &["--message-format", "short"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let marked = LIB.matches("ai_generated(").count() + LIB.matches("ai_generated]").count();
    assert_eq!(
        run.stdout.matches("unreviewed_ai_code").count(),
        marked + 1,
        "{}",
        run.stdout
    );

    // Stamp every item: some by a line inside the item (`@needle`: the line holding it, in
    // the file as it is then, since a stamp may add a line), some by path.
    let at = |needle: &str| format!("src/lib.rs:{}", line_of(&read(&lib), needle));
    let targets = [
        "@// a comment, /* and */",
        "@pub struct Pair",
        "@model = \"gpt-4o\",",
        "Bits",
        "@pub(crate) const LIMIT",
        "NAME",
        "@pub type Map",
        "@const N: usize",
        "Load::load",
        "@fn label",
        "@type Key = u8",
        "Mem::size",
        "Mem::MAX",
        "crate::Mem::first",
        "@//! Inner docs.",
        "inner::nested",
    ];
    assert_eq!(targets.len(), marked);
    for t in targets {
        let target = t.strip_prefix('@').map_or_else(|| t.to_string(), at);
        review(&dir, "src/lib.rs", "alice", &target);
    }
    review(&dir, "src/crlf.rs", "alice", "crlf::banner");

    // The CLI agrees with itself: nothing stale, nothing unreviewed.
    let run = aiguard(&dir, &["--message-format", "short"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("stale_review"), "{}", run.stdout);

    // The macro agrees with the CLI: the crate builds.
    let (ok, out) = cargo_check(&dir);
    assert!(ok, "the stamped crate does not build:\n{out}");
    assert!(!out.contains("aiguard"), "{out}");

    // A one-token change voids the stamp: the build fails at that item, and so does the CLI.
    let stamped = read(&lib);
    let changed = stamped.replace("Some(100)", "Some(101)");
    write(&lib, &changed);
    let (ok, out) = cargo_check(&dir);
    assert!(!ok, "a changed item still builds:\n{out}");
    let digest_line = line_of(&changed, "pub fn first") - 1;
    let expected = "error: aiguard::stale_review: this item changed since `alice` reviewed it";
    assert!(
        out.lines()
            .any(|l| l.starts_with(&format!("src/lib.rs:{digest_line}:")) && l.contains(expected)),
        "expected `{expected}` at line {digest_line}:\n{out}"
    );
    assert_eq!(out.matches("stale_review").count(), 1, "{out}");
    let run = aiguard(&dir, &["--message-format", "short"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("stale_review").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("this item changed since `alice` reviewed it"),
        "{}",
        run.stdout
    );

    // `--dry-run` shows the edit and writes nothing.
    let run = aiguard(&dir, &["review", "--by", "bob", "Mem::first", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(read(&lib), changed);
    assert!(
        run.stdout
            .starts_with("--- src/lib.rs\n+++ src/lib.rs\n@@ -"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n-    #[ai_generated(model = \"x\", reviewed = \"alice\", digest = \""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n+    #[ai_generated(model = \"x\", reviewed = \"bob\", digest = \""),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("the item changed since"),
        "{}",
        run.stderr
    );

    // Reviewing again renews the stamp in place: the build passes.
    let digest = review(&dir, "src/lib.rs", "bob", &at("// the token to change"));
    let renewed = read(&lib);
    assert_eq!(
        renewed.lines().count(),
        changed.lines().count(),
        "an update edits in place"
    );
    assert!(renewed.contains(&format!("reviewed = \"bob\", digest = \"{digest}\"")));
    let (ok, out) = cargo_check(&dir);
    assert!(ok, "the re-reviewed crate does not build:\n{out}");

    // A review of a fresh stamp changes nothing.
    let run = aiguard(&dir, &["review", "--by", "bob", "Mem::first"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("stamp unchanged"), "{}", run.stderr);
    assert_eq!(read(&lib), renewed);
}

/// What `review` refuses, and that it then writes nothing.
#[test]
fn refusals() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    write(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"refuse\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    let src = "pub mod a {\n    #[ai_generated]\n    pub fn run() {}\n}\n\npub mod b {\n    #[ai_generated]\n    pub fn run() {}\n}\n\n#[ai_generated] pub fn one() {} #[ai_generated] pub fn two() {}\n\npub fn human() {}\n\n#[ai_generated]\nimpl S {\n    fn part(&self) {}\n}\n\n#[ai_generated = \"x\"]\nfn odd() {}\n";
    let lib = dir.join("src/lib.rs");
    write(&lib, src);
    let refuse = |args: &[&str], message: &str| {
        let mut all = vec!["review", "--by", "alice"];
        all.extend_from_slice(args);
        let run = aiguard(dir, &all);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(message),
            "{args:?}: expected `{message}` in:\n{}",
            run.stderr
        );
        assert_eq!(read(&lib), src, "{args:?} wrote to the file");
        run.stderr
    };
    let human = format!("src/lib.rs:{}", line_of(src, "pub fn human"));
    refuse(
        &[&human],
        &format!("error: no `#[ai_generated]` item at `{human}`"),
    );
    refuse(&["human"], "error: `human` is not marked `#[ai_generated]`");
    let err = refuse(
        &["S::part"],
        "error: `S::part` is not marked `#[ai_generated]`",
    );
    assert!(err.contains("it is part of the AI item `S`"), "{err}");
    let err = refuse(&["run"], "error: `run` names more than one AI item");
    assert!(err.contains("`refuse::a::run` at src/lib.rs:3"), "{err}");
    assert!(err.contains("`refuse::b::run` at src/lib.rs:8"), "{err}");
    let both = format!("src/lib.rs:{}", line_of(src, "fn one"));
    let err = refuse(
        &[&both],
        &format!("error: `{both}` is inside more than one AI item"),
    );
    assert!(err.contains("`one` and `two`"), "{err}");
    refuse(
        &["nothing::here"],
        "error: no item `nothing::here` in the workspace",
    );
    refuse(&["src/lib.rs:999"], "there is no line 999");
    refuse(
        &["src/missing.rs:1"],
        "error: could not read `src/missing.rs`",
    );
    refuse(
        &["src/lib.rs:x1"],
        "is neither `FILE:LINE` nor an item path",
    );
    let odd = format!("src/lib.rs:{}", line_of(src, "fn odd"));
    refuse(&[&odd], "`ai_generated` takes a list of arguments");
    let run = aiguard(dir, &["review", "--by", " ", "a::run"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("`--by` needs the reviewer's name"),
        "{}",
        run.stderr
    );

    // The ambiguity resolved: a longer path, or the line.
    review(dir, "src/lib.rs", "alice", "a::run");
    review(dir, "src/lib.rs", "alice", "refuse::b::run");
}

/// The demo crate (with its deliberate findings): stamping its AI items leaves the rest of
/// each file byte for byte, and `cargo aiguard` then reports no `stale_review`.
#[test]
fn demo_copy() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = workspace_root().join("tests/demo");
    let dir = tmp.path().join("demo");
    for entry in walkdir::WalkDir::new(&demo) {
        let entry = entry.expect("walk the demo");
        let rel = entry.path().strip_prefix(&demo).expect("below the demo");
        if rel.starts_with("target") || !entry.file_type().is_file() {
            continue;
        }
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(entry.path(), &to).expect("copy");
    }
    let manifest = read(&dir.join("Cargo.toml")).replace(
        "path = \"../../aiguard-macros\"",
        &format!(
            "path = {:?}",
            workspace_root()
                .join("aiguard-macros")
                .display()
                .to_string()
        ),
    );
    write(&dir.join("Cargo.toml"), &manifest);
    let mut stamped = 0;
    for file in ["src/auth.rs", "src/session.rs", "src/storage.rs"] {
        let text = read(&dir.join(file));
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("#[ai_generated"))
            .map(|(i, _)| i + 1)
            .collect();
        for line in lines {
            review(&dir, file, "alice", &format!("{file}:{line}"));
            stamped += 1;
        }
    }
    assert!(stamped >= 5, "the demo has AI items to stamp");
    let run = aiguard(&dir, &["--message-format", "short"]);
    assert!(!run.stdout.contains("stale_review"), "{}", run.stdout);
    assert!(run.stdout.contains("error["), "the demo keeps its findings");
}
