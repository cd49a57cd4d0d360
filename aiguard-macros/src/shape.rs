//! The item's anatomy, read from its raw tokens without parsing: where its outer attributes
//! end, what kind of item it is, and where extra tokens may go. Working on the raw tokens
//! means the user's tokens are passed through untouched, and it still works for an item that
//! is too deep to parse.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The item keyword, as far as placement and docs are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Fn,
    Const,
    Static,
    Type,
    Struct,
    Enum,
    Union,
    Trait,
    Impl,
    Mod,
    Use,
    ExternCrate,
    ForeignMod,
    /// A macro invocation or `macro_rules!`, or something unrecognised.
    Other,
}

/// Where the macro can put the items that carry warnings (and the config tracker).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// At the start of the fn body (the last token), after its inner attributes: works for
    /// free fns, methods of inherent and trait impls, and trait default methods alike.
    FnBody,
    /// Inside a block wrapped around the const's value; `eq` is the index of its `=`. An
    /// associated const in a trait impl cannot get a sibling item, so the value hosts them.
    ConstValue { eq: usize },
    /// Beside the item: kinds that are never associated items.
    Beside,
    /// Nowhere: a type alias (maybe associated), a fn or const without a body (trait or
    /// foreign items), a macro invocation.
    Nowhere,
}

#[derive(Debug)]
pub struct Shape {
    /// The item's top-level tokens.
    pub tokens: Vec<TokenTree>,
    /// Index of the first token after the outer attributes.
    pub attrs_end: usize,
    pub kind: Kind,
    pub slot: Slot,
    /// Whether the outer attributes include a doc comment or `#[doc = ..]`.
    pub has_docs: bool,
}

impl Shape {
    pub fn of(item: TokenStream) -> Shape {
        let tokens: Vec<TokenTree> = item.into_iter().collect();
        let mut attrs_end = 0;
        let mut has_docs = false;
        while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
            (tokens.get(attrs_end), tokens.get(attrs_end + 1))
        {
            if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
                break;
            }
            if let Some(TokenTree::Ident(id)) = g.stream().into_iter().next() {
                has_docs |= id == "doc";
            }
            attrs_end += 2;
        }
        let (kind, kw) = classify(&tokens, attrs_end);
        let slot = slot(&tokens, kind, kw);
        Shape {
            tokens,
            attrs_end,
            kind,
            slot,
            has_docs,
        }
    }

    /// Whether a `#[doc]` line is meaningful on this item (rustdoc ignores docs on `use`,
    /// `extern crate` and extern blocks, and rustc warns on docs of macro invocations).
    pub fn takes_docs(&self) -> bool {
        !matches!(
            self.kind,
            Kind::Use | Kind::ExternCrate | Kind::ForeignMod | Kind::Other
        )
    }
}

fn ident_at(tokens: &[TokenTree], i: usize) -> Option<String> {
    match tokens.get(i) {
        Some(TokenTree::Ident(id)) => Some(id.to_string()),
        _ => None,
    }
}

/// The kind, and the index of its keyword.
pub(crate) fn classify(tokens: &[TokenTree], start: usize) -> (Kind, usize) {
    let mut i = start;
    if ident_at(tokens, i).as_deref() == Some("pub") {
        i += 1;
        if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    while let Some(tt) = tokens.get(i) {
        let kind = match tt {
            TokenTree::Ident(id) => match id.to_string().as_str() {
                "fn" => Kind::Fn,
                "static" => Kind::Static,
                "type" => Kind::Type,
                "struct" => Kind::Struct,
                "enum" => Kind::Enum,
                "trait" => Kind::Trait,
                "impl" => Kind::Impl,
                "mod" => Kind::Mod,
                "use" => Kind::Use,
                // `union` is contextual: `union!{..}` is a macro call.
                "union" if matches!(tokens.get(i + 1), Some(TokenTree::Ident(_))) => Kind::Union,
                "const" => match ident_at(tokens, i + 1).as_deref() {
                    Some("fn" | "unsafe" | "async" | "extern" | "safe") => {
                        i += 1;
                        continue;
                    }
                    _ => Kind::Const,
                },
                "extern" => match tokens.get(i + 1) {
                    Some(TokenTree::Ident(id)) if id == "crate" => Kind::ExternCrate,
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                        Kind::ForeignMod
                    }
                    Some(TokenTree::Literal(_)) => match tokens.get(i + 2) {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            Kind::ForeignMod
                        }
                        _ => {
                            i += 2;
                            continue;
                        }
                    },
                    _ => {
                        i += 1;
                        continue;
                    }
                },
                "unsafe" | "async" | "safe" | "default" | "auto" => {
                    i += 1;
                    continue;
                }
                _ => Kind::Other,
            },
            _ => Kind::Other,
        };
        return (kind, i);
    }
    (Kind::Other, i)
}

