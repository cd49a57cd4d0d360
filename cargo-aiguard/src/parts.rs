//! Large files, a run of items at a time. syn's tree of a file takes about 100 times the
//! file's size (2.5 MB of generated tables: 300 MB), so a file larger than [`PARTS_ABOVE`] is
//! never held whole as a tree: its tokens are split between top-level items into chunks of
//! about [`CHUNK_BYTES`], and each chunk is parsed, checked and dropped in turn
//! (`aiguard_lints::check_file_items`). The tokens themselves take about 20 times the file.
//!
//! The split only ever falls between items: after a top-level `;`, or after a top-level
//! `{..}` followed by an attribute or an item keyword. Should a chunk still fail to parse, the
//! caller parses the whole file as usual, so a wrong split can cost time, never a finding.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Files above this many bytes are parsed in chunks.
pub const PARTS_ABOVE: usize = 256 << 10;

/// Chunks hold whole items and are cut once they reach this many bytes of source.
const CHUNK_BYTES: usize = 64 << 10;

/// Keywords that start an item: after a top-level `{..}`, one of them starts the next item.
const ITEM_START: &[&str] = &[
    "pub",
    "fn",
    "struct",
    "enum",
    "union",
    "impl",
    "mod",
    "use",
    "const",
    "static",
    "type",
    "trait",
    "extern",
    "unsafe",
    "async",
    "macro_rules",
];

/// A large file as chunks of top-level items.
pub struct Parts {
    /// The inner attributes (`#![..]`) and every `use` item of the file, those of inline
    /// modules included: what the engine needs before the first item.
    pub head: syn::File,
    chunks: Vec<Vec<TokenTree>>,
}

impl Parts {
    /// Splits `tokens` (a whole file) into chunks and collects the head. `None` when a chunk
    /// holding `use` items does not parse: the caller then parses the file whole.
    pub fn split(tokens: &TokenStream) -> Option<Parts> {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let mut at = 0;
        while is_punct(trees.get(at), '#')
            && is_punct(trees.get(at + 1), '!')
            && matches!(trees.get(at + 2), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
        {
            at += 3;
        }
        let mut head: syn::File = syn::parse2(trees[..at].iter().cloned().collect()).ok()?;
        let mut chunks = Vec::new();
        let mut start = at;
        let mut start_byte = trees.get(at).map_or(0, |t| t.span().byte_range().start);
        for i in at..trees.len() {
            let end = match &trees[i] {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => {
                    g.delimiter() == Delimiter::Brace
                        && match trees.get(i + 1) {
                            Some(TokenTree::Punct(p)) => p.as_char() == '#',
                            Some(TokenTree::Ident(id)) => ITEM_START.iter().any(|k| id == k),
                            _ => false,
                        }
                }
                _ => false,
            };
            if !end {
                continue;
            }
            // a byte offset counts characters from the last one computed: asked at item ends
            // only, the counting walks the file once
            let end_byte = trees[i].span().byte_range().end;
            if end_byte.saturating_sub(start_byte) >= CHUNK_BYTES {
                chunks.push(trees[start..=i].to_vec());
                start = i + 1;
                start_byte = trees
                    .get(start)
                    .map_or(end_byte, |t| t.span().byte_range().start);
            }
        }
        if start < trees.len() {
            chunks.push(trees[start..].to_vec());
        }
        // `use` items (and inline modules, which may hold some) are parsed twice: here for
        // the head, later for the check.
        for chunk in &chunks {
            let has_uses = chunk
                .iter()
                .any(|t| matches!(t, TokenTree::Ident(id) if id == "use" || id == "mod"));
            if has_uses {
                let file: syn::File = syn::parse2(chunk.iter().cloned().collect()).ok()?;
                collect_uses(file.items, &mut head.items);
            }
        }
        Some(Parts { head, chunks })
    }

    /// Parses each chunk in turn and hands its items to `f`; stops at the first chunk that
    /// does not parse and returns its error.
    pub fn for_each(&self, mut f: impl FnMut(syn::File)) -> Result<(), syn::Error> {
        for chunk in &self.chunks {
            f(syn::parse2(chunk.iter().cloned().collect())?);
        }
        Ok(())
    }
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// The `use` items of `items` and of their inline modules, in order.
fn collect_uses(items: Vec<syn::Item>, out: &mut Vec<syn::Item>) {
    for item in items {
        match item {
            syn::Item::Use(_) => out.push(item),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content {
                    collect_uses(inner, out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiguard_lints::{Config, FileCtx};

    type Found = Vec<(String, usize)>;

    /// The findings of `src` checked whole and in parts, as (rule, line) pairs, and the
    /// number of chunks.
    fn both(src: &str) -> (Found, Found, usize) {
        let config = Config::default();
        let fcx = FileCtx {
            ai_file: true,
            source: Some(src.into()),
            ..FileCtx::default()
        };
        let tokens: TokenStream = src.parse().expect("lexes");
        let file: syn::File = syn::parse2(tokens.clone()).expect("parses");
        let key = |r: aiguard_lints::Report| {
            let mut v: Vec<(String, usize)> = r
                .findings
                .iter()
                .map(|f| (f.rule.name.to_string(), f.span.start().line))
                .collect();
            v.sort();
            v
        };
        let whole = key(aiguard_lints::check_file(&file, &fcx, &config));
        let parts = Parts::split(&tokens).expect("splits");
        let n = parts.chunks.len();
        let report = aiguard_lints::check_file_items(&fcx, &config, &parts.head, |visit| {
            parts
                .for_each(|f| {
                    for item in &f.items {
                        visit(item);
                    }
                })
                .expect("every chunk parses");
        });
        (whole, key(report), n)
    }

    #[test]
    fn parts_find_what_the_whole_file_finds() {
        let unit = "#![allow(dead_code)]\n\
             use std::process::Command as Cmd;\n\
             /// Parses.\n\
             #[derive(Debug)]\n\
             pub struct S { a: u8 }\n\
             impl S { pub fn f(&self, v: Option<u8>) -> u8 { v.unwrap() } }\n\
             const _: () = { };\n\
             static T: [u8; 3] = [1, 2, 3];\n\
             fn g() -> u8 { let x: Option<u8> = None; x.expect(\"x\") }\n\
             macro_rules! m { () => {} }\n\
             m! {}\n\
             mod inner { use std::fs::File as F; pub fn h() { let _ = Cmd::new(\"sh\"); } }\n\
             pub fn k() -> Result<(), ()> { Ok(()) }\n";
        let body: String = unit.lines().skip(1).flat_map(|l| [l, "\n"]).collect();
        let src = format!("#![allow(dead_code)]\n{}", body.repeat(400));
        assert!(src.len() > 2 * CHUNK_BYTES);
        let (whole, parts, chunks) = both(&src);
        assert!(chunks > 2, "{chunks} chunks");
        assert!(!whole.is_empty());
        assert_eq!(whole, parts);
    }

    #[test]
    fn splits_only_between_items() {
        // braces inside an item, followed by what is not an item keyword
        let src =
            "impl<const N: usize> X<{ N }> for Y {}\nfn f() -> A<{ 1 }> { if a {} else {} }\n"
                .repeat(3000);
        let tokens: TokenStream = src.parse().expect("lexes");
        let parts = Parts::split(&tokens).expect("splits");
        assert!(parts.chunks.len() > 1);
        parts.for_each(|_| {}).expect("every chunk parses");
    }
}
