//! `cargo aiguard [check] [PATHS..]`: find the files, load the config, scan, report.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anstream::ColorChoice;

use crate::baseline::{self, Applied};
use crate::cli::CheckArgs;
use crate::exit::ExitStatus;
use crate::report::{self, Context, Diag, DiagKind, Printer, Severity};
use crate::scan::{self, PkgConfig, Totals};
use crate::workspace::{self, Workspace};
use crate::{Fatal, write_or_pipe};
use crate::{config_load, manifests};

pub fn run(args: &CheckArgs) -> Result<ExitStatus, Fatal> {
    let started = Instant::now();
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "could not read the current directory: {}",
            workspace::io_message(&e)
        ))
    })?;
    let mut diags = Vec::new();
    let ws = find_workspace(args, &cwd, &mut diags);
    let mut totals = Totals::default();
    if let Some(ws) = &ws {
        let pkgs = load_configs(ws, args, &mut diags);
        let (scan_diags, t, _) = scan::run(ws, &pkgs).map_err(Fatal)?;
        diags.extend(scan_diags);
        diags.extend(manifests::check(ws, &pkgs));
        totals = t;
    }
    report::sort(&mut diags);
    // Fingerprints before any filter, so occurrence indices never depend on the flags.
    baseline::assign(&mut diags);
    if args.ai_only {
        diags.retain(|d| d.kind != DiagKind::Finding || d.in_ai);
    }
    let (applied, recorded) = apply_baselines(args, &mut diags)?;
    if args.deny_warnings() {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }

    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let incomplete = diags.iter().any(|d| d.kind.is_incomplete());
    let status = if incomplete {
        ExitStatus::Incomplete
    } else if errors > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    };
    let mut ctx = Context::new(ws.as_ref().map_or(cwd.as_path(), |w| &w.display_base));
    if let Some(ws) = &ws {
        ctx.packages = ws
            .packages
            .iter()
            .map(report::json::Package::from_workspace)
            .collect();
    }
    ctx.success = status == ExitStatus::Clean;
    write_report(args, &ctx, &diags)?;

    if !args.quiet {
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), args.color.choice());
        if let (Some(n), Some(path)) = (recorded, &args.write_baseline) {
            write_or_pipe(writeln!(
                err,
                "aiguard: recorded {} in the baseline `{}`",
                plural(n, "finding", "findings"),
                path.display()
            ))?;
        }
        if !applied.fixed.is_empty() {
            let mut text = format!(
                "note: {} of the baseline no longer {}:\n",
                plural(applied.fixed.len(), "finding", "findings"),
                if applied.fixed.len() == 1 {
                    "occurs"
                } else {
                    "occur"
                }
            );
            for f in &applied.fixed {
                let _ = writeln!(text, "    {}", f.describe());
            }
            text.push_str("help: drop them from the baseline by writing it again with `--write-baseline FILE`");
            write_or_pipe(writeln!(err, "{text}"))?;
        }
    }
    if !args.quiet {
        let line = summary(
            errors,
            warnings,
            &totals,
            applied.hidden,
            started.elapsed(),
            incomplete,
        );
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), args.color.choice());
        write_or_pipe(writeln!(err, "{line}"))?;
    }
    Ok(status)
}

/// Applies `--baseline` (drops the findings it records) and `--write-baseline` (records
/// every finding, which is then not reported). Returns what the baseline hid and how many
/// findings were recorded.
fn apply_baselines(
    args: &CheckArgs,
    diags: &mut Vec<Diag>,
) -> Result<(Applied, Option<usize>), Fatal> {
    let old = match &args.baseline {
        Some(path) => Some(baseline::read(path)?),
        None => None,
    };
    let recorded = match &args.write_baseline {
        Some(path) => Some(baseline::write(path, diags)?),
        None => None,
    };
    let mut applied = match &old {
        Some(entries) => baseline::apply(diags, entries),
        None => Applied::default(),
    };
    if recorded.is_some() {
        let before = diags.len();
        diags.retain(|d| d.fingerprint.is_none());
        applied.hidden += before - diags.len();
    }
    Ok((applied, recorded))
}

