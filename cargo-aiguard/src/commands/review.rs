//! `cargo aiguard review --by NAME TARGET`: stamp an AI item as reviewed.
//!
//! TARGET is `FILE:LINE` (a line inside the item: the innermost `#[ai_generated]` item that
//! contains it) or an item path such as `auth::verify_token` (found in the cargo workspace).
//! The command computes the item's digest (`aiguard_lints::digest`, the one the macro and
//! `stale_review` compute) and writes `reviewed = "NAME", digest = ".."` into the item's
//! marker with a minimal text edit: every byte outside the marker's argument list stays as it
//! was. An existing stamp is updated in place. `--dry-run` shows the edit and writes nothing.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use aiguard_lints::ai;
use aiguard_lints::digest;
use aiguard_lints::fnlike::{self, ItemRef};
use clap::Args;
use proc_macro2::Span;
use syn::parse::Parser as _;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::cli::CheckArgs;
use crate::exit::ExitStatus;
use crate::report::{Child, Diag, DiagKind, Loc, human};
use crate::workspace::{self, ModDir, Resolved};
use crate::{Fatal, write_or_pipe};

/// Stack of the thread that parses: syn's parser recurses, and `parse::MAX_NESTING` is sized
/// for the scan threads' stacks (larger in debug builds).
const STACK_SIZE: usize = crate::scan::STACK_SIZE;

#[derive(Clone, Debug, Args)]
pub struct ReviewArgs {
    /// Who reviewed the item: written as `reviewed = "NAME"`
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// `FILE:LINE` (a line inside the item) or an item path such as `auth::verify_token`
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Show the edit without writing it
    #[arg(long)]
    pub dry_run: bool,
    /// Path to Cargo.toml (where an item path is looked up)
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Package to look an item path up in (repeatable; default: the whole workspace)
    #[arg(short, long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
}

/// What the user asked for.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// `src/auth.rs:42`
    Line(PathBuf, usize),
    /// `auth::verify_token`, as segments (`crate::` dropped).
    Path(Vec<String>),
}

fn parse_target(s: &str) -> Result<Target, String> {
    if let Some((file, line)) = s.rsplit_once(':')
        && !file.is_empty()
        && !file.ends_with(':')
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
    {
        return match line.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Target::Line(PathBuf::from(file), n)),
            _ => Err(format!(
                "`{line}` is not a line number (lines count from 1)"
            )),
        };
    }
    let segments: Vec<String> = s
        .trim()
        .trim_start_matches("::")
        .split("::")
        .map(|seg| seg.trim().trim_start_matches("r#").to_string())
        .collect();
    let is_ident = |seg: &str| {
        let mut chars = seg.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
            && chars.all(|c| c == '_' || c.is_alphanumeric())
    };
    if segments.iter().all(|seg| is_ident(seg)) {
        let skip = usize::from(segments.len() > 1 && segments[0] == "crate");
        Ok(Target::Path(segments[skip..].to_vec()))
    } else {
        Err(format!(
            "`{s}` is neither `FILE:LINE` nor an item path like `auth::verify_token`"
        ))
    }
}

/// One item of a file: every named item and every marked one.
#[derive(Clone, Debug)]
struct Entry {
    /// Path within the file: `User::is_admin`, `inner::helper`.
    path: Vec<String>,
    kind: &'static str,
    marked: bool,
    /// Byte range of the item with its attributes, in the file's text.
    range: Range<usize>,
    first_line: usize,
    last_line: usize,
    /// The line of the item's name (what a finding points at).
    name_line: usize,
    /// Index of the innermost enclosing marked entry.
    enclosing: Option<usize>,
}

impl Entry {
    fn shown_path(&self) -> String {
        self.path.join("::")
    }
}

struct Collect<'a> {
    base: usize,
    path: Vec<String>,
    marked_stack: Vec<usize>,
    entries: Vec<Entry>,
    nodes: Vec<ItemRef<'a>>,
}

