//! Which files to check. With a cargo workspace: `cargo metadata --no-deps` gives the members
//! and their targets, and from each target's root file the scan follows `mod` declarations
//! as rustc does (`foo.rs`, `foo/mod.rs`, nested directories, `#[path]`, modules inside inline
//! modules, every cfg branch). With PATHS: the given files and directories, walked directly.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, TargetKind};

use crate::cli::CheckArgs;
use crate::report::{Diag, DiagKind};

/// A workspace member being checked.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    /// The directory holding its `Cargo.toml`.
    pub root: PathBuf,
    pub manifest: PathBuf,
    /// Cargo's package id (empty in PATHS mode).
    pub id: String,
    /// The package's cargo targets (empty in PATHS mode).
    pub targets: Vec<cargo_metadata::Target>,
}

/// A file the scan starts from: a target's root file or a file named on the command line.
#[derive(Clone, Debug)]
pub struct Root {
    pub path: PathBuf,
    /// Index into `Workspace::packages` (PATHS mode: 0, a pseudo-package at the root).
    pub pkg: usize,
    /// Test or bench target.
    pub is_test: bool,
    /// Follow `mod` declarations (cargo mode) or not (PATHS mode).
    pub follow_mods: bool,
}

/// What to check.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The workspace root (PATHS mode: the current directory or `--manifest-path`'s).
    pub root: PathBuf,
    /// Where displayed paths are relative to.
    pub display_base: PathBuf,
    pub packages: Vec<Package>,
    pub roots: Vec<Root>,
    /// PATHS mode: config is read from the root only.
    pub paths_mode: bool,
}

impl Workspace {
    /// `path` as the user sees it: relative to the display base, with `/` separators.
    pub fn display(&self, path: &Path) -> String {
        display_relative(&self.display_base, path)
    }
}

/// `path` relative to `base` when below it, with `/` separators.
pub fn display_relative(base: &Path, path: &Path) -> String {
    let path = normalize(path);
    let rel = path.strip_prefix(base).unwrap_or(&path);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// `path` with `.` and `a/..` removed lexically (`src/a/../b.rs` → `src/b.rs`), for display.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The workspace from `cargo metadata`. A failure is one diagnostic.
pub fn from_cargo(args: &CheckArgs, cwd: &Path) -> Result<Workspace, Box<Diag>> {
    let mut cmd = MetadataCommand::new();
    cmd.no_deps();
    // `--no-deps` needs no network; say so, so cargo never tries.
    cmd.other_options(vec!["--offline".to_string()]);
    if let Some(m) = &args.manifest_path {
        cmd.manifest_path(m);
    }
    cmd.current_dir(cwd);
    let meta = cmd.exec().map_err(|e| Box::new(metadata_error(&e)))?;
    select(&meta, args, cwd)
}

fn metadata_error(e: &cargo_metadata::Error) -> Diag {
    match e {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            let detail = stderr
                .lines()
                .map(|l| l.trim_start_matches("error: ").trim())
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            Diag::error(DiagKind::Workspace, "`cargo metadata` failed")
                .note(detail)
                .help("run `cargo metadata --no-deps` to see the problem, or pass files or directories to check without cargo")
        }
        other => Diag::error(
            DiagKind::Workspace,
            format!("could not run `cargo metadata`: {other}"),
        )
        .help("pass files or directories to check without cargo"),
    }
}

/// The manifest cargo would use from `cwd`: `--manifest-path`, else the nearest `Cargo.toml`.
fn current_manifest(args: &CheckArgs, cwd: &Path) -> Option<PathBuf> {
    if let Some(m) = &args.manifest_path {
        let m = if m.is_absolute() {
            m.clone()
        } else {
            cwd.join(m)
        };
        return std::fs::canonicalize(&m).ok();
    }
    cwd.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
        .and_then(|m| std::fs::canonicalize(m).ok())
}

