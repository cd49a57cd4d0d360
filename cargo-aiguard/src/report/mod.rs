//! Diagnostics as the CLI reports them, independent of `proc_macro2` (whose spans are
//! thread-bound and freed after each file): plain byte ranges, 1-based lines and columns,
//! and the few source lines needed to show them. One `match` on `--message-format`.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::cli::MessageFormat;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a diagnostic comes from; decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiagKind {
    /// A bad config file: sorts first.
    Config,
    /// The workspace could not be read (cargo metadata, a missing path argument).
    Workspace,
    /// A file could not be read, decoded, parsed, or a module file was not found.
    Input,
    /// The engine could not analyze something (`Report.problems`).
    Problem,
    /// aiguard itself failed on a file (a bug): the file was not checked.
    Internal,
    /// A rule finding.
    Finding,
    /// A `// aiguard: allow(..)` comment that is wrong (no reason, unknown rule).
    Suppression,
}

impl DiagKind {
    /// Whether this kind means something could not be checked (exit 2).
    pub fn is_incomplete(self) -> bool {
        !matches!(self, DiagKind::Finding | DiagKind::Suppression)
    }
}

/// A place in a file: byte range, 1-based line and column (in characters) of its start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub range: Range<usize>,
    pub line: usize,
    pub col: usize,
}

impl Loc {
    /// The location of byte `offset` in `text` (clamped to the text, on a char boundary).
    pub fn at_offset(text: &str, offset: usize) -> Loc {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let col = text[line_start..offset].chars().count() + 1;
        Loc {
            range: offset..offset,
            line,
            col,
        }
    }

    /// The location of `range` in `text`, computing line and column from the bytes.
    pub fn of_range(text: &str, range: Range<usize>) -> Loc {
        let mut loc = Loc::at_offset(text, range.start);
        let end = floor_char_boundary(text, range.end.min(text.len())).max(loc.range.start);
        loc.range.end = end;
        loc
    }
}

/// The largest char boundary of `text` not above `i`.
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The source lines a diagnostic shows, cut out of the file so the file itself need not be
/// kept: `text` starts at byte `offset` of the file, on line `line_start`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    pub offset: usize,
    pub line_start: usize,
}

/// Excerpts longer than this (a minified or generated line) are not shown; the diagnostic
/// then names only `file:line:col`.
const MAX_EXCERPT: usize = 16 * 1024;

impl Excerpt {
    /// The whole lines of `text` that hold every location in `locs` (at least one).
    pub fn covering(text: &str, locs: &[&Loc]) -> Option<Excerpt> {
        let first = locs.iter().min_by_key(|l| l.range.start)?;
        let start = floor_char_boundary(text, first.range.start);
        let end = locs.iter().map(|l| l.range.end).max()?.min(text.len());
        let line_begin = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |p| end + p);
        let line_end = floor_char_boundary(text, line_end);
        if line_end.saturating_sub(line_begin) > MAX_EXCERPT {
            return None;
        }
        Some(Excerpt {
            text: text[line_begin..line_end].to_string(),
            offset: line_begin,
            line_start: first.line,
        })
    }

    /// Line and column (1-based, in characters) of file offset `offset`, when it lies in
    /// the excerpt.
    pub fn position(&self, offset: usize) -> Option<(usize, usize)> {
        let local = offset.checked_sub(self.offset)?;
        if local > self.text.len() || !self.text.is_char_boundary(local) {
            return None;
        }
        let before = &self.text[..local];
        let line = self.line_start + before.bytes().filter(|&b| b == b'\n').count();
        let line_begin = before.rfind('\n').map_or(0, |p| p + 1);
        Some((line, before[line_begin..].chars().count() + 1))
    }

    /// The text of line `line` (1-based, without its line break), when the excerpt holds it.
    pub fn line(&self, line: usize) -> Option<&str> {
        let i = line.checked_sub(self.line_start)?;
        self.text
            .split('\n')
            .nth(i)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// `range` (file offsets) as offsets into the excerpt, clamped.
    pub fn local(&self, range: &Range<usize>) -> Range<usize> {
        let start = range.start.saturating_sub(self.offset).min(self.text.len());
        let end = range
            .end
            .saturating_sub(self.offset)
            .clamp(start, self.text.len());
        start..end
    }
}

