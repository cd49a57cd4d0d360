use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::analysis::credentials::{self, Evidence, LitValue};
use crate::analysis::macros;
use crate::analysis::paths;
use crate::cx::Cx;
use crate::fnlike::{FnLike, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a string or byte-string literal that is bound to, assigned to, passed as or
    /// stored in a secret-named target (`let api_key = ".."`, `const DB_PASSWORD`,
    /// `Config { client_secret: "..".into() }`, `.password("..")`, `.bearer_auth("..")`,
    /// `.basic_auth(user, Some(".."))`, an `Authorization` or `x-api-key` header value,
    /// `("password", "..")` pairs), and any literal in a known credential format: AWS access
    /// key ids, GitHub, Slack and Stripe tokens, Google API keys, PEM private keys, JWTs.
    ///
    /// Empty strings, placeholders (`"<redacted>"`, `"xxx"`, `"${API_KEY}"`,
    /// `"your-api-key-here"`), env var *names* (`env::var("API_KEY")`) and test code are not
    /// flagged.
    ///
    /// ### Why is this bad?
    /// A secret in source code is in every clone, fork, build artifact and log of the
    /// repository, and cannot be rotated without a release (CWE-798). Assistants write
    /// "temporary" keys and default passwords into examples that then ship.
    ///
    /// ### Example
    /// ```rust,ignore
    /// const STRIPE_SECRET_KEY: &str = "sk_test_51HqLyjWDarjtT1zdp7dc";
    ///
    /// fn client() -> reqwest::Client {
    ///     let api_key = "a8f5f167f44f4964e6c998dee827110c";
    ///     build_client(api_key)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn client() -> Result<reqwest::Client, std::env::VarError> {
    ///     let api_key = std::env::var("API_KEY")?;
    ///     Ok(build_client(&api_key))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - semgrep: `generic.secrets.security.detected-*`
    /// - gitleaks / trufflehog credential formats
    pub struct HardcodedSecret;
    name = "hardcoded_secret",
    family = Secrets,
    ai = Deny,
    human = Warn,
    cwe = 798,
    summary = "secret written as a literal in the source",
}

const HELP: &str = "load the secret at runtime from the environment or a secret store (e.g. `std::env::var(\"API_KEY\")`), and rotate the exposed value";

impl Rule for HardcodedSecret {
    fn interests(&self) -> &'static [NodeKind] {
        &[
            NodeKind::Item,
            NodeKind::Fn,
            NodeKind::Local,
            NodeKind::Expr,
            NodeKind::Macro,
        ]
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let (ident, expr) = match item {
            ItemRef::Item(syn::Item::Const(c)) => (&c.ident, &*c.expr),
            ItemRef::Item(syn::Item::Static(s)) => (&s.ident, &*s.expr),
            ItemRef::Impl(syn::ImplItem::Const(c)) => (&c.ident, &c.expr),
            ItemRef::Trait(syn::TraitItem::Const(c)) => match &c.default {
                Some((_, e)) => (&c.ident, e),
                None => return,
            },
            _ => return,
        };
        named_target(cx, &ident.to_string(), expr, "constant");
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        // `fn default_password() -> String { "admin".into() }` (serde defaults, getters).
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        // the cheap shape test first: most functions have more than one statement
        let [stmt] = f.block.stmts.as_slice() else {
            return;
        };
        let name = f.name();
        if cx.vocab().is_lookup_fn(&name) || cx.vocab().is_check_fn(&name) {
            return;
        }
        let expr = match stmt {
            syn::Stmt::Expr(syn::Expr::Return(r), _) => r.expr.as_deref(),
            syn::Stmt::Expr(e, None) => Some(e),
            _ => None,
        };
        if let Some(expr) = expr {
            named_target(cx, &name, expr, "function returning");
        }
    }

    fn check_local(&self, cx: &mut Cx<'_>, local: &syn::Local) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let pat = match &local.pat {
            syn::Pat::Type(t) => &*t.pat,
            p => p,
        };
        if let (syn::Pat::Ident(pi), Some(init)) = (pat, &local.init) {
            named_target(cx, &pi.ident.to_string(), &init.expr, "binding");
        }
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        match expr {
            syn::Expr::Lit(lit) => check_format(cx, lit),
            syn::Expr::Assign(a) => {
                if let Some(name) = paths::expr_name(&a.left) {
                    named_target(cx, &name, &a.right, "assignment to");
                }
            }
            syn::Expr::Struct(s) => {
                for field in &s.fields {
                    if let syn::Member::Named(ident) = &field.member {
                        named_target(cx, &ident.to_string(), &field.expr, "field");
                    }
                }
            }
            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                key_value(cx, &t.elems[0], &t.elems[1]);
            }
            // `call_args` looks at calls with arguments only: the name of one without is not
            // worth its path's resolution
            syn::Expr::MethodCall(m) if !m.args.is_empty() => {
                let args: Vec<&syn::Expr> = m.args.iter().collect();
                call_args(cx, &m.method.to_string(), None, &args);
            }
            syn::Expr::Call(c) if !c.args.is_empty() => {
                let syn::Expr::Path(p) = paths::peel(&c.func) else {
                    return;
                };
                let segs = cx.uses.resolve_all(&p.path);
                let Some(last) = segs.last() else {
                    return;
                };
                let ty = (segs.len() >= 2).then(|| segs[segs.len() - 2].clone());
                let args: Vec<&syn::Expr> = c.args.iter().collect();
                call_args(cx, last, ty.as_deref(), &args);
            }
            _ => {}
        }
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        if cx.in_test() || !cx.enabled(&Self::META) || macros::macro_name(mac) != "json" {
            return;
        }
        json_pairs(cx, mac.tokens.clone(), 0);
    }
}