impl<'a> Collect<'a> {
    fn enter(
        &mut self,
        item: ItemRef<'a>,
        kind: &'static str,
        name: Option<String>,
        inner: impl FnOnce(&mut Self),
    ) {
        let pushed = name.is_some();
        if let Some(n) = name {
            self.path.push(n);
        }
        let marked = marker_attr(item.attrs()).is_some();
        let mut own = None;
        if pushed || marked {
            let span = item.span();
            let r = span.byte_range();
            own = Some(self.entries.len());
            self.entries.push(Entry {
                path: self.path.clone(),
                kind,
                marked,
                range: self.base + r.start..self.base + r.end,
                first_line: span.start().line,
                last_line: span.end().line,
                name_line: item.name_span().start().line,
                enclosing: self.marked_stack.last().copied(),
            });
            self.nodes.push(item);
        }
        if marked && let Some(i) = own {
            self.marked_stack.push(i);
        }
        inner(self);
        if marked {
            self.marked_stack.pop();
        }
        if pushed {
            self.path.pop();
        }
    }
}

impl<'a> Visit<'a> for Collect<'a> {
    fn visit_item(&mut self, i: &'a syn::Item) {
        let (kind, name) = fnlike::item_kind_and_name(i);
        let name = match i {
            syn::Item::Impl(imp) => Some(fnlike::impl_name(imp)),
            syn::Item::Use(_) | syn::Item::ExternCrate(_) => None,
            _ => name,
        };
        self.enter(ItemRef::Item(i), kind, name, |this| {
            syn::visit::visit_item(this, i);
        });
    }

    fn visit_impl_item(&mut self, i: &'a syn::ImplItem) {
        let (kind, name) = match i {
            syn::ImplItem::Fn(f) => ("fn", Some(f.sig.ident.to_string())),
            syn::ImplItem::Const(c) => ("const", Some(c.ident.to_string())),
            syn::ImplItem::Type(t) => ("type", Some(t.ident.to_string())),
            _ => ("item", None),
        };
        self.enter(ItemRef::Impl(i), kind, name, |this| {
            syn::visit::visit_impl_item(this, i);
        });
    }

    fn visit_trait_item(&mut self, i: &'a syn::TraitItem) {
        let (kind, name) = match i {
            syn::TraitItem::Fn(f) => ("fn", Some(f.sig.ident.to_string())),
            syn::TraitItem::Const(c) => ("const", Some(c.ident.to_string())),
            syn::TraitItem::Type(t) => ("type", Some(t.ident.to_string())),
            _ => ("item", None),
        };
        self.enter(ItemRef::Trait(i), kind, name, |this| {
            syn::visit::visit_trait_item(this, i);
        });
    }

    fn visit_foreign_item(&mut self, i: &'a syn::ForeignItem) {
        let (kind, name) = match i {
            syn::ForeignItem::Fn(f) => ("fn", Some(f.sig.ident.to_string())),
            syn::ForeignItem::Static(s) => ("static", Some(s.ident.to_string())),
            syn::ForeignItem::Type(t) => ("type", Some(t.ident.to_string())),
            _ => ("item", None),
        };
        self.enter(ItemRef::Foreign(i), kind, name, |this| {
            syn::visit::visit_foreign_item(this, i);
        });
    }
}

/// The `#[ai_generated(..)]` attribute among `attrs` (the first, as the engine reads it).
fn marker_attr(attrs: &[syn::Attribute]) -> Option<&syn::Attribute> {
    attrs
        .iter()
        .find(|a| matches!(a.style, syn::AttrStyle::Outer) && ai::is_marker(a))
}

/// A parsed file with its items. Spans are live: drop it before freeing the thread's spans.
struct Scanned<'f> {
    entries: Vec<Entry>,
    nodes: Vec<ItemRef<'f>>,
}

fn scan(file: &syn::File, base: usize) -> Scanned<'_> {
    let mut c = Collect {
        base,
        path: Vec::new(),
        marked_stack: Vec::new(),
        entries: Vec::new(),
        nodes: Vec::new(),
    };
    c.visit_file(file);
    Scanned {
        entries: c.entries,
        nodes: c.nodes,
    }
}

/// A refusal: a diagnostic and the exit status 2.
struct Refusal(Box<Diag>);

impl From<Diag> for Refusal {
    fn from(d: Diag) -> Refusal {
        Refusal(Box::new(d))
    }
}

