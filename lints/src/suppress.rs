//! `// aiguard: allow(rule) reason` comments for human code. syn drops comments, so this is
//! a text scan; the CLI applies the result to located findings.

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: usize,
    /// Whether the comment stands alone on its line (then it covers the next line too).
    pub own_line: bool,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Byte range of the comment in the file.
    pub span: std::ops::Range<usize>,
}

impl Suppression {
    /// Whether this comment covers a finding of `rule` starting at `line`.
    pub fn covers(&self, rule: &str, line: usize) -> bool {
        (line == self.line || (self.own_line && line == self.line + 1))
            && self.rules.iter().any(|r| r.replace('-', "_") == rule)
    }
}

/// Finds every `// aiguard: allow(..)` comment in `source`.
pub fn scan(source: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in source.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let Some(pos) = line.find("//") else {
            continue;
        };
        let comment = &line[pos..];
        let body = comment
            .trim_start_matches('/')
            .trim_start_matches('!')
            .trim();
        let Some(rest) = body.strip_prefix("aiguard:") else {
            continue;
        };
        let rest = rest.trim();
        let Some(args) = rest.strip_prefix("allow(") else {
            continue;
        };
        let Some(close) = args.find(')') else {
            continue;
        };
        let rules = args[..close]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let reason = args[close + 1..].trim().trim_start_matches(':').trim();
        out.push(Suppression {
            line: i + 1,
            own_line: line[..pos].trim().is_empty(),
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            span: start + pos..start + line.trim_end().len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans() {
        let src = "let a = 1;\n// aiguard: allow(unwrap_used) config is checked\nx.unwrap();\ny.expect(\"\"); // aiguard: allow(expect_used, unwrap_used)\n";
        let s = scan(src);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].line, 2);
        assert!(s[0].own_line);
        assert_eq!(s[0].reason.as_deref(), Some("config is checked"));
        assert!(s[0].covers("unwrap_used", 3));
        assert!(!s[0].covers("unwrap_used", 4));
        assert!(!s[1].own_line);
        assert_eq!(s[1].reason, None);
        assert!(s[1].covers("unwrap_used", 4));
    }
}
