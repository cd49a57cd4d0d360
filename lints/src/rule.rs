//! The rule trait, rule metadata and the node kinds the checker dispatches.

use crate::ai::AiMarker;
use crate::cx::Cx;
use crate::fnlike::{FnLike, ItemRef};
use crate::manifest::{Dependency, ManifestCx};

/// How loudly a rule speaks: `deny` fails the build or CI, `warn` reports, `allow` is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule families of RULES.md; `as_str` gives the public family string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Secrets,
    Crypto,
    Network,
    Injection,
    Logic,
    Filesystem,
    Robustness,
    Arithmetic,
    Unsafety,
    Asynchrony,
    Hygiene,
    SupplyChain,
    Review,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Secrets => "secrets",
            Family::Crypto => "crypto",
            Family::Network => "network",
            Family::Injection => "injection",
            Family::Logic => "logic",
            Family::Filesystem => "filesystem",
            Family::Robustness => "robustness",
            Family::Arithmetic => "arithmetic",
            Family::Unsafety => "unsafe",
            Family::Asynchrony => "async",
            Family::Hygiene => "hygiene",
            Family::SupplyChain => "supply-chain",
            Family::Review => "review",
        }
    }

    /// The module directory under `lints/src/rules/` (and `tests/fixtures/rules/`).
    pub fn module_dir(self) -> &'static str {
        match self {
            Family::Unsafety => "unsafety",
            Family::Asynchrony => "asynchrony",
            Family::SupplyChain => "supply_chain",
            other => other.as_str(),
        }
    }

    /// Families whose rules do not apply to test code (DESIGN.md: test code is exempt from
    /// robustness rules; panics and overflow in tests are how tests fail, and tests block
    /// in async code on purpose).
    pub fn exempt_in_tests(self) -> bool {
        matches!(
            self,
            Family::Robustness | Family::Arithmetic | Family::Asynchrony
        )
    }
}

/// Everything about a rule except its check: the single source for `explain`, `rules`,
/// reports and the generated docs.
#[derive(Debug)]
pub struct RuleMeta {
    /// Public, stable, snake_case name.
    pub name: &'static str,
    pub family: Family,
    /// Default level inside AI code; `None` where the rule does not apply (n/a).
    pub ai: Option<Level>,
    /// Default level in human code; `None` where the rule does not apply (n/a).
    pub human: Option<Level>,
    pub cwe: u32,
    /// One line, lower-case, for tables and SARIF short descriptions.
    pub summary: &'static str,
    /// The rule's doc comment (What it does / Why is this bad? / Example / Use instead /
    /// References), raw as captured from `///` lines.
    pub explanation: &'static str,
}

/// The AST nodes a rule can ask for. The checker calls a rule's hook only for the kinds
/// listed in its `interests()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// Once per file or checked item, before the walk.
    File,
    /// Every item, impl item, trait item and foreign item.
    Item,
    /// Every function or method with a body (free, inherent, trait impl, trait default).
    Fn,
    /// Every closure (with its body).
    Closure,
    /// Every `let` statement.
    Local,
    /// Every expression, including those parsed out of known macro bodies.
    Expr,
    /// Every macro invocation (expression, statement or item position).
    Macro,
    /// Every attribute on any node the checker visits.
    Attr,
    /// Every dependency declared in a manifest (`Cargo.toml`; CLI only).
    Dependency,
    /// Every item that carries the `#[ai_generated]` marker (in the macro: the checked item),
    /// with the marker's own arguments.
    AiItem,
}

impl NodeKind {
    pub const ALL: [NodeKind; 10] = [
        NodeKind::File,
        NodeKind::Item,
        NodeKind::Fn,
        NodeKind::Closure,
        NodeKind::Local,
        NodeKind::Expr,
        NodeKind::Macro,
        NodeKind::Attr,
        NodeKind::AiItem,
        NodeKind::Dependency,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Implemented by `declare_rule!`: ties a rule type to its metadata.
pub trait HasMeta {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule: metadata plus hooks for the node kinds it asked for. Hooks default to no-ops;
/// a rule never walks the AST by itself except for a bounded walk of a node it was given.
pub trait Rule: HasMeta + Sync + Send {
    /// The node kinds this rule's hooks want. A meta-test keeps this honest.
    fn interests(&self) -> &'static [NodeKind];

    fn check_file(&self, _cx: &mut Cx<'_>, _file: &syn::File) {}
    fn check_item(&self, _cx: &mut Cx<'_>, _item: ItemRef<'_>) {}
    fn check_fn(&self, _cx: &mut Cx<'_>, _f: &FnLike<'_>) {}
    fn check_closure(&self, _cx: &mut Cx<'_>, _c: &syn::ExprClosure) {}
    fn check_local(&self, _cx: &mut Cx<'_>, _local: &syn::Local) {}
    fn check_expr(&self, _cx: &mut Cx<'_>, _expr: &syn::Expr) {}
    fn check_macro(&self, _cx: &mut Cx<'_>, _mac: &syn::Macro) {}
    fn check_attr(&self, _cx: &mut Cx<'_>, _attr: &syn::Attribute) {}
    fn check_ai_item(&self, _cx: &mut Cx<'_>, _item: ItemRef<'_>, _marker: &AiMarker) {}
    fn check_dependency(&self, _cx: &mut ManifestCx<'_>, _dep: &Dependency) {}
}
