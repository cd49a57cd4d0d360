use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::credentials::{self, Evidence};
use crate::analysis::paths;
use crate::analysis::{macros, vocab::Vocab};
use crate::cx::Cx;
use crate::fnlike::FnKind;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `==`, `!=`, `.eq()` and `.ne()` where either operand is secret-named or named
    /// like a signature, MAC, HMAC, digest, hash, checksum or expected token, inside a
    /// check-named function (`verify_*`, `validate_*`, `is_authorized`, ..) or in an `if` that
    /// guards a `return`. Comparing lengths, comparing with `None`, with an empty or
    /// placeholder literal or with an enum variant is not flagged.
    ///
    /// ### Why is this bad?
    /// `==` on slices and strings stops at the first differing byte, so the time it takes
    /// tells an attacker how many leading bytes of their guess are right. Repeating the
    /// request byte by byte recovers a valid MAC or token without the key (CWE-208).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn verify_webhook(body: &[u8], signature: &[u8], key: &[u8]) -> bool {
    ///     let expected = hmac_sha256(key, body);
    ///     expected.as_slice() == signature
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use subtle::ConstantTimeEq;
    ///
    /// fn verify_webhook(body: &[u8], signature: &[u8], key: &[u8]) -> bool {
    ///     let expected = hmac_sha256(key, body);
    ///     expected.as_slice().ct_eq(signature).into()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-208: Observable Timing Discrepancy
    /// - semgrep: `generic.secrets.security.timing-attack`
    /// - crates: `subtle`, `constant_time_eq`
    pub struct NonConstantTimeCompare;
    name = "non_constant_time_compare",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 208,
    summary = "secret, MAC or digest compared with `==`",
}

const HELP: &str = "compare in constant time: `subtle::ConstantTimeEq` (`a.ct_eq(b).into()`), `constant_time_eq::constant_time_eq(a, b)`, or the MAC's own `verify_slice`";

impl Rule for NonConstantTimeCompare {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Macro]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if !applies(cx) {
            return;
        }
        if cx.in_check_fn() {
            // Every comparison in a check-named fn.
            if let Some(cmp) = comparison(expr) {
                check_comparison(cx, &cmp);
            }
            return;
        }
        if let syn::Expr::If(i) = expr
            && (guards_return(&i.then_branch)
                || matches!(i.else_branch.as_ref().map(|(_, e)| &**e), Some(syn::Expr::Block(b)) if guards_return(&b.block)))
        {
            for cmp in comparisons_in_cond(&i.cond) {
                check_comparison(cx, &cmp);
            }
        }
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        // `ensure!(sig == expected, ..)` guards a return (in a check-named fn the
        // comparison is already seen as an expression).
        if !applies(cx) || cx.in_check_fn() || macros::macro_name(mac) != "ensure" {
            return;
        }
        let Some(exprs) = macros::parse_expr_list(mac) else {
            return;
        };
        if let Some(first) = exprs.first() {
            for cmp in comparisons_in_cond(first) {
                check_comparison(cx, &cmp);
            }
        }
    }
}

/// Test code, and the comparison operators themselves (`impl PartialEq`), are exempt.
fn applies(cx: &Cx<'_>) -> bool {
    if cx.in_test() || !cx.enabled(&NonConstantTimeCompare::META) {
        return false;
    }
    match cx.current_fn() {
        Some(f) => {
            let eq_trait = matches!(&f.kind, FnKind::TraitImpl { trait_name, .. }
                if matches!(trait_name.as_str(), "PartialEq" | "Eq" | "PartialOrd" | "Ord" | "Hash"));
            !eq_trait
                && !matches!(
                    f.name.as_str(),
                    "eq" | "ne" | "cmp" | "partial_cmp" | "hash"
                )
        }
        None => true,
    }
}

/// One comparison: its operator span, its operands, and its text (`==`, `.eq()`).
struct Comparison<'a> {
    span: Span,
    op: &'static str,
    left: &'a syn::Expr,
    right: &'a syn::Expr,
}

fn comparison(expr: &syn::Expr) -> Option<Comparison<'_>> {
    match expr {
        syn::Expr::Binary(b) => {
            let op = match b.op {
                syn::BinOp::Eq(_) => "==",
                syn::BinOp::Ne(_) => "!=",
                _ => return None,
            };
            Some(Comparison {
                span: b.op.span(),
                op,
                left: &b.left,
                right: &b.right,
            })
        }
        syn::Expr::MethodCall(m) if m.args.len() == 1 && (m.method == "eq" || m.method == "ne") => {
            Some(Comparison {
                span: m.method.span(),
                op: if m.method == "eq" { ".eq()" } else { ".ne()" },
                left: &m.receiver,
                right: &m.args[0],
            })
        }
        _ => None,
    }
}

