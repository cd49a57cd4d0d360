//! The scan: files in parallel (rayon, on threads with large stacks), each read once, parsed
//! once, checked, and every `proc_macro2::Span` turned into a plain location at once on that
//! thread; then the thread's span source map is freed before its next file. The `mod`
//! declarations of each parsed file give the next files to check (cargo mode), queued as
//! soon as it is checked ([`sched`]); a file reached twice is checked once.

mod sched;

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aiguard_lints::lines::LineIndex;
use aiguard_lints::{Config, FileCtx, Finding, Level};
use globset::GlobSet;
use proc_macro2::Span;
use rayon::prelude::*;

use crate::parse::{Failure, Tree};
use crate::report::{Diag, DiagKind, Loc, Severity, floor_char_boundary};
use crate::workspace::{self, ModDecl, ModDir, Resolved, Workspace};

/// Stack size of the scan threads: deep nesting in generated code must not overflow. syn
/// needs up to about 5 KB of stack per unit of the nesting measure (`parse::MAX_NESTING`)
/// in release builds, and several times that in debug builds (tests run those). Only the
/// pages a thread touches are ever allocated.
pub const STACK_SIZE: usize = if cfg!(debug_assertions) {
    1 << 30
} else {
    256 << 20
};

/// A package's effective config and its `[ai] paths` matcher.
pub struct PkgConfig {
    pub config: Config,
    pub ai_globs: GlobSet,
}

/// Counts for the summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub files_checked: usize,
    pub lines: usize,
    pub ai_lines: usize,
    pub ai_items: usize,
    /// Findings dropped by `// aiguard: allow(..)` comments.
    pub suppressed: usize,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, o: Totals) {
        self.files_checked += o.files_checked;
        self.lines += o.lines;
        self.ai_lines += o.ai_lines;
        self.ai_items += o.ai_items;
        self.suppressed += o.suppressed;
    }
}

/// An AI item of a checked file, for `cargo aiguard list`.
#[derive(Clone, Debug)]
pub struct ItemInfo {
    /// `fn`, `impl`, `mod`, ... or `file`.
    pub kind: &'static str,
    pub path: String,
    pub model: Option<String>,
    pub reviewed: Option<String>,
    /// First and last line (1-based, inclusive).
    pub lines: (usize, usize),
}

/// A checked file, for `cargo aiguard list`.
#[derive(Clone, Debug)]
pub struct FileInfo {
    /// The displayed path.
    pub file: String,
    /// Index into `Workspace::packages`.
    pub pkg: usize,
    pub lines: usize,
    pub ai_lines: usize,
    pub items: Vec<ItemInfo>,
}

/// A file's place in the order in which a breadth-first walk of the `mod` trees reaches it:
/// the index of its target root, then the index of the `mod` declaration at each level down.
/// Shallower files come first, then the order of the roots and of the declarations. A file
/// reached more than once is checked as the first of these reaches it, whatever order the
/// threads happen to finish in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key(Vec<u32>);

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One file to check, with what its includer knows about it.
#[derive(Clone, Debug)]
struct Job {
    key: Key,
    path: PathBuf,
    canonical: PathBuf,
    pkg: usize,
    module_path: Vec<String>,
    dir: ModDir,
    follow_mods: bool,
    is_test: bool,
    /// Canonical paths of the files that (transitively) declared this one, for cycles.
    ancestors: Arc<Vec<PathBuf>>,
}

/// What checking one file gave.
#[derive(Default)]
struct Outcome {
    diags: Vec<Diag>,
    children: Vec<Job>,
    totals: Totals,
    file: Option<FileInfo>,
}

struct Ctx<'a> {
    ws: &'a Workspace,
    pkgs: &'a [PkgConfig],
}

