use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::{asyncx, paths};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// In async context (an `async fn` or `async` block, outside closures passed to
    /// `spawn_blocking`/`block_in_place`), flags calls that block the thread:
    /// `std::thread::sleep`, `std::fs::*` and `std::fs::File`, `std::io::stdin().read_line`,
    /// `std::net::TcpStream::connect`, `reqwest::blocking::*`, `.recv()` on a
    /// `std::sync::mpsc` receiver, and `std::process::Command`'s `.output()`/`.status()`.
    ///
    /// ### Why is this bad?
    /// An async runtime runs many tasks on few threads. A blocking call parks one of those
    /// threads: every task scheduled on it stalls, timeouts fire, and under load the service
    /// stops answering. Assistants mix sync and async APIs freely because both compile.
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn load(path: &str) -> String {
    ///     std::thread::sleep(std::time::Duration::from_millis(50));
    ///     std::fs::read_to_string(path).unwrap_or_default()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn load(path: &str) -> String {
    ///     tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    ///     tokio::fs::read_to_string(path).await.unwrap_or_default()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-833: Deadlock
    /// - clippy: `unused_async`; tokio docs: "CPU-bound tasks and blocking code"
    pub struct BlockingInAsync;
    name = "blocking_in_async",
    family = Asynchrony,
    ai = Deny,
    human = Warn,
    cwe = 833,
    summary = "a blocking call inside async code",
}

const HELP: &str = "use the async equivalent (`tokio::fs`, `tokio::time::sleep`, `tokio::process`, async clients) or move the work into `spawn_blocking`";

fn is_std(segs: &[String]) -> bool {
    segs.first().is_some_and(|s| s == "std")
}

/// What a blocking call path is, if it is one: `std::thread::sleep`, `std::fs::read`.
fn blocking_path(segs: &[String]) -> Option<String> {
    let joined = segs.join("::");
    if paths::ends_with(segs, &["thread", "sleep"]) && (is_std(segs) || segs.len() == 2) {
        return Some("std::thread::sleep".into());
    }
    if segs.len() >= 3 && segs[0] == "std" && segs[1] == "fs" {
        // `std::fs::read`, `File::open`; not constructors such as `OpenOptions::new`.
        let on_type = segs[2].starts_with(char::is_uppercase);
        let last = segs[segs.len() - 1].as_str();
        if !on_type || matches!(last, "open" | "create" | "create_new") {
            return Some(joined);
        }
    }
    if segs.len() >= 4 && segs[0] == "std" && segs[1] == "net" && segs[3] == "connect" {
        return Some(joined);
    }
    if segs.len() >= 3 && segs[0] == "reqwest" && segs[1] == "blocking" {
        return Some(joined);
    }
    None
}

/// Whether a method chain starts at a call to std's `Command::new`.
fn chain_starts_at_std_command(expr: &syn::Expr, cx: &Cx<'_>) -> bool {
    let mut e = expr;
    loop {
        match e {
            syn::Expr::MethodCall(m) => e = &m.receiver,
            syn::Expr::Reference(r) => e = &r.expr,
            syn::Expr::Paren(p) => e = &p.expr,
            syn::Expr::Call(_) => {
                return paths::call_all(e, &cx.uses).is_some_and(|(segs, _)| {
                    paths::ends_with(&segs, &["Command", "new"])
                        && (is_std(&segs) || segs.len() == 2)
                });
            }
            _ => return false,
        }
    }
}

