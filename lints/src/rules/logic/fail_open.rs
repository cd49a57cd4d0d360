use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::{body, locals, paths};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a security decision whose error path grants access:
    ///
    /// - `.unwrap_or(true)`, `.unwrap_or_else(|_| true)`, `.map_or(true, ..)` on the result
    ///   of a check (`verify_token(..)`, `is_allowed(..)`), or as the verdict of a
    ///   check-named function;
    /// - `Err(_) => true`, `Err(_) => Ok(())`, `Err(_) => return Ok(..)` on the result of a
    ///   check, or as the verdict of a check-named function, and
    ///   `let Ok(..) = .. else { return Ok(()) }` likewise; in an auth middleware, an `Err`
    ///   arm that passes the request on (`Err(_) => Ok(next.run(req).await)`);
    /// - a final `_ => true` arm that is the verdict of a check-named function (a deny-list:
    ///   every case nobody thought of is allowed); matches over char and integer
    ///   literals (character classes) are left alone;
    /// - for deny verdicts and deny lists (`is_revoked(..)`, `load_blocklist()`) in a
    ///   check-named or auth function, the same with the polarity flipped:
    ///   `.unwrap_or(false)`, `.unwrap_or_default()` (an empty block list), `Err(_) => false`;
    /// - `.is_ok()` (or `if let Ok(_) = ..`, `Ok(_) => true`) on a verifier that returns
    ///   `Result<bool, _>`, where `Ok(false)` means "wrong password": `bcrypt::verify`,
    ///   `argon2::verify_encoded`, `jsonwebtoken::crypto::verify`, totp-rs's
    ///   `check_current`, openssl's `Verifier::verify`/`verify_oneshot`.
    ///
    /// Not flagged: `.is_ok()` on verifiers that return `Result<(), _>`
    /// (`PasswordVerifier::verify_password`, `Mac::verify_slice`), which is the right idiom;
    /// `Err(e) if .. =>` arms, whose guard names the one error that is tolerated;
    /// `.unwrap_or_default()` on a positive verdict (`is_allowed(..)`), whose default `false`
    /// denies; `Option` defaults for an absent setting (`max_len.map_or(true, ..)`,
    /// `.unwrap_or(Ok(()))`: nothing to check is not a failed check); a `let Ok(..) = ..
    /// else { return Ok(()) }` that is not about a check or authentication ("not
    /// applicable"); a catch-all after arms with guards or bindings (conditions, not an
    /// enumeration of values).
    ///
    /// ### Why is this bad?
    /// Errors are exactly what an attacker can provoke: a malformed token, an unreachable
    /// revocation list, a hash in an unexpected format. A check that answers "allowed" when
    /// it cannot decide fails open (CWE-636), and the bypass needs no secret at all.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn is_authorized(token: &str, key: &DecodingKey) -> bool {
    ///     match decode::<Claims>(token, key, &Validation::default()) {
    ///         Ok(data) => data.claims.admin,
    ///         Err(_) => true,
    ///     }
    /// }
    ///
    /// fn login(password: &str, hash: &str) -> bool {
    ///     bcrypt::verify(password, hash).is_ok()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn is_authorized(token: &str, key: &DecodingKey) -> bool {
    ///     match decode::<Claims>(token, key, &Validation::default()) {
    ///         Ok(data) => data.claims.admin,
    ///         Err(_) => false,
    ///     }
    /// }
    ///
    /// fn login(password: &str, hash: &str) -> bool {
    ///     bcrypt::verify(password, hash).unwrap_or(false)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-636: Not Failing Securely ('Failing Open')
    /// - CWE-755: Improper Handling of Exceptional Conditions
    /// - semgrep: `rust.lang.security.unchecked-result` (related)
    pub struct FailOpen;
    name = "fail_open",
    family = Logic,
    ai = Deny,
    human = Warn,
    cwe = 636,
    summary = "security check that grants access when it fails",
}

