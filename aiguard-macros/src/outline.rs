//! A file's outline for the context scan (`context`): the file with the contents of the
//! brace groups the scan never reads left out, so that lexing it into token trees costs
//! little. The scan reads `use` items, inline `mod` bodies, attributes, and the marked items
//! inside test code; most of a file is fn bodies and impl blocks, which it skips.
//!
//! A byte-level lexer that skips comments and literals (no token trees, no allocation per
//! token) finds the brace groups. A group at module level keeps its contents when it is
//! part of a `use` item (`use a::{b, c};`), or is test code:
//! - the body of an item with an attribute naming `test` or a test framework's attribute
//!   (`#[cfg(test)]`, `#[test]`, `#[tokio::test]`, `#[bench]`, `#[quickcheck]`);
//! - every brace group of such an item that ends at its `;` (`const`, `static`);
//! - anything after an inner attribute naming one.
//!
//! The scan searches test code for marked items, whose tokens it compares, and for its
//! `use`s. A `mod` body is outlined in turn; other groups become `{}`. Groups inside
//! parentheses or brackets are copied as they are. A file that does not lex cleanly (an
//! unterminated comment or literal, unbalanced braces) is used whole.

/// The tokens the outline looks at; the rest of the text (whitespace, comments, literals,
/// lifetimes, other punctuation) is skipped or [`TokenKind::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenKind {
    OpenBrace,
    CloseBrace,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Pound,
    Bang,
    Semi,
    Colon,
    Ident,
    RawIdent,
    Other,
}