/// Checks every file of `ws`, following `mod` declarations from cargo targets.
pub fn run(
    ws: &Workspace,
    pkgs: &[PkgConfig],
) -> Result<(Vec<Diag>, Totals, Vec<FileInfo>), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("aiguard-scan-{i}"))
        .build()
        .map_err(|e| format!("could not start the scan threads: {e}"))?;
    let cx = Ctx { ws, pkgs };
    let mut seen = HashSet::new();
    let mut roots = Vec::new();
    for (i, root) in ws.roots.iter().enumerate() {
        let canonical = std::fs::canonicalize(&root.path).unwrap_or_else(|_| root.path.clone());
        if !seen.insert(canonical.clone()) {
            continue;
        }
        roots.push(Job {
            key: Key(vec![u32::try_from(i).unwrap_or(u32::MAX)]),
            dir: ModDir::owned(&root.path),
            path: root.path.clone(),
            canonical,
            pkg: root.pkg,
            module_path: Vec::new(),
            follow_mods: root.follow_mods,
            is_test: root.is_test,
            ancestors: Arc::new(Vec::new()),
        });
    }
    let outcomes = if roots.iter().any(|r| r.follow_mods) {
        pool.install(|| sched::run(&cx, roots))
    } else {
        // No `mod` to follow (PATHS mode): one parallel pass.
        pool.install(|| roots.par_iter().map(|job| check_one(&cx, job)).collect())
    };
    let mut diags = Vec::new();
    let mut totals = Totals::default();
    let mut files = Vec::new();
    for o in outcomes {
        diags.extend(o.diags);
        totals += o.totals;
        files.extend(o.file);
    }
    Ok((diags, totals, files))
}

fn check_one(cx: &Ctx<'_>, job: &Job) -> Outcome {
    let shown = cx.ws.display(&job.path);
    let mut out = Outcome::default();
    let bytes = match std::fs::read(&job.path) {
        Ok(b) => b,
        Err(e) => {
            out.diags.push(
                Diag::error(
                    DiagKind::Input,
                    format!("could not read `{shown}`: {}", workspace::io_message(&e)),
                )
                .in_file(shown),
            );
            return out;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            out.diags.push(not_utf8(&shown, &e.into_bytes()));
            return out;
        }
    };
    let pkg = &cx.pkgs[job.pkg.min(cx.pkgs.len().saturating_sub(1))];
    let rel_to_root = job.path.strip_prefix(&cx.ws.root).unwrap_or(&job.path);
    let fcx = FileCtx {
        module_path: job.module_path.clone(),
        is_test: job.is_test,
        ai_file: pkg.ai_globs.is_match(rel_to_root)
            || aiguard_lints::ai::file_has_ai_comment(&text),
        is_build_script: job.path.file_name().is_some_and(|n| n == "build.rs"),
        source: None,
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        analyze(&text, &shown, &fcx, &pkg.config, job.follow_mods)
    }));
    // Every span of this file is a plain location now; free the thread's source map.
    proc_macro2::extra::invalidate_current_thread_spans();
    let analysis = match result {
        Ok(a) => a,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            out.diags.push(
                Diag::error(
                    DiagKind::Internal,
                    "internal error: aiguard panicked on this file",
                )
                .in_file(shown)
                .note(format!("panic: {what}"))
                .note("this file was not checked")
                .help("please report this as a bug with the file that triggers it"),
            );
            return out;
        }
    };
    out.diags = analysis.diags;
    if !analysis.parsed {
        return out;
    }
    out.totals.files_checked = 1;
    out.totals.lines = text.lines().count();
    out.totals.ai_items = analysis.ai_items;
    out.totals.ai_lines = if fcx.ai_file {
        out.totals.lines
    } else {
        union_len(analysis.ai_ranges)
    };
    if text.contains("aiguard:") {
        out.totals.suppressed =
            apply_suppressions(&text, &shown, &analysis.literal_ranges, &mut out.diags);
    }
    out.file = Some(FileInfo {
        file: shown.clone(),
        pkg: job.pkg,
        lines: out.totals.lines,
        ai_lines: out.totals.ai_lines,
        items: analysis.items,
    });
    for (i, (decl, loc)) in analysis.decls.into_iter().enumerate() {
        child(cx, job, (i, &decl), &text, &shown, loc, &mut out);
    }
    out
}

