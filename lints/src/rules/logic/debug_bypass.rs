use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::body::LetIndex;
use crate::analysis::{body, guards, locals, macros, paths};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// In a check-named function or in authentication/authorization code (a function or
    /// type named after auth, login, session, guard, jwt, ..), flags a branch that returns
    /// success (`true`, `Ok(..)`, `Some(..)`, `next.run(req)`) when:
    ///
    /// - `cfg!(debug_assertions)` holds, or under `#[cfg(debug_assertions)]` (a statement,
    ///   or a whole check function variant that always succeeds);
    /// - an environment variable or flag named like a switch-off is set: `DEBUG`,
    ///   `SKIP_AUTH`, `DISABLE_AUTH`, `DEV_MODE`, `BYPASS_*`, `INSECURE`
    ///   (`env::var("SKIP_AUTH").is_ok()`, `self.config.skip_auth`), or any environment
    ///   variable compared with such a mode (`env::var("APP_ENV")? == "development"`);
    /// - a user name or credential equals a literal: `if user == "admin"`,
    ///   `if token == "test"`, `password == "letmein"`, `match token { "dev" => .. }`.
    ///
    /// Not flagged: `!cfg!(debug_assertions)` and other negated switches (the check runs in
    /// that branch), branches that deny, role comparisons (`user.role == "admin"` is
    /// authorization, not a backdoor), test code.
    ///
    /// ### Why is this bad?
    /// Debug builds get deployed, environment variables get set by accident or by an
    /// attacker with limited access, and a magic user name or token is a password everyone
    /// who reads the source (or the binary's strings) knows. Each is a backdoor around the
    /// check (CWE-489, active debug code; CWE-798 for the literals).
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn auth_middleware(req: Request, next: Next) -> Result<Response, StatusCode> {
    ///     if std::env::var("SKIP_AUTH").is_ok() {
    ///         return Ok(next.run(req).await);
    ///     }
    ///     let token = bearer(&req).ok_or(StatusCode::UNAUTHORIZED)?;
    ///     if token == "dev-token" {
    ///         return Ok(next.run(req).await);
    ///     }
    ///     verify(token).map_err(|_| StatusCode::UNAUTHORIZED)?;
    ///     Ok(next.run(req).await)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn auth_middleware(req: Request, next: Next) -> Result<Response, StatusCode> {
    ///     let token = bearer(&req).ok_or(StatusCode::UNAUTHORIZED)?;
    ///     verify(token).map_err(|_| StatusCode::UNAUTHORIZED)?;
    ///     Ok(next.run(req).await)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-489: Active Debug Code
    /// - CWE-798: Use of Hard-coded Credentials
    /// - CWE-912: Hidden Functionality
    pub struct DebugBypass;
    name = "debug_bypass",
    family = Logic,
    ai = Deny,
    human = Warn,
    cwe = 489,
    summary = "check that succeeds in debug builds, on an env var or flag, or for a magic value",
}

impl Rule for DebugBypass {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !auth_context(cx, f) {
            return;
        }
        let mut found: Vec<Found> = Vec::new();
        let lets = LetIndex::new(f.block);
        if let Some(x) = debug_variant(cx, f) {
            found.push(x);
        }
        locals::for_each_expr(f.block, &mut |e| {
            if let Some(attr) = expr_attrs(e).iter().find(|a| is_debug_cfg(cx, a))
                && let Some(ok) = succeeds(e)
            {
                found.push(Found {
                    span: attr.span(),
                    message: "a success path that exists only in debug builds".into(),
                    success: ok,
                });
                return;
            }
            match e {
                syn::Expr::If(i) => {
                    let cond = match paths::peel(&i.cond) {
                        syn::Expr::Let(l) => &*l.expr,
                        c => c,
                    };
                    let Some(t) = trigger(cx, &lets, cond, false, 0) else {
                        return;
                    };
                    if let Some(ok) = block_succeeds(&i.then_branch) {
                        found.push(Found {
                            span: t.span,
                            message: t.message,
                            success: ok,
                        });
                    }
                }
                syn::Expr::Match(m) => {
                    if let Some(x) = magic_arm(cx, &lets, m) {
                        found.push(x);
                    }
                }
                _ => {}
            }
        });
        for x in found {
            cx.report(&Self::META, x.span, x.message)
                .label(x.success, "returns success here")
                .help("remove the bypass: check every request the same way, and give tests their own credentials");
        }
    }
}

