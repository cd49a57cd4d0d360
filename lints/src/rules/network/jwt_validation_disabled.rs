use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::for_each_expr;
use crate::analysis::paths::{UseMap, ends_with, lit_bool, peel};
use crate::cx::Cx;
use crate::fnlike::{FnLike, type_name};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags JWT handling that skips a check (jsonwebtoken and similar crates):
    /// `insecure_disable_signature_validation()`, `validate_exp = false`,
    /// `validate_signature = false`, `validate_aud = false` when the function sets no
    /// audience, an emptied `required_spec_claims` (`.clear()`, `= HashSet::new()`,
    /// `set_required_spec_claims(&[])`), `dangerous_insecure_decode*`/`dangerous_unsafe_decode`,
    /// `Algorithm::None`/`AlgorithmType::None` (outside comparisons), and `insecure_decode`/
    /// `decode_header` used as the only check in a function that makes the decision (a
    /// check-named function, or one returning claims, `TokenData` or a `bool`) and never
    /// calls `decode`. Test code is not checked.
    ///
    /// ### Why is this bad?
    /// A JWT is only as good as its checks. Without the signature anyone can mint a token
    /// with any claims; without `exp` a stolen token works forever; without the audience a
    /// token issued for another service is accepted here (CWE-347). Assistants switch checks
    /// off to make a decoding error go away.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn claims(token: &str, key: &DecodingKey) -> jsonwebtoken::errors::Result<Claims> {
    ///     let mut validation = Validation::new(Algorithm::HS256);
    ///     validation.validate_exp = false;
    ///     Ok(decode::<Claims>(token, key, &validation)?.claims)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn claims(token: &str, key: &DecodingKey) -> jsonwebtoken::errors::Result<Claims> {
    ///     let mut validation = Validation::new(Algorithm::HS256);
    ///     validation.set_audience(&["billing-api"]);
    ///     Ok(decode::<Claims>(token, key, &validation)?.claims)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-347: Improper Verification of Cryptographic Signature
    /// - semgrep: `rust.jwt.security.jwt-none-alg`, `javascript.jsonwebtoken.security.jwt-none-alg`
    pub struct JwtValidationDisabled;
    name = "jwt_validation_disabled",
    family = Network,
    ai = Deny,
    human = Deny,
    cwe = 347,
    summary = "signature, expiry or audience check of a JWT turned off",
}

const HELP: &str = "decode with `jsonwebtoken::decode` and a `Validation` that checks the signature, `exp` and the audience (`set_audience`)";

/// Every finding of `single` is one of these method or field names, or a path whose resolved
/// last segment starts with `dangerous_` (in the file: the path, or the `use` renaming it).
const SINGLE_NEEDLES: &[&str] = &[
    "insecure_disable_signature_validation",
    "required_spec_claims",
    "dangerous_",
    "validate_exp",
    "validate_signature",
];
/// Every finding of `check_fn` is a `validate_aud` field set to `false`, an
/// `Algorithm`/`AlgorithmType`/`SignatureAlgorithm` path, or an `insecure_decode`/
/// `decode_header` method or path (resolved segments: in the function or its file's `use`s).
const FN_NEEDLES: &[&str] = &["validate_aud", "Algorithm", "decode"];

/// `HashSet::new()`, `Default::default()`, `HashSet::default()`, `&[]`, `vec![]`.
fn is_empty_collection(expr: &syn::Expr) -> bool {
    match peel(expr) {
        syn::Expr::Call(c) if c.args.is_empty() => match peel(&c.func) {
            syn::Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "new" || s.ident == "default"),
            _ => false,
        },
        syn::Expr::Array(a) => a.elems.is_empty(),
        syn::Expr::Cast(c) => is_empty_collection(&c.expr),
        syn::Expr::Macro(m) => m.mac.path.is_ident("vec") && m.mac.tokens.is_empty(),
        _ => false,
    }
}

fn field_name(expr: &syn::Expr) -> Option<String> {
    match peel(expr) {
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

/// A flag that turns a check off when set to `false`, and what the message says.
fn flag_off(name: &str) -> Option<&'static str> {
    match name {
        "validate_exp" => Some("accepts expired tokens"),
        "validate_signature" => Some("accepts tokens with any signature, including forged ones"),
        _ => None,
    }
}

/// Single-node shapes (anywhere, including statics).
fn single(expr: &syn::Expr, uses: &UseMap) -> Option<(Span, String)> {
    match expr {
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            if method == "insecure_disable_signature_validation" {
                return Some((
                    m.method.span(),
                    "`insecure_disable_signature_validation()` accepts tokens with any signature, including forged ones".into(),
                ));
            }
            if method == "clear"
                && field_name(&m.receiver).as_deref() == Some("required_spec_claims")
            {
                return Some((m.span(), empty_claims_msg()));
            }
            if method == "set_required_spec_claims"
                && m.args.first().is_some_and(is_empty_collection)
            {
                return Some((m.method.span(), empty_claims_msg()));
            }
            None
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = peel(&c.func) else {
                return None;
            };
            let segs = uses.resolve(&p.path);
            let last = segs.last()?;
            (last.starts_with("dangerous_insecure_decode") || last == "dangerous_unsafe_decode")
                .then(|| {
                    (
                        p.span(),
                        format!("`{last}` reads the claims without checking the signature"),
                    )
                })
        }
        syn::Expr::Assign(a) => {
            let name = field_name(&a.left)?;
            if let Some(what) = flag_off(&name)
                && lit_bool(&a.right) == Some(false)
            {
                return Some((a.span(), format!("`{name} = false` {what}")));
            }
            if name == "required_spec_claims" && is_empty_collection(&a.right) {
                return Some((a.span(), empty_claims_msg()));
            }
            None
        }
        syn::Expr::Struct(s) => s.fields.iter().find_map(|f| {
            let syn::Member::Named(n) = &f.member else {
                return None;
            };
            let name = n.to_string();
            if let Some(what) = flag_off(&name)
                && lit_bool(&f.expr) == Some(false)
            {
                return Some((f.span(), format!("`{name}: false` {what}")));
            }
            (name == "required_spec_claims" && is_empty_collection(&f.expr))
                .then(|| (f.span(), empty_claims_msg()))
        }),
        _ => None,
    }
}

