//! The configuration, loaded once per compiler process.
//!
//! From `CARGO_MANIFEST_DIR` upward to the workspace root: the first `aiguard.toml`, else the
//! workspace root's `[workspace.metadata.aiguard]`; the package's `[package.metadata.aiguard]`
//! is layered on top. Cargo does not rebuild a crate when a file read by a proc macro changes,
//! so the files read are reported for an `include_bytes!` tracker (see `emit::tracker`).
//!
//! A rustc process compiles one crate, so one load per process is one load per crate: every
//! marked item after the first gets the cached [`Loaded`] (parsed config, strict lints,
//! rebuild-tracker files). A long-lived host (rust-analyzer's proc-macro server) expands many
//! crates and sees files change, so loads are keyed by manifest directory and stamped with
//! the modification time and length of every path the load looked at (missing ones too: an
//! `aiguard.toml` created later is seen); a changed stamp loads again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use aiguard_lints::Config;
use aiguard_lints::config::{ConfigSection, parse_config};

/// A config error, ready to print: `path:line:col: message`, and its help.
#[derive(Debug)]
pub struct ConfigMessage {
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// Files whose contents shape `config` (the config files, the package's and the
    /// workspace root's `Cargo.toml`), for the rebuild tracker.
    pub files: Vec<PathBuf>,
    pub errors: Vec<ConfigMessage>,
    /// Lints (and lint groups) the package's `[lints]` table (or the workspace's), or an inner
    /// `#![deny(..)]`/`#![forbid(..)]` in `src/lib.rs` or `src/main.rs`, sets to `deny` or
    /// `forbid`, as `unsafe_code` / `clippy::unwrap_used`: the macro never lowers them to
    /// `warn` (under `forbid` that would even be an error, E0453).
    pub strict_lints: BTreeSet<String>,
    /// Every path the load read or looked for, with what it found there: the cache's
    /// validity check.
    stamps: Vec<(PathBuf, Stamp)>,
    errors_reported: AtomicBool,
    tracker_emitted: AtomicBool,
}

/// A path's modification time and length; `None` when there is nothing at the path.
type Stamp = Option<(Option<SystemTime>, u64)>;

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().ok(), m.len()))
}

impl Loaded {
    /// True the first time it is called: config errors are reported once per crate, not
    /// once per marked item.
    pub fn take_errors_turn(&self) -> bool {
        !self.errors_reported.swap(true, Ordering::Relaxed)
    }

    /// True until [`Loaded::tracker_done`] is called.
    pub fn tracker_pending(&self) -> bool {
        !self.tracker_emitted.load(Ordering::Relaxed)
    }

    pub fn tracker_done(&self) {
        self.tracker_emitted.store(true, Ordering::Relaxed);
    }

    /// Whether every path the load looked at is as it was then.
    fn is_current(&self) -> bool {
        self.stamps.iter().all(|(path, s)| stamp(path) == *s)
    }

    /// Records what is at `path` now, for [`Loaded::is_current`].
    fn watch(&mut self, path: &Path) {
        if !self.stamps.iter().any(|(p, _)| p == path) {
            self.stamps.push((path.to_path_buf(), stamp(path)));
        }
    }
}

/// Loads by manifest directory (see the module docs).
type Cache = Mutex<Vec<(PathBuf, Arc<Loaded>)>>;

/// The config for the crate being compiled.
pub fn get() -> Arc<Loaded> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    cached(CACHE.get_or_init(Cache::default), dir)
}