/// Every finding is one of: `.unwrap_or*`/`.map_or*` (`defaulted`), a `match`
/// (`match_arms`), an `Ok(..)` pattern (`let_else`, `if_let_ok`), `.is_ok()`/`.is_some()`
/// (`is_ok_on_verifier`), in the body: keywords, method and variant names as written.
const NEEDLES: &[&str] = &["unwrap_or", "map_or", "match", "Ok", "is_ok", "is_some"];

impl Rule for FailOpen {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.fn_mentions(f, NEEDLES) {
            return;
        }
        let name = f.name();
        let vocab = cx.vocab();
        let self_ty_auth = match &f.kind {
            FnKind::Inherent { self_ty } | FnKind::TraitImpl { self_ty, .. } => {
                vocab.is_auth_context_name(self_ty)
            }
            FnKind::TraitDefault { trait_name } => vocab.is_auth_context_name(trait_name),
            FnKind::Free => false,
        };
        let ctx = Ctx {
            check_fn: cx.in_check_fn(),
            auth_fn: vocab.is_auth_context_name(&name) || self_ty_auth,
            fn_deny: vocab.is_deny_name(&name),
            block: f.block,
            exits: OnceCell::new(),
            lets: body::LetIndex::new(f.block),
            bound: OnceCell::new(),
        };
        let mut found: Vec<Found> = Vec::new();
        body::for_each_local(f.block, &mut |l| {
            if let Some(x) = let_else(cx, &ctx, l) {
                found.push(x);
            }
        });
        locals::for_each_expr(f.block, &mut |e| {
            let x = match e {
                syn::Expr::MethodCall(m) => {
                    defaulted(cx, &ctx, e, m).or_else(|| is_ok_on_verifier(cx, &ctx, m))
                }
                syn::Expr::Match(m) => match_arms(cx, &ctx, m),
                syn::Expr::If(i) => if_let_ok(cx, &ctx, i),
                _ => None,
            };
            if let Some(x) = x {
                found.push(x);
            }
        });
        for x in found {
            let mut r = cx.report(&Self::META, x.span, x.message);
            if let Some((span, text)) = x.label {
                r = r.label(span, text);
            }
            r.help(x.help);
        }
    }
}

struct Ctx<'a> {
    check_fn: bool,
    auth_fn: bool,
    fn_deny: bool,
    /// The fn's body.
    block: &'a syn::Block,
    /// The addresses of the body's exit values, found on the first question (most bodies
    /// hold no candidate and are not asked).
    exits: OnceCell<HashSet<usize>>,
    lets: body::LetIndex<'a>,
    /// The name of the `let` each initializer is bound to, by the initializer's address
    /// (through `?` and `.await`), found on the first question.
    bound: OnceCell<HashMap<usize, String>>,
}

impl Ctx<'_> {
    fn is_exit(&self, e: &syn::Expr) -> bool {
        self.exits
            .get_or_init(|| {
                body::exits(self.block)
                    .values
                    .into_iter()
                    .map(|e| std::ptr::from_ref(e).addr())
                    .collect()
            })
            .contains(&std::ptr::from_ref(e).addr())
    }

    /// The name of the `let` whose initializer is `e` (through `?` and `.await`).
    fn bound_name(&self, e: &syn::Expr) -> Option<String> {
        self.bound
            .get_or_init(|| bound_names(self.block))
            .get(&std::ptr::from_ref(e).addr())
            .cloned()
    }
}

struct Found {
    span: Span,
    message: String,
    label: Option<(Span, String)>,
    help: String,
}

const HELP_CLOSED: &str =
    "fail closed: treat the error as a denial (`false`, `Err(..)`), or propagate it with `?`";

/// A value that grants: `true`, `Ok(())`, `Ok(true)`, through `return` and block tails.
fn grants(e: &syn::Expr) -> bool {
    verdict(e) == Some(true)
}

