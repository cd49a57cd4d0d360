//! Uniform views over the AST shapes rules care about: any function with a body, any item.

use proc_macro2::Span;
use syn::spanned::Spanned;

/// Where a function with a body stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnKind {
    /// `fn f() {}` at module level (or nested in a block).
    Free,
    /// A method in `impl Type { .. }`.
    Inherent { self_ty: String },
    /// A method in `impl Trait for Type { .. }`.
    TraitImpl { trait_name: String, self_ty: String },
    /// A provided (default) method in `trait Trait { .. }`.
    TraitDefault { trait_name: String },
}

/// A function or method with a body.
pub struct FnLike<'a> {
    pub attrs: &'a [syn::Attribute],
    pub sig: &'a syn::Signature,
    pub block: &'a syn::Block,
    pub kind: FnKind,
}

impl FnLike<'_> {
    pub fn name(&self) -> String {
        self.sig.ident.to_string()
    }

    /// The span to point at for findings about the function as a whole: its name.
    pub fn name_span(&self) -> Span {
        self.sig.ident.span()
    }

    pub fn is_async(&self) -> bool {
        self.sig.asyncness.is_some()
    }

    pub fn has_self(&self) -> bool {
        self.sig.receiver().is_some()
    }

    /// The non-`self` parameters: (pattern, type).
    pub fn params(&self) -> impl Iterator<Item = &syn::PatType> {
        self.sig.inputs.iter().filter_map(|arg| match arg {
            syn::FnArg::Typed(pt) => Some(pt),
            syn::FnArg::Receiver(_) => None,
        })
    }
}

/// Any item-like node: a module-level item, an impl item, a trait item or a foreign item.
#[derive(Clone, Copy)]
pub enum ItemRef<'a> {
    Item(&'a syn::Item),
    Impl(&'a syn::ImplItem),
    Trait(&'a syn::TraitItem),
    Foreign(&'a syn::ForeignItem),
}

impl<'a> ItemRef<'a> {
    pub fn attrs(self) -> &'a [syn::Attribute] {
        match self {
            ItemRef::Item(i) => item_attrs(i),
            ItemRef::Impl(i) => match i {
                syn::ImplItem::Const(x) => &x.attrs,
                syn::ImplItem::Fn(x) => &x.attrs,
                syn::ImplItem::Type(x) => &x.attrs,
                syn::ImplItem::Macro(x) => &x.attrs,
                _ => &[],
            },
            ItemRef::Trait(i) => match i {
                syn::TraitItem::Const(x) => &x.attrs,
                syn::TraitItem::Fn(x) => &x.attrs,
                syn::TraitItem::Type(x) => &x.attrs,
                syn::TraitItem::Macro(x) => &x.attrs,
                _ => &[],
            },
            ItemRef::Foreign(i) => match i {
                syn::ForeignItem::Fn(x) => &x.attrs,
                syn::ForeignItem::Static(x) => &x.attrs,
                syn::ForeignItem::Type(x) => &x.attrs,
                syn::ForeignItem::Macro(x) => &x.attrs,
                _ => &[],
            },
        }
    }

    /// The span of the item's name (or its first token after attributes when it has none).
    pub fn name_span(self) -> Span {
        let ident = match self {
            ItemRef::Item(i) => match i {
                syn::Item::Const(x) => Some(x.ident.span()),
                syn::Item::Enum(x) => Some(x.ident.span()),
                syn::Item::Fn(x) => Some(x.sig.ident.span()),
                syn::Item::Mod(x) => Some(x.ident.span()),
                syn::Item::Static(x) => Some(x.ident.span()),
                syn::Item::Struct(x) => Some(x.ident.span()),
                syn::Item::Trait(x) => Some(x.ident.span()),
                syn::Item::Type(x) => Some(x.ident.span()),
                syn::Item::Union(x) => Some(x.ident.span()),
                syn::Item::Impl(x) => Some(x.self_ty.span()),
                _ => None,
            },
            ItemRef::Impl(i) => match i {
                syn::ImplItem::Fn(x) => Some(x.sig.ident.span()),
                syn::ImplItem::Const(x) => Some(x.ident.span()),
                syn::ImplItem::Type(x) => Some(x.ident.span()),
                _ => None,
            },
            ItemRef::Trait(i) => match i {
                syn::TraitItem::Fn(x) => Some(x.sig.ident.span()),
                syn::TraitItem::Const(x) => Some(x.ident.span()),
                syn::TraitItem::Type(x) => Some(x.ident.span()),
                _ => None,
            },
            ItemRef::Foreign(_) => None,
        };
        ident.unwrap_or_else(|| self.span())
    }

    /// The item's tokens, attributes included.
    pub fn tokens(self) -> proc_macro2::TokenStream {
        use quote::ToTokens;
        match self {
            ItemRef::Item(i) => i.to_token_stream(),
            ItemRef::Impl(i) => i.to_token_stream(),
            ItemRef::Trait(i) => i.to_token_stream(),
            ItemRef::Foreign(i) => i.to_token_stream(),
        }
    }

    pub fn span(self) -> Span {
        match self {
            ItemRef::Item(i) => i.span(),
            ItemRef::Impl(i) => i.span(),
            ItemRef::Trait(i) => i.span(),
            ItemRef::Foreign(i) => i.span(),
        }
    }
}

/// The attributes of a module-level item.
pub fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(x) => &x.attrs,
        syn::Item::Enum(x) => &x.attrs,
        syn::Item::ExternCrate(x) => &x.attrs,
        syn::Item::Fn(x) => &x.attrs,
        syn::Item::ForeignMod(x) => &x.attrs,
        syn::Item::Impl(x) => &x.attrs,
        syn::Item::Macro(x) => &x.attrs,
        syn::Item::Mod(x) => &x.attrs,
        syn::Item::Static(x) => &x.attrs,
        syn::Item::Struct(x) => &x.attrs,
        syn::Item::Trait(x) => &x.attrs,
        syn::Item::TraitAlias(x) => &x.attrs,
        syn::Item::Type(x) => &x.attrs,
        syn::Item::Union(x) => &x.attrs,
        syn::Item::Use(x) => &x.attrs,
        _ => &[],
    }
}