fn select(meta: &Metadata, args: &CheckArgs, cwd: &Path) -> Result<Workspace, Box<Diag>> {
    let members: Vec<&cargo_metadata::Package> = meta.workspace_packages();
    let root = meta.workspace_root.clone().into_std_path_buf();
    let chosen: Vec<&cargo_metadata::Package> = if !args.packages.is_empty() {
        let mut out = Vec::new();
        for spec in &args.packages {
            // `name`, `name@version` or `name:version`
            let name = spec.split(['@', ':']).next().unwrap_or(spec);
            let Some(p) = members.iter().find(|p| p.name.as_str() == name) else {
                let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
                let closest = names
                    .iter()
                    .map(|n| (strsim::jaro_winkler(name, n), *n))
                    .filter(|(s, _)| *s > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let d = Diag::error(
                    DiagKind::Workspace,
                    format!("package `{spec}` is not a member of the workspace"),
                );
                return Err(Box::new(match closest {
                    Some((_, n)) => d.help(format!("a member with a similar name exists: `{n}`")),
                    None => d.help(format!("the members are: {}", names.join(", "))),
                }));
            };
            out.push(*p);
        }
        out
    } else if args.workspace {
        members.clone()
    } else {
        let current = current_manifest(args, cwd);
        let root_manifest = std::fs::canonicalize(root.join("Cargo.toml")).ok();
        let member = members
            .iter()
            .find(|p| std::fs::canonicalize(p.manifest_path.as_std_path()).ok() == current);
        match member {
            Some(p) if current != root_manifest => vec![*p],
            _ if meta.workspace_default_members.is_available() => members
                .iter()
                .filter(|p| meta.workspace_default_members.contains(&p.id))
                .copied()
                .collect(),
            _ => members.clone(),
        }
    };
    let excluded: BTreeSet<&str> = args.exclude.iter().map(String::as_str).collect();
    let mut packages = Vec::new();
    let mut roots = Vec::new();
    for p in chosen {
        if excluded.contains(p.name.as_str())
            || packages.iter().any(|q: &Package| q.name == p.name.as_str())
        {
            continue;
        }
        let manifest = p.manifest_path.clone().into_std_path_buf();
        let pkg_root = manifest
            .parent()
            .map_or_else(|| root.clone(), Path::to_path_buf);
        let idx = packages.len();
        packages.push(Package {
            name: p.name.to_string(),
            root: pkg_root,
            manifest,
            id: p.id.repr.clone(),
            targets: p.targets.clone(),
        });
        for t in &p.targets {
            let path = t.src_path.clone().into_std_path_buf();
            let is_test = t
                .kind
                .iter()
                .any(|k| matches!(k, TargetKind::Test | TargetKind::Bench))
                || aiguard_lints::scope::is_test_path(
                    path.strip_prefix(&packages[idx].root)
                        .unwrap_or(Path::new("")),
                );
            roots.push(Root {
                path,
                pkg: idx,
                is_test,
                follow_mods: true,
            });
        }
    }
    Ok(Workspace {
        display_base: root.clone(),
        root,
        packages,
        roots,
        paths_mode: false,
    })
}

/// PATHS mode: the given files, and the `.rs` files under the given directories (skipping
/// `target/` and hidden directories). Walk errors (a symlink loop, a dangling link, an
/// unreadable directory) become diagnostics.
pub fn from_paths(
    paths: &[PathBuf],
    args: &CheckArgs,
    cwd: &Path,
    diags: &mut Vec<Diag>,
) -> Workspace {
    let root = match &args.manifest_path {
        Some(m) => {
            let m = cwd.join(m);
            m.parent()
                .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
        }
        None => cwd.to_path_buf(),
    };
    let mut roots = Vec::new();
    for arg in paths {
        let full = cwd.join(arg);
        let shown = display_relative(cwd, &full);
        match std::fs::metadata(&full) {
            Ok(m) if m.is_dir() => walk_dir(&full, cwd, &mut roots, diags),
            Ok(_) => roots.push(Root {
                is_test: test_path(&full, cwd, &full),
                path: full,
                pkg: 0,
                follow_mods: false,
            }),
            Err(e) => diags.push(
                Diag::error(
                    DiagKind::Workspace,
                    format!("could not read `{shown}`: {}", io_message(&e)),
                )
                .in_file(shown),
            ),
        }
    }
    Workspace {
        display_base: cwd.to_path_buf(),
        root: root.clone(),
        packages: vec![Package {
            name: String::new(),
            manifest: root.join("Cargo.toml"),
            root,
            id: String::new(),
            targets: Vec::new(),
        }],
        roots,
        paths_mode: true,
    }
}

fn walk_dir(dir: &Path, cwd: &Path, roots: &mut Vec<Root>, diags: &mut Vec<Diag>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with('.') || n == "target")
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs") {
                    roots.push(Root {
                        is_test: test_path(e.path(), cwd, dir),
                        path: e.into_path(),
                        pkg: 0,
                        follow_mods: false,
                    });
                }
            }
            Err(e) => diags.push(walk_error(&e, cwd)),
        }
    }
}

