use std::collections::{HashMap, HashSet};

use syn::spanned::Spanned;

use crate::analysis::{body, locals, paths};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a trust decision made with `starts_with`, `ends_with` or `contains` on the raw
    /// string of a URL, origin, host, domain, referer, redirect target or email
    /// (`origin.ends_with("example.com")`, `url.starts_with("https://trusted.com")`,
    /// `redirect.contains("example.com")`), and, in check-named or auth functions, on a
    /// request path that is a string (`req.uri().path().starts_with("/public")`,
    /// `path.starts_with("/admin")` on a `&str`).
    ///
    /// A trust decision is a test whose result decides: an `if`/`while` condition, a match
    /// guard, a `let` bound to it, the value of a function returning `bool`, a closure's
    /// result (`AllowOrigin::predicate(|o, _| ..)`, `.any(|d| host.ends_with(d))`).
    ///
    /// Not flagged: `Path::starts_with`/`ends_with` on a `Path`/`PathBuf` (a canonicalized
    /// path, `Path::new(..)`, a `PathBuf` parameter), which compare whole components; tests
    /// of a leading `.` or `/` alone, of punctuation (`"://"`, `".."`), of a URL scheme
    /// (`"https://"`), of a file extension on a URL or path (`".git"`); a host suffix with its
    /// leading dot (`host.ends_with(".example.com")`), which is the correct subdomain test;
    /// a URL prefix that ends with the `/` after the host (`"https://trusted.com/"`).
    ///
    /// ### Why is this bad?
    /// `"https://evilexample.com".ends_with("example.com")`,
    /// `"https://trusted.com.evil.net".starts_with("https://trusted.com")`,
    /// `"https://evil.net/?trusted.com".contains("trusted.com")` and
    /// `"/public/../admin".starts_with("/public")` are all `true`. String tests on a
    /// location decide trust on what an attacker fully controls (CWE-697, incorrect
    /// comparison; CWE-601 open redirect; CORS origin bypass).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn is_allowed_origin(origin: &str) -> bool {
    ///     origin.ends_with("example.com")
    /// }
    ///
    /// async fn auth(req: Request, next: Next) -> Response {
    ///     if req.uri().path().starts_with("/public") {
    ///         return next.run(req).await;
    ///     }
    ///     require_session(req, next).await
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn is_allowed_origin(origin: &str) -> bool {
    ///     url::Url::parse(origin)
    ///         .ok()
    ///         .and_then(|u| u.host_str().map(|h| h == "example.com" || h.ends_with(".example.com")))
    ///         .unwrap_or(false)
    /// }
    ///
    /// async fn auth(req: Request, next: Next) -> Response {
    ///     if PUBLIC_ROUTES.contains(&req.uri().path()) {
    ///         return next.run(req).await;
    ///     }
    ///     require_session(req, next).await
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-697: Incorrect Comparison
    /// - CWE-601: URL Redirection to Untrusted Site ('Open Redirect')
    /// - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    pub struct PrefixAuthorization;
    name = "prefix_authorization",
    family = Logic,
    ai = Deny,
    human = Warn,
    cwe = 697,
    summary = "trust decided by a prefix, suffix or substring test on a URL, host or path string",
}

/// Every finding is a `.starts_with(..)`, `.ends_with(..)` or `.contains(..)` call in the
/// body (`check_leaf`): method names, which no `use` renames.
const NEEDLES: &[&str] = &["starts_with", "ends_with", "contains"];

impl Rule for PrefixAuthorization {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.fn_mentions(f, NEEDLES) {
            return;
        }
        // Positions whose value is a decision; `true` marks a closure body.
        let mut positions: Vec<(&syn::Expr, bool)> = Vec::new();
        let returns_bool = matches!(&f.sig.output, syn::ReturnType::Type(_, t) if is_bool_type(t));
        if returns_bool || cx.in_check_fn() {
            for e in body::exits(f.block).values {
                positions.push((e, false));
            }
        }
        body::for_each_local(f.block, &mut |l| {
            if let Some(init) = &l.init {
                positions.push((&init.expr, false));
            }
        });
        collect_positions(f.block, &mut positions);
        let mut leaves: Vec<(&syn::ExprMethodCall, bool)> = Vec::new();
        for (p, closure) in positions {
            skeleton_leaves(p, closure, &mut leaves, 0);
        }
        let auth_fn = auth_context(cx, f);
        let aliases = closure_aliases(cx, f);
        let lets = body::LetIndex::new(f.block);
        let mut seen: HashSet<*const syn::ExprMethodCall> = HashSet::new();
        for (m, closure) in leaves {
            if !seen.insert(std::ptr::from_ref(m)) {
                continue;
            }
            check_leaf(cx, f.sig, &lets, m, auth_fn, closure, &aliases);
        }
    }
}

