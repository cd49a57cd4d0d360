//! The context the checker keeps during its one walk, and the reporting API rules use.

use proc_macro2::Span;

use crate::ai::AiMarker;
use crate::analysis::paths::UseMap;
use crate::analysis::vocab::Vocab;
use crate::config::Config;
use crate::finding::{AiContext, Finding, Label, Report};
use crate::fnlike::FnKind;
use crate::rule::{Level, RuleMeta};

/// The AI region the walk is in.
#[derive(Clone, Debug)]
pub struct AiScope {
    /// Path of the outermost marked item (or the file's module path for AI files).
    pub item: String,
    pub marker: AiMarker,
}

/// One enclosing function.
#[derive(Clone, Debug)]
pub struct FnFrame {
    pub name: String,
    pub kind: FnKind,
    pub is_async: bool,
    /// The vocabulary's check-named test, computed once.
    pub check_named: bool,
    /// The address of the function's body, which names it while the frame lives.
    pub(crate) block: usize,
    /// The function's byte range in the source, computed on first use (rules' pre-filters
    /// ask for it once each: a span's byte offset costs a walk of the source map).
    pub(crate) range: std::cell::OnceCell<Option<(usize, usize)>>,
}

/// Walk context. Rules read it and report through it.
pub struct Cx<'a> {
    pub config: &'a Config,
    /// `use` aliases of the file (or item) being checked.
    pub uses: UseMap,
    pub(crate) path: Vec<String>,
    pub(crate) ai: Option<AiScope>,
    pub(crate) test_depth: usize,
    pub(crate) const_depth: usize,
    pub(crate) file_is_test: bool,
    pub(crate) file_is_build_script: bool,
    pub(crate) fns: Vec<FnFrame>,
    /// true = async context, false = a sync boundary (a nested fn, a `spawn_blocking` closure).
    pub(crate) async_stack: Vec<bool>,
    pub(crate) report: Report,
    /// The expression being dispatched is the operand of `.await`.
    pub(crate) awaited: bool,
    /// Per-function memo of shared analyses: (key, address of the last body it ran for).
    fn_once: Vec<(&'static str, usize)>,
    /// The source text the tree was parsed from, when known (see [`Cx::file_mentions`]).
    pub(crate) source: Option<std::sync::Arc<str>>,
    /// Answers of [`Cx::file_mentions`] for this file: (needles address, needles length,
    /// answer). The needles are `'static`, so an address and a length name one list.
    file_memo: std::cell::RefCell<Vec<(usize, usize, bool)>>,
    /// Where the needles of [`Cx::file_mentions`] and [`Cx::fn_mentions`] are in `source`,
    /// found on the first question.
    mentions: std::cell::RefCell<Option<crate::mentions::FileMentions>>,
    /// The tokens of the file's `use` trees and type aliases' types, where `uses` takes its
    /// aliases from (see [`Cx::fn_mentions_path`]); `None` when the source is not known.
    use_text: Option<String>,
    /// Answers of [`Cx::uses_mention`], as `file_memo`.
    use_memo: std::cell::RefCell<Vec<(usize, usize, bool)>>,
    /// Where the lines of `source` start (see [`Cx::fn_mentions`]), made on first use.
    lines: std::cell::OnceCell<crate::lines::LineIndex>,
    /// `source` is the text the tree was parsed from, so spans' lines and columns are places
    /// in it; false for a stand-in that only holds every token (see [`Cx::set_token_text`]).
    source_has_places: bool,
}

/// Returned by [`Cx::report`]: adds labels, help and notes to the finding, if it was kept.
pub struct Reporter<'c> {
    finding: Option<&'c mut Finding>,
}

impl Reporter<'_> {
    /// A secondary span with a label.
    pub fn label(self, span: Span, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding {
            f.labels.push(Label {
                span,
                text: text.into(),
            });
            return Reporter { finding: Some(f) };
        }
        self
    }

    /// What to do about it (rustc style: lower-case, no final period).
    pub fn help(self, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding {
            f.help = Some(text.into());
            return Reporter { finding: Some(f) };
        }
        self
    }

    pub fn note(self, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding {
            f.notes.push(text.into());
            return Reporter { finding: Some(f) };
        }
        self
    }

    /// Lowers the finding's level to at most `max`, for the milder shape of a rule
    /// (`permissive_cors` without credentials is at most `warn`). Never raises it.
    pub fn at_most(self, max: Level) -> Self {
        if let Some(f) = self.finding {
            f.level = f.level.min(max);
            return Reporter { finding: Some(f) };
        }
        self
    }

    /// Whether the finding was kept (the rule is enabled at this place).
    pub fn is_kept(&self) -> bool {
        self.finding.is_some()
    }
}