struct Found {
    span: Span,
    message: String,
    success: Span,
}

struct Trigger {
    span: Span,
    message: String,
}

fn auth_context(cx: &Cx<'_>, f: &FnLike<'_>) -> bool {
    let v = cx.vocab();
    let ty_auth = match &f.kind {
        FnKind::Inherent { self_ty } | FnKind::TraitImpl { self_ty, .. } => {
            v.is_auth_context_name(self_ty)
        }
        FnKind::TraitDefault { trait_name } => v.is_auth_context_name(trait_name),
        FnKind::Free => false,
    };
    cx.in_check_fn() || v.is_auth_context_name(&f.name()) || ty_auth
}

/// The attributes of the expression kinds that carry statement attributes here.
fn expr_attrs(e: &syn::Expr) -> &[syn::Attribute] {
    match e {
        syn::Expr::Block(b) => &b.attrs,
        syn::Expr::Return(r) => &r.attrs,
        syn::Expr::If(i) => &i.attrs,
        syn::Expr::Call(c) => &c.attrs,
        syn::Expr::MethodCall(m) => &m.attrs,
        _ => &[],
    }
}

/// The text of a `cfg` predicate names a debug switch: `debug_assertions` (not under
/// `not(..)`), or a feature named like a bypass (`feature = "skip-auth"`).
fn cfg_text_is_debug(cx: &Cx<'_>, text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.contains("not(") {
        return false;
    }
    if t.contains("debug_assertions") {
        return true;
    }
    t.split('"').skip(1).step_by(2).any(|feature| {
        t.contains(&format!("feature=\"{feature}\"")) && cx.vocab().is_bypass_flag_name(feature)
    })
}

fn is_debug_cfg(cx: &Cx<'_>, a: &syn::Attribute) -> bool {
    a.path().is_ident("cfg")
        && matches!(&a.meta, syn::Meta::List(l) if cfg_text_is_debug(cx, &l.tokens.to_string()))
}

/// A whole check fn under `#[cfg(debug_assertions)]` that succeeds on every path.
fn debug_variant(cx: &Cx<'_>, f: &FnLike<'_>) -> Option<Found> {
    let attr = f.attrs.iter().find(|a| is_debug_cfg(cx, a))?;
    let exits = body::exits(f.block);
    if exits.opaque || exits.values.is_empty() {
        return None;
    }
    let spans: Vec<Span> = exits.values.iter().filter_map(|v| success(v)).collect();
    if spans.len() != exits.values.len() {
        return None;
    }
    Some(Found {
        span: attr.span(),
        message: format!("`{}` always succeeds in debug builds", f.name()),
        success: spans.first().copied().unwrap_or_else(|| f.name_span()),
    })
}

/// A success value (see [`body::grant_value`]).
fn success(e: &syn::Expr) -> Option<Span> {
    body::grant_value(e)
}

/// Whether a branch returns success: a `return <success>` in it (closures excluded) or a
/// tail that is one.
fn block_succeeds(b: &syn::Block) -> Option<Span> {
    body::exits(b).values.iter().find_map(|v| success(v))
}

