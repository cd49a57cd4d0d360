use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::for_each_expr;
use crate::analysis::paths::{UseMap, ends_with, lit_bool, lit_str, peel};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{Level, NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags CORS configurations that accept any origin: `CorsLayer::permissive()`,
    /// `CorsLayer::very_permissive()`, `allow_origin(Any)`, `AllowOrigin::any()`,
    /// `AllowOrigin::mirror_request()` (tower-http, axum, salvo), `Cors::permissive()`,
    /// `allow_any_origin()`, `send_wildcard()`, `allowed_origin("*")`,
    /// `allowed_origin_fn(|_, _| true)` (actix-cors, warp), `AllowedOrigins::all()`
    /// (rocket_cors), and an `Access-Control-Allow-Origin: *` header set by hand.
    ///
    /// The finding is at the rule's level (`deny` in AI code) when the same function also
    /// allows credentials (`allow_credentials(true)`, `supports_credentials()`,
    /// `very_permissive()`), and at most `warn` otherwise. Test code is not checked.
    ///
    /// ### Why is this bad?
    /// CORS decides which other web sites may call the API from a visitor's browser and read
    /// the answer. Any origin plus credentials lets every site the user visits act as the
    /// user: read their data, change their settings (CWE-942). Without credentials it still
    /// exposes whatever the network position of the browser can reach (intranet APIs).
    /// Assistants reach for the permissive preset to make a browser error go away.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn app(routes: axum::Router) -> axum::Router {
    ///     let cors = tower_http::cors::CorsLayer::very_permissive();
    ///     routes.layer(cors)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn app(routes: axum::Router) -> axum::Router {
    ///     let cors = tower_http::cors::CorsLayer::new()
    ///         .allow_origin(HeaderValue::from_static("https://app.example.com"))
    ///         .allow_credentials(true);
    ///     routes.layer(cors)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    /// - semgrep: `javascript.express.security.cors-misconfiguration`,
    ///   `python.django.security.audit.django-cors-allow-all`
    pub struct PermissiveCors;
    name = "permissive_cors",
    family = Network,
    ai = Deny,
    human = Warn,
    cwe = 942,
    summary = "cross-origin (CORS) policy that accepts any origin",
}

/// One permissive construct: where, what, and whether it allows credentials by itself.
struct Hit {
    span: Span,
    what: String,
    credentials: bool,
}

const ORIGIN_METHODS: &[&str] = &[
    "allow_origin",
    "allowed_origin",
    "allow_origins",
    "allowed_origins",
];

/// Every finding is a `permissive` construct in the body: an `*origin*` method or
/// `send_wildcard` (names as written), a `Cors*`, `*Origin*` or `ACCESS_CONTROL_ALLOW_ORIGIN`
/// path (resolved: in the function or its file's `use`s), or a literal equal to
/// `Access-Control-Allow-Origin` in any case: its text holds the `l-a` of `control-allow`
/// in one of four cases, unless written with escapes (a backslash).
const NEEDLES: &[&str] = &[
    "origin",
    "Origin",
    "ORIGIN",
    "Cors",
    "send_wildcard",
    "l-a",
    "L-a",
    "l-A",
    "L-A",
    "\\",
];
/// `"*"`, `HeaderValue::from_static("*")`, `"*".parse().unwrap()`, `["*"]`, `vec!["*"]`.
fn is_star(expr: &syn::Expr) -> bool {
    match peel(expr) {
        syn::Expr::Lit(_) => lit_str(expr).is_some_and(|s| s.value() == "*"),
        syn::Expr::Call(c) => c.args.len() == 1 && c.args.first().is_some_and(is_star),
        syn::Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "parse" | "unwrap" | "expect" | "to_string" | "into" | "try_into"
            ) && is_star(&m.receiver)
        }
        syn::Expr::Try(t) => is_star(&t.expr),
        syn::Expr::Array(a) => a.elems.iter().any(is_star),
        syn::Expr::Macro(m) => {
            crate::analysis::macros::parse_expr_list(&m.mac).is_some_and(|v| v.iter().any(is_star))
        }
        _ => false,
    }
}

/// `Access-Control-Allow-Origin` as a literal or a header constant.
fn is_acao(expr: &syn::Expr, uses: &UseMap) -> bool {
    match peel(expr) {
        syn::Expr::Path(p) => ends_with(&uses.resolve(&p.path), &["ACCESS_CONTROL_ALLOW_ORIGIN"]),
        e => lit_str(e).is_some_and(|s| {
            s.value()
                .eq_ignore_ascii_case("access-control-allow-origin")
        }),
    }
}

fn is_acac_true(args: &[&syn::Expr], uses: &UseMap) -> bool {
    let name = args.iter().any(|a| match peel(a) {
        syn::Expr::Path(p) => ends_with(
            &uses.resolve(&p.path),
            &["ACCESS_CONTROL_ALLOW_CREDENTIALS"],
        ),
        e => lit_str(e).is_some_and(|s| {
            s.value()
                .eq_ignore_ascii_case("access-control-allow-credentials")
        }),
    });
    name && args.iter().any(|a| {
        let mut t = false;
        crate::analysis::locals::for_each_subexpr(a, &mut |e| {
            t |= lit_str(e).is_some_and(|s| s.value() == "true");
        });
        t
    })
}