/// The diagnostic for a file that is not UTF-8, pointing at the first bad byte; the line is
/// shown with invalid bytes replaced by `\u{FFFD}`.
fn not_utf8(shown: &str, bytes: &[u8]) -> Diag {
    let valid = std::str::from_utf8(bytes)
        .err()
        .map_or(bytes.len(), |e| e.valid_up_to());
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
    let mut loc = Loc::at_offset(prefix, valid);
    let line_begin = prefix.rfind('\n').map_or(0, |p| p + 1);
    let line_end = bytes[valid..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| valid + p);
    let rest = String::from_utf8_lossy(&bytes[valid..line_end]);
    let mut d =
        Diag::error(DiagKind::Input, format!("`{shown}` is not valid UTF-8")).in_file(shown);
    if line_end - line_begin <= 4096 {
        // In the excerpt, the first bad byte is the first `\u{FFFD}`: 3 bytes.
        loc.range = valid..valid + '\u{FFFD}'.len_utf8();
        d.excerpt = Some(crate::report::Excerpt {
            text: format!("{}{rest}", &prefix[line_begin..]),
            offset: line_begin,
            line_start: loc.line,
        });
        d = d.label("invalid UTF-8 here");
    }
    d.primary = Some(loc);
    d.note("this file was not checked")
        .help("save the file as UTF-8")
}

/// What one parse+check produced, with every span already located.
struct Analysis {
    parsed: bool,
    diags: Vec<Diag>,
    decls: Vec<(ModDecl, Loc)>,
    ai_items: usize,
    ai_ranges: Vec<(usize, usize)>,
    items: Vec<ItemInfo>,
    /// Byte ranges of literals (and doc comments) that mention `aiguard:`: a suppression
    /// comment found inside one is not a comment.
    literal_ranges: Vec<std::ops::Range<usize>>,
}

fn analyze(text: &str, shown: &str, fcx: &FileCtx, config: &Config, follow_mods: bool) -> Analysis {
    let mut a = Analysis {
        parsed: false,
        diags: Vec::new(),
        decls: Vec::new(),
        ai_items: 0,
        ai_ranges: Vec::new(),
        items: Vec::new(),
        literal_ranges: Vec::new(),
    };
    let parsed = match crate::parse::parse(text) {
        Ok(p) => p,
        Err((failure, base)) => {
            a.diags.push(failure_diag(failure, text, shown, base));
            return a;
        }
    };
    let base = parsed.base;
    // the parsed text, which span byte offsets index: rules skip what cannot concern them
    let fcx = &FileCtx {
        source: text.get(base..).map(std::sync::Arc::from),
        ..fcx.clone()
    };
    a.literal_ranges = parsed
        .aiguard_literals
        .into_iter()
        .map(|r| r.start + base..r.end + base)
        .collect();
    let (report, decls) = match parsed.tree {
        Tree::Whole(file) => check_whole(&file, fcx, config, follow_mods),
        Tree::Parts(parts, tokens) => {
            if let Some(checked) = check_parts(&parts, fcx, config, follow_mods) {
                checked
            } else {
                // A chunk did not parse: the whole file decides, as for any other file.
                drop(parts);
                match crate::parse::whole_after_parts(tokens) {
                    Ok(file) => check_whole(&file, fcx, config, follow_mods),
                    Err(failure) => {
                        a.diags.push(failure_diag(failure, text, shown, base));
                        return a;
                    }
                }
            }
        }
    };
    a.parsed = true;
    for f in &report.findings {
        if let Some(d) = finding_diag(f, text, shown, base) {
            a.diags.push(d);
        }
    }
    for p in &report.problems {
        let mut d = Diag::error(DiagKind::Problem, p.message.clone()).at(
            shown,
            text,
            locate(p.span, text, base),
        );
        if let Some(h) = &p.help {
            d = d.help(h.clone());
        }
        a.diags.push(d);
    }
    a.ai_items = report.ai_items.len();
    a.ai_ranges = report
        .ai_items
        .iter()
        .filter(|i| i.kind != "file")
        .map(|i| (i.span.start().line, i.span.end().line))
        .collect();
    a.items = report
        .ai_items
        .iter()
        .map(|i| ItemInfo {
            kind: i.kind,
            path: i.path.clone(),
            model: i.model.clone(),
            reviewed: i.reviewed.clone(),
            lines: (i.span.start().line, i.span.end().line),
        })
        .collect();
    a.decls = decls
        .into_iter()
        .map(|d| {
            let loc = locate(d.span, text, base);
            (d, loc)
        })
        .collect();
    a
}

