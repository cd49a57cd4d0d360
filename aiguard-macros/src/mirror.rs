//! The marked item, mirrored out of the compiler: one walk over its tokens prints them, notes
//! the compiler span of every token it prints, and measures how deep they nest.
//!
//! Why: every operation on a compiler token is a call across the proc-macro bridge, or a
//! lookup in its symbol table (comparing an identifier to a string formats it first). syn's
//! parse and the rules' walks make millions of them, and checking an item cost about ten
//! times what it costs `cargo aiguard`. So the item is checked on a copy in proc-macro2's own
//! implementation (`proc_macro2::fallback`): the printed text, lexed again. The copy's spans
//! are byte ranges in that text, and every span that comes out of the engine is mapped back
//! to the compiler span of the token printed there, for the diagnostics.
//!
//! The copy is faithful when the compiler's tokens print as source that lexes back into the
//! same tokens: identifiers, literals and punctuation print as written, joint punctuation
//! without a space. Tokens that only macros make are not: an invisible group (a
//! `macro_rules!` fragment such as `$e:expr`, whose printed contents could parse with other
//! precedence), `$crate`, and `/` joined to `/` or `*` (a comment once printed). Nor is an
//! outer attribute that a `#[cfg_attr(..)]` made: the review digest finds those by their
//! span's source text. An item with one of those is checked on the compiler's tokens, as
//! before.
//!
//! proc-macro2 picks its implementation from a process-wide switch, so `expand` holds
//! [`lock`] throughout and [`Forced`] flips the switch for the check only.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// Stack cost of one level of each construct, in rough units of syn's stack use at
/// opt-level 0 (measured on rustc 1.95: the compiler's 8 MiB stack overflows at about 170
/// nested generic types, 400 nested blocks, 850 nested parentheses, 600 nested closures
/// `|| || ..` and 2500 prefix operators `!!..`).
const ANGLE_COST: usize = 4;
const BRACE_COST: usize = 2;
const OTHER_GROUP_COST: usize = 1;
/// Each punctuation token in an unbroken run (`!!!x`, `|| || x`, `&&&&x` are parsed
/// recursively, one level per operator).
const PUNCT_COST: usize = 1;

/// One expansion at a time: proc-macro2's switch between the compiler's implementation and
/// its own is process-wide. (rustc expands one macro at a time; this makes sure.)
pub fn lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // A poisoned lock only means an expansion panicked; the switch was reset on unwinding.
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// proc-macro2's own implementation while it lives: tokens made meanwhile (parsed text,
/// `quote!`) are proc-macro2's, not the compiler's. Compiler tokens made before must not be
/// combined with them.
pub struct Forced(());

impl Forced {
    pub fn new() -> Forced {
        proc_macro2::fallback::force();
        Forced(())
    }
}

impl Drop for Forced {
    fn drop(&mut self) {
        // Back to the compiler's implementation when it is there (unit tests have none).
        proc_macro2::fallback::unforce();
    }
}

/// A place in the printed text: a token, or a group's delimiters.
struct Place {
    /// Byte offset of the token's (or delimiter's) first character.
    at: u32,
    /// The compiler's span of the token, or of the whole group at its open delimiter.
    span: Span,
    /// At an open delimiter: the delimiter's own span (`Group::span_open`).
    open: Option<Span>,
}

/// The item (and the attribute's arguments) printed, with the places of its tokens.
pub struct Mirror {
    /// `(ARGS)`, a line break, then the item.
    text: String,
    item_start: usize,
    places: Vec<Place>,
    /// How deep the tokens nest, in the units above: nested delimiters and generic angle
    /// brackets, plus runs of punctuation. The walk stops once past its limit, so the text is
    /// then incomplete.
    pub cost: usize,
    /// Whether the text lexes back into the same tokens (see the module docs).
    pub faithful: bool,
    /// The compiler's call site, for spans that point nowhere in the text.
    call_site: Span,
}

impl Mirror {
    /// Walks `args` and `item` once, stopping when their nesting costs more than `limit`.
    pub fn new(args: &TokenStream, item: &TokenStream, limit: usize) -> Mirror {
        let mut m = Mirror {
            text: String::with_capacity(1024),
            item_start: 0,
            places: Vec::with_capacity(256),
            cost: 0,
            faithful: true,
            call_site: Span::call_site(),
        };
        m.text.push('(');
        if m.walk(args.clone(), limit, false) {
            m.text.push_str(")\n");
            m.item_start = m.text.len();
            m.walk(item.clone(), limit, true);
        }
        m
    }

