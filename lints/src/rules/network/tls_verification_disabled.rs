use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::{Locals, for_each_expr, local_name};
use crate::analysis::paths::{ends_with, lit_bool, peel};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags code that turns off TLS certificate or hostname verification:
    /// `danger_accept_invalid_certs(true)`, `danger_accept_invalid_hostnames(true)` (reqwest,
    /// native-tls, attohttpc), `SslVerifyMode::NONE`/`SslVerifyMode::empty()`,
    /// `verify_hostname(false)` and a verify callback that returns `true` (openssl),
    /// `ssl_verify_peer(false)`/`ssl_verify_host(false)` (curl),
    /// `disable_verification(true)` (ureq), `SslOption::DANGER_ACCEPT_INVALID_CERTS` (isahc),
    /// a rustls verifier whose name says it accepts anything installed with
    /// `.dangerous().with_custom_certificate_verifier(..)`/`.set_certificate_verifier(..)`,
    /// and an `impl ServerCertVerifier`/`ClientCertVerifier` whose `verify_server_cert`/
    /// `verify_client_cert` returns `Ok(..::assertion())` unconditionally.
    ///
    /// A flag given as a literal, or as a local bound to a literal (`let insecure = true;`),
    /// fires; a flag read from configuration (`danger_accept_invalid_certs(cfg.insecure)`)
    /// does not: an explicit, configured opt-in is a decision, not an accident. Test code is
    /// not checked (a test server with a self-signed certificate is normal).
    ///
    /// ### Why is this bad?
    /// Without verification, TLS still encrypts but no longer knows who is on the other end:
    /// anyone on the network path can present their own certificate and read or change the
    /// traffic (CWE-295). Assistants add these switches to make a certificate error go away,
    /// and the switch ships.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn client() -> reqwest::Result<reqwest::Client> {
    ///     reqwest::Client::builder()
    ///         .danger_accept_invalid_certs(true)
    ///         .build()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn client(ca_pem: &[u8]) -> reqwest::Result<reqwest::Client> {
    ///     let ca = reqwest::Certificate::from_pem(ca_pem)?;
    ///     reqwest::Client::builder().add_root_certificate(ca).build()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-295: Improper Certificate Validation
    /// - semgrep: `rust.lang.security.reqwest-accept-invalid.reqwest-accept-invalid`,
    ///   `rust.lang.security.rustls-dangerous.rustls-dangerous`,
    ///   `rust.lang.security.ssl-verify-none.ssl-verify-none`
    pub struct TlsVerificationDisabled;
    name = "tls_verification_disabled",
    family = Network,
    ai = Deny,
    human = Deny,
    cwe = 295,
    summary = "certificate or hostname verification of TLS turned off",
}

const HELP: &str = "keep certificate and hostname verification on; to trust a private CA or a self-signed server, add its certificate to the trust store (`add_root_certificate`, `RootCertStore::add`)";

/// Builder switches: (method, the literal that turns verification off, what it turns off).
const SWITCHES: &[(&str, bool, &str)] = &[
    (
        "danger_accept_invalid_certs",
        true,
        "certificate verification",
    ),
    (
        "danger_accept_invalid_hostnames",
        true,
        "hostname verification",
    ),
    ("disable_verification", true, "certificate verification"),
    ("ssl_verify_peer", false, "certificate verification"),
    ("proxy_ssl_verify_peer", false, "certificate verification"),
    ("ssl_verify_host", false, "hostname verification"),
    ("proxy_ssl_verify_host", false, "hostname verification"),
    ("verify_hostname", false, "hostname verification"),
    ("set_verify_hostname", false, "hostname verification"),
];

/// Methods that install a rustls certificate verifier.
const VERIFIER_SETTERS: &[&str] = &[
    "set_certificate_verifier",
    "with_custom_certificate_verifier",
];

/// Every finding of `check_fn` is a `verify_server_cert`/`verify_client_cert` method, or a
/// `SWITCHES` or `VERIFIER_SETTERS` call: names as written in the function.
const FN_NEEDLES: &[&str] = &[
    "verify_server_cert",
    "verify_client_cert",
    "danger_accept_invalid",
    "disable_verification",
    "ssl_verify_",
    "verify_hostname",
    "certificate_verifier",
];
/// Every finding of `check_expr` is one of those calls, `set_verify_callback`, or a path
/// whose resolved segments hold `SslVerifyMode`, `SSL_VERIFY_NONE` or `SslOption` (in the
/// file: the path, or the `use` renaming it).
const EXPR_NEEDLES: &[&str] = &[
    "danger_accept_invalid",
    "disable_verification",
    "ssl_verify_",
    "verify_hostname",
    "certificate_verifier",
    "set_verify_callback",
    "SslVerifyMode",
    "SSL_VERIFY_NONE",
    "SslOption",
];

