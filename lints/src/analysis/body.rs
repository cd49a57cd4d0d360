//! Bounded analyses of one function body, for rules hooked on `check_fn` (the plain
//! expression walk is `locals::for_each_expr`): the values a body can return, whether a name
//! is read, what a local was bound to, and a walk that knows which bindings are in scope
//! (shadowing respected).

use std::cell::OnceCell;
use std::collections::HashMap;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::{self, Visit};

use crate::analysis::{fnbody, locals, macros, paths};
use crate::checker::MAX_EXPR_DEPTH;

/// A value that lets a request through or says "yes": `true`, `Ok(..)`, `Some(..)`,
/// `Outcome::Success(..)`, `next.run(req)`/`next(req)`/`self.service.call(req)` (middleware),
/// through `.await`, `?`, `return`, block tails and future wrappers (`ready(..)`,
/// `Box::pin(..)`).
/// Gives the span of the value.
pub fn grant_value(e: &syn::Expr) -> Option<proc_macro2::Span> {
    use syn::spanned::Spanned;
    grant_at(e, 0).map(Spanned::span)
}

fn grant_at(e: &syn::Expr, depth: usize) -> Option<&syn::Expr> {
    if depth > 16 {
        return None;
    }
    let e = paths::peel(e);
    match e {
        syn::Expr::Return(r) => r.expr.as_deref().and_then(|v| grant_at(v, depth + 1)),
        syn::Expr::Await(a) => grant_at(&a.base, depth + 1),
        syn::Expr::Try(t) => grant_at(&t.expr, depth + 1),
        syn::Expr::Block(b) => exits(&b.block)
            .values
            .into_iter()
            .find_map(|v| grant_at(v, depth + 1)),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            let last = p.path.segments.last()?.ident.to_string();
            match last.as_str() {
                "Ok" | "Some" | "Success" | "next" => Some(e),
                "ready" | "pin" => c.args.first().and_then(|a| grant_at(a, depth + 1)),
                _ => None,
            }
        }
        // `next.run(req)` (axum), `self.service.call(req)` (actix, tower), `self.inner.call(req)`.
        syn::Expr::MethodCall(m) => {
            let next = paths::expr_name(&m.receiver)
                .is_some_and(|n| matches!(n.as_str(), "next" | "service" | "inner"));
            (next && matches!(m.method.to_string().as_str(), "run" | "call" | "handle"))
                .then_some(e)
        }
        _ => (paths::lit_bool(e) == Some(true)).then_some(e),
    }
}

/// Calls `f` on every `let` of `block` in source order (closures included, nested items
/// and macro bodies excluded).
pub fn for_each_local<'a>(block: &'a syn::Block, f: &mut dyn FnMut(&'a syn::Local)) {
    let mut w = LocalWalk { f, depth: 0 };
    w.visit_block(block);
}

struct LocalWalk<'f, 'a> {
    f: &'f mut dyn FnMut(&'a syn::Local),
    depth: usize,
}

impl<'a> Visit<'a> for LocalWalk<'_, 'a> {
    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_local(&mut self, l: &'a syn::Local) {
        (self.f)(l);
        visit::visit_local(self, l);
    }
}

/// The names along a receiver chain, outermost first: `self.store.is_revoked(&id).await?`
/// gives `is_revoked`, `store`, `self`; `bcrypt::verify(a, b)` gives `verify`.
pub fn chain_names(expr: &syn::Expr) -> Vec<String> {
    let mut out = Vec::new();
    let mut e = expr;
    for _ in 0..MAX_EXPR_DEPTH {
        e = match e {
            syn::Expr::MethodCall(m) => {
                out.push(m.method.to_string());
                &m.receiver
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = paths::peel(&c.func)
                    && let Some(last) = p.path.segments.last()
                {
                    out.push(last.ident.to_string());
                }
                return out;
            }
            syn::Expr::Field(f) => {
                if let syn::Member::Named(i) = &f.member {
                    out.push(i.to_string());
                }
                &f.base
            }
            syn::Expr::Path(p) => {
                if let Some(last) = p.path.segments.last() {
                    out.push(last.ident.to_string());
                }
                return out;
            }
            syn::Expr::Await(a) => &a.base,
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Group(g) => &g.expr,
            syn::Expr::Reference(r) => &r.expr,
            syn::Expr::Unary(u) => &u.expr,
            syn::Expr::Cast(c) => &c.expr,
            _ => return out,
        };
    }
    out
}

