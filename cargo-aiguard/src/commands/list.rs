//! `cargo aiguard list`: the inventory of AI-generated code. Per package and file: the AI
//! items (kind, path, model, review status, findings), AI lines against all lines; then the
//! findings in AI code per model and rule family: which assistant's code carries which flaws.
//!
//! An item is `reviewed` when it carries a review stamp that still matches its tokens,
//! `stale` when `stale_review` fires on it (the item changed since, or the stamp has no
//! digest), `unreviewed` otherwise. `stale_review` runs here even where the config turns it
//! off; its findings then do not count among the flaws.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write;

use aiguard_lints::Level;
use aiguard_lints::config::RuleLevels;
use serde::Serialize;

use crate::cli::{ListArgs, ListFormat};
use crate::commands::check::{find_workspace, load_configs};
use crate::exit::ExitStatus;
use crate::report::{Diag, DiagKind, short};
use crate::scan::{self, FileInfo, ItemInfo};
use crate::workspace::{self, Workspace};
use crate::{Fatal, write_or_pipe};

const STALE: &str = "stale_review";

#[derive(Debug, Serialize)]
pub struct Inventory {
    pub packages: Vec<PackageInv>,
    pub totals: Totals,
    /// Findings in AI code by model (`unknown` where the marker names none).
    pub findings_by_model: BTreeMap<String, ModelFindings>,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub files: usize,
    pub lines: usize,
    pub ai_lines: usize,
    pub ai_items: usize,
    pub reviewed: usize,
    pub stale: usize,
    pub unreviewed: usize,
    pub findings_in_ai_code: usize,
    pub findings_in_human_code: usize,
}

#[derive(Debug, Serialize)]
pub struct PackageInv {
    pub name: String,
    pub lines: usize,
    pub ai_lines: usize,
    pub files: Vec<FileInv>,
}

#[derive(Debug, Serialize)]
pub struct FileInv {
    pub path: String,
    pub lines: usize,
    pub ai_lines: usize,
    pub items: Vec<ItemInv>,
}

#[derive(Debug, Serialize)]
pub struct ItemInv {
    pub kind: &'static str,
    pub path: String,
    pub model: Option<String>,
    pub review: Review,
    /// First and last line.
    pub lines: [usize; 2],
    /// Findings inside the item, by rule.
    pub findings: BTreeMap<&'static str, usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Review {
    Reviewed { by: String },
    Stale { by: Option<String> },
    Unreviewed,
}

#[derive(Debug, Default, Serialize)]
pub struct ModelFindings {
    pub total: usize,
    pub by_family: BTreeMap<&'static str, usize>,
    pub by_rule: BTreeMap<&'static str, usize>,
}

pub fn run(args: &ListArgs) -> Result<ExitStatus, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "could not read the current directory: {}",
            workspace::io_message(&e)
        ))
    })?;
    let check = args.check_args();
    let mut diags = Vec::new();
    let mut inventory = None;
    if let Some(ws) = find_workspace(&check, &cwd, &mut diags) {
        let mut pkgs = load_configs(&ws, &check, &mut diags);
        let mut forced = HashSet::new();
        if let Some(rule) = aiguard_lints::registry::by_name(STALE) {
            for (i, p) in pkgs.iter_mut().enumerate() {
                if !matches!(
                    p.config.level(rule.meta(), true),
                    Some(Level::Deny | Level::Warn)
                ) {
                    p.config.rules.insert(
                        STALE,
                        RuleLevels {
                            ai: Some(Level::Warn),
                            human: None,
                        },
                    );
                    forced.insert(i);
                }
            }
        }
        let (scan_diags, _, files) = scan::run(&ws, &pkgs).map_err(Fatal)?;
        diags.extend(scan_diags);
        inventory = Some(build(&ws, files, &diags, &forced));
    }
    let problems: Vec<&Diag> = diags.iter().filter(|d| d.kind.is_incomplete()).collect();
    if !problems.is_empty() {
        let mut err = std::io::stderr().lock();
        for d in &problems {
            write_or_pipe(writeln!(err, "{}", short::render(d)))?;
        }
    }
    let inventory = inventory.unwrap_or_else(build_empty);
    let text = match args.format {
        ListFormat::Table => table(&inventory),
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&inventory)
                .map_err(|e| Fatal(format!("could not write JSON: {e}")))?;
            s.push('\n');
            s
        }
    };
    let mut out = std::io::stdout().lock();
    write_or_pipe(out.write_all(text.as_bytes()))?;
    Ok(if problems.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Incomplete
    })
}

