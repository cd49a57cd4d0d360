//! `cargo aiguard [check] [PATHS..]`: find the files, load the config, scan, report.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anstream::ColorChoice;

use crate::cli::CheckArgs;
use crate::exit::ExitStatus;
use crate::report::{self, Diag, DiagKind, Printer, Severity};
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
    let ws = if args.paths.is_empty() {
        match workspace::from_cargo(args, &cwd) {
            Ok(ws) => Some(ws),
            Err(d) => {
                diags.push(*d);
                None
            }
        }
    } else {
        Some(workspace::from_paths(&args.paths, args, &cwd, &mut diags))
    };
    let mut totals = Totals::default();
    if let Some(ws) = &ws {
        let pkgs = load_configs(ws, args, &mut diags);
        let (scan_diags, t) = scan::run(ws, &pkgs).map_err(Fatal)?;
        diags.extend(scan_diags);
        diags.extend(manifests::check(ws, &pkgs));
        totals = t;
    }
    if args.ai_only {
        diags.retain(|d| d.kind != DiagKind::Finding || d.in_ai);
    }
    if args.deny_warnings() {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    report::sort(&mut diags);

    let stdout = std::io::stdout();
    let choice = match args.color.choice() {
        ColorChoice::Auto => anstream::AutoStream::choice(&stdout),
        c => c,
    };
    let mut out = anstream::AutoStream::new(stdout.lock(), choice);
    let printer = Printer {
        format: args.message_format,
        styled: choice != ColorChoice::Never,
    };
    write_or_pipe(printer.write_all(&mut out, &diags))?;
    write_or_pipe(out.flush())?;

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
    if !args.quiet {
        let line = summary(errors, warnings, &totals, started.elapsed(), incomplete);
        let mut err = anstream::AutoStream::new(std::io::stderr().lock(), args.color.choice());
        write_or_pipe(writeln!(err, "{line}"))?;
    }
    Ok(status)
}

/// The root config, layered with each package's `[package.metadata.aiguard]`.
fn load_configs(ws: &Workspace, args: &CheckArgs, diags: &mut Vec<Diag>) -> Vec<PkgConfig> {
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

/// `aiguard: 1 error, 2 warnings; 3 AI items, 40 of 1200 lines AI-generated; 12 files checked in 0.05s`
fn summary(
    errors: usize,
    warnings: usize,
    t: &Totals,
    elapsed: Duration,
    incomplete: bool,
) -> String {
    let mut s = format!(
        "aiguard: {}, {}",
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings")
    );
    if t.suppressed > 0 {
        let _ = write!(s, " ({} suppressed)", t.suppressed);
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