fn switch(method: &str) -> Option<(bool, &'static str)> {
    SWITCHES
        .iter()
        .find(|(m, ..)| *m == method)
        .map(|&(_, bad, what)| (bad, what))
}

/// The type a verifier expression constructs: `Arc::new(NoVerifier)`, `NoVerifier::new()`,
/// `Arc::new(danger::NoVerifier {})`, `SkipServerVerification::new().into()`.
fn verifier_type(expr: &syn::Expr) -> Option<(String, Span)> {
    match peel(expr) {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return None;
            };
            let segs: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
            let last = segs.last()?;
            let is_ctor = last
                .ident
                .to_string()
                .starts_with(|c: char| c.is_lowercase());
            if !is_ctor {
                // A tuple struct: `NoVerifier(provider)`.
                return Some((last.ident.to_string(), last.ident.span()));
            }
            let ty = segs.get(segs.len().checked_sub(2)?)?;
            let ty_name = ty.ident.to_string();
            if matches!(ty_name.as_str(), "Arc" | "Rc" | "Box") {
                return c.args.first().and_then(verifier_type);
            }
            Some((ty_name, ty.ident.span()))
        }
        syn::Expr::Path(p) => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            // A unit struct is capitalized; a lower-case name is a variable.
            name.starts_with(|c: char| c.is_uppercase())
                .then(|| (name, last.ident.span()))
        }
        syn::Expr::Struct(s) => {
            let last = s.path.segments.last()?;
            Some((last.ident.to_string(), last.ident.span()))
        }
        syn::Expr::MethodCall(m) => verifier_type(&m.receiver),
        syn::Expr::Cast(c) => verifier_type(&c.expr),
        _ => None,
    }
}

/// A closure that ignores its arguments and returns `true`: `|_, _| true`.
fn always_true_closure(expr: &syn::Expr) -> bool {
    let syn::Expr::Closure(c) = peel(expr) else {
        return false;
    };
    match &*c.body {
        syn::Expr::Block(b) => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => lit_bool(e) == Some(true),
            _ => false,
        },
        e => lit_bool(e) == Some(true),
    }
}

/// `Ok(ServerCertVerified::assertion())` (any path prefix).
fn is_ok_assertion(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(ok) = peel(expr) else {
        return false;
    };
    let syn::Expr::Path(p) = &*ok.func else {
        return false;
    };
    if !p.path.is_ident("Ok") || ok.args.len() != 1 {
        return false;
    }
    let Some(syn::Expr::Call(inner)) = ok.args.first().map(peel) else {
        return false;
    };
    let syn::Expr::Path(ip) = &*inner.func else {
        return false;
    };
    let segs = crate::analysis::paths::segments(&ip.path);
    segs.last().is_some_and(|s| s == "assertion")
}

/// The `Ok(..::assertion())` a verify method ends with, when nothing in the body can fail:
/// no `?`, no `Err`, no early-returning macro.
fn vacuous_verify(block: &syn::Block) -> Option<Span> {
    let tail = match block.stmts.last()? {
        syn::Stmt::Expr(e, None) => e,
        syn::Stmt::Expr(syn::Expr::Return(r), _) => r.expr.as_deref()?,
        _ => return None,
    };
    if !is_ok_assertion(tail) {
        return None;
    }
    let mut can_fail = false;
    for_each_expr(block, &mut |e| match e {
        syn::Expr::Try(_) | syn::Expr::If(_) | syn::Expr::Match(_) => can_fail = true,
        syn::Expr::Path(p) if p.path.is_ident("Err") => can_fail = true,
        syn::Expr::Return(r) if r.expr.as_deref().is_none_or(|x| !is_ok_assertion(x)) => {
            can_fail = true;
        }
        syn::Expr::Macro(m) => {
            let name = crate::analysis::macros::macro_name(&m.mac);
            if !crate::analysis::macros::is_log_macro(&name) && name != "format" {
                can_fail = true;
            }
        }
        _ => {}
    });
    for stmt in &block.stmts {
        if let syn::Stmt::Macro(m) = stmt {
            let name = crate::analysis::macros::macro_name(&m.mac);
            if !crate::analysis::macros::is_log_macro(&name) {
                can_fail = true;
            }
        }
    }
    (!can_fail).then(|| tail.span())
}

impl TlsVerificationDisabled {
    fn report_switch(
        cx: &mut Cx<'_>,
        m: &syn::ExprMethodCall,
        value: &syn::Expr,
        from: Option<Span>,
    ) {
        let method = m.method.to_string();
        let Some((bad, what)) = switch(&method) else {
            return;
        };
        if lit_bool(value) != Some(bad) {
            return;
        }
        let mut r = cx.report(
            &Self::META,
            m.method.span(),
            format!("`{method}({bad})` turns off {what}"),
        );
        if let Some(at) = from {
            r = r.label(at, format!("`{bad}` comes from here"));
        }
        r.help(HELP);
    }

