use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::analysis::guards;
use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags loops that run one step past the end: `for i in 0..=x.len()` or
    /// `for i in ..=x.len()`, and `while i <= x.len()`, where the loop body indexes `x` with
    /// the loop variable.
    ///
    /// ### Why is this bad?
    /// Valid indices are `0..x.len()`; the last iteration indexes `x[x.len()]` and panics
    /// (or, with `get_unchecked` or pointer arithmetic, reads past the buffer). It is the
    /// classic off-by-one, and assistants translating C-style `<=` loops produce it.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn sum(xs: &[u32]) -> u32 {
    ///     let mut total = 0;
    ///     for i in 0..=xs.len() {
    ///         total += xs[i];
    ///     }
    ///     total
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn sum(xs: &[u32]) -> u32 {
    ///     let mut total = 0;
    ///     for i in 0..xs.len() {
    ///         total += xs[i];
    ///     }
    ///     total
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-193: Off-by-one Error
    pub struct OffByOneRange;
    name = "off_by_one_range",
    family = Arithmetic,
    ai = Deny,
    human = Warn,
    cwe = 193,
    summary = "a loop that runs to `len()` inclusive and indexes with it",
}

/// The receiver of `x.len()`.
fn len_receiver(e: &syn::Expr) -> Option<&syn::Expr> {
    match e {
        syn::Expr::MethodCall(m) if m.method == "len" && m.args.is_empty() => Some(&m.receiver),
        syn::Expr::Paren(p) => len_receiver(&p.expr),
        _ => None,
    }
}

/// Whether `body` indexes `coll` with the variable `var` (`coll[var]`, `coll[var..]`).
fn indexes_with(body: &syn::Block, coll: &str, var: &str) -> bool {
    struct W<'s> {
        coll: &'s str,
        var: &'s str,
        found: bool,
    }
    impl<'a> Visit<'a> for W<'_> {
        fn visit_expr_index(&mut self, i: &'a syn::ExprIndex) {
            let idx = match &*i.index {
                syn::Expr::Range(r) => r.start.as_deref().map(guards::text),
                other => Some(guards::text(other)),
            };
            if guards::text(&i.expr) == self.coll && idx.as_deref() == Some(self.var) {
                self.found = true;
            }
            syn::visit::visit_expr_index(self, i);
        }
    }
    let mut w = W {
        coll,
        var,
        found: false,
    };
    w.visit_block(body);
    w.found
}

impl Rule for OffByOneRange {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        match expr {
            syn::Expr::ForLoop(f) => {
                let syn::Expr::Range(r) = &*f.expr else {
                    return;
                };
                if !matches!(r.limits, syn::RangeLimits::Closed(_)) {
                    return;
                }
                let (Some(end), syn::Pat::Ident(var)) = (&r.end, &*f.pat) else {
                    return;
                };
                let Some(coll) = len_receiver(end) else {
                    return;
                };
                let coll = guards::text(coll);
                let var = var.ident.to_string();
                if indexes_with(&f.body, &coll, &var) {
                    cx.report(
                        &Self::META,
                        r.limits.span(),
                        format!("`..={coll}.len()` makes `{var}` reach `{coll}.len()`, one past the last index"),
                    )
                    .label(end.span(), "inclusive end")
                    .help(format!("use `..{coll}.len()` (or iterate with `{coll}.iter()`)"));
                }
            }
            syn::Expr::While(w) => {
                let syn::Expr::Binary(b) = &*w.cond else {
                    return;
                };
                let (var, end) = match b.op {
                    syn::BinOp::Le(_) => (&*b.left, &*b.right),
                    syn::BinOp::Ge(_) => (&*b.right, &*b.left),
                    _ => return,
                };
                let (syn::Expr::Path(_), Some(coll)) = (var, len_receiver(end)) else {
                    return;
                };
                let coll = guards::text(coll);
                let var = guards::text(var);
                if indexes_with(&w.body, &coll, &var) {
                    cx.report(
                        &Self::META,
                        b.op.span(),
                        format!("`{var} <= {coll}.len()` lets `{var}` reach `{coll}.len()`, one past the last index"),
                    )
                    .help(format!("use `{var} < {coll}.len()`"));
                }
            }
            _ => {}
        }
    }
}
