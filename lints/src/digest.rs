//! The review digest: one algorithm for the CLI (from the file's parse) and the macro (from
//! its input), so a stamp written by `cargo aiguard review` is checked identically by both.
//!
//! The digest is SHA-256 over the item's normalized token stream: every token printed on its
//! own and joined by single spaces, groups written as their delimiters around their content,
//! invisible groups flattened, and the `ai_generated` attribute and doc attributes (`///`
//! comments) left out. Formatting, comments and doc text do not change it; any token does.

use std::fmt::Write;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use sha2::{Digest, Sha256};

/// Hex characters of a digest (128 bits of SHA-256).
pub const DIGEST_LEN: usize = 32;

/// The normalized text the digest is taken over.
pub fn normalize(tokens: TokenStream) -> String {
    let mut out = String::new();
    push_stream(tokens, &mut out);
    out
}

fn push_token(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
}

fn push_stream(tokens: TokenStream, out: &mut String) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        // `#[..]` or `#![..]` that is a doc or `ai_generated` attribute: skip it.
        if let TokenTree::Punct(p) = &trees[i]
            && p.as_char() == '#'
        {
            let bang = matches!(trees.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
            let g = i + 1 + usize::from(bang);
            if let Some(TokenTree::Group(group)) = trees.get(g)
                && group.delimiter() == Delimiter::Bracket
                && is_skipped_attr(&group.stream())
            {
                i = g + 1;
                continue;
            }
        }
        match &trees[i] {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                if !open.is_empty() {
                    push_token(out, open);
                }
                push_stream(g.stream(), out);
                if !close.is_empty() {
                    push_token(out, close);
                }
            }
            TokenTree::Ident(id) => push_token(out, &id.to_string()),
            TokenTree::Punct(p) => push_token(out, &p.as_char().to_string()),
            TokenTree::Literal(l) => push_token(out, &l.to_string()),
        }
        i += 1;
    }
}

/// Whether the content of `#[..]` is `doc ..` or a path ending in `ai_generated`.
fn is_skipped_attr(content: &TokenStream) -> bool {
    let mut last_ident = None;
    for tt in content.clone() {
        match tt {
            TokenTree::Ident(id) => {
                if last_ident.is_none() && id == "doc" {
                    return true;
                }
                last_ident = Some(id.to_string());
            }
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => break,
        }
    }
    last_ident.as_deref() == Some("ai_generated")
}

/// The digest of any item's tokens.
pub fn digest_tokens(tokens: TokenStream) -> String {
    let hash = Sha256::digest(normalize(tokens).as_bytes());
    let mut s = String::with_capacity(DIGEST_LEN);
    for b in hash.iter().take(DIGEST_LEN / 2) {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The digest of a syntax node (an item, an impl item, a trait item).
pub fn digest_of(node: &impl ToTokens) -> String {
    digest_tokens(node.to_token_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(src: &str) -> String {
        digest_tokens(src.parse().unwrap())
    }

    #[test]
    fn formatting_comments_docs_and_marker_do_not_count() {
        let a = d("#[ai_generated(model = \"x\")]\n/// Checks.\nfn f(a: u8) -> u8 { a + 1 }");
        let b = d("fn f(a:u8)->u8{\n    // a comment\n    a+1\n}");
        let c = d(
            "#[aiguard_macros::ai_generated(reviewed = \"bob\", digest = \"00\")] #[doc = \"x\"] fn f(a: u8) -> u8 { a + 1 }",
        );
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.len(), DIGEST_LEN);
    }

    #[test]
    fn any_token_counts() {
        assert_ne!(
            d("fn f(a: u8) -> u8 { a + 1 }"),
            d("fn f(a: u8) -> u8 { a + 2 }")
        );
        assert_ne!(d("fn f() { (a)(b) }"), d("fn f() { (a(b)) }"));
        assert_ne!(d("#[inline] fn f() {}"), d("fn f() {}"));
    }
}