fn empty_claims_msg() -> String {
    "emptied `required_spec_claims` accepts tokens without an `exp` claim, which never expire"
        .into()
}

fn is_alg_none(segs: &[String]) -> bool {
    ["Algorithm", "AlgorithmType", "SignatureAlgorithm"]
        .iter()
        .any(|t| ends_with(segs, &[t, "None"]) || ends_with(segs, &[t, "NONE"]))
}

/// Whether `f` makes the trust decision itself: check-named, or returns claims/`TokenData`.
fn decides(cx: &Cx<'_>, f: &FnLike<'_>) -> bool {
    if cx.vocab().is_check_fn(&f.name()) {
        return true;
    }
    let syn::ReturnType::Type(_, ty) = &f.sig.output else {
        return false;
    };
    let text = quote::ToTokens::to_token_stream(&**ty).to_string();
    text.contains("Claims")
        || text.contains("TokenData")
        || type_name(ty) == "bool"
        || text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == "bool")
}

impl Rule for JwtValidationDisabled {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Fn]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test()
            || !matches!(
                expr,
                syn::Expr::MethodCall(_)
                    | syn::Expr::Call(_)
                    | syn::Expr::Assign(_)
                    | syn::Expr::Struct(_)
            )
            || !cx.file_mentions(SINGLE_NEEDLES)
        {
            return;
        }
        if let Some((span, msg)) = single(expr, &cx.uses) {
            cx.report(&Self::META, span, msg).help(HELP);
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        if !cx.fn_mentions_path(f, FN_NEEDLES) {
            return;
        }
        let mut aud_off: Vec<Span> = Vec::new();
        let mut aud_set = false;
        let mut alg_none: Vec<Span> = Vec::new();
        let mut compared: Vec<*const syn::Expr> = Vec::new();
        let mut peeks: Vec<(Span, String)> = Vec::new();
        let mut decodes = false;
        let uses = &cx.uses;
        for_each_expr(f.block, &mut |e| match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                compared.push(peel(&b.left));
                compared.push(peel(&b.right));
            }
            syn::Expr::Path(p)
                if is_alg_none(&uses.resolve(&p.path))
                    && !compared.iter().any(|c| std::ptr::eq(*c, e)) =>
            {
                alg_none.push(p.span());
            }
            syn::Expr::Assign(a) => match field_name(&a.left).as_deref() {
                Some("validate_aud") if lit_bool(&a.right) == Some(false) => aud_off.push(a.span()),
                Some("aud") => aud_set = true,
                _ => {}
            },
            syn::Expr::Struct(s) => {
                for fv in &s.fields {
                    if let syn::Member::Named(n) = &fv.member {
                        if n == "validate_aud" && lit_bool(&fv.expr) == Some(false) {
                            aud_off.push(fv.span());
                        } else if n == "aud"
                            && !matches!(peel(&fv.expr), syn::Expr::Path(p) if p.path.is_ident("None"))
                        {
                            aud_set = true;
                        }
                    }
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if method == "set_audience" {
                    aud_set = true;
                } else if method == "decode"
                    || method.starts_with("decode_with")
                    || method.starts_with("verify")
                {
                    decodes = true;
                } else if method == "insecure_decode" || method == "decode_header" {
                    peeks.push((m.method.span(), method));
                }
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = peel(&c.func) {
                    let segs = uses.resolve(&p.path);
                    let last = segs.last().map(String::as_str).unwrap_or_default();
                    if last == "decode"
                        || last.starts_with("verify")
                        || last.starts_with("decode_with")
                    {
                        decodes = true;
                    } else if last == "insecure_decode" || last == "decode_header" {
                        peeks.push((p.span(), last.to_string()));
                    }
                }
            }
            _ => {}
        });
        if !aud_set {
            for span in aud_off {
                cx.report(
                    &Self::META,
                    span,
                    "`validate_aud = false` with no audience set accepts tokens issued for any service",
                )
                .help("set the expected audience with `validation.set_audience(&[..])` instead");
            }
        }
        for span in alg_none {
            cx.report(
                &Self::META,
                span,
                "the `None` algorithm accepts unsigned tokens",
            )
            .help(HELP);
        }
        if !decodes && decides(cx, f) {
            for (span, name) in peeks {
                cx.report(
                    &Self::META,
                    span,
                    format!(
                        "`{name}` is the only check on the token: its signature is never verified"
                    ),
                )
                .help(HELP);
            }
        }
    }
}
