use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;

use crate::analysis::body::{self, Scope};
use crate::analysis::paths;
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags conditions and statements that cannot do what they seem to:
    ///
    /// - comparing a value with itself: `x == x`, `x != x`, `x < x`, `x >= x`;
    /// - `a && !a` (always `false`) and `a || !a` (always `true`);
    /// - an unsigned value against zero: `x.len() >= 0` (always `true`), `x.len() < 0`
    ///   (always `false`), likewise for `count()`, `capacity()`, `as usize`/`as u32`
    ///   casts, unsigned-typed parameters and `let`s, and `x >= 0u32`;
    /// - `if c { A } else { A }` with token-identical branches;
    /// - a `match` whose every arm is the same expression (and binds nothing it uses);
    /// - `x = x`.
    ///
    /// Operands must be free of side effects (paths, fields, literals, indexing, and pure
    /// methods like `len()`): `next() == next()` is not a tautology. `x != x` on an
    /// `f32`/`f64` parameter or `let` is the NaN test and is left alone (prefer
    /// `x.is_nan()`). Test code is not checked: tests compare values with themselves on
    /// purpose (reflexivity of `PartialEq`).
    ///
    /// ### Why is this bad?
    /// A condition that is always true or always false is a check that does not check.
    /// AI assistants produce these when they compare the wrong variable (`token ==
    /// token` where `token == expected` was meant), guard with an impossible bound, or
    /// fill both branches of an `if` with the same code. The code compiles and reads as
    /// validation (CWE-571: expression is always true, CWE-570: always false).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn check(token: &str, expected: &str, items: &[u8]) -> bool {
    ///     if items.len() >= 0 && token == token {
    ///         return true;
    ///     }
    ///     false
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn check(token: &str, expected: &str, items: &[u8]) -> bool {
    ///     !items.is_empty() && constant_time_eq(token.as_bytes(), expected.as_bytes())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-571: Expression is Always True
    /// - CWE-570: Expression is Always False
    /// - clippy: `eq_op`, `absurd_extreme_comparisons`, `if_same_then_else`,
    ///   `match_same_arms`, `self_assignment`, `overly_complex_bool_expr`
    pub struct Tautology;
    name = "tautology",
    family = Logic,
    ai = Deny,
    human = Warn,
    cwe = 571,
    summary = "condition or statement that is always true, always false or has no effect",
}

impl Rule for Tautology {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let mut found: Vec<(Span, String, &'static str)> = Vec::new();
        body::for_each_expr_scoped(Some(f.sig), f.block, &mut |e, scope| {
            let x = match e {
                syn::Expr::Binary(b) => binary(scope, b),
                syn::Expr::If(i) => same_branches(i),
                syn::Expr::Match(m) => same_arms(m),
                _ => None,
            };
            if let Some(x) = x {
                found.push(x);
            }
        });
        self_assignments(f.block, &mut found);
        for (span, message, help) in found {
            cx.report(&Self::META, span, message).help(help);
        }
    }
}

type Hit = (Span, String, &'static str);

fn text<T: ToTokens>(t: &T) -> String {
    t.to_token_stream().to_string()
}

/// Operands, branches and arms are compared as text only when they have at most this many
/// expressions, statements and items: the repeated code this rule looks for is short, and
/// printing a whole subtree at every level of a nested `match`, `if`/`else` or `==` would
/// take time quadratic in the nesting.
const MAX_COMPARED_NODES: usize = 256;

/// Counts expressions, statements and items, and stops descending past
/// [`MAX_COMPARED_NODES`].
#[derive(Default)]
struct NodeCount(usize);

impl NodeCount {
    fn enter(&mut self) -> bool {
        self.0 += 1;
        self.0 <= MAX_COMPARED_NODES
    }
}

impl<'a> syn::visit::Visit<'a> for NodeCount {
    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.enter() {
            syn::visit::visit_expr(self, e);
        }
    }
    fn visit_stmt(&mut self, s: &'a syn::Stmt) {
        if self.enter() {
            syn::visit::visit_stmt(self, s);
        }
    }
    fn visit_item(&mut self, i: &'a syn::Item) {
        if self.enter() {
            syn::visit::visit_item(self, i);
        }
    }
}

