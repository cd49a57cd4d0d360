//! What a credential looks like: known token formats (AWS, GitHub, Slack, Stripe, Google,
//! PEM private keys, JWTs), written by hand, and the literal values that could be a secret
//! (not empty, not a placeholder, not the *name* of a variable).

use proc_macro2::Span;

use crate::analysis::paths::{self, UseMap};
use crate::analysis::vocab::Vocab;

/// A string-like literal found through value-preserving wrappers (`"x".to_string()`,
/// `String::from("x")`, `Some("x")`, `b"x".to_vec()`, `HeaderValue::from_static("x")`).
#[derive(Clone)]
pub struct LitValue {
    pub span: Span,
    pub text: String,
}

/// The literal a value expression is made of, through value-preserving wrappers only.
/// A constructor of a secret-named type (`SecretString::new("..")`) is *not* peeled: it is a
/// target of its own.
pub fn literal_value(expr: &syn::Expr, uses: &UseMap, vocab: &Vocab) -> Option<LitValue> {
    let mut expr = expr;
    for _ in 0..16 {
        expr = paths::peel(expr);
        match expr {
            syn::Expr::Lit(syn::ExprLit { lit, .. }) => {
                let text = match lit {
                    syn::Lit::Str(s) => s.value(),
                    syn::Lit::ByteStr(b) => String::from_utf8_lossy(&b.value()).into_owned(),
                    syn::Lit::CStr(c) => c.value().to_string_lossy().into_owned(),
                    _ => return None,
                };
                return Some(LitValue {
                    span: lit.span(),
                    text,
                });
            }
            syn::Expr::MethodCall(m) => {
                let name = m.method.to_string();
                let keeps = matches!(
                    name.as_str(),
                    "to_string"
                        | "to_owned"
                        | "into"
                        | "to_vec"
                        | "into_bytes"
                        | "as_bytes"
                        | "as_str"
                        | "as_ref"
                        | "parse"
                        | "unwrap"
                        | "expect"
                        | "try_into"
                        | "into_boxed_str"
                );
                if !keeps {
                    return None;
                }
                expr = &m.receiver;
            }
            syn::Expr::Call(c) if c.args.len() == 1 => {
                let syn::Expr::Path(p) = paths::peel(&c.func) else {
                    return None;
                };
                let segs = uses.resolve(&p.path);
                let last = segs.last().map(String::as_str).unwrap_or_default();
                let wrapper = if segs.len() == 1 {
                    matches!(last, "Some" | "Ok" | "String" | "Box" | "Cow")
                } else {
                    let ty = segs[segs.len() - 2].as_str();
                    matches!(
                        last,
                        "from" | "new" | "from_static" | "from_str" | "from_bytes"
                    ) && is_value_wrapper_type(ty)
                        && !vocab.is_secret_name(ty)
                };
                if !wrapper {
                    return None;
                }
                expr = &c.args[0];
            }
            _ => return None,
        }
    }
    None
}

/// Types whose `from`/`new` keeps the string value as it is.
fn is_value_wrapper_type(ty: &str) -> bool {
    matches!(
        ty,
        "String"
            | "Box"
            | "Arc"
            | "Rc"
            | "Cow"
            | "Vec"
            | "OsString"
            | "PathBuf"
            | "HeaderValue"
            | "Bytes"
            | "SmolStr"
            | "CompactString"
            | "Zeroizing"
    )
}

/// A known credential format anywhere in `s`: the name of the format (for the message).
pub fn credential_format(s: &str) -> Option<&'static str> {
    if s.contains("EXAMPLE") || s.len() < 16 {
        // AWS documents `AKIAIOSFODNN7EXAMPLE`; too short for any format below.
        return None;
    }
    let b = s.as_bytes();
    for i in 0..b.len() {
        // Token formats start at a word boundary.
        if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
            continue;
        }
        let rest = &b[i..];
        if let Some(kind) = format_at(rest) {
            return Some(kind);
        }
    }
    if let Some(at) = s.find("-----BEGIN ") {
        let after = &s[at..];
        if let Some(end) = after.find("PRIVATE KEY-----") {
            let header = &after[..end];
            let body = &after[end + "PRIVATE KEY-----".len()..];
            let base64 = body
                .bytes()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
                .count();
            if !header.contains('\n') && base64 >= 32 {
                return Some("a PEM private key");
            }
        }
    }
    None
}

fn count_while(b: &[u8], ok: impl Fn(u8) -> bool) -> usize {
    b.iter().take_while(|c| ok(**c)).count()
}

fn ends_token(b: &[u8], n: usize) -> bool {
    b.get(n).is_none_or(|c| !c.is_ascii_alphanumeric())
}

