use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::analysis::macros;
use crate::analysis::types::{self, Num};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `expr as <integer>` that can lose information, where the syntax shows the
    /// source type: a `len()`/`count()` (usize), a parameter or annotated `let` of a wider
    /// or signed type, a suffixed literal inside the expression, a nested cast. It fires when
    /// the target is narrower than the source, or the source is signed and the target
    /// unsigned. Literals and widening casts are not flagged.
    ///
    /// ### Why is this bad?
    /// `as` between integers never fails: it silently truncates or reinterprets the sign.
    /// `len as u32` wraps past 4 GiB, a negative `i64` offset becomes a huge `usize`, and a
    /// `u64` size read from input becomes a small `u16` that passes a bounds check.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn header(payload: &[u8], offset: i64) -> (u16, usize) {
    ///     (payload.len() as u16, offset as usize)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn header(payload: &[u8], offset: i64) -> Result<(u16, usize), TryFromIntError> {
    ///     Ok((u16::try_from(payload.len())?, usize::try_from(offset)?))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-681: Incorrect Conversion between Numeric Types
    /// - clippy: `cast_possible_truncation`, `cast_sign_loss`
    pub struct TruncatingCast;
    name = "truncating_cast",
    family = Arithmetic,
    ai = Warn,
    human = Allow,
    cwe = 681,
    summary = "an integer `as` cast that can truncate or lose the sign",
}

fn name(n: Num) -> String {
    if n.bits == 64 && !n.float {
        // usize/isize and u64/i64 print alike here; say the width.
        return format!("{}64", if n.signed { "i" } else { "u" });
    }
    format!(
        "{}{}",
        if n.float {
            "f"
        } else if n.signed {
            "i"
        } else {
            "u"
        },
        n.bits
    )
}

/// `x % 10 as u8`, `x & 0xff as u8`, `x >> 56 as u8`: the operation already bounds the
/// value to the target's range.
fn bounded_by_operation(expr: &syn::Expr, to: Num) -> bool {
    let e = match expr {
        syn::Expr::Paren(p) => &*p.expr,
        other => other,
    };
    let syn::Expr::Binary(b) = e else {
        return false;
    };
    let lit = match &*b.right {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u128>().ok(),
        _ => None,
    };
    let Some(k) = lit else {
        return false;
    };
    let max: u128 = if to.signed {
        (1u128 << (to.bits - 1)) - 1
    } else if to.bits >= 128 {
        u128::MAX
    } else {
        (1u128 << to.bits) - 1
    };
    match b.op {
        syn::BinOp::Rem(_) => k <= max + 1,
        syn::BinOp::BitAnd(_) => k <= max,
        syn::BinOp::Shr(_) => k >= 64 - u128::from(to.bits),
        _ => false,
    }
}

impl Rule for TruncatingCast {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if !cx.enabled(&Self::META) {
            return;
        }
        let env = types::numeric_env(f);
        let mut hits = Vec::new();
        struct W<'e> {
            env: &'e std::collections::HashMap<String, Num>,
            hits: &'e mut Vec<(proc_macro2::Span, String, String, bool)>,
        }
        impl<'a> Visit<'a> for W<'_> {
            fn visit_expr_cast(&mut self, c: &'a syn::ExprCast) {
                syn::visit::visit_expr_cast(self, c);
                let Some(to) = types::num_of_type(&c.ty) else {
                    return;
                };
                if to.float || matches!(&*c.expr, syn::Expr::Lit(_)) {
                    return;
                }
                let Some(from) = types::num_of_expr(&c.expr, self.env) else {
                    return;
                };
                if from.float {
                    return;
                }
                if bounded_by_operation(&c.expr, to) {
                    return;
                }
                let narrower = to.bits < from.bits;
                let sign_loss = from.signed && !to.signed;
                if narrower || sign_loss {
                    self.hits
                        .push((c.span(), name(from), types::type_text(&c.ty), narrower));
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
        for (span, from, to, narrower) in hits {
            let what = if narrower {
                "truncates"
            } else {
                "loses the sign of"
            };
            cx.report(&Self::META, span, format!("`as {to}` silently {what} a value of type `{from}`"))
                .help(format!("use `{to}::try_from(..)` and handle the error, or prove the range with a check first"));
        }
    }
}
