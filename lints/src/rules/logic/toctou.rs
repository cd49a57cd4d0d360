use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::{body, guards, locals, paths};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a filesystem check (`path.exists()`, `is_file()`, `is_dir()`, `try_exists()`,
    /// `is_symlink()`, `fs::metadata(path)`, `path.metadata()`) followed, later in the same
    /// function, by an operation on the same path: `File::open`/`File::create`,
    /// `fs::read*`/`fs::write`, `fs::remove_*`, `fs::rename`, `fs::copy`, `fs::create_dir`,
    /// `fs::read_dir`, `fs::set_permissions`, `OpenOptions::open` (std and tokio alike).
    /// "The same path" is the same expression text, seen through `&`, `.as_path()`,
    /// `.as_ref()`, `Path::new(..)` and `PathBuf::from(..)`.
    ///
    /// Not flagged: `fs::create_dir_all` (it succeeds when the directory exists, so the
    /// race is harmless) and `File::create_new`/`OpenOptions::create_new(true)` (the fix).
    ///
    /// ### Why is this bad?
    /// Between the check and the use, another process can create, delete or swap the
    /// file, or replace it with a symlink to somewhere else (CWE-367). The check gives a
    /// false sense of safety: `if !path.exists() { File::create(path) }` still overwrites a
    /// file created in between, possibly through a planted symlink, and
    /// `if path.exists() { fs::remove_file(path)? }` still fails when it vanished.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn save(path: &Path, data: &[u8]) -> io::Result<()> {
    ///     if path.exists() {
    ///         return Err(io::Error::new(io::ErrorKind::AlreadyExists, "exists"));
    ///     }
    ///     let mut f = File::create(path)?;
    ///     f.write_all(data)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn save(path: &Path, data: &[u8]) -> io::Result<()> {
    ///     let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    ///     f.write_all(data)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-367: Time-of-check Time-of-use (TOCTOU) Race Condition
    /// - semgrep: `rust.lang.security.temp-dir` (related)
    pub struct Toctou;
    name = "toctou",
    family = Logic,
    ai = Warn,
    human = Allow,
    cwe = 367,
    summary = "filesystem check followed by an operation on the same path",
}

/// Every finding is a check (`check_of`: a method `.exists()`, `.is_file()`, `.is_dir()`,
/// `.try_exists()`, `.is_symlink()`, `.metadata()`, `.symlink_metadata()`, or a path ending
/// in one of those) followed by a use (`uses_of`: a `.open(..)` method, or a path with a
/// `File` or `fs` segment). Resolved segments are in the function or the file's `use`s.
const CHECK_NEEDLES: &[&str] = &["exists", "is_file", "is_dir", "is_symlink", "metadata"];
const USE_NEEDLES: &[&str] = &["open", "File", "fs"];

impl Rule for Toctou {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test()
            || !cx.enabled(&Self::META)
            || !cx.fn_mentions_path(f, CHECK_NEEDLES)
            || !cx.fn_mentions_path(f, USE_NEEDLES)
        {
            return;
        }
        // The first check of each path not used yet: path key → (check span, check name).
        let mut checks: HashMap<String, (Span, String)> = HashMap::new();
        let mut hits: Vec<(Span, String, String, Span, String)> = Vec::new();
        locals::for_each_expr(f.block, &mut |e| {
            if let Some((path, span, what)) = check_of(cx, e) {
                checks.entry(path_key(path)).or_insert((span, what));
                return;
            }
            for (path, op) in uses_of(cx, e) {
                let key = path_key(path);
                if let Some((span, what)) = checks.remove(&key) {
                    hits.push((span, what, key, e.span(), op));
                }
            }
        });
        for (span, what, key, use_span, op) in hits {
            cx.report(
                &Self::META,
                span,
                format!("`{what}` checks `{key}`, which `{op}` uses later: the file can change in between"),
            )
            .label(use_span, "the path is used here")
            .help("drop the check: do the operation and handle its error (`ErrorKind::NotFound`/`AlreadyExists`); to create a file only if it is new, use `OpenOptions::new().create_new(true)`");
        }
    }
}