fn small(e: &syn::Expr) -> bool {
    let mut c = NodeCount::default();
    syn::visit::Visit::visit_expr(&mut c, e);
    c.0 <= MAX_COMPARED_NODES
}

fn small_block(b: &syn::Block) -> bool {
    let mut c = NodeCount::default();
    syn::visit::Visit::visit_block(&mut c, b);
    c.0 <= MAX_COMPARED_NODES
}

/// `a` and `b` are the same tokens (both small enough to compare). The same tokens parse
/// the same way, so expressions of different kinds are told apart before being printed.
fn same_text(a: &syn::Expr, b: &syn::Expr) -> bool {
    kind(a) == kind(b) && small(a) && small(b) && text(a) == text(b)
}

/// The kind of `e`, through invisible groups: a `macro_rules!` fragment (`$e:expr`) is
/// wrapped in one, which prints as the tokens it holds.
fn kind(mut e: &syn::Expr) -> std::mem::Discriminant<syn::Expr> {
    while let syn::Expr::Group(g) = e {
        e = &g.expr;
    }
    std::mem::discriminant(e)
}

/// Token text as code is written: `items . len () >= 0` → `items.len() >= 0`.
fn compact(s: &str) -> String {
    let is_operator = |t: &str| {
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_punctuation())
            && !matches!(t, ")" | "]" | "?")
    };
    let mut out = String::new();
    let (mut prev, mut prev2) = ("", "");
    for part in s.split(' ').filter(|p| !p.is_empty()) {
        let glue_before = matches!(part, "." | "(" | ")" | "," | "?" | ";" | "[" | "]" | "::")
            || part.starts_with('(')
            || part.starts_with('.');
        // `&`, `*`, `-` are unary at the start or after an operator: `== &y`, `(-1)`.
        let unary = matches!(prev, "&" | "*" | "-")
            && (prev2.is_empty() || is_operator(prev2) || prev2 == "(");
        let glue_after = matches!(prev, "." | "(" | "[" | "!" | "::") || unary;
        if !out.is_empty() && !glue_before && !glue_after {
            out.push(' ');
        }
        out.push_str(part);
        prev2 = prev;
        prev = part;
    }
    out
}

/// Methods without side effects whose result is the same on the same receiver.
fn is_pure_method(m: &str) -> bool {
    matches!(
        m,
        "len"
            | "is_empty"
            | "as_str"
            | "as_ref"
            | "as_bytes"
            | "as_slice"
            | "as_deref"
            | "clone"
            | "to_string"
            | "to_owned"
            | "capacity"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "abs"
            | "count_ones"
            | "get"
            | "first"
            | "last"
            | "trim"
            | "to_lowercase"
            | "to_uppercase"
            | "unwrap_or_default"
    )
}

/// No side effects: paths, literals, fields, indexing, casts, arithmetic and pure methods.
fn pure(e: &syn::Expr) -> bool {
    pure_at(e, 0)
}

fn pure_at(e: &syn::Expr, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let p = |x: &syn::Expr| pure_at(x, depth + 1);
    match e {
        syn::Expr::Path(_) | syn::Expr::Lit(_) => true,
        syn::Expr::Paren(x) => p(&x.expr),
        syn::Expr::Group(x) => p(&x.expr),
        syn::Expr::Reference(x) => p(&x.expr),
        syn::Expr::Field(x) => p(&x.base),
        syn::Expr::Index(x) => p(&x.expr) && p(&x.index),
        syn::Expr::Cast(x) => p(&x.expr),
        syn::Expr::Unary(x) => p(&x.expr),
        syn::Expr::Tuple(t) => t.elems.iter().all(p),
        syn::Expr::Binary(b) => !is_assign_op(&b.op) && p(&b.left) && p(&b.right),
        syn::Expr::MethodCall(m) => {
            is_pure_method(&m.method.to_string()) && p(&m.receiver) && m.args.iter().all(p)
        }
        _ => false,
    }
}

