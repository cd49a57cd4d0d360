use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::{Locals, for_each_expr, local_name};
use crate::analysis::macros::{macro_name, parse_format_args};
use crate::analysis::paths::{lit_bool, peel};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags cookies set without their protections: `.secure(false)`, `.set_secure(false)`,
    /// `.http_only(false)`, `.set_http_only(false)` on a cookie builder (the `cookie` crate
    /// behind actix-web, axum-extra, rocket, poem, tower-cookies), the session middlewares'
    /// `cookie_secure(false)`/`cookie_http_only(false)` (actix-session) and
    /// `with_secure(false)`/`with_http_only(false)` (tower-sessions), also when the `false`
    /// comes from a local bound earlier; and a hand-written `Set-Cookie` value with
    /// `SameSite=None` but no `Secure`, or a session/token cookie without `Secure` or
    /// `HttpOnly`.
    ///
    /// `.same_site(SameSite::None)` on a `cookie` crate builder is not flagged by itself: that
    /// crate adds `Secure` to such a cookie unless `secure(false)` is set, which is flagged.
    /// Test code is not checked.
    ///
    /// ### Why is this bad?
    /// A cookie without `Secure` is sent over plain HTTP, where anyone on the network path can
    /// read it; a cookie without `HttpOnly` can be read by any script on the page, so one XSS
    /// bug leaks every session (CWE-614, CWE-1004). Assistants turn the flags off so that a
    /// login works on `http://localhost`, and the setting ships.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn session_cookie(id: String) -> Cookie<'static> {
    ///     Cookie::build(("session", id)).http_only(false).secure(false).build()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn session_cookie(id: String) -> Cookie<'static> {
    ///     Cookie::build(("session", id))
    ///         .http_only(true)
    ///         .secure(true)
    ///         .same_site(SameSite::Lax)
    ///         .build()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
    /// - CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag
    /// - semgrep: `python.flask.security.audit.secure-set-cookie`,
    ///   `javascript.express.security.audit.express-cookie-settings`
    pub struct InsecureCookie;
    name = "insecure_cookie",
    family = Network,
    ai = Deny,
    human = Warn,
    cwe = 614,
    summary = "cookie without `Secure` or `HttpOnly`",
}

/// Setters that turn a protection off when given `false`: (method, needs a visible cookie
/// context, the flag).
const SETTERS: &[(&str, bool, &str)] = &[
    ("secure", true, "Secure"),
    ("set_secure", true, "Secure"),
    ("with_secure", true, "Secure"),
    ("cookie_secure", false, "Secure"),
    ("http_only", false, "HttpOnly"),
    ("set_http_only", false, "HttpOnly"),
    ("with_http_only", false, "HttpOnly"),
    ("cookie_http_only", false, "HttpOnly"),
];

/// Cookie-builder methods: a chain that calls one of them builds a cookie.
const COOKIE_METHODS: &[&str] = &[
    "same_site",
    "set_same_site",
    "http_only",
    "set_http_only",
    "max_age",
    "set_max_age",
    "expires",
    "set_expires",
    "permanent",
    "make_permanent",
];

fn setter(method: &str) -> Option<(bool, &'static str)> {
    SETTERS
        .iter()
        .find(|(m, ..)| *m == method)
        .map(|&(_, ctx, flag)| (ctx, flag))
}

/// `false` or `Some(false)`.
fn is_false(expr: &syn::Expr) -> bool {
    match peel(expr) {
        syn::Expr::Call(c) => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Some"))
                && c.args.len() == 1
                && c.args.first().is_some_and(|a| lit_bool(a) == Some(false))
        }
        e => lit_bool(e) == Some(false),
    }
}

/// Whether the receiver chain of `m` visibly builds a cookie or configures a session store.
fn cookie_context(cx: &Cx<'_>, m: &syn::ExprMethodCall) -> bool {
    let vocab = cx.vocab();
    let mut recv = &*m.receiver;
    for _ in 0..32 {
        match peel(recv) {
            syn::Expr::MethodCall(inner) => {
                let name = inner.method.to_string();
                if COOKIE_METHODS.contains(&name.as_str()) || vocab.is_cookie_name(&name) {
                    return true;
                }
                recv = &inner.receiver;
            }
            syn::Expr::Call(c) => {
                return match peel(&c.func) {
                    syn::Expr::Path(p) => cx
                        .uses
                        .resolve(&p.path)
                        .iter()
                        .any(|s| vocab.is_cookie_name(s)),
                    _ => false,
                };
            }
            syn::Expr::Path(p) => {
                return p
                    .path
                    .segments
                    .iter()
                    .any(|s| vocab.is_cookie_name(&s.ident.to_string()));
            }
            syn::Expr::Field(f) => {
                return matches!(&f.member, syn::Member::Named(n) if vocab.is_cookie_name(&n.to_string()));
            }
            _ => return false,
        }
    }
    false
}