/// `Some(true)` for `true`/`Ok(())`/`Ok(true)`, `Some(false)` for `false`/`Ok(false)`,
/// through `return`, parentheses and a block's tail (`{ log(..); true }`).
fn verdict(e: &syn::Expr) -> Option<bool> {
    let e = paths::peel(e);
    match e {
        syn::Expr::Return(r) => r.expr.as_deref().and_then(verdict),
        syn::Expr::Block(b) => match b.block.stmts.last()? {
            syn::Stmt::Expr(e, None) => verdict(e),
            syn::Stmt::Expr(e @ syn::Expr::Return(_), Some(_)) => verdict(e),
            _ => None,
        },
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            if !p.path.is_ident("Ok") || c.args.len() != 1 {
                return None;
            }
            let arg = paths::peel(c.args.first()?);
            if matches!(arg, syn::Expr::Tuple(t) if t.elems.is_empty()) {
                Some(true)
            } else {
                paths::lit_bool(arg)
            }
        }
        _ => paths::lit_bool(e),
    }
}

/// Names of the calls in `e` (any depth): `match verify(&t) {..}` gives `verify`.
fn call_names(e: &syn::Expr) -> Vec<String> {
    let mut out = Vec::new();
    locals::for_each_subexpr(e, &mut |x| match x {
        syn::Expr::MethodCall(m) => out.push(m.method.to_string()),
        syn::Expr::Call(c) => {
            if let syn::Expr::Path(p) = paths::peel(&c.func)
                && let Some(last) = p.path.segments.last()
            {
                out.push(last.ident.to_string());
            }
        }
        _ => {}
    });
    out
}

/// What a value is about, by its names: a check (`verify_token(..)`), a deny verdict
/// (`is_revoked(..)`, `blocklist`), or neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Subject {
    Check,
    Deny,
    Other,
}

fn subject(cx: &Cx<'_>, names: &[String], bound_to: Option<&str>) -> Subject {
    let v = cx.vocab();
    if names
        .iter()
        .map(String::as_str)
        .chain(bound_to)
        .any(|n| v.is_deny_name(n))
    {
        return Subject::Deny;
    }
    if names.iter().any(|n| v.is_check_fn(n)) || bound_to.is_some_and(|n| v.is_verdict_name(n)) {
        return Subject::Check;
    }
    Subject::Other
}

/// The names `let`s bind their initializers to, by the initializer's address (through `?`
/// and `.await`).
fn bound_names(block: &syn::Block) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    body::for_each_local(block, &mut |l| {
        let Some(init) = &l.init else {
            return;
        };
        let mut i = &*init.expr;
        loop {
            i = match i {
                syn::Expr::Try(t) => &t.expr,
                syn::Expr::Await(a) => &a.base,
                syn::Expr::Paren(p) => &p.expr,
                _ => break,
            };
        }
        if let Some(id) = body::pat_ident(&l.pat) {
            out.insert(std::ptr::from_ref(i).addr(), id.to_string());
        }
    });
    out
}

/// Whether the fn's verdict is a positive one (`is_allowed`, `verify`), where `true`/`Ok`
/// grants; `check_revoked` is a deny verdict.
fn positive_check_fn(ctx: &Ctx<'_>) -> bool {
    ctx.check_fn && !ctx.fn_deny
}

