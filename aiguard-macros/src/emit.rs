//! Turns diagnostics into tokens, and puts them around the user's unchanged item.
//!
//! - Errors: `::core::compile_error!{".."}` with every token at the finding's span, placed
//!   beside the item. A macro call is allowed in every position an item can be in (module,
//!   block, impl, trait, extern block), so this works for every item kind.
//! - Warnings: stable Rust has no API for them, so each one is a `#[deprecated]` macro used
//!   at the finding's span:
//!
//!   ```text
//!   const _: () = {
//!       mod aiguard {
//!           #[deprecated(note = "<message>\nhelp: <help>")]
//!           macro_rules! unwrap_used { () => {} }
//!           #[allow(deprecated)]
//!           pub(crate) use unwrap_used;
//!       }
//!       aiguard::unwrap_used! {}    // <- spanned at the offending tokens
//!   };
//!   ```
//!
//!   rustc names a deprecated macro by the path it was called with, so the line reads
//!   ``warning: use of deprecated macro `aiguard::unwrap_used`: <message>`` (a deprecated
//!   const would be named by its full path, `my_fn::_::aiguard::unwrap_used`). The `const _`
//!   goes where the item kind allows (see [`Slot`]): inside a fn body, so that methods of
//!   trait impls, which may not gain an associated item, work too.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

use crate::shape::{Shape, Slot};

