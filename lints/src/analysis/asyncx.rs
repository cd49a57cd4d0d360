//! Bounded walks over the code that runs in one async context: an `async fn` body or an
//! `async` block, without nested `async` blocks (they are their own context), closures
//! passed to `spawn_blocking`/`block_in_place`, or nested items.

use syn::visit::{self, Visit};

/// Calls `f` on every expression that runs in the async context of `block`.
pub fn for_each_async_expr<'a>(block: &'a syn::Block, f: &mut dyn FnMut(&'a syn::Expr)) {
    struct W<'f, 'a> {
        f: &'f mut dyn FnMut(&'a syn::Expr),
    }
    impl<'a> Visit<'a> for W<'_, 'a> {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            match e {
                syn::Expr::Async(_) => return,
                syn::Expr::Call(c) if is_blocking_boundary_path(&c.func) => return,
                syn::Expr::MethodCall(m)
                    if m.method == "spawn_blocking" || m.method == "block_in_place" =>
                {
                    return;
                }
                _ => {}
            }
            (self.f)(e);
            visit::visit_expr(self, e);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    W { f }.visit_block(block);
}

fn is_blocking_boundary_path(func: &syn::Expr) -> bool {
    if let syn::Expr::Path(p) = func {
        return p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "spawn_blocking" || s.ident == "block_in_place");
    }
    false
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
