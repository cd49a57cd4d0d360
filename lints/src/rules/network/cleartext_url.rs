use proc_macro2::Span;

use crate::analysis::macros::{macro_name, parse_format_args};
use crate::analysis::paths::{expr_name, peel};
use crate::cx::Cx;
use crate::fnlike::{FnLike, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags an `http://`, `ws://` or `ftp://` URL literal (or `format!` template) that is
    /// passed to an HTTP client call (`reqwest::get`, `.get`/`.post`/`.request`/`.uri`,
    /// `ureq::get`, `Url::parse`, `connect_async`, ..) or bound to a URL-named target (a
    /// `let`, `const`, `static`, struct field, assignment or argument named `url`, `base_url`,
    /// `endpoint`, `webhook`, ..).
    ///
    /// Not flagged: hosts that are not on the public internet or only name documentation
    /// (`localhost`, `127.0.0.0/8`, `[::1]`, `0.0.0.0`, private and link-local addresses,
    /// single-label service names such as `http://db:5432`, `.test`, `.local`, `.internal`,
    /// `.example`, `.invalid`, `example.com`), a host left to a `format!` placeholder, XML
    /// namespace and schema identifiers (`http://www.w3.org/..`), and test code.
    ///
    /// ### Why is this bad?
    /// Plain HTTP, WebSocket and FTP traffic can be read and changed by anyone on the network
    /// path: credentials, tokens and personal data travel in clear text, and responses can be
    /// replaced (CWE-319). Assistants copy `http://` from old examples and docs.
    ///
    /// ### Example
    /// ```rust,ignore
    /// const API_URL: &str = "http://api.payments.io/v1";
    ///
    /// async fn charge(body: String) -> reqwest::Result<reqwest::Response> {
    ///     reqwest::Client::new().post(API_URL).body(body).send().await
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// const API_URL: &str = "https://api.payments.io/v1";
    ///
    /// async fn charge(body: String) -> reqwest::Result<reqwest::Response> {
    ///     reqwest::Client::new().post(API_URL).body(body).send().await
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - semgrep: `problem-based-packs.insecure-transport.*`
    pub struct CleartextUrl;
    name = "cleartext_url",
    family = Network,
    ai = Warn,
    human = Allow,
    cwe = 319,
    summary = "`http://`, `ws://` or `ftp://` URL to a public host",
}

/// Calls (last path segment or method name) that send a request to, or parse, the URL given.
const CLIENT_CALLS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "request",
    "connect",
    "connect_async",
    "fetch",
    "download",
];

/// Path calls whose type segment matters: `Url::parse`, `Uri::from_static`, `Request::new`.
const TYPED_CALLS: &[(&str, &str)] = &[
    ("Url", "parse"),
    ("Uri", "from_static"),
    ("Uri", "try_from"),
    ("Url", "try_from"),
    ("Request", "new"),
];

/// A cleartext URL in `expr`: a literal, or a `format!`/`concat!` template, through
/// `.to_string()`, `.into()`, `String::from`, `.parse()`, `?`, `.unwrap()`.
fn cleartext(expr: &syn::Expr, cx: &Cx<'_>) -> Option<(String, Span)> {
    let (text, span) = match peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => (s.value(), s.span()),
        syn::Expr::Macro(m) => {
            let name = macro_name(&m.mac);
            if name != "format" && name != "concat" && name != "format_args" {
                return None;
            }
            let t = parse_format_args(&m.mac).template.clone()?;
            (t.value(), t.span())
        }
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "to_string" | "to_owned" | "into" | "parse" | "unwrap" | "expect"
            ) =>
        {
            return cleartext(&m.receiver, cx);
        }
        syn::Expr::Try(t) => return cleartext(&t.expr, cx),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return None;
            };
            let segs = crate::analysis::paths::segments(&p.path);
            if crate::analysis::paths::ends_with(&segs, &["String", "from"]) {
                return c.args.first().and_then(|a| cleartext(a, cx));
            }
            return None;
        }
        _ => return None,
    };
    let lower = text.to_ascii_lowercase();
    let scheme_len = ["http://", "ws://", "ftp://"]
        .iter()
        .find(|s| lower.starts_with(**s))?
        .len();
    let rest = &text[scheme_len..];
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || host.contains('{')
        || cx.vocab().is_local_host(host)
        || cx.vocab().is_namespace_host(host)
    {
        return None;
    }
    Some((text, span))
}

