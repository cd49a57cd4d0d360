use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::{paths, vocab};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

use super::code;

declare_rule! {
    /// ### What it does
    /// Flags results thrown away without a look:
    /// - `let _ = call();` where the value is a call, a method call or an awaited call (not
    ///   a plain binding: `let _ = guard;` is a deliberate drop);
    /// - `call().ok();` as a statement;
    /// - `drop(call())`;
    /// - `Err(_) => {}` and `Err(_) => ()` match arms, and `if let Err(_) = x {}` with an
    ///   empty body (also with an `_name` or `..` pattern);
    /// - `.unwrap_or_default()`, `.unwrap_or(())` or `.unwrap_or_else(|_| ())` on a
    ///   filesystem/I/O call whose result only reports failure (`remove_file`, `write`,
    ///   `flush`, `sync_all`, `set_permissions`, ..).
    ///
    /// `let _ = tx.send(msg);` on a channel whose receiver may be gone is flagged too: it is
    /// often deliberate, but nothing in the code says so. State the intent where it is:
    /// `if tx.send(msg).is_err() { /* receiver gone: shutting down */ }`.
    ///
    /// ### Why is this bad?
    /// A `Result` is how Rust code says "this can fail". Discarding it means a failed
    /// write, a file that was not deleted, a message that was never delivered or a
    /// permission that was not set goes unnoticed, and the program goes on as if it
    /// worked (CWE-252). AI assistants write `let _ =` to silence `unused_must_use` rather
    /// than to decide what a failure should do.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn save(path: &Path, data: &[u8]) {
    ///     let mut file = File::create(path).expect("create");
    ///     let _ = file.write_all(data);
    ///     file.sync_all().ok();
    ///     match fs::set_permissions(path, Permissions::from_mode(0o600)) {
    ///         Ok(()) => {}
    ///         Err(_) => {}
    ///     }
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn save(path: &Path, data: &[u8]) -> io::Result<()> {
    ///     let mut file = File::create(path)?;
    ///     file.write_all(data)?;
    ///     file.sync_all()?;
    ///     if let Err(e) = fs::set_permissions(path, Permissions::from_mode(0o600)) {
    ///         tracing::warn!(error = %e, "could not restrict permissions");
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-252: Unchecked Return Value
    /// - clippy: `let_underscore_must_use`, `let_underscore_untyped`, `unused_result_ok`
    pub struct IgnoredResult;
    name = "ignored_result",
    family = Robustness,
    ai = Deny,
    human = Allow,
    cwe = 252,
    summary = "a `Result` discarded with `let _ =`, `.ok();`, `drop(..)` or an empty `Err` arm",
}

const HELP: &str = "handle the error (`?`, `match`) or, if failure is really acceptable, say \
                    why where it happens: `if let Err(e) = .. { tracing::debug!(..) }`";

/// `drop(..)`/`mem::drop(..)`: a path whose resolved segments end in `drop` (in the file:
/// the path, or the `use` renaming it).
const DROP_NEEDLES: &[&str] = &["drop"];
/// `.unwrap_or_default()`, `.unwrap_or(..)`, `.unwrap_or_else(..)`: method names.
const UNWRAP_OR_NEEDLES: &[&str] = &["unwrap_or"];

/// `tx.send(msg)` (through `.await`): a send on a channel, where `Err` means the receiver is
/// gone. Returns the receiver as written. An HTTP request's `.send()` takes no message.
fn channel_send(expr: &syn::Expr) -> Option<(String, String)> {
    let call = match paths::peel(expr) {
        syn::Expr::Await(a) => paths::peel(&a.base),
        other => other,
    };
    let syn::Expr::MethodCall(m) = call else {
        return None;
    };
    let method = m.method.to_string();
    let is_send = matches!(
        method.as_str(),
        "send" | "try_send" | "unbounded_send" | "send_timeout" | "send_replace"
    );
    if !is_send || m.args.is_empty() {
        return None;
    }
    let recv = code(&m.receiver);
    let recv = if recv.len() > 30 {
        "tx".to_owned()
    } else {
        recv
    };
    Some((recv, method))
}

/// The call an expression ends in, through `.await` and parentheses: its span and name.
/// `None` for plain bindings, fields, literals and `?`-propagated values.
fn discarded_call(expr: &syn::Expr) -> Option<(Span, String)> {
    match expr {
        syn::Expr::Paren(p) => discarded_call(&p.expr),
        syn::Expr::Group(g) => discarded_call(&g.expr),
        syn::Expr::Await(a) => discarded_call(&a.base),
        syn::Expr::MethodCall(m) => Some((m.method.span(), m.method.to_string())),
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => {
                let last = p.path.segments.last()?;
                Some((last.ident.span(), last.ident.to_string()))
            }
            _ => Some((c.func.span(), String::new())),
        },
        _ => None,
    }
}

/// `Err(_)`, `Err(_e)`, `Err(..)`, or an or-pattern holding one.
fn is_ignored_err_pat(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::TupleStruct(ts) => {
            ts.path.segments.last().is_some_and(|s| s.ident == "Err")
                && ts.elems.len() == 1
                && match &ts.elems[0] {
                    syn::Pat::Wild(_) | syn::Pat::Rest(_) => true,
                    syn::Pat::Ident(id) => {
                        id.subpat.is_none() && id.ident.to_string().starts_with('_')
                    }
                    _ => false,
                }
        }
        syn::Pat::Or(o) => o.cases.iter().any(is_ignored_err_pat),
        syn::Pat::Paren(p) => is_ignored_err_pat(&p.pat),
        _ => false,
    }
}

/// `{}` or `()`.
fn is_empty_body(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Block(b) => b.label.is_none() && b.block.stmts.is_empty(),
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        syn::Expr::Paren(p) => is_empty_body(&p.expr),
        _ => false,
    }
}

