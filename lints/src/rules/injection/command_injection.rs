use super::{Pending, Sink};
use crate::analysis::paths::{self, UseMap};
use crate::analysis::taint::{Event, SourceKind, State, Val};
use crate::analysis::vocab::Vocab;
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags shell commands built from untrusted input: `Command::new("sh"|"bash"|"zsh"|
    /// "cmd"|"powershell"|"pwsh"|..)` with a `-c`/`/C`/`-Command` script argument that
    /// derives from a parameter, a web extractor, an environment variable, the command line,
    /// stdin or the network (directly, or interpolated with `format!`/`+`/`push_str`); and
    /// `Command::new(program)` where the program name comes from a web request, stdin or the
    /// network.
    ///
    /// Any non-literal untrusted script counts for `sh -c`, a parameter or an env var passed
    /// straight through included: whoever calls the function gets a shell, and every caller
    /// must quote correctly. A program name from a parameter, env var (`$CC`, `$EDITOR`) or
    /// the command line does not: choosing the tool to run is what they are for.
    /// `Command` is that of `std::process`, `tokio::process` or `async-process`, under any
    /// name a `use` or a type alias gives it (`use std::process::Command as Cmd;`).
    ///
    /// Not flagged: running a program directly with `.arg(..)` per argument
    /// (`Command::new("convert").arg(path)`), scripts that are literals or constants, a
    /// `Command` of another crate (`clap::Command`) or of the file itself.
    ///
    /// ### Why is this bad?
    /// The shell parses its script: `;`, `&&`, `|`, `$(..)` and backticks in the input run
    /// commands of the attacker's choosing (CWE-78). Assistants reach for `sh -c` with
    /// `format!` to get pipes and globbing working quickly.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use std::process::Command;
    ///
    /// fn thumbnail(file: &str) -> std::io::Result<()> {
    ///     let script = format!("convert {file} -resize 64x64 thumb.png");
    ///     Command::new("sh").arg("-c").arg(&script).status()?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use std::process::Command;
    ///
    /// fn thumbnail(file: &str) -> std::io::Result<()> {
    ///     Command::new("convert")
    ///         .arg(file)
    ///         .args(["-resize", "64x64", "thumb.png"])
    ///         .status()?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - semgrep: `rust.lang.security.args-os`, `rust.lang.security.current-exe`
    pub struct CommandInjection;
    name = "command_injection",
    family = Injection,
    ai = Deny,
    human = Warn,
    cwe = 78,
    summary = "shell command or program name built from an untrusted value",
}

impl Rule for CommandInjection {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

/// The script flag of a shell: `-c` (also `-lc`, `-ec`), `/C`, `-Command`.
fn is_script_flag(word: &str) -> bool {
    let w = word.trim_matches(|c| c == '"' || c == '\'');
    if w.eq_ignore_ascii_case("/c") || w.eq_ignore_ascii_case("/k") {
        return true;
    }
    if w.eq_ignore_ascii_case("-command") || w.eq_ignore_ascii_case("-encodedcommand") {
        return true;
    }
    w.starts_with('-')
        && !w.starts_with("--")
        && w.len() <= 4
        && w.ends_with('c')
        && w[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// `Command::new` of `std::process`, `tokio::process`, `async_process`..: `path` is resolved
/// through the file's `use` items and type aliases. An unqualified `Command::new` (a glob
/// import) counts unless the file defines its own `Command`; a `Command` imported from
/// elsewhere (`clap::Command`) does not.
fn is_process_command_new(path: &[String], uses: &UseMap) -> bool {
    if !paths::ends_with(path, &["Command", "new"]) {
        return false;
    }
    if path.len() == 2 {
        return !uses.defines_type("Command");
    }
    path.iter().any(|s| s == "process" || s == "async_process")
}

/// The command's text so far (`sh -c`): whether it runs a shell, and whether the script
/// flag is already there.
fn shell_state(recv: &Val, vocab: &Vocab) -> Option<bool> {
    let text = recv.text.as_deref()?;
    let mut words = text.split_whitespace();
    let program = words.next()?;
    if !vocab.is_shell_program(program) {
        return None;
    }
    Some(words.any(is_script_flag))
}

impl Sink for CommandInjection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &["Command"]
    }

    fn on_event(
        &self,
        ev: &Event<'_>,
        _st: &State,
        cx: &super::SinkCx<'_>,
        out: &mut Vec<Pending>,
    ) {
        match ev {
            Event::Call { path, args, .. } => {
                if !is_process_command_new(path, cx.uses) {
                    return;
                }
                let Some(t) = args.first().and_then(Val::text_taint) else {
                    return;
                };
                if t.source.kind.is_remote() && t.source.kind != SourceKind::Archive {
                    out.push(Pending::new(
                        &Self::META,
                        super::sink_span(ev),
                        format!("{} decides which program runs", super::what(t)),
                        t,
                        "run a fixed program, or check the name against an allow-list of programs",
                    ));
                }
            }
            Event::Method { call, recv, args } => {
                let name = call.method.to_string();
                if name != "arg" && name != "args" {
                    return;
                }
                let Some(has_flag) = shell_state(recv, cx.vocab) else {
                    return;
                };
                let Some(a) = args.first() else {
                    return;
                };
                let flag_here = a
                    .text
                    .as_deref()
                    .is_some_and(|t| t.split_whitespace().any(is_script_flag));
                if !(has_flag || (name == "args" && flag_here)) {
                    return;
                }
                let Some(t) = a.text_taint() else {
                    return;
                };
                out.push(Pending::new(
                    &Self::META,
                    call.method.span(),
                    format!("{} is run as a shell script", super::what(t)),
                    t,
                    "run the program directly with one `.arg(..)` per argument instead of a shell script",
                ));
            }
            _ => {}
        }
    }
}
