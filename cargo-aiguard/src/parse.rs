//! Parsing one file safely: syn's parser is recursive, so input nested deeper than a thread
//! stack can hold would abort the process. The file is lexed first (proc-macro2's lexer does
//! not recurse), a cheap walk of the tokens bounds how deep the parse can recurse, and only
//! then does syn parse the tokens, the same way `syn::parse_file` does.

use std::ops::Range;

use aiguard_lints::lines::LineIndex;
use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// Upper bound of the nesting measure (see [`too_deep`]). syn needs about 3-4 KB of stack per
/// unit in release builds; the scan threads have 256 MB, so this leaves a 4x margin.
pub const MAX_NESTING: usize = 16_000;

/// Why a file could not be parsed.
pub enum Failure {
    /// A syn or lexer error: its span and rustc-like message.
    Syntax(Span, String),
    /// Nested beyond [`MAX_NESTING`]: the token where the bound was passed.
    TooDeep(Span),
}

/// A parsed file, and where its text starts (after a byte-order mark or a shebang line, which
/// are not tokens: span byte ranges are relative to that offset).
pub struct Parsed {
    pub tree: Tree,
    pub base: usize,
    /// Byte ranges (relative to `base`) of literals and doc comments that mention `aiguard:`.
    pub aiguard_literals: Vec<Range<usize>>,
}

/// A whole file's syntax tree and the offset of its content (after a byte-order mark).
pub struct Whole {
    pub file: syn::File,
    pub base: usize,
}

/// [`parse`], always into one tree (for edits that need the whole file, such as `review`).
pub fn parse_whole(text: &str) -> Result<Whole, (Failure, usize)> {
    let parsed = parse_with(text, false)?;
    let base = parsed.base;
    match parsed.tree {
        Tree::Whole(file) => Ok(Whole { file, base }),
        Tree::Parts(_, tokens) => whole(tokens)
            .map(|file| Whole { file, base })
            .map_err(|f| (f, base)),
    }
}

/// `syn::parse_file`, with the nesting guard, and the literal scan for suppression comments.
pub fn parse(text: &str) -> Result<Parsed, (Failure, usize)> {
    parse_with(text, true)
}

fn parse_with(text: &str, allow_parts: bool) -> Result<Parsed, (Failure, usize)> {
    let (content, base, shebang) = strip(text);
    let tokens: TokenStream = match content.parse() {
        Ok(t) => t,
        Err(e) => {
            let span = e.span();
            let at = span.byte_range().start.min(content.len());
            let msg = lex_error_message(content.get(at..).unwrap_or(""));
            return Err((Failure::Syntax(span, msg), base));
        }
    };
    if let Some(span) = too_deep(&tokens, content) {
        return Err((Failure::TooDeep(span), base));
    }
    let mut aiguard_literals = Vec::new();
    if content.contains("aiguard:") {
        literal_ranges(&tokens, &mut aiguard_literals);
    }
    if allow_parts
        && content.len() > crate::parts::PARTS_ABOVE
        && let Some(parts) = crate::parts::Parts::split(&tokens)
    {
        return Ok(Parsed {
            tree: Tree::Parts(parts, tokens),
            base,
            aiguard_literals,
        });
    }
    match whole(tokens) {
        Ok(mut file) => {
            file.shebang = shebang;
            Ok(Parsed {
                tree: Tree::Whole(file),
                base,
                aiguard_literals,
            })
        }
        Err(failure) => Err((failure, base)),
    }
}

/// A file's syntax tree: whole, or (a large file) in chunks of items, with the file's tokens
/// to parse it whole should a chunk fail.
pub enum Tree {
    Whole(syn::File),
    Parts(crate::parts::Parts, TokenStream),
}

/// `tokens` (a whole file, already through [`too_deep`]) parsed as a file.
pub fn whole(tokens: TokenStream) -> Result<syn::File, Failure> {
    syn::parse2::<syn::File>(tokens).map_err(syntax_failure)
}