/// One diagnostic to emit.
#[derive(Debug)]
pub struct Diag {
    pub span: Span,
    /// `unwrap_used`, or for the macro's own diagnostics `invalid_argument` and the like:
    /// shown as `aiguard::<name>`.
    pub name: String,
    pub message: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diag {
    pub fn new(span: Span, name: &str, message: impl Into<String>) -> Self {
        Diag {
            span,
            name: name.to_string(),
            message: message.into(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The message, then `help:` and `note:` lines, as rustc prints its own (rustc indents
    /// the continuation lines under the first).
    fn body(&self) -> String {
        let mut text = self.message.clone();
        if let Some(help) = &self.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        for note in &self.notes {
            text.push_str("\nnote: ");
            text.push_str(note);
        }
        text
    }

    fn ident(&self) -> Ident {
        let valid = self
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        Ident::new(
            if valid { &self.name } else { "finding" },
            Span::call_site(),
        )
    }
}

/// Everything the macro adds to the item.
#[derive(Default)]
pub struct Additions {
    pub errors: Vec<Diag>,
    pub warnings: Vec<Diag>,
    /// Lint attributes, put before the item's own attributes.
    pub lint_attrs: TokenStream,
    /// The doc line, put after the item's own attributes.
    pub doc: Option<String>,
    /// Items to compile once per crate (the rebuild tracker); they go where warnings go.
    pub tracker: Option<TokenStream>,
}

/// `compile_error!` at `diag.span`.
fn error_tokens(diag: &Diag) -> TokenStream {
    let text = format!("aiguard::{}: {}", diag.name, diag.body());
    let lit = Literal::string(&text);
    quote_spanned!(diag.span=> ::core::compile_error! { #lit })
}

/// A `const _` item whose expansion warns at `diag.span`.
fn warning_tokens(diag: &Diag) -> TokenStream {
    let name = diag.ident();
    let note = Literal::string(&diag.body());
    let mut call_name = name.clone();
    call_name.set_span(diag.span);
    let module = Ident::new("aiguard", diag.span);
    let call = quote_spanned!(diag.span=> #module::#call_name! {});
    quote! {
        const _: () = {
            mod aiguard {
                #[deprecated(note = #note)]
                macro_rules! #name { () => {} }
                #[allow(deprecated, unused_imports)]
                pub(crate) use #name;
            }
            #call
        };
    }
}

/// Whether the item has a place for warnings and the tracker.
pub fn has_slot(shape: &Shape) -> bool {
    shape.slot != Slot::Nowhere
}

/// The item, unchanged, with the additions around it.
pub fn render(shape: Shape, add: Additions) -> TokenStream {
    let Shape {
        tokens,
        attrs_end,
        slot,
        has_docs,
        ..
    } = shape;
    let mut slot_items = TokenStream::new();
    for w in &add.warnings {
        slot_items.extend(warning_tokens(w));
    }
    if let Some(t) = add.tracker {
        slot_items.extend(t);
    }

    let mut out = add.lint_attrs;
    let mut tokens = tokens;
    let rest = tokens.split_off(attrs_end.min(tokens.len()));
    out.extend(tokens);
    if let Some(doc) = add.doc {
        if has_docs {
            out.extend(quote!(#[doc = ""]));
        }
        let lit = Literal::string(&doc);
        out.extend(quote!(#[doc = #lit]));
    }
    let mut beside = TokenStream::new();
    if slot_items.is_empty() {
        out.extend(rest);
    } else {
        match slot {
            Slot::FnBody => out.extend(with_body_prefix(rest, slot_items)),
            Slot::ConstValue { eq } => {
                out.extend(with_wrapped_value(rest, eq - attrs_end, slot_items));
            }
            Slot::Beside => {
                out.extend(rest);
                beside = slot_items;
            }
            Slot::Nowhere => out.extend(rest),
        }
    }
    out.extend(beside);
    for e in &add.errors {
        out.extend(error_tokens(e));
    }
    out
}

/// The fn with `prefix` at the start of its body (the last token), after inner attributes.
/// The body group keeps its span.
fn with_body_prefix(mut rest: Vec<TokenTree>, prefix: TokenStream) -> Vec<TokenTree> {
    let Some(TokenTree::Group(body)) = rest.last().cloned() else {
        return rest;
    };
    rest.pop();
    let inner: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut n = 0;
    // Inner attributes: `#` `!` `[..]`.
    while let (Some(TokenTree::Punct(h)), Some(TokenTree::Punct(b)), Some(TokenTree::Group(g))) =
        (inner.get(n), inner.get(n + 1), inner.get(n + 2))
    {
        if h.as_char() != '#' || b.as_char() != '!' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        n += 3;
    }
    let mut stream: TokenStream = inner[..n].iter().cloned().collect();
    stream.extend(prefix);
    stream.extend(inner[n..].iter().cloned());
    let mut group = Group::new(Delimiter::Brace, stream);
    group.set_span(body.span());
    rest.push(TokenTree::Group(group));
    rest
}

/// `const X: T = { prefix expr };` for the tokens of `const X: T = expr;`.
fn with_wrapped_value(rest: Vec<TokenTree>, eq: usize, prefix: TokenStream) -> Vec<TokenTree> {
    // `eq` indexes the `=`; the value runs to the final `;`.
    if eq + 2 > rest.len() {
        return rest;
    }
    let mut out: Vec<TokenTree> = rest[..=eq].to_vec();
    let semi = rest[rest.len() - 1].clone();
    let mut value = prefix;
    value.extend(rest[eq + 1..rest.len() - 1].iter().cloned());
    out.push(TokenTree::Group(Group::new(Delimiter::Brace, value)));
    out.push(semi);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(name: &str) -> Diag {
        Diag::new(Span::call_site(), name, "`.unwrap()` panics").help(Some("use `?`".into()))
    }

    fn render_str(item: TokenStream, warnings: Vec<Diag>, errors: Vec<Diag>) -> String {
        let add = Additions {
            errors,
            warnings,
            ..Additions::default()
        };
        render(Shape::of(item), add).to_string()
    }

    #[test]
    fn warning_in_fn_body_after_inner_attrs() {
        let s = render_str(
            quote!(
                #[inline]
                fn f() {
                    #![allow(unused)]
                    x.unwrap()
                }
            ),
            vec![diag("unwrap_used")],
            vec![],
        );
        assert!(
            s.starts_with(
                "# [inline] fn f () { # ! [allow (unused)] const _ : () = { mod aiguard {"
            ),
            "{s}"
        );
        assert!(s.contains("# [deprecated (note = \"`.unwrap()` panics\\nhelp: use `?`\")] macro_rules ! unwrap_used"), "{s}");
        assert!(
            s.ends_with("aiguard :: unwrap_used ! { } } ; x . unwrap () }"),
            "{s}"
        );
    }

    #[test]
    fn warning_in_const_value_and_beside() {
        let s = render_str(
            quote!(
                const X: u8 = 1;
            ),
            vec![diag("unwrap_used")],
            vec![],
        );
        assert!(s.starts_with("const X : u8 = { const _ : () = {"), "{s}");
        assert!(s.ends_with("} ; 1 } ;"), "{s}");
        let s = render_str(
            quote!(
                struct S;
            ),
            vec![diag("unwrap_used")],
            vec![],
        );
        assert!(s.starts_with("struct S ; const _ : () ="), "{s}");
    }

    #[test]
    fn errors_go_beside_every_kind() {
        let s = render_str(
            quote!(
                type T = u8;
            ),
            vec![],
            vec![diag("unwrap_used")],
        );
        assert_eq!(
            s,
            "type T = u8 ; :: core :: compile_error ! { \"aiguard::unwrap_used: `.unwrap()` panics\\nhelp: use `?`\" }"
        );
    }

    #[test]
    fn doc_line_after_the_items_docs() {
        let add = Additions {
            doc: Some("AI".into()),
            lint_attrs: quote!(#[deny(unsafe_code)]),
            ..Additions::default()
        };
        let s = render(
            Shape::of(quote!(
                #[doc = "x"]
                fn f() {}
            )),
            add,
        )
        .to_string();
        assert_eq!(
            s,
            "# [deny (unsafe_code)] # [doc = \"x\"] # [doc = \"\"] # [doc = \"AI\"] fn f () { }"
        );
    }

    #[test]
    fn bad_names_do_not_make_bad_tokens() {
        assert_eq!(diag("not a name").ident().to_string(), "finding");
    }
}
