//! The configuration model, its defaults, and validation of `aiguard.toml` /
//! `[workspace.metadata.aiguard]` / `[package.metadata.aiguard]` into diagnostics that point
//! at the offending bytes of the TOML text.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::analysis::vocab::Vocab;
use crate::registry;
use crate::rule::{Level, RuleMeta};

/// Level overrides for one rule; `None` keeps the rule's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleLevels {
    pub ai: Option<Level>,
    pub human: Option<Level>,
}

/// rustc or clippy lint names to put on AI items, by level.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintLevels {
    pub deny: Vec<String>,
    pub warn: Vec<String>,
    pub allow: Vec<String>,
}

/// The validated configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `[ai] paths`: globs (relative to the workspace root) of files that are AI code.
    pub ai_paths: Vec<String>,
    /// `[rules]`: level overrides by rule name.
    pub rules: BTreeMap<&'static str, RuleLevels>,
    /// The shared vocabulary, built-ins plus `[vocab]` extensions.
    pub vocab: Vocab,
    /// `[macro] rustc = {..}`; `None` keeps DESIGN.md's defaults.
    pub macro_rustc: Option<LintLevels>,
    /// `[macro] clippy = {..}`; `None` keeps DESIGN.md's defaults.
    pub macro_clippy: Option<LintLevels>,
    /// Boolean rule options (`unwrap_used = { allow_lock = true }`), by (rule, option).
    pub rule_options: BTreeMap<(&'static str, &'static str), bool>,
}

/// The boolean options a rule accepts in its `[rules]` table, besides `ai` and `human`.
/// `allow_lock`: `.lock()`/`.read()`/`.write()` (no arguments) followed by `.unwrap()` or
/// `.expect(..)` is allowed: a poisoned lock means another thread already panicked.
pub const RULE_OPTIONS: &[(&str, &str)] =
    &[("unwrap_used", "allow_lock"), ("expect_used", "allow_lock")];

impl Config {
    /// The level of `rule` in AI code (`ai == true`) or human code; `None` where the rule
    /// does not apply there (n/a in RULES.md).
    pub fn level(&self, rule: &RuleMeta, ai: bool) -> Option<Level> {
        let over = self.rules.get(rule.name).copied().unwrap_or_default();
        let ai_level = rule.ai.map(|d| over.ai.unwrap_or(d));
        let human_level = rule.human.map(|d| over.human.unwrap_or(d));
        if ai {
            // A rule with no `ai` level (supply chain) keeps its one level inside AI code.
            ai_level.or(human_level)
        } else {
            human_level
        }
    }

    /// A boolean rule option (see [`RULE_OPTIONS`]); `false` when not set.
    pub fn option(&self, rule: &str, option: &str) -> bool {
        self.rule_options
            .iter()
            .any(|((r, o), on)| *on && *r == rule && *o == option)
    }

    /// Layers `other` (a package's `[package.metadata.aiguard]`) over `self`.
    pub fn merged_with(&self, other: &Config) -> Config {
        let mut out = self.clone();
        out.ai_paths.extend(other.ai_paths.iter().cloned());
        for (name, lv) in &other.rules {
            let e = out.rules.entry(name).or_default();
            if lv.ai.is_some() {
                e.ai = lv.ai;
            }
            if lv.human.is_some() {
                e.human = lv.human;
            }
        }
        out.vocab.extend_from(&other.vocab);
        out.rule_options
            .extend(other.rule_options.iter().map(|(k, v)| (*k, *v)));
        if other.macro_rustc.is_some() {
            out.macro_rustc.clone_from(&other.macro_rustc);
        }
        if other.macro_clippy.is_some() {
            out.macro_clippy.clone_from(&other.macro_clippy);
        }
        out
    }
}

/// An error in a config file, with the byte range it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

impl ConfigError {
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Where in a TOML document the aiguard table lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigSection {
    /// The whole document (`aiguard.toml`).
    Root,
    /// `[workspace.metadata.aiguard]` in a workspace `Cargo.toml`.
    WorkspaceMetadata,
    /// `[package.metadata.aiguard]` in a package `Cargo.toml`.
    PackageMetadata,
}

impl ConfigSection {
    fn path(self) -> &'static [&'static str] {
        match self {
            ConfigSection::Root => &[],
            ConfigSection::WorkspaceMetadata => &["workspace", "metadata", "aiguard"],
            ConfigSection::PackageMetadata => &["package", "metadata", "aiguard"],
        }
    }
}

