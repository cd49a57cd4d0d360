//! Bounded walks of one function body, for rules that follow a value from the `let` that
//! makes it to the statement that uses it (`let mut h = Sha256::new(); h.update(password)`).
//! Nested items (fns, impls) are not entered: they get their own `check_fn`. Closures and
//! the bodies of known macros (`format!`, `println!`, `vec!`, ..) are.

use syn::visit::{self, Visit};

use crate::analysis::macros;

/// Beyond this many expressions a walk stops (no input can make a rule slow).
pub const MAX_NODES: usize = 50_000;
/// Beyond this nesting a walk stops descending (no input can overflow the stack).
pub const MAX_DEPTH: usize = 200;

/// One `let` binding of a single name: `let [mut] name[: Ty] [= init];`.
pub struct Binding<'a> {
    pub ident: &'a syn::Ident,
    pub mutable: bool,
    pub ty: Option<&'a syn::Type>,
    pub init: Option<&'a syn::Expr>,
}

/// The `let` bindings of a body, in source order (nested blocks and closures included).
pub fn bindings(block: &syn::Block) -> Vec<Binding<'_>> {
    let mut c = Collect {
        out: Vec::new(),
        nodes: 0,
    };
    c.visit_block(block);
    c.out
}

struct Collect<'a> {
    out: Vec<Binding<'a>>,
    nodes: usize,
}

impl<'a> Visit<'a> for Collect<'a> {
    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return;
        }
        visit::visit_expr(self, e);
    }

    fn visit_local(&mut self, l: &'a syn::Local) {
        let (pat, ty) = match &l.pat {
            syn::Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
            p => (p, None),
        };
        if let syn::Pat::Ident(pi) = pat {
            self.out.push(Binding {
                ident: &pi.ident,
                mutable: pi.mutability.is_some(),
                ty,
                init: l.init.as_ref().map(|i| &*i.expr),
            });
        }
        visit::visit_local(self, l);
    }
}

/// Calls `f` on every expression under `block` (macro bodies included) until it returns
/// `true`; returns whether it did.
pub fn any_in_block(block: &syn::Block, f: &mut dyn FnMut(&syn::Expr) -> bool) -> bool {
    let mut w = Walker {
        f,
        found: false,
        depth: 0,
        nodes: 0,
    };
    w.visit_block(block);
    w.found
}

/// Calls `f` on `expr` and every expression under it (macro bodies and closures included)
/// until it returns `true`; returns whether it did.
pub fn any_in_expr(expr: &syn::Expr, f: &mut dyn FnMut(&syn::Expr) -> bool) -> bool {
    let mut w = Walker {
        f,
        found: false,
        depth: 0,
        nodes: 0,
    };
    w.visit_expr(expr);
    w.found
}

/// Calls `f` on every expression under `block`, macro bodies included.
pub fn for_each_in_block(block: &syn::Block, f: &mut dyn FnMut(&syn::Expr)) {
    any_in_block(block, &mut |e| {
        f(e);
        false
    });
}

struct Walker<'f> {
    f: &'f mut dyn FnMut(&syn::Expr) -> bool,
    found: bool,
    depth: usize,
    nodes: usize,
}

impl Walker<'_> {
    fn stopped(&self) -> bool {
        self.found || self.depth >= MAX_DEPTH || self.nodes >= MAX_NODES
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.stopped() {
            return;
        }
        self.nodes += 1;
        if (self.f)(e) {
            self.found = true;
            return;
        }
        self.depth += 1;
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        if self.stopped() {
            return;
        }
        self.depth += 1;
        visit::visit_block(self, b);
        self.depth -= 1;
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if self.stopped() {
            return;
        }
        self.depth += 1;
        for e in macros::body_exprs(m).iter() {
            self.visit_expr(e);
        }
        self.depth -= 1;
    }
}

/// Whether `expr` is the plain name `name` (through `&`, `*`, parens).
pub fn is_name(expr: &syn::Expr, name: &syn::Ident) -> bool {
    matches!(crate::analysis::paths::peel(expr), syn::Expr::Path(p)
        if p.qself.is_none() && p.path.segments.len() == 1 && p.path.segments[0].ident == *name)
}

/// The name of a plain-name expression (through `&`, `*`, parens): `Some("x")` exactly when
/// [`is_name`]`(expr, x)`, for looking locals up in a map rather than a list.
pub fn plain_name(expr: &syn::Expr) -> Option<String> {
    match crate::analysis::paths::peel(expr) {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

/// The local a plain-name expression refers to: the last binding of that name before `at`
/// (a span-free approximation: the last binding of the name in the body).
pub fn binding_of<'b, 'a>(
    bindings: &'b [Binding<'a>],
    expr: &syn::Expr,
) -> Option<&'b Binding<'a>> {
    let syn::Expr::Path(p) = crate::analysis::paths::peel(expr) else {
        return None;
    };
    if p.qself.is_some() || p.path.segments.len() != 1 {
        return None;
    }
    let name = &p.path.segments[0].ident;
    bindings.iter().rev().find(|b| b.ident == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_and_walks() {
        let f: syn::ItemFn = syn::parse_str(
            r#"fn f() {
                let mut h = Sha256::new();
                let x: u8 = 1;
                if a { let y = || { let z = 2; z }; }
                fn nested() { let hidden = 3; }
                println!("{}", secret);
            }"#,
        )
        .unwrap();
        let names: Vec<String> = bindings(&f.block)
            .iter()
            .map(|b| b.ident.to_string())
            .collect();
        assert_eq!(names, ["h", "x", "y", "z"]);
        let mut seen = 0;
        for_each_in_block(&f.block, &mut |e| {
            if matches!(e, syn::Expr::Path(p) if p.path.is_ident("secret")) {
                seen += 1;
            }
        });
        assert_eq!(seen, 1);
    }
}