/// The cached load for `dir` if its files are unchanged, else a new one (cached).
fn cached(cache: &Cache, dir: Option<PathBuf>) -> Arc<Loaded> {
    let key = dir.clone().unwrap_or_default();
    // A poisoned lock only means another expansion panicked; the data is still whole.
    let mut entries = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = entries.iter().position(|(k, _)| *k == key);
    if let Some(at) = at
        && entries[at].1.is_current()
    {
        return Arc::clone(&entries[at].1);
    }
    let loaded = Arc::new(dir.map(|d| load(&d)).unwrap_or_default());
    match at {
        Some(at) => entries[at].1 = Arc::clone(&loaded),
        None => entries.push((key, Arc::clone(&loaded))),
    }
    loaded
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn parse_toml(text: &str) -> Option<toml::Table> {
    text.parse::<toml::Table>().ok()
}

/// Loads the config for the package in `package_dir`.
pub fn load(package_dir: &Path) -> Loaded {
    let mut out = Loaded::default();
    let package_manifest = package_dir.join("Cargo.toml");
    out.watch(&package_manifest);
    let package_text = read(&package_manifest);
    let package_toml = package_text.as_deref().and_then(parse_toml);

    // The directories from the package up to its workspace root: the first `[workspace]`
    // manifest. A package in no workspace is its own root.
    let mut chain: Vec<&Path> = Vec::new();
    let mut root_manifest: Option<PathBuf> = None;
    let mut workspace_toml: Option<toml::Table> = None;
    for dir in package_dir.ancestors() {
        chain.push(dir);
        let table = if dir == package_dir {
            package_toml.clone()
        } else {
            out.watch(&dir.join("Cargo.toml"));
            read(&dir.join("Cargo.toml"))
                .as_deref()
                .and_then(parse_toml)
        };
        if let Some(t) = table.filter(|t| t.contains_key("workspace")) {
            workspace_toml = Some(t);
            root_manifest = Some(dir.join("Cargo.toml"));
            break;
        }
    }
    if root_manifest.is_none() {
        chain.truncate(1);
    }
    // The base: the first aiguard.toml on the way up, else the root's metadata.
    let base = chain
        .iter()
        .map(|d| d.join("aiguard.toml"))
        .find(|p| {
            out.watch(p);
            p.is_file()
        })
        .map(|p| (p, ConfigSection::Root))
        .or_else(|| {
            root_manifest
                .clone()
                .map(|m| (m, ConfigSection::WorkspaceMetadata))
        });
    let root_manifest_path = root_manifest;

    let mut config = Config::default();
    if let Some((path, section)) = base
        && let Some(c) = parse_file(&path, section, &mut out)
    {
        config = c;
    }
    if package_text.is_some()
        && let Some(c) = parse_file(&package_manifest, ConfigSection::PackageMetadata, &mut out)
    {
        config = config.merged_with(&c);
    }
    // Adding `[package.metadata.aiguard]` or `[workspace.metadata.aiguard]` rebuilds too.
    for manifest in [Some(package_manifest), root_manifest_path] {
        if let Some(m) = manifest.filter(|m| m.is_file())
            && !out.files.contains(&m)
        {
            out.files.push(m);
        }
    }
    out.config = config;
    out.strict_lints = strict_lints(package_toml.as_ref(), workspace_toml.as_ref());
    for root in ["src/lib.rs", "src/main.rs"] {
        out.watch(&package_dir.join(root));
        if let Some(text) = read(&package_dir.join(root)) {
            out.strict_lints.extend(crate_attr_lints(&text));
        }
    }
    out
}

/// Parses one config source; records the file for tracking when it holds aiguard config, and
/// its errors with line and column.
fn parse_file(path: &Path, section: ConfigSection, out: &mut Loaded) -> Option<Config> {
    let text = read(path)?;
    let (config, errors) = parse_config(&text, section);
    if (config.is_some() || !errors.is_empty()) && !out.files.iter().any(|f| f == path) {
        out.files.push(path.to_path_buf());
    }
    for e in errors {
        let (line, col) = line_col(&text, e.span.start);
        out.errors.push(ConfigMessage {
            message: format!("{}:{line}:{col}: {}", path.display(), e.message),
            help: e.help,
        });
    }
    config
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Lints set to `deny` or `forbid` in the package's `[lints]` (or, with
/// `lints.workspace = true`, the workspace's `[workspace.lints]`).
fn strict_lints(
    package: Option<&toml::Table>,
    workspace: Option<&toml::Table>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(lints) = package
        .and_then(|p| p.get("lints"))
        .and_then(toml::Value::as_table)
    else {
        return out;
    };
    let inherits = lints.get("workspace").and_then(toml::Value::as_bool) == Some(true);
    let lints = if inherits {
        match workspace
            .and_then(|w| w.get("workspace"))
            .and_then(|w| w.get("lints"))
            .and_then(toml::Value::as_table)
        {
            Some(l) => l,
            None => return out,
        }
    } else {
        lints
    };
    for (tool, table) in lints {
        let Some(table) = table.as_table() else {
            continue;
        };
        for (name, level) in table {
            let level = match level {
                toml::Value::String(s) => s.as_str(),
                toml::Value::Table(t) => t.get("level").and_then(toml::Value::as_str).unwrap_or(""),
                _ => "",
            };
            if matches!(level, "deny" | "forbid") {
                out.insert(if tool == "rust" {
                    name.clone()
                } else {
                    format!("{tool}::{name}")
                });
            }
        }
    }
    out
}

/// Lint names in the crate-level `#![deny(..)]` and `#![forbid(..)]` attributes of a crate
/// root's text (a plain text scan: enough for the attributes as people write them).
fn crate_attr_lints(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for opener in ["#![deny(", "#![forbid("] {
        let mut rest = text;
        while let Some(i) = rest.find(opener) {
            rest = &rest[i + opener.len()..];
            let Some(end) = rest.find(')') else {
                break;
            };
            out.extend(
                rest[..end]
                    .split(',')
                    .map(|n| n.split_whitespace().collect::<String>())
                    .filter(|n| !n.is_empty()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("aiguard-macros-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn write(path: &Path, text: &str) {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).expect("dir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn aiguard_toml_wins_over_workspace_metadata_and_package_is_layered() {
        let root = tmp("layers");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"a\"]\n[workspace.metadata.aiguard.rules]\nunwrap_used = \"allow\"\n[workspace.lints.clippy]\nunwrap_used = \"deny\"\n",
        );
        write(
            &root.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"deny\"\n",
        );
        write(
            &root.join("a/Cargo.toml"),
            "[package]\nname = \"a\"\n[lints]\nworkspace = true\n[package.metadata.aiguard.macro]\nrustc = { deny = [\"unsafe_code\"] }\n",
        );
        let loaded = load(&root.join("a"));
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let over = loaded
            .config
            .rules
            .get("unwrap_used")
            .copied()
            .unwrap_or_default();
        assert_eq!(over.ai, Some(aiguard_lints::Level::Deny));
        assert!(loaded.config.macro_rustc.is_some());
        assert_eq!(
            loaded.files,
            vec![
                root.join("aiguard.toml"),
                root.join("a/Cargo.toml"),
                root.join("Cargo.toml")
            ]
        );
        assert!(loaded.strict_lints.contains("clippy::unwrap_used"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn workspace_metadata_and_errors_with_positions() {
        let root = tmp("meta");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\n[workspace.metadata.aiguard.rules]\nunwrap_usd = \"deny\"\n",
        );
        write(&root.join("a/Cargo.toml"), "[package]\nname = \"a\"\n");
        let loaded = load(&root.join("a"));
        assert_eq!(
            loaded.files,
            vec![root.join("Cargo.toml"), root.join("a/Cargo.toml")]
        );
        assert_eq!(loaded.errors.len(), 1);
        assert!(
            loaded.errors[0]
                .message
                .ends_with("Cargo.toml:3:1: unknown rule `unwrap_usd`"),
            "{}",
            loaded.errors[0].message
        );
        assert!(loaded.take_errors_turn());
        assert!(!loaded.take_errors_turn());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn crate_level_lint_attributes() {
        let text = "//! Docs.\n#![forbid(unsafe_code)]\n#![deny(\n    clippy::unwrap_used,\n    clippy :: pedantic,\n)]\n#![warn(clippy::panic)]\n";
        assert_eq!(
            crate_attr_lints(text),
            ["clippy::unwrap_used", "clippy::pedantic", "unsafe_code"]
        );
    }

    #[test]
    fn the_cache_keeps_a_load_until_a_file_it_read_changes() {
        let root = tmp("cache");
        write(&root.join("Cargo.toml"), "[workspace]\n");
        write(&root.join("a/Cargo.toml"), "[package]\nname = \"a\"\n");
        let cache = Cache::default();
        let dir = || Some(root.join("a"));
        let first = cached(&cache, dir());
        assert!(first.config.rules.is_empty());
        // unchanged files: the same load, also after other crates' loads
        let other = cached(&cache, Some(root.clone()));
        assert!(!Arc::ptr_eq(&first, &other));
        assert!(Arc::ptr_eq(&first, &cached(&cache, dir())));
        // a config file that was not there: loaded again
        write(
            &root.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"deny\"\n",
        );
        let second = cached(&cache, dir());
        assert!(!Arc::ptr_eq(&first, &second));
        let level = |l: &Loaded| l.config.rules.get("unwrap_used").and_then(|o| o.ai);
        assert_eq!(level(&second), Some(aiguard_lints::Level::Deny));
        assert!(Arc::ptr_eq(&second, &cached(&cache, dir())));
        // a changed one: loaded again
        write(
            &root.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"allow\"\n",
        );
        let third = cached(&cache, dir());
        assert!(!Arc::ptr_eq(&second, &third));
        assert_eq!(level(&third), Some(aiguard_lints::Level::Allow));
        // the crate root's lint attributes count too
        write(&root.join("a/src/lib.rs"), "#![forbid(unsafe_code)]\n");
        let fourth = cached(&cache, dir());
        assert!(fourth.strict_lints.contains("unsafe_code"));
        assert!(Arc::ptr_eq(&fourth, &cached(&cache, dir())));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_search_stops_at_the_workspace_root() {
        let root = tmp("stop");
        write(
            &root.join("aiguard.toml"),
            "[rules]\nunwrap_used = \"deny\"\n",
        );
        write(&root.join("ws/Cargo.toml"), "[workspace]\n");
        write(&root.join("ws/a/Cargo.toml"), "[package]\nname = \"a\"\n");
        let loaded = load(&root.join("ws/a"));
        assert_eq!(
            loaded.files,
            vec![root.join("ws/a/Cargo.toml"), root.join("ws/Cargo.toml")]
        );
        assert!(loaded.config.rules.is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }
}