/// `.unwrap_or(true)`, `.unwrap_or_else(|_| true)`, `.map_or(true, ..)`,
/// `.unwrap_or_default()`/`.unwrap_or(false)` on a deny verdict.
fn defaulted(
    cx: &Cx<'_>,
    ctx: &Ctx<'_>,
    whole: &syn::Expr,
    m: &syn::ExprMethodCall,
) -> Option<Found> {
    let method = m.method.to_string();
    // The default, as a verdict: Some(true) grants, Some(false) denies, None for
    // `unwrap_or_default()` (false, empty).
    let default_expr = match method.as_str() {
        "unwrap_or" | "map_or" => m.args.first(),
        "unwrap_or_else" | "map_or_else" => match paths::peel(m.args.first()?) {
            syn::Expr::Closure(c) => Some(&*c.body),
            _ => return None,
        },
        _ => None,
    };
    // `Option::map_or(true, ..)` ("no limit configured") and `.unwrap_or(Ok(()))` on an
    // `Option<Result<..>>` ("nothing to validate") are defaults for an absent value, not
    // for a failed check: only a literal `true` counts, and `map_or*` only on a check.
    let bool_default = default_expr
        .is_some_and(|d| matches!(paths::peel(d), syn::Expr::Lit(_)) || block_tail_is_lit(d));
    let needs_check_subject = method.starts_with("map_or") || !bool_default;
    let (default, shown): (Option<bool>, &str) = match method.as_str() {
        "unwrap_or" | "map_or" | "unwrap_or_else" | "map_or_else" => {
            (default_expr.and_then(verdict), "")
        }
        "unwrap_or_default" if m.args.is_empty() => (Some(false), "unwrap_or_default()"),
        _ => return None,
    };
    let default = default?;
    let shown = if shown.is_empty() {
        format!("{method}({})", if default { "true" } else { "false" })
    } else {
        shown.to_string()
    };
    let names = body::chain_names(&m.receiver);
    let bound = ctx.bound_name(whole);
    let subj = subject(cx, &names, bound.as_deref());
    let culprit = names.iter().find(|n| {
        let v = cx.vocab();
        v.is_check_fn(n) || v.is_deny_name(n)
    });
    let what = culprit.map_or_else(|| "the check".to_string(), |n| format!("`{n}`"));
    if default {
        if method == "unwrap_or_default" || subj == Subject::Deny {
            return None;
        }
        let verdict_here = ctx.is_exit(whole)
            || bound
                .as_deref()
                .is_some_and(|b| cx.vocab().is_verdict_name(b));
        let by_fn = !needs_check_subject && positive_check_fn(ctx) && verdict_here;
        if !(subj == Subject::Check || by_fn) {
            return None;
        }
        return Some(Found {
            span: m.method.span(),
            message: format!("`{shown}` grants access when {what} fails"),
            label: Some((m.receiver.span(), "an error here becomes `true`".into())),
            help: HELP_CLOSED.into(),
        });
    }
    if subj != Subject::Deny || !(ctx.check_fn || ctx.auth_fn) {
        return None;
    }
    Some(Found {
        span: m.method.span(),
        message: format!("`{shown}` on a deny verdict treats a failed {what} as \"not denied\""),
        label: Some((m.receiver.span(), "an error here lets the request through".into())),
        help: "fail closed: treat the error as denied (`unwrap_or(true)` for a deny verdict), or propagate it with `?`".into(),
    })
}

/// A block whose tail is a literal: `{ log(..); true }`.
fn block_tail_is_lit(e: &syn::Expr) -> bool {
    match paths::peel(e) {
        syn::Expr::Block(b) => {
            matches!(b.block.stmts.last(), Some(syn::Stmt::Expr(t, None)) if matches!(paths::peel(t), syn::Expr::Lit(_)))
        }
        _ => false,
    }
}

/// Whether a `let Ok(x) = init else ..` is about authentication: `x` names a credential,
/// a principal or auth data (`claims`, `token`, `user`), or `init` calls auth code
/// (`decode_jwt`, `load_session`).
fn about_auth(cx: &Cx<'_>, pat: &syn::Pat, init: &syn::Expr) -> bool {
    let v = cx.vocab();
    let inner = match pat {
        syn::Pat::TupleStruct(t) => t
            .elems
            .first()
            .and_then(body::pat_ident)
            .map(ToString::to_string),
        _ => None,
    };
    inner.is_some_and(|n| {
        v.is_secret_name(&n) || v.is_principal_name(&n) || v.is_auth_context_name(&n)
    }) || call_names(init).iter().any(|n| v.is_auth_context_name(n))
}

