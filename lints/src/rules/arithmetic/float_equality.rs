use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::analysis::macros;
use crate::analysis::types;
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `==` and `!=` where an operand is a float literal (other than `0.0`) or a
    /// parameter or `let` whose type is `f32`/`f64`.
    ///
    /// ### Why is this bad?
    /// Floating-point arithmetic rounds: `0.1 + 0.2 == 0.3` is false. An exact comparison
    /// of computed values is usually a bug that passes the one test case tried, then fails on
    /// real data. Comparing with an exact zero (a division guard) is left alone.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn is_full(ratio: f64) -> bool {
    ///     ratio == 1.0
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn is_full(ratio: f64) -> bool {
    ///     (ratio - 1.0).abs() < 1e-9
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-1077: Floating Point Comparison with Incorrect Operator
    /// - clippy: `float_cmp`
    pub struct FloatEquality;
    name = "float_equality",
    family = Arithmetic,
    ai = Warn,
    human = Allow,
    cwe = 1077,
    summary = "`==` or `!=` on floating-point values",
}

fn is_zero_float(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_parse::<f64>().is_ok_and(|v| v == 0.0),
        syn::Expr::Unary(u) => is_zero_float(&u.expr),
        _ => false,
    }
}

fn is_float_lit(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(_),
            ..
        }) => true,
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => is_float_lit(&u.expr),
        syn::Expr::Paren(p) => is_float_lit(&p.expr),
        _ => false,
    }
}

/// Every finding is an `==` or `!=` operator of `f`'s body or of a macro call in it: its
/// token is in `f`'s text (syn parses `==` from two joint `=`, written together).
const NEEDLES: &[&str] = &["==", "!="];

impl Rule for FloatEquality {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if !cx.enabled(&Self::META) || !cx.fn_mentions(f, NEEDLES) {
            return;
        }
        let env = types::numeric_env(f);
        let mut hits = Vec::new();
        struct W<'e> {
            env: &'e std::collections::HashMap<String, types::Num>,
            hits: &'e mut Vec<proc_macro2::Span>,
        }
        impl<'a> Visit<'a> for W<'_> {
            fn visit_expr_binary(&mut self, b: &'a syn::ExprBinary) {
                syn::visit::visit_expr_binary(self, b);
                if !matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
                    return;
                }
                if is_zero_float(&b.left) || is_zero_float(&b.right) {
                    return;
                }
                let float = |e: &syn::Expr| {
                    is_float_lit(e)
                        || matches!(e, syn::Expr::Path(_))
                            && types::num_of_expr(e, self.env).is_some_and(|n| n.float)
                };
                if float(&b.left) || float(&b.right) {
                    self.hits.push(b.op.span());
                }
            }
            fn visit_item(&mut self, _: &'a syn::Item) {}
            fn visit_macro(&mut self, m: &'a syn::Macro) {
                for e in macros::body_exprs(m).iter() {
                    W {
                        env: self.env,
                        hits: &mut *self.hits,
                    }
                    .visit_expr(e);
                }
            }
        }
        W {
            env: &env,
            hits: &mut hits,
        }
        .visit_block(f.block);
        for span in hits {
            cx.report(
                &Self::META,
                span,
                "exact comparison of floating-point values",
            )
            .help("compare with a tolerance: `(a - b).abs() < EPSILON` for a suitable epsilon");
        }
    }
}
