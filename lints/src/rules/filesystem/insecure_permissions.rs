use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::{Locals, for_each_expr, local_name};
use crate::analysis::paths::{lit_bool, peel};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags file and directory modes that let every user write: a mode literal whose
    /// "other" write bit is set (`0o..2`, `0o..3`, `0o..6`, `0o..7`, so `0o777`, `0o666`,
    /// `0o776`) given to `Permissions::from_mode`, `set_mode`, `OpenOptions::mode`,
    /// `DirBuilder::mode`, `chmod`/`fchmod`/`fchmodat` or `Mode::from_bits`, directly or
    /// through a local bound earlier; and `set_readonly(false)`, which on Unix makes a file
    /// writable by everyone. Test code is not checked.
    ///
    /// ### Why is this bad?
    /// A world-writable file or directory can be changed by any local user or compromised
    /// service: configuration, scripts and data can be replaced, and a shared directory
    /// invites symlink attacks (CWE-732). Assistants use `0o777` to make a "permission
    /// denied" error go away.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// fn publish(path: &std::path::Path) -> std::io::Result<()> {
    ///     std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// fn publish(path: &std::path::Path) -> std::io::Result<()> {
    ///     std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-732: Incorrect Permission Assignment for Critical Resource
    /// - clippy: `permissions_set_readonly_false`
    /// - semgrep: `python.lang.security.audit.insecure-file-permissions`
    pub struct InsecurePermissions;
    name = "insecure_permissions",
    family = Filesystem,
    ai = Deny,
    human = Warn,
    cwe = 732,
    summary = "file or directory mode writable by every user",
}

/// The "other" write bit.
const OTHER_WRITE: u64 = 0o002;

/// An integer literal's value and whether it is written in octal (through casts/parens).
fn mode_lit(expr: &syn::Expr) -> Option<(u64, bool, Span)> {
    match peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => {
            let octal = i.to_string().starts_with("0o");
            i.base10_parse::<u64>().ok().map(|v| (v, octal, i.span()))
        }
        syn::Expr::Cast(c) => mode_lit(&c.expr),
        _ => None,
    }
}

/// Where a mode goes: a method (`.mode(m)`, `.set_mode(m)`) or a path call
/// (`Permissions::from_mode(m)`, `libc::chmod(p, m)`), and which argument is the mode.
/// `strict` calls take any integer only when it looks like a mode (octal, or at least
/// `0o100`): `.mode(2)` on something else is not a permission.
enum Sink {
    Method { strict: bool },
    Path { index: usize },
}

/// Every finding is a sink call: `.mode(..)`/`.set_mode(..)`, or a path whose resolved
/// segments end in `from_mode`, `Mode::from_bits*`, `chmod`, `fchmod` or `fchmodat`
/// (written in the function or the file's `use`s). `check_expr` also reports
/// `.set_readonly(false)`.
const SINK_NEEDLES: &[&str] = &["mode", "Mode", "chmod"];
const EXPR_NEEDLES: &[&str] = &["mode", "Mode", "chmod", "set_readonly"];

fn method_sink(method: &str) -> Option<Sink> {
    match method {
        "mode" | "set_mode" => Some(Sink::Method { strict: true }),
        _ => None,
    }
}

fn path_sink(segs: &[String]) -> Option<Sink> {
    let last = segs.last()?.as_str();
    let prev = segs
        .len()
        .checked_sub(2)
        .and_then(|i| segs.get(i))
        .map(String::as_str);
    match (prev, last) {
        (_, "from_mode") => Some(Sink::Path { index: 0 }),
        (Some("Mode"), "from_bits" | "from_bits_truncate" | "from_bits_retain") => {
            Some(Sink::Path { index: 0 })
        }
        (_, "chmod" | "fchmod") => Some(Sink::Path { index: 1 }),
        (_, "fchmodat") => Some(Sink::Path { index: 2 }),
        _ => None,
    }
}

