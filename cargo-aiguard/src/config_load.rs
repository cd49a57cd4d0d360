//! Loading the config: `aiguard.toml` at the workspace root, else
//! `[workspace.metadata.aiguard]` in the root `Cargo.toml`; `[package.metadata.aiguard]`
//! layered over it per package. Every error becomes a diagnostic pointing into the TOML;
//! what is valid is still used.

use std::path::Path;

use aiguard_lints::Config;
use aiguard_lints::config::{ConfigError, ConfigSection, parse_config};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::report::{Diag, DiagKind, Loc};
use crate::workspace::io_message;

/// A config with the files it came from.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// Display paths of the files that contributed (for `-v`).
    pub sources: Vec<String>,
}

/// The workspace-level config from `root`. `display` turns a path into what the user sees.
pub fn load_root(root: &Path, display: &dyn Fn(&Path) -> String, diags: &mut Vec<Diag>) -> Loaded {
    let file = root.join("aiguard.toml");
    if file.is_file() {
        return load_file(&file, ConfigSection::Root, display, diags).unwrap_or_default();
    }
    let manifest = root.join("Cargo.toml");
    if manifest.is_file() {
        return load_file(&manifest, ConfigSection::WorkspaceMetadata, display, diags)
            .unwrap_or_default();
    }
    Loaded::default()
}

/// `base` with a package's `[package.metadata.aiguard]` layered over it.
pub fn load_package(
    base: &Loaded,
    manifest: &Path,
    display: &dyn Fn(&Path) -> String,
    diags: &mut Vec<Diag>,
) -> Loaded {
    match load_file(manifest, ConfigSection::PackageMetadata, display, diags) {
        Some(pkg) => {
            let mut sources = base.sources.clone();
            sources.extend(pkg.sources);
            Loaded {
                config: base.config.merged_with(&pkg.config),
                sources,
            }
        }
        None => base.clone(),
    }
}

/// Reads and validates one file; `None` when it holds no aiguard section (or can't be read).
fn load_file(
    path: &Path,
    section: ConfigSection,
    display: &dyn Fn(&Path) -> String,
    diags: &mut Vec<Diag>,
) -> Option<Loaded> {
    let shown = display(path);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diags.push(
                Diag::error(
                    DiagKind::Config,
                    format!("could not read `{shown}`: {}", io_message(&e)),
                )
                .in_file(shown),
            );
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        diags.push(
            Diag::error(DiagKind::Config, format!("`{shown}` is not valid UTF-8"))
                .in_file(shown)
                .help("save the file as UTF-8"),
        );
        return None;
    };
    let (config, errors) = parse_config(&text, section);
    for e in errors {
        diags.push(config_diag(&shown, &text, &e));
    }
    config.map(|config| Loaded {
        config,
        sources: vec![shown],
    })
}

/// A config error as a diagnostic pointing at the TOML bytes.
pub fn config_diag(file: &str, text: &str, e: &ConfigError) -> Diag {
    let loc = Loc::of_range(text, e.span.clone());
    let mut d = Diag::error(DiagKind::Config, e.message.clone()).at(file, text, loc);
    if let Some(help) = &e.help {
        d = d.help(help.clone());
    }
    d
}

/// The `[ai] paths` globs as one matcher (`*` does not cross `/`). Globs were validated when
/// the config was parsed; any that still fails to build is skipped.
pub fn ai_globs(config: &Config) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in &config.ai_paths {
        if let Ok(glob) = GlobBuilder::new(g).literal_separator(true).build() {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}
