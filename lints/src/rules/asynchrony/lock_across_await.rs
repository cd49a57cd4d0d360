use std::collections::HashMap;

use proc_macro2::Span;

use crate::analysis::{asyncx, paths};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a lock guard from a synchronous lock (`std::sync::Mutex`/`RwLock`,
    /// `parking_lot`: `.lock()`, `.read()`, `.write()` that is not `.await`ed) bound to a
    /// variable that is still alive at a later `.await` in the same block. A guard dropped
    /// before the `.await` (`drop(guard)`, or its block ending) is fine, and so is an async
    /// lock (`tokio::sync::Mutex`, whose `.lock()` is awaited).
    ///
    /// ### Why is this bad?
    /// The task may be suspended at the `.await` and resumed on another thread while it
    /// holds the lock. Every other task that wants the lock blocks its thread, possibly the
    /// one the holder needs to make progress: a deadlock that shows only under load. With
    /// `std::sync::MutexGuard` the future is also not `Send`.
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn bump(state: &std::sync::Mutex<Stats>, db: &Db) {
    ///     let mut stats = state.lock().unwrap();
    ///     stats.hits += 1;
    ///     db.save(&*stats).await;
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn bump(state: &std::sync::Mutex<Stats>, db: &Db) {
    ///     let snapshot = {
    ///         let mut stats = state.lock().unwrap();
    ///         stats.hits += 1;
    ///         stats.clone()
    ///     };
    ///     db.save(&snapshot).await;
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-833: Deadlock
    /// - clippy: `await_holding_lock`
    pub struct LockAcrossAwait;
    name = "lock_across_await",
    family = Asynchrony,
    ai = Deny,
    human = Warn,
    cwe = 833,
    summary = "a synchronous lock guard held across `.await`",
}

impl Rule for LockAcrossAwait {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn, NodeKind::Expr]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if f.is_async() && cx.enabled(&Self::META) {
            let mut hits = Vec::new();
            scan_block(f.block, &mut Live::default(), &mut hits);
            report(cx, hits);
        }
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if let syn::Expr::Async(a) = expr
            && cx.enabled(&Self::META)
        {
            let mut hits = Vec::new();
            scan_block(&a.block, &mut Live::default(), &mut hits);
            report(cx, hits);
        }
    }
}

fn report(cx: &mut Cx<'_>, hits: Vec<Hit>) {
    for h in hits {
        cx.report(
            &LockAcrossAwait::META,
            h.await_span,
            format!("lock guard `{}` is held across this `.await`", h.guard),
        )
        .label(h.lock_span, "the lock is taken here")
        .help(format!(
            "drop `{}` before the `.await` (end its block or call `drop({})`), or use an async lock such as `tokio::sync::Mutex`",
            h.guard, h.guard
        ));
    }
}

struct Guard {
    name: String,
    lock_span: Span,
}

struct Hit {
    guard: String,
    lock_span: Span,
    await_span: Span,
}

/// The lock call a `let` initializer holds the guard of: `m.lock()`, `m.lock().unwrap()`,
/// `m.write().expect("..")`, `m.read()?`; not awaited, not a temporary used further.
fn sync_lock_call(init: &syn::Expr) -> Option<Span> {
    let mut e = paths::peel(init);
    loop {
        match e {
            syn::Expr::Try(t) => e = &t.expr,
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "unwrap" | "expect" | "unwrap_or_else"
                ) && matches!(&*m.receiver, syn::Expr::MethodCall(inner) if is_lock_method(inner)) =>
            {
                e = &m.receiver;
            }
            syn::Expr::MethodCall(m) if is_lock_method(m) => return Some(m.method.span()),
            _ => return None,
        }
    }
}

fn is_lock_method(m: &syn::ExprMethodCall) -> bool {
    matches!(
        m.method.to_string().as_str(),
        "lock" | "read" | "write" | "try_lock"
    ) && m.args.is_empty()
}

