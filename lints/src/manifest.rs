//! Manifest checks (supply chain): `Cargo.toml` is parsed once with spans, each dependency
//! is dispatched to the rules that asked for `NodeKind::Dependency`. Findings carry byte
//! ranges into the manifest text. CLI only: the macro never sees manifests.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::config::{Config, ConfigError};
use crate::registry;
use crate::rule::{Level, NodeKind, RuleMeta};

/// A string value of a dependency table and where it stands.
#[derive(Clone, Debug)]
pub struct SpannedStr {
    pub value: String,
    pub span: Range<usize>,
}

/// One dependency declaration.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The key in the table: the name the code uses.
    pub key: SpannedStr,
    /// `package = ".."`: the crate actually fetched when renamed.
    pub package: Option<SpannedStr>,
    pub version: Option<SpannedStr>,
    pub git: Option<SpannedStr>,
    pub has_rev_or_tag: bool,
    pub path: Option<SpannedStr>,
    /// `{ workspace = true }`: inherited, checked where it is declared.
    pub workspace: bool,
    /// The table it is declared in: `dependencies`, `dev-dependencies`,
    /// `target.'cfg(unix)'.dependencies`, `workspace.dependencies`.
    pub table: String,
}

impl Dependency {
    /// The crate name fetched from the registry: `package` if renamed, else the key.
    pub fn crate_name(&self) -> &SpannedStr {
        self.package.as_ref().unwrap_or(&self.key)
    }
}

/// A finding in a manifest.
#[derive(Clone, Debug)]
pub struct ManifestFinding {
    pub rule: &'static RuleMeta,
    pub level: Level,
    pub message: String,
    pub span: Range<usize>,
    pub labels: Vec<(Range<usize>, String)>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

/// Returned by [`ManifestCx::report`]: adds labels, help and notes if the finding was kept.
pub struct ManifestReporter<'c> {
    finding: Option<&'c mut ManifestFinding>,
}

impl ManifestReporter<'_> {
    pub fn help(mut self, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.help = Some(text.into());
        }
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.notes.push(text.into());
        }
        self
    }

    pub fn label(mut self, span: Range<usize>, text: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.labels.push((span, text.into()));
        }
        self
    }
}

/// The context manifest rules report through.
pub struct ManifestCx<'a> {
    pub config: &'a Config,
    /// Directory of the manifest being checked.
    pub manifest_dir: &'a Path,
    /// The workspace root (path dependencies must stay inside it).
    pub workspace_root: &'a Path,
    pub(crate) findings: Vec<ManifestFinding>,
}

impl ManifestCx<'_> {
    /// Reports a finding at a byte range of the manifest, unless the rule is off.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> ManifestReporter<'_> {
        let level = self
            .config
            .level(rule, false)
            .filter(|l| *l != Level::Allow);
        let Some(level) = level else {
            return ManifestReporter { finding: None };
        };
        self.findings.push(ManifestFinding {
            rule,
            level,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        });
        ManifestReporter {
            finding: self.findings.last_mut(),
        }
    }

    /// Whether `path` (relative to the manifest) leaves the workspace root.
    pub fn outside_workspace(&self, path: &str) -> bool {
        let joined = lexical_normalize(&self.manifest_dir.join(path));
        let root = lexical_normalize(self.workspace_root);
        !joined.starts_with(root)
    }
}

/// `a/b/../c` → `a/c` without touching the filesystem.
fn lexical_normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Checks a manifest's text. Returns the findings (after `# aiguard: allow(rule) reason`
/// comments) and the manifest's parse errors.
pub fn check_manifest(
    text: &str,
    manifest_dir: &Path,
    workspace_root: &Path,
    config: &Config,
) -> (Vec<ManifestFinding>, Vec<ConfigError>) {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            return (
                Vec::new(),
                vec![ConfigError {
                    message: format!(
                        "invalid TOML: {}",
                        err.message().trim().trim_end_matches('.')
                    ),
                    span: err.span().unwrap_or(0..0),
                    help: None,
                }],
            );
        }
    };
    let deps = dependencies(doc.get_ref());
    let mut cx = ManifestCx {
        config,
        manifest_dir,
        workspace_root,
        findings: Vec::new(),
    };
    for rule in registry::all() {
        if !rule.interests().contains(&NodeKind::Dependency) {
            continue;
        }
        for dep in &deps {
            rule.check_dependency(&mut cx, dep);
        }
    }
    let mut findings = cx.findings;
    apply_suppressions(text, &mut findings);
    (findings, Vec::new())
}

