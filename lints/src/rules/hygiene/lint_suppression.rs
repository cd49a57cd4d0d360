use proc_macro2::Span;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::analysis::vocab;
use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `#[allow(..)]` and `#[expect(..)]`, outer or inner (`#![allow(..)]`), also inside
    /// `#[cfg_attr(.., allow(..))]`, on an AI-generated item or anywhere inside one. In test
    /// code, allowing `dead_code` and the clippy lints of the families aiguard exempts in
    /// tests (`clippy::unwrap_used`, `clippy::expect_used`, `clippy::panic`, ...) is fine.
    /// `#[allow(deprecated)]` gets its own message: it also hides aiguard's build-time
    /// warnings, which the `#[ai_generated]` macro emits as deprecation warnings.
    ///
    /// ### Why is this bad?
    /// When the compiler or clippy complains about generated code, AI assistants silence the
    /// warning instead of fixing the code: `#[allow(unused_must_use)]` over a dropped
    /// `Result`, `#[allow(clippy::unwrap_used)]` over a panic, `#[allow(unsafe_code)]` over
    /// the `deny` the macro put there. The lint was pointing at the mistake (CWE-710).
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[allow(unused_must_use, clippy::unwrap_used)]
    /// fn save(store: &Store, user: &User) {
    ///     store.insert(user);
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn save(store: &Store, user: &User) -> Result<(), StoreError> {
    ///     store.insert(user)?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-710: Improper Adherence to Coding Standards
    /// - clippy: `allow_attributes`, `allow_attributes_without_reason`
    pub struct LintSuppression;
    name = "lint_suppression",
    family = Hygiene,
    ai = Deny,
    human = Allow,
    cwe = 710,
    summary = "`#[allow(..)]`/`#[expect(..)]` in AI-generated code",
}

impl Rule for LintSuppression {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Attr]
    }

    fn check_attr(&self, cx: &mut Cx<'_>, attr: &syn::Attribute) {
        if !cx.enabled(&Self::META) {
            return;
        }
        let mut found = Vec::new();
        suppressions(&attr.meta, &mut found);
        let inner = matches!(attr.style, syn::AttrStyle::Inner(_));
        for s in found {
            report(cx, &s, inner);
        }
    }
}

/// One `allow(..)`/`expect(..)`: its word, span, and the lints it names (the raw tokens when
/// they are not a list of paths).
struct Suppression {
    kind: String,
    span: Span,
    lints: Vec<String>,
}

/// Collects the `allow`/`expect` lists of an attribute, looking through `cfg_attr`.
fn suppressions(meta: &syn::Meta, out: &mut Vec<Suppression>) {
    let syn::Meta::List(list) = meta else {
        return;
    };
    let Some(word) = list.path.get_ident().map(ToString::to_string) else {
        return;
    };
    // other lists (`derive(..)`, `cfg(..)`, `repr(..)`) hold no suppression: not worth
    // parsing (below, both outcomes do nothing for them)
    if !matches!(word.as_str(), "allow" | "expect" | "cfg_attr") {
        return;
    }
    let Ok(nested) =
        Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated.parse2(list.tokens.clone())
    else {
        // Not a list of paths: still a suppression, lints unknown.
        if word == "allow" || word == "expect" {
            out.push(Suppression {
                kind: word,
                span: list.path.span(),
                lints: vec![list.tokens.to_string()],
            });
        }
        return;
    };
    match word.as_str() {
        "allow" | "expect" => {
            let lints = nested
                .iter()
                .filter_map(|m| match m {
                    // `reason = ".."` is not a lint.
                    syn::Meta::Path(p) => Some(
                        p.segments
                            .iter()
                            .map(|s| s.ident.to_string())
                            .collect::<Vec<_>>()
                            .join("::"),
                    ),
                    _ => None,
                })
                .collect();
            out.push(Suppression {
                kind: word,
                span: list.path.span(),
                lints,
            });
        }
        // `cfg_attr(predicate, attr, attr..)`: the predicate comes first.
        "cfg_attr" => {
            for m in nested.iter().skip(1) {
                suppressions(m, out);
            }
        }
        _ => {}
    }
}

fn report(cx: &mut Cx<'_>, s: &Suppression, inner: bool) {
    let lints: Vec<&String> = if cx.in_test() {
        s.lints
            .iter()
            .filter(|l| !vocab::is_test_tolerated_lint(l))
            .collect()
    } else {
        s.lints.iter().collect()
    };
    if lints.is_empty() {
        return;
    }
    let bang = if inner { "!" } else { "" };
    let shown = lints
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let attr = format!("#{bang}[{}({shown})]", s.kind);
    let place = if cx.in_ai() {
        "AI-generated code"
    } else {
        "this code"
    };
    let reviewer = if cx.in_ai() {
        "if the lint is wrong here, have a reviewer keep it with `#[ai_generated(allow(lint_suppression = \"why\"))]`"
    } else {
        "if the lint is wrong here, keep it with `// aiguard: allow(lint_suppression) why`"
    };
    if lints.iter().any(|l| *l == "deprecated") {
        cx.report(
            &LintSuppression::META,
            s.span,
            format!("`{attr}` in {place} hides deprecation warnings, aiguard's own among them"),
        )
        .note("the `#[ai_generated]` macro reports its warnings as uses of deprecated items")
        .help(format!(
            "move off the deprecated API and fix what aiguard reports; {reviewer}"
        ));
    } else {
        cx.report(
            &LintSuppression::META,
            s.span,
            format!("`{attr}` silences a lint in {place}"),
        )
        .help(format!(
            "fix the code the lint points at instead; {reviewer}"
        ));
    }
}