/// Closure parameters that stand for a location: in `origin.to_str().map(|o| ..)` and
/// `req.uri().host().is_some_and(|h| ..)`, `o` is the origin and `h` the host.
/// Parameter → (location name, kind), the first closure of each parameter name.
fn closure_aliases(cx: &Cx<'_>, f: &FnLike<'_>) -> HashMap<String, (String, Loc)> {
    let mut out = HashMap::new();
    locals::for_each_expr(f.block, &mut |e| {
        let syn::Expr::MethodCall(m) = e else {
            return;
        };
        if !matches!(
            m.method.to_string().as_str(),
            "map" | "and_then" | "is_some_and" | "is_ok_and" | "map_or" | "map_or_else" | "filter"
        ) {
            return;
        }
        let Some((name, loc)) = location_name(cx, &m.receiver) else {
            return;
        };
        for a in &m.args {
            if let syn::Expr::Closure(c) = paths::peel(a)
                && let [param] = c.inputs.iter().collect::<Vec<_>>()[..]
                && let Some(id) = body::pat_ident(param)
            {
                out.entry(id.to_string()).or_insert((name.clone(), loc));
            }
        }
    });
    out
}

fn is_bool_type(t: &syn::Type) -> bool {
    matches!(t, syn::Type::Path(p) if p.path.is_ident("bool"))
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

/// `if`/`while` conditions, match guards and closure bodies in the fn (closure bodies are
/// marked: only host-like names count there).
fn collect_positions<'a>(block: &'a syn::Block, out: &mut Vec<(&'a syn::Expr, bool)>) {
    struct W<'o, 'a> {
        out: &'o mut Vec<(&'a syn::Expr, bool)>,
        depth: usize,
    }
    impl<'a> syn::visit::Visit<'a> for W<'_, 'a> {
        fn visit_item(&mut self, _: &'a syn::Item) {}
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if self.depth >= crate::checker::MAX_EXPR_DEPTH {
                return;
            }
            self.depth += 1;
            match e {
                syn::Expr::If(i) => self.out.push((&i.cond, false)),
                syn::Expr::While(w) => self.out.push((&w.cond, false)),
                syn::Expr::Closure(c) => self.out.push((&c.body, true)),
                syn::Expr::Match(m) => {
                    for arm in &m.arms {
                        if let syn::Pat::Guard(g) = &arm.pat {
                            self.out.push((&g.guard, false));
                        }
                    }
                }
                _ => {}
            }
            syn::visit::visit_expr(self, e);
            self.depth -= 1;
        }
    }
    let mut w = W { out, depth: 0 };
    syn::visit::Visit::visit_block(&mut w, block);
}

/// The string tests at the leaves of a boolean expression: through `!`, `&&`, `||`,
/// parentheses, block tails, and the closures of `.any(..)`/`.all(..)`.
fn skeleton_leaves<'a>(
    e: &'a syn::Expr,
    closure: bool,
    out: &mut Vec<(&'a syn::ExprMethodCall, bool)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match paths::peel(e) {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
            skeleton_leaves(&u.expr, closure, out, depth + 1);
        }
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
            skeleton_leaves(&b.left, closure, out, depth + 1);
            skeleton_leaves(&b.right, closure, out, depth + 1);
        }
        syn::Expr::Block(b) => {
            if let Some(syn::Stmt::Expr(t, None)) = b.block.stmts.last() {
                skeleton_leaves(t, closure, out, depth + 1);
            }
        }
        syn::Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if matches!(name.as_str(), "starts_with" | "ends_with" | "contains")
                && m.args.len() == 1
            {
                out.push((m, closure));
            } else if matches!(name.as_str(), "any" | "all")
                && let Some(syn::Expr::Closure(c)) = m.args.first().map(paths::peel)
            {
                skeleton_leaves(&c.body, closure, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// How strongly a receiver names a location.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Loc {
    /// URL, origin, host, domain, referer, redirect, email.
    Host,
    /// A path or route: a trust decision only in auth code and on a string.
    Path,
}

/// Methods that keep a string's identity for naming: `origin.to_lowercase()`,
/// `origin.to_str().unwrap_or("")` are the origin.
fn peel_case(mut e: &syn::Expr) -> &syn::Expr {
    for _ in 0..16 {
        e = paths::peel(e);
        match e {
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "to_lowercase"
                            | "to_ascii_lowercase"
                            | "to_uppercase"
                            | "to_ascii_uppercase"
                            | "as_bytes"
                            | "as_str"
                            | "trim"
                            | "to_string"
                            | "to_owned"
                            | "as_ref"
                            | "unwrap"
                            | "unwrap_or_default"
                            | "to_str"
                            | "ok"
                            | "as_deref"
                    ) =>
            {
                e = &m.receiver;
            }
            // `origin.to_str().unwrap_or("")`, `.expect("..")`
            syn::Expr::MethodCall(m)
                if matches!(m.method.to_string().as_str(), "unwrap_or" | "expect")
                    && m.args.len() == 1
                    && m.args.first().is_some_and(|a| paths::lit_str(a).is_some()) =>
            {
                e = &m.receiver;
            }
            _ => return e,
        }
    }
    e
}

