use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::fnbody;
use crate::analysis::paths;
use crate::analysis::vocab::{Vocab, split_words};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a secret read from the environment (`std::env::var`, `env::var_os`,
    /// `dotenvy::var`, `option_env!`) or from a config getter (`config.get_string(..)`,
    /// `matches.get_one(..)`) under a secret-named key, that falls back to a literal or an
    /// empty value when it is missing: `.unwrap_or("..")`, `.unwrap_or_else(|_| "..".into())`,
    /// `.unwrap_or_default()`, `.ok().unwrap_or(..)`, a `match`/`if let` whose `Err`/`None`
    /// arm yields a literal, also when the lookup and the fallback are separate statements.
    ///
    /// ### Why is this bad?
    /// When the variable is missing in production (a typo, a renamed secret, a new
    /// deployment), the service starts anyway with a secret everyone can read in the source,
    /// or an empty one (CWE-1188). Tokens signed with `"dev-secret"` are then accepted, and
    /// nobody notices until they are forged.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn jwt_key() -> String {
    ///     std::env::var("JWT_SECRET").unwrap_or_else(|_| "dev-secret".to_string())
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn jwt_key() -> Result<String, std::env::VarError> {
    ///     // fail at startup when the secret is missing
    ///     std::env::var("JWT_SECRET")
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-1188: Initialization of a Resource with an Insecure Default
    /// - CWE-798: Use of Hard-coded Credentials
    pub struct SecretFallback;
    name = "secret_fallback",
    family = Secrets,
    ai = Deny,
    human = Warn,
    cwe = 1188,
    summary = "missing secret silently replaced by a literal or empty value",
}

const HELP: &str = "fail at startup when the secret is missing (`std::env::var(..)?` or `.expect(\"JWT_SECRET must be set\")`) instead of running with a known value";

impl Rule for SecretFallback {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let lookup = |cx: &Cx<'_>, e: &syn::Expr| secret_lookup(e, cx);
        check_fallback_shape(cx, expr, &lookup);
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        // `let key = env::var("API_KEY").ok();` .. `key.unwrap_or(..)`: the lookup and the
        // fallback in separate statements.
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        // The first secret lookup bound to each name.
        let mut secret_locals: HashMap<String, Lookup> = HashMap::new();
        for b in fnbody::bindings(f.block) {
            if let Some(l) = b.init.and_then(|i| secret_lookup(i, cx)) {
                secret_locals.entry(b.ident.to_string()).or_insert(l);
            }
        }
        if secret_locals.is_empty() {
            return;
        }
        let lookup = |_: &Cx<'_>, e: &syn::Expr| {
            let root = peel_option_adapters(e);
            secret_locals.get(&fnbody::plain_name(root)?).cloned()
        };
        let mut exprs = Vec::new();
        fnbody::for_each_in_block(f.block, &mut |e| {
            if is_fallback_site(e) {
                exprs.push(e.clone());
            }
        });
        for e in &exprs {
            check_fallback_shape(cx, e, &lookup);
        }
    }
}

/// A secret-named lookup: the key and where it was read.
#[derive(Clone)]
struct Lookup {
    key: String,
    span: Span,
}

fn is_fallback_site(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::MethodCall(m) => matches!(
            m.method.to_string().as_str(),
            "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "or" | "or_else"
        ),
        syn::Expr::Match(_) => true,
        syn::Expr::If(i) => matches!(&*i.cond, syn::Expr::Let(_)),
        _ => false,
    }
}