fn apply_suppressions(text: &str, findings: &mut Vec<ManifestFinding>) {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let comments: Vec<(usize, bool, Vec<String>, bool)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let pos = line.find('#')?;
            let body = line[pos + 1..].trim();
            let rest = body.strip_prefix("aiguard:")?.trim();
            let args = rest.strip_prefix("allow(")?;
            let close = args.find(')')?;
            let rules = args[..close]
                .split(',')
                .map(|r| r.trim().replace('-', "_"))
                .collect();
            let has_reason = !args[close + 1..].trim().is_empty();
            Some((i + 1, line[..pos].trim().is_empty(), rules, has_reason))
        })
        .collect();
    findings.retain_mut(|f| {
        let line = line_of(f.span.start);
        for (cl, own_line, rules, has_reason) in &comments {
            let covers = *cl == line || (*own_line && *cl + 1 == line);
            if covers && rules.iter().any(|r| r == f.rule.name) {
                if *has_reason {
                    return false;
                }
                f.notes.push(format!(
                    "the `# aiguard: allow({})` comment on line {cl} has no reason, so it does not apply",
                    f.rule.name
                ));
            }
        }
        true
    });
}

const DEP_TABLES: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

fn dependencies(doc: &DeTable<'_>) -> Vec<Dependency> {
    let mut out = Vec::new();
    for t in DEP_TABLES {
        collect(doc, t, (*t).to_string(), &mut out);
        // `dev_dependencies` (old spelling) too.
        let old = t.replace('-', "_");
        if old != *t {
            collect(doc, &old, (*t).to_string(), &mut out);
        }
    }
    if let Some(DeValue::Table(targets)) = doc.get("target").map(Spanned::get_ref) {
        for (cfg, tv) in targets {
            if let DeValue::Table(tt) = tv.get_ref() {
                for t in DEP_TABLES {
                    collect(tt, t, format!("target.'{}'.{t}", cfg.get_ref()), &mut out);
                }
            }
        }
    }
    if let Some(DeValue::Table(ws)) = doc.get("workspace").map(Spanned::get_ref) {
        collect(
            ws,
            "dependencies",
            "workspace.dependencies".to_string(),
            &mut out,
        );
    }
    out
}

fn spanned_str(v: &Spanned<DeValue<'_>>) -> Option<SpannedStr> {
    v.get_ref().as_str().map(|s| SpannedStr {
        value: s.to_string(),
        span: v.span(),
    })
}

fn collect(table: &DeTable<'_>, name: &str, label: String, out: &mut Vec<Dependency>) {
    let Some(DeValue::Table(deps)) = table.get(name).map(Spanned::get_ref) else {
        return;
    };
    for (key, value) in deps {
        let mut dep = Dependency {
            key: SpannedStr {
                value: key.get_ref().to_string(),
                span: key.span(),
            },
            package: None,
            version: None,
            git: None,
            has_rev_or_tag: false,
            path: None,
            workspace: false,
            table: label.clone(),
        };
        match value.get_ref() {
            DeValue::String(_) => dep.version = spanned_str(value),
            DeValue::Table(t) => {
                for (k, v) in t {
                    match k.get_ref().as_ref() {
                        "package" => dep.package = spanned_str(v),
                        "version" => dep.version = spanned_str(v),
                        "git" => dep.git = spanned_str(v),
                        "rev" | "tag" => dep.has_rev_or_tag = true,
                        "path" => dep.path = spanned_str(v),
                        "workspace" => dep.workspace = v.get_ref().as_bool() == Some(true),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        out.push(dep);
    }
}