fn is_assign_op(op: &syn::BinOp) -> bool {
    matches!(
        op,
        syn::BinOp::AddAssign(_)
            | syn::BinOp::SubAssign(_)
            | syn::BinOp::MulAssign(_)
            | syn::BinOp::DivAssign(_)
            | syn::BinOp::RemAssign(_)
            | syn::BinOp::BitXorAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::BitOrAssign(_)
            | syn::BinOp::ShlAssign(_)
            | syn::BinOp::ShrAssign(_)
    )
}

fn binary(scope: &Scope<'_>, b: &syn::ExprBinary) -> Option<Hit> {
    use syn::BinOp::{And, Eq, Ge, Gt, Le, Lt, Ne, Or};
    let shown = || compact(&text(b));
    match b.op {
        Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
            if pure(&b.left) && same_text(&b.left, &b.right) {
                if matches!(b.op, Eq(_) | Ne(_)) && maybe_float(scope, &b.left) {
                    return None;
                }
                let always = matches!(b.op, Eq(_) | Le(_) | Ge(_));
                return Some((
                    b.span(),
                    format!(
                        "`{}` compares a value with itself and is always `{always}`",
                        shown()
                    ),
                    "compare with the value that was meant (often another variable of the same name)",
                ));
            }
            unsigned_vs_zero(scope, b)
        }
        And(_) | Or(_) => {
            let contradiction = |x: &syn::Expr, y: &syn::Expr| {
                matches!(paths::peel(y), syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_))
                    && pure(&u.expr) && same_text(strip_paren(&u.expr), strip_paren(x)))
            };
            if contradiction(&b.left, &b.right) || contradiction(&b.right, &b.left) {
                let always = matches!(b.op, Or(_));
                return Some((
                    b.span(),
                    format!("`{}` is always `{always}`", shown()),
                    "one of the operands should test something else",
                ));
            }
            None
        }
        _ => None,
    }
}

fn strip_paren(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip_paren(&p.expr),
        syn::Expr::Group(g) => strip_paren(&g.expr),
        _ => e,
    }
}

/// Whether `x == x`/`x != x` may be the NaN test: `x` is a float literal, `self`, a field
/// or index (type unknown), or a variable whose type is a float, a generic parameter
/// (`T`, `Self`) or not known at all. Comparing a known string or integer with itself is a
/// mistake; comparing a value of unknown type is too often `is_nan` spelled by hand.
fn maybe_float(scope: &Scope<'_>, e: &syn::Expr) -> bool {
    match paths::peel(e) {
        syn::Expr::Path(p) => {
            let Some(id) = p.path.get_ident() else {
                return false;
            };
            if id == "self" {
                return true;
            }
            let Some(b) = scope.lookup(&id.to_string()) else {
                // A constant or a static: its type is elsewhere.
                return false;
            };
            if let Some(t) = b.ty {
                return type_maybe_float(t);
            }
            match b.init.map(paths::peel) {
                Some(syn::Expr::Lit(syn::ExprLit { lit, .. })) => matches!(lit, syn::Lit::Float(_)),
                Some(syn::Expr::MethodCall(m)) => !matches!(
                    m.method.to_string().as_str(),
                    "len"
                        | "count"
                        | "to_string"
                        | "as_str"
                        | "to_owned"
                        | "clone"
                        | "to_lowercase"
                ),
                Some(syn::Expr::Macro(_)) => false,
                _ => true,
            }
        }
        syn::Expr::Lit(syn::ExprLit { lit, .. }) => matches!(lit, syn::Lit::Float(_)),
        syn::Expr::MethodCall(_) => false,
        _ => true,
    }
}

/// `f32`, `f64`, a single-segment generic-looking type (`T`, `Self`, `F`), or `&` of those.
fn type_maybe_float(t: &syn::Type) -> bool {
    match t {
        syn::Type::Reference(r) => type_maybe_float(&r.elem),
        syn::Type::Paren(p) => type_maybe_float(&p.elem),
        syn::Type::Path(p) => p.path.get_ident().is_some_and(|i| {
            let s = i.to_string();
            s == "f32"
                || s == "f64"
                || s == "Self"
                || (s.len() <= 2 && s.chars().all(|c| c.is_ascii_uppercase()))
        }),
        syn::Type::ImplTrait(_) => true,
        _ => false,
    }
}