/// The diagnostic for a file that could not be parsed.
fn failure_diag(failure: Failure, text: &str, shown: &str, base: usize) -> Diag {
    let (loc, message, help) = match failure {
        Failure::Syntax(span, message) => (locate(span, text, base), message, None),
        Failure::TooDeep(span) => (
            locate(span, text, base),
            "file nested too deeply to parse".to_string(),
            Some(format!(
                "aiguard parses files nested up to about {} levels; split this code",
                crate::parse::MAX_NESTING
            )),
        ),
    };
    let mut d = Diag::error(DiagKind::Input, message)
        .at(shown, text, loc)
        .note("this file was not checked");
    if let Some(h) = help {
        d = d.help(h);
    }
    d
}

fn check_whole(
    file: &syn::File,
    fcx: &FileCtx,
    config: &Config,
    follow_mods: bool,
) -> (aiguard_lints::Report, Vec<ModDecl>) {
    let report = aiguard_lints::check_file(file, fcx, config);
    let decls = if follow_mods {
        workspace::mod_decls(file)
    } else {
        Vec::new()
    };
    (report, decls)
}

/// [`check_whole`] a chunk of items at a time; `None` when a chunk does not parse.
fn check_parts(
    parts: &crate::parts::Parts,
    fcx: &FileCtx,
    config: &Config,
    follow_mods: bool,
) -> Option<(aiguard_lints::Report, Vec<ModDecl>)> {
    let mut decls = Vec::new();
    let mut ok = true;
    let report = aiguard_lints::check_file_items(fcx, config, &parts.head, |visit| {
        ok = parts
            .for_each(|chunk| {
                for item in &chunk.items {
                    visit(item);
                }
                if follow_mods {
                    decls.extend(workspace::mod_decls(&chunk));
                }
            })
            .is_ok();
    });
    ok.then_some((report, decls))
}

/// A span of the file being checked as a plain location; `base` is where the parsed text
/// starts in the file (after a byte-order mark or shebang). Spans the engine made up
/// (`Span::call_site()`) or that point outside the text land on the file's start.
fn locate(span: Span, text: &str, base: usize) -> Loc {
    let range = span.byte_range();
    let start = span.start();
    let (s, e) = (range.start + base, range.end + base);
    if start.line == 0 || e > text.len() || s > e {
        return Loc::at_offset(text, 0);
    }
    Loc {
        range: floor_char_boundary(text, s)..floor_char_boundary(text, e),
        line: start.line,
        col: start.column + 1,
    }
}

fn finding_diag(f: &Finding, text: &str, shown: &str, base: usize) -> Option<Diag> {
    let severity = match f.level {
        Level::Deny => Severity::Error,
        Level::Warn => Severity::Warning,
        Level::Allow => return None,
    };
    let mut d = Diag::new(DiagKind::Finding, severity, f.message.clone());
    d.rule = Some(f.rule.name);
    d.item_path = Some(f.item_path.clone());
    d.model = f.ai.as_ref().and_then(|ai| ai.model.clone());
    d.file = Some(shown.to_string());
    d.primary = Some(locate(f.span, text, base));
    d.labels = f
        .labels
        .iter()
        .map(|l| (locate(l.span, text, base), l.text.clone()))
        .collect();
    d = d.with_excerpt_from(text);
    if let Some(ai) = &f.ai {
        d.in_ai = true;
        d = d.note(match &ai.model {
            Some(m) => format!("in AI-generated item `{}` (model: {m})", ai.item),
            None => format!("in AI-generated item `{}`", ai.item),
        });
    }
    for n in &f.notes {
        d = d.note(n.clone());
    }
    if let Some(h) = &f.help {
        d = d.help(h.clone());
    }
    Some(d.note(format!(
        "CWE-{}; run `cargo aiguard explain {}`",
        f.rule.cwe, f.rule.name
    )))
}