/// Whether `needle` is the very node `hay` (pointer identity, for "is this expression one
/// of the exits").
pub fn same_node(hay: &syn::Expr, needle: &syn::Expr) -> bool {
    std::ptr::eq(hay, needle)
}

/// A variable in scope at some point of a function body: a parameter, a `let`, or a name
/// bound by a pattern (`if let`, `match` arm, closure parameter, `for`), which shadows
/// without a known type or value.
#[derive(Clone)]
pub struct Binding<'a> {
    pub name: String,
    /// The declared type (`x: u32` parameter, `let x: u32 = ..`).
    pub ty: Option<&'a syn::Type>,
    /// The `let` initializer.
    pub init: Option<&'a syn::Expr>,
}

/// The variables in scope at one point of a walk ([`for_each_expr_scoped`]).
#[derive(Default)]
pub struct Scope<'a> {
    stack: Vec<Binding<'a>>,
    /// The positions in `stack` of each name's bindings, innermost last: a lookup costs the
    /// same in a fn of ten thousand `let`s as in a fn of three.
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Scope<'a> {
    /// The innermost binding of `name` in scope here.
    pub fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        let at = *self.by_name.get(name)?.last()?;
        self.stack.get(at)
    }

    fn len(&self) -> usize {
        self.stack.len()
    }

    fn push(&mut self, b: Binding<'a>) {
        let at = self.stack.len();
        match self.by_name.get_mut(&b.name) {
            Some(v) => v.push(at),
            None => {
                self.by_name.insert(b.name.clone(), vec![at]);
            }
        }
        self.stack.push(b);
    }

    /// Drops the bindings made since the scope had `mark` of them.
    fn truncate(&mut self, mark: usize) {
        while self.stack.len() > mark {
            let Some(b) = self.stack.pop() else {
                break;
            };
            if let Some(v) = self.by_name.get_mut(&b.name) {
                v.pop();
            }
        }
    }

    /// The binding of a plain variable expression (`x`, `&x`, `(x)`).
    pub fn of_expr(&self, e: &syn::Expr) -> Option<&Binding<'a>> {
        match paths::peel(e) {
            syn::Expr::Path(p) => self.lookup(&p.path.get_ident()?.to_string()),
            _ => None,
        }
    }

    fn push_pat(&mut self, pat: &'a syn::Pat, init: Option<&'a syn::Expr>) {
        if let Some(id) = pat_ident(pat) {
            self.push(Binding {
                name: id.to_string(),
                ty: pat_type(pat),
                init,
            });
            return;
        }
        let mut names = Vec::new();
        pat_bindings(pat, &mut names, 0);
        for name in names {
            self.push(Binding {
                name,
                ty: None,
                init: None,
            });
        }
    }
}

/// The identifiers a pattern binds (lower-case `PatIdent`s; `None`, `FOO` are not bindings).
fn pat_bindings(pat: &syn::Pat, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    let subpats: Vec<&syn::Pat> = match pat {
        syn::Pat::Ident(p) => {
            let s = p.ident.to_string();
            if s.chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '_')
            {
                out.push(s);
            }
            p.subpat.iter().map(|(_, sub)| &**sub).collect()
        }
        syn::Pat::Or(o) => o.cases.iter().collect(),
        syn::Pat::Paren(p) => vec![&*p.pat],
        syn::Pat::Reference(r) => vec![&*r.pat],
        syn::Pat::Slice(s) => s.elems.iter().collect(),
        syn::Pat::Struct(s) => s.fields.iter().map(|f| &*f.pat).collect(),
        syn::Pat::Tuple(t) => t.elems.iter().collect(),
        syn::Pat::TupleStruct(t) => t.elems.iter().collect(),
        syn::Pat::Type(t) => vec![&*t.pat],
        syn::Pat::Guard(g) => vec![&*g.pat],
        _ => Vec::new(),
    };
    for p in subpats {
        pat_bindings(p, out, depth + 1);
    }
}

/// Like [`locals::for_each_expr`], with the variables in scope at each expression: parameters of
/// `sig`, `let`s before it (shadowing respected: a later `let x = x as usize` does not
/// change what `x` is earlier), and pattern bindings. Expressions in macro bodies see the
/// scope of the macro call.
pub fn for_each_expr_scoped<'a>(
    sig: Option<&'a syn::Signature>,
    block: &'a syn::Block,
    f: &mut dyn FnMut(&syn::Expr, &Scope<'a>),
) {
    let mut w = ScopedWalk {
        f,
        scope: Scope::default(),
        depth: 0,
    };
    if let Some(sig) = sig {
        for arg in &sig.inputs {
            if let syn::FnArg::Typed(pt) = arg {
                if let Some(id) = pat_ident(&pt.pat) {
                    w.scope.push(Binding {
                        name: id.to_string(),
                        ty: Some(&pt.ty),
                        init: None,
                    });
                } else {
                    w.scope.push_pat(&pt.pat, None);
                }
            }
        }
    }
    w.visit_block(block);
}