/// A literal anywhere in a known credential format.
fn check_format(cx: &mut Cx<'_>, lit: &syn::ExprLit) {
    let text = match &lit.lit {
        syn::Lit::Str(s) => s.value(),
        syn::Lit::ByteStr(b) => String::from_utf8_lossy(&b.value()).into_owned(),
        _ => return,
    };
    if let Some(kind) = credentials::credential_format(&text) {
        cx.report(
            &HardcodedSecret::META,
            lit.lit.span(),
            format!("hardcoded credential: this literal looks like {kind}"),
        )
        .help(HELP);
    }
}

/// `target = <literal>` where the target is secret-named.
fn named_target(cx: &mut Cx<'_>, target: &str, value: &syn::Expr, what: &str) {
    if !cx.vocab().is_secret_name(target) {
        return;
    }
    let evidence = if cx.vocab().is_weak_secret_name(target) {
        Evidence::Weak
    } else {
        Evidence::Strong
    };
    let Some(lit) = credentials::literal_value(value, &cx.uses, cx.vocab()) else {
        return;
    };
    report_value(cx, &lit, &lit.text, evidence, &format!("{what} `{target}`"));
}

fn report_value(cx: &mut Cx<'_>, lit: &LitValue, value: &str, evidence: Evidence, what: &str) {
    // A literal in a known format is reported once, by `check_format`.
    if credentials::credential_format(&lit.text).is_some()
        || !credentials::could_be_secret(value, cx.vocab(), evidence)
    {
        return;
    }
    cx.report(
        &HardcodedSecret::META,
        lit.span,
        format!("hardcoded secret in {what}"),
    )
    .help(HELP);
}

/// Arguments of a call or method call named `name` (`ty` is the type of `Type::name(..)`).
fn call_args(cx: &mut Cx<'_>, name: &str, ty: Option<&str>, args: &[&syn::Expr]) {
    let vocab = cx.vocab();
    let Some(last) = args.last() else {
        return;
    };
    // `SecretString::new("..")`, `ApiKey::from("..")`: a secret-named type's constructor.
    if let Some(ty) = ty
        && args.len() == 1
        && matches!(
            name,
            "new" | "from" | "from_str" | "from_static" | "from_secret" | "from_bytes"
        )
        && vocab.is_secret_name(ty)
    {
        let evidence = if vocab.is_weak_secret_name(ty) {
            Evidence::Weak
        } else {
            Evidence::Strong
        };
        if let Some(lit) = credentials::literal_value(last, &cx.uses, vocab) {
            report_value(
                cx,
                &lit,
                &lit.text,
                evidence,
                &format!("`{ty}::{name}(..)`"),
            );
        }
        return;
    }
    // `.password("..")`, `.bearer_auth("..")`, `set_api_key("..")`, `from_secret(b"..")`.
    if vocab.is_secret_name(name) && !vocab.is_lookup_fn(name) && !vocab.is_check_fn(name) {
        let evidence = if vocab.is_weak_secret_name(name) {
            Evidence::Weak
        } else {
            Evidence::Strong
        };
        if let Some(lit) = credentials::literal_value(last, &cx.uses, vocab) {
            report_value(
                cx,
                &lit,
                &lit.text,
                evidence,
                &format!("argument of `{name}`"),
            );
        }
        return;
    }
    // `.basic_auth(user, Some(".."))`: the password is the second argument.
    if name == "basic_auth" && args.len() == 2 {
        if let Some(lit) = credentials::literal_value(args[1], &cx.uses, vocab) {
            report_value(
                cx,
                &lit,
                &lit.text,
                Evidence::Strong,
                "password argument of `basic_auth`",
            );
        }
        return;
    }
    // `.header("Authorization", "Bearer ..")`, `env::set_var("API_KEY", "..")`.
    if args.len() == 2 {
        key_value(cx, args[0], args[1]);
    }
}

