//! Markers nested in a marked item: `#[ai_generated(allow(..))] impl S { #[ai_generated] fn f() {} }`.
//!
//! The enclosing item's expansion checks the whole item, nested items included, with the
//! allow lists of the nested markers added to the enclosing one's, as `cargo aiguard` does.
//! The nested marker expands afterwards and sees only its own item and arguments: checking
//! again would report what the enclosing marker allows. So the enclosing expansion appends
//! `__nested(RULES)` to the arguments of every marker nested in its item (RULES: the rules
//! its marker allows, and those it was itself handed), and a nested expansion does not
//! check: it only adds lint levels (honouring RULES) and the doc line.
//!
//! Macro bodies are left alone: the engine does not see items inside `macro_rules!` or a
//! macro call, so markers there check their items themselves when the macro expands.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::visit::Visit;

use crate::args::NESTED;

/// Whether the parsed item holds a marker (on a nested item, or a second one on itself).
pub fn has_marker(item: &syn::Item) -> bool {
    struct Find(bool);
    impl<'ast> Visit<'ast> for Find {
        fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
            self.0 |= aiguard_lints::ai::is_marker(attr);
        }
    }
    let mut f = Find(false);
    f.visit_item(item);
    f.0
}

/// The tokens with `__nested(allows)` appended to every marker's arguments.
pub fn mark(tokens: Vec<TokenTree>, allows: &[String]) -> Vec<TokenTree> {
    let mut out = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let TokenTree::Group(g) = t else {
            out.push(t.clone());
            continue;
        };
        let after_hash =
            i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '#');
        let rewritten = if g.delimiter() == Delimiter::Bracket && after_hash {
            marker_args(g.stream()).map(|stream| stream_with_nested(stream, allows))
        } else if is_macro_body(&tokens, i) {
            None
        } else {
            Some(
                mark(g.stream().into_iter().collect(), allows)
                    .into_iter()
                    .collect(),
            )
        };
        match rewritten {
            Some(stream) => {
                let mut new = Group::new(g.delimiter(), stream);
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            None => out.push(t.clone()),
        }
    }
    out
}

/// A group right after `!` (`m!(..)`, `m! {..}`) or after `macro_rules! name`.
fn is_macro_body(tokens: &[TokenTree], i: usize) -> bool {
    let bang = |j: usize| matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!');
    (i >= 1 && bang(i - 1))
        || (i >= 2 && matches!(&tokens[i - 1], TokenTree::Ident(_)) && bang(i - 2))
}

/// For the content of `#[..]` that is a marker, its tokens; `None` for other attributes.
fn marker_args(content: TokenStream) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = content.clone().into_iter().collect();
    let path_end = tokens
        .iter()
        .position(|t| {
            !matches!(t, TokenTree::Ident(_))
                && !matches!(t, TokenTree::Punct(p) if p.as_char() == ':')
        })
        .unwrap_or(tokens.len());
    let last = tokens[..path_end].iter().rev().find_map(|t| match t {
        TokenTree::Ident(id) => Some(id),
        _ => None,
    })?;
    let args_ok = match &tokens[path_end..] {
        [] => true,
        [TokenTree::Group(g)] => g.delimiter() == Delimiter::Parenthesis,
        _ => false,
    };
    (last == aiguard_lints::ai::MARKER_NAME && args_ok).then_some(content)
}

/// `path` → `path(__nested(..))`, `path(args)` → `path(args, __nested(..))`.
fn stream_with_nested(content: TokenStream, allows: &[String]) -> TokenStream {
    let mut tokens: Vec<TokenTree> = content.into_iter().collect();
    let nested: TokenStream = {
        let rules = allows.iter().enumerate().flat_map(|(k, r)| {
            let comma = (k > 0).then(|| TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            comma
                .into_iter()
                .chain([TokenTree::Ident(Ident::new(r, Span::call_site()))])
        });
        let list = Group::new(Delimiter::Parenthesis, rules.collect());
        [
            TokenTree::Ident(Ident::new(NESTED, Span::call_site())),
            TokenTree::Group(list),
        ]
        .into_iter()
        .collect()
    };
    match tokens.last_mut() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            let mut args: Vec<TokenTree> = g.stream().into_iter().collect();
            let ends_in_comma =
                matches!(args.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',');
            if !args.is_empty() && !ends_in_comma {
                args.push(TokenTree::Punct(Punct::new(',', Spacing::Alone)));
            }
            args.extend(nested);
            let mut new = Group::new(Delimiter::Parenthesis, args.into_iter().collect());
            new.set_span(g.span());
            *g = new;
        }
        _ => tokens.push(TokenTree::Group(Group::new(Delimiter::Parenthesis, nested))),
    }
    tokens.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(src: &str, allows: &[&str]) -> String {
        let allows: Vec<String> = allows.iter().map(ToString::to_string).collect();
        let tokens = src.parse::<TokenStream>().unwrap().into_iter().collect();
        mark(tokens, &allows)
            .into_iter()
            .collect::<TokenStream>()
            .to_string()
    }

    #[test]
    fn nested_markers_get_the_argument() {
        assert_eq!(
            marked(
                "impl S { #[ai_generated] fn a() {} #[aiguard_macros::ai_generated(model = \"m\",)] fn b() {} #[inline] fn c() {} }",
                &["unwrap_used", "expect_used"]
            ),
            "impl S { # [ai_generated (__nested (unwrap_used , expect_used))] fn a () { } \
             # [aiguard_macros :: ai_generated (model = \"m\" , __nested (unwrap_used , expect_used))] fn b () { } \
             # [inline] fn c () { } }"
        );
        assert_eq!(
            marked(
                "mod m { fn f() { #[ai_generated(allow(x = \"y\"))] fn g() {} } }",
                &[]
            ),
            "mod m { fn f () { # [ai_generated (allow (x = \"y\") , __nested ())] fn g () { } } }"
        );
    }

    #[test]
    fn macro_bodies_and_other_attributes_are_left_alone() {
        let src = "mod m { macro_rules! mk { () => { #[ai_generated] fn g() {} } } \
                   mk! { #[ai_generated] fn h() {} } \
                   #[cfg_attr(x, ai_generated)] fn i() {} \
                   #[doc = \"ai_generated\"] fn j() {} }";
        let out = marked(src, &["unwrap_used"]);
        assert!(!out.contains(NESTED), "{out}");
    }
}