const UNSIGNED: &[&str] = &["u8", "u16", "u32", "u64", "u128", "usize"];

fn is_unsigned_type(t: &syn::Type) -> bool {
    matches!(t, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| UNSIGNED.iter().any(|u| i == u)))
}

/// Whether `e` is visibly unsigned: `len()`, `count()`, `capacity()`, an unsigned cast,
/// an unsigned-suffixed literal, an unsigned-typed parameter or `let`, or a `let` bound to
/// one of those.
fn is_unsigned(scope: &Scope<'_>, e: &syn::Expr, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    match paths::peel(e) {
        syn::Expr::MethodCall(m) => {
            m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "len"
                        | "count"
                        | "capacity"
                        | "count_ones"
                        | "count_zeros"
                        | "leading_zeros"
                        | "trailing_zeros"
                )
        }
        syn::Expr::Cast(c) => is_unsigned_type(&c.ty),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => UNSIGNED.contains(&i.suffix()),
        syn::Expr::Path(_) => scope.of_expr(e).is_some_and(|b| match b.ty {
            Some(t) => is_unsigned_type(t),
            None => b.init.is_some_and(|i| is_unsigned(scope, i, depth + 1)),
        }),
        _ => false,
    }
}

/// A zero literal: `0`, `0usize`, `0u32`; `Some(true)` if it carries an unsigned suffix.
fn zero(e: &syn::Expr) -> Option<bool> {
    match paths::peel(e) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) if i.base10_digits() == "0" => Some(UNSIGNED.contains(&i.suffix())),
        _ => None,
    }
}

/// `x.len() >= 0`, `x.len() < 0`, `0 <= n` with `n: u32`, `x >= 0usize`.
fn unsigned_vs_zero(scope: &Scope<'_>, b: &syn::ExprBinary) -> Option<Hit> {
    use syn::BinOp::{Ge, Gt, Le, Lt};
    // Normalize to `value OP 0`.
    let (value, op_ge, op_lt) = match (zero(&b.left), zero(&b.right)) {
        (None, Some(suffixed)) => {
            let v = &*b.left;
            if !(suffixed || is_unsigned(scope, v, 0)) {
                return None;
            }
            (v, matches!(b.op, Ge(_)), matches!(b.op, Lt(_)))
        }
        (Some(suffixed), None) => {
            let v = &*b.right;
            if !(suffixed || is_unsigned(scope, v, 0)) {
                return None;
            }
            // `0 <= v` is `v >= 0`; `0 > v` is `v < 0`.
            (v, matches!(b.op, Le(_)), matches!(b.op, Gt(_)))
        }
        _ => return None,
    };
    if !op_ge && !op_lt {
        return None;
    }
    Some((
        b.span(),
        format!(
            "`{}` is always `{}`: `{}` is unsigned",
            compact(&text(b)),
            op_ge,
            compact(&text(value))
        ),
        if op_ge {
            "remove the check, or test what was meant (`> 0`, `!x.is_empty()`)"
        } else {
            "remove the check; an unsigned value is never negative"
        },
    ))
}

/// `x = x;` as a statement (not `name = value` arguments inside macros).
fn self_assignments(block: &syn::Block, found: &mut Vec<Hit>) {
    struct W<'o> {
        found: &'o mut Vec<Hit>,
        depth: usize,
    }
    impl<'a> syn::visit::Visit<'a> for W<'_> {
        fn visit_item(&mut self, _: &'a syn::Item) {}
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if self.depth >= crate::checker::MAX_EXPR_DEPTH {
                return;
            }
            self.depth += 1;
            syn::visit::visit_expr(self, e);
            self.depth -= 1;
        }
        fn visit_stmt(&mut self, s: &'a syn::Stmt) {
            if let syn::Stmt::Expr(syn::Expr::Assign(a), _) = s
                && pure(&a.left)
                && same_text(&a.left, &a.right)
            {
                self.found.push((
                    a.span(),
                    format!("`{}` assigns a value to itself", compact(&text(a))),
                    "remove the assignment, or assign the value that was meant",
                ));
            }
            syn::visit::visit_stmt(self, s);
        }
    }
    let mut w = W { found, depth: 0 };
    syn::visit::Visit::visit_block(&mut w, block);
}