/// Whether a branch hands the request to the next handler: `next.run(req)`,
/// `next.call(req)`, `next(req)` (its value, through `Ok(..)`, `.await` and block tails).
fn passes_to_next(e: &syn::Expr) -> bool {
    if body::grant_value(e).is_none() {
        return false;
    }
    let mut hit = false;
    locals::for_each_subexpr(e, &mut |x| {
        let next = match x {
            syn::Expr::MethodCall(m) => {
                paths::expr_name(&m.receiver).is_some_and(|n| n == "next")
                    && matches!(m.method.to_string().as_str(), "run" | "call" | "handle")
            }
            syn::Expr::Call(c) => {
                matches!(paths::peel(&c.func), syn::Expr::Path(p) if p.path.is_ident("next"))
            }
            _ => false,
        };
        if next {
            hit = true;
        }
    });
    hit
}

/// The pattern's constructor name: `Err(_)` → `Err`, `Ok(..)` → `Ok`.
fn ctor(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::TupleStruct(t) => t.path.segments.last().map(|s| s.ident.to_string()),
        syn::Pat::Paren(p) => ctor(&p.pat),
        _ => None,
    }
}

/// `Ok(_)`, `Ok(..)`: a pattern that ignores the value inside the `Ok`.
fn ok_ignoring_value(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::TupleStruct(t) => {
            t.path.is_ident("Ok")
                && t.elems.len() == 1
                && t.elems
                    .first()
                    .is_some_and(|p| matches!(p, syn::Pat::Wild(_) | syn::Pat::Rest(_)))
        }
        syn::Pat::Paren(p) => ok_ignoring_value(&p.pat),
        _ => false,
    }
}

/// The scrutinee's calls, with a plain variable looked up through its `let`.
fn scrutinee_names(ctx: &Ctx<'_>, scrut: &syn::Expr) -> Vec<String> {
    let mut names = call_names(scrut);
    if let syn::Expr::Path(p) = paths::peel(scrut)
        && let Some(id) = p.path.get_ident()
        && let Some(init) = ctx.lets.init(&id.to_string())
    {
        names.extend(call_names(init));
    }
    names
}

fn match_arms(cx: &Cx<'_>, ctx: &Ctx<'_>, m: &syn::ExprMatch) -> Option<Found> {
    let names = scrutinee_names(ctx, &m.expr);
    let subj = subject(cx, &names, None);
    if let Some(v) = verifier_in(cx, ctx, &m.expr) {
        // `Ok(_) => true` on a `Result<bool, _>` verifier.
        for arm in &m.arms {
            if ok_ignoring_value(&arm.pat) && grants(&arm.body) {
                return Some(verifier_found(arm.pat.span(), &v, "`Ok(_)` matches"));
            }
        }
    }
    for arm in &m.arms {
        if ctor(&arm.pat).as_deref() != Some("Err") {
            continue;
        }
        let Some(open) = verdict(&arm.body) else {
            // An auth middleware that passes the request on when the check errs.
            if ctx.auth_fn && passes_to_next(&arm.body) {
                return Some(Found {
                    span: arm.pat.span(),
                    message: "the `Err` arm lets the request through: a failed check is treated as success".into(),
                    label: Some((arm.body.span(), "the request continues here".into())),
                    help: HELP_CLOSED.into(),
                });
            }
            continue;
        };
        let deny_side = subj == Subject::Deny || (subj == Subject::Other && ctx.fn_deny);
        let is_open = if deny_side { !open } else { open };
        if !is_open {
            continue;
        }
        let relevant = if deny_side {
            ctx.check_fn || ctx.auth_fn
        } else {
            subj == Subject::Check
                || (positive_check_fn(ctx)
                    && (ctx.is_exit(&arm.body)
                        || matches!(paths::peel(&arm.body), syn::Expr::Return(_))))
        };
        if !relevant {
            continue;
        }
        return Some(Found {
            span: arm.pat.span(),
            message: "the `Err` arm grants access: a failed check is treated as success".into(),
            label: Some((arm.body.span(), "the error path allows".into())),
            help: HELP_CLOSED.into(),
        });
    }
    // A final `_ => true` as the verdict of a positive check fn, after arms that deny.
    if !positive_check_fn(ctx) || m.arms.len() < 2 {
        return None;
    }
    let (last, rest) = m.arms.split_last()?;
    if !matches!(last.pat, syn::Pat::Wild(_)) || !grants(&last.body) || !ctx.is_exit(&last.body) {
        return None;
    }
    if !rest
        .iter()
        .any(|a| verdict(&a.body) == Some(false) || ctor_call(&a.body).as_deref() == Some("Err"))
    {
        return None;
    }
    // A deny-list enumerates values of an open set (names, roles, extensions); arms with
    // guards, bindings or tuples state conditions ("invalid when start > end"), and char
    // or integer literals form a character class: neither is a default-allow.
    if rest.iter().all(|a| is_char_or_int_pat(&a.pat)) || !rest.iter().all(|a| is_value_pat(&a.pat))
    {
        return None;
    }
    Some(Found {
        span: last.pat.span(),
        message: "the catch-all arm grants access: every case not listed is allowed".into(),
        label: Some((last.body.span(), "default allow".into())),
        help: "list the cases that are allowed and deny the rest (`_ => false`)".into(),
    })
}