impl<'a> Cx<'a> {
    pub(crate) fn new(config: &'a Config, uses: UseMap) -> Self {
        Cx {
            config,
            uses,
            path: Vec::new(),
            ai: None,
            test_depth: 0,
            const_depth: 0,
            file_is_test: false,
            file_is_build_script: false,
            fns: Vec::new(),
            async_stack: Vec::new(),
            report: Report::default(),
            awaited: false,
            fn_once: Vec::new(),
            source: None,
            file_memo: std::cell::RefCell::new(Vec::new()),
            mentions: std::cell::RefCell::new(None),
            use_text: None,
            use_memo: std::cell::RefCell::new(Vec::new()),
            lines: std::cell::OnceCell::new(),
            source_has_places: false,
        }
    }

    /// Sets the source text of the file and the text of its `use` trees and type aliases'
    /// types: `items` are the items
    /// `uses` was built from ([`UseMap::from_items`]: `use` items, inline modules included).
    pub(crate) fn set_source(&mut self, source: Option<std::sync::Arc<str>>, items: &[syn::Item]) {
        fn collect(items: &[syn::Item], out: &mut String) {
            for item in items {
                if let syn::Item::Mod(m) = item
                    && let Some((_, items)) = &m.content
                {
                    collect(items, out);
                } else {
                    UseMap::push_alias_text(item, out);
                }
            }
        }
        self.use_text = source.as_ref().map(|_| {
            let mut out = String::new();
            collect(items, &mut out);
            out
        });
        self.source_has_places = source.is_some();
        self.source = source;
        self.lines = std::cell::OnceCell::new();
        self.file_memo.borrow_mut().clear();
        self.use_memo.borrow_mut().clear();
        *self.mentions.borrow_mut() = None;
    }

    /// For a tree with no source text at hand (the macro's item): `text` holds every token of
    /// the tree as printed (identifiers and literals as written, doc comments as comments or as
    /// `doc` attributes, as the printer has it) and then `use_text`, the tokens of the `use`
    /// trees `uses` was built from. Every needle lies within one token (an identifier, a
    /// literal's text, a punctuation character, or an operator such as `==` whose characters
    /// are joint and print together), which printing with other spacing cannot split, so [`Cx::file_mentions`] on `text` answers as on the file. Spans give no place
    /// in `text`: [`Cx::fn_mentions`] asks about the whole text.
    pub(crate) fn set_token_text(&mut self, text: std::sync::Arc<str>, use_text: String) {
        self.source = Some(text);
        self.use_text = Some(use_text);
        self.source_has_places = false;
        self.lines = std::cell::OnceCell::new();
        self.file_memo.borrow_mut().clear();
        self.use_memo.borrow_mut().clear();
        *self.mentions.borrow_mut() = None;
    }

    /// `f` with the needle index of the file, made on first use; `None` when the source is
    /// not known.
    fn with_mentions<T>(
        &self,
        f: impl FnOnce(&mut crate::mentions::FileMentions) -> T,
    ) -> Option<T> {
        let source = self.source.as_ref()?;
        let mut m = self.mentions.borrow_mut();
        let m = m.get_or_insert_with(|| {
            crate::mentions::FileMentions::new(std::sync::Arc::clone(source))
        });
        Some(f(m))
    }