fn shown(url: &str) -> String {
    if url.chars().count() > 60 {
        let cut: String = url.chars().take(57).collect();
        format!("{cut}...")
    } else {
        url.to_string()
    }
}

impl CleartextUrl {
    fn report(cx: &mut Cx<'_>, url: &str, span: Span, context: &str) {
        let scheme = url.split(':').next().unwrap_or("http").to_ascii_lowercase();
        let secure = match scheme.as_str() {
            "ws" => "wss://",
            "ftp" => "ftps:// or sftp",
            _ => "https://",
        };
        cx.report(
            &Self::META,
            span,
            format!("cleartext `{scheme}` URL `{}` {context}", shown(url)),
        )
        .help(format!(
            "use `{secure}` so the traffic is encrypted and the server is authenticated"
        ));
    }

    fn check_binding(cx: &mut Cx<'_>, name: &str, value: &syn::Expr) {
        if !cx.vocab().is_url_name(name) {
            return;
        }
        if let Some((url, span)) = cleartext(value, cx) {
            Self::report(cx, &url, span, &format!("bound to `{name}`"));
        }
    }
}

fn pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) => Some(i.ident.to_string()),
        syn::Pat::Type(t) => pat_name(&t.pat),
        _ => None,
    }
}

impl Rule for CleartextUrl {
    fn interests(&self) -> &'static [NodeKind] {
        &[
            NodeKind::Expr,
            NodeKind::Local,
            NodeKind::Item,
            NodeKind::Fn,
        ]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        match expr {
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let client = CLIENT_CALLS.contains(&method.as_str())
                    || method == "uri"
                    || cx.vocab().is_url_name(&method);
                if !client {
                    return;
                }
                for arg in &m.args {
                    if let Some((url, span)) = cleartext(arg, cx) {
                        Self::report(cx, &url, span, &format!("passed to `{method}`"));
                    }
                }
                // `"http://..".parse::<Uri>()` is caught where it is bound or passed.
            }
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = peel(&c.func) else {
                    return;
                };
                let segs = cx.uses.resolve(&p.path);
                let Some(last) = segs.last() else {
                    return;
                };
                let prev = segs.len().checked_sub(2).and_then(|i| segs.get(i));
                let typed =
                    prev.is_some_and(|t| TYPED_CALLS.iter().any(|(ty, f)| t == ty && last == f));
                // `reqwest::get(..)`, `ureq::post(..)`: a free fn of a client crate (a
                // lower-case module before it), not `HashMap::get`.
                let free_client = CLIENT_CALLS.contains(&last.as_str())
                    && prev.is_none_or(|t| t.starts_with(|c: char| c.is_lowercase()));
                if !(typed || free_client || cx.vocab().is_url_name(last)) {
                    return;
                }
                let callee = match prev {
                    Some(t) => format!("{t}::{last}"),
                    None => last.clone(),
                };
                for arg in &c.args {
                    if let Some((url, span)) = cleartext(arg, cx) {
                        Self::report(cx, &url, span, &format!("passed to `{callee}`"));
                    }
                }
            }
            syn::Expr::Struct(s) => {
                for fv in &s.fields {
                    if let syn::Member::Named(field) = &fv.member {
                        Self::check_binding(cx, &field.to_string(), &fv.expr);
                    }
                }
            }
            syn::Expr::Assign(a) => {
                if let Some(name) = expr_name(&a.left) {
                    Self::check_binding(cx, &name, &a.right);
                }
            }
            _ => {}
        }
    }

    fn check_local(&self, cx: &mut Cx<'_>, local: &syn::Local) {
        if cx.in_test() {
            return;
        }
        if let (Some(name), Some(init)) = (pat_name(&local.pat), &local.init) {
            Self::check_binding(cx, &name, &init.expr);
        }
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() {
            return;
        }
        match item {
            ItemRef::Item(syn::Item::Const(c)) => {
                Self::check_binding(cx, &c.ident.to_string(), &c.expr);
            }
            ItemRef::Item(syn::Item::Static(s)) => {
                Self::check_binding(cx, &s.ident.to_string(), &s.expr);
            }
            ItemRef::Impl(syn::ImplItem::Const(c)) => {
                Self::check_binding(cx, &c.ident.to_string(), &c.expr);
            }
            _ => {}
        }
    }

    /// `fn default_base_url() -> String { "http://..".into() }` (serde defaults, config).
    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() {
            return;
        }
        if let Some(syn::Stmt::Expr(tail, None)) = f.block.stmts.last() {
            Self::check_binding(cx, &f.name(), tail);
        }
    }
}