/// The location name of a receiver: `origin`, `self.redirect_url`, `req.uri().path()`
/// (a request's path), `url.host_str().unwrap()`.
fn location_name(cx: &Cx<'_>, recv: &syn::Expr) -> Option<(String, Loc)> {
    let v = cx.vocab();
    let e = peel_case(recv);
    let name = match e {
        syn::Expr::MethodCall(m) if m.args.is_empty() => {
            let method = m.method.to_string();
            let owner = body::chain_names(&m.receiver);
            // `req.path()`, `uri.host()`, `url.host_str()`: the request's or URL's part.
            if v.is_location_name(&method)
                && owner
                    .iter()
                    .any(|n| v.is_request_name(n) || v.is_host_name(n))
            {
                method
            } else {
                paths::expr_name(e)?
            }
        }
        _ => paths::expr_name(e)?,
    };
    if v.is_host_name(&name) {
        Some((name, Loc::Host))
    } else if v.is_location_name(&name) {
        Some((name, Loc::Path))
    } else {
        None
    }
}

/// What a receiver is, by its expression and its `let`/parameter: a `Path` (component-wise
/// methods), a string, or unknown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    PathType,
    Str,
    Unknown,
}

fn type_kind(t: &syn::Type) -> Kind {
    let text = quote::ToTokens::to_token_stream(t).to_string();
    if text.contains("Path") {
        Kind::PathType
    } else if text.contains("str") || text.contains("String") {
        Kind::Str
    } else {
        Kind::Unknown
    }
}

fn expr_kind(e: &syn::Expr, uses: &crate::analysis::paths::UseMap) -> Kind {
    let mut kind = Kind::Unknown;
    locals::for_each_subexpr(e, &mut |x| {
        let k = match x {
            syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
                "canonicalize" | "as_path" | "to_path_buf" | "join" | "parent" | "components"
                | "strip_prefix" => Kind::PathType,
                "path"
                    if !body::chain_names(&m.receiver)
                        .iter()
                        .any(|n| is_requestish(n)) =>
                {
                    Kind::PathType
                }
                "to_str" | "to_string_lossy" | "to_string" | "as_str" | "to_lowercase"
                | "to_ascii_lowercase" | "path" | "host_str" | "host" | "origin" => Kind::Str,
                _ => Kind::Unknown,
            },
            syn::Expr::Call(_) => match paths::call(x, uses) {
                Some((segs, _))
                    if paths::ends_with(&segs, &["Path", "new"])
                        || paths::ends_with(&segs, &["PathBuf", "from"])
                        || paths::ends_with(&segs, &["fs", "canonicalize"]) =>
                {
                    Kind::PathType
                }
                Some((segs, _)) if paths::ends_with(&segs, &["String", "from"]) => Kind::Str,
                _ => Kind::Unknown,
            },
            syn::Expr::Macro(m) if crate::analysis::macros::macro_name(&m.mac) == "format" => {
                Kind::Str
            }
            _ => Kind::Unknown,
        };
        // A `Path` anywhere wins (`Path::new(s).starts_with(..)`); else the first string.
        if k == Kind::PathType || (kind == Kind::Unknown && k == Kind::Str) {
            kind = k;
        }
    });
    kind
}

fn is_requestish(n: &str) -> bool {
    let lower = n.to_lowercase();
    lower == "req"
        || lower == "request"
        || lower == "uri"
        || lower == "url"
        || lower.ends_with("_uri")
        || lower.ends_with("_url")
}

fn receiver_kind(
    cx: &Cx<'_>,
    sig: &syn::Signature,
    lets: &body::LetIndex<'_>,
    recv: &syn::Expr,
) -> Kind {
    let e = peel_case(recv);
    let own = expr_kind(e, &cx.uses);
    if own != Kind::Unknown {
        return own;
    }
    if let syn::Expr::Path(p) = e
        && let Some(id) = p.path.get_ident()
    {
        let name = id.to_string();
        if let Some(t) = lets.binding_type(sig, &name) {
            let k = type_kind(t);
            if k != Kind::Unknown {
                return k;
            }
        }
        if let Some(init) = lets.init(&name) {
            return expr_kind(init, &cx.uses);
        }
    }
    Kind::Unknown
}