impl Rule for BlockingInAsync {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if let syn::Expr::Async(a) = expr {
            check_bindings(cx, &a.block);
            return;
        }
        if !cx.in_async() || cx.is_awaited() {
            return;
        }
        match expr {
            syn::Expr::Call(call) => {
                let Some((segs, _)) = paths::call_all(expr, &cx.uses) else {
                    return;
                };
                if let Some(what) = blocking_path(&segs) {
                    cx.report(
                        &Self::META,
                        call.func.span(),
                        format!("`{what}` blocks the async runtime's thread"),
                    )
                    .help(HELP);
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if (method == "read_line" || method == "read_to_string")
                    && let syn::Expr::Call(_) = paths::peel(&m.receiver)
                    && let Some((segs, _)) = paths::call_all(paths::peel(&m.receiver), &cx.uses)
                    && paths::ends_with(&segs, &["stdin"])
                    && (is_std(&segs) || segs.len() <= 2)
                {
                    cx.report(
                        &Self::META,
                        m.method.span(),
                        "reading stdin blocks the async runtime's thread",
                    )
                    .help(HELP);
                }
                if (method == "output" || method == "status")
                    && m.args.is_empty()
                    && chain_starts_at_std_command(&m.receiver, cx)
                {
                    cx.report(
                        &Self::META,
                        m.method.span(),
                        format!(
                            "`std::process::Command::{method}` blocks the async runtime's thread"
                        ),
                    )
                    .help(HELP);
                }
            }
            _ => {}
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if f.is_async() {
            check_bindings(cx, f.block);
        }
    }
}

/// Two-step flows: `let (tx, rx) = std::sync::mpsc::channel(); .. rx.recv()` and
/// `let mut cmd = std::process::Command::new(..); .. cmd.output()` in one async context.
fn check_bindings(cx: &mut Cx<'_>, block: &syn::Block) {
    if !cx.enabled(&BlockingInAsync::META) {
        return;
    }
    let mut receivers: HashSet<String> = HashSet::new();
    let mut commands: HashSet<String> = HashSet::new();
    let mut hits: Vec<(Span, String)> = Vec::new();
    // Pass 1: bindings.
    for stmt in &block.stmts {
        collect_bindings(stmt, cx, &mut receivers, &mut commands);
    }
    if receivers.is_empty() && commands.is_empty() {
        return;
    }
    asyncx::for_each_async_expr(block, &mut |e| {
        if let syn::Expr::MethodCall(m) = e {
            let Some(name) = paths::expr_name(&m.receiver) else {
                return;
            };
            let method = m.method.to_string();
            if method == "recv" && m.args.is_empty() && receivers.contains(&name) {
                hits.push((
                    m.method.span(),
                    "`std::sync::mpsc::Receiver::recv` blocks the async runtime's thread".into(),
                ));
            }
            if (method == "output" || method == "status")
                && m.args.is_empty()
                && commands.contains(&name)
            {
                hits.push((
                    m.method.span(),
                    format!("`std::process::Command::{method}` blocks the async runtime's thread"),
                ));
            }
        }
    });
    for (span, msg) in hits {
        cx.report(&BlockingInAsync::META, span, msg).help(HELP);
    }
}

fn collect_bindings(
    stmt: &syn::Stmt,
    cx: &Cx<'_>,
    receivers: &mut HashSet<String>,
    commands: &mut HashSet<String>,
) {
    let syn::Stmt::Local(local) = stmt else {
        return;
    };
    let Some(init) = &local.init else {
        return;
    };
    let Some((segs, _)) = paths::call_all(paths::peel(&init.expr), &cx.uses) else {
        return;
    };
    let is_channel = (paths::ends_with(&segs, &["mpsc", "channel"])
        || paths::ends_with(&segs, &["mpsc", "sync_channel"]))
        && (is_std(&segs) || segs.len() == 2);
    if is_channel
        && let syn::Pat::Tuple(t) = &local.pat
        && let Some(syn::Pat::Ident(rx)) = t.elems.iter().nth(1)
    {
        receivers.insert(rx.ident.to_string());
    }
    if paths::ends_with(&segs, &["Command", "new"])
        && (is_std(&segs) || segs.len() == 2)
        && let syn::Pat::Ident(p) = &local.pat
    {
        commands.insert(p.ident.to_string());
    }
}