/// `<lookup>.unwrap_or(..)`, `match <lookup> { Err(_) => "..", .. }`,
/// `if let Ok(v) = <lookup> { v } else { ".." }`.
fn check_fallback_shape(
    cx: &mut Cx<'_>,
    expr: &syn::Expr,
    lookup: &dyn Fn(&Cx<'_>, &syn::Expr) -> Option<Lookup>,
) {
    match expr {
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let fallback = match method.as_str() {
                "unwrap_or_default" if m.args.is_empty() => Some(FallbackKind::Empty),
                "unwrap_or" | "or" if m.args.len() == 1 => {
                    fallback_value(&m.args[0]).map(|(k, _)| k)
                }
                "unwrap_or_else" | "or_else" if m.args.len() == 1 => {
                    match paths::peel(&m.args[0]) {
                        syn::Expr::Closure(c) => fallback_value(&c.body).map(|(k, _)| k),
                        // `.unwrap_or_else(String::new)`, `.unwrap_or_else(Default::default)`
                        syn::Expr::Path(p) => {
                            let segs = paths::segments(&p.path);
                            matches!(segs.last().map(String::as_str), Some("new" | "default"))
                                .then_some(FallbackKind::Empty)
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some(kind) = fallback else {
                return;
            };
            let Some(l) = lookup(cx, &m.receiver) else {
                return;
            };
            report(cx, m.method.span(), &l, kind);
        }
        syn::Expr::Match(mm) => {
            let Some(l) = lookup(cx, &mm.expr) else {
                return;
            };
            for arm in &mm.arms {
                if is_missing_pattern(&arm.pat)
                    && let Some((kind, value)) = fallback_value(&arm.body)
                {
                    report(cx, value.span(), &l, kind);
                }
            }
        }
        syn::Expr::If(i) => {
            let (syn::Expr::Let(let_expr), Some((_, else_branch))) = (&*i.cond, &i.else_branch)
            else {
                return;
            };
            if !is_present_pattern(&let_expr.pat) {
                return;
            }
            let Some(l) = lookup(cx, &let_expr.expr) else {
                return;
            };
            if let Some((kind, value)) = fallback_value(else_branch) {
                report(cx, value.span(), &l, kind);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Copy)]
enum FallbackKind {
    Literal,
    Empty,
}

fn report(cx: &mut Cx<'_>, span: Span, l: &Lookup, kind: FallbackKind) {
    let what = match kind {
        FallbackKind::Literal => "a hardcoded value",
        FallbackKind::Empty => "an empty value",
    };
    cx.report(
        &SecretFallback::META,
        span,
        format!(
            "secret `{}` silently falls back to {what} when it is missing",
            l.key
        ),
    )
    .label(l.span, "the secret is read here")
    .help(HELP);
}

/// `Err(_)`, `None`, `_`: the arm taken when the secret is missing.
fn is_missing_pattern(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(i) => i.ident == "None",
        syn::Pat::Path(p) => p.path.is_ident("None"),
        syn::Pat::TupleStruct(t) => t.path.is_ident("Err"),
        syn::Pat::Or(o) => o.cases.iter().any(is_missing_pattern),
        _ => false,
    }
}

/// `Ok(v)`, `Some(v)`: the `if let` taken when the secret is present.
fn is_present_pattern(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::TupleStruct(t) if t.path.is_ident("Ok") || t.path.is_ident("Some"))
}

/// A fallback that is a known value: a literal, an empty constructor, a constant, through
/// `.to_string()`/`.into()`/`String::from(..)`/`Some(..)`, and the tail of a block. Gives
/// the kind and the whole value expression (after any block).
fn fallback_value(expr: &syn::Expr) -> Option<(FallbackKind, &syn::Expr)> {
    let mut expr = expr;
    let mut value = expr;
    let kind = fallback_kind(&mut expr, &mut value)?;
    Some((kind, value))
}

fn fallback_kind<'a>(expr: &mut &'a syn::Expr, value: &mut &'a syn::Expr) -> Option<FallbackKind> {
    for _ in 0..16 {
        *expr = paths::peel(expr);
        match *expr {
            syn::Expr::Lit(l) => {
                let empty = matches!(&l.lit, syn::Lit::Str(s) if s.value().is_empty());
                return Some(if empty {
                    FallbackKind::Empty
                } else {
                    FallbackKind::Literal
                });
            }
            syn::Expr::Block(b) => {
                // `{ warn!(..); "dev".into() }`: the tail decides.
                match b.block.stmts.last() {
                    Some(syn::Stmt::Expr(e, None)) => {
                        *expr = e;
                        *value = e;
                    }
                    _ => return None,
                }
            }
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "to_string"
                        | "to_owned"
                        | "into"
                        | "to_vec"
                        | "as_bytes"
                        | "into_bytes"
                        | "as_str"
                ) =>
            {
                *expr = &m.receiver;
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = paths::peel(&c.func) else {
                    return None;
                };
                let segs = paths::segments(&p.path);
                let last = segs.last().map(String::as_str).unwrap_or_default();
                if c.args.is_empty() && matches!(last, "new" | "default") {
                    // `String::new()`, `Default::default()`, `Vec::new()`
                    return Some(FallbackKind::Empty);
                }
                if c.args.len() == 1 && matches!(last, "from" | "Some" | "Ok" | "new") {
                    *expr = &c.args[0];
                    continue;
                }
                return None;
            }
            syn::Expr::Path(p) => {
                // `DEFAULT_SECRET`: a constant is as known as a literal.
                let last = p.path.segments.last()?.ident.to_string();
                let constant = last.len() > 1
                    && last
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                return constant.then_some(FallbackKind::Literal);
            }
            _ => return None,
        }
    }
    None
}

/// Peels `.ok()`, `.map(..)`, `.filter(..)`, `.as_deref()`, `.cloned()`: adapters between a
/// lookup and its fallback.
fn peel_option_adapters(mut expr: &syn::Expr) -> &syn::Expr {
    for _ in 0..16 {
        match paths::peel(expr) {
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "ok" | "map"
                        | "filter"
                        | "as_deref"
                        | "as_ref"
                        | "cloned"
                        | "copied"
                        | "map_err"
                        | "and_then"
                        | "or_else"
                        | "or"
                        | "to_owned"
                        | "as_str"
                        | "into_string"
                ) =>
            {
                expr = &m.receiver;
            }
            other => return other,
        }
    }
    expr
}

/// A read of a secret-named key: `env::var("API_KEY")`, `option_env!("TOKEN")`,
/// `config.get_string("db.password")`, `matches.get_one::<String>("token")`.
fn secret_lookup(expr: &syn::Expr, cx: &Cx<'_>) -> Option<Lookup> {
    let root = peel_option_adapters(expr);
    let vocab = cx.vocab();
    match root {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            let segs = cx.uses.resolve(&p.path);
            let env_read = paths::ends_with(&segs, &["env", "var"])
                || paths::ends_with(&segs, &["env", "var_os"])
                || paths::ends_with(&segs, &["dotenv", "var"])
                || paths::ends_with(&segs, &["dotenvy", "var"]);
            if !env_read {
                return None;
            }
            let key = key_name(c.args.first()?)?;
            is_secret_key(vocab, &key).then(|| Lookup {
                key,
                span: c.span(),
            })
        }
        syn::Expr::Macro(m) => {
            if crate::analysis::macros::macro_name(&m.mac) != "option_env" {
                return None;
            }
            let lit: syn::LitStr = syn::parse2(m.mac.tokens.clone()).ok()?;
            let key = lit.value();
            is_secret_key(vocab, &key).then(|| Lookup {
                key,
                span: m.span(),
            })
        }
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let getter = matches!(
                method.as_str(),
                "get"
                    | "get_str"
                    | "get_string"
                    | "get_one"
                    | "value_of"
                    | "get_secret"
                    | "get_env"
                    | "var"
            );
            if !getter || m.args.len() != 1 || reads_request(&m.receiver) {
                return None;
            }
            let key = paths::lit_str(&m.args[0])?.value();
            is_secret_key(vocab, &key).then(|| Lookup {
                key,
                span: m.span(),
            })
        }
        _ => None,
    }
}