/// The guards alive at a point, innermost last, with a count per name so that a `let` of
/// another name costs nothing however many guards are alive.
#[derive(Default)]
struct Live {
    guards: Vec<Guard>,
    count: HashMap<String, usize>,
}

impl Live {
    fn len(&self) -> usize {
        self.guards.len()
    }

    fn is_empty(&self) -> bool {
        self.guards.is_empty()
    }

    fn last(&self) -> Option<&Guard> {
        self.guards.last()
    }

    fn push(&mut self, g: Guard) {
        *self.count.entry(g.name.clone()).or_default() += 1;
        self.guards.push(g);
    }

    fn forget(&mut self, g: &Guard) {
        if let Some(n) = self.count.get_mut(&g.name) {
            *n = n.saturating_sub(1);
        }
    }

    fn pop(&mut self) {
        if let Some(g) = self.guards.pop() {
            self.forget(&g);
        }
    }

    fn truncate(&mut self, n: usize) {
        while self.guards.len() > n {
            self.pop();
        }
    }

    /// Ends every guard named `name`.
    fn remove_name(&mut self, name: &str) {
        if self.count.get(name).is_some_and(|n| *n > 0) {
            self.guards.retain(|g| g.name != name);
            self.count.insert(name.to_string(), 0);
        }
    }
}

fn scan_block(block: &syn::Block, live: &mut Live, hits: &mut Vec<Hit>) {
    let outer = live.len();
    for stmt in &block.stmts {
        match stmt {
            syn::Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    check_expr_for_await(&init.expr, live, hits);
                    if let Some(lock_span) = sync_lock_call(&init.expr)
                        && let Some(name) = pat_ident(&local.pat)
                    {
                        live.remove_name(&name);
                        live.push(Guard { name, lock_span });
                        continue;
                    }
                }
                // Shadowing ends the old guard's name (the guard itself lives on, but the
                // common shape is re-binding after a drop).
                if let Some(name) = pat_ident(&local.pat) {
                    live.remove_name(&name);
                }
            }
            syn::Stmt::Expr(e, _) => {
                if let Some(dropped) = dropped_name(e) {
                    live.remove_name(&dropped);
                    continue;
                }
                check_expr_for_await(e, live, hits);
            }
            _ => {}
        }
    }
    live.truncate(outer);
}

/// Reports an `.await` in `e` while guards are live; recurses into nested blocks with the
/// live set so guards declared inside them die at their end.
fn check_expr_for_await(e: &syn::Expr, live: &mut Live, hits: &mut Vec<Hit>) {
    match e {
        syn::Expr::Block(b) => scan_block(&b.block, live, hits),
        syn::Expr::If(i) => {
            check_expr_for_await(&i.cond, live, hits);
            scan_block(&i.then_branch, live, hits);
            if let Some((_, els)) = &i.else_branch {
                check_expr_for_await(els, live, hits);
            }
        }
        syn::Expr::Loop(l) => scan_block(&l.body, live, hits),
        syn::Expr::While(w) => {
            check_expr_for_await(&w.cond, live, hits);
            scan_block(&w.body, live, hits);
        }
        syn::Expr::ForLoop(f) => {
            check_expr_for_await(&f.expr, live, hits);
            scan_block(&f.body, live, hits);
        }
        _ => {
            if live.is_empty() {
                return;
            }
            if let Some(await_span) = asyncx::contains_await(e)
                && let Some(g) = live.last()
            {
                hits.push(Hit {
                    guard: g.name.clone(),
                    lock_span: g.lock_span,
                    await_span,
                });
                // One report per guard.
                live.pop();
            }
        }
    }
}

fn pat_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        syn::Pat::Type(t) => pat_ident(&t.pat),
        _ => None,
    }
}

/// `drop(guard)` / `std::mem::drop(guard)`.
fn dropped_name(e: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(c) = e else {
        return None;
    };
    let syn::Expr::Path(p) = &*c.func else {
        return None;
    };
    if p.path.segments.last()?.ident != "drop" {
        return None;
    }
    paths::expr_name(c.args.first()?)
}
