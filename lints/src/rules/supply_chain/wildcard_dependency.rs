use crate::manifest::{Dependency, ManifestCx};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags dependencies that do not pin what gets built: `version = "*"`, a `git`
    /// dependency without `rev` or `tag` (it follows a moving branch), and a `path`
    /// dependency outside the workspace root.
    ///
    /// ### Why is this bad?
    /// An unpinned dependency builds whatever its source holds on the day of the build: a
    /// new major version, a force-pushed branch, or a file in a directory nobody reviews.
    /// Assistants write `"*"` when they do not know the current version.
    ///
    /// ### Example
    /// ```toml
    /// [dependencies]
    /// rand = "*"
    /// ```
    ///
    /// ### Use instead
    /// ```toml
    /// [dependencies]
    /// rand = "0.9"
    /// ```
    ///
    /// ### References
    /// - CWE-1104: Use of Unmaintained Third Party Components
    /// - cargo-deny: `wildcards`, `allow-git`
    pub struct WildcardDependency;
    name = "wildcard_dependency",
    family = SupplyChain,
    ai = NA,
    human = Warn,
    cwe = 1104,
    summary = "a dependency that does not pin what gets built",
}

impl Rule for WildcardDependency {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Dependency]
    }

    fn check_dependency(&self, cx: &mut ManifestCx<'_>, dep: &Dependency) {
        let name = &dep.key.value;
        if let Some(v) = &dep.version
            && v.value.split(',').any(|part| part.trim() == "*")
        {
            cx.report(
                &Self::META,
                v.span.clone(),
                format!("dependency `{name}` accepts any version"),
            )
            .help("require the version you tested with, e.g. `\"1.2\"`");
        }
        if let Some(git) = &dep.git
            && !dep.has_rev_or_tag
        {
            cx.report(
                &Self::META,
                git.span.clone(),
                format!("git dependency `{name}` is not pinned to a `rev` or `tag`"),
            )
            .help("add `rev = \"<commit>\"` (or `tag`) so every build uses the reviewed code");
        }
        if let Some(path) = &dep.path
            && cx.outside_workspace(&path.value)
        {
            cx.report(
                &Self::META,
                path.span.clone(),
                format!("path dependency `{name}` lies outside the workspace"),
            )
            .help(
                "move the crate into the workspace or depend on a published or pinned git version",
            );
        }
    }
}