struct ScopedWalk<'f, 'a> {
    f: &'f mut dyn FnMut(&syn::Expr, &Scope<'a>),
    scope: Scope<'a>,
    depth: usize,
}

impl<'a> Visit<'a> for ScopedWalk<'_, 'a> {
    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_block(&mut self, b: &'a syn::Block) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        let mark = self.scope.len();
        visit::visit_block(self, b);
        self.scope.truncate(mark);
        self.depth -= 1;
    }

    fn visit_local(&mut self, l: &'a syn::Local) {
        // The initializer is evaluated before the new name is in scope.
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.scope
            .push_pat(&l.pat, l.init.as_ref().map(|i| &*i.expr));
    }

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        (self.f)(e, &self.scope);
        let mark = self.scope.len();
        match e {
            syn::Expr::Closure(c) => {
                for p in &c.inputs {
                    self.scope.push_pat(p, None);
                }
                self.visit_expr(&c.body);
            }
            syn::Expr::ForLoop(fl) => {
                self.visit_expr(&fl.expr);
                self.scope.push_pat(&fl.pat, None);
                self.visit_block(&fl.body);
            }
            syn::Expr::If(i) => {
                if let syn::Expr::Let(l) = &*i.cond {
                    self.visit_expr(&l.expr);
                    self.scope.push_pat(&l.pat, None);
                } else {
                    self.visit_expr(&i.cond);
                }
                self.visit_block(&i.then_branch);
                self.scope.truncate(mark);
                if let Some((_, els)) = &i.else_branch {
                    self.visit_expr(els);
                }
            }
            syn::Expr::While(wh) => {
                if let syn::Expr::Let(l) = &*wh.cond {
                    self.visit_expr(&l.expr);
                    self.scope.push_pat(&l.pat, None);
                } else {
                    self.visit_expr(&wh.cond);
                }
                self.visit_block(&wh.body);
            }
            syn::Expr::Match(m) => {
                self.visit_expr(&m.expr);
                for arm in &m.arms {
                    let arm_mark = self.scope.len();
                    self.scope.push_pat(&arm.pat, None);
                    if let syn::Pat::Guard(g) = &arm.pat {
                        self.visit_expr(&g.guard);
                    }
                    self.visit_expr(&arm.body);
                    self.scope.truncate(arm_mark);
                }
            }
            _ => visit::visit_expr(self, e),
        }
        self.scope.truncate(mark);
        self.depth -= 1;
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let scope = &self.scope;
        let f = &mut *self.f;
        for e in macros::body_exprs(m).iter() {
            locals::for_each_subexpr(e, &mut |x| f(x, scope));
        }
    }
}

/// The values a function body can return.
#[derive(Default)]
pub struct Exits<'a> {
    /// Every value the body can produce: its tail (split through `if`, `match` and blocks)
    /// and the value of every `return` (split the same way).
    pub values: Vec<&'a syn::Expr>,
    /// Some exit is not among `values`: a `?`, a bare `return`, a loop's `break` value,
    /// a macro that may diverge or expand to anything (`bail!`, `assert!`, `todo!`,
    /// a user macro), a block that ends without a value.
    pub opaque: bool,
}

/// The exits of a function body. Closures, async blocks and nested items are not part of
/// the body's control flow and are skipped.
pub fn exits(block: &syn::Block) -> Exits<'_> {
    let mut out = Exits::default();
    split_block(block, &mut out, 0);
    let mut w = ReturnWalk {
        out: &mut out,
        depth: 0,
    };
    w.visit_block(block);
    out
}

/// Macros that neither diverge nor hide control flow: printing, logging, formatting.
fn is_benign_macro(mac: &syn::Macro) -> bool {
    let name = macros::macro_name(mac);
    macros::is_log_macro(&name)
        || matches!(
            name.as_str(),
            "format"
                | "format_args"
                | "vec"
                | "matches"
                | "debug_assert"
                | "debug_assert_eq"
                | "debug_assert_ne"
                | "concat"
                | "stringify"
                | "include_str"
                | "include_bytes"
                | "env"
                | "option_env"
                | "cfg"
                | "line"
                | "file"
                | "column"
                | "module_path"
        )
}

