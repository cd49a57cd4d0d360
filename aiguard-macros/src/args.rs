//! The attribute's arguments: `model`, `reviewed`, `digest`, `allow(rule = "reason", ..)`.
//!
//! Parsing lives in the engine (`aiguard_lints::ai::parse_marker_args`), shared with the CLI,
//! which reads the same attribute from source files. Every problem carries the span of the
//! argument it is about; what parses is kept, so one bad argument never hides the others.
//!
//! One argument is the macro's own: `__nested(rule, ..)`, which the expansion of an enclosing
//! marked item appends to the markers nested in it (see `nested`). It is taken out before
//! the engine sees the arguments.

use aiguard_lints::{AiMarker, Problem};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The name of the macro's own argument.
pub const NESTED: &str = "__nested";

/// The arguments of one marker.
pub struct Args {
    pub marker: AiMarker,
    pub problems: Vec<Problem>,
    /// `Some` when an enclosing marked item has checked this one already: the rules its
    /// markers allow, which this item's lint levels must honour too.
    pub nested: Option<Vec<String>>,
}

pub fn parse(args: TokenStream) -> Args {
    let (args, nested) = split_nested(args);
    // `reviewed` and `digest` are parsed and kept for the review-stamp check.
    let (marker, problems) = aiguard_lints::ai::parse_marker_args(args);
    Args {
        marker,
        problems,
        nested,
    }
}

/// The arguments without `__nested(..)`, and the rule names of every `__nested(..)`.
fn split_nested(args: TokenStream) -> (TokenStream, Option<Vec<String>>) {
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    let is_nested = |i: usize| {
        matches!(
            (tokens.get(i), tokens.get(i + 1)),
            (Some(TokenTree::Ident(id)), Some(TokenTree::Group(g)))
                if id == NESTED && g.delimiter() == Delimiter::Parenthesis
        )
    };
    if !(0..tokens.len()).any(is_nested) {
        return (tokens.into_iter().collect(), None);
    }
    let mut kept = Vec::with_capacity(tokens.len());
    let mut rules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // Only at the start of an argument: the first token or after a top-level comma.
        let at_arg_start =
            i == 0 || matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == ',');
        if at_arg_start && is_nested(i) {
            if let TokenTree::Group(g) = &tokens[i + 1] {
                rules.extend(g.stream().into_iter().filter_map(|t| match t {
                    TokenTree::Ident(id) => Some(id.to_string()),
                    _ => None,
                }));
            }
            i += 2;
            // Its trailing comma, if any.
            if matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
                i += 1;
            }
            continue;
        }
        kept.push(tokens[i].clone());
        i += 1;
    }
    // `a, __nested(..)` leaves `a,`: a trailing comma, which the engine's parser accepts.
    (kept.into_iter().collect(), Some(rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(src: &str) -> (String, Option<Vec<String>>) {
        let (rest, nested) = split_nested(src.parse().unwrap());
        (rest.to_string(), nested)
    }

    #[test]
    fn nested_argument_is_taken_out() {
        assert_eq!(split("model = \"x\""), ("model = \"x\"".to_string(), None));
        assert_eq!(split("__nested()"), (String::new(), Some(vec![])));
        assert_eq!(
            split("model = \"x\", __nested(unwrap_used, expect_used)"),
            (
                "model = \"x\" ,".to_string(),
                Some(vec!["unwrap_used".to_string(), "expect_used".to_string()])
            )
        );
        assert_eq!(
            split("__nested(a), allow(b = \"c\"), __nested(d)"),
            (
                "allow (b = \"c\") ,".to_string(),
                Some(vec!["a".to_string(), "d".to_string()])
            )
        );
        // only as an argument of its own, not inside another
        assert_eq!(split("allow(__nested(x))").1, None);
    }
}
