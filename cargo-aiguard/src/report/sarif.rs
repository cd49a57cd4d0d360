//! `--message-format sarif`: SARIF 2.1.0 for GitHub code scanning, from our own serde
//! structs (the serde-sarif crate drags in two old syn majors).
//!
//! Every rule is described from its doc comment (`aiguard_lints::docs`): short and full
//! descriptions, help in Markdown, a link to its section of docs/rules.md, CWE tags and a
//! `security-severity`. Each finding is a result with repository-relative URIs and a
//! `partialFingerprints` entry (the baseline fingerprint, which no line number enters).
//! Diagnostics that are not findings (a bad config, a file that could not be parsed) are
//! tool execution notifications.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use aiguard_lints::rule::HasMeta;
use aiguard_lints::{Family, Level, RuleMeta, docs, registry};
use serde::Serialize;

use super::{Child, Context, Diag, DiagKind, Loc, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "aiguard/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Text {
    fn plain(text: impl Into<String>) -> Text {
        Text {
            text: text.into(),
            markdown: None,
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<ResultLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<ResultLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<ResultLocation>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    ai_generated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Writes the SARIF log of `diags` (one JSON document and a newline).
pub fn write(out: &mut dyn Write, diags: &[Diag], ctx: &Context) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(diags, ctx))?;
    out.write_all(b"\n")
}

fn log(diags: &[Diag], ctx: &Context) -> Log {
    let mut metas: Vec<&'static RuleMeta> = registry::all().map(HasMeta::meta).collect();
    metas.sort_by_key(|m| (m.family, m.name));
    let rules: Vec<Rule> = metas.iter().map(|m| rule(m)).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for d in diags {
        let index = d.rule.and_then(|r| metas.iter().position(|m| m.name == r));
        match (d.kind, d.rule, index) {
            (DiagKind::Finding, Some(rule_id), Some(rule_index)) => {
                results.push(result(d, ctx, rule_id, rule_index));
            }
            _ => notifications.push(Notification {
                level: level(d.severity),
                message: Text::plain(message_text(d)),
                locations: location(d, ctx, d.primary.as_ref(), None)
                    .into_iter()
                    .collect(),
            }),
        }
    }
    let mut original_uri_base_ids = BTreeMap::new();
    if let Some(uri) = file_uri(&ctx.repo_root.to_string_lossy()) {
        original_uri_base_ids.insert(
            SRCROOT,
            ArtifactLocation {
                uri: uri + "/",
                uri_base_id: None,
            },
        );
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "aiguard",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            original_uri_base_ids,
            invocations: vec![Invocation {
                execution_successful: !diags.iter().any(|d| d.kind.is_incomplete()),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The message with its notes and help, one a line.
fn message_text(d: &Diag) -> String {
    let mut s = d.message.clone();
    for c in &d.children {
        let (what, text) = match c {
            Child::Note(t) => ("note", t),
            Child::Help(t) => ("help", t),
        };
        s.push('\n');
        s.push_str(what);
        s.push_str(": ");
        s.push_str(text);
    }
    s
}

fn result(d: &Diag, ctx: &Context, rule_id: &'static str, rule_index: usize) -> SarifResult {
    let related_locations = d
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, (loc, text))| location(d, ctx, Some(loc), Some((i + 1, text))))
        .collect();
    SarifResult {
        rule_id,
        rule_index,
        level: level(d.severity),
        message: Text::plain(message_text(d)),
        locations: location(d, ctx, d.primary.as_ref(), None)
            .into_iter()
            .collect(),
        related_locations,
        partial_fingerprints: d
            .fingerprint
            .iter()
            .map(|f| (FINGERPRINT_KEY, f.hash()))
            .collect(),
        properties: Some(ResultProperties {
            ai_generated: d.in_ai,
            item: d.item_path.clone().filter(|p| !p.is_empty()),
            model: d.model.clone(),
        }),
    }
}

/// A location in `d`'s file: repository-relative when the file lies in the repository.
fn location(
    d: &Diag,
    ctx: &Context,
    loc: Option<&Loc>,
    label: Option<(usize, &String)>,
) -> Option<ResultLocation> {
    let file = d.file.as_ref()?;
    let artifact_location = match ctx.repo_path(file) {
        Some(rel) => ArtifactLocation {
            uri: encode_path(&rel),
            uri_base_id: Some(SRCROOT),
        },
        None => ArtifactLocation {
            uri: file_uri(&ctx.absolute(file).to_string_lossy())?,
            uri_base_id: None,
        },
    };
    let region = loc.map(|l| {
        let (end_line, end_column) = d.end_of(l);
        Region {
            start_line: l.line.max(1),
            start_column: l.col.max(1),
            end_line: end_line.max(1),
            end_column: end_column.max(1),
        }
    });
    Some(ResultLocation {
        id: label.map(|(i, _)| i),
        physical_location: PhysicalLocation {
            artifact_location,
            region,
        },
        message: label.map(|(_, t)| Text::plain(t.clone())),
    })
}

/// `path` percent-encoded for a URI: unreserved characters and `/` stay.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A `file://` URI for an absolute path (`/` separators; a Windows drive gets a leading `/`).
fn file_uri(abs: &str) -> Option<String> {
    let path = abs.replace('\\', "/");
    let path = path.trim_end_matches('/');
    if path.starts_with('/') {
        Some(format!("file://{}", encode_path(path)))
    } else if path.as_bytes().get(1) == Some(&b':') {
        Some(format!(
            "file:///{}",
            encode_path(path).replacen("%3A", ":", 1)
        ))
    } else {
        None
    }
}

fn rule(m: &'static RuleMeta) -> Rule {
    let doc = docs::sanitize_explanation(m.explanation);
    let what = section(&doc, "### What it does").unwrap_or_default();
    let why = section(&doc, "### Why is this bad?").unwrap_or_default();
    let full = [what, why]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let level = m.ai.or(m.human).map_or("note", |l| match l {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    });
    Rule {
        id: m.name,
        short_description: Text::plain(m.summary),
        full_description: Text {
            text: unwrap_lines(&full),
            markdown: Some(full),
        },
        help: Text {
            text: doc.clone(),
            markdown: Some(doc),
        },
        help_uri: format!(
            "{}/blob/main/docs/rules.md#{}",
            env!("CARGO_PKG_REPOSITORY"),
            m.name
        ),
        default_configuration: Configuration { level },
        properties: RuleProperties {
            tags: vec![
                "security".to_string(),
                format!("external/cwe/cwe-{}", m.cwe),
                m.family.as_str().to_string(),
            ],
            security_severity: format!("{:.1}", security_severity(m.family)),
        },
    }
}

/// Markdown prose as plain text: the lines of each paragraph joined (the doc comments are
/// wrapped at 100 columns), list items kept on lines of their own.
fn unwrap_lines(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        let t = line.trim();
        if t.is_empty() {
            out.push_str("\n\n");
        } else if out.is_empty() || out.ends_with('\n') {
            out.push_str(t);
        } else if t.starts_with("- ") || t.starts_with("* ") {
            out.push('\n');
            out.push_str(t);
        } else {
            out.push(' ');
            out.push_str(t);
        }
    }
    out
}

/// A section's text (after its heading, up to the next heading), trimmed.
fn section(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n### ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// GitHub's `security-severity` (0-10: critical from 9, high from 7, medium from 4), by
/// family: what an attacker gains from a typical finding of the family.
fn security_severity(f: Family) -> f32 {
    match f {
        Family::Injection => 9.0,
        Family::Secrets => 8.5,
        Family::Crypto | Family::Network => 7.5,
        Family::Logic | Family::Unsafety => 7.0,
        Family::Filesystem => 6.5,
        Family::SupplyChain => 6.0,
        Family::Review => 5.0,
        Family::Arithmetic => 4.5,
        Family::Robustness => 4.0,
        Family::Asynchrony => 3.5,
        Family::Hygiene => 3.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(encode_path("src/a b/ü.rs"), "src/a%20b/%C3%BC.rs");
        assert_eq!(file_uri("/w/x y").as_deref(), Some("file:///w/x%20y"));
        assert_eq!(file_uri("C:\\w\\x").as_deref(), Some("file:///C:/w/x"));
        assert_eq!(file_uri("relative"), None);
    }

    #[test]
    fn prose_is_unwrapped() {
        assert_eq!(unwrap_lines("a\nb\n\nc\n- d\n- e"), "a b\n\nc\n- d\n- e");
    }

    #[test]
    fn every_rule_has_descriptions() {
        let metas: Vec<&'static RuleMeta> = registry::all().map(HasMeta::meta).collect();
        for m in metas {
            let r = rule(m);
            assert!(!r.full_description.text.is_empty(), "{}", m.name);
            assert!(!r.short_description.text.is_empty(), "{}", m.name);
        }
    }
}
