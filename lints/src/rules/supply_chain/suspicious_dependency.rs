use crate::analysis::popular_crates;
use crate::manifest::{Dependency, ManifestCx};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a dependency whose crate name is not a well-known crate but looks like one:
    /// within two edits of it (one for names of five or six characters), a `-`/`_` swap, a
    /// plural or singular, its words reordered, or a `-rs`/`rust-` affix. A `package = ".."`
    /// rename is checked by the crate actually fetched. The well-known crates are a bundled
    /// list of a few hundred of the most used crates.
    ///
    /// ### Why is this bad?
    /// This is the shape of typosquatting, and of the package names language models invent
    /// ("slopsquatting"): an assistant writes `serde-json` or `tokio-utils`, and an attacker
    /// who registered that name gets code execution in every build (build scripts and proc
    /// macros run at compile time).
    ///
    /// ### Example
    /// ```toml
    /// [dependencies]
    /// serde_jsno = "1"
    /// ```
    ///
    /// ### Use instead
    /// ```toml
    /// [dependencies]
    /// serde_json = "1"
    /// ```
    ///
    /// ### References
    /// - CWE-1357: Reliance on Insufficiently Trustworthy Component
    /// - "Slopsquatting": package names hallucinated by code assistants
    pub struct SuspiciousDependency;
    name = "suspicious_dependency",
    family = SupplyChain,
    ai = NA,
    human = Deny,
    cwe = 1357,
    summary = "a dependency name that imitates a well-known crate",
}

impl Rule for SuspiciousDependency {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Dependency]
    }

    fn check_dependency(&self, cx: &mut ManifestCx<'_>, dep: &Dependency) {
        if dep.workspace || dep.path.is_some() {
            // Inherited (checked where declared) or local (not fetched from a registry).
            return;
        }
        let name = dep.crate_name();
        let Some((real, how)) = popular_crates::imitation_of(&name.value) else {
            return;
        };
        let mut r = cx
            .report(
                &Self::META,
                name.span.clone(),
                format!("dependency `{}` looks like the well-known crate `{real}`", name.value),
            )
            .help(format!(
                "if you meant `{real}`, use that name; if `{}` is intended, check it on crates.io and allow it with `# aiguard: allow(suspicious_dependency) <reason>`",
                name.value
            ))
            .note(format!("`{}` {how}", name.value));
        if dep.package.is_some() {
            r = r.label(
                dep.key.span.clone(),
                "renamed here, hiding the fetched name",
            );
        }
        let _ = r;
    }
}
