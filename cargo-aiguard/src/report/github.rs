//! `--message-format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request:
//! `::error file=src/lib.rs,line=4,endLine=4,col=7,endColumn=13,title=aiguard::unwrap_used::message`.
//! Paths are relative to the repository root; values are escaped as GitHub documents.

use std::fmt::Write;

use super::{Child, Context, Diag, Severity};

/// Escapes a command's message: `%`, `\r`, `\n`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as data, and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as one workflow command (no newline).
pub fn render(d: &Diag, ctx: &Context) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(file) = &d.file {
        props.push(("file", ctx.repo_path(file).unwrap_or_else(|| file.clone())));
        if let Some(loc) = &d.primary {
            let (end_line, end_col) = d.end_of(loc);
            props.push(("line", loc.line.to_string()));
            props.push(("endLine", end_line.to_string()));
            props.push(("col", loc.col.to_string()));
            if end_line == loc.line {
                props.push(("endColumn", end_col.to_string()));
            }
        }
    }
    props.push((
        "title",
        d.rule
            .map_or_else(|| "aiguard".to_string(), |r| format!("aiguard::{r}")),
    ));
    let mut message = d.message.clone();
    for c in &d.children {
        let _ = match c {
            Child::Note(t) => write!(message, "\nnote: {t}"),
            Child::Help(t) => write!(message, "\nhelp: {t}"),
        };
    }
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
