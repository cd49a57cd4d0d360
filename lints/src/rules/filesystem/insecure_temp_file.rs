use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::{Locals, for_each_expr};
use crate::analysis::paths::{UseMap, ends_with, lit_bool, lit_str, peel};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a file, directory or socket created or written at a fixed path in a shared
    /// temporary directory: a literal under `/tmp/`, `/var/tmp/` or `/dev/shm/` (also through
    /// `Path::new`, `PathBuf::from` and a local bound earlier), or `temp_dir().join("fixed")`,
    /// passed to `File::create`, `fs::write`, `fs::create_dir*`, `fs::copy`/`fs::rename`
    /// (destination), `OpenOptions::open` with `write`/`append`/`create`, `DirBuilder::create`
    /// or `UnixListener::bind` (std and tokio).
    ///
    /// Not flagged: reading a fixed path, `OpenOptions` with `create_new(true)` (it refuses an
    /// existing file or symlink), names built at run time, the `tempfile` crate, test code.
    ///
    /// ### Why is this bad?
    /// Every user can create files in `/tmp`. A fixed name can be created first by another
    /// local user: as a symlink to a file of the victim's (which the program then overwrites
    /// or chmods), as a file with the attacker's content, or just to make the program fail
    /// (CWE-377). Assistants write `/tmp/output.json` because it is short.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn save(report: &str) -> std::io::Result<()> {
    ///     std::fs::write("/tmp/report.json", report)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn save(report: &str) -> std::io::Result<tempfile::TempPath> {
    ///     let mut file = tempfile::NamedTempFile::new()?;
    ///     std::io::Write::write_all(&mut file, report.as_bytes())?;
    ///     Ok(file.into_temp_path())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-377: Insecure Temporary File
    /// - semgrep: `rust.lang.security.temp-dir.temp-dir`
    pub struct InsecureTempFile;
    name = "insecure_temp_file",
    family = Filesystem,
    ai = Warn,
    human = Allow,
    cwe = 377,
    summary = "fixed file name in a shared temporary directory",
}

const SHARED_DIRS: &[&str] = &["/tmp/", "/var/tmp/", "/dev/shm/"];

/// Path calls that create or write the path at argument `index`.
const PATH_SINKS: &[(&[&str], usize)] = &[
    (&["File", "create"], 0),
    (&["File", "create_new"], 0),
    (&["fs", "write"], 0),
    (&["fs", "create_dir"], 0),
    (&["fs", "create_dir_all"], 0),
    (&["fs", "copy"], 1),
    (&["fs", "rename"], 1),
    (&["fs", "hard_link"], 1),
    (&["fs", "symlink"], 1),
    (&["UnixListener", "bind"], 0),
    (&["UnixDatagram", "bind"], 0),
];

/// Every finding needs, in the function, a string literal naming a `SHARED_DIRS` directory
/// (its text holds `tmp` or `shm`, unless written with escapes), or a call whose resolved
/// path ends in `temp_dir` (in the function or the file's `use`s).
const NEEDLES: &[&str] = &["tmp", "shm", "\\", "temp_dir"];