/// A note or help line under a diagnostic, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Child {
    Note(String),
    Help(String),
}

/// One diagnostic, ready to render in any format.
#[derive(Clone, Debug)]
pub struct Diag {
    pub kind: DiagKind,
    pub severity: Severity,
    /// The rule's name for findings (`unwrap_used`).
    pub rule: Option<&'static str>,
    pub message: String,
    /// Path shown to the user (relative to the workspace root or the current directory).
    pub file: Option<String>,
    pub primary: Option<Loc>,
    pub primary_label: Option<String>,
    pub labels: Vec<(Loc, String)>,
    pub excerpt: Option<Excerpt>,
    pub children: Vec<Child>,
    /// The finding lies in AI code.
    pub in_ai: bool,
    /// Path of the innermost named item around a finding (`auth::Server::login`).
    pub item_path: Option<String>,
    /// The model named by the AI item's marker.
    pub model: Option<String>,
    /// The finding's line-independent fingerprint (see `baseline`), set before filtering.
    pub fingerprint: Option<crate::baseline::Fingerprint>,
}

impl Diag {
    pub fn new(kind: DiagKind, severity: Severity, message: impl Into<String>) -> Diag {
        Diag {
            kind,
            severity,
            rule: None,
            message: message.into(),
            file: None,
            primary: None,
            primary_label: None,
            labels: Vec::new(),
            excerpt: None,
            children: Vec::new(),
            in_ai: false,
            item_path: None,
            model: None,
            fingerprint: None,
        }
    }

    pub fn error(kind: DiagKind, message: impl Into<String>) -> Diag {
        Diag::new(kind, Severity::Error, message)
    }

    /// Names the file, without a place in it.
    pub fn in_file(mut self, file: impl Into<String>) -> Diag {
        self.file = Some(file.into());
        self
    }

    /// Points at `loc` in `file`, whose text is `text`; the excerpt is cut at once.
    pub fn at(mut self, file: impl Into<String>, text: &str, loc: Loc) -> Diag {
        self.file = Some(file.into());
        self.excerpt = Excerpt::covering(text, &[&loc]);
        self.primary = Some(loc);
        self
    }

    /// Recomputes the excerpt to cover the primary span and every label.
    pub fn with_excerpt_from(mut self, text: &str) -> Diag {
        let mut locs: Vec<&Loc> = self.labels.iter().map(|(l, _)| l).collect();
        if let Some(p) = &self.primary {
            locs.push(p);
        }
        self.excerpt = Excerpt::covering(text, &locs);
        self
    }