    /// The item's tokens printed: a stand-in for its source text in the rules' pre-filters
    /// (see `aiguard_lints::ItemText`).
    pub fn item_text(&self) -> &str {
        &self.text[self.item_start..]
    }

    /// Lexes the text in proc-macro2's own implementation (call under [`Forced`]): the
    /// arguments, the item, and a span of the text to tell its spans by. `None` if it does
    /// not lex back into an argument group and an item.
    pub fn lex(&self) -> Option<(TokenStream, TokenStream, Span)> {
        let tokens: TokenStream = self.text.parse().ok()?;
        let mut iter = tokens.into_iter();
        let Some(TokenTree::Group(args)) = iter.next() else {
            return None;
        };
        if args.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        Some((args.stream(), iter.collect(), args.span()))
    }

    /// The compiler span for a span of the lexed copy (`anchor` from [`Mirror::lex`]): the
    /// span of the token printed where it starts (on stable the compiler cannot join spans,
    /// so a span over several tokens is its first token's there too). Spans from elsewhere
    /// (`Span::call_site()`, other text the engine parsed) give the call site.
    pub fn span(&self, span: Span, anchor: Span) -> Span {
        if span.join(anchor).is_none() {
            return self.call_site;
        }
        let range = span.byte_range();
        let i = self
            .places
            .partition_point(|p| p.at as usize <= range.start);
        let Some(place) = i.checked_sub(1).map(|i| &self.places[i]) else {
            return self.call_site;
        };
        match place.open {
            Some(open) if place.at as usize == range.start && range.len() == 1 => open,
            _ => place.span,
        }
    }

    /// Whether the last token printed is a `#`.
    fn after_hash(&self) -> bool {
        self.text.ends_with("# ")
    }

    fn place(&mut self, span: Span, open: Option<Span>) {
        let at = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.places.push(Place { at, span, open });
    }

    /// Prints `stream`, and raises `cost`; `false` once past `limit`. Iterative: the depth
    /// is what it measures. `item`: `stream` is the item, whose outer attributes are checked
    /// for one a `cfg_attr` made.
    fn walk(&mut self, stream: TokenStream, limit: usize, item: bool) -> bool {
        struct Level {
            rest: proc_macro2::token_stream::IntoIter,
            close: Option<(char, Span)>,
            angle: usize,
            base: usize,
        }
        let mut stack: Vec<Level> = Vec::new();
        let mut iter = stream.into_iter();
        // Cost of the enclosing groups, and angle brackets open at this level.
        let mut base = 0usize;
        let mut angle = 0usize;
        let mut run = 0usize;
        let mut prev_joint: Option<char> = None;
        loop {
            let Some(tt) = iter.next() else {
                let Some(outer) = stack.pop() else {
                    return true;
                };
                if let Some((c, span)) = outer.close {
                    self.place(span, None);
                    self.text.push(c);
                    self.text.push(' ');
                }
                iter = outer.rest;
                angle = outer.angle;
                base = outer.base;
                run = 0;
                prev_joint = None;
                continue;
            };
            match tt {
                TokenTree::Group(g) => {
                    let inner_base = base
                        + angle * ANGLE_COST
                        + if g.delimiter() == Delimiter::Brace {
                            BRACE_COST
                        } else {
                            OTHER_GROUP_COST
                        };
                    self.cost = self.cost.max(inner_base);
                    if self.cost > limit {
                        return false;
                    }
                    let delims = match g.delimiter() {
                        Delimiter::Parenthesis => Some(('(', ')')),
                        Delimiter::Brace => Some(('{', '}')),
                        Delimiter::Bracket => Some(('[', ']')),
                        Delimiter::None => None,
                    };
                    if item && stack.is_empty() && prev_joint.is_none() && self.after_hash() {
                        self.faithful &= !from_cfg_attr(&g);
                    }
                    let close = if let Some((open, close)) = delims {
                        self.place(g.span(), Some(g.span_open()));
                        self.text.push(open);
                        Some((close, g.span_close()))
                    } else {
                        self.faithful = false;
                        None
                    };
                    stack.push(Level {
                        rest: std::mem::replace(&mut iter, g.stream().into_iter()),
                        close,
                        angle,
                        base,
                    });
                    base = inner_base;
                    angle = 0;
                    run = 0;
                    prev_joint = None;
                }
                TokenTree::Punct(p) => {
                    let c = p.as_char();
                    match c {
                        '<' => angle += 1,
                        // `->` and `=>` are not closing brackets.
                        '>' if !matches!(prev_joint, Some('-' | '=')) => {
                            angle = angle.saturating_sub(1);
                        }
                        // `<=` is an operator: undo its `<`.
                        '=' if prev_joint == Some('<') => angle = angle.saturating_sub(1),
                        // A statement ends any stray comparison (`a < b`).
                        ';' => angle = 0,
                        // `//` or `/*` would print as a comment.
                        '/' | '*' if prev_joint == Some('/') => self.faithful = false,
                        _ => {}
                    }
                    run += 1;
                    self.cost = self.cost.max(base + angle * ANGLE_COST + run * PUNCT_COST);
                    if self.cost > limit {
                        return false;
                    }
                    self.place(p.span(), None);
                    self.text.push(c);
                    if p.spacing() == Spacing::Joint {
                        prev_joint = Some(c);
                    } else {
                        prev_joint = None;
                        self.text.push(' ');
                    }
                }
                TokenTree::Ident(id) => {
                    self.place(id.span(), None);
                    let start = self.text.len();
                    let _ = write!(self.text, "{id} ");
                    // `$crate` lexes as two tokens.
                    self.faithful &= !self.text[start..].starts_with('$');
                    run = 0;
                    prev_joint = None;
                }
                TokenTree::Literal(lit) => {
                    self.place(lit.span(), None);
                    let _ = write!(self.text, "{lit} ");
                    run = 0;
                    prev_joint = None;
                }
            }
        }
    }
}