fn ctor_call(e: &syn::Expr) -> Option<String> {
    match paths::peel(e) {
        syn::Expr::Call(c) => match paths::peel(&c.func) {
            syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        syn::Expr::Return(r) => r.expr.as_deref().and_then(ctor_call),
        _ => None,
    }
}

/// A pattern that names values: string/char/int literals, paths (`Role::Guest`, `None`),
/// and `|` of those; no guards, bindings or tuples.
fn is_value_pat(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Lit(_) | syn::Pat::Path(_) | syn::Pat::Range(_) => true,
        syn::Pat::Or(o) => o.cases.iter().all(is_value_pat),
        syn::Pat::Paren(p) => is_value_pat(&p.pat),
        syn::Pat::TupleStruct(t) => t
            .elems
            .iter()
            .all(|p| matches!(p, syn::Pat::Wild(_) | syn::Pat::Rest(_))),
        syn::Pat::Struct(s) => s.fields.is_empty(),
        _ => false,
    }
}

/// Char, byte and integer literal patterns and ranges (a character class), through `|`.
fn is_char_or_int_pat(pat: &syn::Pat) -> bool {
    let lit_ok = |e: &syn::Expr| {
        matches!(
            e,
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Char(_) | syn::Lit::Byte(_) | syn::Lit::Int(_),
                ..
            })
        )
    };
    match pat {
        syn::Pat::Lit(l) => lit_ok(&syn::Expr::Lit(l.clone())),
        syn::Pat::Range(r) => r.start.as_deref().or(r.end.as_deref()).is_some_and(lit_ok),
        syn::Pat::Or(o) => o.cases.iter().all(is_char_or_int_pat),
        syn::Pat::Paren(p) => is_char_or_int_pat(&p.pat),
        syn::Pat::Guard(g) => is_char_or_int_pat(&g.pat),
        _ => false,
    }
}

/// `let Ok(..) = check(..) else { return Ok(()) };`
fn let_else(cx: &Cx<'_>, ctx: &Ctx<'_>, l: &syn::Local) -> Option<Found> {
    let init = l.init.as_ref()?;
    let (_, diverge) = init.diverge.as_ref()?;
    if ctor(&l.pat).as_deref() != Some("Ok") || !grants(diverge) {
        return None;
    }
    // `let Ok(x) = parse(..) else { return Ok(()) }` often means "not applicable here";
    // it fails open when the failed call was a check or is about authentication.
    let subj = subject(cx, &call_names(&init.expr), None);
    let by_fn = positive_check_fn(ctx) && about_auth(cx, &l.pat, &init.expr);
    if subj == Subject::Deny || !(subj == Subject::Check || by_fn) {
        return None;
    }
    Some(Found {
        span: diverge.span(),
        message: "the `else` branch grants access: a failed check is treated as success".into(),
        label: Some((init.expr.span(), "when this fails".into())),
        help: HELP_CLOSED.into(),
    })
}

