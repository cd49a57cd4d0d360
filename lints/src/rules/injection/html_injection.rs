use super::{Pending, Sink};
use crate::analysis::paths::{self, UseMap};
use crate::analysis::taint::{Event, SourceKind, State, Val};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags HTML built with `format!` (or `+`/`push_str`/`write!`) from a template with a
    /// tag (`<p>`, `</div>`) and an untrusted interpolation (a parameter, a web extractor,
    /// env, args, stdin or the network), sent as HTML: wrapped in `Html(..)`/`RawHtml(..)`,
    /// passed to `HttpResponse::..().body(..)` or a response whose content type is
    /// `text/html`, or returned from a function declared to return `Html<..>`. The flow is
    /// followed through `let`s and branches.
    ///
    /// Not flagged: values escaped by an allow-listed sanitizer (`html_escape::encode_text`,
    /// `askama::..::escape`), numbers, templates without tags, bodies that are not HTML.
    ///
    /// ### Why is this bad?
    /// The browser parses the interpolated text as markup: `<script>` in a user name runs in
    /// every visitor's session (stored or reflected XSS, CWE-79).
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn hello(Query(q): Query<Greet>) -> Html<String> {
    ///     Html(format!("<h1>Hello, {}!</h1>", q.name))
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn hello(Query(q): Query<Greet>) -> Html<String> {
    ///     Html(format!("<h1>Hello, {}!</h1>", html_escape::encode_text(&q.name)))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation
    /// - semgrep: `rust.actix.xss`
    pub struct HtmlInjection;
    name = "html_injection",
    family = Injection,
    ai = Deny,
    human = Warn,
    cwe = 79,
    summary = "untrusted value interpolated into HTML without escaping",
}

impl Rule for HtmlInjection {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

/// Markup: a `<` that opens a tag, a closing tag or a comment/doctype.
fn looks_like_html(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Whether a response builder chain sends HTML: rooted at `HttpResponse::..()`, or with a
/// `text/html` content type (`.content_type("text/html")`, `ContentType::html()`).
fn html_response(recv: &syn::Expr, uses: &UseMap) -> bool {
    let mut e = recv;
    let mut html_type = false;
    for _ in 0..32 {
        match paths::peel(e) {
            syn::Expr::MethodCall(m) => {
                if m.args.iter().any(|a| is_html_type(a, uses)) {
                    html_type = true;
                }
                e = &m.receiver;
            }
            syn::Expr::Call(c) => {
                let root = match paths::peel(&c.func) {
                    syn::Expr::Path(p) => uses
                        .resolve_all(&p.path)
                        .iter()
                        .any(|s| s == "HttpResponse"),
                    _ => false,
                };
                return html_type || root;
            }
            _ => return html_type,
        }
    }
    html_type
}

fn is_html_type(arg: &syn::Expr, uses: &UseMap) -> bool {
    if let Some(s) = paths::lit_str(arg) {
        return s.value().contains("text/html");
    }
    match paths::peel(arg) {
        syn::Expr::Call(c) => {
            let named = match paths::peel(&c.func) {
                syn::Expr::Path(p) => names_html(&p.path, uses),
                _ => false,
            };
            named || c.args.iter().any(|a| is_html_type(a, uses))
        }
        syn::Expr::Path(p) => names_html(&p.path, uses),
        syn::Expr::Tuple(t) => t.elems.iter().any(|e| is_html_type(e, uses)),
        syn::Expr::Reference(r) => is_html_type(&r.expr, uses),
        _ => false,
    }
}

/// `TEXT_HTML`, `ContentType::html`, maybe renamed by a `use`
/// (`use mime::TEXT_HTML as HTML_MIME;`).
fn names_html(path: &syn::Path, uses: &UseMap) -> bool {
    uses.resolve_all(path)
        .last()
        .is_some_and(|s| s == "html" || s == "TEXT_HTML")
}

impl HtmlInjection {
    fn check(v: &Val, span: proc_macro2::Span, out: &mut Vec<Pending>) {
        let Some(t) = v.text_taint() else {
            return;
        };
        if !t.is_built() || t.source.kind == SourceKind::Archive {
            return;
        }
        if !v.text.as_deref().is_some_and(looks_like_html) {
            return;
        }
        out.push(Pending::new(
            &Self::META,
            span,
            format!("{} is interpolated into HTML without escaping", super::what(t)),
            t,
            "render with an auto-escaping template engine, or escape the value with `html_escape::encode_text`",
        ));
    }
}

impl Sink for HtmlInjection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &["Html", "RawHtml", "body", "HttpResponse", "html"]
    }

    fn on_event(&self, ev: &Event<'_>, st: &State, cx: &super::SinkCx<'_>, out: &mut Vec<Pending>) {
        match ev {
            Event::Call { path, args, .. } => {
                let Some(last) = path.last().map(String::as_str) else {
                    return;
                };
                let wraps = matches!(last, "Html" | "RawHtml")
                    || paths::ends_with(path, &["Html", "from"])
                    || paths::ends_with(path, &["Html", "new"]);
                if let (true, Some(v)) = (wraps, args.first()) {
                    Self::check(v, super::sink_span(ev), out);
                }
            }
            Event::Method { call, args, .. } => {
                if call.method != "body" || !html_response(&call.receiver, cx.uses) {
                    return;
                }
                if let Some(v) = args.first() {
                    Self::check(v, call.method.span(), out);
                }
            }
            Event::Return { expr, val } => {
                let wrapped = matches!(paths::peel(expr), syn::Expr::Call(_));
                if !wrapped && st.return_type.contains("Html<") {
                    Self::check(val, super::sink_span(ev), out);
                }
            }
            Event::Macro { .. } => {}
        }
    }
}