/// [`whole`] for a large file one of whose chunks did not parse. The file's items are first
/// parsed one at a time and dropped, so that a syntax error, the usual cause, is found
/// without building the whole file's tree (about 100 times the file's size); only when every
/// item parses (the split was wrong) is the file parsed whole.
pub fn whole_after_parts(tokens: TokenStream) -> Result<syn::File, Failure> {
    let items_one_by_one = |input: syn::parse::ParseStream<'_>| -> syn::Result<()> {
        input.call(syn::Attribute::parse_inner)?;
        while !input.is_empty() {
            input.parse::<syn::Item>()?;
        }
        Ok(())
    };
    syn::parse::Parser::parse2(items_one_by_one, tokens.clone()).map_err(syntax_failure)?;
    whole(tokens)
}

fn syntax_failure(e: syn::Error) -> Failure {
    let err = e
        .into_iter()
        .next()
        .unwrap_or_else(|| syn::Error::new(Span::call_site(), "invalid syntax"));
    Failure::Syntax(err.span(), err.to_string())
}

/// Strips a byte-order mark and a shebang line as `syn::parse_file` does; returns the rest,
/// its offset in `text` and the shebang.
fn strip(text: &str) -> (&str, usize, Option<String>) {
    let mut base = 0;
    let mut content = text;
    if let Some(rest) = content.strip_prefix('\u{feff}') {
        base += '\u{feff}'.len_utf8();
        content = rest;
    }
    if let Some(after) = content.strip_prefix("#!")
        && !skip_trivia(after).starts_with('[')
    {
        // Keep the newline so line numbers stay the same.
        let end = content.find('\n').unwrap_or(content.len());
        let shebang = content[..end].to_string();
        return (&content[end..], base + end, Some(shebang));
    }
    (content, base, None)
}

/// `s` without leading whitespace and comments (`//`, nested `/* */`).
fn skip_trivia(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(rest) = t.strip_prefix("//") {
            s = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if let Some(mut rest) = t.strip_prefix("/*") {
            let mut depth = 1;
            while depth > 0 {
                let open = rest.find("/*");
                let Some(close) = rest.find("*/") else {
                    return "";
                };
                match open {
                    Some(o) if o < close => {
                        depth += 1;
                        rest = &rest[o + 2..];
                    }
                    _ => {
                        depth -= 1;
                        rest = &rest[close + 2..];
                    }
                }
            }
            s = rest;
        } else {
            return t;
        }
    }
}

/// Bounds how deep syn can recurse on `tokens`, and how deep the syntax tree it builds can
/// be, without recursing itself. The measure at a token: for every enclosing group, the tokens
/// before it since the last separator at that level, plus one, plus the tokens since the last
/// separator at the token's own level. Separators: `;`; `,` outside `<..>` and outside closure
/// parameters `|..|`; and the end of a `{..}` group, unless the next token continues the same
/// expression (an operator, `.`, `?`, `else`: `{..} = {..} = ..`, else-if chains). Every
/// construct syn parses recursively (groups, prefix operators, closures, `Box<Box<..>>`,
/// `fn() -> fn()`) and every chain it builds into a deep tree (binary operators, method calls,
/// else-if) spends at least one unit of this measure per level. Returns the token that passes
/// [`MAX_NESTING`].
///
/// `text` is the text `tokens` were lexed from: every unit of the measure is a distinct token,
/// and a token takes at least half a character of the text (a doc comment, three characters
/// at least, is six tokens), so a text, or a group, too short to pass the bound is not walked.
pub fn too_deep(tokens: &TokenStream, text: &str) -> Option<Span> {
    if 2 * text.len() + 2 <= MAX_NESTING {
        return None;
    }
    measure(tokens, Some(text))
}

/// An upper bound of the bytes `span` covers, from its lines and columns (a binary search,
/// where `Span::byte_range` counts characters).
fn len_bound(span: Span, lines: &LineIndex) -> Option<usize> {
    let (start, end) = (span.start(), span.end());
    let first = lines.line_start(start.line)?;
    let last = lines.line_start(end.line)?;
    // a column counts characters: one byte each at least, four at most
    (last + 4 * end.column).checked_sub(first + start.column)
}

