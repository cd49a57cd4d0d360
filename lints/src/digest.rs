//! The review digest: one algorithm for the CLI (from the file's parse) and the macro (from
//! its input), so a stamp written by `cargo aiguard review` is checked identically by both.
//!
//! The digest is SHA-256 over the item's normalized token stream: every token printed on its
//! own and joined by single spaces, groups written as their delimiters around their content,
//! invisible groups flattened, and the `ai_generated` attribute and doc attributes (`///`
//! comments) left out. Formatting, comments and doc text do not change it; any token does.
//!
//! Two things rustc does to an item before an attribute macro sees it, which the CLI cannot
//! do, are normalized away so both sides agree:
//! - it evaluates the item's own `#[cfg(..)]` and `#[cfg_attr(..)]` attributes (not those
//!   inside the item): the item's own `cfg` and `cfg_attr` attributes are left out, and so are
//!   the attributes a `cfg_attr` expanded into (the macro recognizes them by their span, which
//!   is the `[cfg_attr(..)]` they came from);
//! - it reads source files with `\r\n` line ends as `\n`: a literal's `\r\n` counts as `\n`.
//!
//! Identifiers are taken as written; rustc NFC-normalizes them, so an identifier written in a
//! decomposed Unicode form would not match (editors write the composed form).

use std::fmt::Write;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::ToTokens;
use sha2::{Digest, Sha256};

/// Hex characters of a digest (128 bits of SHA-256).
pub const DIGEST_LEN: usize = 32;

/// The normalized text the digest is taken over.
pub fn normalize(tokens: TokenStream) -> String {
    let mut out = String::new();
    push_stream(tokens, true, &mut out);
    out
}

fn push_token(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
}

/// `top`: `tokens` is the item itself, whose leading outer attributes are its own.
fn push_stream(tokens: TokenStream, top: bool, out: &mut String) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut own_attrs = top;
    let mut i = 0;
    while i < trees.len() {
        // `#[..]` or `#![..]` that is a doc or `ai_generated` attribute (or one of the item's
        // own cfg attributes): skip it.
        if let TokenTree::Punct(p) = &trees[i]
            && p.as_char() == '#'
        {
            let bang = matches!(trees.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
            let g = i + 1 + usize::from(bang);
            if let Some(TokenTree::Group(group)) = trees.get(g)
                && group.delimiter() == Delimiter::Bracket
            {
                let own = own_attrs && !bang;
                if is_skipped_attr(&group.stream()) || (own && is_cfg_attr(group)) {
                    i = g + 1;
                    continue;
                }
                if own {
                    // Another of the item's own attributes: written out below.
                    push_token(out, "#");
                    push_group(group, false, out);
                    i = g + 1;
                    continue;
                }
            }
        }
        own_attrs = false;
        match &trees[i] {
            TokenTree::Group(g) => push_group(g, top, out),
            TokenTree::Ident(id) => push_token(out, &id.to_string()),
            TokenTree::Punct(p) => push_token(out, &p.as_char().to_string()),
            TokenTree::Literal(l) => {
                let text = l.to_string();
                if text.contains('\r') {
                    push_token(out, &text.replace("\r\n", "\n"));
                } else {
                    push_token(out, &text);
                }
            }
        }
        i += 1;
    }
}

/// A group as its delimiters around its content. `top`: the group is a direct child of the
/// item, and a `None` group there holds the whole item (rustc wraps items it got from a
/// `macro_rules!` fragment that way), whose leading attributes are still its own.
fn push_group(g: &Group, top: bool, out: &mut String) {
    let (open, close) = match g.delimiter() {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Brace => ("{", "}"),
        Delimiter::Bracket => ("[", "]"),
        Delimiter::None => ("", ""),
    };
    if !open.is_empty() {
        push_token(out, open);
    }
    push_stream(g.stream(), top && open.is_empty(), out);
    if !close.is_empty() {
        push_token(out, close);
    }
}

