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

/// One diagnostic, without a trailing newline.
pub fn render(renderer: &Renderer, d: &Diag) -> String {
    let mut title = level(d.severity).primary_title(d.message.as_str());
    if let Some(rule) = d.rule {
        title = title.id(format!("aiguard::{rule}"));
    }
    let mut group = Group::with_title(title);
    match (&d.file, &d.primary, &d.excerpt) {
        (Some(file), Some(primary), Some(ex)) => {
            let mut primary_ann = AnnotationKind::Primary.span(ex.local(&primary.range));
            if let Some(label) = &d.primary_label {
                primary_ann = primary_ann.label(label.as_str());
            }
            let mut snippet = Snippet::source(ex.text.as_str())
                .line_start(ex.line_start)
                .path(file.as_str())
                .annotation(primary_ann);
            for (loc, text) in &d.labels {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(ex.local(&loc.range))
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