pub fn run(args: &ReviewArgs) -> Result<ExitStatus, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "could not read the current directory: {}",
            workspace::io_message(&e)
        ))
    })?;
    let outcome = std::thread::Builder::new()
        .name("aiguard-review".to_string())
        .stack_size(STACK_SIZE)
        .spawn({
            let args = args.clone();
            move || review(&args, &cwd)
        })
        .map_err(|e| Fatal(format!("could not start a thread: {e}")))?
        .join()
        .map_err(|_| Fatal("internal error: aiguard panicked while reviewing".to_string()))?;
    match outcome {
        Ok(done) => {
            let mut out = std::io::stdout().lock();
            write_or_pipe(out.write_all(done.stdout.as_bytes()))?;
            let mut err = std::io::stderr().lock();
            write_or_pipe(err.write_all(done.stderr.as_bytes()))?;
            Ok(ExitStatus::Clean)
        }
        Err(Refusal(d)) => {
            let styled =
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
            let text = if d.file.is_some() {
                human::render(&human::renderer(styled), &d)
            } else {
                plain(&d)
            };
            let mut err = anstream::AutoStream::auto(std::io::stderr().lock());
            write_or_pipe(writeln!(err, "{text}"))?;
            Ok(ExitStatus::Incomplete)
        }
    }
}

/// A diagnostic without a place: `error: ..` and its `= note:`/`= help:` lines.
fn plain(d: &Diag) -> String {
    let mut s = format!("error: {}", d.message);
    for c in &d.children {
        let (what, t) = match c {
            Child::Note(t) => ("note", t),
            Child::Help(t) => ("help", t),
        };
        let _ = write!(s, "\n  = {what}: {t}");
    }
    s
}

/// What a successful run prints.
struct Done {
    stdout: String,
    stderr: String,
}

fn review(args: &ReviewArgs, cwd: &Path) -> Result<Done, Refusal> {
    let name = args.by.trim();
    if name.is_empty() {
        return Err(
            Diag::error(DiagKind::Workspace, "`--by` needs the reviewer's name")
                .help("write `--by alice`")
                .into(),
        );
    }
    let target = parse_target(&args.target).map_err(|m| {
        Diag::error(DiagKind::Workspace, m)
            .help("write `src/auth.rs:42` (a line inside the item) or `auth::verify_token`")
    })?;
    let (file, shown, start, path) = match target {
        Target::Line(file, line) => {
            let file = cwd.join(file);
            let shown = workspace::display_relative(cwd, &file);
            let start = find_by_line(&file, &shown, line)?;
            (file, shown, start, None)
        }
        Target::Path(segments) => {
            let (file, shown, start, path) = find_by_path(args, cwd, &segments)?;
            (file, shown, start, Some(path))
        }
    };
    stamp(&file, &shown, start, name, path, args.dry_run)
}

fn read(file: &Path, shown: &str) -> Result<String, Refusal> {
    let bytes = std::fs::read(file).map_err(|e| {
        Diag::error(
            DiagKind::Input,
            format!("could not read `{shown}`: {}", workspace::io_message(&e)),
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Diag::error(DiagKind::Input, format!("`{shown}` is not valid UTF-8"))
            .help("save the file as UTF-8")
            .into()
    })
}

fn parse(text: &str, shown: &str) -> Result<crate::parse::Whole, Refusal> {
    crate::parse::parse_whole(text).map_err(|(failure, _)| {
        let msg = match failure {
            crate::parse::Failure::Syntax(_, m) => m,
            crate::parse::Failure::TooDeep(_) => "nested too deeply to parse".to_string(),
        };
        Diag::error(DiagKind::Input, format!("could not parse `{shown}`: {msg}"))
            .help("fix the syntax error (`cargo check` shows it), then review again")
            .into()
    })
}

/// Frees the thread's span source map; `scanned` (and the file it borrows) must be gone.
fn free_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
}