fn split_block<'a>(block: &'a syn::Block, out: &mut Exits<'a>, depth: usize) {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => split_value(e, out, depth + 1),
        // Ends in `return ..;`: the return walk records it.
        Some(syn::Stmt::Expr(syn::Expr::Return(_), Some(_))) => {}
        // Ends without a value; in a fn with a return type it diverges some other way.
        _ => out.opaque = true,
    }
}

fn split_value<'a>(e: &'a syn::Expr, out: &mut Exits<'a>, depth: usize) {
    if depth >= MAX_EXPR_DEPTH {
        out.opaque = true;
        return;
    }
    match e {
        syn::Expr::Paren(p) => split_value(&p.expr, out, depth + 1),
        syn::Expr::Group(g) => split_value(&g.expr, out, depth + 1),
        syn::Expr::Block(b) if b.label.is_none() => split_block(&b.block, out, depth + 1),
        syn::Expr::Unsafe(u) => split_block(&u.block, out, depth + 1),
        syn::Expr::If(i) => {
            split_block(&i.then_branch, out, depth + 1);
            match &i.else_branch {
                Some((_, els)) => split_value(els, out, depth + 1),
                None => out.opaque = true,
            }
        }
        syn::Expr::Match(m) => {
            for arm in &m.arms {
                split_value(&arm.body, out, depth + 1);
            }
        }
        // `return x` as a tail: the return walk records `x`.
        syn::Expr::Return(_) => {}
        syn::Expr::Loop(_)
        | syn::Expr::While(_)
        | syn::Expr::ForLoop(_)
        | syn::Expr::Block(_)
        | syn::Expr::Break(_)
        | syn::Expr::Continue(_) => out.opaque = true,
        syn::Expr::Macro(m) if !is_benign_macro(&m.mac) => {
            out.opaque = true;
            out.values.push(e);
        }
        _ => out.values.push(e),
    }
}

struct ReturnWalk<'o, 'a> {
    out: &'o mut Exits<'a>,
    depth: usize,
}

impl<'a> Visit<'a> for ReturnWalk<'_, 'a> {
    fn visit_item(&mut self, _: &'a syn::Item) {}
    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            self.out.opaque = true;
            return;
        }
        self.depth += 1;
        match e {
            syn::Expr::Return(r) => match &r.expr {
                Some(v) => split_value(v, self.out, 0),
                None => self.out.opaque = true,
            },
            syn::Expr::Try(_) => self.out.opaque = true,
            _ => {}
        }
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        // Code under `#[cfg(..)]` may not exist in the build: its exits are unknown.
        if a.path().is_ident("cfg") {
            self.out.opaque = true;
        }
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if !is_benign_macro(m) {
            self.out.opaque = true;
        }
        // A `?` inside a macro body (`write!(f, ..)?` is outside; `vec![a?]` is inside).
        if contains_question_mark(&m.tokens) {
            self.out.opaque = true;
        }
    }
}