    fn report_verifier(
        cx: &mut Cx<'_>,
        m: &syn::ExprMethodCall,
        value: &syn::Expr,
        from: Option<Span>,
    ) {
        let Some((ty, ty_span)) = verifier_type(value) else {
            return;
        };
        if !cx.vocab().is_permissive_name(&ty) {
            return;
        }
        cx.report(
            &Self::META,
            m.method.span(),
            format!(
                "`{}` installs `{ty}`, a certificate verifier that by its name accepts any certificate",
                m.method
            ),
        )
        .label(from.unwrap_or(ty_span), format!("`{ty}` is built here"))
        .help(HELP);
    }
}

impl Rule for TlsVerificationDisabled {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test()
            || !matches!(
                expr,
                syn::Expr::MethodCall(_) | syn::Expr::Path(_) | syn::Expr::Call(_)
            )
            || !cx.file_mentions(EXPR_NEEDLES)
        {
            return;
        }
        match expr {
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let Some(arg) = m.args.first() else {
                    return;
                };
                if m.args.len() == 1 && switch(&method).is_some() {
                    Self::report_switch(cx, m, arg, None);
                } else if VERIFIER_SETTERS.contains(&method.as_str()) {
                    Self::report_verifier(cx, m, arg, None);
                } else if method == "set_verify_callback"
                    && let Some(cb) = m.args.last()
                    && always_true_closure(cb)
                {
                    cx.report(
                        &Self::META,
                        m.method.span(),
                        "the verify callback returns `true` for every certificate",
                    )
                    .label(cb.span(), "this callback accepts any certificate")
                    .help(HELP);
                }
            }
            syn::Expr::Path(p) => {
                let segs = cx.uses.resolve_all(&p.path);
                let what = if ends_with(&segs, &["SslVerifyMode", "NONE"])
                    || ends_with(&segs, &["SSL_VERIFY_NONE"])
                    || ends_with(&segs, &["SslOption", "DANGER_ACCEPT_INVALID_CERTS"])
                    || ends_with(&segs, &["SslOption", "DANGER_ACCEPT_REVOKED_CERTS"])
                {
                    "certificate verification"
                } else if ends_with(&segs, &["SslOption", "DANGER_ACCEPT_INVALID_HOSTS"]) {
                    "hostname verification"
                } else {
                    return;
                };
                let shown = segs[segs.len().saturating_sub(2)..].join("::");
                cx.report(&Self::META, p.span(), format!("`{shown}` turns off {what}"))
                    .help(HELP);
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = peel(&c.func)
                    && ends_with(&cx.uses.resolve_all(&p.path), &["SslVerifyMode", "empty"])
                {
                    cx.report(
                        &Self::META,
                        c.span(),
                        "`SslVerifyMode::empty()` is `SslVerifyMode::NONE`: it turns off certificate verification",
                    )
                    .help(HELP);
                }
            }
            _ => {}
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.fn_mentions(f, FN_NEEDLES) {
            return;
        }
        // A verifier that accepts everything.
        if let FnKind::TraitImpl { trait_name, .. } = &f.kind {
            let resolved = cx
                .uses
                .get(trait_name)
                .and_then(|p| p.last().cloned())
                .unwrap_or_else(|| trait_name.clone());
            let method = f.name();
            let relevant = (resolved == "ServerCertVerifier" && method == "verify_server_cert")
                || (resolved == "ClientCertVerifier" && method == "verify_client_cert");
            if relevant && let Some(at) = vacuous_verify(f.block) {
                let whose = if method == "verify_server_cert" {
                    "server"
                } else {
                    "client"
                };
                cx.report(
                    &Self::META,
                    f.name_span(),
                    format!("`{method}` accepts every {whose} certificate without checking it"),
                )
                .label(at, "returns success on every path")
                .help(HELP);
            }
        }
        // Switches and verifiers given as a local bound earlier in the function.
        let locals = Locals::of(f.block);
        let mut found: Vec<(syn::ExprMethodCall, syn::Expr, Span)> = Vec::new();
        for_each_expr(f.block, &mut |e| {
            let syn::Expr::MethodCall(m) = e else {
                return;
            };
            let method = m.method.to_string();
            let relevant = (m.args.len() == 1 && switch(&method).is_some())
                || VERIFIER_SETTERS.contains(&method.as_str());
            let Some(arg) = m.args.first() else {
                return;
            };
            if !relevant || local_name(peel(arg)).is_none() {
                return;
            }
            let value = locals.resolve(arg);
            if !std::ptr::eq(value, peel(arg)) {
                found.push((m.clone(), value.clone(), value.span()));
            }
        });
        for (m, value, from) in found {
            if VERIFIER_SETTERS.contains(&m.method.to_string().as_str()) {
                Self::report_verifier(cx, &m, &value, Some(from));
            } else {
                Self::report_switch(cx, &m, &value, Some(from));
            }
        }
    }
}