/// A hand-written `Set-Cookie` value: `name=value; Path=/; ..`. Returns the cookie name.
fn set_cookie_name(text: &str) -> Option<&str> {
    let (first, rest) = text.split_once(';')?;
    let (name, _) = first.split_once('=')?;
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '{' | '}'));
    let lower = rest.to_ascii_lowercase();
    let attrs = [
        "path=",
        "max-age=",
        "expires=",
        "samesite=",
        "domain=",
        "httponly",
        "secure",
    ]
    .iter()
    .any(|a| lower.contains(a));
    (valid && attrs).then_some(name)
}

impl InsecureCookie {
    fn report_setter(cx: &mut Cx<'_>, m: &syn::ExprMethodCall, from: Option<Span>) {
        let method = m.method.to_string();
        let Some((needs_ctx, flag)) = setter(&method) else {
            return;
        };
        if needs_ctx && !cookie_context(cx, m) {
            return;
        }
        let what = if flag == "Secure" {
            "the cookie is also sent over plain HTTP"
        } else {
            "scripts on the page can read the cookie"
        };
        let mut r = cx.report(
            &Self::META,
            m.method.span(),
            format!("`{method}(false)` drops the `{flag}` flag: {what}"),
        );
        if let Some(at) = from {
            r = r.label(at, "`false` comes from here");
        }
        r.help(format!(
            "set `{method}(true)`; for local development over `http://`, switch it by configuration, not in code"
        ));
    }

    fn check_set_cookie(cx: &mut Cx<'_>, text: &str, span: Span) {
        let Some(name) = set_cookie_name(text) else {
            return;
        };
        let lower = text.to_ascii_lowercase();
        let secure = lower.contains("secure");
        let http_only = lower.contains("httponly");
        let msg = if lower.contains("samesite=none") && !secure {
            "`Set-Cookie` with `SameSite=None` and no `Secure`: the cookie goes cross-site over plain HTTP".to_string()
        } else if cx
            .vocab()
            .is_crypto_material_name(name.trim_matches(['{', '}']))
            && !(secure && http_only)
        {
            let missing = match (secure, http_only) {
                (false, false) => "`Secure` and `HttpOnly`",
                (false, true) => "`Secure`",
                _ => "`HttpOnly`",
            };
            format!("`Set-Cookie` for `{name}` without {missing}")
        } else {
            return;
        };
        cx.report(&Self::META, span, msg)
            .help("add `; Secure; HttpOnly` (or build the cookie with the `cookie` crate and `.secure(true).http_only(true)`)");
    }
}

impl Rule for InsecureCookie {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test() {
            return;
        }
        match expr {
            syn::Expr::MethodCall(m)
                if m.args.len() == 1 && m.args.first().is_some_and(is_false) =>
            {
                Self::report_setter(cx, m, None);
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Self::check_set_cookie(cx, &s.value(), s.span()),
            syn::Expr::Macro(m) if macro_name(&m.mac) == "format" => {
                if let Some(t) = &parse_format_args(&m.mac).template {
                    Self::check_set_cookie(cx, &t.value(), t.span());
                }
            }
            _ => {}
        }
    }

    /// `let secure = false; .. .secure(secure)`.
    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let locals = Locals::of(f.block);
        let mut found: Vec<(syn::ExprMethodCall, Span)> = Vec::new();
        for_each_expr(f.block, &mut |e| {
            let syn::Expr::MethodCall(m) = e else {
                return;
            };
            if m.args.len() != 1 || setter(&m.method.to_string()).is_none() {
                return;
            }
            let Some(arg) = m.args.first() else {
                return;
            };
            if local_name(peel(arg)).is_none() {
                return;
            }
            let value = locals.resolve(arg);
            if !std::ptr::eq(value, peel(arg)) && is_false(value) {
                found.push((m.clone(), value.span()));
            }
        });
        for (m, from) in found {
            Self::report_setter(cx, &m, Some(from));
        }
    }
}