/// Parses and validates a config. Returns `Ok(None)` when `section` is absent (a Cargo.toml
/// without aiguard metadata), the config and every error otherwise. What is valid is kept.
pub fn parse_config(text: &str, section: ConfigSection) -> (Option<Config>, Vec<ConfigError>) {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            let msg = err.message().trim().trim_end_matches('.').to_string();
            let msg = lower_first(&msg);
            return (
                None,
                vec![ConfigError::new(span, format!("invalid TOML: {msg}"))],
            );
        }
    };
    let mut table: &DeTable<'_> = doc.get_ref();
    let mut table_span = doc.span();
    for key in section.path() {
        match table.get(*key).map(|v| (v.get_ref(), v.span())) {
            Some((DeValue::Table(t), span)) => {
                table = t;
                table_span = span;
            }
            Some((_, span)) => {
                return (
                    None,
                    vec![ConfigError::new(span, format!("`{key}` must be a table"))],
                );
            }
            None => return (None, Vec::new()),
        }
    }
    let _ = table_span;
    let mut errors = Vec::new();
    let config = validate(table, &mut errors);
    (Some(config), errors)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn validate(table: &DeTable<'_>, errors: &mut Vec<ConfigError>) -> Config {
    let mut config = Config::default();
    for (key, value) in table {
        match key.get_ref().as_ref() {
            "ai" => {
                if let Some(t) = expect_table(value, "ai", errors) {
                    for (k, v) in t {
                        if k.get_ref() == "paths" {
                            for (glob, span) in string_array(v, "ai.paths", errors) {
                                match globset::Glob::new(&glob) {
                                    Ok(_) => config.ai_paths.push(glob),
                                    Err(e) => errors.push(ConfigError::new(
                                        span,
                                        format!("invalid glob `{glob}`: {}", e.kind()),
                                    )),
                                }
                            }
                        } else {
                            errors.push(unknown_key(k, "ai", &["paths"]));
                        }
                    }
                }
            }
            "rules" => {
                if let Some(t) = expect_table(value, "rules", errors) {
                    for (k, v) in t {
                        validate_rule_entry(k, v, &mut config, errors);
                    }
                }
            }
            "vocab" => {
                if let Some(t) = expect_table(value, "vocab", errors) {
                    for (k, v) in t {
                        let name = k.get_ref().as_ref();
                        let words: Vec<String> = match name {
                            "secret_words"
                            | "not_secret_suffixes"
                            | "check_fn_prefixes"
                            | "sanitizers" => string_array(v, &format!("vocab.{name}"), errors)
                                .into_iter()
                                .map(|(s, _)| s)
                                .collect(),
                            _ => {
                                errors.push(unknown_key(
                                    k,
                                    "vocab",
                                    &[
                                        "secret_words",
                                        "not_secret_suffixes",
                                        "check_fn_prefixes",
                                        "sanitizers",
                                    ],
                                ));
                                continue;
                            }
                        };
                        config.vocab.extend(name, words);
                    }
                }
            }
            "macro" => {
                if let Some(t) = expect_table(value, "macro", errors) {
                    for (k, v) in t {
                        match k.get_ref().as_ref() {
                            "rustc" => config.macro_rustc = Some(lint_levels(v, "rustc", errors)),
                            "clippy" => {
                                config.macro_clippy = Some(lint_levels(v, "clippy", errors));
                            }
                            _ => errors.push(unknown_key(k, "macro", &["rustc", "clippy"])),
                        }
                    }
                }
            }
            _ => errors.push(unknown_key(key, "", &["ai", "rules", "vocab", "macro"])),
        }
    }
    config
}

fn validate_rule_entry(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    config: &mut Config,
    errors: &mut Vec<ConfigError>,
) {
    let name = key.get_ref().as_ref();
    let Some(rule) = registry::by_name(name) else {
        let mut e = ConfigError::new(key.span(), format!("unknown rule `{name}`"));
        e = match registry::closest(name) {
            Some(s) => e.help(format!("a rule with a similar name exists: `{s}`")),
            None => e.help("run `cargo aiguard rules` to list the rules"),
        };
        errors.push(e);
        return;
    };
    let meta = rule.meta();
    let mut levels = RuleLevels::default();
    match value.get_ref() {
        DeValue::String(s) => {
            if let Some(l) = level_of(s, value.span(), name, errors) {
                levels.ai = meta.ai.map(|_| l);
                levels.human = meta.human.map(|_| l);
            }
        }
        DeValue::Table(t) => {
            for (k, v) in t {
                let which = k.get_ref().as_ref();
                let slot = match which {
                    "ai" => &mut levels.ai,
                    "human" => &mut levels.human,
                    _ => {
                        let option = RULE_OPTIONS
                            .iter()
                            .find(|(r, o)| *r == meta.name && *o == which);
                        if let Some(&(r, o)) = option {
                            match v.get_ref() {
                                DeValue::Boolean(b) => {
                                    config.rule_options.insert((r, o), *b);
                                }
                                other => errors.push(ConfigError::new(
                                    v.span(),
                                    format!(
                                        "`rules.{name}.{which}` must be a boolean, found {}",
                                        other.type_str()
                                    ),
                                )),
                            }
                            continue;
                        }
                        let mut expected = vec!["ai", "human"];
                        expected.extend(
                            RULE_OPTIONS
                                .iter()
                                .filter(|(r, _)| *r == meta.name)
                                .map(|(_, o)| *o),
                        );
                        errors.push(unknown_key(k, &format!("rules.{name}"), &expected));
                        continue;
                    }
                };
                let applies = if which == "ai" { meta.ai } else { meta.human };
                match v.get_ref() {
                    DeValue::String(s) => {
                        if let Some(l) = level_of(s, v.span(), name, errors) {
                            if applies.is_none() {
                                errors.push(
                                    ConfigError::new(
                                        k.span(),
                                        format!("rule `{name}` has no `{which}` level"),
                                    )
                                    .help(if which == "ai" {
                                        "this rule checks manifests and build scripts, not AI items; set `human`"
                                    } else {
                                        "this rule applies to AI items only; set `ai`"
                                    }),
                                );
                            } else {
                                *slot = Some(l);
                            }
                        }
                    }
                    _ => errors.push(bad_level_type(v.span(), name)),
                }
            }
        }
        _ => errors.push(bad_level_type(value.span(), name)),
    }
    config.rules.insert(meta.name, levels);
}