fn build_empty() -> Inventory {
    Inventory {
        packages: Vec::new(),
        totals: Totals::default(),
        findings_by_model: BTreeMap::new(),
    }
}

/// The inventory from the scanned files and the diagnostics of the scan.
pub fn build(
    ws: &Workspace,
    mut files: Vec<FileInfo>,
    diags: &[Diag],
    forced: &HashSet<usize>,
) -> Inventory {
    files.sort_by(|a, b| (a.pkg, &a.file).cmp(&(b.pkg, &b.file)));
    let pkg_of: HashMap<String, usize> = files.iter().map(|f| (f.file.clone(), f.pkg)).collect();
    // Findings that count as flaws: not the forced `stale_review`.
    let counted = |d: &&Diag| {
        d.kind == DiagKind::Finding
            && !(d.rule == Some(STALE)
                && d.file
                    .as_deref()
                    .and_then(|f| pkg_of.get(f))
                    .is_some_and(|p| forced.contains(p)))
    };
    let mut totals = Totals::default();
    let mut findings_by_model: BTreeMap<String, ModelFindings> = BTreeMap::new();
    for d in diags.iter().filter(counted) {
        if !d.in_ai {
            totals.findings_in_human_code += 1;
            continue;
        }
        totals.findings_in_ai_code += 1;
        let Some(rule) = d.rule else { continue };
        let m = findings_by_model
            .entry(d.model.clone().unwrap_or_else(|| "unknown".to_string()))
            .or_default();
        m.total += 1;
        *m.by_rule.entry(rule).or_default() += 1;
        if let Some(r) = aiguard_lints::registry::by_name(rule) {
            *m.by_family.entry(r.meta().family.as_str()).or_default() += 1;
        }
    }
    let mut packages: Vec<PackageInv> = Vec::new();
    for f in files {
        let name = ws
            .packages
            .get(f.pkg)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        if packages.last().is_none_or(|p| p.name != name) {
            packages.push(PackageInv {
                name,
                lines: 0,
                ai_lines: 0,
                files: Vec::new(),
            });
        }
        let Some(pkg) = packages.last_mut() else {
            continue;
        };
        pkg.lines += f.lines;
        pkg.ai_lines += f.ai_lines;
        totals.files += 1;
        totals.lines += f.lines;
        totals.ai_lines += f.ai_lines;
        let in_file: Vec<&Diag> = diags
            .iter()
            .filter(|d| d.file.as_deref() == Some(f.file.as_str()))
            .collect();
        let mut items: Vec<ItemInv> = f
            .items
            .iter()
            .map(|i| item(i, &in_file, &counted))
            .collect();
        items.sort_by_key(|i| i.lines);
        for i in &items {
            totals.ai_items += 1;
            match i.review {
                Review::Reviewed { .. } => totals.reviewed += 1,
                Review::Stale { .. } => totals.stale += 1,
                Review::Unreviewed => totals.unreviewed += 1,
            }
        }
        pkg.files.push(FileInv {
            path: f.file,
            lines: f.lines,
            ai_lines: f.ai_lines,
            items,
        });
    }
    Inventory {
        packages,
        totals,
        findings_by_model,
    }
}

fn item(i: &ItemInfo, in_file: &[&Diag], counted: &dyn Fn(&&Diag) -> bool) -> ItemInv {
    let inside = |d: &&&Diag| {
        d.primary
            .as_ref()
            .is_some_and(|l| (i.lines.0..=i.lines.1).contains(&l.line))
    };
    let stale = in_file.iter().filter(inside).any(|d| d.rule == Some(STALE));
    let review = match (&i.reviewed, stale) {
        (by, true) => Review::Stale { by: by.clone() },
        (Some(by), false) => Review::Reviewed { by: by.clone() },
        (None, false) => Review::Unreviewed,
    };
    let mut findings = BTreeMap::new();
    for d in in_file.iter().filter(inside) {
        if counted(d)
            && let Some(rule) = d.rule
        {
            *findings.entry(rule).or_default() += 1;
        }
    }
    ItemInv {
        kind: i.kind,
        path: i.path.clone(),
        model: i.model.clone(),
        review,
        lines: [i.lines.0, i.lines.1],
        findings,
    }
}

/// `part` of `all` in whole percent, rounded half up.
fn percent(part: usize, all: usize) -> String {
    let p = part
        .saturating_mul(200)
        .checked_div(all)
        .map_or(0, |x| x.div_ceil(2));
    format!("{p}%")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The widths of the columns of `rows`.
fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if widths.len() <= i {
                widths.push(0);
            }
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    widths
}

