//! Supply-chain checks of each member's `Cargo.toml` (and a virtual workspace manifest):
//! the engine's `check_manifest`, with findings located in the TOML text.

use std::path::Path;

use aiguard_lints::{Level, ManifestFinding};

use crate::report::{Diag, DiagKind, Loc, Severity};
use crate::scan::PkgConfig;
use crate::workspace::{self, Workspace};

/// Checks every package manifest of `ws` (cargo mode only), plus the workspace root
/// manifest when it is not itself a package.
pub fn check(ws: &Workspace, pkgs: &[PkgConfig]) -> Vec<Diag> {
    let mut diags = Vec::new();
    if ws.paths_mode {
        return diags;
    }
    let mut seen = std::collections::HashSet::new();
    for (pkg, cfg) in ws.packages.iter().zip(pkgs) {
        if seen.insert(pkg.manifest.clone()) {
            check_one(ws, &pkg.manifest, &pkg.root, cfg, &mut diags);
        }
    }
    let root_manifest = ws.root.join("Cargo.toml");
    if !seen.contains(&root_manifest)
        && root_manifest.is_file()
        && let Some(cfg) = pkgs.first()
    {
        check_one(ws, &root_manifest, &ws.root, cfg, &mut diags);
    }
    diags
}

fn check_one(ws: &Workspace, manifest: &Path, dir: &Path, cfg: &PkgConfig, diags: &mut Vec<Diag>) {
    let shown = ws.display(manifest);
    let text = match std::fs::read_to_string(manifest) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diag::error(
                    DiagKind::Input,
                    format!("could not read `{shown}`: {}", workspace::io_message(&e)),
                )
                .in_file(shown),
            );
            return;
        }
    };
    let (findings, errors) = aiguard_lints::check_manifest(&text, dir, &ws.root, &cfg.config);
    for e in errors {
        let mut d = Diag::error(DiagKind::Input, e.message).at(
            shown.clone(),
            &text,
            Loc::of_range(&text, e.span),
        );
        if let Some(h) = e.help {
            d = d.help(h);
        }
        diags.push(d);
    }
    for f in &findings {
        if let Some(d) = finding_diag(f, &text, &shown) {
            diags.push(d);
        }
    }
}

fn finding_diag(f: &ManifestFinding, text: &str, shown: &str) -> Option<Diag> {
    let severity = match f.level {
        Level::Deny => Severity::Error,
        Level::Warn => Severity::Warning,
        Level::Allow => return None,
    };
    let mut d = Diag::new(DiagKind::Finding, severity, f.message.clone());
    d.rule = Some(f.rule.name);
    d.file = Some(shown.to_string());
    d.primary = Some(Loc::of_range(text, f.span.clone()));
    d.labels = f
        .labels
        .iter()
        .map(|(r, t)| (Loc::of_range(text, r.clone()), t.clone()))
        .collect();
    d = d.with_excerpt_from(text);
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