impl InsecurePermissions {
    fn report_mode(
        cx: &mut Cx<'_>,
        at: Span,
        call: &str,
        value: &syn::Expr,
        strict: bool,
        from: Option<Span>,
    ) {
        let Some((mode, octal, lit_span)) = mode_lit(value) else {
            return;
        };
        if strict && !octal && !(0o100..=0o7777).contains(&mode) {
            return;
        }
        if mode > 0o177_777 {
            // Larger than a mode with its file-type bits (`0o100644`): something else.
            return;
        }
        if mode & OTHER_WRITE == 0 {
            return;
        }
        let shown = format!("0o{:o}", mode & 0o7777);
        let mut r = cx.report(
            &Self::META,
            at,
            format!("`{call}{shown})` lets every user on the system write to it"),
        );
        if let Some(f) = from {
            r = r.label(f, "the mode comes from here");
        } else {
            r = r.label(lit_span, "the \"other\" write bit is set here");
        }
        r.help("drop the write bit for others: `0o600`/`0o644` for files, `0o700`/`0o755` for directories");
    }

    fn check_call(cx: &mut Cx<'_>, expr: &syn::Expr, locals: Option<&Locals<'_>>) {
        let (at, call, arg, strict) = match expr {
            syn::Expr::MethodCall(m) if m.args.len() == 1 => {
                let method = m.method.to_string();
                if method == "set_readonly" && locals.is_none() {
                    if m.args.first().is_some_and(|a| lit_bool(a) == Some(false)) {
                        cx.report(
                            &Self::META,
                            m.method.span(),
                            "`set_readonly(false)` makes the file writable by every user on Unix",
                        )
                        .help("set the mode you mean with `PermissionsExt::set_mode(0o600)` (or `0o644`)");
                    }
                    return;
                }
                let Some(Sink::Method { strict }) = method_sink(&method) else {
                    return;
                };
                let Some(arg) = m.args.first() else {
                    return;
                };
                (m.method.span(), format!("{method}("), arg, strict)
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = peel(&c.func) else {
                    return;
                };
                let segs = cx.uses.resolve(&p.path);
                let Some(Sink::Path { index }) = path_sink(&segs) else {
                    return;
                };
                let Some(arg) = c.args.iter().nth(index) else {
                    return;
                };
                let n = segs.len().saturating_sub(2);
                let open = if index > 0 { "(.., " } else { "(" };
                (
                    p.span(),
                    format!("{}{open}", segs[n..].join("::")),
                    arg,
                    false,
                )
            }
            _ => return,
        };
        match locals {
            None => Self::report_mode(cx, at, &call, arg, strict, None),
            Some(l) => {
                if local_name(peel(arg)).is_none() {
                    return;
                }
                let value = l.resolve(arg);
                if !std::ptr::eq(value, peel(arg)) {
                    Self::report_mode(cx, at, &call, value, strict, Some(value.span()));
                }
            }
        }
    }
}

impl Rule for InsecurePermissions {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test()
            || !matches!(expr, syn::Expr::MethodCall(_) | syn::Expr::Call(_))
            || !cx.file_mentions(EXPR_NEEDLES)
        {
            return;
        }
        Self::check_call(cx, expr, None);
    }

    /// `let mode = 0o777; perms.set_mode(mode);`
    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.fn_mentions_path(f, SINK_NEEDLES) {
            return;
        }
        let locals = Locals::of(f.block);
        let mut calls: Vec<syn::Expr> = Vec::new();
        for_each_expr(f.block, &mut |e| {
            let arg_is_local = match e {
                syn::Expr::MethodCall(m) => {
                    method_sink(&m.method.to_string()).is_some()
                        && m.args.iter().any(|a| local_name(peel(a)).is_some())
                }
                syn::Expr::Call(c) => {
                    matches!(peel(&c.func), syn::Expr::Path(p) if path_sink(&cx.uses.resolve(&p.path)).is_some())
                        && c.args.iter().any(|a| local_name(peel(a)).is_some())
                }
                _ => false,
            };
            if arg_is_local {
                calls.push(e.clone());
            }
        });
        for e in &calls {
            Self::check_call(cx, e, Some(&locals));
        }
    }
}
