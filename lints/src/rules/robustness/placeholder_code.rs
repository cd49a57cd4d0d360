use std::ops::Range;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::macros;
use crate::analysis::paths;
use crate::analysis::vocab::{self, MarkStrength, PlaceholderMark};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags the marks AI assistants leave where they skipped the hard part:
    /// - `todo!()` and `unimplemented!()`;
    /// - string literals, format strings and doc comments that say `TODO`, `FIXME`, `XXX:`,
    ///   "not implemented", "in a real application", "replace this with"; in AI-generated
    ///   code also "placeholder", "stub", "dummy", "for simplicity", "simplified version",
    ///   "replace with", "you would", "mock implementation" (in human code these are
    ///   ordinary technical words, so only the first group counts there). Code blocks and
    ///   `inline code` in doc comments are not read;
    /// - a function whose body is only `Ok(())`, `Default::default()`, `Vec::new()`, a literal
    ///   or nothing (after log lines) while its doc comment says it does real work
    ///   ("Validates ...", "Sends ...", "Encrypts ..."). Trait default methods, `#[cfg]`
    ///   variants, check-named functions (see `vacuous_check`) and docs that admit the body
    ///   is trivial ("does nothing", "no-op", "always succeeds") are left alone.
    ///
    /// ### Why is this bad?
    /// A placeholder compiles, passes a happy-path demo and ships. A `todo!()` panics the
    /// first time the path runs; a `send_email` that returns `Ok(())` silently drops every
    /// email; a "simplified version" of a signature check accepts anything. The text the
    /// assistant left behind is often the only sign that the work was never done (CWE-1164).
    ///
    /// ### Example
    /// ```rust,ignore
    /// /// Sends the password reset email to the user.
    /// fn send_reset_email(user: &User) -> Result<(), MailError> {
    ///     Ok(())
    /// }
    ///
    /// fn refund(order: &Order) -> Result<Receipt, PayError> {
    ///     todo!()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// /// Sends the password reset email to the user.
    /// fn send_reset_email(mailer: &Mailer, user: &User) -> Result<(), MailError> {
    ///     mailer.send(&user.email, RESET_SUBJECT, &reset_body(user))
    /// }
    ///
    /// fn refund(order: &Order) -> Result<Receipt, PayError> {
    ///     Err(PayError::Unsupported("refunds"))
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-1164: Irrelevant Code
    /// - clippy: `todo`, `unimplemented`
    pub struct PlaceholderCode;
    name = "placeholder_code",
    family = Robustness,
    ai = Deny,
    human = Warn,
    cwe = 1164,
    summary = "placeholder code: `todo!()`, TODO text, or a stub body under a doc that claims work",
}

impl Rule for PlaceholderCode {
    fn interests(&self) -> &'static [NodeKind] {
        &[
            NodeKind::File,
            NodeKind::Item,
            NodeKind::Fn,
            NodeKind::Expr,
            NodeKind::Macro,
        ]
    }

    fn check_file(&self, cx: &mut Cx<'_>, file: &syn::File) {
        check_docs(cx, &file.attrs);
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        check_docs(cx, item.attrs());
        let fields: Vec<&syn::Field> = match item {
            ItemRef::Item(syn::Item::Struct(s)) => s.fields.iter().collect(),
            ItemRef::Item(syn::Item::Union(u)) => u.fields.named.iter().collect(),
            ItemRef::Item(syn::Item::Enum(e)) => {
                for v in &e.variants {
                    check_docs(cx, &v.attrs);
                }
                e.variants.iter().flat_map(|v| v.fields.iter()).collect()
            }
            _ => Vec::new(),
        };
        for f in fields {
            check_docs(cx, &f.attrs);
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        check_stub_body(cx, f);
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = expr
        {
            check_text(cx, &value(s), s.span(), "string literal");
        }
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        // `use std::todo as later;` .. `later!()`, but not a function imported under a
        // macro's name (macros and functions live in different namespaces)
        let resolved = cx.uses.resolve(&mac.path).pop().unwrap_or_default();
        let name = if matches!(resolved.as_str(), "todo" | "unimplemented")
            || macros::is_format_macro(&resolved)
        {
            resolved
        } else {
            macros::macro_name(mac)
        };
        if name == "todo" || name == "unimplemented" {
            cx.report(
                &PlaceholderCode::META,
                mac.path.span(),
                format!("`{name}!()` left in the code"),
            )
            .help("implement the missing logic, or return an error the caller can handle");
            return;
        }
        if macros::is_format_macro(&name)
            && let Some(template) = &macros::parse_format_args(mac).template
        {
            let text = blank_between(&value(template), '{', '}');
            check_text(cx, &text, template.span(), "format string");
        }
    }
}