    /// Whether the source text of the file being checked holds one of `needles`: a cheap
    /// pre-filter for a rule whose every finding needs a name that a `use` may alias (the
    /// `use` item holds the original name), or a literal anywhere in the file (`check_expr`).
    /// True when the source is not known. `needles` is a `const` list: every list
    /// is searched for once per file, with all the others (see `mentions.rs`).
    pub fn file_mentions(&self, needles: &'static [&'static str]) -> bool {
        if self.source.is_none() {
            return true;
        }
        let key = (needles.as_ptr().addr(), needles.len());
        if let Some(&(_, _, answer)) = self
            .file_memo
            .borrow()
            .iter()
            .find(|(p, n, _)| (*p, *n) == key)
        {
            return answer;
        }
        let answer = self.with_mentions(|m| m.in_file(needles)).unwrap_or(true);
        self.file_memo.borrow_mut().push((key.0, key.1, answer));
        answer
    }

    /// Whether the source text of `f` (from `fn` to its closing brace) holds one of
    /// `needles`: a cheap pre-filter for a rule's `check_fn` whose every finding in `f` needs
    /// one of these words in `f` itself (method and field names, which no `use` renames;
    /// for paths, use [`Cx::fn_mentions_path`]). True when the source or the function's place
    /// in it is not known.
    pub fn fn_mentions(
        &self,
        f: &crate::fnlike::FnLike<'_>,
        needles: &'static [&'static str],
    ) -> bool {
        // the innermost frame is `f`'s when a rule's `check_fn` asks
        let frame = self
            .fns
            .last()
            .filter(|frame| frame.block == std::ptr::from_ref(f.block).addr());
        let range = match frame {
            Some(frame) => *frame.range.get_or_init(|| self.fn_range(f)),
            None => self.fn_range(f),
        };
        match range {
            Some((start, end)) => self
                .with_mentions(|m| m.within(needles, start, end))
                .unwrap_or(true),
            None => self.file_mentions(needles),
        }
    }

    /// [`Cx::fn_mentions`] for path segments as `uses.resolve_all` gives them: whether `f`'s
    /// text or the file's `use` trees and type aliases hold one of `needles`. A segment of a
    /// resolved path is written in the path itself (in `f`) or comes from the `use` or type
    /// alias that the path's first segment names (`use std::process::id;` .. `id()`,
    /// `use sha1::Sha1 as H;` .. `H::new()`, `type Sh = Command;` .. `Sh::new(..)`).
    ///
    /// The file's memoized answer comes first: both texts are in the file, and a needle lies
    /// within one token, which the printed `use` trees write as the file does, so a file that
    /// holds none of `needles` answers for every function at once.
    pub fn fn_mentions_path(
        &self,
        f: &crate::fnlike::FnLike<'_>,
        needles: &'static [&'static str],
    ) -> bool {
        self.file_mentions(needles) && (self.fn_mentions(f, needles) || self.uses_mention(needles))
    }

    /// Whether the text of the file's `use` trees and type aliases holds one of `needles`
    /// (true when it is not known), once per list and file.
    fn uses_mention(&self, needles: &'static [&'static str]) -> bool {
        let Some(text) = self.use_text.as_deref() else {
            return true;
        };
        let key = (needles.as_ptr().addr(), needles.len());
        let mut memo = self.use_memo.borrow_mut();
        if let Some(&(_, _, answer)) = memo.iter().find(|(p, n, _)| (*p, *n) == key) {
            return answer;
        }
        let answer = needles.iter().any(|n| text.contains(n));
        memo.push((key.0, key.1, answer));
        answer
    }

    /// The byte range of `f` (from `fn` to its closing brace) in `source`.
    #[cfg(feature = "span-locations")]
    fn fn_range(&self, f: &crate::fnlike::FnLike<'_>) -> Option<(usize, usize)> {
        if !self.source_has_places {
            return None;
        }
        let start = self.byte_at(f.sig.fn_token.span.start())?;
        let end = self.byte_at(f.block.brace_token.span.close().end())?;
        // spans the engine did not get from this text (a test's hand-built tree) are empty
        (start < end).then_some((start, end))
    }

    /// The byte offset in `source` of a line and column (in characters) of it.
    #[cfg(feature = "span-locations")]
    fn byte_at(&self, at: proc_macro2::LineColumn) -> Option<usize> {
        let source = self.source.as_deref()?;
        self.lines
            .get_or_init(|| crate::lines::LineIndex::new(source))
            .offset(source, at.line, at.column)
    }

    #[cfg(not(feature = "span-locations"))]
    #[allow(clippy::unused_self)]
    fn fn_range(&self, _: &crate::fnlike::FnLike<'_>) -> Option<(usize, usize)> {
        None
    }

    pub fn vocab(&self) -> &Vocab {
        &self.config.vocab
    }

    /// Whether the walk is inside AI code.
    pub fn in_ai(&self) -> bool {
        self.ai.is_some()
    }

    pub fn ai_scope(&self) -> Option<&AiScope> {
        self.ai.as_ref()
    }

    /// Inside `#[test]`, `#[cfg(test)]`, or a file under `tests/` or `benches/`.
    pub fn in_test(&self) -> bool {
        self.file_is_test || self.test_depth > 0
    }

    /// Whether the expression being checked (in `check_expr`) is directly `.await`ed:
    /// `client.get(url).send()` in `client.get(url).send().await`.
    pub fn is_awaited(&self) -> bool {
        self.awaited
    }

    /// Whether the file is a build script (`build.rs`).
    pub fn in_build_script(&self) -> bool {
        self.file_is_build_script
    }

    /// Inside a `const`/`static` initializer, a `const fn` or a `const { .. }` block, where a
    /// panic is a compile error rather than a runtime failure.
    pub fn in_const(&self) -> bool {
        self.const_depth > 0
    }

    /// RULES.md "async context": inside an `async fn` or `async` block, not inside a
    /// closure passed to `spawn_blocking`/`block_in_place` or a nested sync fn.
    pub fn in_async(&self) -> bool {
        self.async_stack.last().copied().unwrap_or(false)
    }

    /// The innermost enclosing function.
    pub fn current_fn(&self) -> Option<&FnFrame> {
        self.fns.last()
    }

    /// Runs a shared per-function analysis once: `true` the first time `key` is asked for the
    /// function whose body is `block`, `false` for the next rules asking about the same
    /// function (the rules of a family sharing one pass over it, from `check_fn`).
    pub fn first_for_fn(&mut self, key: &'static str, block: &syn::Block) -> bool {
        let addr = std::ptr::from_ref(block).addr();
        if let Some(slot) = self.fn_once.iter_mut().find(|(k, _)| *k == key) {
            if slot.1 == addr {
                return false;
            }
            slot.1 = addr;
            return true;
        }
        self.fn_once.push((key, addr));
        true
    }

    /// Whether the innermost enclosing function is check-named.
    pub fn in_check_fn(&self) -> bool {
        self.fns.last().is_some_and(|f| f.check_named)
    }

    /// Path of the innermost enclosing named item: `auth::Server::login`.
    pub fn item_path(&self) -> String {
        self.path.join("::")
    }

    /// The level `rule` has at the current place, or `None` if it is off here. Tested
    /// cheapest first, and inlined: rules ask [`Cx::enabled`] for every node they see.
    #[inline]
    pub fn level_here(&self, rule: &RuleMeta) -> Option<Level> {
        if self.in_test() && rule.family.exempt_in_tests() {
            return None;
        }
        let ai = self.ai.as_ref();
        if ai.is_some_and(|ai| ai.marker.allows(rule.name)) {
            return None;
        }
        self.config
            .level(rule, ai.is_some())
            .filter(|&level| level != Level::Allow)
    }

    /// Whether `rule` can report at the current place (cheap pre-check for costly analyses).
    #[inline]
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.level_here(rule).is_some()
    }

    /// Reports a finding of `rule` at `span`, unless the rule is off here.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
    ) -> Reporter<'_> {
        let Some(level) = self.level_here(rule) else {
            return Reporter { finding: None };
        };
        let finding = Finding {
            rule,
            level,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            item_path: self.item_path(),
            ai: self.ai.as_ref().map(|a| AiContext {
                item: a.item.clone(),
                model: a.marker.model.clone(),
            }),
        };
        self.report.findings.push(finding);
        Reporter {
            finding: self.report.findings.last_mut(),
        }
    }
}

