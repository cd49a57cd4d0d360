use std::collections::HashMap;

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::analysis::guards::{self, Bound};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `x.len() - k` for a literal `k` (and `n - k` where `n` was bound from `.len()`
    /// or `.count()`)
    /// with no dominating guard: no enclosing `if !x.is_empty()` / `if x.len() >= k`, no
    /// earlier `if x.is_empty() { return .. }`, `assert!`, `let .. = x.last() else { .. }`,
    /// or `match x.len() { 0 => .., n => .. }`.
    ///
    /// ### Why is this bad?
    /// `len()` is unsigned: on an empty collection `len() - 1` panics in debug builds and
    /// wraps to `usize::MAX` in release, turning the next index or loop bound into an
    /// out-of-bounds access or a near-endless loop. Assistants write `v[v.len() - 1]` for
    /// "the last element" without thinking of the empty case.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn last_word(words: &[String]) -> &String {
    ///     &words[words.len() - 1]
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn last_word(words: &[String]) -> Option<&String> {
    ///     if words.is_empty() {
    ///         return None;
    ///     }
    ///     Some(&words[words.len() - 1])
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-191: Integer Underflow
    /// - clippy: `arithmetic_side_effects`
    pub struct LenUnderflow;
    name = "len_underflow",
    family = Arithmetic,
    ai = Deny,
    human = Warn,
    cwe = 191,
    summary = "`len() - k` that underflows on a short collection",
}

/// Every finding subtracts from a `.len()`/`.count()` call, or from a `let` of the function
/// bound to one: method names, which no `use` renames.
const NEEDLES: &[&str] = &["len", "count"];

/// `let n = v.len();` / `let n = it.count();` bindings of a function: `n` → `v.len()`.
fn len_bindings(block: &syn::Block) -> HashMap<String, String> {
    struct W(HashMap<String, String>);
    impl<'a> Visit<'a> for W {
        fn visit_local(&mut self, l: &'a syn::Local) {
            let name = match &l.pat {
                syn::Pat::Ident(id) => Some(id.ident.to_string()),
                syn::Pat::Type(t) => match &*t.pat {
                    syn::Pat::Ident(id) => Some(id.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            if let (Some(name), Some(init)) = (name, &l.init) {
                if let syn::Expr::MethodCall(m) = &*init.expr
                    && (m.method == "len" || m.method == "count")
                    && m.args.is_empty()
                {
                    self.0.insert(name, guards::text(&init.expr));
                } else {
                    self.0.remove(&name);
                }
            }
            syn::visit::visit_local(self, l);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut w = W(HashMap::new());
    w.visit_block(block);
    w.0
}

impl Rule for LenUnderflow {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if !cx.enabled(&Self::META) || !cx.fn_mentions(f, NEEDLES) {
            return;
        }
        let bindings = len_bindings(f.block);
        let mut hits = Vec::new();
        guards::walk_with_facts(f.block, &mut |e, facts| {
            let syn::Expr::Binary(b) = e else {
                return;
            };
            if !matches!(b.op, syn::BinOp::Sub(_)) {
                return;
            }
            let left = &*b.left;
            let left_text = guards::text(left);
            let (subjects, shown) = match left {
                syn::Expr::MethodCall(m)
                    if (m.method == "len" || m.method == "count") && m.args.is_empty() =>
                {
                    (vec![left_text.clone()], left_text.clone())
                }
                syn::Expr::Path(_) => match bindings.get(&left_text) {
                    Some(origin) => (vec![left_text.clone(), origin.clone()], left_text.clone()),
                    None => return,
                },
                _ => return,
            };
            let need = match &*b.right {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(i),
                    ..
                }) => match i.base10_parse::<u128>() {
                    Ok(0) | Err(_) => return,
                    Ok(k) => Bound::Lit(k),
                },
                // A non-literal amount (`s.len() - prefix.len()`) usually rests on an invariant
                // the syntax cannot see (a prefix is shorter than its string); not flagged.
                _ => return,
            };
            if subjects.iter().any(|s| facts.holds(s, &need)) {
                return;
            }
            hits.push((b.op.span(), shown, guards::text(&b.right), left.span()));
        });
        for (span, left, right, left_span) in hits {
            cx.report(
                &Self::META,
                span,
                format!("`{left} - {right}` underflows when `{left}` is less than `{right}`"),
            )
            .label(left_span, "no check on this length dominates the subtraction")
            .help(format!(
                "use `{left}.checked_sub({right})` or `saturating_sub`, or return early when the collection is too short"
            ));
        }
    }
}