/// `FILE:LINE`: the start of the innermost marked item containing the line.
fn find_by_line(file: &Path, shown: &str, line: usize) -> Result<usize, Refusal> {
    let text = read(file, shown)?;
    let lines = text.lines().count();
    if line > lines {
        return Err(Diag::error(
            DiagKind::Input,
            format!("`{shown}` has {lines} lines; there is no line {line}"),
        )
        .into());
    }
    let entries = {
        let parsed = parse(&text, shown)?;
        let entries = scan(&parsed.file, parsed.base).entries;
        drop(parsed);
        free_spans();
        entries
    };
    let containing: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.marked && (e.first_line..=e.last_line).contains(&line))
        .collect();
    let innermost: Vec<&Entry> = containing
        .iter()
        .filter(|e| {
            !containing.iter().any(|o| {
                o.range != e.range && e.range.start <= o.range.start && o.range.end <= e.range.end
            })
        })
        .copied()
        .collect();
    let at_line = Loc::at_offset(&text, line_offset(&text, line));
    match innermost.as_slice() {
        [one] => Ok(one.range.start),
        [] => {
            let mut d = Diag::error(
                DiagKind::Input,
                format!("no `#[ai_generated]` item at `{shown}:{line}`"),
            )
            .at(shown, &text, at_line)
            .label("not inside an item marked `#[ai_generated]`");
            if ai::file_has_ai_comment(&text) {
                d = d.note("the whole file is marked AI-generated, but a stamp needs an attribute to live in");
            }
            Err(d
                .help("mark the item `#[ai_generated]` first, or give a line inside a marked item")
                .into())
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|e| format!("`{}`", e.shown_path()))
                .collect();
            Err(Diag::error(
                DiagKind::Input,
                format!("`{shown}:{line}` is inside more than one AI item"),
            )
            .at(shown, &text, at_line)
            .label(format!("{} start here", names.join(" and ")))
            .help(format!(
                "name the item by its path instead, e.g. `cargo aiguard review --by NAME {}`",
                many[0].shown_path()
            ))
            .into())
        }
    }
}

/// Byte offset of the start of 1-based `line`.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// A named item found in the workspace.
struct Found {
    file: PathBuf,
    shown: String,
    full: Vec<String>,
    /// The module path of the file.
    module: Vec<String>,
    entry: Entry,
    enclosing: Option<Entry>,
}

/// An item path: look it up in every file of the workspace's targets.
fn find_by_path(
    args: &ReviewArgs,
    cwd: &Path,
    segments: &[String],
) -> Result<(PathBuf, String, usize, String), Refusal> {
    let check = CheckArgs {
        manifest_path: args.manifest_path.clone(),
        packages: args.packages.clone(),
        ..CheckArgs::default()
    };
    let ws = workspace::from_cargo(&check, cwd).map_err(Refusal)?;
    let target = segments.join("::");
    let mut found = Vec::new();
    let mut unreadable = 0;
    let mut seen = HashSet::new();
    for root in &ws.roots {
        let krate = ws
            .packages
            .get(root.pkg)
            .map(|p| p.name.replace('-', "_"))
            .unwrap_or_default();
        // (file, its module path, where its `mod x;` children live)
        let mut frontier = vec![(
            root.path.clone(),
            Vec::<String>::new(),
            ModDir::owned(&root.path),
        )];
        while let Some((path, module, dir)) = frontier.pop() {
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !seen.insert(canonical) {
                continue;
            }
            let shown = ws.display(&path);
            let Ok(text) = read(&path, &shown) else {
                unreadable += 1;
                continue;
            };
            let Ok(parsed) = parse(&text, &shown) else {
                unreadable += 1;
                continue;
            };
            let Scanned { entries, nodes } = scan(&parsed.file, parsed.base);
            drop(nodes);
            if root.follow_mods {
                for decl in workspace::mod_decls(&parsed.file) {
                    if let Resolved::File {
                        path: child,
                        dir: child_dir,
                    } = workspace::resolve(&dir, &decl)
                    {
                        let mut m = module.clone();
                        m.extend(decl.inline.iter().map(|(n, _)| n.clone()));
                        m.push(decl.name.clone());
                        frontier.push((child, m, child_dir));
                    }
                }
            }
            drop(parsed);
            free_spans();
            for e in &entries {
                let mut full = vec![krate.clone()];
                full.extend(module.iter().cloned());
                full.extend(e.path.iter().cloned());
                if full.ends_with(segments) {
                    found.push(Found {
                        file: path.clone(),
                        shown: shown.clone(),
                        full,
                        module: module.clone(),
                        entry: e.clone(),
                        enclosing: e.enclosing.and_then(|i| entries.get(i)).cloned(),
                    });
                }
            }
        }
    }
    let marked: Vec<&Found> = found.iter().filter(|f| f.entry.marked).collect();
    match marked.as_slice() {
        [one] => {
            let path = one.full.get(1..).unwrap_or_default().join("::");
            return Ok((
                one.file.clone(),
                one.shown.clone(),
                one.entry.range.start,
                path,
            ));
        }
        [] => {}
        many => {
            let mut d = Diag::error(
                DiagKind::Input,
                format!("`{target}` names more than one AI item"),
            );
            for f in many {
                d = d.note(format!(
                    "`{}` at {}:{}",
                    f.full.join("::"),
                    f.shown,
                    f.entry.name_line
                ));
            }
            return Err(d
                .help("give a longer path, or `FILE:LINE` of the one to stamp")
                .into());
        }
    }
    if let Some(f) = found.first() {
        let mut d = Diag::error(
            DiagKind::Input,
            format!("`{target}` is not marked `#[ai_generated]`"),
        )
        .note(format!(
            "`{}` is the {} at {}:{}",
            f.full.join("::"),
            f.entry.kind,
            f.shown,
            f.entry.name_line
        ));
        d = match &f.enclosing {
            Some(outer) => d.help(format!(
                "it is part of the AI item `{}` ({}:{}): stamp that one, or mark this item itself",
                f.module
                    .iter()
                    .chain(&outer.path)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("::"),
                f.shown,
                outer.name_line
            )),
            None => d.help("only items marked `#[ai_generated]` carry a review stamp"),
        };
        return Err(d.into());
    }
    let mut d = Diag::error(
        DiagKind::Input,
        format!("no item `{target}` in the workspace"),
    )
    .help("give the item's path from the crate root (`auth::verify_token`), or `FILE:LINE`");
    if unreadable > 0 {
        d = d.note(format!(
            "{unreadable} file(s) could not be read or parsed; `cargo aiguard` shows why"
        ));
    }
    Err(d.into())
}