fn contains_question_mark(tokens: &TokenStream) -> bool {
    let mut stack = vec![tokens.clone()];
    while let Some(ts) = stack.pop() {
        for tt in ts {
            match tt {
                TokenTree::Punct(p) if p.as_char() == '?' => return true,
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
    false
}

/// Whether `stmt` only discards `name`: `let _ = name;`, `let _ = &name;`, `_ = name;`,
/// `drop(name);`. That silences the unused-variable warning without reading the value.
fn is_discard_of(stmt: &syn::Stmt, name: &str) -> bool {
    let is_name =
        |e: &syn::Expr| matches!(paths::peel(e), syn::Expr::Path(p) if p.path.is_ident(name));
    match stmt {
        syn::Stmt::Local(l) => {
            matches!(l.pat, syn::Pat::Wild(_))
                && l.init
                    .as_ref()
                    .is_some_and(|i| i.diverge.is_none() && is_name(&i.expr))
        }
        syn::Stmt::Expr(syn::Expr::Assign(a), _) => {
            matches!(&*a.left, syn::Expr::Infer(_)) && is_name(&a.right)
        }
        syn::Stmt::Expr(syn::Expr::Call(c), _) => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("drop"))
                && c.args.len() == 1
                && c.args.first().is_some_and(is_name)
        }
        _ => false,
    }
}

/// Whether the variable `name` is read anywhere in `block`: as an identifier token (macro
/// bodies included), or captured in a format string (`"{name}"`). A field or method of the
/// same name (`.name`), a struct-literal field label (`name: ..`) and statements that only
/// discard the value (`let _ = name;`) are not reads.
pub fn reads_name(block: &syn::Block, name: &str) -> bool {
    block
        .stmts
        .iter()
        .filter(|s| !is_discard_of(s, name))
        .any(|s| tokens_read_name(s.to_token_stream(), name))
}

fn tokens_read_name(tokens: TokenStream, name: &str) -> bool {
    let raw = format!("r#{name}");
    let mut stack = vec![tokens];
    while let Some(ts) = stack.pop() {
        let tts: Vec<TokenTree> = ts.into_iter().collect();
        for (i, tt) in tts.iter().enumerate() {
            match tt {
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    if s != name && s != raw {
                        continue;
                    }
                    let is_dot =
                        |j: usize| matches!(&tts[j], TokenTree::Punct(p) if p.as_char() == '.');
                    // `.name` is a field or method; `..name` is a range over the variable.
                    let after_dot = i > 0 && is_dot(i - 1) && !(i > 1 && is_dot(i - 2));
                    let field_label = matches!(tts.get(i + 1), Some(TokenTree::Punct(p))
                        if p.as_char() == ':' && p.spacing() == Spacing::Alone);
                    if !after_dot && !field_label {
                        return true;
                    }
                }
                TokenTree::Group(g) => stack.push(g.stream()),
                TokenTree::Literal(lit) => {
                    if let Ok(s) = syn::parse2::<syn::LitStr>(lit.to_token_stream())
                        && macros::inline_names(&s.value()).iter().any(|n| n == name)
                    {
                        return true;
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }
    false
}

/// The initializer of the last `let name = init;` in `block` (see [`fnbody::bindings`]).
pub fn let_init<'a>(block: &'a syn::Block, name: &str) -> Option<&'a syn::Expr> {
    let_binding(block, name).and_then(|b| b.init)
}

/// The last `let` in `block` that binds `name` as a plain identifier.
pub fn let_binding<'a>(block: &'a syn::Block, name: &str) -> Option<fnbody::Binding<'a>> {
    fnbody::bindings(block)
        .into_iter()
        .rev()
        .find(|b| b.ident == name)
}

/// [`let_binding`] for every name of a body at once: one walk (on the first lookup), then a
/// hash lookup per name, for rules that look names up at many uses (walking the body each
/// time is quadratic in its size).
pub struct LetIndex<'a> {
    block: &'a syn::Block,
    last: OnceCell<HashMap<String, fnbody::Binding<'a>>>,
}

impl<'a> LetIndex<'a> {
    /// The index of `block`'s `let`s; nothing is walked until the first lookup.
    pub fn new(block: &'a syn::Block) -> Self {
        LetIndex {
            block,
            last: OnceCell::new(),
        }
    }

    fn map(&self) -> &HashMap<String, fnbody::Binding<'a>> {
        self.last.get_or_init(|| {
            let mut last = HashMap::new();
            for b in fnbody::bindings(self.block) {
                last.insert(b.ident.to_string(), b);
            }
            last
        })
    }

    /// The last `let` that binds `name` (as [`let_binding`]).
    pub fn binding(&self, name: &str) -> Option<&fnbody::Binding<'a>> {
        self.map().get(name)
    }

    /// The initializer of the last `let` of `name` (as [`let_init`]).
    pub fn init(&self, name: &str) -> Option<&'a syn::Expr> {
        self.map().get(name).and_then(|b| b.init)
    }

    /// The type of the parameter or typed `let` named `name` (as [`binding_type`]).
    pub fn binding_type<'s>(&self, sig: &'s syn::Signature, name: &str) -> Option<&'s syn::Type>
    where
        'a: 's,
    {
        if let Some(b) = self.map().get(name) {
            return b.ty;
        }
        param_type(sig, name)
    }
}

/// The identifier a pattern binds when it is a plain (possibly `mut`, possibly typed) name.
pub fn pat_ident(pat: &syn::Pat) -> Option<&syn::Ident> {
    match pat {
        syn::Pat::Ident(p) if p.subpat.is_none() => Some(&p.ident),
        syn::Pat::Type(t) => pat_ident(&t.pat),
        syn::Pat::Paren(p) => pat_ident(&p.pat),
        _ => None,
    }
}