fn format_at(b: &[u8]) -> Option<&'static str> {
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    // AWS access key id: AKIA[0-9A-Z]{16}
    if let Some(rest) = b.strip_prefix(b"AKIA") {
        let n = count_while(rest, |c| c.is_ascii_digit() || c.is_ascii_uppercase());
        if n == 16 && ends_token(rest, n) {
            return Some("an AWS access key id");
        }
    }
    // GitHub: gh[pousr]_[A-Za-z0-9]{36}, github_pat_[A-Za-z0-9_]{22,}
    if b.len() > 4 && b.starts_with(b"gh") && b"pousr".contains(&b[2]) && b[3] == b'_' {
        let n = count_while(&b[4..], alnum);
        if n >= 36 && ends_token(&b[4..], n) {
            return Some("a GitHub token");
        }
    }
    if let Some(rest) = b.strip_prefix(b"github_pat_")
        && count_while(rest, |c| alnum(c) || c == b'_') >= 22
    {
        return Some("a GitHub token");
    }
    // Slack: xox[abpr]-...
    if b.len() > 5 && b.starts_with(b"xox") && b"abpr".contains(&b[3]) && b[4] == b'-' {
        let n = count_while(&b[5..], |c| alnum(c) || c == b'-');
        if n >= 10 {
            return Some("a Slack token");
        }
    }
    // Stripe: sk_live_ / rk_live_
    for prefix in [&b"sk_live_"[..], b"rk_live_"] {
        if let Some(rest) = b.strip_prefix(prefix)
            && count_while(rest, alnum) >= 10
        {
            return Some("a Stripe live key");
        }
    }
    // Google API key: AIza[0-9A-Za-z_-]{35}
    if let Some(rest) = b.strip_prefix(b"AIza")
        && count_while(rest, |c| alnum(c) || c == b'_' || c == b'-') == 35
    {
        return Some("a Google API key");
    }
    // JWT: eyJ<base64url>.eyJ<base64url>.<sig>
    if b.starts_with(b"eyJ") {
        let b64 = |c: u8| alnum(c) || c == b'_' || c == b'-';
        let h = count_while(b, b64);
        if h >= 10 && b.get(h) == Some(&b'.') {
            let p = &b[h + 1..];
            let n = count_while(p, b64);
            if p.starts_with(b"eyJ") && n >= 10 && p.get(n) == Some(&b'.') {
                return Some("a JSON Web Token");
            }
        }
    }
    None
}

/// How sure the target's name is that it holds a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// `password`, `api_key`, `client_secret`: any non-placeholder literal is a secret.
    Strong,
    /// `token` alone (a lexer token or an auth token): the literal must look random.
    Weak,
}

/// Whether a literal bound to a secret-named target could be a real secret: not empty, not a
/// placeholder, not prose, not a URL, not the *name* of a variable or key (`"API_KEY"`,
/// `"password"`). With [`Evidence::Weak`], it must also look random (long, letters and
/// digits mixed).
pub fn could_be_secret(text: &str, vocab: &Vocab, evidence: Evidence) -> bool {
    let t = text.trim();
    if t.len() < 4
        || t.contains(char::is_whitespace)
        || t.contains("://")
        || !t.chars().any(char::is_alphanumeric)
        || vocab.is_placeholder_value(t)
        || is_name_like(t, vocab)
    {
        return false;
    }
    match evidence {
        Evidence::Strong => true,
        Evidence::Weak => looks_random(t),
    }
}

/// A value that looks generated rather than written: 8+ characters with letters and digits,
/// or 20+ characters of one identifier-like run (`d41d8cd98f00b204e9800998ecf8427e`).
pub fn looks_random(t: &str) -> bool {
    let letters = t.chars().filter(char::is_ascii_alphabetic).count();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    (t.len() >= 8 && letters > 0 && digits > 0) || (t.len() >= 20 && !t.contains(['/', '.', ':']))
}

/// The literal is itself a name: an env var name (`"OPENAI_API_KEY"`), a secret-named key
/// of several words (`"api_key"`, `"x-api-key"`, `"clientSecret"`). A single lower-case word
/// (`"secret"`, `"password"`) is a (weak) value: `from_secret(b"secret")` is a real bug.
fn is_name_like(t: &str, vocab: &Vocab) -> bool {
    let ident_like = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    let words = crate::analysis::vocab::split_words(t).len();
    if !ident_like || !(2..=5).contains(&words) {
        return false;
    }
    let env_name = t.contains('_')
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    env_name || vocab.is_secret_name(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cases = [
            ("AKIAZ7QW3RTY8UIO2PLK", true),
            ("id=AKIAZ7QW3RTY8UIO2PLK;", true),
            ("AKIAIOSFODNN7EXAMPLE", false),
            ("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", true),
            ("ghp_short", false),
            ("xoxb-1234567890-abcdefghij", true),
            ("xoxb-", false),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", true),
            ("sk_live_", false),
            ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", true),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                true,
            ),
            ("-----BEGIN RSA PRIVATE KEY-----", false),
            (
                "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----",
                true,
            ),
            (
                "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n",
                false,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(credential_format(s).is_some(), want, "{s}");
        }
    }

    #[test]
    fn secret_values() {
        let v = Vocab::default();
        for s in ["hunter2!", "s3cr3t-value", "admin123", "changeme", "secret"] {
            assert!(could_be_secret(s, &v, Evidence::Strong), "{s}");
        }
        for s in [
            "",
            "   ",
            "xxx",
            "<redacted>",
            "${API_KEY}",
            "your-api-key-here",
            "OPENAI_API_KEY",
            "api_key",
            "x-api-key",
            "https://oauth2.example.com/token",
            "invalid token supplied",
            "***",
        ] {
            assert!(!could_be_secret(s, &v, Evidence::Strong), "{s}");
        }
        assert!(could_be_secret(
            "a8f5f167f44f4964e6c998dee827110c",
            &v,
            Evidence::Weak
        ));
        assert!(!could_be_secret("where", &v, Evidence::Weak));
        assert!(!could_be_secret("identifier", &v, Evidence::Weak));
    }
}