/// The argument's literal text, if it is a string, byte string or char literal.
fn arg_text(arg: &syn::Expr) -> Option<String> {
    if let Some(t) = paths::lit_text(arg) {
        return Some(t);
    }
    match paths::peel(arg) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Char(c),
            ..
        }) => Some(c.value().to_string()),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Byte(b),
            ..
        }) => Some(char::from(b.value()).to_string()),
        _ => None,
    }
}

/// `origins`, `allowed_hosts`: a collection of locations.
fn is_plural(name: &str) -> bool {
    crate::analysis::vocab::split_words(name)
        .last()
        .is_some_and(|w| w.len() > 3 && w.ends_with('s') && !w.ends_with("ss"))
}

/// `https://`, `http:`, `mailto:`: a scheme and nothing else.
fn is_scheme(s: &str) -> bool {
    let rest = s.strip_suffix("//").unwrap_or(s);
    rest.strip_suffix(':').is_some_and(|scheme| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// `.git`, `.json`: a file extension.
fn is_extension(s: &str) -> bool {
    s.strip_prefix('.').is_some_and(|e| {
        !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// `https://trusted.com/...`: a URL prefix that includes the `/` ending the authority.
fn ends_authority(s: &str) -> bool {
    s.split_once("://")
        .is_some_and(|(_, rest)| rest.find('/').is_some_and(|i| i > 0))
}

fn check_leaf(
    cx: &mut Cx<'_>,
    sig: &syn::Signature,
    lets: &body::LetIndex<'_>,
    m: &syn::ExprMethodCall,
    auth_fn: bool,
    closure: bool,
    aliases: &HashMap<String, (String, Loc)>,
) {
    let alias = || match paths::peel(&m.receiver) {
        syn::Expr::Path(p) => {
            let id = p.path.get_ident()?.to_string();
            aliases.get(&id).map(|(name, loc)| (name.clone(), *loc))
        }
        _ => None,
    };
    let Some((name, loc)) = location_name(cx, &m.receiver).or_else(alias) else {
        return;
    };
    let Some(arg) = m.args.first() else {
        return;
    };
    // `allowed_origins.contains(&origin)`, `self.domains.contains(host)`: a collection's
    // exact membership test, not a string test.
    if is_plural(&name) {
        return;
    }
    let method = m.method.to_string();
    let kind = receiver_kind(cx, sig, lets, &m.receiver);
    if kind == Kind::PathType {
        return;
    }
    // A path decides trust only in auth code, on a string, and not in a closure that
    // filters or searches.
    if loc == Loc::Path && !(auth_fn && kind == Kind::Str && !closure) {
        return;
    }
    let lit = arg_text(arg);
    if let Some(t) = &lit {
        let resource = ["url", "uri", "path", "href", "location", "route"]
            .iter()
            .any(|w| {
                crate::analysis::vocab::split_words(&name)
                    .iter()
                    .any(|x| x == w)
            });
        let host_like = loc == Loc::Host && !resource;
        // A host test against something that is no domain, URL or IP (`host.contains("windows")`
        // on a target triple) is not about where a request comes from.
        let domainish = t.contains('.') || t.contains("://") || t == "localhost";
        if !t.chars().any(char::is_alphanumeric)
            || (host_like && !domainish)
            || t.chars().count() == 1
            || is_scheme(t)
            || (method == "ends_with" && resource && is_extension(t))
            || (method == "ends_with" && host_like && t.starts_with('.'))
            || (method == "starts_with" && ends_authority(t))
        {
            return;
        }
    }
    let test = match method.as_str() {
        "starts_with" => "prefix",
        "ends_with" => "suffix",
        _ => "substring",
    };
    let mut r = cx.report(
        &PrefixAuthorization::META,
        m.method.span(),
        format!("trust decided by a {test} test on the string `{name}`"),
    );
    if let Some(t) = &lit
        && let Some(example) = bypass_example(&method, t, loc)
    {
        r = r.label(arg.span(), format!("`{example}` passes this test too"));
    }
    let help = match loc {
        Loc::Host => {
            "parse it (`url::Url::parse`) and compare the host exactly, or with a leading dot for subdomains"
        }
        Loc::Path => "normalize the path and compare whole segments, or match routes exactly",
    };
    r.help(help);
}

/// A value that passes the test but is not what was meant.
fn bypass_example(method: &str, lit: &str, loc: Loc) -> Option<String> {
    match (method, loc) {
        ("ends_with", _) if lit.starts_with('@') => None,
        ("ends_with", _) => Some(format!("evil{lit}")),
        ("starts_with", Loc::Host) => Some(format!("{lit}.evil.net")),
        ("starts_with", Loc::Path) => Some(format!("{}/../admin", lit.trim_end_matches('/'))),
        ("contains", _) => Some(format!("https://evil.net/?{lit}")),
        _ => None,
    }
}
