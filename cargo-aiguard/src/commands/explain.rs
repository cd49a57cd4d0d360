//! `cargo aiguard explain RULE`: the rule's documentation.

use std::io::Write;

use aiguard_lints::{Level, registry};

use crate::exit::ExitStatus;
use crate::{Fatal, write_or_pipe};

pub fn run(name: &str) -> Result<ExitStatus, Fatal> {
    let Some(rule) = registry::by_name(name) else {
        let help = match registry::closest(name) {
            Some(c) => format!("a rule with a similar name exists: `{c}`"),
            None => "run `cargo aiguard rules` to list the rules".to_string(),
        };
        let mut err = std::io::stderr().lock();
        write_or_pipe(writeln!(
            err,
            "error: unknown rule `{name}`\n  = help: {help}"
        ))?;
        return Ok(ExitStatus::Incomplete);
    };
    let m = rule.meta();
    let level = |l: Option<Level>| l.map_or("n/a", Level::as_str);
    let text = format!(
        "# {} ({}, CWE-{})\n\nlevels: ai = {}, human = {}\n\n{}",
        m.name,
        m.family.as_str(),
        m.cwe,
        level(m.ai),
        level(m.human),
        aiguard_lints::docs::sanitize_explanation(m.explanation)
    );
    let mut out = std::io::stdout().lock();
    write_or_pipe(out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Clean)
}