/// Whether a PATHS-mode file is test code: `tests/` or `benches/` in its path relative to the
/// current directory, or else relative to the parent of the argument it was found under.
fn test_path(path: &Path, cwd: &Path, arg: &Path) -> bool {
    let rel = path
        .strip_prefix(cwd)
        .or_else(|_| path.strip_prefix(arg.parent().unwrap_or(arg)))
        .unwrap_or(path);
    aiguard_lints::scope::is_test_path(rel)
}

fn walk_error(e: &walkdir::Error, cwd: &Path) -> Diag {
    let shown = e.path().map(|p| display_relative(cwd, p));
    let mut d = if let Some(ancestor) = e.loop_ancestor() {
        Diag::error(DiagKind::Input, "symbolic link loop")
            .note(format!(
                "the link leads back to `{}`",
                display_relative(cwd, ancestor)
            ))
            .help("remove the link: the directory it leads back to is checked already")
    } else if let Some(io) = e.io_error() {
        let what = shown.as_deref().unwrap_or("a directory");
        if io.kind() == std::io::ErrorKind::NotFound {
            let d = Diag::error(
                DiagKind::Input,
                format!("`{what}` is a dangling symbolic link"),
            );
            match e.path().and_then(|p| std::fs::read_link(p).ok()) {
                Some(target) => d.note(format!(
                    "it points to `{}`, which does not exist",
                    target.display()
                )),
                None => d,
            }
            .help("remove the link or restore what it points to")
        } else {
            Diag::error(
                DiagKind::Input,
                format!("could not read `{what}`: {}", io_message(io)),
            )
        }
    } else {
        Diag::error(DiagKind::Input, format!("could not walk a directory: {e}"))
    };
    if let Some(s) = shown {
        d = d.in_file(s);
    }
    d
}

/// An I/O error's text, rustc style (lower-case first letter, no `(os error N)`).
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = s.split(" (os error").next().unwrap_or(&s).to_string();
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// A `mod name;` declaration found in a parsed file.
#[derive(Clone, Debug)]
pub struct ModDecl {
    /// The module's name (raw identifiers unescaped).
    pub name: String,
    /// `#[path = ".."]`, if given.
    pub path_attr: Option<String>,
    /// Enclosing inline modules, outermost first: (module name, directory component: the
    /// `#[path]` of the inline module or its name).
    pub inline: Vec<(String, String)>,
    /// `#[cfg(test)]` on the declaration or an enclosing inline module.
    pub is_test: bool,
    /// The declaration's span (the whole `mod name;` item's name).
    pub span: proc_macro2::Span,
}

/// Every file-module declaration of `file`, including those inside inline modules. Items in
/// function bodies are not followed (rustc rejects file modules there without `#[path]`).
pub fn mod_decls(file: &syn::File) -> Vec<ModDecl> {
    let mut out = Vec::new();
    collect(&file.items, &mut Vec::new(), false, &mut out);
    out
}

