use proc_macro2::Span;

use crate::analysis::body::{self, Scope};
use crate::analysis::{locals, paths};
use crate::cx::Cx;
use crate::fnlike::{FnLike, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a regex literal without anchors at both ends (`^`…`$` or `\A`…`\z`, for every
    /// top-level alternative) that validates input:
    ///
    /// - used with `.is_match(..)` in a check-named function (`is_valid_email`,
    ///   `validate_username`), whether the regex is built in place, bound to a `let`, or a
    ///   `static`/`const` of the file (`Lazy`, `LazyLock`, `OnceLock`);
    /// - bound to a validator-named `let`, `static` or `const` (`VALID_EMAIL`,
    ///   `USERNAME_VALIDATOR`, `ALLOWED_CHARS`).
    ///
    /// Not flagged: a single negated character class (`[^a-z0-9_]`), which searches for a
    /// forbidden character and is right unanchored; regexes used to search or extract
    /// (`find`, `captures`, `replace`) outside validators.
    ///
    /// ### Why is this bad?
    /// `is_match` reports whether the pattern matches *anywhere* in the input.
    /// `Regex::new(r"[a-z0-9]+@[a-z]+\.[a-z]+")` accepts `"<script>@x.io"` and
    /// `"a@b.cc; DROP TABLE users"`, because each contains a match. `^a|b$` anchors only
    /// the first alternative's start and the last one's end. Validation that accepts
    /// anything containing a valid substring lets injection payloads through (CWE-185,
    /// incorrect regular expression; CWE-625, permissive regular expression).
    ///
    /// ### Example
    /// ```rust,ignore
    /// static EMAIL: LazyLock<Regex> =
    ///     LazyLock::new(|| Regex::new(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}").unwrap());
    ///
    /// fn is_valid_email(s: &str) -> bool {
    ///     EMAIL.is_match(s)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// static EMAIL: LazyLock<Regex> =
    ///     LazyLock::new(|| Regex::new(r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$").unwrap());
    ///
    /// fn is_valid_email(s: &str) -> bool {
    ///     EMAIL.is_match(s)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-185: Incorrect Regular Expression
    /// - CWE-625: Permissive Regular Expression
    /// - semgrep: `python.lang.security.audit.regex-anchor` (the same mistake in Python)
    pub struct UnanchoredRegex;
    name = "unanchored_regex",
    family = Logic,
    ai = Warn,
    human = Allow,
    cwe = 185,
    summary = "unanchored regex used to validate input",
}

/// Every finding needs a `Regex::new`/`RegexBuilder::new` path (`regex_literal`), written in
/// the function, in a file-level `static`/`const` it reads, or behind a `use`: the file holds
/// `Regex`. In a function, the regex is bound by a `let` or tested with `.is_match(..)`.
const FILE_NEEDLES: &[&str] = &["Regex"];
const FN_NEEDLES: &[&str] = &["let", "is_match"];

impl Rule for UnanchoredRegex {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn, NodeKind::Item]
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.file_mentions(FILE_NEEDLES) {
            return;
        }
        let ItemRef::Item(item) = item else {
            return;
        };
        let (ident, init) = match item {
            syn::Item::Static(s) => (&s.ident, &*s.expr),
            syn::Item::Const(c) => (&c.ident, &*c.expr),
            _ => return,
        };
        let name = ident.to_string();
        if !cx.vocab().is_validator_name(&name) {
            return;
        }
        if let Some(lit) = regex_literal(cx, None, init, 0) {
            report_binding(cx, &name, &lit);
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test()
            || !cx.enabled(&Self::META)
            || !cx.file_mentions(FILE_NEEDLES)
            || !cx.fn_mentions(f, FN_NEEDLES)
        {
            return;
        }
        let check_fn = cx.in_check_fn();
        let mut bindings: Vec<(String, syn::LitStr)> = Vec::new();
        let mut uses: Vec<(Span, syn::LitStr)> = Vec::new();
        {
            let cx: &Cx<'_> = cx;
            body::for_each_local(f.block, &mut |l| {
                if let (Some(id), Some(init)) = (body::pat_ident(&l.pat), &l.init) {
                    let name = id.to_string();
                    if cx.vocab().is_validator_name(&name)
                        && let Some(lit) = regex_literal(cx, None, &init.expr, 0)
                    {
                        bindings.push((name, lit));
                    }
                }
            });
            if check_fn {
                body::for_each_expr_scoped(Some(f.sig), f.block, &mut |e, scope| {
                    let syn::Expr::MethodCall(m) = e else {
                        return;
                    };
                    // `Regex::new(p).map(|re| re.is_match(s))`: the closure's parameter is
                    // the regex the receiver builds.
                    if let Some((span, recv)) = is_match_in_closure(m)
                        && let Some(lit) = regex_literal(cx, Some(scope), recv, 0)
                    {
                        uses.push((span, lit));
                        return;
                    }
                    if m.method != "is_match" || m.args.len() != 1 {
                        return;
                    }
                    // Reported where it is bound, if that name is validator-named.
                    if let Some(n) = receiver_name(&m.receiver)
                        && cx.vocab().is_validator_name(&n)
                    {
                        return;
                    }
                    if let Some(lit) = regex_literal(cx, Some(scope), &m.receiver, 0) {
                        uses.push((m.method.span(), lit));
                    }
                });
            }
        }
        for (name, lit) in bindings {
            report_binding(cx, &name, &lit);
        }
        for (span, lit) in uses {
            if !is_anchored(&lit.value()) {
                cx.report(
                    &Self::META,
                    span,
                    format!("`is_match` with the unanchored regex `{}` accepts any input that contains a match", lit.value()),
                )
                .label(lit.span(), "this pattern is not anchored at both ends")
                .help(anchor_help(&lit.value()));
            }
        }
    }
}

