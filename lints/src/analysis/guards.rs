//! Guard detection: which length facts hold at a point of a function. A bounded walk of one
//! function body keeps the facts established by enclosing conditions and by earlier early
//! exits (`if v.is_empty() { return }`, `let .. else { return }`, `assert!(..)`) and by
//! loop bounds (`for i in 0..v.len()`, `v.iter().enumerate()`), and hands every expression
//! to a callback with the facts in force. Serves len_underflow, indexing_panic and
//! off_by_one_range.

use std::collections::HashMap;

use quote::ToTokens;
use syn::visit::{self, Visit};

use crate::analysis::{macros, paths};

/// "`subject` is at least `min`": `v.len() >= 2`, `n >= 1`, `v.len() >= k.len()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Normalized token text of the measured expression: `v.len()`, `self.items.len()`, `n`.
    pub subject: String,
    pub min: Bound,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    Lit(u128),
    /// Normalized token text of a non-literal bound.
    Expr(String),
    /// Strictly greater than this expression (normalized token text): `i < v.len()` gives
    /// `v.len()` above `i`, so `v[i]` is in bounds. Implies `Expr` of the same text.
    Above(String),
}

/// Normalized token text of an expression (whitespace-free), for matching subjects.
pub fn text(expr: &syn::Expr) -> String {
    let mut s = expr.to_token_stream().to_string();
    s.retain(|c| !c.is_whitespace());
    s
}

/// The `len()`/`count()`-measured text of `x.is_empty()`'s receiver: `x.len()`.
fn len_of(receiver: &syn::Expr) -> String {
    format!("{}.len()", text(receiver))
}

fn int_lit(expr: &syn::Expr) -> Option<u128> {
    match paths::peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

fn bound_of(expr: &syn::Expr) -> Bound {
    int_lit(expr).map_or_else(|| Bound::Expr(text(expr)), Bound::Lit)
}

/// Facts that hold when `cond` is true (`want == true`) or false.
pub fn facts_of(cond: &syn::Expr, want: bool) -> Vec<Fact> {
    let mut out = Vec::new();
    collect(cond, want, &mut out, 0);
    out
}

/// How deep [`facts_of`] looks into a condition: the walk asks for the facts of every prefix
/// of an `a && b && ..` chain, which would take time quadratic in the chain's length.
const MAX_FACT_DEPTH: usize = 64;

fn fact(subject: String, min: Bound) -> Fact {
    Fact { subject, min }
}

fn collect(cond: &syn::Expr, want: bool, out: &mut Vec<Fact>, depth: usize) {
    if depth > MAX_FACT_DEPTH {
        return;
    }
    let depth = depth + 1;
    match cond {
        syn::Expr::Paren(p) => collect(&p.expr, want, out, depth),
        syn::Expr::Group(g) => collect(&g.expr, want, out, depth),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
            collect(&u.expr, !want, out, depth);
        }
        syn::Expr::Binary(b) => match (&b.op, want) {
            (syn::BinOp::And(_), true) | (syn::BinOp::Or(_), false) => {
                collect(&b.left, want, out, depth);
                collect(&b.right, want, out, depth);
            }
            _ => compare(b, want, out),
        },
        syn::Expr::MethodCall(m) if m.method == "is_empty" && m.args.is_empty() && !want => {
            out.push(fact(len_of(&m.receiver), Bound::Lit(1)));
        }
        // `s.ends_with("\r\n")` / `v.starts_with(&[a, b])`: at least that long.
        syn::Expr::MethodCall(m)
            if want
                && (m.method == "ends_with" || m.method == "starts_with")
                && m.args.len() == 1 =>
        {
            let n = match paths::peel(&m.args[0]) {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => s.value().len(),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::ByteStr(s),
                    ..
                }) => s.value().len(),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Char(_) | syn::Lit::Byte(_),
                    ..
                }) => 1,
                syn::Expr::Array(a) => a.elems.len(),
                _ => 0,
            };
            if n > 0 {
                out.push(fact(len_of(&m.receiver), Bound::Lit(n as u128)));
            } else if !matches!(
                paths::peel(&m.args[0]),
                syn::Expr::Lit(_) | syn::Expr::Closure(_)
            ) {
                // `s.ends_with(suffix)`: `s.len() >= suffix.len()`.
                let arg = len_of(paths::peel(&m.args[0]));
                out.push(fact(len_of(&m.receiver), Bound::Expr(arg)));
            }
        }
        // `v.last().is_some()`, `v.first() == Some(..)`.
        syn::Expr::MethodCall(m) if want && m.method == "is_some" => {
            if let Some(recv) = first_last_receiver(&m.receiver) {
                out.push(fact(len_of(recv), Bound::Lit(1)));
            }
        }
        // `if let Some(x) = v.last()`.
        syn::Expr::Let(l) if want => {
            if let Some(recv) = first_last_receiver(&l.expr) {
                out.push(fact(len_of(recv), Bound::Lit(1)));
            }
        }
        _ => {}
    }
}

