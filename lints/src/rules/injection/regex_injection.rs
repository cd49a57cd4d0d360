use super::{Pending, Sink};
use crate::analysis::paths;
use crate::analysis::taint::{Event, SourceKind, State, Val};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags `Regex::new`/`RegexBuilder::new`/`RegexSet::new` (regex, fancy-regex, the
    /// `bytes` variants) compiling a pattern built from untrusted input with no
    /// `regex::escape`: a parameter, env var or argument interpolated into a pattern
    /// (`format!("^{name}$")`), or a value from a web request, stdin or the network used as
    /// the pattern. A parameter passed straight through is the caller's pattern and is not
    /// flagged.
    ///
    /// ### Why is this bad?
    /// Text meant to be matched literally becomes regex syntax: `.` and `*` change what
    /// matches, and a crafted pattern makes a backtracking engine (`fancy-regex`, PCRE) run
    /// for minutes, or the `regex` crate build huge automata (CWE-1333, CWE-625).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn find_user(lines: &[String], name: &str) -> Vec<String> {
    ///     let re = regex::Regex::new(&format!("^{name}:")).unwrap();
    ///     lines.iter().filter(|l| re.is_match(l)).cloned().collect()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn find_user(lines: &[String], name: &str) -> Vec<String> {
    ///     let re = regex::Regex::new(&format!("^{}:", regex::escape(name))).unwrap();
    ///     lines.iter().filter(|l| re.is_match(l)).cloned().collect()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-1333: Inefficient Regular Expression Complexity
    /// - CWE-625: Permissive Regular Expression
    /// - semgrep: `javascript.lang.security.audit.detect-non-literal-regexp` (the same flaw)
    pub struct RegexInjection;
    name = "regex_injection",
    family = Injection,
    ai = Deny,
    human = Allow,
    cwe = 1333,
    summary = "regular expression compiled from an untrusted value without `regex::escape`",
}

impl Rule for RegexInjection {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

impl Sink for RegexInjection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &["Regex", "RegexBuilder", "RegexSet", "RegexSetBuilder"]
    }

    fn on_event(
        &self,
        ev: &Event<'_>,
        _st: &State,
        _cx: &super::SinkCx<'_>,
        out: &mut Vec<Pending>,
    ) {
        let Event::Call { path, args, .. } = ev else {
            return;
        };
        let compiles = ["Regex", "RegexBuilder", "RegexSet", "RegexSetBuilder"]
            .iter()
            .any(|t| paths::ends_with(path, &[t, "new"]))
            || paths::ends_with(path, &["Regex", "from_str"]);
        if !compiles {
            return;
        }
        let Some(t) = args.first().and_then(Val::text_taint) else {
            return;
        };
        if !t.counts() || t.source.kind == SourceKind::Archive {
            return;
        }
        out.push(Pending::new(
            &Self::META,
            super::sink_span(ev),
            format!("{} is compiled as a regular expression", super::what(t)),
            t,
            "escape the value with `regex::escape`, or compare it as a plain string",
        ));
    }
}