/// Whether `[..]` is `[cfg(..)]` or `[cfg_attr(..)]`, or an attribute rustc expanded out of a
/// `cfg_attr`: its span is then the `[cfg_attr(..)]` it came from.
fn is_cfg_attr(group: &Group) -> bool {
    let mut content = group.stream().into_iter();
    if let Some(TokenTree::Ident(id)) = content.next()
        && (id == "cfg" || id == "cfg_attr")
        && !matches!(content.next(), Some(TokenTree::Punct(p)) if p.as_char() == ':')
    {
        return true;
    }
    group.span().source_text().is_some_and(|text| {
        let rest = text.strip_prefix('[').unwrap_or(&text).trim_start();
        rest.strip_prefix("cfg_attr")
            .is_some_and(|after| !after.starts_with(|c: char| c == '_' || c.is_alphanumeric()))
    })
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
    last_ident.as_deref() == Some(crate::ai::MARKER_NAME)
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
    use syn::visit::Visit;

    use super::*;
    use crate::fnlike::ItemRef;

    fn d(src: &str) -> String {
        digest_tokens(src.parse().expect("lexes"))
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
        assert_ne!(d("fn f() { \"a\" }"), d("fn f() { r\"a\" }"));
        assert_ne!(d("fn f<'a>() {}"), d("fn f<'b>() {}"));
        // cfg attributes inside the item count: rustc leaves them to the macro as written.
        assert_ne!(
            d("fn f() { #[cfg(test)] let x = 1; }"),
            d("fn f() { let x = 1; }")
        );
        assert_ne!(
            d("struct S { #[cfg_attr(test, serde(skip))] a: u8 }"),
            d("struct S { a: u8 }")
        );
    }

    /// The stamps users hold were written with this algorithm: changing it voids them all.
    #[test]
    fn the_algorithm_is_stable() {
        assert_eq!(
            d("fn limit() -> u32 { 100 }"),
            "5d1bfca723e9cb3d8241a0acc26c3c62"
        );
        assert_eq!(
            normalize(
                "#[ai_generated] pub fn f<'a>(x: &'a [u8; 2]) -> u8 { x[0] }"
                    .parse()
                    .expect("lexes")
            ),
            "pub fn f < ' a > ( x : & ' a [ u8 ; 2 ] ) - > u8 { x [ 0 ] }"
        );
    }

    /// rustc evaluates the item's own `cfg`/`cfg_attr` before the macro sees it, and reads
    /// `\r\n` as `\n`: the CLI's view of the file must digest the same.
    #[test]
    fn what_rustc_does_before_the_macro() {
        assert_eq!(
            d(
                "#[cfg(feature = \"x\")] #[cfg_attr(test, derive(Debug))] #[derive(Clone)] struct S;"
            ),
            d("#[derive(Clone)] struct S;")
        );
        // a path merely named like `cfg` is kept
        assert_ne!(d("#[cfg::x] struct S;"), d("struct S;"));
        assert_eq!(
            d("const S: &str = \"a\r\nb\";"),
            d("const S: &str = \"a\nb\";")
        );
        assert_eq!(
            d("const S: &str = r#\"a\r\nb\"#;"),
            d("const S: &str = r#\"a\nb\"#;")
        );
    }

    /// Marked items of every kind, each in the container it lives in. The CLI digests the
    /// item it finds in the parsed file (an `ImplItem`, a `TraitItem`, an `Item`); the macro
    /// gets the item's own tokens without the marker and digests them parsed as a `syn::Item`.
    /// Both must agree. (`tests/review.rs` compiles the same shapes through the real macro.)
    const CASES: &[(&str, &str, &str)] = &[
        (
            "",
            r##"pub fn grüße<'a, T: AsRef<str> + ?Sized>( name :&'a T ) -> String   where T: 'a {
    // a comment, /* and */ a block one
    let π = 3.14_f64; /* block */ let raw = r#"a "quoted" \n"#;
    let bytes = b"\xff\x00"; let c = b'x'; let cs = c"hi"; let ch = 'é';
    'outer: loop { break 'outer; }
    let v = vec![format!("{}{π}", raw), concat!("a", stringify!(x + y => [z])).to_string()];
    format!("{}{:?}{:?}{}{}{}", name.as_ref(), bytes, c, cs.to_bytes().len(), v.len(), ch)
}"##,
            "",
        ),
        (
            "",
            "#[derive(Debug, Clone)]\npub struct Pair<'a, T>\nwhere\n    T: Copy,\n{\n    /// The left.\n    pub left: &'a T,\n    #[cfg(test)]\n    right: Option<T>,\n}",
            "",
        ),
        ("", "struct Tuple(pub u8, #[allow(dead_code)] String);", ""),
        (
            "",
            "#[repr(u8)]\nenum Kind { A = 1, B { x: i32 }, C(u8,) , }",
            "",
        ),
        ("", "union U { a: u32, b: f32 }", ""),
        (
            "",
            "pub(crate) const LIMIT: u64 = 1_000u64 * 0xFF - 1e3 as u64;",
            "",
        ),
        ("", "static NAME: &[u8] = br##\"x\"#y\"##;", ""),
        (
            "",
            "type Map<K, V = ()> = std::collections::HashMap<K, V>;",
            "",
        ),
        (
            "",
            "pub trait Store: Send {\n    type Key;\n    const N: usize = 4;\n    fn get(&self, k: &Self::Key) -> Option<&str>;\n    fn len(&self) -> usize { Self::N }\n}",
            "",
        ),
        (
            "",
            "impl<'a> Store for Mem<'a> {\n    type Key = u8;\n    fn get(&self, _k: &u8) -> Option<&str> { None }\n}",
            "",
        ),
        (
            "impl Mem<'_> {\n",
            "pub(crate) async fn load<R: Read>(&mut self, mut r: R) -> std::io::Result<usize> {\n        let mut s = String::new();\n        r.read_to_string(&mut s)\n    }",
            "\n}",
        ),
        ("impl Mem<'_> {\n", "const MAX: u8 = 3;", "\n}"),
        (
            "impl Store for Other {\n",
            "fn len(&self) -> usize {\n        matches!(self, Other { .. }) as usize\n    }",
            "\n}",
        ),
        (
            "trait Load {\n",
            "fn load(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>>;",
            "\n}",
        ),
        (
            "trait Load {\n",
            "fn name(&self) -> &'static str { \"load\" }",
            "\n}",
        ),
        (
            "",
            "pub mod inner {\n    //! Inner docs.\n    #![allow(dead_code)]\n    use super::*;\n    #[ai_generated(model = \"y\")]\n    fn nested() -> r#type::X { todo!() }\n    #[cfg(test)]\n    mod tests {}\n}",
            "",
        ),
        (
            "",
            "macro_rules! twice {\n    ($e:expr) => { { let v = $e; v + v } };\n}",
            "",
        ),
    ];

    /// Digests of the marked items of a file, as the CLI computes them (outermost first).
    fn cli_digests(src: &str) -> Vec<String> {
        struct V(Vec<String>);
        impl V {
            fn take(&mut self, item: ItemRef<'_>) {
                if item.attrs().iter().any(crate::ai::is_marker) {
                    self.0.push(digest_tokens(item.tokens()));
                }
            }
        }
        impl<'ast> Visit<'ast> for V {
            fn visit_item(&mut self, i: &'ast syn::Item) {
                self.take(ItemRef::Item(i));
                syn::visit::visit_item(self, i);
            }
            fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
                self.take(ItemRef::Impl(i));
                syn::visit::visit_impl_item(self, i);
            }
            fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
                self.take(ItemRef::Trait(i));
                syn::visit::visit_trait_item(self, i);
            }
        }
        let file = syn::parse_file(src).expect("the file parses");
        let mut v = V(Vec::new());
        v.visit_file(&file);
        v.0
    }

    /// The digest the macro computes: rustc hands it the item without the marker, the engine
    /// parses it as a `syn::Item` and digests that.
    fn macro_digest(item: &str) -> String {
        let parsed: syn::Item = syn::parse_str(item).expect("the item parses alone");
        digest_tokens(ItemRef::Item(&parsed).tokens())
    }

    #[test]
    fn cli_and_macro_agree_on_every_item_kind() {
        for (i, (before, item, after)) in CASES.iter().enumerate() {
            for marker in [
                "#[ai_generated]",
                "#[ai_generated(model = \"x\", reviewed = \"a\", digest = \"0\")]",
                "#[aiguard_macros::ai_generated(\n    model = \"x\",\n)]",
            ] {
                let file = format!("{before}/// Docs.\n{marker}\n{item}{after}\n");
                let cli = cli_digests(&file);
                assert_eq!(
                    cli.first(),
                    Some(&macro_digest(item)),
                    "case {i} with `{marker}`"
                );
            }
        }
        // Different items, different digests.
        let all: std::collections::BTreeSet<_> = CASES
            .iter()
            .map(|(_, item, _)| macro_digest(item))
            .collect();
        assert_eq!(all.len(), CASES.len());
    }
}