/// `a OP b` with `want` → facts `subject >= min`.
fn compare(b: &syn::ExprBinary, want: bool, out: &mut Vec<Fact>) {
    use syn::BinOp;
    // Normalize to `l OP r` being true.
    let (op, l, r) = (&b.op, &*b.left, &*b.right);
    // (subject, bound, strict) for "subject > bound" (strict) or "subject >= bound".
    let lower = |subject: &syn::Expr, bound: &syn::Expr, strict: bool| -> Fact {
        let min = match (bound_of(bound), strict) {
            (Bound::Lit(n), true) => Bound::Lit(n + 1),
            (Bound::Lit(n), false) => Bound::Lit(n),
            // `a > b` ⇒ `a >= b` suffices for `a - b`.
            (e @ (Bound::Expr(_) | Bound::Above(_)), _) => e,
        };
        fact(text(subject), min)
    };
    // "subject > bound" for a non-literal bound, kept for indexing (`i < v.len()`).
    let above = |subject: &syn::Expr, bound: &syn::Expr| -> Option<Fact> {
        int_lit(bound)
            .is_none()
            .then(|| fact(text(subject), Bound::Above(text(bound))))
    };
    match (op, want) {
        (BinOp::Gt(_), true) | (BinOp::Le(_), false) => {
            out.push(lower(l, r, true));
            out.extend(above(l, r));
        }
        (BinOp::Ge(_), true) | (BinOp::Lt(_), false) => out.push(lower(l, r, false)),
        (BinOp::Lt(_), true) | (BinOp::Ge(_), false) => {
            out.push(lower(r, l, true));
            out.extend(above(r, l));
        }
        (BinOp::Le(_), true) | (BinOp::Gt(_), false) => out.push(lower(r, l, false)),
        (BinOp::Eq(_), true) => {
            // `v.len() == 4`, `v.last() == Some(&b'\n')`.
            if let Some(k) = int_lit(r) {
                out.push(fact(text(l), Bound::Lit(k)));
            } else if let Some(k) = int_lit(l) {
                out.push(fact(text(r), Bound::Lit(k)));
            }
            for side in [l, r] {
                if let Some(recv) = first_last_receiver(side) {
                    out.push(fact(len_of(recv), Bound::Lit(1)));
                }
            }
        }
        (BinOp::Ne(_), true) | (BinOp::Eq(_), false) => {
            if int_lit(r) == Some(0) {
                out.push(fact(text(l), Bound::Lit(1)));
            } else if int_lit(l) == Some(0) {
                out.push(fact(text(r), Bound::Lit(1)));
            }
        }
        _ => {}
    }
}

/// The receiver of `v.first()` / `v.last()` / `v.get(0)` (through `.copied()`/`.cloned()`).
fn first_last_receiver(e: &syn::Expr) -> Option<&syn::Expr> {
    match paths::peel(e) {
        syn::Expr::MethodCall(m)
            if matches!(m.method.to_string().as_str(), "copied" | "cloned") =>
        {
            first_last_receiver(&m.receiver)
        }
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "first" | "last" | "split_first" | "split_last"
            ) && m.args.is_empty() =>
        {
            Some(&m.receiver)
        }
        _ => None,
    }
}

/// Whether the facts give `subject >= min`.
pub fn holds(facts: &[Fact], subject: &str, min: &Bound) -> bool {
    facts.iter().any(|f| f.subject == subject && gives(f, min))
}