/// `recv.map(|re| re.is_match(x))` (or `and_then`, `map_or`, `is_ok_and`, `is_some_and`):
/// the `is_match` span and `recv`.
fn is_match_in_closure(m: &syn::ExprMethodCall) -> Option<(Span, &syn::Expr)> {
    if !matches!(
        m.method.to_string().as_str(),
        "map" | "and_then" | "map_or" | "is_ok_and" | "is_some_and" | "map_or_else"
    ) {
        return None;
    }
    let closure = m.args.iter().find_map(|a| match paths::peel(a) {
        syn::Expr::Closure(c) => Some(c),
        _ => None,
    })?;
    let [param] = closure.inputs.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let param = body::pat_ident(param)?.to_string();
    let mut span = None;
    locals::for_each_subexpr(&closure.body, &mut |x| {
        if let syn::Expr::MethodCall(inner) = x
            && inner.method == "is_match"
            && matches!(paths::peel(&inner.receiver), syn::Expr::Path(p) if p.path.is_ident(&param))
        {
            span = Some(inner.method.span());
        }
    });
    Some((span?, &*m.receiver))
}

fn report_binding(cx: &mut Cx<'_>, name: &str, lit: &syn::LitStr) {
    if is_anchored(&lit.value()) {
        return;
    }
    cx.report(
        &UnanchoredRegex::META,
        lit.span(),
        format!("the validator `{name}` is an unanchored regex: it accepts any input that contains a match"),
    )
    .help(anchor_help(&lit.value()));
}

fn anchor_help(pattern: &str) -> String {
    format!("anchor the pattern at both ends: `^(?:{pattern})$`")
}

/// The variable or static a receiver is: `EMAIL_RE`, `re`, `self.validator` → `validator`.
fn receiver_name(e: &syn::Expr) -> Option<String> {
    paths::expr_name(peel_handles(e))
}

/// Through `&*RE`, `RE.deref()`, `re.unwrap()`, `re?`.
fn peel_handles(mut e: &syn::Expr) -> &syn::Expr {
    for _ in 0..16 {
        e = match paths::peel(e) {
            syn::Expr::MethodCall(m)
                if m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "unwrap" | "deref" | "as_ref" | "clone" | "force"
                    ) =>
            {
                &m.receiver
            }
            syn::Expr::MethodCall(m) if m.method == "expect" => &m.receiver,
            syn::Expr::Try(t) => &t.expr,
            other => return other,
        };
    }
    e
}