/// `(key, value)` where the key names a secret (`"password"`, `"x-api-key"`, `AUTHORIZATION`).
fn key_value(cx: &mut Cx<'_>, key: &syn::Expr, value: &syn::Expr) {
    let vocab = cx.vocab();
    let key_name = match paths::peel(key) {
        syn::Expr::Path(p) => {
            // Only constants name a key (`header::AUTHORIZATION`, `X_API_KEY`), maybe
            // renamed by a `use` (`use http::header::AUTHORIZATION as AUTH;`)
            let Some(n) = cx.uses.resolve_all(&p.path).pop() else {
                return;
            };
            if !n
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                return;
            }
            n
        }
        _ => match credentials::literal_value(key, &cx.uses, vocab) {
            Some(lit) => lit.text,
            None => return,
        },
    };
    if !vocab.is_auth_header_name(&key_name) {
        return;
    }
    let Some(lit) = credentials::literal_value(value, &cx.uses, vocab) else {
        return;
    };
    // `Bearer <token>`, `Basic <base64>`: the credential is after the scheme.
    let text = lit.text.trim();
    let credential = match text.split_once(' ') {
        Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => rest.trim(),
        _ => text,
    };
    // A value that is itself a secret's name maps names (`("password", "passwd")`).
    if vocab.is_secret_name(credential) {
        return;
    }
    let evidence = if vocab.is_weak_secret_name(&key_name) {
        Evidence::Weak
    } else {
        Evidence::Strong
    };
    let credential = credential.to_string();
    report_value(
        cx,
        &lit,
        &credential,
        evidence,
        &format!("value for `{key_name}`"),
    );
}

/// `json!({"api_key": "..."})`: string pairs at any depth of the macro body.
fn json_pairs(cx: &mut Cx<'_>, tokens: TokenStream, depth: usize) {
    if depth > 32 {
        return;
    }
    let toks: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in toks.iter().enumerate() {
        if let TokenTree::Group(g) = tt
            && matches!(
                g.delimiter(),
                Delimiter::Brace | Delimiter::Bracket | Delimiter::Parenthesis
            )
        {
            json_pairs(cx, g.stream(), depth + 1);
            continue;
        }
        let (TokenTree::Literal(k), Some(TokenTree::Punct(colon)), Some(TokenTree::Literal(v))) =
            (tt, toks.get(i + 1), toks.get(i + 2))
        else {
            continue;
        };
        let ends = toks
            .get(i + 3)
            .is_none_or(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','));
        if colon.as_char() != ':' || !ends {
            continue;
        }
        let (Some(key), Some(value)) = (lit_str(k), lit_str(v)) else {
            continue;
        };
        // The object body does not parse as expressions, so `check_format` never sees it.
        if let Some(kind) = credentials::credential_format(&value) {
            cx.report(
                &HardcodedSecret::META,
                v.span(),
                format!("hardcoded credential: this literal looks like {kind}"),
            )
            .help(HELP);
            continue;
        }
        if !cx.vocab().is_secret_name(&key) {
            continue;
        }
        let evidence = if cx.vocab().is_weak_secret_name(&key) {
            Evidence::Weak
        } else {
            Evidence::Strong
        };
        let lit = LitValue {
            span: v.span(),
            text: value,
        };
        report_value(
            cx,
            &lit,
            &lit.text,
            evidence,
            &format!("JSON field `{key}`"),
        );
    }
}

fn lit_str(l: &proc_macro2::Literal) -> Option<String> {
    let lit: syn::LitStr = syn::parse2(TokenStream::from(TokenTree::Literal(l.clone()))).ok()?;
    Some(lit.value())
}