/// Drops human-code findings covered by a `// aiguard: allow(rule) reason` comment; reports
/// comments without a reason (they suppress nothing) and unknown rule names. Returns how many
/// findings were dropped. Near-linear in the file, findings and comments: comments are found
/// by line, literals by binary search, locations through a line index.
fn apply_suppressions(
    text: &str,
    shown: &str,
    literals: &[std::ops::Range<usize>],
    diags: &mut Vec<Diag>,
) -> usize {
    let mut sups = aiguard_lints::suppress::scan(text);
    if sups.is_empty() {
        return 0;
    }
    let literals = Spans::new(literals);
    sups.retain(|s| !literals.contains(s.span.start));
    if sups.is_empty() {
        return 0;
    }
    // in line order already; a stable sort keeps the order of comments on one line
    sups.sort_by_key(|s| s.line);
    let before = diags.len();
    diags.retain(|d| {
        let (Some(rule), Some(loc)) = (d.rule, &d.primary) else {
            return true;
        };
        if d.in_ai {
            return true;
        }
        // only comments on the finding's line or the line above can cover it
        let from = sups.partition_point(|s| s.line.saturating_add(1) < loc.line);
        !sups[from..]
            .iter()
            .take_while(|s| s.line <= loc.line)
            .any(|s| s.reason.is_some() && s.covers(rule, loc.line))
    });
    let dropped = before - diags.len();
    let lines = LineIndex::new(text);
    for s in &sups {
        let unknown: Vec<&String> = s
            .rules
            .iter()
            .filter(|r| aiguard_lints::registry::by_name(r).is_none())
            .collect();
        if s.reason.is_some() && unknown.is_empty() {
            continue;
        }
        let loc = loc_in(&lines, text, s.span.clone());
        if s.reason.is_none() {
            let rules = s.rules.join(", ");
            diags.push(
                Diag::new(
                    DiagKind::Suppression,
                    Severity::Warning,
                    "`aiguard: allow(..)` comment without a reason",
                )
                .at(shown, text, loc.clone())
                .label("this suppresses nothing")
                .help(format!(
                    "say why the finding is acceptable after the parentheses: `// aiguard: allow({rules}) <reason>`"
                )),
            );
        }
        for r in unknown {
            let d = Diag::new(
                DiagKind::Suppression,
                Severity::Warning,
                format!("unknown rule `{r}` in `aiguard: allow(..)`"),
            )
            .at(shown, text, loc.clone());
            diags.push(match aiguard_lints::registry::closest(r) {
                Some(c) => d.help(format!("a rule with a similar name exists: `{c}`")),
                None => d.help("run `cargo aiguard rules` to list the rules"),
            });
        }
    }
    dropped
}

/// A set of byte ranges, merged and sorted for point queries.
struct Spans(Vec<std::ops::Range<usize>>);