/// [`too_deep`]. With `text`, groups too short to pass the bound are skipped; without it,
/// every group is walked.
fn measure(tokens: &TokenStream, text: Option<&str>) -> Option<Span> {
    let lines = text.map(LineIndex::new);
    struct Level {
        iter: proc_macro2::token_stream::IntoIter,
        base: usize,
        seg: usize,
        /// `<` minus `>` (not counting `->` and `=>`) since the last `;`.
        angle: usize,
        brace: bool,
        /// Between the `|`s of closure parameters.
        params: bool,
        /// The previous token was a `|` joint with this one, as in `a || b`: not a closure.
        pipe_pair: bool,
        /// The previous token was a punctuation joint with this one (`-` of `->`).
        joint: Option<char>,
        /// The previous token could end an operand: a `|` after it is binary.
        operand: bool,
        /// A `{..}` group just ended at this level: the measure before it, restored if the
        /// next token continues the expression.
        after_brace: Option<usize>,
    }
    fn level(iter: proc_macro2::token_stream::IntoIter, base: usize, brace: bool) -> Level {
        Level {
            iter,
            base,
            seg: 0,
            angle: 0,
            brace,
            params: false,
            pipe_pair: false,
            joint: None,
            operand: false,
            after_brace: None,
        }
    }
    let mut stack = vec![level(tokens.clone().into_iter(), 0, false)];
    while let Some(top) = stack.last_mut() {
        let Some(tt) = top.iter.next() else {
            let done = stack.pop();
            // a `{..}` inside `<..>` is a const-generic argument, not the end of an item
            if let (Some(done), Some(parent)) = (done, stack.last_mut())
                && done.brace
                && parent.angle == 0
            {
                parent.after_brace = Some(parent.seg);
                parent.seg = 0;
            }
            continue;
        };
        if let Some(before) = top.after_brace.take() {
            let continues = match &tt {
                TokenTree::Punct(p) => !matches!(p.as_char(), '#' | ';' | ',' | '\''),
                TokenTree::Ident(i) => i == "else" || i == "as",
                _ => false,
            };
            if continues {
                top.seg += before;
            }
        }
        top.seg += 1;
        let span = tt.span();
        let pipe_pair = std::mem::take(&mut top.pipe_pair);
        let joint = top.joint.take();
        let operand = std::mem::take(&mut top.operand);
        match tt {
            TokenTree::Group(g) => {
                let base = top.base + top.seg;
                if base > MAX_NESTING {
                    return Some(g.span_open());
                }
                // `{..} |x| ..` may be a statement, then a closure
                top.operand = g.delimiter() != Delimiter::Brace;
                // a group too short to pass the bound (see `too_deep`) is skipped, with the
                // effect its end has (below), rather than copied and walked
                if let Some(bytes) = lines.as_ref().and_then(|l| len_bound(g.span(), l))
                    && bytes > 0
                    && base + 2 * bytes + 2 <= MAX_NESTING
                {
                    if g.delimiter() == Delimiter::Brace && top.angle == 0 {
                        top.after_brace = Some(top.seg);
                        top.seg = 0;
                    }
                    continue;
                }
                stack.push(level(
                    g.stream().into_iter(),
                    base,
                    g.delimiter() == Delimiter::Brace,
                ));
                continue;
            }
            TokenTree::Punct(p) => {
                if p.spacing() == Spacing::Joint {
                    top.joint = Some(p.as_char());
                }
                match p.as_char() {
                    ';' => {
                        top.seg = 0;
                        top.angle = 0;
                        top.params = false;
                    }
                    ',' if top.angle == 0 && !top.params => top.seg = 0,
                    '<' => top.angle += 1,
                    '>' if !matches!(joint, Some('-' | '=')) => {
                        top.angle = top.angle.saturating_sub(1);
                    }
                    '|' if top.params => top.params = false,
                    '|' if pipe_pair => {}
                    // A `|` where an operand may start opens closure parameters.
                    '|' if !operand => top.params = true,
                    '|' => top.pipe_pair = p.spacing() == Spacing::Joint,
                    _ => {}
                }
            }
            TokenTree::Ident(i) => {
                // `move |x| ..`, `return |x| ..`: a `|` after these starts a closure.
                top.operand = ![
                    "move", "return", "break", "async", "static", "yield", "in", "else",
                ]
                .iter()
                .any(|k| i == k);
            }
            TokenTree::Literal(_) => top.operand = true,
        }
        if top.base + top.seg > MAX_NESTING {
            return Some(span);
        }
    }
    None
}