/// Writes the report to `--output` or stdout. Machine formats and files get no colors.
fn write_report(args: &CheckArgs, ctx: &Context, diags: &[Diag]) -> Result<(), Fatal> {
    let format = args.message_format;
    if let Some(path) = &args.output {
        let mut buf = Vec::new();
        let printer = Printer {
            format,
            styled: false,
            ctx,
        };
        write_or_pipe(printer.write_all(&mut buf, diags))?;
        return std::fs::write(path, buf).map_err(|e| {
            Fatal(format!(
                "could not write the report to `{}`: {}",
                path.display(),
                workspace::io_message(&e)
            ))
        });
    }
    let stdout = std::io::stdout();
    if format.is_machine() {
        let mut out = std::io::BufWriter::new(stdout.lock());
        let printer = Printer {
            format,
            styled: false,
            ctx,
        };
        write_or_pipe(printer.write_all(&mut out, diags))?;
        return write_or_pipe(out.flush());
    }
    let choice = match args.color.choice() {
        ColorChoice::Auto => anstream::AutoStream::choice(&stdout),
        c => c,
    };
    let mut out = anstream::AutoStream::new(stdout.lock(), choice);
    let printer = Printer {
        format,
        styled: choice != ColorChoice::Never,
        ctx,
    };
    write_or_pipe(printer.write_all(&mut out, diags))?;
    write_or_pipe(out.flush())
}

/// The workspace to check: cargo's, or the PATHS given. A cargo failure is a diagnostic.
pub fn find_workspace(args: &CheckArgs, cwd: &Path, diags: &mut Vec<Diag>) -> Option<Workspace> {
    if args.paths.is_empty() {
        match workspace::from_cargo(args, cwd) {
            Ok(ws) => Some(ws),
            Err(d) => {
                diags.push(*d);
                None
            }
        }
    } else {
        Some(workspace::from_paths(&args.paths, args, cwd, diags))
    }
}

/// The root config, layered with each package's `[package.metadata.aiguard]`.
pub fn load_configs(ws: &Workspace, args: &CheckArgs, diags: &mut Vec<Diag>) -> Vec<PkgConfig> {
    let display = |p: &Path| ws.display(p);
    let root = config_load::load_root(&ws.root, &display, diags);
    let mut out = Vec::new();
    for pkg in &ws.packages {
        let loaded = if ws.paths_mode {
            root.clone()
        } else {
            config_load::load_package(&root, &pkg.manifest, &display, diags)
        };
        if args.verbose > 0 && !ws.paths_mode {
            let sources = if loaded.sources.is_empty() {
                "defaults".to_string()
            } else {
                loaded.sources.join(" + ")
            };
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{:>12} {} (config: {sources})", "Checking", pkg.name);
        }
        out.push(PkgConfig {
            ai_globs: config_load::ai_globs(&loaded.config),
            config: loaded.config,
        });
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `aiguard: 1 error, 2 warnings (1 suppressed, 4 in the baseline); 3 AI items, 40 of 1200 lines AI-generated; 12 files checked in 0.05s`
fn summary(
    errors: usize,
    warnings: usize,
    t: &Totals,
    hidden: usize,
    elapsed: Duration,
    incomplete: bool,
) -> String {
    let mut s = format!(
        "aiguard: {}, {}",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings")
    );
    let mut dropped = Vec::new();
    if t.suppressed > 0 {
        dropped.push(format!("{} suppressed", t.suppressed));
    }
    if hidden > 0 {
        dropped.push(format!("{hidden} in the baseline"));
    }
    if !dropped.is_empty() {
        let _ = write!(s, " ({})", dropped.join(", "));
    }
    let _ = write!(
        s,
        "; {}, {} of {} AI-generated; {} checked in {:.2}s",
        plural(t.ai_items, "AI item", "AI items"),
        t.ai_lines,
        plural(t.lines, "line", "lines"),
        plural(t.files_checked, "file", "files"),
        elapsed.as_secs_f64()
    );
    if incomplete {
        s.push_str("; could not check everything");
    }
    s
}
