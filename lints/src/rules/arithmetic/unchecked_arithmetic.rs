use proc_macro2::TokenTree;
use syn::spanned::Spanned;

use crate::analysis::macros;
use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags integer `+`, `-`, `*` and `<<` with non-literal operands where an overflow does
    /// damage: in an allocation size (`with_capacity`, `reserve`, `vec![x; n]`, `alloc`,
    /// `Layout::from_size_align`, `Layout::array`) and in an index or pointer offset
    /// (`a[i * stride]`, `a[i - 1]`, `ptr.add(i * size)`). `wrapping_*`, `checked_*`,
    /// `saturating_*` calls and float arithmetic are not flagged; nor is `i + 1` in an index
    /// or a sum of `len()`s in a size.
    ///
    /// ### Why is this bad?
    /// In release builds integer overflow wraps silently: `count * size_of::<T>()` becomes a
    /// small allocation that later writes overflow, and `i - 1` at zero becomes a huge index.
    /// Assistants write the arithmetic the way the formula reads and skip the range check.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn buffer(count: usize, width: usize) -> Vec<u8> {
    ///     Vec::with_capacity(count * width)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn buffer(count: usize, width: usize) -> Option<Vec<u8>> {
    ///     Some(Vec::with_capacity(count.checked_mul(width)?))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-190: Integer Overflow or Wraparound
    /// - clippy: `arithmetic_side_effects`
    pub struct UncheckedArithmetic;
    name = "unchecked_arithmetic",
    family = Arithmetic,
    ai = Warn,
    human = Allow,
    cwe = 190,
    summary = "integer arithmetic that can overflow in a size or an index",
}

fn is_lit(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Paren(p) => is_lit(&p.expr),
        syn::Expr::Unary(u) => is_lit(&u.expr),
        _ => false,
    }
}

/// A compile-time constant: a literal, an `ALL_CAPS` constant or associated constant
/// (`MAX_LEN`, `u32::BITS`), `size_of::<T>()`/`align_of`, a macro (`offset_of!`), or
/// arithmetic over those.
fn is_const_like(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Paren(p) => is_const_like(&p.expr),
        syn::Expr::Unary(u) => is_const_like(&u.expr),
        syn::Expr::Cast(c) => is_const_like(&c.expr),
        syn::Expr::Macro(_) => true,
        syn::Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            n.len() > 1
                && n.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        }),
        syn::Expr::Call(c) => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
                matches!(s.ident.to_string().as_str(), "size_of" | "align_of" | "size_of_val")
            }))
        }
        syn::Expr::Binary(b) => is_const_like(&b.left) && is_const_like(&b.right),
        _ => false,
    }
}

fn is_float(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(_),
            ..
        }) => true,
        syn::Expr::Paren(p) => is_float(&p.expr),
        syn::Expr::Binary(b) => is_float(&b.left) || is_float(&b.right),
        syn::Expr::Cast(c) => {
            matches!(&*c.ty, syn::Type::Path(p) if p.path.is_ident("f64") || p.path.is_ident("f32"))
        }
        _ => false,
    }
}

fn is_len(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::MethodCall(m) => m.method == "len" && m.args.is_empty(),
        syn::Expr::Paren(p) => is_len(&p.expr),
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
            (is_len(&b.left) || is_lit(&b.left)) && (is_len(&b.right) || is_lit(&b.right))
        }
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Size,
    Index,
}

/// The risky operator of an arithmetic expression in `place`, if any.
fn risky(e: &syn::Expr, place: Place) -> Option<&syn::ExprBinary> {
    match e {
        syn::Expr::Paren(p) => risky(&p.expr, place),
        syn::Expr::Cast(c) => risky(&c.expr, place),
        syn::Expr::Binary(b) => {
            let arith = matches!(
                b.op,
                syn::BinOp::Add(_) | syn::BinOp::Sub(_) | syn::BinOp::Mul(_) | syn::BinOp::Shl(_)
            );
            if !arith {
                return None;
            }
            if is_float(e) || is_const_like(e) {
                return None;
            }
            if let Some(inner) = risky(&b.left, place).or_else(|| risky(&b.right, place)) {
                return Some(inner);
            }
            let lit_operand = is_const_like(&b.left) || is_const_like(&b.right);
            match (place, &b.op) {
                (Place::Size, syn::BinOp::Add(_)) if is_len(e) => None,
                (Place::Size, syn::BinOp::Sub(_)) if is_len(&b.left) => None,
                (Place::Index, syn::BinOp::Add(_)) if lit_operand => None,
                _ => Some(b),
            }
        }
        _ => None,
    }
}

const SIZE_FNS: &[&str] = &[
    "with_capacity",
    "reserve",
    "reserve_exact",
    "alloc",
    "alloc_zeroed",
    "from_size_align",
    "from_size_align_unchecked",
    "array",
    "repeat",
];

const OFFSET_METHODS: &[&str] = &["add", "sub", "offset", "byte_add", "byte_offset"];

impl UncheckedArithmetic {
    fn report(cx: &mut Cx<'_>, b: &syn::ExprBinary, place: Place) {
        let what = match place {
            Place::Size => "an allocation size",
            Place::Index => "an index",
        };
        cx.report(&Self::META, b.op.span(), format!("unchecked arithmetic in {what} can overflow"))
            .label(b.span(), "this can wrap around")
            .help("use `checked_add`/`checked_mul`/`checked_sub` and handle `None`, or bound the operands first");
    }
}

impl Rule for UncheckedArithmetic {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Macro]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        match expr {
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return;
                };
                let Some(last) = p.path.segments.last() else {
                    return;
                };
                if SIZE_FNS.contains(&last.ident.to_string().as_str()) {
                    for a in &c.args {
                        if let Some(b) = risky(a, Place::Size) {
                            Self::report(cx, b, Place::Size);
                        }
                    }
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let place = if SIZE_FNS.contains(&method.as_str()) {
                    Place::Size
                } else if OFFSET_METHODS.contains(&method.as_str()) && m.args.len() == 1 {
                    Place::Index
                } else {
                    return;
                };
                for a in &m.args {
                    if let Some(b) = risky(a, place) {
                        Self::report(cx, b, place);
                    }
                }
            }
            syn::Expr::Index(i) => {
                let parts: Vec<&syn::Expr> = match &*i.index {
                    syn::Expr::Range(r) => {
                        r.start.iter().chain(r.end.iter()).map(|b| &**b).collect()
                    }
                    other => vec![other],
                };
                for p in parts {
                    if let Some(b) = risky(p, Place::Index) {
                        Self::report(cx, b, Place::Index);
                    }
                }
            }
            _ => {}
        }
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        if macros::macro_name(mac) != "vec" {
            return;
        }
        let has_semi = mac
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'));
        if !has_semi {
            return;
        }
        if let Some(args) = macros::parse_expr_list(mac)
            && let Some(n) = args.get(1)
            && let Some(b) = risky(n, Place::Size)
        {
            Self::report(cx, b, Place::Size);
        }
    }
}