/// One text edit: replace `range` of the original text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    range: Range<usize>,
    text: String,
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 80);
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The current stamp of an item and the edits that write the new one.
struct Plan {
    path: String,
    line: usize,
    digest: String,
    old_reviewed: Option<String>,
    old_digest: Option<String>,
    edits: Vec<Edit>,
}

/// Re-reads `file`, finds the marked item starting at `start`, and writes the stamp.
/// `path`: the item's path from the crate root, when known.
fn stamp(
    file: &Path,
    shown: &str,
    start: usize,
    name: &str,
    path: Option<String>,
    dry_run: bool,
) -> Result<Done, Refusal> {
    let text = read(file, shown)?;
    let mut plan = {
        let parsed = parse(&text, shown)?;
        let plan = plan_stamp(&parsed, &text, shown, start, name);
        drop(parsed);
        free_spans();
        plan?
    };
    if let Some(p) = path {
        plan.path = p;
    }
    let who = |r: &Option<String>| r.as_deref().map_or_else(String::new, |r| format!(" `{r}`"));
    let mut done = Done {
        stdout: String::new(),
        stderr: String::new(),
    };
    if plan.old_reviewed.as_deref() == Some(name)
        && plan.old_digest.as_deref() == Some(&plan.digest)
    {
        let _ = writeln!(
            done.stderr,
            "{:>12} `{}` ({shown}:{}): already reviewed by `{name}`, stamp unchanged",
            "Fresh", plan.path, plan.line
        );
        return Ok(done);
    }
    let new_text = apply(&text, &plan.edits);
    verify(&new_text, shown, start, name, &plan.digest)?;
    let what = match (&plan.old_reviewed, &plan.old_digest) {
        (None, _) => String::new(),
        (Some(_), Some(d)) if *d == plan.digest => {
            format!(
                " (was reviewed by{}, unchanged since)",
                who(&plan.old_reviewed)
            )
        }
        (Some(_), _) => format!(
            " (was reviewed by{}; the item changed since)",
            who(&plan.old_reviewed)
        ),
    };
    if dry_run {
        done.stdout = diff(shown, &text, &new_text, &plan.edits);
        let _ = writeln!(
            done.stderr,
            "{:>12} `{}` ({shown}:{}) by `{name}`{what}; dry run, nothing written",
            "Would stamp", plan.path, plan.line
        );
        return Ok(done);
    }
    std::fs::write(file, new_text.as_bytes()).map_err(|e| {
        Diag::error(
            DiagKind::Input,
            format!("could not write `{shown}`: {}", workspace::io_message(&e)),
        )
    })?;
    let _ = writeln!(
        done.stderr,
        "{:>12} `{}` ({shown}:{}) by `{name}`{what}: digest {}",
        "Reviewed", plan.path, plan.line, plan.digest
    );
    Ok(done)
}

