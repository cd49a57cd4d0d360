//! A file's outline for the context scan (`context`): the file with the contents of the
//! brace groups the scan never reads left out, so that lexing it into token trees costs
//! little. The scan reads `use` items, inline `mod` bodies, attributes, and the marked items
//! inside test code; most of a file is fn bodies and impl blocks, which it skips.
//!
//! rustc's own lexer (`ra_ap_rustc_lexer`, no token trees, no allocation per token) finds
//! the brace groups. A group at module level keeps its contents when it is part of a `use`
//! item (`use a::{b, c};`), or is test code: the body of an item with an attribute naming
//! `test` (`#[cfg(test)]`, `#[test]`, `#[tokio::test]`), or anything after an inner attribute
//! naming it. The scan searches test code for marked items, whose tokens it compares, and
//! for its `use`s. A `mod` body is outlined in turn; other groups become `{}`. Groups inside
//! parentheses or brackets are copied as they are. A file that
//! does not lex cleanly (an unterminated comment or literal, unbalanced braces) is used
//! whole.

use ra_ap_rustc_lexer::{FrontmatterAllowed, LiteralKind, TokenKind, tokenize};

/// `text` with the brace groups the scan does not read emptied; `None` when it is no
/// shorter or does not lex cleanly.
pub fn outline(text: &str) -> Option<String> {
    let mut tokens: Vec<(TokenKind, usize, usize)> = Vec::new();
    let mut at = 0usize;
    for t in tokenize(text, FrontmatterAllowed::No) {
        let end = at + t.len as usize;
        if !lexes_cleanly(t.kind) {
            return None;
        }
        if !matches!(
            t.kind,
            TokenKind::Whitespace | TokenKind::LineComment { .. } | TokenKind::BlockComment { .. }
        ) {
            tokens.push((t.kind, at, end));
        }
        at = end;
    }
    // The matching close of every open delimiter.
    let mut close = vec![usize::MAX; tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, (kind, _, _)) in tokens.iter().enumerate() {
        match kind {
            TokenKind::OpenBrace | TokenKind::OpenParen | TokenKind::OpenBracket => open.push(i),
            TokenKind::CloseBrace | TokenKind::CloseParen | TokenKind::CloseBracket => {
                let o = open.pop()?;
                let pair = (tokens[o].0, kind);
                if !matches!(
                    pair,
                    (TokenKind::OpenBrace, TokenKind::CloseBrace)
                        | (TokenKind::OpenParen, TokenKind::CloseParen)
                        | (TokenKind::OpenBracket, TokenKind::CloseBracket)
                ) {
                    return None;
                }
                close[o] = i;
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() / 4);
    let mut copied = 0usize;
    let mut o = Outliner {
        text,
        tokens: &tokens,
        close: &close,
        out: &mut out,
        copied: &mut copied,
    };
    o.module(0, tokens.len());
    out.push_str(&text[copied..]);
    (out.len() < text.len()).then_some(out)
}

fn lexes_cleanly(kind: TokenKind) -> bool {
    match kind {
        TokenKind::BlockComment { terminated, .. } => terminated,
        TokenKind::Literal { kind, .. } => match kind {
            LiteralKind::Char { terminated }
            | LiteralKind::Byte { terminated }
            | LiteralKind::Str { terminated }
            | LiteralKind::ByteStr { terminated }
            | LiteralKind::CStr { terminated } => terminated,
            LiteralKind::RawStr { n_hashes }
            | LiteralKind::RawByteStr { n_hashes }
            | LiteralKind::RawCStr { n_hashes } => n_hashes.is_some(),
            _ => true,
        },
        TokenKind::Unknown | TokenKind::InvalidIdent | TokenKind::Frontmatter { .. } => false,
        _ => true,
    }
}

struct Outliner<'a> {
    text: &'a str,
    tokens: &'a [(TokenKind, usize, usize)],
    close: &'a [usize],
    out: &'a mut String,
    /// How much of `text` is in `out` or skipped.
    copied: &'a mut usize,
}

impl Outliner<'_> {
    /// The tokens `from..to` of a module body.
    fn module(&mut self, from: usize, to: usize) {
        // The item so far is a `use` (its braces are a use tree), or has an attribute naming
        // `test` (its body is read: test code is searched for marked items).
        let mut in_use = false;
        let mut kept = false;
        // An inner `#![cfg(test)]` (or any inner attribute naming `test`): all of the rest is
        // read.
        let mut all_kept = false;
        let mut i = from;
        while i < to {
            let (kind, start, end) = self.tokens[i];
            match kind {
                TokenKind::OpenParen | TokenKind::OpenBracket => {
                    let c = self.close[i];
                    if kind == TokenKind::OpenBracket && self.after(i, TokenKind::Pound) {
                        kept |= self.holds(i, c, "test");
                    } else if kind == TokenKind::OpenBracket && self.after(i, TokenKind::Bang) {
                        all_kept |= self.holds(i, c, "test");
                    }
                    i = c + 1;
                    continue;
                }
                TokenKind::Semi => {
                    in_use = false;
                    kept = false;
                }
                TokenKind::Ident if &self.text[start..end] == "use" => in_use = true,
                TokenKind::OpenBrace => {
                    let c = self.close[i];
                    // A use tree's group follows `::` or `use`; after `use<..>` (precise
                    // capturing, `impl Sized + use<'a>`) comes a body.
                    let use_tree = in_use
                        && (self.after(i, TokenKind::Colon)
                            || self.after(i, TokenKind::Ident)
                                && &self.text[self.tokens[i - 1].1..self.tokens[i - 1].2] == "use");
                    in_use &= use_tree;
                    if use_tree || all_kept || kept {
                        // as written
                    } else if self.is_mod_body(i) {
                        self.module(i + 1, c);
                    } else {
                        // Keep `{`, leave out up to the `}`.
                        self.out.push_str(&self.text[*self.copied..end]);
                        *self.copied = self.tokens[c].1;
                    }
                    kept = false;
                    i = c + 1;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// Whether the token before `i` is a `kind`.
    fn after(&self, i: usize, kind: TokenKind) -> bool {
        i > 0 && self.tokens[i - 1].0 == kind
    }

    /// Whether the text between the delimiters at `open` and `close` holds `needle`.
    fn holds(&self, open: usize, close: usize, needle: &str) -> bool {
        self.text[self.tokens[open].2..self.tokens[close].1].contains(needle)
    }

    /// Whether the brace at `i` follows `mod NAME`.
    fn is_mod_body(&self, i: usize) -> bool {
        i >= 2 && matches!(self.tokens[i - 1].0, TokenKind::Ident | TokenKind::RawIdent) && {
            let (kind, start, end) = self.tokens[i - 2];
            kind == TokenKind::Ident && &self.text[start..end] == "mod"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::outline;

    #[test]
    fn empties_what_the_scan_skips() {
        let text = "use a::{b, c};\n\
                    fn f() { let s = \"}\"; /* { */ g(); }\n\
                    impl S { fn m(&self) {} }\n\
                    mod inner { use d::E; fn h() { 1 } }\n\
                    #[cfg(test)] mod tests { #[ai_generated] fn t() { x.unwrap() } }\n\
                    const X: [u8; { 2 }] = [0; 2];\n\
                    #[ai_generated(model = \"m\")] fn marked() { y.unwrap() }\n\
                    fn g() -> impl Sized + use<> { 1 }\n\
                    #[test] fn t() { use std::fmt::Write as _; }\n\
                    pub struct P { a: u8 }\n";
        let got = outline(text).expect("shorter");
        assert_eq!(
            got,
            "use a::{b, c};\n\
             fn f() {}\n\
             impl S {}\n\
             mod inner { use d::E; fn h() {} }\n\
             #[cfg(test)] mod tests { #[ai_generated] fn t() { x.unwrap() } }\n\
             const X: [u8; { 2 }] = [0; 2];\n\
             #[ai_generated(model = \"m\")] fn marked() {}\n\
             fn g() -> impl Sized + use<> {}\n\
             #[test] fn t() { use std::fmt::Write as _; }\n\
             pub struct P {}\n"
        );
    }

    #[test]
    fn files_that_do_not_lex_cleanly_are_used_whole() {
        assert!(outline("fn f() { /* open").is_none());
        assert!(outline("fn f() { \"open").is_none());
        assert!(outline("fn f() { }}").is_none());
        assert!(outline("fn f() {").is_none());
        assert!(outline("fn f() { (] }").is_none());
        // nothing to leave out
        assert!(outline("use a::b;").is_none());
    }
}
