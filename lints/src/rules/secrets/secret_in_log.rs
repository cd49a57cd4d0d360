use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::macros::{self, FormatArgs};
use crate::analysis::paths;
use crate::analysis::vocab::{Vocab, split_words};
use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a secret-named value written to a log or to the terminal: an argument, an inline
    /// capture (`"{token}"`) or a tracing field (`password = %pw`, `?api_key`) of `println!`,
    /// `eprintln!`, `print!`, `eprint!`, `dbg!`, `log::{trace,debug,info,warn,error}!` or
    /// `tracing::{trace,debug,info,warn,error,event}!`, or of a panic message (`panic!`,
    /// `.expect(&format!(..))`). Logging the secret's length, whether it is set, or a
    /// `redact(..)`/`mask(..)` of it is not flagged. A bare `token` (as often a lexer token as
    /// a credential) counts when the message itself names a credential (`"access token: {}"`).
    ///
    /// ### Why is this bad?
    /// Logs are shipped to aggregators, kept for months, read by support staff and pasted into
    /// tickets; terminal output ends up in CI logs. A secret written there has leaked
    /// (CWE-532). Assistants add such lines while debugging and leave them in.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn connect(api_key: &str) {
    ///     tracing::info!(api_key = %api_key, "connecting to the payments API");
    ///     println!("using password {}", config.password);
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn connect(api_key: &str) {
    ///     tracing::info!(api_key_len = api_key.len(), "connecting to the payments API");
    ///     println!("using password {}", redact(&config.password));
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - crates: `secrecy` (`Debug` prints `[REDACTED]`)
    pub struct SecretInLog;
    name = "secret_in_log",
    family = Secrets,
    ai = Deny,
    human = Warn,
    cwe = 532,
    summary = "secret written to a log, the terminal or a panic message",
}

const HELP: &str = "log a redacted form instead (`redact(..)`, its length, or a fingerprint), or keep the secret in `secrecy::SecretString`, whose `Debug` prints `[REDACTED]`";

impl Rule for SecretInLog {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Macro, NodeKind::Expr]
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let name = macros::macro_name(mac);
        let Some(sink) = sink_of(&name) else {
            return;
        };
        if name == "dbg" {
            for e in macros::parse_expr_list(mac).unwrap_or_default() {
                if let Some(secret) = secret_of(&e, cx.vocab(), None) {
                    report(cx, e.span(), &secret, sink);
                }
            }
            return;
        }
        let fa = macros::parse_format_args(mac);
        check_format_args(cx, &fa, sink, 0);
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        // `.expect(&format!("bad token {token}"))`
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let syn::Expr::MethodCall(m) = expr else {
            return;
        };
        if m.method != "expect" || m.args.len() != 1 {
            return;
        }
        if let syn::Expr::Macro(inner) = paths::peel(&m.args[0])
            && macros::is_format_macro(&macros::macro_name(&inner.mac))
        {
            let fa = macros::parse_format_args(&inner.mac);
            check_format_args(cx, &fa, "a panic message", 0);
        }
    }
}

/// Where a macro writes, or `None` if it is not a logging/printing/panicking macro.
fn sink_of(name: &str) -> Option<&'static str> {
    match name {
        "print" | "println" => Some("standard output"),
        "eprint" | "eprintln" | "dbg" => Some("standard error"),
        "trace" | "debug" | "info" | "warn" | "error" | "event" | "log" => Some("the log"),
        "panic" | "unreachable" | "todo" | "unimplemented" => Some("a panic message"),
        _ => None,
    }
}

fn check_format_args(cx: &mut Cx<'_>, fa: &FormatArgs, sink: &str, depth: usize) {
    if depth > 4 {
        return;
    }
    let template = fa.template.as_ref().map(syn::LitStr::value);
    let hint = template.as_deref();
    let mut named = vec![None; fa.args.len()];
    for (field, idx) in &fa.fields {
        match idx {
            Some(i) if *i < named.len() => named[*i] = Some(field.as_str()),
            // `info!(password)`-style shorthand with no value: the field is the variable.
            None if is_secret(cx.vocab(), field, hint) => {
                let span = fa
                    .template
                    .as_ref()
                    .map_or_else(Span::call_site, syn::LitStr::span);
                report(cx, span, field, sink);
            }
            _ => {}
        }
    }
    for (i, arg) in fa.args.iter().enumerate() {
        if let syn::Expr::Macro(inner) = paths::peel(arg)
            && macros::is_format_macro(&macros::macro_name(&inner.mac))
        {
            let inner_fa = macros::parse_format_args(&inner.mac);
            check_format_args(cx, &inner_fa, sink, depth + 1);
            continue;
        }
        let field = named[i];
        let secret = secret_of(arg, cx.vocab(), hint).or_else(|| {
            // `password = %pw`: the field name says what the value is, unless the value is
            // made safe (`len()`, `redact(..)`) or is a literal.
            field
                .filter(|f| is_secret(cx.vocab(), f, hint) && !is_safe_value(arg, cx.vocab()))
                .map(str::to_string)
        });
        if let Some(secret) = secret {
            report(cx, arg.span(), &secret, sink);
        }
    }
    if let Some(t) = &fa.template {
        for name in &fa.inline {
            if is_secret(cx.vocab(), name, hint) {
                report(cx, t.span(), name, sink);
            }
        }
    }
}

fn report(cx: &mut Cx<'_>, span: Span, name: &str, sink: &str) {
    cx.report(
        &SecretInLog::META,
        span,
        format!("secret `{name}` is written to {sink}"),
    )
    .help(HELP);
}

/// The secret name of a logged value: `api_key`, `self.password`, `creds.token.expose_secret()`;
/// not `token.len()`, `redact(&token)`, `mask(token)`.
fn secret_of(expr: &syn::Expr, vocab: &Vocab, hint: Option<&str>) -> Option<String> {
    if is_safe_value(expr, vocab) {
        return None;
    }
    paths::expr_name(expr).filter(|n| is_secret(vocab, n, hint))
}

/// A value that shows nothing of a secret: a literal, a redaction or length call.
fn is_safe_value(expr: &syn::Expr, vocab: &Vocab) -> bool {
    match paths::peel(expr) {
        syn::Expr::Lit(_) => true,
        syn::Expr::MethodCall(m) => vocab.is_redaction_fn(&m.method.to_string()),
        syn::Expr::Call(c) => match paths::peel(&c.func) {
            syn::Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| vocab.is_redaction_fn(&s.ident.to_string())),
            _ => false,
        },
        _ => false,
    }
}

/// Secret-named; a bare `token` only when the message names a credential.
fn is_secret(vocab: &Vocab, name: &str, template: Option<&str>) -> bool {
    if !vocab.is_secret_name(name) {
        return false;
    }
    if !vocab.is_weak_secret_name(name) {
        return true;
    }
    template.is_some_and(|t| mentions_credential(vocab, t))
}

/// `"access token: {}"`, `"using API key {}"`, `"password={}"`: the message names a
/// credential (a strong secret word, or two words that make one).
fn mentions_credential(vocab: &Vocab, template: &str) -> bool {
    let words = split_words(template);
    let strong = |w: &str| vocab.is_secret_name(w) && !vocab.is_weak_secret_name(w);
    words.iter().any(|w| strong(w))
        || words
            .windows(2)
            .any(|p| strong(&format!("{}_{}", p[0], p[1])))
}