fn plan_stamp(
    parsed: &crate::parse::Whole,
    text: &str,
    shown: &str,
    start: usize,
    name: &str,
) -> Result<Plan, Refusal> {
    let scanned = scan(&parsed.file, parsed.base);
    let Some(idx) = scanned
        .entries
        .iter()
        .position(|e| e.marked && e.range.start == start)
    else {
        return Err(Diag::error(
            DiagKind::Input,
            format!("`{shown}` changed while it was being read"),
        )
        .help("run the command again")
        .into());
    };
    let entry = &scanned.entries[idx];
    let node = scanned.nodes[idx];
    let attr = marker_attr(node.attrs()).expect("the entry is marked, so it has a marker");
    let digest = digest::digest_tokens(node.tokens());
    let (marker, _) = ai::find_marker(node.attrs()).unwrap_or_default();
    let edits = marker_edits(attr, text, parsed.base, name, &digest).map_err(|m| {
        Diag::error(DiagKind::Input, m)
            .at(shown, text, loc(attr.span(), text, parsed.base))
            .help("fix the marker's arguments (`cargo check` or `cargo aiguard` says what is wrong), then review again")
    })?;
    Ok(Plan {
        path: entry.shown_path(),
        line: entry.name_line,
        digest,
        old_reviewed: marker.reviewed,
        old_digest: marker.digest,
        edits,
    })
}

fn loc(span: Span, text: &str, base: usize) -> Loc {
    let r = span.byte_range();
    Loc::of_range(text, base + r.start..base + r.end)
}

fn lit(s: &str) -> String {
    proc_macro2::Literal::string(s).to_string()
}

/// The edits that write `reviewed = "NAME", digest = ".."` into the marker `attr`.
fn marker_edits(
    attr: &syn::Attribute,
    text: &str,
    base: usize,
    name: &str,
    digest: &str,
) -> Result<Vec<Edit>, String> {
    let range = |s: Span| {
        let r = s.byte_range();
        base + r.start..base + r.end
    };
    let stamp = format!("reviewed = {}, digest = {}", lit(name), lit(digest));
    let list = match &attr.meta {
        syn::Meta::Path(p) => {
            let end = range(p.span()).end;
            return Ok(vec![Edit {
                range: end..end,
                text: format!("({stamp})"),
            }]);
        }
        syn::Meta::NameValue(_) => {
            return Err("`ai_generated` takes a list of arguments".to_string());
        }
        syn::Meta::List(list) => list,
    };
    let args = syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated
        .parse2(list.tokens.clone())
        .map_err(|e| format!("the arguments of `#[ai_generated]` do not parse: {e}"))?;
    let key = |m: &syn::Meta, k: &str| m.path().is_ident(k);
    let value_of = |k: &str| {
        args.iter().find_map(|m| match m {
            syn::Meta::NameValue(nv) if key(m, k) => Some(nv),
            _ => None,
        })
    };
    let reviewed = value_of("reviewed");
    let old_digest = value_of("digest");
    let mut edits = Vec::new();
    if let Some(nv) = reviewed {
        edits.push(Edit {
            range: range(nv.value.span()),
            text: lit(name),
        });
    }
    if let Some(nv) = old_digest {
        edits.push(Edit {
            range: range(nv.value.span()),
            text: lit(digest),
        });
    }
    match (reviewed, old_digest) {
        (Some(_), Some(_)) => {}
        (Some(nv), None) => {
            let end = range(nv.value.span()).end;
            edits.push(Edit {
                range: end..end,
                text: format!(", digest = {}", lit(digest)),
            });
        }
        (None, Some(nv)) => {
            let at = range(nv.path.span()).start;
            edits.push(Edit {
                range: at..at,
                text: format!("reviewed = {}, ", lit(name)),
            });
        }
        (None, None) => edits.extend(append(text, &args, list, &range, &stamp)),
    }
    edits.sort_by_key(|e| e.range.start);
    Ok(edits)
}