/// The kind word and name of an item, for inventories and item paths.
pub fn item_kind_and_name(item: &syn::Item) -> (&'static str, Option<String>) {
    match item {
        syn::Item::Const(x) => ("const", Some(x.ident.to_string())),
        syn::Item::Enum(x) => ("enum", Some(x.ident.to_string())),
        syn::Item::ExternCrate(x) => ("extern crate", Some(x.ident.to_string())),
        syn::Item::Fn(x) => ("fn", Some(x.sig.ident.to_string())),
        syn::Item::ForeignMod(_) => ("extern block", None),
        syn::Item::Impl(x) => ("impl", Some(impl_name(x))),
        syn::Item::Macro(x) => ("macro", x.ident.as_ref().map(ToString::to_string)),
        syn::Item::Mod(x) => ("mod", Some(x.ident.to_string())),
        syn::Item::Static(x) => ("static", Some(x.ident.to_string())),
        syn::Item::Struct(x) => ("struct", Some(x.ident.to_string())),
        syn::Item::Trait(x) => ("trait", Some(x.ident.to_string())),
        syn::Item::TraitAlias(x) => ("trait alias", Some(x.ident.to_string())),
        syn::Item::Type(x) => ("type", Some(x.ident.to_string())),
        syn::Item::Union(x) => ("union", Some(x.ident.to_string())),
        syn::Item::Use(_) => ("use", None),
        _ => ("item", None),
    }
}

/// `Type` for `impl Type`, `Type` too for `impl Trait for Type` (paths read `Type::method`).
pub fn impl_name(item: &syn::ItemImpl) -> String {
    type_name(&item.self_ty)
}

/// The last path segment of a type, or its tokens.
pub fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        other => quote::ToTokens::to_token_stream(other)
            .to_string()
            .replace(' ', ""),
    }
}

/// The last segment of a trait path.
pub fn path_last(path: &syn::Path) -> String {
    path.segments
        .last()
        .map_or_else(String::new, |s| s.ident.to_string())
}
