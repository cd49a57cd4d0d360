//! `--message-format json`: cargo's JSON messages, one object a line, so tools that read
//! `cargo check --message-format json` (rust-analyzer, IDEs, CI annotators) read aiguard too.
//! Each diagnostic is a `compiler-message` holding a rustc diagnostic (`code.code` is
//! `aiguard::rule`); the last line is `build-finished`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use super::{Child, Context, Diag, Loc, Severity, human, short};

/// A cargo package, as the messages name it.
#[derive(Clone, Debug)]
pub struct Package {
    pub id: String,
    pub manifest_path: PathBuf,
    /// The directory holding `Cargo.toml`.
    pub root: PathBuf,
    /// Each target (as cargo metadata gives it) with the directory of its root file.
    pub targets: Vec<(PathBuf, Value)>,
}

impl Package {
    pub fn from_workspace(p: &crate::workspace::Package) -> Package {
        Package {
            id: if p.id.is_empty() {
                format!("path+file://{}", p.root.display())
            } else {
                p.id.clone()
            },
            manifest_path: p.manifest.clone(),
            root: p.root.clone(),
            targets: p
                .targets
                .iter()
                .filter_map(|t| {
                    let dir = t.src_path.parent()?.as_std_path().to_path_buf();
                    Some((dir, serde_json::to_value(t).ok()?))
                })
                .collect(),
        }
    }
}

/// What goes into each diagnostic's `rendered`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendered {
    /// The human report, without colors (`json`).
    Plain,
    /// The human report with ANSI colors (`json-diagnostic-rendered-ansi`).
    Ansi,
    /// The short one-line form (`json-diagnostic-short`).
    Short,
}

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: String,
    target: Value,
    message: Diagnostic,
}

/// A rustc diagnostic (`rustc --error-format json`).
#[derive(Serialize)]
struct Diagnostic {
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<Span>,
    children: Vec<Diagnostic>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct Span {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<String>,
    expansion: Option<Value>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

/// Writes every diagnostic as a `compiler-message` line, then `build-finished`.
pub fn write(
    out: &mut dyn Write,
    diags: &[Diag],
    ctx: &Context,
    rendered: Rendered,
) -> io::Result<()> {
    let renderer = human::renderer(rendered == Rendered::Ansi);
    for d in diags {
        let (package_id, manifest_path, target) = owner(ctx, d.file.as_deref());
        let mut message = diagnostic(d);
        message.rendered = Some(match rendered {
            Rendered::Short => short::render(d) + "\n",
            Rendered::Plain | Rendered::Ansi => human::render(&renderer, d) + "\n",
        });
        let line = CompilerMessage {
            reason: "compiler-message",
            package_id,
            manifest_path,
            target,
            message,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    serde_json::to_writer(
        &mut *out,
        &json!({"reason": "build-finished", "success": ctx.success}),
    )?;
    out.write_all(b"\n")
}

fn diagnostic(d: &Diag) -> Diagnostic {
    let mut spans = Vec::new();
    if let (Some(file), Some(primary)) = (&d.file, &d.primary) {
        spans.push(span(d, file, primary, true, d.primary_label.clone()));
        for (loc, text) in &d.labels {
            spans.push(span(d, file, loc, false, Some(text.clone())));
        }
    }
    Diagnostic {
        message: d.message.clone(),
        code: d.rule.map(|r| Code {
            code: format!("aiguard::{r}"),
            explanation: None,
        }),
        level: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        spans,
        children: d
            .children
            .iter()
            .map(|c| {
                let (level, text) = match c {
                    Child::Note(t) => ("note", t),
                    Child::Help(t) => ("help", t),
                };
                Diagnostic {
                    message: text.clone(),
                    code: None,
                    level,
                    spans: Vec::new(),
                    children: Vec::new(),
                    rendered: None,
                }
            })
            .collect(),
        rendered: None,
    }
}

fn span(d: &Diag, file: &str, loc: &Loc, is_primary: bool, label: Option<String>) -> Span {
    let (line_end, column_end) = d.end_of(loc);
    let mut text = Vec::new();
    if let Some(ex) = &d.excerpt {
        for n in loc.line..=line_end {
            let Some(t) = ex.line(n) else { break };
            text.push(SpanLine {
                text: t.to_string(),
                highlight_start: if n == loc.line { loc.col } else { 1 },
                highlight_end: if n == line_end {
                    column_end
                } else {
                    t.chars().count() + 1
                },
            });
        }
    }
    Span {
        file_name: file.to_string(),
        byte_start: loc.range.start,
        byte_end: loc.range.end,
        line_start: loc.line,
        line_end,
        column_start: loc.col,
        column_end,
        is_primary,
        text,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}

/// The package and target a file belongs to: the package whose directory holds it most
/// closely, and that package's target whose root file's directory does (the library first
/// on a tie). Files outside every package go to the first package.
fn owner<'a>(ctx: &'a Context, file: Option<&str>) -> (&'a str, String, Value) {
    let abs = file.map(|f| ctx.absolute(f));
    let depth = |dir: &Path| dir.components().count();
    let pkg = abs
        .as_ref()
        .and_then(|abs| {
            ctx.packages
                .iter()
                .filter(|p| abs.starts_with(&p.root))
                .max_by_key(|p| depth(&p.root))
        })
        .or_else(|| ctx.packages.first());
    let Some(pkg) = pkg else {
        return ("aiguard", String::new(), synthetic_target(abs.as_deref()));
    };
    let target = abs
        .as_ref()
        .and_then(|abs| {
            let mut best: Option<&(PathBuf, Value)> = None;
            for t in &pkg.targets {
                if abs.starts_with(&t.0) && best.is_none_or(|b| depth(&t.0) > depth(&b.0)) {
                    best = Some(t);
                }
            }
            best
        })
        .or_else(|| pkg.targets.first())
        .map_or_else(|| synthetic_target(abs.as_deref()), |t| t.1.clone());
    (
        &pkg.id,
        pkg.manifest_path.to_string_lossy().into_owned(),
        target,
    )
}

/// A target for files checked without cargo (PATHS mode).
fn synthetic_target(file: Option<&Path>) -> Value {
    let name = file.and_then(Path::file_stem).map_or_else(
        || "aiguard".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    json!({
        "name": name,
        "kind": ["lib"],
        "crate_types": ["lib"],
        "required-features": [],
        "src_path": file.map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        "edition": "2021",
        "doctest": false,
        "test": false,
        "doc": false,
    })
}