/// Appends `stamp` to a marker's argument list, in the list's own layout: on the last
/// argument's line, or, when the arguments stand one a line, on a line of its own.
fn append(
    text: &str,
    args: &syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>,
    list: &syn::MetaList,
    range: &dyn Fn(Span) -> Range<usize>,
    stamp: &str,
) -> Vec<Edit> {
    let syn::MacroDelimiter::Paren(paren) = &list.delimiter else {
        // `ai_generated[..]` / `ai_generated{..}`: insert before the closing delimiter.
        let close = range(list.delimiter.span().close()).start;
        return vec![Edit {
            range: close..close,
            text: stamp.to_string(),
        }];
    };
    let Some(last) = args.last() else {
        let open = range(paren.span.open()).end;
        return vec![Edit {
            range: open..open,
            text: stamp.to_string(),
        }];
    };
    let last_range = range(last.span());
    let close = range(paren.span.close()).start;
    let between = text.get(last_range.end..close).unwrap_or("");
    let one_a_line = between.contains('\n') && !between.contains("/*");
    if !one_a_line {
        return vec![Edit {
            range: last_range.end..last_range.end,
            text: format!(", {stamp}"),
        }];
    }
    let line_start = text[..last_range.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline_at = last_range.end + between.find('\n').unwrap_or(0);
    let (eol, nl) = if newline_at > 0 && text.as_bytes().get(newline_at - 1) == Some(&b'\r') {
        (newline_at - 1, "\r\n")
    } else {
        (newline_at, "\n")
    };
    if args.trailing_punct() {
        vec![Edit {
            range: eol..eol,
            text: format!("{nl}{indent}{stamp},"),
        }]
    } else {
        vec![
            Edit {
                range: last_range.end..last_range.end,
                text: ",".to_string(),
            },
            Edit {
                range: eol..eol,
                text: format!("{nl}{indent}{stamp}"),
            },
        ]
    }
}

/// Parses the edited text and checks that the item now carries the stamp, and that its
/// digest did not move: the edit touched the marker only.
fn verify(
    new_text: &str,
    shown: &str,
    start: usize,
    name: &str,
    digest: &str,
) -> Result<(), Refusal> {
    let check = || -> Option<()> {
        let parsed = crate::parse::parse_whole(new_text).ok()?;
        let scanned = scan(&parsed.file, parsed.base);
        let idx = scanned
            .entries
            .iter()
            .position(|e| e.marked && e.range.start == start)?;
        let node = scanned.nodes[idx];
        let (marker, problems) = ai::find_marker(node.attrs())?;
        let ok = marker.reviewed.as_deref() == Some(name)
            && marker.digest.as_deref() == Some(digest)
            && digest::digest_tokens(node.tokens()) == digest
            && problems.iter().all(|p| !p.message.contains("malformed"));
        ok.then_some(())
    };
    let ok = check().is_some();
    free_spans();
    if ok {
        Ok(())
    } else {
        Err(Diag::error(
            DiagKind::Internal,
            format!(
                "internal error: the stamp for `{shown}` did not come out right; nothing written"
            ),
        )
        .help("please report this as a bug with the item's marker")
        .into())
    }
}

/// The edit as a unified diff of the changed lines.
fn diff(shown: &str, old: &str, new: &str, edits: &[Edit]) -> String {
    let (Some(first), Some(last)) = (edits.first(), edits.last()) else {
        return String::new();
    };
    let old_from = old[..first.range.start].rfind('\n').map_or(0, |i| i + 1);
    let old_to = old[last.range.end..]
        .find('\n')
        .map_or(old.len(), |i| last.range.end + i);
    // Every edit lies before `old_to`, so this does not underflow.
    let new_to = old_to + new.len() - old.len();
    let old_lines: Vec<&str> = old[old_from..old_to].lines().collect();
    let new_lines: Vec<&str> = new[old_from..new_to].lines().collect();
    let line = old[..old_from].matches('\n').count() + 1;
    let mut out = format!(
        "--- {shown}\n+++ {shown}\n@@ -{line},{} +{line},{} @@\n",
        old_lines.len(),
        new_lines.len()
    );
    for l in old_lines {
        let _ = writeln!(out, "-{}", l.trim_end_matches('\r'));
    }
    for l in new_lines {
        let _ = writeln!(out, "+{}", l.trim_end_matches('\r'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("src/auth.rs:42"),
            Ok(Target::Line(PathBuf::from("src/auth.rs"), 42))
        );
        assert_eq!(
            parse_target("C:\\x\\a.rs:3"),
            Ok(Target::Line(PathBuf::from("C:\\x\\a.rs"), 3))
        );
        assert_eq!(
            parse_target("auth::verify_token"),
            Ok(Target::Path(vec!["auth".into(), "verify_token".into()]))
        );
        assert_eq!(
            parse_target("crate::auth::r#type"),
            Ok(Target::Path(vec!["auth".into(), "type".into()]))
        );
        assert_eq!(
            parse_target("grüße"),
            Ok(Target::Path(vec!["grüße".into()]))
        );
        assert!(parse_target("src/a.rs:0").is_err());
        assert!(parse_target("src/a.rs").is_err());
        assert!(parse_target("a::").is_err());
    }

    /// The text after stamping the marked item that starts at the first `#[` of `src`.
    fn stamped(src: &str) -> String {
        let parsed = crate::parse::parse_whole(src).ok().expect("parses");
        let start = src.find("#[").expect("a marker") + parsed.base;
        let plan = plan_stamp(&parsed, src, "x.rs", start, "alice")
            .ok()
            .expect("plans");
        let out = apply(src, &plan.edits).replace(&plan.digest, "D");
        drop(parsed);
        free_spans();
        out
    }

    #[test]
    fn edits_keep_the_layout() {
        assert_eq!(
            stamped("#[ai_generated]\nfn f() {}\n"),
            "#[ai_generated(reviewed = \"alice\", digest = \"D\")]\nfn f() {}\n"
        );
        assert_eq!(
            stamped("#[aiguard_macros::ai_generated] fn f() {}"),
            "#[aiguard_macros::ai_generated(reviewed = \"alice\", digest = \"D\")] fn f() {}"
        );
        assert_eq!(
            stamped("#[ai_generated()] fn f() {}"),
            "#[ai_generated(reviewed = \"alice\", digest = \"D\")] fn f() {}"
        );
        assert_eq!(
            stamped("#[ai_generated( model = \"x\" /* c */ )] fn f() {}"),
            "#[ai_generated( model = \"x\", reviewed = \"alice\", digest = \"D\" /* c */ )] fn f() {}"
        );
        assert_eq!(
            stamped("#[ai_generated(model = \"x\",)] fn f() {}"),
            "#[ai_generated(model = \"x\", reviewed = \"alice\", digest = \"D\",)] fn f() {}"
        );
        assert_eq!(
            stamped(
                "#[ai_generated(\n    model = \"x\",\n    allow(unwrap_used = \"ok\"), // why\n)]\nfn f() {}\n"
            ),
            "#[ai_generated(\n    model = \"x\",\n    allow(unwrap_used = \"ok\"), // why\n    reviewed = \"alice\", digest = \"D\",\n)]\nfn f() {}\n"
        );
        assert_eq!(
            stamped("#[ai_generated(\r\n\tmodel = \"x\" // m\r\n)]\r\nfn f() {}\r\n"),
            "#[ai_generated(\r\n\tmodel = \"x\", // m\r\n\treviewed = \"alice\", digest = \"D\"\r\n)]\r\nfn f() {}\r\n"
        );
        // an existing stamp is updated in place
        assert_eq!(
            stamped(
                "#[ai_generated(reviewed = \"bob\" , model = \"x\", digest = \"0\")] fn f() {}"
            ),
            "#[ai_generated(reviewed = \"alice\" , model = \"x\", digest = \"D\")] fn f() {}"
        );
        assert_eq!(
            stamped("#[ai_generated(reviewed = \"bob\")] fn f() {}"),
            "#[ai_generated(reviewed = \"alice\", digest = \"D\")] fn f() {}"
        );
        assert_eq!(
            stamped("#[ai_generated(model = \"x\", digest = \"0\")] fn f() {}"),
            "#[ai_generated(model = \"x\", reviewed = \"alice\", digest = \"D\")] fn f() {}"
        );
    }

    #[test]
    fn names_are_string_literals() {
        assert_eq!(lit("Zoë \"Z\" O'Neil"), "\"Zoë \\\"Z\\\" O'Neil\"");
    }

    #[test]
    fn innermost_item_on_a_line() {
        let src = "#[ai_generated]\nimpl S {\n    #[ai_generated(model = \"x\")]\n    fn m(&self) {\n        let _ = 1;\n    }\n    fn n(&self) {}\n}\n";
        let parsed = crate::parse::parse_whole(src).ok().expect("parses");
        let entries = scan(&parsed.file, parsed.base).entries;
        drop(parsed);
        free_spans();
        let marked: Vec<(String, usize, usize)> = entries
            .iter()
            .filter(|e| e.marked)
            .map(|e| (e.shown_path(), e.first_line, e.last_line))
            .collect();
        assert_eq!(
            marked,
            [("S".to_string(), 1, 8), ("S::m".to_string(), 3, 6)]
        );
        let n = entries
            .iter()
            .find(|e| e.shown_path() == "S::n")
            .expect("n");
        assert!(!n.marked);
        assert_eq!(n.enclosing, Some(0));
    }
}