/// The literal pattern a regex expression is built from: `Regex::new(lit)`,
/// `RegexBuilder::new(lit).build()`, `Lazy::new(|| ..)`, `LazyLock::new(|| ..)`,
/// `ONCE.get_or_init(|| ..)`, a `let` in scope, a file-level `static`/`const`; the pattern
/// itself may be a `const` string.
fn regex_literal(
    cx: &Cx<'_>,
    scope: Option<&Scope<'_>>,
    e: &syn::Expr,
    depth: usize,
) -> Option<syn::LitStr> {
    if depth > 6 {
        return None;
    }
    let e = peel_handles(e);
    match e {
        syn::Expr::Call(c) => {
            let (segs, args) = paths::call(e, &cx.uses)?;
            if paths::ends_with(&segs, &["Regex", "new"])
                || paths::ends_with(&segs, &["RegexBuilder", "new"])
            {
                return pattern_literal(cx, args.first()?);
            }
            let lazy = segs.last().is_some_and(|l| l == "new")
                && segs
                    .iter()
                    .rev()
                    .nth(1)
                    .is_some_and(|t| matches!(t.as_str(), "Lazy" | "LazyLock" | "LazyCell"));
            if lazy && let Some(syn::Expr::Closure(cl)) = c.args.first().map(paths::peel) {
                return regex_literal(cx, scope, closure_value(&cl.body), depth + 1);
            }
            None
        }
        syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
            // `RegexBuilder::new(p).case_insensitive(true).build()`
            "build"
            | "case_insensitive"
            | "multi_line"
            | "size_limit"
            | "unicode"
            | "dot_matches_new_line" => regex_literal(cx, scope, &m.receiver, depth + 1),
            "get_or_init" => match m.args.first().map(paths::peel) {
                Some(syn::Expr::Closure(cl)) => {
                    regex_literal(cx, scope, closure_value(&cl.body), depth + 1)
                }
                _ => None,
            },
            _ => None,
        },
        syn::Expr::Path(p) => {
            let id = p.path.get_ident()?.to_string();
            if let Some(scope) = scope
                && let Some(b) = scope.lookup(&id)
            {
                return regex_literal(cx, None, b.init?, depth + 1);
            }
            let init = cx.uses.const_init(&id)?;
            regex_literal(cx, None, init, depth + 1)
        }
        _ => None,
    }
}

/// A closure's value: its body, or its block's tail.
fn closure_value(e: &syn::Expr) -> &syn::Expr {
    match paths::peel(e) {
        syn::Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(t, None)) => t,
            _ => e,
        },
        other => other,
    }
}

/// A string literal, directly or through a file-level `const`.
fn pattern_literal(cx: &Cx<'_>, e: &syn::Expr) -> Option<syn::LitStr> {
    if let Some(l) = paths::lit_str(e) {
        return Some(l);
    }
    match paths::peel(e) {
        syn::Expr::Path(p) => paths::lit_str(cx.uses.const_init(&p.path.get_ident()?.to_string())?),
        _ => None,
    }
}

/// Whether a pattern is anchored at both ends in every top-level alternative, or is a
/// single negated class (a search for a forbidden character).
pub(crate) fn is_anchored(pattern: &str) -> bool {
    let p = strip_flags(pattern);
    if p.is_empty() || is_negated_class_search(p) {
        return true;
    }
    let alts = top_level_alternatives(p);
    // `^(?:a|b)$` and `\A..\z` per alternative.
    alts.iter()
        .all(|a| (a.starts_with('^') || a.starts_with("\\A")) && ends_anchored(a))
}

/// Leading inline flags: `(?i)`, `(?x)`, `(?mi)`.
fn strip_flags(p: &str) -> &str {
    if let Some(rest) = p.strip_prefix("(?")
        && let Some(end) = rest.find(')')
        && rest[..end]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
    {
        return &rest[end + 1..];
    }
    p
}

fn ends_anchored(a: &str) -> bool {
    if a.ends_with("\\z") || a.ends_with("\\Z") {
        return true;
    }
    if !a.ends_with('$') {
        return false;
    }
    // `\$` is a literal dollar: count the backslashes before it.
    let backslashes = a[..a.len() - 1]
        .chars()
        .rev()
        .take_while(|&c| c == '\\')
        .count();
    backslashes % 2 == 0
}

/// `[^a-z0-9_]`, `[^\w-]+`: one negated class, optionally quantified.
fn is_negated_class_search(p: &str) -> bool {
    let Some(rest) = p.strip_prefix("[^") else {
        return false;
    };
    let mut escaped = false;
    let mut close = None;
    for (i, c) in rest.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            ']' if i > 0 => {
                close = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(close) = close else {
        return false;
    };
    let tail = &rest[close + 1..];
    tail.is_empty() || matches!(tail, "+" | "*" | "?" | "+?" | "*?")
}

/// Splits at `|` outside groups, classes and escapes.
fn top_level_alternatives(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_class = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in p.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => {
                out.push(&p[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&p[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::is_anchored;

    #[test]
    fn anchors() {
        for p in [
            "^[a-z]+$",
            r"\A\d+\z",
            "(?i)^abc$",
            "^(?:a|b)$",
            "^a$|^b$",
            "[^a-z0-9]",
            r"[^\w-]+",
            r"^\$\d+$",
        ] {
            assert!(is_anchored(p), "{p}");
        }
        for p in [
            "[a-z]+", "^[a-z]+", "[a-z]+$", "^a|b$", r"^\d+\$", "(?i)abc",
        ] {
            assert!(!is_anchored(p), "{p}");
        }
    }
}