/// Byte ranges of the literals in `tokens` whose text mentions `aiguard:` (doc comments are
/// literals too). Iterative, like [`too_deep`].
fn literal_ranges(tokens: &TokenStream, out: &mut Vec<Range<usize>>) {
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(g)) => stack.push(g.stream().into_iter()),
            Some(TokenTree::Literal(l)) if l.to_string().contains("aiguard:") => {
                out.push(l.span().byte_range());
            }
            Some(_) => {}
        }
    }
}

/// A rustc-like message for a lexer error, from the text where it points.
fn lex_error_message(at: &str) -> String {
    let is_str = at.starts_with('"')
        || ["b\"", "r\"", "r#", "br\"", "br#", "c\"", "cr\"", "cr#"]
            .iter()
            .any(|p| at.starts_with(p));
    match at.chars().next() {
        _ if is_str => "unterminated string literal".to_string(),
        _ if at.starts_with("/*") => "unterminated block comment".to_string(),
        Some(c @ ('(' | '[' | '{')) => format!("unclosed delimiter `{c}`"),
        Some(c @ (')' | ']' | '}')) => format!("unexpected closing delimiter `{c}`"),
        Some('\'') => "unterminated character literal".to_string(),
        // a backslash as is; invisible characters escaped (`\u{200b}`)
        Some('\\') => "unknown start of token `\\`".to_string(),
        Some(c) => format!("unknown start of token `{}`", c.escape_debug()),
        None => "unexpected end of file".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(src: &str) -> bool {
        too_deep(&src.parse().expect("lexes"), src).is_none()
    }

    #[test]
    fn nesting_guard() {
        let n = MAX_NESTING + 10;
        assert!(!depth_ok(&format!(
            "fn f() {{ {}1{} }}",
            "(".repeat(n),
            ")".repeat(n)
        )));
        assert!(!depth_ok(&format!(
            "type T = {}u8{};",
            "Box<".repeat(n / 2),
            ">".repeat(n / 2)
        )));
        assert!(!depth_ok(&format!(
            "type T = {}u8{};",
            "HashMap<u8, ".repeat(n / 2),
            ">".repeat(n / 2)
        )));
        assert!(!depth_ok(&format!(
            "fn f() {{ {}1; }}",
            "|x| ".repeat(n / 3)
        )));
        // commas that do not end the nesting: closure parameters, `->` inside `<..>`,
        // const-generic blocks
        assert!(!depth_ok(&format!(
            "fn f() {{ {}1; }}",
            "|a, b| ".repeat(n / 3)
        )));
        assert!(!depth_ok(&format!(
            "type T = {}u8{};",
            "A<fn() -> B, ".repeat(n / 3),
            ">".repeat(n / 3)
        )));
        assert!(!depth_ok(&format!(
            "type T = {}u8{};",
            "A<{1}, ".repeat(n / 3),
            ">".repeat(n / 3)
        )));
        // chains syn parses in a loop into a deep tree: else-if, assignments of blocks
        assert!(!depth_ok(&format!(
            "fn f() {{ if a {{}} {} }}",
            "else if a {} ".repeat(n / 3)
        )));
        assert!(!depth_ok(&format!(
            "fn f() {{ a {} }}",
            "= {1} ".repeat(n / 2)
        )));
        // long but flat: separators reset the measure
        assert!(depth_ok(&format!(
            "const A: &[u8] = &[{}];",
            "1, ".repeat(3 * n)
        )));
        assert!(depth_ok(&format!(
            "fn f() {{ {} }}",
            "let x = 1; ".repeat(n)
        )));
        assert!(depth_ok(&format!(
            "fn f() {{ match x {{ {} }} }}",
            "1 => {}\n".repeat(n)
        )));
        assert!(depth_ok(&format!(
            "fn f() {{ {} }}",
            "if a { b } else if c { d } else { e }\n".repeat(n)
        )));
        assert!(depth_ok(
            &"#[derive(Debug)]\npub struct S { a: u8 }\nimpl S { fn f(&self) {} }\n".repeat(n)
        ));
        assert!(depth_ok(&format!(
            "const A: &[u8] = &[{}];",
            "A | B, C, ".repeat(n)
        )));
        assert!(depth_ok(&format!(
            "fn f() {{ {} }}",
            "v.iter().map(|a| a || b).filter(|(a, b)| a != b).count();\n".repeat(n)
        )));
    }

    /// Skipping groups too short to pass the bound changes no answer, at the bound itself
    /// too: texts whose measure lands just under, on and over it, with doc comments (six
    /// tokens in three bytes) making up most of it.
    #[test]
    fn skipping_short_groups_is_exact() {
        let both = |src: &str| {
            let tokens: TokenStream = src.parse().expect("lexes");
            let at = |s: Option<Span>| s.map(|s| s.byte_range());
            (at(too_deep(&tokens, src)), at(measure(&tokens, None)))
        };
        let mut fired = 0;
        for delta in [-40_i64, -3, -2, -1, 0, 1, 2, 3, 40] {
            let k =
                usize::try_from(i64::try_from(MAX_NESTING / 2).unwrap_or(0) + delta).unwrap_or(0);
            for src in [
                format!("fn f() {{ {}let x = 1; }}", "///\n".repeat(k)),
                format!("mod m {{ {}fn f() {{}} }}", "//!\n".repeat(k / 2 * 2 / 3)),
                format!(
                    "fn f() {{ {{ {}1{} }} }}",
                    "(".repeat(k * 2),
                    ")".repeat(k * 2)
                ),
                format!("fn f() {{ x = {}; }}", "{a}.b".repeat(k / 2)),
                format!("fn f() {{ g({}); }}", "[a] +".repeat(k)),
                format!("const A: u8 = ({}1);", "!".repeat(k * 2)),
                format!("const A: u8 = ({}1);", "!\n".repeat(k * 2)),
                format!("const A: u8 = ({}1);", "é\n!".repeat(k * 2)),
            ] {
                let (skipping, walking) = both(&src);
                assert_eq!(skipping, walking, "{}", &src[..src.len().min(60)]);
                fired += usize::from(skipping.is_some());
            }
        }
        // the texts straddle the bound: some fire, some do not
        assert!(fired > 10 && fired < 50, "{fired}");
    }

    #[test]
    fn strips_like_syn() {
        let (c, base, sb) = strip("\u{feff}#!/usr/bin/env run\nfn main() {}\n");
        assert_eq!(base, 3 + "#!/usr/bin/env run".len());
        assert_eq!(c, "\nfn main() {}\n");
        assert_eq!(sb.as_deref(), Some("#!/usr/bin/env run"));
        let src = "#![allow(x)]\nfn main() {}\n";
        assert_eq!(strip(src), (src, 0, None));
        let (_, _, sb) = strip("#! /* c */ [allow(x)]\n");
        assert_eq!(sb, None);
    }

    #[test]
    fn lex_messages() {
        assert_eq!(lex_error_message("\"abc"), "unterminated string literal");
        assert_eq!(lex_error_message("{ x"), "unclosed delimiter `{`");
        assert_eq!(lex_error_message("]"), "unexpected closing delimiter `]`");
        assert_eq!(lex_error_message("/* x"), "unterminated block comment");
    }
}