/// The declared type of a `let` pattern (`let x: T = ..`).
pub fn pat_type(pat: &syn::Pat) -> Option<&syn::Type> {
    match pat {
        syn::Pat::Type(t) => Some(&t.ty),
        _ => None,
    }
}

/// The type of the parameter or typed `let` named `name` in a function.
pub fn binding_type<'a>(
    sig: &'a syn::Signature,
    block: &'a syn::Block,
    name: &str,
) -> Option<&'a syn::Type> {
    if let Some(b) = let_binding(block, name) {
        return b.ty;
    }
    param_type(sig, name)
}

fn param_type<'a>(sig: &'a syn::Signature, name: &str) -> Option<&'a syn::Type> {
    sig.inputs.iter().find_map(|arg| match arg {
        syn::FnArg::Typed(pt) if pat_ident(&pt.pat).is_some_and(|i| i == name) => Some(&*pt.ty),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(src: &str) -> syn::Block {
        syn::parse_str(src).unwrap()
    }

    fn exit_texts(src: &str) -> (Vec<String>, bool) {
        let b = block(src);
        let e = exits(&b);
        (
            e.values
                .iter()
                .map(|v| crate::analysis::guards::text(v))
                .collect(),
            e.opaque,
        )
    }

    #[test]
    fn exits_split() {
        assert_eq!(exit_texts("{ true }"), (vec!["true".into()], false));
        assert_eq!(
            exit_texts("{ if a { return Ok(()); } if b { Ok(()) } else { Ok(()) } }"),
            (
                vec!["Ok(())".into(), "Ok(())".into(), "Ok(())".into()],
                false
            )
        );
        assert_eq!(
            exit_texts("{ match x { A => true, _ => { log(); false } } }"),
            (vec!["true".into(), "false".into()], false)
        );
        assert!(exit_texts("{ f()?; Ok(()) }").1);
        assert!(exit_texts("{ bail!(\"no\"); }").1);
        assert!(exit_texts("{ ensure!(x, \"no\"); Ok(()) }").1);
        assert!(!exit_texts("{ println!(\"{x}\"); true }").1);
        assert!(!exit_texts("{ let c = || { return false; }; true }").1);
        assert_eq!(
            exit_texts("{ let c = || { return false; }; true }").0,
            ["true"]
        );
        assert!(exit_texts("{ #[cfg(debug_assertions)] { if x { return false; } } true }").1);
    }

    #[test]
    fn reads() {
        let b = block("{ let _ = token; self.token.len() > 0 }");
        assert!(!reads_name(&b, "token"));
        let b = block("{ Foo { token: 1 } }");
        assert!(!reads_name(&b, "token"));
        let b = block("{ Foo { token } }");
        assert!(reads_name(&b, "token"));
        let b = block("{ println!(\"{token}\"); }");
        assert!(reads_name(&b, "token"));
        let b = block("{ check(&token) }");
        assert!(reads_name(&b, "token"));
        let b = block("{ drop(token); true }");
        assert!(!reads_name(&b, "token"));
        let b = block("{ for i in 0..max { f(i) } }");
        assert!(reads_name(&b, "max"));
        let b = block("{ &buf[..n.get()] }");
        assert!(reads_name(&b, "n"));
    }

    #[test]
    fn scoped() {
        let f: syn::ItemFn = syn::parse_str(
            "fn f(n: i64) { use_it(n); let n = n as usize; if let Some(n) = opt { g(n); } h(n); }",
        )
        .unwrap();
        let mut seen = Vec::new();
        for_each_expr_scoped(Some(&f.sig), &f.block, &mut |e, scope| {
            if let syn::Expr::Call(c) = e {
                let b = c.args.first().and_then(|a| scope.of_expr(a));
                seen.push((
                    crate::analysis::guards::text(&c.func),
                    b.and_then(|b| b.ty)
                        .map(|t| t.to_token_stream().to_string()),
                    b.and_then(|b| b.init).map(crate::analysis::guards::text),
                ));
            }
        });
        assert_eq!(
            seen,
            vec![
                ("use_it".into(), Some("i64".into()), None),
                ("g".into(), None, None),
                ("h".into(), None, Some("nasusize".into())),
            ]
        );
    }

    #[test]
    fn lets() {
        let b = block("{ let x = 1; if y { let x: u8 = 2; } }");
        assert_eq!(
            let_init(&b, "x")
                .map(crate::analysis::guards::text)
                .as_deref(),
            Some("2")
        );
        assert!(let_init(&b, "z").is_none());
    }
}
