//! rustc-style diagnostics with annotate-snippets: `error[aiguard::rule]: message`, the source
//! with the primary span and labelled secondary spans, then `= note:` / `= help:` lines.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Child, Diag, Severity};

/// `Renderer::styled()` when colors are on, `Renderer::plain()` otherwise.
pub fn renderer(styled: bool) -> Renderer {
    if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    }
}

/// An excerpt's text as rustc shows it: CRLF read as LF (annotate-snippets would show the
/// `\r`), with the offsets of the dropped `\r`s to map ranges into it.
struct Source<'a> {
    text: std::borrow::Cow<'a, str>,
    dropped: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        if !text.contains('\r') {
            return Source {
                text: text.into(),
                dropped: Vec::new(),
            };
        }
        let bytes = text.as_bytes();
        let dropped: Vec<usize> = (0..bytes.len())
            .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1).is_none_or(|&b| b == b'\n'))
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for &i in &dropped {
            out.push_str(&text[from..i]);
            from = i + 1;
        }
        out.push_str(&text[from..]);
        Source {
            text: out.into(),
            dropped,
        }
    }

    /// `range` (excerpt offsets) in the text without the dropped `\r`s.
    fn map(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let shift = |o: usize| o - self.dropped.partition_point(|&d| d < o);
        shift(range.start)..shift(range.end)
    }
}

/// One diagnostic, without a trailing newline.
pub fn render(renderer: &Renderer, d: &Diag) -> String {
    let mut title = level(d.severity).primary_title(d.message.as_str());
    if let Some(rule) = d.rule {
        title = title.id(format!("aiguard::{rule}"));
    }
    let mut group = Group::with_title(title);
    let excerpt = d.excerpt.as_ref().map(|ex| (ex, Source::new(&ex.text)));
    match (&d.file, &d.primary, &excerpt) {
        (Some(file), Some(primary), Some((ex, source))) => {
            let mut primary_ann =
                AnnotationKind::Primary.span(source.map(ex.local(&primary.range)));
            if let Some(label) = &d.primary_label {
                primary_ann = primary_ann.label(label.as_str());
            }
            let mut snippet = Snippet::source(source.text.as_ref())
                .line_start(ex.line_start)
                .path(file.as_str())
                .annotation(primary_ann);
            for (loc, text) in &d.labels {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(source.map(ex.local(&loc.range)))
                        .label(text.as_str()),
                );
            }
            group = group.element(snippet);
        }
        (Some(file), Some(primary), None) => {
            group = group.element(
                Origin::path(file.as_str())
                    .line(primary.line)
                    .char_column(primary.col),
            );
        }
        (Some(file), None, _) => group = group.element(Origin::path(file.as_str())),
        (None, ..) => {}
    }
    for child in &d.children {
        group = group.element(match child {
            Child::Note(t) => Level::NOTE.message(t.as_str()),
            Child::Help(t) => Level::HELP.message(t.as_str()),
        });
    }
    renderer.render(&[group])
}
