//! `cargo aiguard rules`: every rule with family, levels, CWE and summary.

use std::fmt::Write as _;
use std::io::Write;

use aiguard_lints::rule::HasMeta;
use aiguard_lints::{Level, RuleMeta, registry};

use crate::cli::RulesFormat;
use crate::exit::ExitStatus;
use crate::{Fatal, write_or_pipe};

pub fn run(format: RulesFormat) -> Result<ExitStatus, Fatal> {
    let mut rules: Vec<&RuleMeta> = registry::all().map(HasMeta::meta).collect();
    rules.sort_by_key(|m| (m.family, m.name));
    let text = match format {
        RulesFormat::Table => table(&rules),
        RulesFormat::Md => aiguard_lints::docs::render_rules_page(),
        RulesFormat::Json => json(&rules)?,
    };
    let mut out = std::io::stdout().lock();
    write_or_pipe(out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Clean)
}

fn level(l: Option<Level>) -> &'static str {
    l.map_or("n/a", Level::as_str)
}

fn table(rules: &[&RuleMeta]) -> String {
    let header = ["rule", "family", "ai", "human", "CWE", "summary"];
    let rows: Vec<[String; 6]> = rules
        .iter()
        .map(|m| {
            [
                m.name.to_string(),
                m.family.as_str().to_string(),
                level(m.ai).to_string(),
                level(m.human).to_string(),
                format!("CWE-{}", m.cwe),
                m.summary.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut s = String::new();
    let mut line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let _ = write!(l, "{cell:<w$}  ");
            }
        }
        s.push_str(l.trim_end());
        s.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    s
}

fn json(rules: &[&RuleMeta]) -> Result<String, Fatal> {
    let list: Vec<serde_json::Value> = rules
        .iter()
        .map(|m| {
            serde_json::json!({
                "name": m.name,
                "family": m.family.as_str(),
                "ai": m.ai.map(Level::as_str),
                "human": m.human.map(Level::as_str),
                "cwe": m.cwe,
                "summary": m.summary,
                "explanation": aiguard_lints::docs::sanitize_explanation(m.explanation),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list)
        .map_err(|e| Fatal(format!("could not write JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}