/// What a branch taken on `cond` would be: a debug switch, an env var, a flag, a magic value.
/// `negated` tracks `!`: a negated switch runs the check in the branch.
fn trigger(
    cx: &Cx<'_>,
    lets: &LetIndex<'_>,
    cond: &syn::Expr,
    negated: bool,
    depth: usize,
) -> Option<Trigger> {
    if depth > 32 {
        return None;
    }
    let v = cx.vocab();
    match paths::peel(cond) {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
            trigger(cx, lets, &u.expr, !negated, depth + 1)
        }
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            trigger(cx, lets, &b.left, negated, depth + 1)
                .or_else(|| trigger(cx, lets, &b.right, negated, depth + 1))
        }
        _ if negated => None,
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_)) => {
            magic_compare(cx, lets, &b.left, &b.right)
                .or_else(|| env_trigger(cx, cond))
                .or_else(|| env_compare(cx, lets, &b.left, &b.right))
        }
        syn::Expr::MethodCall(m) if m.method == "eq" && m.args.len() == 1 => m
            .args
            .first()
            .and_then(|a| magic_compare(cx, lets, &m.receiver, a))
            .or_else(|| env_trigger(cx, cond)),
        e @ (syn::Expr::Path(_) | syn::Expr::Field(_)) => {
            let name = paths::expr_name(e)?;
            if v.is_bypass_flag_name(&name) {
                return Some(Trigger {
                    span: e.span(),
                    message: format!("the flag `{}` bypasses the check", guards::text(e)),
                });
            }
            // `let skip = env::var("SKIP_AUTH").is_ok(); if skip { .. }`
            if let syn::Expr::Path(p) = e
                && let Some(id) = p.path.get_ident()
                && let Some(init) = lets.init(&id.to_string())
            {
                return env_trigger(cx, init).or_else(|| debug_macro(cx, init));
            }
            None
        }
        e => debug_macro(cx, e).or_else(|| env_trigger(cx, e)),
    }
}

/// `cfg!(debug_assertions)` in `e`.
fn debug_macro(cx: &Cx<'_>, e: &syn::Expr) -> Option<Trigger> {
    let mut out = None;
    locals::for_each_subexpr(e, &mut |x| {
        if out.is_none()
            && let syn::Expr::Macro(m) = x
            && macros::macro_name(&m.mac) == "cfg"
            && cfg_text_is_debug(cx, &m.mac.tokens.to_string())
        {
            out = Some(Trigger {
                span: x.span(),
                message: "a success path taken in debug builds".into(),
            });
        }
    });
    out
}

/// `env::var("SKIP_AUTH")`, `std::env::var_os("DEBUG")`, `option_env!("DEV_MODE")` in `e`.
fn env_trigger(cx: &Cx<'_>, e: &syn::Expr) -> Option<Trigger> {
    let v = cx.vocab();
    let mut out = None;
    locals::for_each_subexpr(e, &mut |x| {
        if out.is_some() {
            return;
        }
        let name = match x {
            syn::Expr::Call(_) => match paths::call(x, &cx.uses) {
                Some((segs, args))
                    if segs.len() >= 2
                        && matches!(segs.last().map(String::as_str), Some("var" | "var_os"))
                        && matches!(
                            segs[segs.len() - 2].as_str(),
                            "env" | "dotenv" | "dotenvy"
                        ) =>
                {
                    args.first().and_then(paths::lit_str).map(|s| s.value())
                }
                _ => None,
            },
            syn::Expr::Macro(m)
                if matches!(macros::macro_name(&m.mac).as_str(), "option_env" | "env") =>
            {
                syn::parse2::<syn::LitStr>(m.mac.tokens.clone())
                    .ok()
                    .map(|s| s.value())
            }
            _ => None,
        };
        if let Some(n) = name
            && v.is_bypass_flag_name(&n)
        {
            out = Some(Trigger {
                span: x.span(),
                message: format!("the environment variable `{n}` bypasses the check"),
            });
        }
    });
    out
}

/// `env::var("APP_ENV")? == "development"`: any environment variable compared with a
/// literal that names a debug or development mode (through a `let` too).
fn env_compare(cx: &Cx<'_>, lets: &LetIndex<'_>, a: &syn::Expr, b: &syn::Expr) -> Option<Trigger> {
    let (value, lit) = match (paths::lit_str(a), paths::lit_str(b)) {
        (None, Some(l)) => (a, l),
        (Some(l), None) => (b, l),
        _ => return None,
    };
    if !cx.vocab().is_bypass_flag_name(&lit.value()) {
        return None;
    }
    let from_env = |e: &syn::Expr| {
        let mut hit = false;
        locals::for_each_subexpr(e, &mut |x| {
            if let Some((segs, _)) = paths::call(x, &cx.uses)
                && segs.len() >= 2
                && matches!(segs.last().map(String::as_str), Some("var" | "var_os"))
                && matches!(segs[segs.len() - 2].as_str(), "env" | "dotenv" | "dotenvy")
            {
                hit = true;
            }
        });
        hit
    };
    let direct = from_env(value);
    let via_let = || match paths::peel(value) {
        syn::Expr::Path(p) => p
            .path
            .get_ident()
            .and_then(|id| lets.init(&id.to_string()))
            .is_some_and(from_env),
        _ => false,
    };
    (direct || via_let()).then(|| Trigger {
        span: lit.span(),
        message: format!(
            "the environment set to `{}` bypasses the check",
            lit.value()
        ),
    })
}