/// `req.headers().get(..)`, `query.get(..)`: request input, not configuration.
fn reads_request(receiver: &syn::Expr) -> bool {
    let mut e = receiver;
    for _ in 0..8 {
        match paths::peel(e) {
            syn::Expr::MethodCall(m) => {
                if matches!(
                    m.method.to_string().as_str(),
                    "headers" | "cookies" | "query" | "uri" | "params"
                ) {
                    return true;
                }
                e = &m.receiver;
            }
            syn::Expr::Field(f) => e = &f.base,
            syn::Expr::Path(p) => {
                return p.path.segments.last().is_some_and(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "headers" | "cookies" | "query" | "params" | "form"
                    )
                });
            }
            _ => return false,
        }
    }
    false
}

/// The key a lookup reads: a string literal, or the name of a constant holding it
/// (`API_KEY_ENV`, `JWT_SECRET_VAR`).
fn key_name(arg: &syn::Expr) -> Option<String> {
    if let Some(s) = paths::lit_str(arg) {
        return Some(s.value());
    }
    match paths::peel(arg) {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether a lookup key names a secret; a constant's trailing `env`/`var`/`name`/`key`
/// word (`API_KEY_ENV`) describes the constant, not the secret.
fn is_secret_key(vocab: &Vocab, key: &str) -> bool {
    if vocab.is_secret_name(key) {
        return true;
    }
    let words = split_words(key);
    let mut end = words.len();
    while end > 1 && matches!(words[end - 1].as_str(), "env" | "var" | "name") {
        end -= 1;
    }
    end < words.len() && vocab.is_secret_name(&words[..end].join("_"))
}