fn is_trivial_block(b: &syn::Block) -> bool {
    b.stmts.is_empty()
}

/// `if c { A } else { A }`.
fn same_branches(i: &syn::ExprIf) -> Option<Hit> {
    if matches!(paths::peel(&i.cond), syn::Expr::Let(_)) {
        return None;
    }
    let Some((_, els)) = &i.else_branch else {
        return None;
    };
    let syn::Expr::Block(eb) = &**els else {
        return None;
    };
    // the same tokens parse into as many statements (checked before printing them)
    if i.then_branch.stmts.len() != eb.block.stmts.len()
        || is_trivial_block(&i.then_branch)
        || !small_block(&i.then_branch)
        || !small_block(&eb.block)
        || text(&i.then_branch) != text(&eb.block)
    {
        return None;
    }
    Some((
        i.if_token.span,
        "both branches of this `if` are the same".into(),
        "remove the condition, or fix the branch that should differ",
    ))
}

/// A `match` whose arms all evaluate to the same expression and bind nothing they use.
fn same_arms(m: &syn::ExprMatch) -> Option<Hit> {
    let (first, rest) = m.arms.split_first()?;
    // the same tokens parse into the same kind of expression (checked before printing them)
    let first_kind = kind(&first.body);
    if rest.is_empty()
        || rest.iter().any(|a| kind(&a.body) != first_kind)
        || !m.arms.iter().all(|a| small(&a.body))
    {
        return None;
    }
    let body = text(&first.body);
    if !rest.iter().all(|a| text(&a.body) == body) {
        return None;
    }
    if trivial_body(&first.body) || m.arms.iter().any(|a| binds(&a.pat)) {
        return None;
    }
    Some((
        m.match_token.span,
        format!("every arm of this `match` is `{}`", compact(&body)),
        "replace the `match` with the value, or fix the arm that should differ",
    ))
}

/// `{}`, `()`, and macro calls that diverge or stand for code not written yet.
fn trivial_body(e: &syn::Expr) -> bool {
    match paths::peel(e) {
        syn::Expr::Block(b) => b.block.stmts.is_empty(),
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        syn::Expr::Macro(_) => true,
        _ => false,
    }
}