/// `user == "admin"`, `token == "test"`: a principal or credential against a literal.
fn magic_compare(
    cx: &Cx<'_>,
    lets: &LetIndex<'_>,
    a: &syn::Expr,
    b: &syn::Expr,
) -> Option<Trigger> {
    let (value, lit) = match (paths::lit_str(a), paths::lit_str(b)) {
        (None, Some(l)) => (a, l),
        (Some(l), None) => (b, l),
        _ => return None,
    };
    if lit.value().is_empty() {
        return None;
    }
    let name = magic_subject(cx, lets, value, 0)?;
    Some(Trigger {
        span: lit.span(),
        message: format!("a hard-coded `{name}` value bypasses the check"),
    })
}

/// The name of a value that must never be compared with a literal to grant access: a
/// credential (`token`, `password`) or who acts (`user`, `username`, `user.name`), through
/// case mapping (`user.name.to_lowercase()`) and one `let` (`let name = user.name.trim();`).
fn magic_subject(
    cx: &Cx<'_>,
    lets: &LetIndex<'_>,
    value: &syn::Expr,
    depth: usize,
) -> Option<String> {
    let v = cx.vocab();
    let value = peel_text(value);
    let name = paths::expr_name(value);
    if let Some(n) = &name
        && (v.is_secret_name(n) || v.is_principal_name(n))
    {
        return Some(n.clone());
    }
    match paths::peel(value) {
        // `user.name`, `account.id`: the principal's identifying field.
        syn::Expr::Field(fe)
            if name
                .as_deref()
                .is_some_and(|n| matches!(n, "name" | "id" | "login" | "email"))
                && paths::expr_name(&fe.base).is_some_and(|b| v.is_principal_name(&b)) =>
        {
            Some(guards::text(value))
        }
        syn::Expr::Path(p) if depth == 0 => {
            let id = p.path.get_ident()?.to_string();
            let init = lets.init(&id)?;
            magic_subject(cx, lets, init, depth + 1)
        }
        _ => None,
    }
}

/// Through methods that keep the text: `.to_lowercase()`, `.trim()`, `.as_str()`.
fn peel_text(mut e: &syn::Expr) -> &syn::Expr {
    for _ in 0..8 {
        match paths::peel(e) {
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "to_lowercase"
                            | "to_ascii_lowercase"
                            | "to_uppercase"
                            | "trim"
                            | "as_str"
                            | "to_string"
                            | "as_ref"
                            | "as_deref"
                            | "clone"
                    ) =>
            {
                e = &m.receiver;
            }
            other => return other,
        }
    }
    e
}

/// `match token.as_str() { "dev" => return Ok(..), .. }`
fn magic_arm(cx: &Cx<'_>, lets: &LetIndex<'_>, m: &syn::ExprMatch) -> Option<Found> {
    let name = magic_subject(cx, lets, &m.expr, 0)?;
    for arm in &m.arms {
        // `"dev" =>` and `Some("dev") =>`
        let pat = match &arm.pat {
            syn::Pat::TupleStruct(t) if t.elems.len() == 1 => t.elems.first(),
            p => Some(p),
        };
        let Some(syn::Pat::Lit(l)) = pat else {
            continue;
        };
        let syn::Lit::Str(s) = &l.lit else {
            continue;
        };
        if s.value().is_empty() {
            continue;
        }
        if let Some(ok) = success(&arm.body) {
            return Some(Found {
                span: s.span(),
                message: format!("a hard-coded `{name}` value bypasses the check"),
                success: ok,
            });
        }
    }
    None
}

/// Whether `e` (an expression under a debug `#[cfg]`) returns success.
fn succeeds(e: &syn::Expr) -> Option<Span> {
    match e {
        syn::Expr::Block(b) => block_succeeds(&b.block),
        syn::Expr::If(i) => block_succeeds(&i.then_branch),
        _ => success(e),
    }
}
