//! Baselines: today's findings recorded so that CI fails only on new ones.
//!
//! A finding is recorded by a fingerprint that holds no line number: the rule, the file, the
//! path of the innermost enclosing item, the finding's source line with its whitespace
//! normalized, and its occurrence index among the findings that share all four. Lines added
//! or removed above a finding do not change it; two identical findings are two entries, so
//! one baselined finding never hides a second, new one. SARIF's `partialFingerprints` use
//! the same fingerprint.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Fatal;
use crate::report::{Diag, DiagKind};

/// The baseline file's format version.
const VERSION: u32 = 1;

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub rule: String,
    /// The file as displayed (relative to the workspace root).
    pub file: String,
    /// The innermost enclosing item (`auth::Server::login`); empty at file level.
    pub item: String,
    /// The finding's source line, whitespace collapsed.
    pub source: String,
    /// Index among the findings that share rule, file, item and source.
    pub occurrence: usize,
}

impl Fingerprint {
    /// A stable hash of the fingerprint: 32 hex characters of SHA-256.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.rule, &self.file, &self.item, &self.source] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(self.occurrence.to_string().as_bytes());
        let mut s = String::with_capacity(32);
        for b in h.finalize().iter().take(16) {
            let _ = write!(s, "{b:02x}");
        }
        s
    }

    /// `src/lib.rs: unwrap_used in `parse`: `v.unwrap()``, for the list of fixed entries.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.file, self.rule);
        if !self.item.is_empty() {
            let _ = write!(s, " in `{}`", self.item);
        }
        if !self.source.is_empty() {
            let _ = write!(s, ": `{}`", self.source);
        }
        if self.occurrence > 0 {
            let _ = write!(s, " (occurrence {})", self.occurrence + 1);
        }
        s
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Fingerprint>,
}

/// `text` with runs of whitespace collapsed to one space and trimmed.
pub fn normalize_source(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sets the fingerprint of every finding of `diags` (which must be in report order, so
/// occurrence indices follow the source).
pub fn assign(diags: &mut [Diag]) {
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    for d in diags.iter_mut() {
        let (DiagKind::Finding, Some(rule), Some(file)) = (d.kind, d.rule, &d.file) else {
            continue;
        };
        let source = d
            .primary_line()
            .map_or_else(|| normalize_source(&d.message), normalize_source);
        let item = d.item_path.clone().unwrap_or_default();
        let key = (rule.to_string(), file.clone(), item, source);
        let n = seen.entry(key.clone()).or_insert(0);
        let occurrence = *n;
        *n += 1;
        let (rule, file, item, source) = key;
        d.fingerprint = Some(Fingerprint {
            rule,
            file,
            item,
            source,
            occurrence,
        });
    }
}

/// Reads a baseline file.
pub fn read(path: &Path) -> Result<Vec<Fingerprint>, Fatal> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Fatal(format!(
            "could not read the baseline `{shown}`: {}",
            crate::workspace::io_message(&e)
        ))
    })?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| Fatal(format!("`{shown}` is not an aiguard baseline: {e}")))?;
    if file.version != VERSION {
        return Err(Fatal(format!(
            "the baseline `{shown}` has version {}, this aiguard reads version {VERSION}; write it again with `--write-baseline`",
            file.version
        )));
    }
    Ok(file.findings)
}

/// Writes the fingerprints of the findings of `diags` to `path`; returns how many.
pub fn write(path: &Path, diags: &[Diag]) -> Result<usize, Fatal> {
    let mut findings: Vec<Fingerprint> =
        diags.iter().filter_map(|d| d.fingerprint.clone()).collect();
    findings.sort_by(|a, b| {
        (&a.file, &a.item, &a.rule, &a.source, a.occurrence).cmp(&(
            &b.file,
            &b.item,
            &b.rule,
            &b.source,
            b.occurrence,
        ))
    });
    let n = findings.len();
    let mut text = serde_json::to_string_pretty(&File {
        version: VERSION,
        findings,
    })
    .map_err(|e| Fatal(format!("could not write the baseline: {e}")))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| {
        Fatal(format!(
            "could not write the baseline `{}`: {}",
            path.display(),
            crate::workspace::io_message(&e)
        ))
    })?;
    Ok(n)
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings dropped because the baseline records them.
    pub hidden: usize,
    /// Baseline entries no finding matched: fixed (or moved to another item or file).
    pub fixed: Vec<Fingerprint>,
}

/// Drops the findings `baseline` records, each entry hiding one finding at most.
pub fn apply(diags: &mut Vec<Diag>, baseline: &[Fingerprint]) -> Applied {
    let mut left: HashMap<&Fingerprint, usize> = HashMap::new();
    for e in baseline {
        *left.entry(e).or_insert(0) += 1;
    }
    let before = diags.len();
    diags.retain(|d| {
        let Some(fp) = &d.fingerprint else {
            return true;
        };
        match left.get_mut(fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    let mut fixed = Vec::new();
    for e in baseline {
        if let Some(n) = left.get_mut(e)
            && *n > 0
        {
            *n -= 1;
            fixed.push(e.clone());
        }
    }
    Applied {
        hidden: before - diags.len(),
        fixed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Excerpt, Loc, Severity};

    fn finding(rule: &'static str, item: &str, text: &str, line: usize) -> Diag {
        let mut d = Diag::new(DiagKind::Finding, Severity::Error, "m");
        d.rule = Some(rule);
        d.item_path = Some(item.to_string());
        d.file = Some("src/lib.rs".into());
        d.primary = Some(Loc {
            range: 0..1,
            line,
            col: 1,
        });
        d.excerpt = Some(Excerpt {
            text: text.to_string(),
            offset: 0,
            line_start: line,
        });
        d
    }

    #[test]
    fn identical_findings_are_distinct_entries() {
        let mut diags = vec![
            finding("unwrap_used", "f", "  x.unwrap()", 3),
            finding("unwrap_used", "f", "x.unwrap()   ", 9),
            finding("unwrap_used", "g", "x.unwrap()", 12),
        ];
        assign(&mut diags);
        let fps: Vec<Fingerprint> = diags.iter().filter_map(|d| d.fingerprint.clone()).collect();
        assert_eq!(fps[0].source, "x.unwrap()");
        assert_eq!((fps[0].occurrence, fps[1].occurrence), (0, 1));
        assert_eq!(fps[2].occurrence, 0);
        assert_ne!(fps[0].hash(), fps[1].hash());
        assert_ne!(fps[0].hash(), fps[2].hash());

        // A baseline with one of the two hides one only; the third is new.
        let applied = apply(&mut diags, &fps[..1]);
        assert_eq!(applied.hidden, 1);
        assert!(applied.fixed.is_empty());
        assert_eq!(diags.len(), 2);

        // An entry nothing matches is fixed.
        let mut none = Vec::new();
        let applied = apply(&mut none, &fps);
        assert_eq!(applied.fixed.len(), 3);
    }

    #[test]
    fn line_numbers_do_not_count() {
        let mut a = vec![finding("unwrap_used", "f", "x.unwrap()", 3)];
        let mut b = vec![finding("unwrap_used", "f", "x.unwrap()", 40)];
        assign(&mut a);
        assign(&mut b);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
    }
}