/// Whether an attribute's `[..]` came out of a `#[cfg_attr(..)]` (rustc expands those before
/// the marker sees the item): its span then covers the `[cfg_attr(..)]` it came from, which
/// the review digest reads to leave it out (see `aiguard_lints::digest`). The copy's span
/// could not tell.
fn from_cfg_attr(group: &proc_macro2::Group) -> bool {
    group.span().source_text().is_some_and(|text| {
        let rest = text.strip_prefix('[').unwrap_or(&text).trim_start();
        rest.strip_prefix("cfg_attr")
            .is_some_and(|after| !after.starts_with(|c: char| c == '_' || c.is_alphanumeric()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn cost(item: TokenStream) -> usize {
        Mirror::new(&TokenStream::new(), &item, 100).cost
    }

    #[test]
    fn nesting_cost() {
        assert_eq!(
            cost(quote!(
                fn f() {
                    (1)
                }
            )),
            3
        );
        assert_eq!(
            cost(quote!(
                type T = Vec<Vec<u8>>;
            )),
            9
        );
        assert_eq!(
            cost(quote!(
                fn f() -> u8 {
                    if a <= b && c >= d {}
                    0
                }
            )),
            7
        );
        // Stray comparisons end with their statement.
        assert_eq!(
            cost(quote!(
                fn f() {
                    a < b;
                    c < d;
                    e < f;
                }
            )),
            7
        );
        let deep = |s: String| cost(s.parse().expect("valid tokens"));
        assert!(deep(format!("type T = {}u8{};", "V<".repeat(30), ">".repeat(30))) > 100);
        assert!(
            deep(format!(
                "const X: u8 = {}1{};",
                "(".repeat(120),
                ")".repeat(120)
            )) > 100
        );
        assert!(deep(format!("fn f() {}{}", "{".repeat(60), "}".repeat(60))) > 100);
        assert!(deep(format!("fn f() {{ {}true }}", "!".repeat(120))) > 100);
        assert!(deep(format!("fn f() {{ {}1 }}", "|| ".repeat(60))) > 100);
        assert!(deep("fn f() { a.b().c()?.d::<Vec<Vec<u8>>>()?; }".to_string()) < 20);
    }

    /// The printed text lexes back into the same tokens, and every token's span maps back
    /// to the span of the token it was printed from.
    #[test]
    fn round_trip() {
        let args: TokenStream = "model = \"m\", allow(unwrap_used = \"r\")".parse().unwrap();
        let item: TokenStream = "/// doc with \"quotes\"\n#[inline] pub(crate) fn f<'a, T: Into<u8>>(x: &'a [T]) -> Result<(), E> \
             where T: Copy { let r#match = b\"\\x00\"; for i in 0..=x.len() { a -= 1; b &&= c; } \
             'outer: loop { break 'outer; } m!{ $x }; x as *const u8; Ok(()) }"
            .parse()
            .unwrap();
        let m = Mirror::new(&args, &item, 256);
        assert!(m.faithful);
        let (a, i, anchor) = m.lex().expect("lexes");
        assert_eq!(a.to_string(), args.to_string());
        assert_eq!(i.to_string(), item.to_string());
        // Outside a proc macro both sides are proc-macro2's, so a mapped span is the
        // original token's: compare by position in the original text.
        fn leaves(ts: TokenStream, out: &mut Vec<(Span, String)>) {
            for t in ts {
                match t {
                    TokenTree::Group(g) => {
                        out.push((g.span_open(), "open".into()));
                        out.push((g.span(), "group".into()));
                        leaves(g.stream(), out);
                        out.push((g.span_close(), "close".into()));
                    }
                    other => out.push((other.span(), other.to_string())),
                }
            }
        }
        let (mut copy, mut orig) = (Vec::new(), Vec::new());
        leaves(i, &mut copy);
        leaves(item, &mut orig);
        assert_eq!(copy.len(), orig.len());
        for ((c, what), (o, _)) in copy.iter().zip(&orig) {
            assert_eq!(m.span(*c, anchor).byte_range(), o.byte_range(), "{what}");
        }
        // A span joined over several tokens maps to its first token's.
        let joined = copy[3].0.join(copy[6].0).expect("same text");
        assert_eq!(m.span(joined, anchor).byte_range(), orig[3].0.byte_range());
        // Spans from elsewhere map to the call site.
        let other: TokenStream = "x".parse().unwrap();
        let elsewhere = other.into_iter().next().unwrap().span();
        assert_eq!(m.span(elsewhere, anchor).byte_range(), 0..0);
        assert_eq!(m.span(Span::call_site(), anchor).byte_range(), 0..0);
    }

    #[test]
    fn unfaithful_tokens() {
        let none = proc_macro2::Group::new(Delimiter::None, quote!(a + b));
        let item = quote!(fn f() -> u8 { #none * 2 });
        assert!(!Mirror::new(&TokenStream::new(), &item, 256).faithful);
        let slash = proc_macro2::Punct::new('/', Spacing::Joint);
        let item = quote!(fn f() { a #slash * b });
        assert!(!Mirror::new(&TokenStream::new(), &item, 256).faithful);
        let item = quote!(
            fn f() {
                a / *b
            }
        );
        assert!(Mirror::new(&TokenStream::new(), &item, 256).faithful);
    }

    /// Every item of every rule fixture, checked on its own as the macro checks it: on the
    /// copy, the findings and their places (mapped back) are those of the original tokens.
    #[test]
    fn fixtures_check_the_same_on_the_copy() {
        type Seen = Vec<(String, String, (usize, usize), Vec<(usize, usize)>)>;
        fn seen(report: aiguard_lints::Report, map: &dyn Fn(Span) -> Span) -> Seen {
            let at = |s: Span| {
                let lc = map(s).start();
                (lc.line, lc.column)
            };
            report
                .findings
                .into_iter()
                .map(|f| {
                    let labels = f.labels.iter().map(|l| at(l.span)).collect();
                    (f.rule.name.to_string(), f.message, at(f.span), labels)
                })
                .collect()
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
        let mut files = crate::rs_files(&root.join("fixtures/rules"));
        files.push(root.join("prefilter/aliases.rs"));
        let config = aiguard_lints::Config::default();
        let marker = aiguard_lints::AiMarker::default();
        let (mut items, mut fired) = (0, 0);
        for path in &files {
            let source = std::fs::read_to_string(path).expect("fixture");
            let file = syn::parse_file(&source).expect("fixture parses");
            for item in &file.items {
                let tokens = quote::ToTokens::to_token_stream(item);
                let m = Mirror::new(&TokenStream::new(), &tokens, crate::expand::MAX_NESTING);
                assert!(m.faithful, "{}: {}", path.display(), m.item_text());
                let (_, copy, anchor) = m.lex().expect("the copy lexes");
                let copy: syn::Item = syn::parse2(copy).expect("the copy parses");
                let check = |i: &syn::Item| {
                    aiguard_lints::check_item_in(
                        i,
                        &marker,
                        &config,
                        aiguard_lints::ItemCtx::default(),
                    )
                };
                let want = seen(check(item), &|s| s);
                let got = seen(check(&copy), &|s| m.span(s, anchor));
                assert_eq!(got, want, "{}: {}", path.display(), m.item_text());
                items += 1;
                fired += want.len();
            }
        }
        assert!(
            items > 500 && fired > 500,
            "{items} items, {fired} findings"
        );
    }
}