#[cfg(all(test, feature = "span-locations"))]
mod tests {
    use super::Cx;
    use crate::analysis::paths::UseMap;
    use crate::config::Config;
    use crate::fnlike::{FnKind, FnLike};

    /// A function's place computed from lines and columns is its byte range, with
    /// multi-byte characters before it, inside it, and before its closing brace.
    #[test]
    fn fn_range_is_the_byte_range() {
        let source = "// é中\nconst S: &str = \"ü\";\n/* 中中 */ fn a() { let x = \"é\"; }\n\
                      fn b() {\n    let y = \"中\";\n  中中();\n中}\nfn c() {}";
        let file = syn::parse_file(source).expect("parses");
        let config = Config::default();
        let mut cx = Cx::new(&config, UseMap::default());
        cx.set_source(Some(source.into()), &file.items);
        let fns: Vec<FnLike<'_>> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(f) => Some(FnLike {
                    attrs: &f.attrs,
                    sig: &f.sig,
                    block: &f.block,
                    kind: FnKind::Free,
                }),
                _ => None,
            })
            .collect();
        let mut seen = 0;
        for f in &fns {
            let start = f.sig.fn_token.span.byte_range().start;
            let end = f.block.brace_token.span.close().byte_range().end;
            assert_eq!(cx.fn_range(f), Some((start, end)));
            assert!(source[start..end].starts_with("fn ") && source[start..end].ends_with('}'));
            seen += 1;
        }
        assert_eq!(seen, 3);
        // A stand-in text gives no places, even one whose lines and columns would fit.
        cx.set_token_text(source.into(), String::new());
        for f in &fns {
            assert_eq!(cx.fn_range(f), None);
        }
    }
}
