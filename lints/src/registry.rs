//! Every rule, by family. Adding a rule is one line in its family's `rules! { .. }`.

use crate::rule::Rule;
use crate::rules;

/// The families' rule lists, in RULES.md order.
static FAMILIES: &[&[&dyn Rule]] = &[
    rules::secrets::RULES,
    rules::crypto::RULES,
    rules::network::RULES,
    rules::injection::RULES,
    rules::logic::RULES,
    rules::filesystem::RULES,
    rules::robustness::RULES,
    rules::arithmetic::RULES,
    rules::unsafety::RULES,
    rules::asynchrony::RULES,
    rules::hygiene::RULES,
    rules::supply_chain::RULES,
    rules::review::RULES,
];

/// Every registered rule.
pub fn all() -> impl Iterator<Item = &'static dyn Rule> {
    FAMILIES.iter().flat_map(|f| f.iter().copied())
}

/// A rule by name; `-` is accepted for `_` (`unwrap-used`).
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    let name = name.replace('-', "_");
    all().find(|r| r.meta().name == name)
}

/// The registered rule name closest to `name`, if any is close enough to suggest.
pub fn closest(name: &str) -> Option<&'static str> {
    let name = name.replace('-', "_").to_lowercase();
    all()
        .map(|r| {
            let n = r.meta().name;
            (strsim::jaro_winkler(&name, n), n)
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}
