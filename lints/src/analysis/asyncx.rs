//! Bounded walks over the code that runs in one async context: an `async fn` body or an
//! `async` block, without nested `async` blocks (they are their own context), closures
//! passed to `spawn_blocking`/`block_in_place`, or nested items.

use syn::visit::{self, Visit};

/// Methods that call their closure argument before returning (iterator, `Option`/`Result`
/// and collection combinators): the closure runs in the caller's async context. A closure
/// passed to anything else (`spawn_blocking`, `thread::spawn`, tokio's `asyncify`, an
/// unknown function) may run elsewhere and is not async context.
const INLINE_COMBINATORS: &[&str] = &[
    "map",
    "map_err",
    "and_then",
    "or_else",
    "unwrap_or_else",
    "map_or",
    "map_or_else",
    "ok_or_else",
    "filter",
    "filter_map",
    "flat_map",
    "for_each",
    "try_for_each",
    "fold",
    "try_fold",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "take_while",
    "skip_while",
    "map_while",
    "inspect",
    "then",
    "is_some_and",
    "is_ok_and",
    "is_err_and",
    "is_none_or",
    "get_or_insert_with",
    "or_insert_with",
    "or_insert_with_key",
    "and_modify",
    "sort_by",
    "sort_by_key",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "retain",
    "retain_mut",
    "max_by_key",
    "min_by_key",
    "max_by",
    "min_by",
    "scan",
    "partition",
    "dedup_by_key",
    "binary_search_by",
    "binary_search_by_key",
    "with",
    "reduce",
    "rposition",
    "rfind",
];

/// Whether a closure passed to `callee` runs inline (see [`INLINE_COMBINATORS`]).
pub fn runs_closure_inline(callee: &str) -> bool {
    INLINE_COMBINATORS.contains(&callee)
}

/// Calls `f` on every expression that runs in the async context of `block`.
pub fn for_each_async_expr<'a>(block: &'a syn::Block, f: &mut dyn FnMut(&'a syn::Expr)) {
    struct W<'f, 'a> {
        f: &'f mut dyn FnMut(&'a syn::Expr),
    }
    impl<'a> Visit<'a> for W<'_, 'a> {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            (self.f)(e);
            match e {
                syn::Expr::Async(_) => {}
                syn::Expr::Call(c) => {
                    self.visit_expr(&c.func);
                    let name = match &*c.func {
                        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                        _ => None,
                    };
                    for a in &c.args {
                        if !leaves_async(a, name.as_deref()) {
                            self.visit_expr(a);
                        }
                    }
                }
                syn::Expr::MethodCall(m) => {
                    self.visit_expr(&m.receiver);
                    let name = m.method.to_string();
                    for a in &m.args {
                        if !leaves_async(a, Some(&name)) {
                            self.visit_expr(a);
                        }
                    }
                }
                _ => visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    W { f }.visit_block(block);
}

/// Whether argument `arg` of a call to `callee` leaves the async context: a (non-async)
/// closure passed to anything but an inline combinator, or anything passed to
/// `spawn_blocking`/`block_in_place`.
pub fn leaves_async(arg: &syn::Expr, callee: Option<&str>) -> bool {
    if callee.is_some_and(|c| c == "spawn_blocking" || c == "block_in_place") {
        return true;
    }
    matches!(arg, syn::Expr::Closure(c) if c.asyncness.is_none())
        && !callee.is_some_and(runs_closure_inline)
}

/// Whether `expr` contains an `.await` that runs in the same async context (not inside a
/// closure or a nested `async` block).
pub fn contains_await(expr: &syn::Expr) -> Option<proc_macro2::Span> {
    struct W {
        found: Option<proc_macro2::Span>,
    }
    impl<'a> Visit<'a> for W {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if self.found.is_some() {
                return;
            }
            match e {
                syn::Expr::Await(a) => {
                    self.found = Some(a.await_token.span);
                }
                syn::Expr::Async(_) | syn::Expr::Closure(_) => {}
                _ => visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut w = W { found: None };
    w.visit_expr(expr);
    w.found
}