fn bad_level_type(span: Range<usize>, name: &str) -> ConfigError {
    ConfigError::new(span, format!("invalid level for rule `{name}`")).help(
        "write a level (`\"deny\"`, `\"warn\"`, `\"allow\"`) or `{ ai = \"deny\", human = \"warn\" }`",
    )
}

fn level_of(
    s: &str,
    span: Range<usize>,
    rule: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<Level> {
    let l = Level::parse(s);
    if l.is_none() {
        errors.push(
            ConfigError::new(span, format!("invalid level `{s}` for rule `{rule}`"))
                .help("the levels are `deny`, `warn` and `allow`"),
        );
    }
    l
}

fn lint_levels(
    value: &Spanned<DeValue<'_>>,
    what: &str,
    errors: &mut Vec<ConfigError>,
) -> LintLevels {
    let mut out = LintLevels::default();
    let section = format!("macro.{what}");
    if let Some(t) = expect_table(value, &section, errors) {
        for (k, v) in t {
            let lints: Vec<String> = string_array(v, &format!("{section}.{}", k.get_ref()), errors)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            match k.get_ref().as_ref() {
                "deny" | "forbid" => out.deny.extend(lints),
                "warn" => out.warn.extend(lints),
                "allow" => out.allow.extend(lints),
                _ => errors.push(unknown_key(k, &section, &["deny", "warn", "allow"])),
            }
        }
    }
    out
}

fn expect_table<'a, 'i>(
    value: &'a Spanned<DeValue<'i>>,
    name: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<&'a DeTable<'i>> {
    if let DeValue::Table(t) = value.get_ref() {
        Some(t)
    } else {
        errors.push(ConfigError::new(
            value.span(),
            format!(
                "`{name}` must be a table, found {}",
                value.get_ref().type_str()
            ),
        ));
        None
    }
}

fn string_array(
    value: &Spanned<DeValue<'_>>,
    name: &str,
    errors: &mut Vec<ConfigError>,
) -> Vec<(String, Range<usize>)> {
    let DeValue::Array(items) = value.get_ref() else {
        errors.push(
            ConfigError::new(
                value.span(),
                format!(
                    "`{name}` must be an array of strings, found {}",
                    value.get_ref().type_str()
                ),
            )
            .help("write `[\"..\", \"..\"]`"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match item.get_ref() {
            DeValue::String(s) => out.push((s.to_string(), item.span())),
            other => errors.push(ConfigError::new(
                item.span(),
                format!("`{name}` must hold strings, found {}", other.type_str()),
            )),
        }
    }
    out
}

fn unknown_key(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    section: &str,
    expected: &[&str],
) -> ConfigError {
    let name = key.get_ref();
    let place = if section.is_empty() {
        "the aiguard config".to_string()
    } else {
        format!("`[{section}]`")
    };
    let list = expected
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    ConfigError::new(key.span(), format!("unknown key `{name}` in {place}"))
        .help(format!("expected one of {list}"))
}

#[cfg(test)]
mod option_tests {
    use super::*;

    #[test]
    fn rule_options() {
        let (c, errors) = parse_config(
            "[rules]\nunwrap_used = { ai = \"deny\", allow_lock = true }\n",
            ConfigSection::Root,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let c = c.unwrap_or_default();
        assert!(c.option("unwrap_used", "allow_lock"));
        assert!(!c.option("expect_used", "allow_lock"));

        let (_, errors) = parse_config(
            "[rules]\nunwrap_used = { allow_lock = \"yes\" }\n",
            ConfigSection::Root,
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("must be a boolean"),
            "{errors:?}"
        );

        let (_, errors) = parse_config(
            "[rules]\nunwrap_used = { allow_locks = true }\n",
            ConfigSection::Root,
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("`allow_lock`"),
            "{errors:?}"
        );
    }
}