fn collect(
    items: &[syn::Item],
    inline: &mut Vec<(String, String)>,
    test: bool,
    out: &mut Vec<ModDecl>,
) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let name = unraw(&m.ident);
        let is_test = test || aiguard_lints::scope::is_test_item(&m.attrs);
        let path_attr = path_attr(&m.attrs);
        match &m.content {
            None => out.push(ModDecl {
                name,
                path_attr,
                inline: inline.clone(),
                is_test,
                span: m.ident.span(),
            }),
            Some((_, items)) => {
                let dir = path_attr.unwrap_or_else(|| name.clone());
                inline.push((name, dir));
                collect(items, inline, is_test, out);
                inline.pop();
            }
        }
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#")
        .map_or_else(|| s.clone(), str::to_string)
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("path") {
            return None;
        }
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Where a file's own `mod x;` declarations resolve: rustc's directory ownership.
#[derive(Clone, Debug)]
pub struct ModDir {
    /// The directory of the file (for `#[path]` files and `mod.rs`-style files, children
    /// live here).
    pub dir: PathBuf,
    /// For a non-`mod.rs` file `foo.rs`: `foo`, the directory its children live in.
    pub relative: Option<String>,
}

impl ModDir {
    /// A crate root, a `mod.rs` file or a `#[path]` file: children are siblings.
    pub fn owned(file: &Path) -> ModDir {
        ModDir {
            dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            relative: None,
        }
    }
}

/// The outcome of resolving one declaration.
#[derive(Debug)]
pub enum Resolved {
    File {
        path: PathBuf,
        dir: ModDir,
    },
    /// No candidate exists (`mod foo;`: `foo.rs` and `foo/mod.rs`; `#[path]`: that file).
    Missing(Vec<PathBuf>),
    /// Both `foo.rs` and `foo/mod.rs` exist.
    Ambiguous(PathBuf, PathBuf),
}

/// Resolves `decl`, declared in a file whose module directory is `owner`, as rustc does.
pub fn resolve(owner: &ModDir, decl: &ModDecl) -> Resolved {
    let mut dir = owner.dir.clone();
    let mut relative = owner.relative.clone();
    for (_, component) in &decl.inline {
        if let Some(r) = relative.take() {
            dir.push(r);
        }
        dir.push(component);
    }
    if let Some(p) = &decl.path_attr {
        let path = dir.join(p);
        return if present(&path) {
            let dir = ModDir::owned(&path);
            Resolved::File { path, dir }
        } else {
            Resolved::Missing(vec![path])
        };
    }
    if let Some(r) = relative {
        dir.push(r);
    }
    let flat = dir.join(format!("{}.rs", decl.name));
    let nested = dir.join(&decl.name).join("mod.rs");
    match (present(&flat), present(&nested)) {
        (true, false) => Resolved::File {
            path: flat,
            dir: ModDir {
                dir,
                relative: Some(decl.name.clone()),
            },
        },
        (false, true) => {
            let d = ModDir::owned(&nested);
            Resolved::File {
                path: nested,
                dir: d,
            }
        }
        (true, true) => Resolved::Ambiguous(flat, nested),
        (false, false) => Resolved::Missing(vec![flat, nested]),
    }
}

/// Whether something is at `path` (a dangling or looping link counts: reading it then gives
/// the precise error).
fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls(src: &str) -> Vec<ModDecl> {
        mod_decls(&syn::parse_file(src).expect("parses"))
    }

    #[test]
    fn collects_nested() {
        let d = decls(
            "mod a; #[path = \"x/y.rs\"] mod b; mod c { mod d; #[cfg(test)] mod e; } #[path = \"q\"] mod f { mod g; } mod r#type;",
        );
        let names: Vec<_> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "d", "e", "g", "type"]);
        assert_eq!(d[1].path_attr.as_deref(), Some("x/y.rs"));
        assert_eq!(d[2].inline, [("c".to_string(), "c".to_string())]);
        assert!(d[3].is_test);
        assert!(!d[2].is_test);
        assert_eq!(d[4].inline, [("f".to_string(), "q".to_string())]);
    }
}