    pub fn label(mut self, text: impl Into<String>) -> Diag {
        self.primary_label = Some(text.into());
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Diag {
        self.children.push(Child::Note(text.into()));
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Diag {
        self.children.push(Child::Help(text.into()));
        self
    }

    /// The deterministic report order: config, then workspace problems, then by file,
    /// line, column, rule.
    pub fn sort_key(&self) -> (u8, Option<&str>, usize, usize, Option<&'static str>, &str) {
        let rank = match self.kind {
            DiagKind::Config => 0,
            DiagKind::Workspace => 1,
            _ => 2,
        };
        let (line, col) = self.primary.as_ref().map_or((0, 0), |l| (l.line, l.col));
        (
            rank,
            self.file.as_deref(),
            line,
            col,
            self.rule,
            &self.message,
        )
    }
}

impl Diag {
    /// Where `loc` ends: line and column (1-based, in characters) just after its last
    /// character. Computed from the excerpt; without one, the start with the byte length
    /// added.
    pub fn end_of(&self, loc: &Loc) -> (usize, usize) {
        self.excerpt
            .as_ref()
            .and_then(|ex| ex.position(loc.range.end))
            .filter(|end| *end >= (loc.line, loc.col))
            .unwrap_or((loc.line, loc.col + loc.range.len()))
    }

    /// The source line the primary span starts on, when known.
    pub fn primary_line(&self) -> Option<&str> {
        let loc = self.primary.as_ref()?;
        self.excerpt.as_ref()?.line(loc.line)
    }
}

/// What the machine-readable formats need besides the diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The directory `Diag::file` paths are relative to.
    pub base: PathBuf,
    /// The directory SARIF and GitHub paths are relative to: the enclosing git repository's
    /// root, else `base`.
    pub repo_root: PathBuf,
    /// The cargo packages checked (json's `package_id` and `target`).
    pub packages: Vec<json::Package>,
    /// Whether the run passes (json's `build-finished`, SARIF's `executionSuccessful`).
    pub success: bool,
}

impl Context {
    /// A context for files relative to `base`, in the git repository around `base` if any.
    pub fn new(base: &Path) -> Context {
        Context {
            base: base.to_path_buf(),
            repo_root: repo_root(base).unwrap_or_else(|| base.to_path_buf()),
            packages: Vec::new(),
            success: true,
        }
    }

    /// The absolute path of a displayed file.
    pub fn absolute(&self, file: &str) -> PathBuf {
        self.base.join(file)
    }

    /// A displayed file's path relative to the repository root, with `/` separators; `None`
    /// when the file lies outside it.
    pub fn repo_path(&self, file: &str) -> Option<String> {
        let abs = self.absolute(file);
        let rel = if let Ok(rel) = abs.strip_prefix(&self.repo_root) {
            rel.to_path_buf()
        } else {
            let abs = std::fs::canonicalize(&abs).ok()?;
            let root = std::fs::canonicalize(&self.repo_root).ok()?;
            abs.strip_prefix(root).ok()?.to_path_buf()
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() || parts.iter().any(|p| p == ".." || p == ".") {
            return None;
        }
        Some(parts.join("/"))
    }
}

/// The nearest directory at or above `dir` holding `.git` (a directory, or a file in a
/// worktree or submodule).
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Sorts diagnostics into report order.
pub fn sort(diags: &mut [Diag]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// How diagnostics are written.
pub struct Printer<'a> {
    pub format: MessageFormat,
    pub styled: bool,
    pub ctx: &'a Context,
}

impl Printer<'_> {
    /// Writes every diagnostic to `out`.
    pub fn write_all(&self, out: &mut dyn Write, diags: &[Diag]) -> io::Result<()> {
        match self.format {
            MessageFormat::Human => {
                let renderer = human::renderer(self.styled);
                for d in diags {
                    writeln!(out, "{}\n", human::render(&renderer, d))?;
                }
            }
            MessageFormat::Short => {
                for d in diags {
                    writeln!(out, "{}", short::render(d))?;
                }
            }
            MessageFormat::Json => json::write(out, diags, self.ctx, json::Rendered::Plain)?,
            MessageFormat::JsonDiagnosticRenderedAnsi => {
                json::write(out, diags, self.ctx, json::Rendered::Ansi)?;
            }
            MessageFormat::JsonDiagnosticShort => {
                json::write(out, diags, self.ctx, json::Rendered::Short)?;
            }
            MessageFormat::Sarif => sarif::write(out, diags, self.ctx)?,
            MessageFormat::Github => {
                for d in diags {
                    writeln!(out, "{}", github::render(d, self.ctx))?;
                }
            }
        }
        Ok(())
    }
}

impl MessageFormat {
    /// Whether the format is read by programs: colors never apply, and notes for people go
    /// to stderr.
    pub fn is_machine(self) -> bool {
        !matches!(self, MessageFormat::Human | MessageFormat::Short)
    }
}