/// A check: (the path expression, the span to report, what was called).
fn check_of<'e>(cx: &Cx<'_>, e: &'e syn::Expr) -> Option<(&'e syn::Expr, Span, String)> {
    match e {
        syn::Expr::MethodCall(m) if m.args.is_empty() => {
            let name = m.method.to_string();
            matches!(
                name.as_str(),
                "exists"
                    | "is_file"
                    | "is_dir"
                    | "try_exists"
                    | "is_symlink"
                    | "metadata"
                    | "symlink_metadata"
            )
            .then(|| (&*m.receiver, m.method.span(), format!(".{name}()")))
        }
        syn::Expr::Call(_) => {
            let (segs, args) = paths::call(e, &cx.uses)?;
            let last = segs.last()?.as_str();
            let is_check = paths::ends_with(&segs, &["fs", last])
                && matches!(last, "metadata" | "symlink_metadata" | "try_exists");
            let is_ufcs = segs.len() >= 2
                && segs[segs.len() - 2] == "Path"
                && matches!(last, "exists" | "is_file" | "is_dir");
            if !(is_check || is_ufcs) {
                return None;
            }
            Some((
                args.first()?,
                e.span(),
                segs[segs.len().saturating_sub(2)..].join("::"),
            ))
        }
        _ => None,
    }
}

/// Operations that open, create, remove or rename a path: (path, operation name).
fn uses_of<'e>(cx: &Cx<'_>, e: &'e syn::Expr) -> Vec<(&'e syn::Expr, String)> {
    match e {
        syn::Expr::Call(_) => {
            let Some((segs, args)) = paths::call(e, &cx.uses) else {
                return Vec::new();
            };
            let Some(last) = segs.last().map(String::as_str) else {
                return Vec::new();
            };
            let shown = segs[segs.len().saturating_sub(2)..].join("::");
            let file_op =
                paths::ends_with(&segs, &["File", last]) && matches!(last, "open" | "create");
            let fs_op = paths::ends_with(&segs, &["fs", last])
                && matches!(
                    last,
                    "read"
                        | "read_to_string"
                        | "read_to_end"
                        | "write"
                        | "remove_file"
                        | "remove_dir"
                        | "remove_dir_all"
                        | "create_dir"
                        | "read_dir"
                        | "set_permissions"
                        | "copy"
                        | "rename"
                        | "hard_link"
                        | "read_link"
                        | "symlink"
                );
            if !(file_op || fs_op) {
                return Vec::new();
            }
            let two = matches!(last, "copy" | "rename" | "hard_link" | "symlink");
            args.iter()
                .take(if two { 2 } else { 1 })
                .map(|a| (a, shown.clone()))
                .collect()
        }
        syn::Expr::MethodCall(m) if m.method == "open" && m.args.len() == 1 => {
            let names = body::chain_names(&m.receiver);
            let options = names.iter().any(|n| {
                matches!(
                    n.as_str(),
                    "OpenOptions" | "write" | "create" | "append" | "truncate" | "read"
                )
            });
            let fix = names.iter().any(|n| n == "create_new");
            if options && !fix {
                m.args
                    .first()
                    .map(|a| vec![(a, "OpenOptions::open".to_string())])
                    .unwrap_or_default()
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// The text of a path expression, through `&`, `.as_path()`, `.as_ref()`, `.clone()`,
/// `Path::new(..)` and `PathBuf::from(..)`.
fn path_key(e: &syn::Expr) -> String {
    let mut e = paths::peel(e);
    for _ in 0..16 {
        e = match e {
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "as_path" | "as_ref" | "clone" | "to_path_buf" | "as_os_str" | "borrow"
                    ) =>
            {
                paths::peel(&m.receiver)
            }
            syn::Expr::Call(c) if c.args.len() == 1 => {
                let wrapper = matches!(paths::peel(&c.func), syn::Expr::Path(p)
                    if { let s = paths::segments(&p.path); paths::ends_with(&s, &["Path", "new"]) || paths::ends_with(&s, &["PathBuf", "from"]) });
                match c.args.first() {
                    Some(a) if wrapper => paths::peel(a),
                    _ => break,
                }
            }
            _ => break,
        };
    }
    guards::text(e)
}