/// The comparisons of an `if` condition, through `&&`, `||`, `!` and parentheses.
fn comparisons_in_cond(cond: &syn::Expr) -> Vec<Comparison<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![cond];
    while let Some(e) = stack.pop() {
        if out.len() > 32 {
            break;
        }
        match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                stack.push(&b.right);
                stack.push(&b.left);
            }
            syn::Expr::Paren(p) => stack.push(&p.expr),
            syn::Expr::Group(g) => stack.push(&g.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => stack.push(&u.expr),
            other => {
                if let Some(c) = comparison(other) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Whether a block leaves the function: a `return`, `bail!(..)`, or `Err(..)?` statement.
fn guards_return(block: &syn::Block) -> bool {
    block.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(syn::Expr::Return(_), _) => true,
        syn::Stmt::Expr(syn::Expr::Try(t), _) => matches!(&*t.expr, syn::Expr::Call(c)
            if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err"))),
        syn::Stmt::Expr(syn::Expr::Macro(m), _) => macros::macro_name(&m.mac) == "bail",
        syn::Stmt::Macro(m) => macros::macro_name(&m.mac) == "bail",
        _ => false,
    })
}

fn check_comparison(cx: &mut Cx<'_>, cmp: &Comparison<'_>) {
    let vocab = cx.vocab();
    if is_sentinel(cmp.left, vocab) || is_sentinel(cmp.right, vocab) {
        return;
    }
    // A check-named fn vouches for `token`, `hash`, `mac`; elsewhere only unambiguous
    // names count (`hash` is a hash-table hash, `token` a lexer token, as often as not).
    let in_check = cx.in_check_fn();
    let named = |n: &String| {
        if in_check {
            vocab.is_digest_name(n)
        } else {
            vocab.is_strong_digest_name(n)
        }
    };
    let secret = [cmp.left, cmp.right]
        .into_iter()
        .find_map(|e| paths::expr_name(e).filter(named).map(|n| (e, n)));
    let Some((operand, name)) = secret else {
        return;
    };
    let op = cmp.op;
    cx.report(
        &NonConstantTimeCompare::META,
        cmp.span,
        format!("`{name}` compared with `{op}`, which is not constant-time"),
    )
    .label(operand.span(), "secret or authenticator value")
    .help(HELP);
}

/// An operand that is not a secret value: `None`, a literal other than a credential-like
/// string, `Default::default()`, an array literal, an enum variant (`Token::Eof`,
/// `Status::Ok(..)`), a struct literal.
fn is_sentinel(expr: &syn::Expr, vocab: &Vocab) -> bool {
    match paths::peel(expr) {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => !credentials::could_be_secret(&s.value(), vocab, Evidence::Weak),
            syn::Lit::ByteStr(b) => !credentials::could_be_secret(
                &String::from_utf8_lossy(&b.value()),
                vocab,
                Evidence::Weak,
            ),
            _ => true,
        },
        syn::Expr::Path(p) => is_variant_path(&p.path),
        syn::Expr::Call(c) => match paths::peel(&c.func) {
            // `Some("")`, `Ok(0)`
            syn::Expr::Path(p)
                if (p.path.is_ident("Some") || p.path.is_ident("Ok")) && c.args.len() == 1 =>
            {
                is_sentinel(&c.args[0], vocab)
            }
            syn::Expr::Path(p) => {
                let segs = paths::segments(&p.path);
                let ctor = segs.len() >= 2
                    && matches!(segs.last().map(String::as_str), Some("from" | "new"))
                    && c.args.len() == 1
                    && is_sentinel(&c.args[0], vocab);
                ctor || is_variant_path(&p.path) || paths::ends_with(&segs, &["Default", "default"])
            }
            _ => false,
        },
        syn::Expr::Array(_) | syn::Expr::Repeat(_) | syn::Expr::Struct(_) | syn::Expr::Tuple(_) => {
            true
        }
        syn::Expr::MethodCall(m) => m.method == "is_empty" || m.method == "len",
        _ => false,
    }
}

/// `None`, `Token::Eof`, `Kind::Ident`: a unit or tuple variant, not a value.
fn is_variant_path(path: &syn::Path) -> bool {
    let segs = paths::segments(path);
    match segs.as_slice() {
        [one] => one == "None",
        [.., last] => {
            last.chars().next().is_some_and(char::is_uppercase)
                && last.chars().any(char::is_lowercase)
        }
        [] => false,
    }
}