/// Rows of cells as lines aligned to `widths` (the last column not padded), indented by
/// `indent`; columns marked in `right` are right-aligned.
fn align(rows: &[Vec<String>], widths: &[usize], indent: &str, right: &[bool]) -> String {
    let mut s = String::new();
    for row in rows {
        let mut line = indent.to_string();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if right.get(i).copied().unwrap_or(false) {
                let _ = write!(line, "{cell:>w$}  ");
            } else if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn item_row(i: &ItemInv) -> Vec<String> {
    let n: usize = i.findings.values().sum();
    vec![
        i.kind.to_string(),
        i.path.clone(),
        format!("line {}", i.lines[0]),
        i.model.clone().unwrap_or_else(|| "-".to_string()),
        match &i.review {
            Review::Reviewed { by } => format!("reviewed by {by}"),
            Review::Stale { by: Some(by) } => format!("stale (reviewed by {by})"),
            Review::Stale { by: None } => "stale".to_string(),
            Review::Unreviewed => "unreviewed".to_string(),
        },
        if n == 0 {
            String::new()
        } else {
            format!(
                "{}: {}",
                plural(n, "finding", "findings"),
                i.findings.keys().copied().collect::<Vec<_>>().join(", ")
            )
        },
    ]
}

/// The inventory as text.
pub fn table(inv: &Inventory) -> String {
    let mut s = String::new();
    let all_rows: Vec<Vec<String>> = inv
        .packages
        .iter()
        .flat_map(|p| &p.files)
        .flat_map(|f| &f.items)
        .map(item_row)
        .collect();
    let item_widths = widths(&all_rows);
    for p in &inv.packages {
        let ai_files: Vec<&FileInv> = p
            .files
            .iter()
            .filter(|f| f.ai_lines > 0 || !f.items.is_empty())
            .collect();
        let title = if p.name.is_empty() { "files" } else { &p.name };
        let _ = writeln!(
            s,
            "{title}: {} of {} AI-generated ({}) in {} of {}",
            p.ai_lines,
            plural(p.lines, "line", "lines"),
            percent(p.ai_lines, p.lines),
            ai_files.len(),
            plural(p.files.len(), "file", "files"),
        );
        for f in ai_files {
            let whole = f.items.iter().any(|i| i.kind == "file");
            let _ = writeln!(
                s,
                "  {}: {} of {} AI{}",
                f.path,
                f.ai_lines,
                plural(f.lines, "line", "lines"),
                if whole { " (whole file)" } else { "" }
            );
            let rows: Vec<Vec<String>> = f.items.iter().map(item_row).collect();
            s.push_str(&align(&rows, &item_widths, "    ", &[]));
        }
        s.push('\n');
    }
    let t = &inv.totals;
    let _ = writeln!(
        s,
        "{}: {} reviewed, {} stale, {} unreviewed",
        plural(t.ai_items, "AI item", "AI items"),
        t.reviewed,
        t.stale,
        t.unreviewed
    );
    let _ = writeln!(
        s,
        "{} of {} AI-generated ({}) in {}",
        t.ai_lines,
        plural(t.lines, "line", "lines"),
        percent(t.ai_lines, t.lines),
        plural(t.files, "file", "files")
    );
    let _ = writeln!(
        s,
        "{} in AI code, {} in human code",
        plural(t.findings_in_ai_code, "finding", "findings"),
        t.findings_in_human_code
    );
    if !inv.findings_by_model.is_empty() {
        let mut families: Vec<&'static str> = inv
            .findings_by_model
            .values()
            .flat_map(|m| m.by_family.keys().copied())
            .collect();
        families.sort_unstable();
        families.dedup();
        let mut header = vec!["model".to_string(), "findings".to_string()];
        header.extend(families.iter().map(ToString::to_string));
        let mut rows = vec![header];
        for (model, m) in &inv.findings_by_model {
            let mut row = vec![model.clone(), m.total.to_string()];
            row.extend(families.iter().map(|f| {
                m.by_family
                    .get(f)
                    .map_or_else(|| "-".to_string(), ToString::to_string)
            }));
            rows.push(row);
        }
        let mut right = vec![false];
        right.extend(std::iter::repeat_n(true, families.len() + 1));
        s.push_str("\nfindings in AI code by model and rule family:\n");
        s.push_str(&align(&rows, &widths(&rows), "  ", &right));
        s.push_str("\nby rule:\n");
        let rows: Vec<Vec<String>> = inv
            .findings_by_model
            .iter()
            .map(|(model, m)| {
                vec![
                    model.clone(),
                    m.by_rule
                        .iter()
                        .map(|(r, n)| format!("{r} {n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        s.push_str(&align(&rows, &widths(&rows), "  ", &[]));
    }
    s
}