/// Where a text comes from: an ambiguous word (`placeholder`, `dummy`) that opens a string
/// literal is a placeholder value (`"dummy response"`); in prose it needs a deferral cue.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    StringLiteral,
    Prose,
}

/// The first mark of `text` that counts here: strong marks anywhere, weak ones in AI code,
/// ambiguous ones in AI code next to a deferral cue (or opening a string literal).
fn first_mark(cx: &Cx<'_>, text: &str, source: Source) -> Option<PlaceholderMark> {
    vocab::placeholder_marks(text)
        .into_iter()
        .find(|m| match m.strength {
            MarkStrength::Strong => true,
            MarkStrength::Weak => cx.in_ai(),
            MarkStrength::Ambiguous => {
                cx.in_ai()
                    && ((source == Source::StringLiteral && text[..m.start].trim().is_empty())
                        || vocab::has_deferral_cue_near(text, m))
            }
        })
}

/// Replaces the text between `open` and `close` (`inline code` in docs, `{args}` in format
/// strings) with `_`, keeping byte offsets, so that it reads as one opaque word.
fn blank_between(line: &str, open: char, close: char) -> String {
    let mut out = String::with_capacity(line.len());
    let mut inside = false;
    for c in line.chars() {
        if !inside && c == open {
            inside = true;
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else if inside && c == close {
            inside = false;
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else if inside {
            out.extend(std::iter::repeat_n('_', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn check_text(cx: &mut Cx<'_>, text: &str, span: Span, what: &str) {
    if !cx.enabled(&PlaceholderCode::META) {
        return;
    }
    let Some(mark) = first_mark(cx, text, Source::StringLiteral) else {
        return;
    };
    cx.report(
        &PlaceholderCode::META,
        span,
        format!("{what} says `{}`: placeholder left in the code", mark.text),
    )
    .help("write the real value or logic this text stands in for, then remove the text");
}

/// The string literal of a `#[doc = ".."]` attribute (a `///` or `//!` line).
fn doc_lit(attr: &syn::Attribute) -> Option<&syn::LitStr> {
    if !attr.path().is_ident("doc") {
        return None;
    }
    match &attr.meta {
        syn::Meta::NameValue(nv) => paths::lit_str_ref(&nv.value),
        _ => None,
    }
}

/// A string literal as written (`"text"`, `r"text"`; a `///` comment is a literal whose escapes
/// give back the comment), with its text when that is the part between its quotes: when it
/// holds no `\` (no escape, no line continuation) and no `\r` (the `\r` of a `\r\n` is not
/// part of the text). Otherwise the text is `None`: unescape it with `LitStr::value`.
fn written(lit: &syn::LitStr) -> (String, Option<Range<usize>>) {
    let written = lit.token().to_string();
    let between = if written.contains(['\\', '\r']) {
        None
    } else {
        // the first quote opens (after `r#..#`); the last closes (before `#..#` and a suffix)
        match (written.find('"'), written.rfind('"')) {
            (Some(open), Some(close)) if open < close => Some(open + 1..close),
            _ => None,
        }
    };
    (written, between)
}

/// Whether unescaping a string literal as written may give a run of ASCII letters and digits
/// that is not in it as written: a `\x41` or `\u{41}` escape, or a line continuation (a `\`
/// before a line break, dropped with the line break and the indentation after it). Other
/// escapes give one character that is not a letter or digit (`\n`, `\\`, `\"`, `\0`..),
/// and other characters are copied (a `\r` is dropped only before a `\n`): then every run
/// of letters and digits in the text is a run in the literal as written.
fn may_make_letters(written: &str) -> bool {
    written.match_indices('\\').any(|(i, _)| {
        matches!(
            written.as_bytes().get(i + 1),
            Some(b'x' | b'u' | b'\n' | b'\r')
        )
    })
}

/// The text of a string literal from [`written`]: `LitStr::value`, without its costly
/// unescaping where there is nothing to unescape.
fn text_of(lit: &syn::LitStr, (mut written, between): (String, Option<Range<usize>>)) -> String {
    match between {
        Some(r) => {
            written.truncate(r.end);
            written.drain(..r.start);
            written
        }
        None => lit.value(),
    }
}

/// `lit.value()`, cheaper (see [`text_of`]).
fn value(lit: &syn::LitStr) -> String {
    text_of(lit, written(lit))
}

/// The prose of a doc comment: fenced code blocks dropped, inline code blanked. Returns the
/// prose and, per doc attribute, the offset where its text starts.
fn doc_prose(attrs: &[syn::Attribute]) -> (String, Vec<(usize, &syn::Attribute)>) {
    prose_of(&doc_texts(attrs))
}

/// The doc attributes of `attrs` with their texts.
fn doc_texts(attrs: &[syn::Attribute]) -> Vec<(&syn::Attribute, String)> {
    attrs
        .iter()
        .filter_map(|a| {
            let lit = doc_lit(a)?;
            Some((a, value(lit)))
        })
        .collect()
}

/// [`doc_prose`] of texts already taken out of their attributes.
fn prose_of<'a>(
    docs: &[(&'a syn::Attribute, String)],
) -> (String, Vec<(usize, &'a syn::Attribute)>) {
    let mut prose = String::new();
    let mut starts = Vec::new();
    let mut in_code = false;
    for &(attr, ref text) in docs {
        starts.push((prose.len(), attr));
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                in_code = !in_code;
                prose.push('\n');
                continue;
            }
            if !in_code {
                prose.push_str(&blank_between(line, '`', '`'));
            }
            prose.push('\n');
        }
    }
    (prose, starts)
}

/// One finding per doc comment: the first placeholder mark in its prose, at its line.
fn check_docs(cx: &mut Cx<'_>, attrs: &[syn::Attribute]) {
    if !cx.enabled(&PlaceholderCode::META) {
        return;
    }
    // Most doc comments hold no mark's required word: not worth unescaping, nor their
    // prose. Sound: required words are ASCII letters and digits (a test in vocab.rs says
    // so), and see [`may_make_letters`].
    let written: Vec<_> = attrs
        .iter()
        .filter_map(|a| {
            let lit = doc_lit(a)?;
            Some((a, lit, written(lit)))
        })
        .collect();
    if !written
        .iter()
        .any(|(_, _, (w, _))| may_make_letters(w) || vocab::may_hold_mark(w))
    {
        return;
    }
    let docs: Vec<(&syn::Attribute, String)> = written
        .into_iter()
        .map(|(a, lit, w)| (a, text_of(lit, w)))
        .collect();
    if !docs.iter().any(|(_, text)| vocab::may_hold_mark(text)) {
        return;
    }
    let (prose, starts) = prose_of(&docs);
    let Some(mark) = first_mark(cx, &prose, Source::Prose) else {
        return;
    };
    let Some(&(_, attr)) = starts.iter().rev().find(|(off, _)| *off <= mark.start) else {
        return;
    };
    cx.report(
        &PlaceholderCode::META,
        attr.span(),
        format!(
            "doc comment says `{}`: the code it documents may be a placeholder",
            mark.text
        ),
    )
    .help("implement what the comment says is missing, then update the comment");
}

/// A print or log line (`println!`, `log::info!`, `tracing::debug!`) as a statement.
fn is_log_stmt(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Macro(m) => macros::is_log_macro(&macros::macro_name(&m.mac)),
        syn::Stmt::Expr(syn::Expr::Macro(m), Some(_)) => {
            macros::is_log_macro(&macros::macro_name(&m.mac))
        }
        _ => false,
    }
}

/// Statements that do no work: log lines and `let _ = x;`.
fn is_no_work_stmt(stmt: &syn::Stmt) -> bool {
    match stmt {
        _ if is_log_stmt(stmt) => true,
        syn::Stmt::Local(l) => {
            matches!(l.pat, syn::Pat::Wild(_))
                && l.init
                    .as_ref()
                    .is_some_and(|i| matches!(paths::peel(&i.expr), syn::Expr::Path(_)))
        }
        _ => false,
    }
}

/// Whether `expr` builds an empty or constant value: `()`, a literal, `None`,
/// `Default::default()`, `T::default()`, `Vec::new()`, `vec![]`, and `Ok(..)` of any of these.
fn is_trivial_value(expr: &syn::Expr) -> bool {
    match paths::peel(expr) {
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        syn::Expr::Lit(_) => true,
        syn::Expr::Path(p) => p.path.is_ident("None"),
        syn::Expr::Macro(m) => macros::macro_name(&m.mac) == "vec" && m.mac.tokens.is_empty(),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return false;
            };
            let segs = paths::segments(&p.path);
            match (segs.as_slice(), c.args.len()) {
                ([.., last], 1) if last == "Ok" => c.args.first().is_some_and(is_trivial_value),
                ([.., last], 0) if last == "default" => true,
                ([.., ty, last], 0) if last == "new" => vocab::is_empty_constructor_type(ty),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `Ok(())` for display: the expression's tokens without spaces (short expressions only).
fn show(expr: &syn::Expr) -> String {
    let text = quote::ToTokens::to_token_stream(expr).to_string();
    if let syn::Expr::Lit(_) = paths::peel(expr) {
        return if text.len() > 20 {
            "a literal".to_string()
        } else {
            text
        };
    }
    text.replace(' ', "")
}

fn check_stub_body(cx: &mut Cx<'_>, f: &FnLike<'_>) {
    if !cx.enabled(&PlaceholderCode::META)
        || matches!(f.kind, FnKind::TraitDefault { .. })
        || f.attrs.iter().any(|a| a.path().is_ident("cfg"))
    {
        return;
    }
    // the body's shape first: most bodies do work, and then the doc comment is not read
    let stmts = &f.block.stmts;
    let work: Vec<&syn::Stmt> = stmts.iter().filter(|s| !is_no_work_stmt(s)).collect();
    let trivial = match work.as_slice() {
        [] if matches!(f.sig.output, syn::ReturnType::Default) => None,
        [syn::Stmt::Expr(e, None)] if is_trivial_value(e) => Some(e),
        _ => return,
    };
    if cx.vocab().is_check_fn(&f.name()) {
        return;
    }
    let (prose, starts) = doc_prose(f.attrs);
    let Some(verb) = vocab::doc_claims_work(&prose) else {
        return;
    };
    if vocab::doc_admits_trivial(&prose) {
        return;
    }
    // `Writes the flag to stdout` over a `println!` does what it says.
    if vocab::is_output_verb(&verb) && stmts.iter().any(is_log_stmt) {
        return;
    }
    let name = f.name();
    let (span, message) = match trivial {
        None => (
            f.name_span(),
            if stmts.is_empty() {
                format!("`{name}` has an empty body, yet its doc comment says it {verb}")
            } else {
                format!("`{name}` only logs, yet its doc comment says it {verb}")
            },
        ),
        Some(e) => (
            e.span(),
            format!(
                "`{name}` only returns `{}`, yet its doc comment says it {verb}",
                show(e)
            ),
        ),
    };
    let mut r = cx.report(&PlaceholderCode::META, span, message);
    if let Some(&(_, attr)) = starts.first() {
        r = r.label(attr.span(), format!("the doc comment says it {verb}"));
    }
    r.help("implement the function, or say in its doc comment that it does nothing");
}

#[cfg(test)]
mod tests {
    use super::{doc_lit, value};

    /// The cheap `value` is `LitStr::value` on escapes, line continuations, raw strings,
    /// quotes, suffixes, `\r\n` and multi-byte text, and on the literals of doc comments.
    #[test]
    fn value_is_lit_value() {
        let literals = [
            r#""plain text""#,
            r#""\x54ODO: \u{46}IXME \t \\ \" \0""#,
            "\"TO\\\n    DO: a line continuation\"",
            "\"a\r\nb\"",
            r#"r"raw \x54 \n""#,
            r###"r##"a "# quote" and "##"###,
            r#""é中 multi-byte ü""#,
            r#""with suffix"sfx"#,
            r##"r#"raw with suffix"#sfx"##,
            r#""""#,
            r#"r"""#,
        ];
        for src in literals {
            let lit: syn::LitStr = syn::parse_str(src).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert_eq!(value(&lit), lit.value(), "{src}");
        }
        let file: syn::File = syn::parse_str(
            "//! inner `code`\n/// a \"quoted\" \\ line é\n/** block\r\n * \"doc\" */\nfn f() {}",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let attrs = file.attrs.iter().chain(match &file.items[..] {
            [syn::Item::Fn(f)] => f.attrs.iter(),
            _ => panic!("one fn"),
        });
        let mut n = 0;
        for lit in attrs.filter_map(doc_lit) {
            assert_eq!(value(lit), lit.value());
            n += 1;
        }
        assert_eq!(n, 3);
    }

    fn count(src: &str) -> usize {
        let file = syn::parse_file(src).unwrap_or_else(|e| panic!("{e}"));
        let ctx = crate::FileCtx {
            ai_file: true,
            ..crate::FileCtx::default()
        };
        crate::check_file(&file, &ctx, &crate::Config::default())
            .findings
            .iter()
            .filter(|f| f.rule.name == "placeholder_code")
            .count()
    }

    /// A doc text whose mark is written with escapes is read (the filter on the literal as
    /// written lets every literal with a `\` through).
    #[test]
    fn escaped_marks_in_docs_fire() {
        assert_eq!(
            count("#[doc = \"\\x54ODO: wire the mailer\"]\nfn f() {}"),
            1
        );
        assert_eq!(
            count("#[doc = \"TO\\\n    DO: wire the mailer\"]\nfn f() {}"),
            1
        );
        assert_eq!(
            count("#[doc = \"\\u{54}he mailer: \\\"wired\\\"\"]\nfn f() {}"),
            0
        );
        assert_eq!(
            count("/// Sends it.\n#[doc = \"F\\u{49}XME: later\"]\nfn f() { g() }"),
            1
        );
        // escapes that make no letter: read as written
        assert_eq!(
            count("#[doc = \"See \\\"x\\\".\\nTODO: later\"]\nfn f() { g() }"),
            1
        );
        assert_eq!(count("/// Sends it; TO-DO: later\nfn f() { g() }"), 0);
    }
}