/// Whether the fact (about the right subject) gives `>= min`.
fn gives(f: &Fact, min: &Bound) -> bool {
    match (&f.min, min) {
        (Bound::Lit(have), Bound::Lit(need)) => have >= need,
        (Bound::Expr(a) | Bound::Above(a), Bound::Expr(b)) | (Bound::Above(a), Bound::Above(b)) => {
            a == b
        }
        _ => false,
    }
}

/// The `len()` a subject measures, with views peeled: `s.as_bytes().len()` and
/// `&s.iter().len()` are `s.len()`; other subjects are themselves.
pub fn norm_len_text(subject: &str) -> String {
    let Some(mut inner) = subject.strip_suffix(".len()") else {
        return subject.to_owned();
    };
    loop {
        let before = inner;
        for view in [
            ".as_bytes()",
            ".as_str()",
            ".as_slice()",
            ".as_ref()",
            ".iter()",
            ".bytes()",
        ] {
            if let Some(rest) = inner.strip_suffix(view) {
                inner = rest;
            }
        }
        if let Some(rest) = inner.strip_prefix('&') {
            inner = rest;
        }
        if before == inner {
            break;
        }
    }
    format!("{inner}.len()")
}

/// The facts in force at a point of a walk, indexed by subject: a function with thousands
/// of early-exit guards before its reads (`if buf.len() < 4 { return .. }` each time) asks
/// about one subject and bound at a time, in time that does not grow with the guards.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    list: Vec<Fact>,
    subjects: HashMap<String, SubjectFacts>,
    /// The subjects that had facts, by [`norm_len_text`] of the subject.
    by_len: HashMap<String, Vec<String>>,
}

/// What the facts in force say about one subject.
#[derive(Clone, Debug, Default)]
struct SubjectFacts {
    /// Running maximum of its literal bounds, one entry per literal fact in force.
    lits: Vec<u128>,
    /// Its `Above` bounds in force, by text, with how many facts give each.
    above: HashMap<String, usize>,
    /// Its `Expr` bounds in force, likewise.
    expr: HashMap<String, usize>,
}

impl Facts {
    /// Every fact in force, outermost first.
    pub fn all(&self) -> &[Fact] {
        &self.list
    }