/// A fixed path in a shared temporary directory: where its text is, and the path.
fn fixed_tmp(
    expr: &syn::Expr,
    locals: &Locals<'_>,
    uses: &UseMap,
    depth: usize,
) -> Option<(String, Span)> {
    if depth > 6 {
        return None;
    }
    let e = locals.resolve(expr);
    if let Some(s) = lit_str(e) {
        let v = s.value();
        return SHARED_DIRS
            .iter()
            .any(|d| v.starts_with(d) && v.len() > d.len())
            .then(|| (v, s.span()));
    }
    match e {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return None;
            };
            let segs = uses.resolve(&p.path);
            let wraps = ends_with(&segs, &["Path", "new"])
                || ends_with(&segs, &["PathBuf", "from"])
                || ends_with(&segs, &["String", "from"])
                || ends_with(&segs, &["OsStr", "new"]);
            if wraps {
                return c
                    .args
                    .first()
                    .and_then(|a| fixed_tmp(a, locals, uses, depth + 1));
            }
            None
        }
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "join" => {
                    let arg = m.args.first()?;
                    let name = lit_str(locals.resolve(arg))?;
                    if let Some((base, _)) = fixed_tmp(&m.receiver, locals, uses, depth + 1) {
                        return Some((
                            format!("{}/{}", base.trim_end_matches('/'), name.value()),
                            name.span(),
                        ));
                    }
                    if is_shared_dir(&m.receiver, locals, uses, depth + 1) {
                        return Some((format!("$TMPDIR/{}", name.value()), name.span()));
                    }
                    None
                }
                "to_string" | "to_owned" | "into" | "as_ref" | "to_path_buf" | "as_path" => {
                    fixed_tmp(&m.receiver, locals, uses, depth + 1)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `env::temp_dir()`, `Path::new("/tmp")`, `"/var/tmp"`: the shared directory itself.
fn is_shared_dir(expr: &syn::Expr, locals: &Locals<'_>, uses: &UseMap, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    let e = locals.resolve(expr);
    if let Some(s) = lit_str(e) {
        let v = s.value();
        return SHARED_DIRS
            .iter()
            .any(|d| v == *d || v == d.trim_end_matches('/'));
    }
    match e {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return false;
            };
            let segs = uses.resolve(&p.path);
            if segs.last().is_some_and(|s| s == "temp_dir") && c.args.is_empty() {
                return true;
            }
            (ends_with(&segs, &["Path", "new"]) || ends_with(&segs, &["PathBuf", "from"]))
                && c.args
                    .first()
                    .is_some_and(|a| is_shared_dir(a, locals, uses, depth + 1))
        }
        _ => false,
    }
}

/// For `OpenOptions::new()...open(p)`: whether the chain writes, and whether it uses
/// `create_new(true)`.
fn open_options_mode(m: &syn::ExprMethodCall) -> (bool, bool) {
    let mut writes = false;
    let mut create_new = false;
    let mut recv = &*m.receiver;
    for _ in 0..32 {
        let syn::Expr::MethodCall(inner) = peel(recv) else {
            break;
        };
        let on = inner
            .args
            .first()
            .is_some_and(|a| lit_bool(a) == Some(true));
        match inner.method.to_string().as_str() {
            "write" | "append" | "create" | "truncate" if on => writes = true,
            "create_new" if on => create_new = true,
            _ => {}
        }
        recv = &inner.receiver;
    }
    (writes, create_new)
}

impl Rule for InsecureTempFile {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        if !cx.fn_mentions_path(f, NEEDLES) {
            return;
        }
        let locals = Locals::of(f.block);
        let uses = &cx.uses;
        let mut found: Vec<(Span, String, String, Span)> = Vec::new();
        for_each_expr(f.block, &mut |e| {
            let (at, call, arg) = match e {
                syn::Expr::Call(c) => {
                    let syn::Expr::Path(p) = peel(&c.func) else {
                        return;
                    };
                    let segs = uses.resolve(&p.path);
                    let Some((suffix, index)) =
                        PATH_SINKS.iter().find(|(s, _)| ends_with(&segs, s))
                    else {
                        return;
                    };
                    let Some(arg) = c.args.iter().nth(*index) else {
                        return;
                    };
                    (p.span(), suffix.join("::"), arg)
                }
                syn::Expr::MethodCall(m) if m.args.len() == 1 => {
                    let method = m.method.to_string();
                    let sink = match method.as_str() {
                        "open" => {
                            let (writes, create_new) = open_options_mode(m);
                            writes && !create_new
                        }
                        "create" => matches!(
                            peel(&m.receiver),
                            syn::Expr::MethodCall(_) | syn::Expr::Call(_) | syn::Expr::Path(_)
                        ),
                        _ => false,
                    };
                    let Some(arg) = m.args.first() else {
                        return;
                    };
                    if !sink {
                        return;
                    }
                    (m.method.span(), method, arg)
                }
                _ => return,
            };
            if let Some((path, lit_span)) = fixed_tmp(arg, &locals, uses, 0) {
                found.push((at, call, path, lit_span));
            }
        });
        for (at, call, path, lit_span) in found {
            cx.report(
                &Self::META,
                at,
                format!("`{call}` uses the fixed path `{path}` in a directory every user can write to"),
            )
            .label(lit_span, "the fixed name comes from here")
            .help("use the `tempfile` crate (`NamedTempFile::new()`, `tempfile::tempdir()`), which picks an unpredictable name and refuses existing files");
        }
    }
}