/// `if let Ok(_) = bcrypt::verify(..) { .. }`
fn if_let_ok(cx: &Cx<'_>, ctx: &Ctx<'_>, i: &syn::ExprIf) -> Option<Found> {
    let syn::Expr::Let(l) = paths::peel(&i.cond) else {
        return None;
    };
    if !ok_ignoring_value(&l.pat) {
        return None;
    }
    let v = verifier_in(cx, ctx, &l.expr)?;
    Some(verifier_found(l.pat.span(), &v, "`Ok(_)` matches"))
}

/// `.is_ok()` / `.ok().is_some()` on a `Result<bool, _>` verifier.
fn is_ok_on_verifier(cx: &Cx<'_>, ctx: &Ctx<'_>, m: &syn::ExprMethodCall) -> Option<Found> {
    let recv = match m.method.to_string().as_str() {
        "is_ok" if m.args.is_empty() => &*m.receiver,
        "is_some" if m.args.is_empty() => {
            let inner = paths::method_call(paths::peel(&m.receiver), "ok")?;
            &*inner.receiver
        }
        _ => return None,
    };
    let v = verifier_in(cx, ctx, recv)?;
    Some(verifier_found(
        m.method.span(),
        &v,
        &format!("`.{}()` is `true`", m.method),
    ))
}

fn verifier_found(span: Span, verifier: &str, what: &str) -> Found {
    Found {
        span,
        message: format!("`{verifier}` returns `Ok(false)` on a mismatch, and {what} for it"),
        label: None,
        help: "use the boolean inside the `Ok`: `.unwrap_or(false)` or `matches!(.., Ok(true))`"
            .into(),
    }
}

/// The name of a `Result<bool, _>` verifier call that `e` is (or a variable bound to one).
fn verifier_in(cx: &Cx<'_>, ctx: &Ctx<'_>, e: &syn::Expr) -> Option<String> {
    let mut e = paths::peel(e);
    // A few steps through `let` aliases (`let r = verify(..); let ok = r;`), never a cycle.
    for _ in 0..4 {
        e = match e {
            syn::Expr::Await(a) => paths::peel(&a.base),
            syn::Expr::Path(p) => {
                let id = p.path.get_ident()?.to_string();
                let init = ctx.lets.init(&id)?;
                if body::same_node(init, e) {
                    return None;
                }
                paths::peel(init)
            }
            _ => break,
        };
    }
    if let Some((segs, _)) = paths::call(e, &cx.uses) {
        let bool_verifiers: &[&[&str]] = &[
            &["bcrypt", "verify"],
            &["argon2", "verify_encoded"],
            &["argon2", "verify_encoded_ext"],
            &["argon2", "verify_raw"],
            &["jsonwebtoken", "crypto", "verify"],
        ];
        if bool_verifiers.iter().any(|v| paths::ends_with(&segs, v)) {
            return Some(segs.join("::"));
        }
        return None;
    }
    if let syn::Expr::MethodCall(m) = e {
        let method = m.method.to_string();
        let recv = paths::expr_name(&m.receiver).unwrap_or_default();
        // totp-rs `TOTP::check_current`, openssl `Verifier::verify`/`verify_oneshot`.
        let hit = method == "check_current"
            || method == "verify_oneshot"
            || (method == "verify"
                && m.args.len() == 1
                && recv.to_lowercase().ends_with("verifier"));
        if hit {
            return Some(format!(
                "{}.{method}",
                if recv.is_empty() { ".." } else { &recv }
            ));
        }
    }
    None
}