/// Whether a pattern binds a variable (a lower-case identifier).
fn binds(pat: &syn::Pat) -> bool {
    let mut stack: Vec<TokenStream> = vec![pat.to_token_stream()];
    while let Some(ts) = stack.pop() {
        let tts: Vec<TokenTree> = ts.into_iter().collect();
        for (i, tt) in tts.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => stack.push(g.stream()),
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    let lower = s
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_lowercase() || c == '_')
                        && s != "_";
                    let path_seg = matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                        || (i > 0
                            && matches!(&tts[i - 1], TokenTree::Punct(p) if p.as_char() == ':'));
                    let keyword =
                        matches!(s.as_str(), "ref" | "mut" | "if" | "true" | "false" | "box");
                    if lower && !path_seg && !keyword {
                        return true;
                    }
                }
                _ => {}
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::compact;
    use crate::config::{ConfigSection, parse_config};

    /// Deeply nested `match`es, `if`/`else`s and `==`s check in time proportional to their
    /// parse: the operands and bodies compared are bounded, not printed whole at every level.
    /// A config with every rule off but `tautology` (at `deny`), and an AI file.
    fn tautology_only() -> (crate::Config, crate::FileCtx) {
        let mut toml = String::from("[rules]\n");
        for rule in crate::registry::all() {
            let name = rule.meta().name;
            toml.push_str(name);
            toml.push_str(if name == "tautology" {
                " = \"deny\"\n"
            } else {
                " = \"allow\"\n"
            });
        }
        let config = parse_config(&toml, ConfigSection::Root)
            .0
            .expect("a root config");
        let ctx = crate::FileCtx {
            ai_file: true,
            ..crate::FileCtx::default()
        };
        (config, ctx)
    }

    #[test]
    fn nesting_is_not_quadratic() {
        let n = 1_500;
        let shapes = [
            format!(
                "fn f() {{ {}g(){}; }}",
                "match a { A => ".repeat(n),
                ", B => 0 }".repeat(n)
            ),
            format!(
                "fn f() {{ {}g(){}; }}",
                "if a { ".repeat(n),
                " } else { 0 }".repeat(n)
            ),
            format!(
                "fn f() {{ let t = {}a{}; }}",
                "(a == ".repeat(n),
                ")".repeat(n)
            ),
        ];
        let (config, ctx) = tautology_only();
        // deep input: on a stack like the CLI's scan threads
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn(move || {
                for src in shapes {
                    let t = std::time::Instant::now();
                    let file = syn::parse_file(&src).expect("parses");
                    let parse = t.elapsed();
                    let t = std::time::Instant::now();
                    let report = crate::check_file(&file, &ctx, &config);
                    let check = t.elapsed();
                    assert!(
                        check < parse * 20 + std::time::Duration::from_millis(200),
                        "check {check:?} vs parse {parse:?} ({} findings) on {}..",
                        report.findings.len(),
                        &src[..40]
                    );
                }
            })
            .expect("the test thread starts")
            .join()
            .expect("no panic");
    }

    /// An operand that a `macro_rules!` fragment (`$e:expr`) wrapped in an invisible group
    /// is the same code as the one written out: `$e == x` with `$e` = `x` is `x == x`.
    #[test]
    fn invisible_group_operand_is_the_same_operand() {
        use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
        let (config, ctx) = tautology_only();
        let group = |s: &str| -> TokenStream {
            TokenTree::Group(Group::new(Delimiter::None, s.parse().expect("lexes"))).into()
        };
        let findings = |left: TokenStream, right: TokenStream, arms: bool| {
            let body: TokenStream = if arms {
                let mut a: TokenStream = "1 =>".parse().expect("lexes");
                a.extend(left);
                a.extend(", _ =>".parse::<TokenStream>().expect("lexes"));
                a.extend(right);
                let mut m: TokenStream = "match k".parse().expect("lexes");
                m.extend([TokenTree::Group(Group::new(Delimiter::Brace, a))]);
                m
            } else {
                let mut t = left;
                t.extend("==".parse::<TokenStream>().expect("lexes"));
                t.extend(right);
                t
            };
            let src = format!("fn f(k: u8, x: u8, y: u8) -> bool {{ let _ = k; {body} }}");
            // re-lexing `src` would drop the invisible group: build the tokens around it
            let mut tokens: TokenStream =
                "fn f(k: u8, x: u8, y: u8) -> bool".parse().expect("lexes");
            let mut inner: TokenStream = "let _ = k;".parse().expect("lexes");
            inner.extend(body);
            tokens.extend([TokenTree::Group(Group::new(Delimiter::Brace, inner))]);
            let file: syn::File = syn::parse2(tokens).unwrap_or_else(|e| panic!("{src}: {e}"));
            crate::check_file(&file, &ctx, &config).findings.len()
        };
        let plain = |s: &str| -> TokenStream { s.parse().expect("lexes") };
        assert_eq!(findings(plain("x"), plain("x"), false), 1);
        assert_eq!(findings(group("x"), plain("x"), false), 1, "`$e == x`");
        assert_eq!(findings(group("x"), plain("y"), false), 0);
        assert_eq!(findings(plain("x"), plain("x"), true), 1);
        assert_eq!(
            findings(group("x"), plain("x"), true),
            1,
            "`1 => $e, _ => x`"
        );
        assert_eq!(findings(group("x"), plain("y"), true), 0);
    }

    #[test]
    fn compact_text() {
        assert_eq!(compact("items . len () >= 0"), "items.len() >= 0");
        assert_eq!(compact("self . max = self . max"), "self.max = self.max");
        assert_eq!(compact("a && ! a"), "a && !a");
        assert_eq!(compact("f (a , b) == f (a , b)"), "f(a, b) == f(a, b)");
        assert_eq!(compact("x == & y"), "x == &y");
        assert_eq!(compact("a - b * c"), "a - b * c");
        assert_eq!(compact("- 1 < x"), "-1 < x");
    }
}