/// A closure that ignores its arguments and returns `true`.
fn always_true(expr: &syn::Expr) -> bool {
    let syn::Expr::Closure(c) = peel(expr) else {
        return false;
    };
    match &*c.body {
        syn::Expr::Block(b) => {
            matches!(b.block.stmts.as_slice(), [syn::Stmt::Expr(e, None)] if lit_bool(e) == Some(true))
        }
        e => lit_bool(e) == Some(true),
    }
}

/// Arguments with tuples flattened: `.insert_header(("Access-Control-Allow-Origin", "*"))`.
fn flat_args<'a>(args: impl Iterator<Item = &'a syn::Expr>) -> Vec<&'a syn::Expr> {
    let mut out = Vec::new();
    for a in args {
        match peel(a) {
            syn::Expr::Tuple(t) => out.extend(t.elems.iter()),
            _ => out.push(a),
        }
    }
    out
}

fn permissive(expr: &syn::Expr, uses: &UseMap) -> Option<Hit> {
    match expr {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return None;
            };
            let segs = uses.resolve(&p.path);
            let hit = |what: &str, credentials: bool| {
                Some(Hit {
                    span: p.span(),
                    what: what.to_string(),
                    credentials,
                })
            };
            if ends_with(&segs, &["CorsLayer", "very_permissive"]) {
                return hit("CorsLayer::very_permissive()", true);
            }
            if ends_with(&segs, &["CorsLayer", "permissive"]) {
                return hit("CorsLayer::permissive()", false);
            }
            if ends_with(&segs, &["Cors", "permissive"]) {
                return hit("Cors::permissive()", false);
            }
            if ends_with(&segs, &["AllowOrigin", "any"]) {
                return hit("AllowOrigin::any()", false);
            }
            if ends_with(&segs, &["AllowOrigin", "mirror_request"]) {
                return hit("AllowOrigin::mirror_request()", false);
            }
            if ends_with(&segs, &["AllowedOrigins", "all"]) {
                return hit("AllowedOrigins::all()", false);
            }
            None
        }
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let hit = |what: String| {
                Some(Hit {
                    span: m.method.span(),
                    what,
                    credentials: false,
                })
            };
            match method.as_str() {
                "allow_any_origin" | "send_wildcard" if m.args.is_empty() => {
                    return hit(format!("{method}()"));
                }
                "allowed_origin_fn" if m.args.first().is_some_and(always_true) => {
                    return hit("allowed_origin_fn(|_, _| true)".to_string());
                }
                _ => {}
            }
            if ORIGIN_METHODS.contains(&method.as_str())
                && let Some(arg) = m.args.first()
            {
                if is_star(arg) {
                    return hit(format!("{method}(\"*\")"));
                }
                if let syn::Expr::Path(p) = peel(arg)
                    && uses.resolve(&p.path).last().is_some_and(|s| s == "Any")
                {
                    return hit(format!("{method}(Any)"));
                }
            }
            let args = flat_args(m.args.iter());
            if args.iter().any(|a| is_acao(a, uses)) && args.iter().any(|a| is_star(a)) {
                return hit("`Access-Control-Allow-Origin: *`".to_string());
            }
            None
        }
        _ => None,
    }
}

fn credentials(expr: &syn::Expr, uses: &UseMap) -> Option<Span> {
    match expr {
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let on = match method.as_str() {
                "allow_credentials" | "with_credentials" => {
                    m.args.first().is_some_and(|a| lit_bool(a) == Some(true))
                }
                "supports_credentials" => m.args.is_empty(),
                _ => is_acac_true(&flat_args(m.args.iter()), uses),
            };
            on.then(|| m.method.span())
        }
        syn::Expr::Struct(s) => s.fields.iter().find_map(|f| match &f.member {
            syn::Member::Named(n)
                if n == "allow_credentials" && lit_bool(&f.expr) == Some(true) =>
            {
                Some(n.span())
            }
            _ => None,
        }),
        _ => None,
    }
}

impl Rule for PermissiveCors {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        if !cx.fn_mentions_path(f, NEEDLES) {
            return;
        }
        let mut hits = Vec::new();
        let mut creds: Option<Span> = None;
        for_each_expr(f.block, &mut |e| {
            if let Some(h) = permissive(e, &cx.uses) {
                hits.push(h);
            }
            if creds.is_none() {
                creds = credentials(e, &cx.uses);
            }
        });
        for h in hits {
            let with_creds = h.credentials || creds.is_some();
            let what = h.what.trim_matches('`');
            let msg = if with_creds {
                format!(
                    "`{what}` lets any web site send credentialed requests and read the responses"
                )
            } else {
                format!("`{what}` lets any web site read the responses")
            };
            let mut r = cx.report(&Self::META, h.span, msg);
            if !h.credentials
                && let Some(at) = creds
            {
                r = r.label(at, "credentials are allowed here");
            }
            if !with_creds {
                r = r.at_most(Level::Warn);
            }
            r.help(
                "list the origins that may call this API (`allow_origin([..])`, `allowed_origin(\"https://..\")`) and allow credentials only for those",
            );
        }
    }
}
