//! AI regions: the `#[ai_generated(..)]` attribute, its arguments, file-level markers.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;

use crate::finding::Problem;
use crate::registry;

/// The parsed arguments of `#[ai_generated(..)]`.
#[derive(Clone, Debug, Default)]
pub struct AiMarker {
    pub model: Option<String>,
    pub reviewed: Option<String>,
    pub digest: Option<String>,
    /// Where `reviewed = ".."` / `digest = ".."` stand, to point findings at the stamp.
    pub reviewed_span: Option<Span>,
    pub digest_span: Option<Span>,
    /// `allow(rule = "reason")` entries, validated against the registry.
    pub allow: Vec<AllowEntry>,
}

#[derive(Clone, Debug)]
pub struct AllowEntry {
    pub rule: &'static str,
    pub reason: String,
    pub span: Span,
}

impl AiMarker {
    pub fn allows(&self, rule: &str) -> bool {
        self.allow.iter().any(|a| a.rule == rule)
    }
}

/// The marker's name: the last segment of its path (`#[ai_generated]`,
/// `#[aiguard_macros::ai_generated(..)]`, `use aiguard_macros::ai_generated;`).
pub const MARKER_NAME: &str = "ai_generated";

/// Whether an attribute is the marker: its path's last segment is [`MARKER_NAME`].
pub fn is_marker(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == MARKER_NAME)
}

/// Finds the marker among outer attributes and parses its arguments.
pub fn find_marker(attrs: &[syn::Attribute]) -> Option<(AiMarker, Vec<Problem>)> {
    let attr = attrs
        .iter()
        .find(|a| matches!(a.style, syn::AttrStyle::Outer) && is_marker(a))?;
    Some(match &attr.meta {
        syn::Meta::Path(_) => (AiMarker::default(), Vec::new()),
        syn::Meta::List(list) => parse_marker_args(list.tokens.clone()),
        syn::Meta::NameValue(nv) => (
            AiMarker::default(),
            vec![
                Problem::new(nv.span(), "`ai_generated` takes a list of arguments")
                    .help("write `#[ai_generated]` or `#[ai_generated(model = \"..\")]`"),
            ],
        ),
    })
}

const KNOWN_ARGS: &str = "`model`, `reviewed`, `digest` and `allow(..)`";

/// Parses `model = "..", reviewed = "..", digest = "..", allow(rule = "reason", ..)`.
/// Every error is collected with its span; what parses is kept.
pub fn parse_marker_args(tokens: TokenStream) -> (AiMarker, Vec<Problem>) {
    let mut marker = AiMarker::default();
    let mut problems = Vec::new();
    let parser = |input: ParseStream<'_>| -> syn::Result<()> {
        while !input.is_empty() {
            let key: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            let name = key.to_string();
            match name.as_str() {
                "model" | "reviewed" | "digest" => {
                    input.parse::<syn::Token![=]>()?;
                    let value: syn::Expr = input.parse()?;
                    match string_lit(&value) {
                        Some(s) => {
                            let slot = match name.as_str() {
                                "model" => &mut marker.model,
                                "reviewed" => &mut marker.reviewed,
                                _ => &mut marker.digest,
                            };
                            if slot.is_some() {
                                problems.push(Problem::new(
                                    key.span(),
                                    format!("duplicate argument `{name}`"),
                                ));
                            }
                            *slot = Some(s);
                            match name.as_str() {
                                "reviewed" => marker.reviewed_span = Some(value.span()),
                                "digest" => marker.digest_span = Some(value.span()),
                                _ => {}
                            }
                        }
                        None => problems.push(
                            Problem::new(value.span(), format!("`{name}` takes a string literal"))
                                .help(format!("write `{name} = \"..\"`")),
                        ),
                    }
                }
                "allow" => {
                    let content;
                    syn::parenthesized!(content in input);
                    parse_allow_list(&content, &mut marker, &mut problems)?;
                }
                _ => {
                    problems.push(
                        Problem::new(
                            key.span(),
                            format!("unknown argument `{name}` in `#[ai_generated]`"),
                        )
                        .help(format!("the arguments are {KNOWN_ARGS}")),
                    );
                    // Skip the argument's value up to the next top-level comma.
                    while !input.is_empty() && !input.peek(syn::Token![,]) {
                        input.parse::<proc_macro2::TokenTree>()?;
                    }
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<syn::Token![,]>()?;
        }
        Ok(())
    };
    if let Err(err) = parser.parse2(tokens) {
        problems.push(
            Problem::new(
                err.span(),
                format!("malformed `#[ai_generated]` arguments: {err}"),
            )
            .help(format!("the arguments are {KNOWN_ARGS}")),
        );
    }
    (marker, problems)
}

fn parse_allow_list(
    input: ParseStream<'_>,
    marker: &mut AiMarker,
    problems: &mut Vec<Problem>,
) -> syn::Result<()> {
    while !input.is_empty() {
        let rule: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
        let rule_name = rule.to_string();
        let reason = if input.peek(syn::Token![=]) {
            input.parse::<syn::Token![=]>()?;
            let value: syn::Expr = input.parse()?;
            match string_lit(&value) {
                Some(s) if !s.trim().is_empty() => Some(s),
                Some(_) => {
                    problems.push(
                        Problem::new(
                            value.span(),
                            format!("empty reason for allowing `{rule_name}`"),
                        )
                        .help("say why the rule does not apply here"),
                    );
                    None
                }
                None => {
                    problems.push(
                        Problem::new(value.span(), "the reason must be a string literal")
                            .help(format!("write `{rule_name} = \"why it does not apply\"`")),
                    );
                    None
                }
            }
        } else {
            problems.push(
                Problem::new(rule.span(), format!("`allow({rule_name})` needs a reason")).help(
                    format!("write `allow({rule_name} = \"why it does not apply\")`"),
                ),
            );
            None
        };
        if let Some(r) = registry::by_name(&rule_name) {
            if let Some(reason) = reason {
                marker.allow.push(AllowEntry {
                    rule: r.meta().name,
                    reason,
                    span: rule.span(),
                });
            }
        } else {
            let mut p = Problem::new(rule.span(), format!("unknown rule `{rule_name}`"));
            if let Some(s) = registry::closest(&rule_name) {
                p = p.help(format!("a rule with a similar name exists: `{s}`"));
            } else {
                p = p.help("run `cargo aiguard rules` to list the rules");
            }
            problems.push(p);
        }
        if input.is_empty() {
            break;
        }
        input.parse::<syn::Token![,]>()?;
    }
    Ok(())
}

fn string_lit(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// Whether the file says `// aiguard: ai-generated` in one of its first lines.
pub fn file_has_ai_comment(source: &str) -> bool {
    source.lines().take(10).any(|line| {
        let t = line.trim();
        let body = t
            .strip_prefix("//!")
            .or_else(|| t.strip_prefix("//"))
            .map(str::trim);
        body.is_some_and(|b| {
            b.strip_prefix("aiguard:")
                .is_some_and(|rest| rest.trim() == "ai-generated")
        })
    })
}