fn slot(tokens: &[TokenTree], kind: Kind, kw: usize) -> Slot {
    let ends_in_semi = matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == ';');
    match kind {
        Kind::Fn => match tokens.last() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Slot::FnBody,
            _ => Slot::Nowhere,
        },
        Kind::Const if ends_in_semi => match top_level_eq(tokens, kw) {
            Some(eq) if eq + 2 < tokens.len() => Slot::ConstValue { eq },
            _ => Slot::Nowhere,
        },
        // A static without a value is a foreign item.
        Kind::Static if top_level_eq(tokens, kw).is_some() => Slot::Beside,
        Kind::Struct
        | Kind::Enum
        | Kind::Union
        | Kind::Trait
        | Kind::Impl
        | Kind::Mod
        | Kind::Use
        | Kind::ExternCrate => Slot::Beside,
        _ => Slot::Nowhere,
    }
}

/// The `=` that starts a const's or static's value: the first `=` outside generic angle
/// brackets (`Iterator<Item = u8>` has one inside).
fn top_level_eq(tokens: &[TokenTree], from: usize) -> Option<usize> {
    let mut angle = 0usize;
    let mut prev_joint: Option<char> = None;
    for (i, tt) in tokens.iter().enumerate().skip(from) {
        let TokenTree::Punct(p) = tt else {
            prev_joint = None;
            continue;
        };
        let c = p.as_char();
        match c {
            '<' => angle += 1,
            // `->` is not a closing bracket.
            '>' if prev_joint != Some('-') => angle = angle.saturating_sub(1),
            '=' if angle == 0 && prev_joint.is_none() && p.spacing() == Spacing::Alone => {
                return Some(i);
            }
            _ => {}
        }
        prev_joint = (p.spacing() == Spacing::Joint).then_some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn shape(ts: TokenStream) -> (Kind, Slot) {
        let s = Shape::of(ts);
        (s.kind, s.slot)
    }

    #[test]
    fn kinds_and_slots() {
        assert_eq!(
            shape(quote!(
                #[doc = "x"]
                pub fn f() {}
            )),
            (Kind::Fn, Slot::FnBody)
        );
        assert_eq!(
            shape(quote!(
                pub(crate) const unsafe extern "C" fn f() {}
            )),
            (Kind::Fn, Slot::FnBody)
        );
        assert_eq!(
            shape(quote!(
                async fn f() {}
            )),
            (Kind::Fn, Slot::FnBody)
        );
        assert_eq!(
            shape(quote!(
                fn f(&self);
            )),
            (Kind::Fn, Slot::Nowhere)
        );
        assert_eq!(
            shape(quote!(
                const X: u8 = 1;
            )),
            (Kind::Const, Slot::ConstValue { eq: 4 })
        );
        assert_eq!(
            shape(quote!(
                const X: Box<dyn Iterator<Item = u8>> = 1;
            )),
            (Kind::Const, Slot::ConstValue { eq: 13 })
        );
        assert_eq!(
            shape(quote!(
                const X: u8;
            )),
            (Kind::Const, Slot::Nowhere)
        );
        assert_eq!(
            shape(quote!(
                static mut X: u8 = 1;
            )),
            (Kind::Static, Slot::Beside)
        );
        assert_eq!(
            shape(quote!(
                static X: u8;
            )),
            (Kind::Static, Slot::Nowhere)
        );
        assert_eq!(
            shape(quote!(
                type T = u8;
            )),
            (Kind::Type, Slot::Nowhere)
        );
        assert_eq!(
            shape(quote!(
                unsafe impl Send for X {}
            )),
            (Kind::Impl, Slot::Beside)
        );
        assert_eq!(
            shape(quote!(
                pub unsafe trait T {}
            )),
            (Kind::Trait, Slot::Beside)
        );
        assert_eq!(
            shape(quote!(union U { a: u8 })),
            (Kind::Union, Slot::Beside)
        );
        assert_eq!(shape(quote!(union! { a })), (Kind::Other, Slot::Nowhere));
        assert_eq!(
            shape(quote!(
                extern crate alloc;
            )),
            (Kind::ExternCrate, Slot::Beside)
        );
        assert_eq!(
            shape(quote!(
                unsafe extern "C" {
                    fn f();
                }
            )),
            (Kind::ForeignMod, Slot::Nowhere)
        );
        assert_eq!(
            shape(quote!(
                extern "C" fn f() {}
            )),
            (Kind::Fn, Slot::FnBody)
        );
        assert_eq!(
            shape(quote!(
                mod m {}
            )),
            (Kind::Mod, Slot::Beside)
        );
        assert_eq!(shape(quote!(foo! {})), (Kind::Other, Slot::Nowhere));
    }

    #[test]
    fn attrs_and_docs() {
        let s = Shape::of(quote!(
            #[inline]
            #[doc = "x"]
            fn f() {}
        ));
        assert_eq!(s.attrs_end, 4);
        assert!(s.has_docs);
        let s = Shape::of(quote!(
            #[inline]
            fn f() {}
        ));
        assert!(!s.has_docs);
    }
}