impl IgnoredResult {
    /// `let _ = call();`
    fn check_let(cx: &mut Cx<'_>, local: &syn::Local) {
        let wild = match &local.pat {
            syn::Pat::Wild(w) => w.span(),
            syn::Pat::Type(t) if matches!(&*t.pat, syn::Pat::Wild(_)) => t.pat.span(),
            _ => return,
        };
        let Some(init) = &local.init else {
            return;
        };
        if init.diverge.is_some() {
            return;
        }
        let Some((span, name)) = discarded_call(&init.expr) else {
            return;
        };
        if vocab::is_discardable_value_fn(&name) {
            return;
        }
        let help = if let Some((recv, send)) = channel_send(&init.expr) {
            format!(
                "handle the error, or if a gone receiver is expected, say so: `if {recv}.{send}(..).is_err() {{ /* receiver dropped: shutting down */ }}`"
            )
        } else {
            HELP.to_owned()
        };
        cx.report(
            &Self::META,
            span,
            format!("the result of `{name}` is discarded with `let _ =`"),
        )
        .label(wild, "any error is dropped here")
        .help(help);
    }

    /// `call().ok();` as a statement, in every block the checker hands over.
    fn check_stmts(cx: &mut Cx<'_>, block: &syn::Block) {
        for stmt in &block.stmts {
            let syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_)) = stmt else {
                continue;
            };
            if m.method != "ok" || !m.args.is_empty() {
                continue;
            }
            let what = discarded_call(&m.receiver).map_or_else(
                || "a result".to_owned(),
                |(_, name)| format!("the result of `{name}`"),
            );
            cx.report(
                &Self::META,
                m.method.span(),
                format!("`.ok()` discards {what} and its error"),
            )
            .help(HELP);
        }
    }

    fn check_expr_inner(cx: &mut Cx<'_>, expr: &syn::Expr) {
        match expr {
            // `drop(call())`
            syn::Expr::Call(c) if c.args.len() == 1 => {
                if !cx.file_mentions(DROP_NEEDLES) {
                    return;
                }
                let Some((segs, _)) = paths::call(expr, &cx.uses) else {
                    return;
                };
                let is_drop = match segs.as_slice() {
                    [d] => d == "drop",
                    [.., m, d] => d == "drop" && m == "mem",
                    [] => false,
                };
                if !is_drop {
                    return;
                }
                let Some((_, name)) = discarded_call(&c.args[0]) else {
                    return;
                };
                if vocab::is_discardable_value_fn(&name) {
                    return;
                }
                cx.report(
                    &Self::META,
                    c.func.span(),
                    format!("the result of `{name}` is discarded with `drop`"),
                )
                .help(HELP);
            }
            // `Err(_) => {}`
            syn::Expr::Match(m) => {
                for arm in &m.arms {
                    // syn 3: a guarded arm is a `Pat::Guard`; a guard means the error was
                    // looked at.
                    if is_ignored_err_pat(&arm.pat) && is_empty_body(&arm.body) {
                        cx.report(
                            &Self::META,
                            arm.pat.span(),
                            "the `Err` arm does nothing: the error is silently dropped",
                        )
                        .help(HELP);
                    }
                }
            }
            // `if let Err(_) = x {}`
            syn::Expr::If(i) => {
                if let syn::Expr::Let(l) = &*i.cond
                    && is_ignored_err_pat(&l.pat)
                    && i.then_branch.stmts.is_empty()
                {
                    cx.report(
                        &Self::META,
                        l.pat.span(),
                        "`if let Err(_)` with an empty body: the error is silently dropped",
                    )
                    .help(HELP);
                }
            }
            // `fs::remove_file(p).unwrap_or_default()`
            syn::Expr::MethodCall(m) => {
                if !cx.file_mentions(UNWRAP_OR_NEEDLES) {
                    return;
                }
                let swallows = match m.method.to_string().as_str() {
                    "unwrap_or_default" => m.args.is_empty(),
                    "unwrap_or" => m.args.len() == 1 && is_empty_body(&m.args[0]),
                    "unwrap_or_else" => {
                        m.args.len() == 1
                            && matches!(&m.args[0], syn::Expr::Closure(c) if is_empty_body(&c.body))
                    }
                    _ => false,
                };
                if !swallows {
                    return;
                }
                let Some((_, name)) = discarded_call(&m.receiver) else {
                    return;
                };
                if vocab::is_unit_io_fn(&name) {
                    cx.report(
                        &Self::META,
                        m.method.span(),
                        format!("`.{}` swallows the error of `{name}`", m.method),
                    )
                    .help(HELP);
                }
            }
            _ => {}
        }
    }
}

impl Rule for IgnoredResult {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Local, NodeKind::Expr, NodeKind::Fn]
    }

    fn check_local(&self, cx: &mut Cx<'_>, local: &syn::Local) {
        Self::check_let(cx, local);
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        Self::check_stmts(cx, f.block);
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        let block = match expr {
            syn::Expr::Block(b) => Some(&b.block),
            syn::Expr::If(i) => Some(&i.then_branch),
            syn::Expr::ForLoop(l) => Some(&l.body),
            syn::Expr::While(w) => Some(&w.body),
            syn::Expr::Loop(l) => Some(&l.body),
            syn::Expr::Unsafe(u) => Some(&u.block),
            syn::Expr::Async(a) => Some(&a.block),
            syn::Expr::TryBlock(t) => Some(&t.block),
            syn::Expr::Const(c) => Some(&c.block),
            _ => None,
        };
        if let Some(block) = block {
            Self::check_stmts(cx, block);
        }
        Self::check_expr_inner(cx, expr);
    }
}