impl Spans {
    fn new(ranges: &[std::ops::Range<usize>]) -> Spans {
        let mut sorted: Vec<_> = ranges.iter().filter(|r| r.start < r.end).cloned().collect();
        sorted.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(sorted.len());
        for r in sorted {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Spans(merged)
    }

    /// Whether one of the ranges contains `at`.
    fn contains(&self, at: usize) -> bool {
        let i = self.0.partition_point(|r| r.start <= at);
        i > 0 && at < self.0[i - 1].end
    }
}

/// `Loc::of_range(text, range)` through `lines` (made from `text`), in time proportional to
/// the line's length.
fn loc_in(lines: &LineIndex, text: &str, range: std::ops::Range<usize>) -> Loc {
    let offset = floor_char_boundary(text, range.start.min(text.len()));
    let line = lines.line_of(offset);
    let line_start = lines.line_start(line).unwrap_or(0);
    let col = text[line_start..offset].chars().count() + 1;
    let end = floor_char_boundary(text, range.end.min(text.len())).max(offset);
    Loc {
        range: offset..end,
        line,
        col,
    }
}

/// Resolves one `mod name;` of `job`, its `index`-th, into a child job or a diagnostic at the
/// declaration.
fn child(
    cx: &Ctx<'_>,
    job: &Job,
    (index, decl): (usize, &ModDecl),
    text: &str,
    shown: &str,
    loc: Loc,
    out: &mut Outcome,
) {
    let at = |d: Diag| d.at(shown, text, loc.clone());
    let (path, dir) = match workspace::resolve(&job.dir, decl) {
        Resolved::File { path, dir } => (path, dir),
        Resolved::Missing(cands) => {
            let shown_cands: Vec<String> = cands.iter().map(|c| cx.ws.display(c)).collect();
            let d = at(Diag::error(
                DiagKind::Input,
                format!("file not found for module `{}`", decl.name),
            ));
            out.diags.push(match shown_cands.as_slice() {
                [a, b] => d.help(format!(
                    "to create the module `{}`, create file `{a}` or `{b}`",
                    decl.name
                )),
                [a] => d.help(format!("`#[path]` names `{a}`, which does not exist")),
                _ => d,
            });
            return;
        }
        Resolved::Ambiguous(a, b) => {
            out.diags.push(
                at(Diag::error(
                    DiagKind::Input,
                    format!(
                        "file for module `{}` found at both `{}` and `{}`",
                        decl.name,
                        cx.ws.display(&a),
                        cx.ws.display(&b)
                    ),
                ))
                .help("delete or rename one of them to remove the ambiguity"),
            );
            return;
        }
    };
    let canonical = match std::fs::canonicalize(&path) {
        Ok(c) => c,
        Err(e) => {
            out.diags.push(
                at(Diag::error(
                    DiagKind::Input,
                    format!(
                        "could not read `{}`: {}",
                        cx.ws.display(&path),
                        workspace::io_message(&e)
                    ),
                ))
                .label(format!("module `{}` is declared here", decl.name)),
            );
            return;
        }
    };
    if canonical == job.canonical || job.ancestors.contains(&canonical) {
        let mut chain: Vec<String> = job
            .ancestors
            .iter()
            .skip_while(|a| **a != canonical)
            .map(|a| cx.ws.display(a))
            .collect();
        chain.push(shown.to_string());
        chain.push(cx.ws.display(&path));
        out.diags.push(
            at(Diag::error(
                DiagKind::Input,
                format!("circular modules: {}", chain.join(" -> ")),
            ))
            .help("remove one of the `mod` declarations of the cycle"),
        );
        return;
    }
    let pkg_root = cx
        .ws
        .packages
        .get(job.pkg)
        .map_or(cx.ws.root.as_path(), |p| p.root.as_path());
    let mut module_path = job.module_path.clone();
    module_path.extend(decl.inline.iter().map(|(n, _)| n.clone()));
    module_path.push(decl.name.clone());
    let mut ancestors = (*job.ancestors).clone();
    ancestors.push(job.canonical.clone());
    let mut key = job.key.clone();
    key.0.push(u32::try_from(index).unwrap_or(u32::MAX));
    out.children.push(Job {
        key,
        is_test: job.is_test
            || decl.is_test
            || aiguard_lints::scope::is_test_path(
                path.strip_prefix(pkg_root).unwrap_or(Path::new("")),
            ),
        path,
        canonical,
        pkg: job.pkg,
        module_path,
        dir,
        follow_mods: true,
        ancestors: Arc::new(ancestors),
    });
}

/// How many lines the union of inclusive line ranges covers.
fn union_len(mut ranges: Vec<(usize, usize)>) -> usize {
    ranges.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(usize, usize)> = None;
    for (s, e) in ranges {
        match &mut cur {
            Some((_, ce)) if s <= *ce + 1 => *ce = (*ce).max(e),
            _ => {
                if let Some((cs, ce)) = cur {
                    total += ce - cs + 1;
                }
                cur = Some((s, e.max(s)));
            }
        }
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs + 1;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding of `rule` at the start of line `line` (1-based) of `text`.
    fn finding(text: &str, rule: &'static str, line: usize, in_ai: bool) -> Diag {
        let start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let mut d = Diag::new(DiagKind::Finding, Severity::Warning, "finding");
        d.rule = Some(rule);
        d.in_ai = in_ai;
        d.primary = Some(Loc::of_range(text, start..start + 1));
        d
    }

    /// The straightforward version: every finding against every comment, every comment
    /// against every literal, each location found by scanning the text.
    fn reference(
        text: &str,
        shown: &str,
        literals: &[std::ops::Range<usize>],
        diags: &mut Vec<Diag>,
    ) -> usize {
        let mut sups = aiguard_lints::suppress::scan(text);
        sups.retain(|s| !literals.iter().any(|l| l.contains(&s.span.start)));
        let before = diags.len();
        diags.retain(|d| {
            let (Some(rule), Some(loc)) = (d.rule, &d.primary) else {
                return true;
            };
            d.in_ai
                || !sups
                    .iter()
                    .any(|s| s.reason.is_some() && s.covers(rule, loc.line))
        });
        let dropped = before - diags.len();
        for s in &sups {
            let loc = Loc::of_range(text, s.span.clone());
            if s.reason.is_none() {
                diags.push(
                    Diag::new(
                        DiagKind::Suppression,
                        Severity::Warning,
                        "`aiguard: allow(..)` comment without a reason",
                    )
                    .at(shown, text, loc.clone()),
                );
            }
            for r in &s.rules {
                if aiguard_lints::registry::by_name(r).is_none() {
                    diags.push(
                        Diag::new(
                            DiagKind::Suppression,
                            Severity::Warning,
                            format!("unknown rule `{r}` in `aiguard: allow(..)`"),
                        )
                        .at(shown, text, loc.clone()),
                    );
                }
            }
        }
        dropped
    }

    /// What and where the diagnostics are, without their labels and help.
    fn places(diags: &[Diag]) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                format!(
                    "{:?} {:?} {} {:?} {:?} {:?}",
                    d.kind, d.rule, d.message, d.file, d.primary, d.excerpt
                )
            })
            .collect()
    }

    #[test]
    fn suppressions_match_the_plain_scan() {
        let text = "// aiguard: allow(unwrap_used) at the top\r\n\
             x.unwrap();\r\n\
             let é = y.unwrap(); // aiguard: allow(unwrap_used, expect-used) checked\n\
             z.expect(\"\"); // aiguard: allow(expect_used)\n\
             \t// aiguard: allow(unwrap_usd, nonsense) typo\n\
             w.unwrap();\n\
             let s = \"// aiguard: allow(unwrap_used) in a string\"; s.unwrap();\n\
             let r = r#\"\n// aiguard: allow(unwrap_used) in a raw string\n\"#; r.unwrap();\n\
             // aiguard: allow(unwrap_used): reason after a colon\n\
             \n\
             v.unwrap();\n\
             // aiguard: allow(unwrap_used) last line";
        let line_of = |needle: &str| {
            text.split('\n')
                .position(|l| l.contains(needle))
                .expect("needle")
                + 1
        };
        let string_start = text.find("\"// aiguard").expect("string");
        let raw_start = text.find("r#\"").expect("raw string");
        let raw_end = text.find("\"#;").expect("raw string end") + 2;
        // overlapping and unsorted, as nested token trees give them
        let literals = vec![
            raw_start..raw_end,
            string_start..string_start + 44,
            raw_start + 3..raw_start + 10,
            0..0,
        ];
        let mut diags = Vec::new();
        for line in 1..=text.lines().count() + 1 {
            for rule in ["unwrap_used", "expect_used", "indexing_panic"] {
                diags.push(finding(text, rule, line.min(text.lines().count()), false));
            }
            diags.push(finding(text, "unwrap_used", line.min(12), true));
        }
        diags.push(Diag::new(DiagKind::Input, Severity::Error, "no place"));
        let mut expected = diags.clone();
        let dropped = apply_suppressions(text, "f.rs", &literals, &mut diags);
        let expected_dropped = reference(text, "f.rs", &literals, &mut expected);
        assert_eq!(dropped, expected_dropped);
        assert_eq!(places(&diags), places(&expected));
        // the cases are there: suppressed on the comment's line and the next, not in AI
        // code, not by a comment in a literal
        assert!(dropped >= 6, "{dropped}");
        let kept = |rule: &str, line: usize| {
            diags.iter().any(|d| {
                !d.in_ai
                    && d.rule == Some(rule)
                    && d.primary.as_ref().is_some_and(|l| l.line == line)
            })
        };
        assert!(!kept("unwrap_used", line_of("x.unwrap()")));
        assert!(kept("unwrap_used", line_of("w.unwrap()")));
        assert!(kept("unwrap_used", line_of("s.unwrap()")));
        assert!(kept("unwrap_used", line_of("r.unwrap()")));
        assert!(!kept("unwrap_used", line_of("v.unwrap()") - 1));
        assert!(kept("unwrap_used", line_of("v.unwrap()")));
        assert!(!kept("expect_used", line_of("let é")));
        assert_eq!(
            diags
                .iter()
                .filter(|d| d.kind == DiagKind::Suppression)
                .count(),
            3,
            "one comment without a reason, one with two unknown rules"
        );
    }

    /// A generated file of `n` lines, half of them with a suppression comment, a tenth with
    /// a comment in a string literal, a tenth with one without a reason; a finding on each
    /// line, in human code. The literals' ranges, and the findings.
    fn many_suppressions(n: usize) -> (String, Vec<std::ops::Range<usize>>, Vec<Diag>) {
        use std::fmt::Write as _;
        let mut text = String::new();
        let mut literals = Vec::new();
        let mut rules = Vec::new();
        for i in 0..n {
            match i % 10 {
                0 | 2 | 4 | 6 | 8 => {
                    let _ = writeln!(
                        text,
                        "    let a{i} = x.unwrap(); // aiguard: allow(unwrap_used) checked above"
                    );
                    rules.push("unwrap_used");
                }
                1 => {
                    let at = text.len() + format!("    let b{i} = ").len();
                    let _ = writeln!(
                        text,
                        "    let b{i} = \"// aiguard: allow(unwrap_used) not a comment\";"
                    );
                    literals.push(at..at + 46);
                    rules.push("unwrap_used");
                }
                3 => {
                    text.push_str("    y.unwrap(); // aiguard: allow(unwrap_used)\n");
                    rules.push("unwrap_used");
                }
                _ => {
                    let _ = writeln!(text, "    let c{i} = v[{i}];");
                    rules.push("indexing_panic");
                }
            }
        }
        let mut diags = Vec::with_capacity(n);
        let mut start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let mut d = Diag::new(DiagKind::Finding, Severity::Warning, "finding");
            d.rule = Some(rules[i]);
            d.primary = Some(Loc {
                range: start + 4..start + 5,
                line: i + 1,
                col: 5,
            });
            diags.push(d);
            start += line.len();
        }
        (text, literals, diags)
    }

    /// The fastest of `runs` runs of `apply` on [`many_suppressions`]`(n)`.
    fn suppression_time(apply: Apply, n: usize, runs: usize) -> std::time::Duration {
        let (text, literals, diags) = many_suppressions(n);
        (0..runs)
            .map(|_| {
                let mut diags = diags.clone();
                let t = std::time::Instant::now();
                let dropped = apply(&text, "gen.rs", &literals, &mut diags);
                let elapsed = t.elapsed();
                assert_eq!(dropped, n / 2);
                elapsed
            })
            .min()
            .unwrap_or_default()
    }

    type Apply = fn(&str, &str, &[std::ops::Range<usize>], &mut Vec<Diag>) -> usize;

    /// check(4n) / check(n): 4 for linear work (up to 6 in a debug build on a busy machine),
    /// 16 for quadratic.
    const MAX_SCALING: f64 = 8.0;

    /// Whether `apply` scales linearly from 5,000 lines of suppression comments and findings
    /// to 20,000; the scaling found. A quadratic version takes minutes on 20,000 lines in a
    /// debug build: it is given up on once it takes 4 times `MAX_SCALING` times 5,000 lines.
    fn scales_linearly(apply: Apply) -> (bool, f64) {
        const SMALL: usize = 5_000;
        let small = suppression_time(apply, SMALL, 5);
        let limit = small.mul_f64(4.0 * MAX_SCALING);
        let mut best = f64::INFINITY;
        // a busy machine may slow one run: once more, keeping the faster
        for _ in 0..2 {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(suppression_time(apply, 4 * SMALL, 1));
            });
            let Ok(big) = rx.recv_timeout(limit.max(std::time::Duration::from_millis(50))) else {
                break;
            };
            best = best.min(big.as_secs_f64() / small.as_secs_f64().max(1e-6));
            eprintln!("{SMALL} lines: {small:?}; {}: {big:?}", 4 * SMALL);
            if best <= MAX_SCALING {
                return (true, best);
            }
        }
        (false, best)
    }

    /// Suppression comments are matched in time near-linear in the file: 4 times the lines,
    /// comments and findings take about 4 times as long, not 16.
    #[test]
    fn suppressions_take_linear_time() {
        let (linear, scaling) = scales_linearly(apply_suppressions);
        assert!(
            linear,
            "20,000 lines of suppression comments and findings take {scaling:.1} times as long as 5,000 (linear is about 4, quadratic 16; infinite: over {MAX_SCALING})"
        );
    }

    /// The test above can fail: it does on the straightforward version (in minutes, on a
    /// debug build: `cargo test -p cargo-aiguard -- --ignored quadratic_suppressions`).
    #[test]
    #[ignore = "minutes in a debug build; shows that the linear-time test can fail"]
    fn quadratic_suppressions_fail_the_linear_time_test() {
        assert!(!scales_linearly(reference).0);
    }

    #[test]
    fn unions() {
        assert_eq!(union_len(vec![]), 0);
        assert_eq!(union_len(vec![(3, 5), (1, 2), (4, 9), (20, 20)]), 10);
    }
}
