//! Bounded walks of one function body, and its `let` bindings: for rules that see a value
//! built in one statement and used in a later one (`let insecure = true; ..
//! .danger_accept_invalid_certs(insecure)`). Called from `check_fn`; nested fn items are not
//! entered (they get their own `check_fn`), closures and async blocks are.

use std::collections::{HashMap, HashSet};

use syn::visit::{self, Visit};

use crate::analysis::macros;
use crate::analysis::paths::peel;

/// Expressions nested deeper than this are not visited (no input can overflow the stack).
const MAX_DEPTH: usize = 256;

/// Calls `f` on every expression of `block` (outer before inner), including the expressions
/// inside known macro bodies (`format!`, `vec!`, `assert!`, ..). Nested items are skipped.
pub fn for_each_expr(block: &syn::Block, f: &mut dyn FnMut(&syn::Expr)) {
    let mut w = ExprWalk {
        f,
        depth: 0,
        macro_depth: 0,
    };
    w.visit_block(block);
}

/// Calls `f` on every expression of `expr` and below (as [`for_each_expr`]).
pub fn for_each_subexpr(expr: &syn::Expr, f: &mut dyn FnMut(&syn::Expr)) {
    let mut w = ExprWalk {
        f,
        depth: 0,
        macro_depth: 0,
    };
    w.visit_expr(expr);
}

struct ExprWalk<'f> {
    f: &'f mut dyn FnMut(&syn::Expr),
    depth: usize,
    macro_depth: usize,
}

impl<'ast> Visit<'ast> for ExprWalk<'_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        (self.f)(e);
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        visit::visit_block(self, b);
        self.depth -= 1;
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if self.macro_depth >= 4 || self.depth >= MAX_DEPTH {
            return;
        }
        self.macro_depth += 1;
        for e in macros::body_exprs(m).iter() {
            self.visit_expr(e);
        }
        self.macro_depth -= 1;
    }

    fn visit_pat(&mut self, _: &'ast syn::Pat) {}

    fn visit_type(&mut self, _: &'ast syn::Type) {}
}

/// The `let` bindings of one function body: a name bound once (`let x = init;`, also
/// `let x: T = init;` and `let mut x = init;`) and never reassigned resolves to its
/// initializer.
#[derive(Default)]
pub struct Locals<'a> {
    lets: HashMap<String, Vec<Option<&'a syn::Expr>>>,
    assigned: HashSet<String>,
}

impl<'a> Locals<'a> {
    /// Collects the bindings of `block` (closures and nested blocks included, nested items
    /// not).
    pub fn of(block: &'a syn::Block) -> Self {
        let mut c = Collect {
            locals: Locals::default(),
            depth: 0,
        };
        c.visit_block(block);
        c.locals
    }

    /// The initializer of `name`, when it is bound exactly once with an initializer and never
    /// assigned again.
    pub fn init(&self, name: &str) -> Option<&'a syn::Expr> {
        if self.assigned.contains(name) {
            return None;
        }
        match self.lets.get(name).map(Vec::as_slice) {
            Some([Some(init)]) => Some(init),
            _ => None,
        }
    }

    /// Follows a plain local name to its initializer (a few hops: `let a = b; let b = ..`),
    /// through parentheses and `&`. Anything else is returned as is.
    pub fn resolve<'e>(&self, mut expr: &'e syn::Expr) -> &'e syn::Expr
    where
        'a: 'e,
    {
        for _ in 0..4 {
            let peeled = peel(expr);
            let Some(name) = local_name(peeled) else {
                return peeled;
            };
            match self.init(&name) {
                Some(init) => expr = init,
                None => return peeled,
            }
        }
        peel(expr)
    }
}

/// The name of a single-segment path expression (`x`, not `a::x` or `Self`).
pub fn local_name(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let ident = p.path.segments.first()?.ident.to_string();
            let lower = ident
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '_');
            lower.then_some(ident)
        }
        _ => None,
    }
}

struct Collect<'a> {
    locals: Locals<'a>,
    depth: usize,
}

fn pat_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        syn::Pat::Type(t) => pat_ident(&t.pat),
        _ => None,
    }
}

impl<'a> Visit<'a> for Collect<'a> {
    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_local(&mut self, l: &'a syn::Local) {
        if let Some(name) = pat_ident(&l.pat) {
            let init = l.init.as_ref().map(|i| &*i.expr);
            self.locals.lets.entry(name).or_default().push(init);
        }
        visit::visit_local(self, l);
    }

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        if let syn::Expr::Assign(a) = e
            && let Some(name) = local_name(peel(&a.left))
        {
            self.locals.assigned.insert(name);
        }
        self.depth += 1;
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_block(&mut self, b: &'a syn::Block) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        visit::visit_block(self, b);
        self.depth -= 1;
    }

    fn visit_pat(&mut self, _: &'a syn::Pat) {}

    fn visit_type(&mut self, _: &'a syn::Type) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(src: &str) -> syn::Block {
        syn::parse_str(src).expect("test block parses")
    }

    #[test]
    fn resolves_single_bindings() {
        let b = block(
            "{ let a = true; let b: bool = a; let c = 1; c = 2; let d = 1; let d = 2; f(a, b, c, d); }",
        );
        let l = Locals::of(&b);
        let e: syn::Expr = syn::parse_str("b").expect("parses");
        assert_eq!(crate::analysis::paths::lit_bool(l.resolve(&e)), Some(true));
        assert!(l.init("c").is_none());
        assert!(l.init("d").is_none());
    }

    #[test]
    fn walks_macros_not_items() {
        let b = block("{ println!(\"{}\", a.b()); fn inner() { c.d(); } }");
        let mut n = 0;
        for_each_expr(&b, &mut |e| {
            if matches!(e, syn::Expr::MethodCall(_)) {
                n += 1;
            }
        });
        assert_eq!(n, 1);
    }
}