    /// The subjects (exact text) that had facts and measure the `len()` `key`
    /// ([`norm_len_text`] of the subject is `key`).
    pub fn subjects_measuring(&self, key: &str) -> &[String] {
        self.by_len.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether a fact in force says `subject >= k`.
    pub fn at_least(&self, subject: &str, k: u128) -> bool {
        self.subjects
            .get(subject)
            .and_then(|s| s.lits.last())
            .is_some_and(|max| *max >= k)
    }

    /// Whether a fact in force says `subject > text` (`Above`), or, unless `strict`,
    /// `subject >= text` (`Expr`).
    pub fn bounded_by(&self, subject: &str, text: &str, strict: bool) -> bool {
        let Some(s) = self.subjects.get(subject) else {
            return false;
        };
        let any = |m: &HashMap<String, usize>| m.get(text).is_some_and(|n| *n > 0);
        any(&s.above) || (!strict && any(&s.expr))
    }

    /// Whether the facts give `subject >= min` (as [`holds`] on [`Facts::all`]).
    pub fn holds(&self, subject: &str, min: &Bound) -> bool {
        match min {
            Bound::Lit(need) => self.at_least(subject, *need),
            Bound::Expr(b) => self.bounded_by(subject, b, false),
            Bound::Above(b) => self.bounded_by(subject, b, true),
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    fn push(&mut self, f: Fact) {
        if !self.subjects.contains_key(&f.subject) {
            self.by_len
                .entry(norm_len_text(&f.subject))
                .or_default()
                .push(f.subject.clone());
        }
        let s = self.subjects.entry(f.subject.clone()).or_default();
        match &f.min {
            Bound::Lit(n) => {
                let max = s.lits.last().map_or(*n, |m| (*m).max(*n));
                s.lits.push(max);
            }
            Bound::Above(t) => *s.above.entry(t.clone()).or_default() += 1,
            Bound::Expr(t) => *s.expr.entry(t.clone()).or_default() += 1,
        }
        self.list.push(f);
    }

    fn extend(&mut self, facts: impl IntoIterator<Item = Fact>) {
        for f in facts {
            self.push(f);
        }
    }

    fn truncate(&mut self, n: usize) {
        while self.list.len() > n {
            let Some(f) = self.list.pop() else {
                break;
            };
            let Some(s) = self.subjects.get_mut(&f.subject) else {
                continue;
            };
            let count = match &f.min {
                Bound::Lit(_) => {
                    s.lits.pop();
                    continue;
                }
                Bound::Above(t) => s.above.get_mut(t),
                Bound::Expr(t) => s.expr.get_mut(t),
            };
            if let Some(c) = count {
                *c = c.saturating_sub(1);
            }
        }
    }
}

/// Whether a block or expression always leaves the enclosing flow: ends in `return`,
/// `break`, `continue`, `?`-less `panic!`-family macro, or `Err(..)?`.
pub fn diverges_block(block: &syn::Block) -> bool {
    block.stmts.last().is_some_and(|s| match s {
        syn::Stmt::Expr(e, _) => diverges(e),
        syn::Stmt::Macro(m) => is_diverging_macro(&m.mac),
        _ => false,
    })
}

fn diverges(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(m) => is_diverging_macro(&m.mac),
        syn::Expr::Block(b) => diverges_block(&b.block),
        syn::Expr::Try(t) => {
            matches!(&*t.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err")))
        }
        _ => false,
    }
}

fn is_diverging_macro(m: &syn::Macro) -> bool {
    matches!(
        macros::macro_name(m).as_str(),
        "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
    )
}

/// Facts an assertion-like macro establishes: `assert!(c)`, `debug_assert!(c)`,
/// `ensure!(c, ..)`, `assert_ne!(x.len(), 0)`.
fn assertion_facts(m: &syn::Macro) -> Vec<Fact> {
    let name = macros::macro_name(m);
    let Some(args) = macros::parse_expr_list(m) else {
        return Vec::new();
    };
    match name.as_str() {
        "assert" | "debug_assert" | "ensure" => {
            args.first().map(|c| facts_of(c, true)).unwrap_or_default()
        }
        "assert_ne" | "debug_assert_ne" if args.len() >= 2 => {
            let mut out = Vec::new();
            if int_lit(&args[1]) == Some(0) {
                out.push(fact(text(&args[0]), Bound::Lit(1)));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Facts from `let Some(x) = v.first() else { return }`, `let [a, b, ..] = v[..] else`.
fn let_else_facts(local: &syn::Local) -> Vec<Fact> {
    let Some(init) = &local.init else {
        return Vec::new();
    };
    if init.diverge.is_none() {
        return Vec::new();
    }
    if let syn::Expr::MethodCall(m) = &*init.expr
        && matches!(
            m.method.to_string().as_str(),
            "first" | "last" | "split_first" | "split_last"
        )
    {
        return vec![fact(len_of(&m.receiver), Bound::Lit(1))];
    }
    Vec::new()
}

/// Iterator adapters that keep each item's index below the length of what they iterate
/// (`(0..n).rev()`, `v.iter().enumerate().skip(1)`).
fn is_index_preserving_adapter(method: &str) -> bool {
    matches!(
        method,
        "rev"
            | "skip"
            | "take"
            | "step_by"
            | "filter"
            | "skip_while"
            | "take_while"
            | "peekable"
            | "inspect"
            | "by_ref"
            | "into_iter"
    )
}

/// What an iterator's items are bounded by: `0..n` / `0..=n` (the item) or
/// `x.iter().enumerate()` (the first tuple field).
enum IterBound<'e> {
    /// `start..end` (`closed` for `..=`).
    Range { end: &'e syn::Expr, closed: bool },
    /// `x.iter().enumerate()`: `x.len()` is above the index.
    Enumerate { len: String },
}

fn iter_bound(iter: &syn::Expr) -> Option<IterBound<'_>> {
    match paths::peel(iter) {
        syn::Expr::Range(r) => Some(IterBound::Range {
            end: r.end.as_deref()?,
            closed: matches!(r.limits, syn::RangeLimits::Closed(_)),
        }),
        syn::Expr::MethodCall(m) if m.method == "enumerate" && m.args.is_empty() => {
            let coll = match paths::peel(&m.receiver) {
                syn::Expr::MethodCall(inner)
                    if inner.args.is_empty()
                        && matches!(
                            inner.method.to_string().as_str(),
                            "iter" | "iter_mut" | "into_iter" | "bytes" | "drain"
                        ) =>
                {
                    paths::peel(&inner.receiver)
                }
                // `for (i, x) in (&v).into_iter().enumerate()` is rare; `v.into_iter()` above.
                _ => return None,
            };
            let coll = match coll {
                syn::Expr::MethodCall(m)
                    if m.args.is_empty()
                        && matches!(
                            m.method.to_string().as_str(),
                            "as_bytes" | "as_slice" | "as_str"
                        ) =>
                {
                    &m.receiver
                }
                other => other,
            };
            Some(IterBound::Enumerate { len: len_of(coll) })
        }
        syn::Expr::MethodCall(m) if is_index_preserving_adapter(&m.method.to_string()) => {
            iter_bound(&m.receiver)
        }
        _ => None,
    }
}

/// The name a loop or closure pattern binds for the index: `i`, `&i`, `(i, _)`, `&(i, x)`.
fn index_name(pat: &syn::Pat, tuple: bool) -> Option<String> {
    match pat {
        syn::Pat::Ident(id) if !tuple && id.subpat.is_none() => Some(id.ident.to_string()),
        syn::Pat::Tuple(t) if tuple => match t.elems.first()? {
            syn::Pat::Ident(id) if id.subpat.is_none() => Some(id.ident.to_string()),
            _ => None,
        },
        syn::Pat::Reference(r) => index_name(&r.pat, tuple),
        syn::Pat::Type(t) => index_name(&t.pat, tuple),
        syn::Pat::Paren(p) => index_name(&p.pat, tuple),
        _ => None,
    }
}

/// Facts about the variable `pat` binds while iterating `iter`: `for i in 0..v.len()` gives
/// `v.len()` above `i`; `0..v.len() - 1` also above `i+1`; `0..=n` gives `n` at least `i`;
/// `v.iter().enumerate()` gives `v.len()` above the index.
pub fn iteration_facts(pat: &syn::Pat, iter: &syn::Expr) -> Vec<Fact> {
    let mut out = Vec::new();
    match iter_bound(iter) {
        Some(IterBound::Range { end, closed }) => {
            let Some(i) = index_name(pat, false) else {
                return out;
            };
            if closed {
                out.push(fact(text(end), Bound::Expr(i)));
                return out;
            }
            out.push(fact(text(end), Bound::Expr(i.clone())));
            out.push(fact(text(end), Bound::Above(i.clone())));
            // `0..v.len() - k`: `v.len()` is above `i`, `i+1`, .., `i+k`.
            if let syn::Expr::Binary(b) = paths::peel(end)
                && matches!(b.op, syn::BinOp::Sub(_))
                && let Some(k) = int_lit(&b.right)
                && k <= 8
            {
                let subject = text(&b.left);
                out.push(fact(subject.clone(), Bound::Above(i.clone())));
                for j in 1..=k {
                    out.push(fact(subject.clone(), Bound::Above(format!("{i}+{j}"))));
                }
            }
        }
        Some(IterBound::Enumerate { len }) => {
            if let Some(i) = index_name(pat, true) {
                out.push(fact(len, Bound::Above(i)));
            }
        }
        None => {}
    }
    out
}

/// Closure-taking iterator methods whose closure's first parameter is the item.
fn is_item_closure_method(method: &str) -> bool {
    matches!(
        method,
        "map"
            | "for_each"
            | "try_for_each"
            | "filter"
            | "filter_map"
            | "flat_map"
            | "any"
            | "all"
            | "find"
            | "find_map"
            | "position"
            | "inspect"
            | "take_while"
            | "skip_while"
            | "map_while"
            | "max_by_key"
            | "min_by_key"
            | "partition"
    )
}

/// Beyond this nesting the walk stops descending (no input can overflow the stack).
const MAX_WALK_DEPTH: usize = 256;

/// Walks one function body, calling `f(expr, facts)` for every expression (not inside macro
/// bodies: see [`walk_with_facts_and_macros`]).
pub fn walk_with_facts<'a>(block: &'a syn::Block, f: &mut dyn FnMut(&'a syn::Expr, &Facts)) {
    let mut w = Walker {
        facts: Facts::default(),
        f: Callback::Borrowed(f),
        skip: None,
        depth: 0,
    };
    w.visit_block(block);
}

/// Like [`walk_with_facts`], and also calls `f` on the expressions inside known macro bodies
/// (`println!("{}", v[i])`, `assert_eq!(..)`) except those of macros `skip` rejects, with
/// the facts in force at the macro. The callback cannot keep the expressions: those of
/// macro bodies are parsed for the call.
pub fn walk_with_facts_and_macros(
    block: &syn::Block,
    skip: &dyn Fn(&syn::Macro) -> bool,
    f: &mut dyn FnMut(&syn::Expr, &Facts),
) {
    let mut w = Walker {
        facts: Facts::default(),
        f: Callback::Any(f),
        skip: Some(skip),
        depth: 0,
    };
    w.visit_block(block);
}

enum Callback<'f, 'a> {
    Borrowed(&'f mut dyn FnMut(&'a syn::Expr, &Facts)),
    Any(&'f mut dyn FnMut(&syn::Expr, &Facts)),
}

struct Walker<'f, 'a> {
    facts: Facts,
    f: Callback<'f, 'a>,
    /// Macros whose bodies are not walked.
    skip: Option<&'f dyn Fn(&syn::Macro) -> bool>,
    depth: usize,
}

impl Walker<'_, '_> {
    fn with_facts(&mut self, extra: Vec<Fact>, inner: impl FnOnce(&mut Self)) {
        let n = self.facts.len();
        self.facts.extend(extra);
        inner(self);
        self.facts.truncate(n);
    }
}

impl<'a> Visit<'a> for Walker<'_, 'a> {
    fn visit_block(&mut self, b: &'a syn::Block) {
        if self.depth >= MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        self.visit_block_stmts(b);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        self.visit_expr_inner(e);
        self.depth -= 1;
    }

    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        // The expressions of a macro body are temporaries: they cannot be handed out with
        // the walk's lifetime, only to a callback that does not keep them.
        let Callback::Any(f) = &mut self.f else {
            return;
        };
        if self.depth >= MAX_WALK_DEPTH || self.skip.is_some_and(|skip| skip(m)) {
            return;
        }
        let exprs = macros::body_exprs(m);
        // The inner walk hands the facts back as it got them (every fact it adds is scoped).
        let mut inner = Walker {
            facts: std::mem::take(&mut self.facts),
            f: Callback::Any(&mut **f),
            skip: self.skip,
            depth: self.depth + 1,
        };
        for e in exprs.iter() {
            inner.visit_expr(e);
        }
        self.facts = inner.facts;
    }
}

impl<'a> Walker<'_, 'a> {
    fn visit_block_stmts(&mut self, b: &'a syn::Block) {
        let n = self.facts.len();
        for stmt in &b.stmts {
            self.visit_stmt(stmt);
            // Facts that hold after this statement for the rest of the block.
            match stmt {
                syn::Stmt::Expr(syn::Expr::If(i), _)
                    if i.else_branch.is_none() && diverges_block(&i.then_branch) =>
                {
                    let facts = facts_of(&i.cond, false);
                    self.facts.extend(facts);
                }
                syn::Stmt::Macro(m) => {
                    let facts = assertion_facts(&m.mac);
                    self.facts.extend(facts);
                }
                syn::Stmt::Expr(syn::Expr::Macro(m), _) => {
                    let facts = assertion_facts(&m.mac);
                    self.facts.extend(facts);
                }
                syn::Stmt::Local(l) => {
                    let facts = let_else_facts(l);
                    self.facts.extend(facts);
                }
                _ => {}
            }
        }
        self.facts.truncate(n);
    }

    fn visit_expr_inner(&mut self, e: &'a syn::Expr) {
        match &mut self.f {
            Callback::Borrowed(f) => f(e, &self.facts),
            Callback::Any(f) => f(e, &self.facts),
        }
        match e {
            syn::Expr::ForLoop(l) => {
                for attr in &l.attrs {
                    self.visit_attribute(attr);
                }
                self.visit_expr(&l.expr);
                let t = iteration_facts(&l.pat, &l.expr);
                self.with_facts(t, |w| w.visit_block(&l.body));
            }
            // `(0..v.len()).map(|i| v[i])`, `v.iter().enumerate().for_each(|(i, x)| ..)`.
            syn::Expr::MethodCall(m)
                if is_item_closure_method(&m.method.to_string())
                    && matches!(m.args.first(), Some(syn::Expr::Closure(_))) =>
            {
                self.visit_expr(&m.receiver);
                for arg in &m.args {
                    match arg {
                        syn::Expr::Closure(c) => {
                            let t = c
                                .inputs
                                .first()
                                .map(|p| iteration_facts(p, &m.receiver))
                                .unwrap_or_default();
                            self.with_facts(t, |w| w.visit_expr(&c.body));
                        }
                        other => self.visit_expr(other),
                    }
                }
            }
            syn::Expr::If(i) => {
                self.visit_expr(&i.cond);
                let t = facts_of(&i.cond, true);
                self.with_facts(t, |w| w.visit_block(&i.then_branch));
                if let Some((_, els)) = &i.else_branch {
                    let f = facts_of(&i.cond, false);
                    self.with_facts(f, |w| w.visit_expr(els));
                }
            }
            syn::Expr::While(wh) => {
                self.visit_expr(&wh.cond);
                let t = facts_of(&wh.cond, true);
                self.with_facts(t, |w| w.visit_block(&wh.body));
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.visit_expr(&b.left);
                let t = facts_of(&b.left, true);
                self.with_facts(t, |w| w.visit_expr(&b.right));
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Or(_)) => {
                self.visit_expr(&b.left);
                let f = facts_of(&b.left, false);
                self.with_facts(f, |w| w.visit_expr(&b.right));
            }
            syn::Expr::Match(m) => {
                self.visit_expr(&m.expr);
                // `match v.len() { 0 => .., n => n - 1 }`: after a `0` arm, a binding is >= 1.
                let mut zero_seen = false;
                for arm in &m.arms {
                    let mut binding_facts = Vec::new();
                    match &arm.pat {
                        syn::Pat::Lit(l) if matches!(&l.lit, syn::Lit::Int(i) if i.base10_digits() == "0") =>
                        {
                            zero_seen = true;
                        }
                        syn::Pat::Ident(id) if zero_seen => {
                            binding_facts.push(fact(id.ident.to_string(), Bound::Lit(1)));
                        }
                        _ => {}
                    }
                    self.facts.extend(binding_facts.iter().cloned());
                    let n_binding = binding_facts.len();
                    // syn 3: a match guard is part of the pattern (`Pat::Guard`).
                    let g = match &arm.pat {
                        syn::Pat::Guard(pg) => {
                            self.visit_expr(&pg.guard);
                            facts_of(&pg.guard, true)
                        }
                        _ => Vec::new(),
                    };
                    self.with_facts(g, |w| w.visit_expr(&arm.body));
                    let keep = self.facts.len() - n_binding;
                    self.facts.truncate(keep);
                }
            }
            syn::Expr::Closure(_) | syn::Expr::Async(_) => visit::visit_expr(self, e),
            _ => visit::visit_expr(self, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(s: &str) -> syn::Expr {
        syn::parse_str(s).unwrap()
    }

    /// The walk takes the facts of every prefix of an `&&` chain: a chain of thousands of
    /// operands gives a bounded number of facts each time (the operands nearest the top).
    #[test]
    fn long_chains_are_cut() {
        let chain: Vec<String> = (0..2_000).map(|i| format!("v.len() > {i}")).collect();
        let facts = facts_of(&cond(&chain.join(" && ")), true);
        assert!(facts.len() <= MAX_FACT_DEPTH + 1, "{} facts", facts.len());
        assert_eq!(
            facts.last(),
            Some(&fact("v.len()".into(), Bound::Lit(2_000)))
        );
        let chain: Vec<String> = (0..2_000).map(|i| format!("v.len() < {i}")).collect();
        let facts = facts_of(&cond(&chain.join(" || ")), false);
        assert!(facts.len() <= MAX_FACT_DEPTH + 1, "{} facts", facts.len());
    }

    #[test]
    fn conditions() {
        assert_eq!(
            facts_of(&cond("!v.is_empty()"), true),
            [fact("v.len()".into(), Bound::Lit(1))]
        );
        assert_eq!(
            facts_of(&cond("v.len() > 1"), true),
            [fact("v.len()".into(), Bound::Lit(2))]
        );
        assert_eq!(
            facts_of(&cond("v.len() < 2"), false),
            [fact("v.len()".into(), Bound::Lit(2))]
        );
        assert_eq!(
            facts_of(&cond("0 < n && x"), true),
            [fact("n".into(), Bound::Lit(1))]
        );
        assert_eq!(
            facts_of(&cond("v.is_empty() || w.len() == 0"), false),
            [
                fact("v.len()".into(), Bound::Lit(1)),
                fact("w.len()".into(), Bound::Lit(1))
            ]
        );
    }

    #[test]
    fn strict_bounds() {
        let f = facts_of(&cond("i < v.len()"), true);
        assert!(holds(&f, "v.len()", &Bound::Above("i".into())));
        assert!(holds(&f, "v.len()", &Bound::Expr("i".into())));
        let f = facts_of(&cond("end > buf.len()"), false);
        assert!(holds(&f, "buf.len()", &Bound::Expr("end".into())));
        assert!(!holds(&f, "buf.len()", &Bound::Above("end".into())));
    }

    fn pat(s: &str) -> syn::Pat {
        syn::parse::Parser::parse_str(syn::Pat::parse_single, s).unwrap()
    }

    #[test]
    fn loop_facts() {
        let f = iteration_facts(&pat("i"), &cond("0..v.len()"));
        assert!(holds(&f, "v.len()", &Bound::Above("i".into())));
        let f = iteration_facts(&pat("i"), &cond("(0..v.len() - 1).rev()"));
        assert!(holds(&f, "v.len()", &Bound::Above("i+1".into())));
        let f = iteration_facts(&pat("i"), &cond("0..=n"));
        assert!(!holds(&f, "n", &Bound::Above("i".into())));
        let f = iteration_facts(&pat("(i, x)"), &cond("v.iter().enumerate().skip(1)"));
        assert!(holds(&f, "v.len()", &Bound::Above("i".into())));
        let f = iteration_facts(&pat("(i, c)"), &cond("s.chars().enumerate()"));
        assert!(f.is_empty());
    }

    #[test]
    fn walks_loops_closures_and_macros() {
        let body: syn::Block = syn::parse_str(
            "{ for i in 0..v.len() { println!(\"{}\", v[i]); } (0..w.len()).map(|j| w[j]); x[k]; }",
        )
        .unwrap();
        let mut seen = Vec::new();
        walk_with_facts_and_macros(&body, &|_| false, &mut |e, facts| {
            if let syn::Expr::Index(ix) = e {
                let coll = format!("{}.len()", text(&ix.expr));
                let ok = facts.holds(&coll, &Bound::Above(text(&ix.index)));
                seen.push((text(e), ok));
            }
        });
        assert_eq!(
            seen,
            [
                ("v[i]".to_owned(), true),
                ("w[j]".to_owned(), true),
                ("x[k]".to_owned(), false)
            ]
        );
    }

    #[test]
    fn indexed_facts_agree_with_the_list() {
        let body: syn::Block = syn::parse_str(
            "{
                if v.len() < 2 { return; }
                if i >= v.len() { return; }
                assert!(n > 0);
                if w.is_empty() || k > w.len() { return; }
                for j in 0..v.len() {
                    if let Some(x) = v.first() { f(v[j], w[k], x); }
                    if v.len() > 5 { g(v[4], v.as_slice().len() - 1); } else { h(n - 1); }
                }
                h(v[i]);
            }",
        )
        .unwrap();
        let subjects = ["v.len()", "w.len()", "n", "x", "v.as_slice().len()"];
        let bounds = [
            Bound::Lit(1),
            Bound::Lit(2),
            Bound::Lit(3),
            Bound::Lit(6),
            Bound::Expr("i".into()),
            Bound::Above("i".into()),
            Bound::Expr("k".into()),
            Bound::Above("k".into()),
            Bound::Above("j".into()),
        ];
        let (mut checked, mut held) = (0, 0);
        walk_with_facts(&body, &mut |_, facts| {
            for s in subjects {
                for b in &bounds {
                    let h = facts.holds(s, b);
                    assert_eq!(h, holds(facts.all(), s, b), "{s} >= {b:?}");
                    checked += 1;
                    held += usize::from(h);
                }
            }
            for key in ["v.len()", "w.len()"] {
                for s in facts.subjects_measuring(key) {
                    assert_eq!(norm_len_text(s), key);
                }
            }
        });
        assert!(checked > 100);
        assert!(held > 10 && held < checked);
    }
}
