//! `file:line:col: level[rule]: message`, one diagnostic a line.

use std::fmt::Write;

use super::Diag;

/// One diagnostic as one line (no newline).
pub fn render(d: &Diag) -> String {
    let mut s = String::new();
    if let Some(file) = &d.file {
        s.push_str(file);
        if let Some(loc) = &d.primary {
            let _ = write!(s, ":{}:{}", loc.line, loc.col);
        }
        s.push_str(": ");
    }
    s.push_str(d.severity.as_str());
    if let Some(rule) = d.rule {
        let _ = write!(s, "[{rule}]");
    }
    s.push_str(": ");
    // One line per diagnostic, whatever the message holds.
    s.push_str(&d.message.replace('\n', " "));
    s
}