/// `text` with the brace groups the scan does not read emptied; `None` when it is no
/// shorter or does not lex cleanly.
pub fn outline(text: &str) -> Option<String> {
    let tokens = lex(text.as_bytes())?;
    // The matching close of every open delimiter.
    let mut close = vec![usize::MAX; tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, (kind, _, _)) in tokens.iter().enumerate() {
        match kind {
            TokenKind::OpenBrace | TokenKind::OpenParen | TokenKind::OpenBracket => open.push(i),
            TokenKind::CloseBrace | TokenKind::CloseParen | TokenKind::CloseBracket => {
                let o = open.pop()?;
                let pair = (tokens[o].0, *kind);
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

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The length of the non-ASCII whitespace Rust's lexer skips at `i` (`U+0085`, the
/// left-to-right and right-to-left marks `U+200E`, `U+200F`, and `U+2028`, `U+2029`), or 0.
fn wide_space_len(text: &[u8], i: usize) -> usize {
    match (text[i], text.get(i + 1), text.get(i + 2)) {
        (0xc2, Some(0x85), _) => 2,
        (0xe2, Some(0x80), Some(0x8e | 0x8f | 0xa8 | 0xa9)) => 3,
        _ => 0,
    }
}

/// The end of the identifier (or number, or lifetime name) whose rest starts at `i`.
fn ident_end(text: &[u8], mut i: usize) -> usize {
    while i < text.len()
        && is_ident_continue(text[i])
        && (text[i] < 0x80 || wide_space_len(text, i) == 0)
    {
        i += 1;
    }
    i
}

/// The tokens of `text` with their byte ranges, as Rust's lexer cuts them where it matters
/// here: comments (nested block comments too), string, raw string, byte and C string
/// literals, char and byte literals and lifetimes are skipped whole, so that no delimiter
/// inside them counts. `None` for an unterminated comment or literal.
fn lex(text: &[u8]) -> Option<Vec<(TokenKind, usize, usize)>> {
    let n = text.len();
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut tokens = Vec::with_capacity(n / 6);
    let mut i = 0usize;
    while i < n {
        let b = text[i];
        let start = i;
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            0xc2 | 0xe2 if wide_space_len(text, i) > 0 => {
                i += wide_space_len(text, i);
                continue;
            }
            b'/' if at(i + 1) == b'/' => {
                i = memchr::memchr(b'\n', &text[i..]).map_or(n, |k| i + k);
                continue;
            }
            b'/' if at(i + 1) == b'*' => {
                i = block_comment_end(text, i)?;
                continue;
            }
            b'"' => {
                i = quoted_end(text, i + 1, b'"')?;
                continue;
            }
            b'\'' => {
                i = char_or_lifetime_end(text, i)?;
                continue;
            }
            b'{' => TokenKind::OpenBrace,
            b'}' => TokenKind::CloseBrace,
            b'(' => TokenKind::OpenParen,
            b')' => TokenKind::CloseParen,
            b'[' => TokenKind::OpenBracket,
            b']' => TokenKind::CloseBracket,
            b'#' => TokenKind::Pound,
            b'!' => TokenKind::Bang,
            b';' => TokenKind::Semi,
            b':' => TokenKind::Colon,
            b'0'..=b'9' => {
                i = ident_end(text, i);
                tokens.push((TokenKind::Other, start, i));
                continue;
            }
            _ if is_ident_start(b) => {
                // literal prefixes: `b"..."`, `b'.'`, `c"..."`, `r"..."`, `br#"..."#`, `cr".."`
                let (raw, prefix) = match (b, at(i + 1), at(i + 2)) {
                    (b'r', b'"' | b'#', _) => (true, 1),
                    (b'b' | b'c', b'r', b'"' | b'#') => (true, 2),
                    (b'b' | b'c', b'"', _) => (false, 1),
                    (b'b', b'\'', _) => {
                        i = quoted_end(text, i + 2, b'\'')?;
                        continue;
                    }
                    _ => (false, 0),
                };
                if raw {
                    if let Raw::String(end) = raw_string_end(text, i + prefix)? {
                        i = end;
                        continue;
                    }
                    // `r#ident`
                    i += prefix + 1;
                    i = ident_end(text, i);
                    tokens.push((TokenKind::RawIdent, start, i));
                    continue;
                }
                if prefix == 1 {
                    i = quoted_end(text, i + 2, b'"')?;
                    continue;
                }
                i = ident_end(text, i);
                tokens.push((TokenKind::Ident, start, i));
                continue;
            }
            _ => TokenKind::Other,
        };
        i += 1;
        tokens.push((kind, start, i));
    }
    Some(tokens)
}

/// The end of the block comment opening at `from` (`/*`), nested ones included.
fn block_comment_end(text: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < text.len() {
        match (text[i], text[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The end of a quoted literal whose contents start at `from`, closed by `quote`, with
/// backslash escapes.
fn quoted_end(text: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// What follows `r`, `br` or `cr`.
enum Raw {
    /// A raw string literal, ending there.
    String(usize),
    /// `r#name`: a raw identifier.
    Ident,
}

/// At `from`: `#`s and a `"` open a raw string (`None`: unterminated, or no literal).
fn raw_string_end(text: &[u8], from: usize) -> Option<Raw> {
    let mut i = from;
    while text.get(i) == Some(&b'#') {
        i += 1;
    }
    let hashes = i - from;
    if text.get(i) != Some(&b'"') {
        // `r#name` (one `#`, then an identifier); anything else is no literal
        return (hashes == 1).then_some(Raw::Ident);
    }
    let mut j = i + 1;
    loop {
        let q = j + memchr::memchr(b'"', text.get(j..)?)?;
        let closes = text.get(q + 1..q + 1 + hashes)?.iter().all(|&b| b == b'#');
        if closes {
            return Some(Raw::String(q + 1 + hashes));
        }
        j = q + 1;
    }
}

/// At a `'`: the end of a char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`), or of a
/// lifetime or label (`'a`, `'static`, `'outer`).
fn char_or_lifetime_end(text: &[u8], from: usize) -> Option<usize> {
    let next = *text.get(from + 1)?;
    if next == b'\\' {
        return quoted_end(text, from + 1, b'\'');
    }
    // one char (1 to 4 bytes of UTF-8), then `'`: a char literal
    let len = match next {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    };
    if text.get(from + 1 + len) == Some(&b'\'') {
        return Some(from + 2 + len);
    }
    // a lifetime or label: its name
    Some(ident_end(text, from + 1))
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
        // Before the item's keyword (after attributes, visibility and qualifiers), and whether
        // the item ends only at its `;` (`const`, `static`, `type`, `use`, `extern crate`):
        // the scan reads every brace group of such an item that is test code
        // (`const C: u8 = if a { 1 } else { 2 };`), not just the first.
        let mut at_start = true;
        let mut semi_item = false;
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
                        kept |= self.names_test(i, c);
                    } else if kind == TokenKind::OpenBracket && self.after(i, TokenKind::Bang) {
                        all_kept |= self.names_test(i, c);
                    }
                    i = c + 1;
                    continue;
                }
                TokenKind::Semi => {
                    in_use = false;
                    kept = false;
                    at_start = true;
                    semi_item = false;
                }
                TokenKind::Ident => {
                    let word = &self.text[start..end];
                    in_use |= word == "use";
                    if at_start {
                        (at_start, semi_item) = self.item_keyword(i, word);
                    }
                }
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
                    if !semi_item {
                        kept = false;
                        at_start = true;
                    }
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

    /// Whether the attribute between the brackets at `open` and `close` may make test code:
    /// its path ends in a test framework's attribute (`test`, `tokio::test`, `bench`, see
    /// `aiguard_lints::scope::is_test_attr_name`), or it is a `cfg`/`cfg_attr` that names
    /// `test`. The scan reads a subset of these as test code; words elsewhere in an
    /// attribute (`model = "bench"`, `rename = "test"`) do not count.
    fn names_test(&self, open: usize, close: usize) -> bool {
        let inner = &self.text[self.tokens[open].2..self.tokens[close].1];
        // the attribute's path, and its last segment (`tokio::test`, `cfg`)
        let path_end = inner
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c.is_whitespace()))
            .unwrap_or(inner.len());
        let last = inner[..path_end]
            .rsplit(|c: char| c == ':' || c.is_whitespace())
            .find(|w| !w.is_empty())
            .unwrap_or_default();
        aiguard_lints::scope::is_test_attr_name(last)
            || (matches!(last, "cfg" | "cfg_attr")
                && inner[path_end..]
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|w| w == "test"))
    }

    /// At an identifier `word` (token `i`) before an item's keyword: whether the keyword is
    /// still to come (`word` qualifies it), and whether the item ends only at its `;`, as the
    /// scan's `shape::classify` tells.
    fn item_keyword(&self, i: usize, word: &str) -> (bool, bool) {
        let next_word = || {
            self.tokens
                .get(i + 1)
                .filter(|t| t.0 == TokenKind::Ident)
                .map(|t| &self.text[t.1..t.2])
        };
        match word {
            "pub" | "unsafe" | "async" | "safe" | "default" | "auto" | "extern" => (true, false),
            "const"
                if matches!(
                    next_word(),
                    Some("fn" | "unsafe" | "async" | "extern" | "safe")
                ) =>
            {
                (true, false)
            }
            "const" | "static" | "type" | "use" => (false, true),
            "crate" => (false, self.after(i, TokenKind::Ident)),
            _ => (false, false),
        }
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

    /// Delimiters inside comments and literals do not count; lifetimes are no char literals.
    #[test]
    fn literals_and_comments() {
        let text = concat!(
            "fn f<'a>(x: &'a str) -> &'a str {\n",
            "    let _ = ('{', b'}', '\\'', '\\u{7d}', 'é', \"\\\"{\", b\"}\", c\"{\");\n",
            "    let _ = (r\"}\", r#\"\"}\"#, br##\"}\"#\"##, cr\"{\");\n",
            "    /* { /* } */ { */ // }\n",
            "    'outer: loop { break 'outer; }\n",
            "    x\n",
            "}\n",
            "use r#mod::{a, b};\n",
            "mod m { fn g() { \"}\" } use c::D; }\n",
        );
        assert_eq!(
            outline(text).expect("shorter"),
            "fn f<'a>(x: &'a str) -> &'a str {}\n\
             use r#mod::{a, b};\n\
             mod m { fn g() {} use c::D; }\n"
        );
    }

    /// Only an attribute's path, or a `cfg` naming `test`, makes test code.
    #[test]
    fn test_attributes() {
        let text = "#[ai_generated(model = \"bench\")] fn a() { 1 }\n\
                    #[serde(rename = \"test\")] struct S { a: u8 }\n\
                    #[tokio::test] async fn t() { 2 }\n\
                    #[cfg(all(unix, test))] mod m { fn h() { 3 } }\n\
                    #[cfg_attr(test, derive(Debug))] struct T { b: u8 }\n";
        assert_eq!(
            outline(text).expect("shorter"),
            "#[ai_generated(model = \"bench\")] fn a() {}\n\
             #[serde(rename = \"test\")] struct S {}\n\
             #[tokio::test] async fn t() { 2 }\n\
             #[cfg(all(unix, test))] mod m { fn h() { 3 } }\n\
             #[cfg_attr(test, derive(Debug))] struct T { b: u8 }\n"
        );
    }

    #[test]
    fn files_that_do_not_lex_cleanly_are_used_whole() {
        assert!(outline("fn f() { r#\"open\" }").is_none());
        assert!(outline("fn f() { b'\\'' + '\\ }").is_none());
        assert!(outline("fn f() { /* /* */ }").is_none());
        assert!(outline("fn f() { /* open").is_none());
        assert!(outline("fn f() { \"open").is_none());
        assert!(outline("fn f() { }}").is_none());
        assert!(outline("fn f() {").is_none());
        assert!(outline("fn f() { (] }").is_none());
        // nothing to leave out
        assert!(outline("use a::b;").is_none());
    }
}
