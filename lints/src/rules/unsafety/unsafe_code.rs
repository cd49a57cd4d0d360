use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::locals::for_each_expr;
use crate::analysis::paths::{UseMap, peel};
use crate::cx::Cx;
use crate::fnlike::{ItemRef, path_last, type_name};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `unsafe` blocks, `unsafe fn`, `unsafe impl`, `unsafe trait`, `extern` blocks and
    /// `#[no_mangle]`/`#[export_name]` items. The message names the most dangerous operation
    /// inside: `transmute`, `mem::uninitialized`, `mem::zeroed`, `from_raw_parts`, `set_len`,
    /// a write to a `static mut`, a raw pointer dereference, `get_unchecked`,
    /// `from_utf8_unchecked`.
    ///
    /// `unsafe impl Send`/`Sync` are left to `unsafe_send_sync`. The rule is `allow` in human
    /// code by default: it is a gate on generated code, not a judgement on unsafe Rust.
    ///
    /// ### Why is this bad?
    /// Inside `unsafe` the compiler stops checking the invariants that make Rust memory-safe,
    /// and a mistake is undefined behaviour: memory corruption, data races, exploitable
    /// out-of-bounds access (CWE-119). Assistants reach for `unsafe` to silence the borrow
    /// checker or to "optimize" (`get_unchecked`, `from_utf8_unchecked`, `set_len`), and
    /// write safety arguments that do not hold. Every `unsafe` line in generated code needs a
    /// human who checked each invariant.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn as_text(bytes: Vec<u8>) -> String {
    ///     unsafe { String::from_utf8_unchecked(bytes) }
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn as_text(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    ///     String::from_utf8(bytes)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-119: Improper Restriction of Operations within the Bounds of a Memory Buffer
    /// - rustc: `unsafe_code`; clippy: `undocumented_unsafe_blocks`, `transmute_ptr_to_ref`,
    ///   `uninit_vec`
    /// - cargo-geiger
    pub struct UnsafeCode;
    name = "unsafe_code",
    family = Unsafety,
    ai = Deny,
    human = Allow,
    cwe = 119,
    summary = "`unsafe` code, `extern` blocks and `#[no_mangle]` items",
}

/// The operations named in the message, most dangerous first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    Uninitialized,
    Transmute,
    FromRawParts,
    SetLen,
    Zeroed,
    StaticMut,
    RawDeref,
    GetUnchecked,
    Utf8Unchecked,
    AssumeInit,
    UncheckedUnwrap,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Uninitialized => "mem::uninitialized",
            Op::Transmute => "mem::transmute",
            Op::FromRawParts => "from_raw_parts",
            Op::SetLen => "set_len",
            Op::Zeroed => "mem::zeroed",
            Op::StaticMut => "static mut",
            Op::RawDeref => "*ptr",
            Op::GetUnchecked => "get_unchecked",
            Op::Utf8Unchecked => "from_utf8_unchecked",
            Op::AssumeInit => "assume_init",
            Op::UncheckedUnwrap => "unwrap_unchecked",
        }
    }

    /// What the code does, as it reads in a message.
    fn phrase(self) -> String {
        match self {
            Op::StaticMut => "writes to a `static mut`".to_string(),
            Op::RawDeref => "dereferences a raw pointer".to_string(),
            _ => format!("calls `{}`", self.name()),
        }
    }

    fn label(self) -> String {
        match self {
            Op::StaticMut => "a `static mut` is written or borrowed mutably here".to_string(),
            Op::RawDeref => "a raw pointer is dereferenced here".to_string(),
            _ => format!("`{}` is called here", self.name()),
        }
    }

    fn help(self) -> &'static str {
        match self {
            Op::Uninitialized | Op::Zeroed | Op::AssumeInit => {
                "initialize the value (`Default::default()`, a constructor) instead of creating it from zeroed or uninitialized memory"
            }
            Op::Transmute => {
                "use a checked conversion (`from_ne_bytes`, `to_bits`, `as`, `bytemuck::cast`) instead of `transmute`"
            }
            Op::FromRawParts => "pass a slice or a `Vec` instead of a raw pointer and a length",
            Op::SetLen => "grow the vector with `resize`, `extend` or `push` instead of `set_len`",
            Op::StaticMut => "use an atomic, a `Mutex` or a `OnceLock` instead of a `static mut`",
            Op::RawDeref => {
                "use references or a safe wrapper instead of dereferencing raw pointers"
            }
            Op::GetUnchecked => {
                "index with `[i]` or `.get(i)`; the bounds check is rarely measurable"
            }
            Op::Utf8Unchecked => "use `String::from_utf8`/`str::from_utf8` and handle the error",
            Op::UncheckedUnwrap => "use `?`, `match` or `expect` with the invariant instead",
        }
    }
}

const GENERIC_HELP: &str = "write it without `unsafe`";
const REVIEW_HELP: &str = "if `unsafe` is required, have a human check every invariant, write it down in a `// SAFETY:` comment and record the review with `#[ai_generated(allow(unsafe_code = \"..\"))]`";

fn help(op: Option<(Op, Span)>) -> String {
    let first = op.map_or(GENERIC_HELP, |(o, _)| o.help());
    format!("{first}; {REVIEW_HELP}")
}

/// An all-caps single-segment path: the shape of a `static` (or `const`) name.
fn screaming(expr: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = peel_parens(expr) else {
        return false;
    };
    if p.path.segments.len() != 1 {
        return false;
    }
    let name = p.path.segments[0].ident.to_string();
    name.len() > 1
        && name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn peel_parens(mut e: &syn::Expr) -> &syn::Expr {
    loop {
        e = match e {
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Group(g) => &g.expr,
            _ => return e,
        };
    }
}

/// Whether `e` (the operand of `*`) is visibly a raw pointer: a cast to `*const`/`*mut`,
/// pointer arithmetic, `as_ptr()`, or a pointer-named local.
fn is_raw_pointer(e: &syn::Expr, cx: &Cx<'_>) -> bool {
    match peel_parens(e) {
        syn::Expr::Cast(c) => matches!(*c.ty, syn::Type::Ptr(_)),
        syn::Expr::MethodCall(m) => matches!(
            m.method.to_string().as_str(),
            "add"
                | "sub"
                | "offset"
                | "byte_add"
                | "byte_sub"
                | "byte_offset"
                | "wrapping_add"
                | "wrapping_sub"
                | "wrapping_offset"
                | "as_ptr"
                | "as_mut_ptr"
                | "cast"
                | "cast_mut"
                | "cast_const"
        ),
        syn::Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| cx.vocab().is_pointer_name(&i.to_string())),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => cx.vocab().is_pointer_name(&i.to_string()),
            syn::Member::Unnamed(_) => false,
        },
        _ => false,
    }
}

fn op_of_call(segs: &[String]) -> Option<Op> {
    let last = segs.last()?.as_str();
    let in_mem = segs.iter().any(|s| s == "mem");
    match last {
        "transmute" | "transmute_copy" => Some(Op::Transmute),
        "uninitialized" if in_mem || segs.len() == 1 => Some(Op::Uninitialized),
        "zeroed" if in_mem || segs.len() == 1 => Some(Op::Zeroed),
        "from_raw_parts" | "from_raw_parts_mut" => Some(Op::FromRawParts),
        "from_utf8_unchecked" | "from_utf8_unchecked_mut" => Some(Op::Utf8Unchecked),
        "read" | "write" | "read_unaligned" | "write_unaligned" | "read_volatile"
        | "write_volatile"
            if segs.iter().any(|s| s == "ptr") =>
        {
            Some(Op::RawDeref)
        }
        "unreachable_unchecked" => Some(Op::UncheckedUnwrap),
        _ => None,
    }
}

/// The most dangerous operation in a body, with where it is.
fn most_dangerous(block: &syn::Block, cx: &Cx<'_>) -> Option<(Op, Span)> {
    let uses: &UseMap = &cx.uses;
    let mut best: Option<(Op, Span)> = None;
    let mut note = |op: Op, span: Span| {
        if best.is_none_or(|(b, _)| op < b) {
            best = Some((op, span));
        }
    };
    for_each_expr(block, &mut |e| match e {
        syn::Expr::Call(c) => {
            if let syn::Expr::Path(p) = peel(&c.func)
                && let Some(op) = op_of_call(&uses.resolve(&p.path))
            {
                let span = p
                    .path
                    .segments
                    .last()
                    .map_or_else(|| p.span(), |s| s.ident.span());
                note(op, span);
            }
        }
        syn::Expr::MethodCall(m) => {
            let op = match m.method.to_string().as_str() {
                "set_len" if m.args.len() == 1 => Some(Op::SetLen),
                "get_unchecked" | "get_unchecked_mut" => Some(Op::GetUnchecked),
                "assume_init" | "assume_init_ref" | "assume_init_mut" | "assume_init_read" => {
                    Some(Op::AssumeInit)
                }
                "unwrap_unchecked" => Some(Op::UncheckedUnwrap),
                "read" | "write" | "read_unaligned" | "write_unaligned"
                    if is_raw_pointer(&m.receiver, cx) =>
                {
                    Some(Op::RawDeref)
                }
                _ => None,
            };
            if let Some(op) = op {
                note(op, m.method.span());
            }
        }
        syn::Expr::Unary(u)
            if matches!(u.op, syn::UnOp::Deref(_)) && is_raw_pointer(&u.expr, cx) =>
        {
            note(Op::RawDeref, u.span());
        }
        syn::Expr::Assign(a) if screaming(&a.left) => note(Op::StaticMut, a.left.span()),
        syn::Expr::Binary(b) if is_compound_assign(&b.op) && screaming(&b.left) => {
            note(Op::StaticMut, b.left.span());
        }
        syn::Expr::Reference(r) if r.mutability.is_some() && screaming(&r.expr) => {
            note(Op::StaticMut, r.expr.span());
        }
        syn::Expr::RawAddr(r) if screaming(&r.expr) => note(Op::StaticMut, r.expr.span()),
        syn::Expr::Macro(m) => {
            let name = crate::analysis::macros::macro_name(&m.mac);
            if name == "addr_of_mut"
                && let Ok(arg) = m.mac.parse_body::<syn::Expr>()
                && screaming(&arg)
            {
                note(Op::StaticMut, m.mac.span());
            }
        }
        _ => {}
    });
    best
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    matches!(
        op,
        syn::BinOp::AddAssign(_)
            | syn::BinOp::SubAssign(_)
            | syn::BinOp::MulAssign(_)
            | syn::BinOp::DivAssign(_)
            | syn::BinOp::RemAssign(_)
            | syn::BinOp::BitXorAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::BitOrAssign(_)
            | syn::BinOp::ShlAssign(_)
            | syn::BinOp::ShrAssign(_)
    )
}

fn with_op(what: String, op: Option<(Op, Span)>) -> String {
    match op {
        Some((o, _)) => format!("{what} {}", o.phrase()),
        None => what,
    }
}

/// `#[no_mangle]`, `#[export_name = ".."]` and their edition-2024 `#[unsafe(..)]` forms.
fn export_attr(attrs: &[syn::Attribute]) -> Option<(&syn::Attribute, &'static str)> {
    attrs.iter().find_map(|a| {
        let path = a.path();
        if path.is_ident("no_mangle") {
            return Some((a, "no_mangle"));
        }
        if path.is_ident("export_name") {
            return Some((a, "export_name"));
        }
        if path.is_ident("unsafe")
            && let syn::Meta::List(l) = &a.meta
        {
            let inner = l.tokens.to_string();
            let head = inner.split(['=', ' ', '(']).next().unwrap_or_default();
            if head == "no_mangle" {
                return Some((a, "no_mangle"));
            }
            if head == "export_name" {
                return Some((a, "export_name"));
            }
        }
        None
    })
}

impl UnsafeCode {
    fn report(cx: &mut Cx<'_>, span: Span, message: String, op: Option<(Op, Span)>) {
        let mut r = cx.report(&Self::META, span, message);
        if let Some((o, at)) = op {
            r = r.label(at, o.label());
        }
        r.help(help(op));
    }

    fn check_fn_sig(cx: &mut Cx<'_>, sig: &syn::Signature, body: Option<&syn::Block>) {
        if let syn::Safety::Unsafe(tok) = &sig.safety {
            let op = body.and_then(|b| most_dangerous(b, cx));
            let msg = with_op(format!("`unsafe fn {}`", sig.ident), op);
            Self::report(cx, tok.span, msg, op);
        }
    }
}

impl Rule for UnsafeCode {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Item, NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        let syn::Expr::Unsafe(u) = expr else {
            return;
        };
        if !cx.enabled(&Self::META) {
            return;
        }
        let op = most_dangerous(&u.block, cx);
        Self::report(
            cx,
            u.unsafe_token.span,
            with_op("`unsafe` block".into(), op),
            op,
        );
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if !cx.enabled(&Self::META) {
            return;
        }
        if let Some((attr, kind)) = export_attr(item.attrs()) {
            let name = match item {
                ItemRef::Item(syn::Item::Fn(f)) => Some(f.sig.ident.to_string()),
                ItemRef::Item(syn::Item::Static(s)) => Some(s.ident.to_string()),
                ItemRef::Impl(syn::ImplItem::Fn(f)) => Some(f.sig.ident.to_string()),
                _ => None,
            };
            let what = name.map_or_else(|| "this item".to_string(), |n| format!("`{n}`"));
            cx.report(
                &Self::META,
                attr.span(),
                format!("`#[{kind}]` exports {what} under an unmangled symbol name"),
            )
            .help(format!(
                "remove `#[{kind}]` unless the symbol must be called from foreign code; a clashing symbol is undefined behaviour; {REVIEW_HELP}"
            ));
        }
        match item {
            ItemRef::Item(syn::Item::Fn(f)) => Self::check_fn_sig(cx, &f.sig, Some(&f.block)),
            ItemRef::Impl(syn::ImplItem::Fn(f)) => Self::check_fn_sig(cx, &f.sig, Some(&f.block)),
            ItemRef::Trait(syn::TraitItem::Fn(f)) => {
                Self::check_fn_sig(cx, &f.sig, f.default.as_ref());
            }
            ItemRef::Item(syn::Item::Impl(imp)) => {
                let Some(tok) = &imp.unsafety else {
                    return;
                };
                let trait_name = imp.trait_.as_ref().map(|(p, _)| {
                    let segs = cx.uses.resolve(p);
                    segs.last().cloned().unwrap_or_else(|| path_last(p))
                });
                // `unsafe impl Send/Sync` belong to `unsafe_send_sync`.
                if trait_name
                    .as_deref()
                    .is_some_and(|t| t == "Send" || t == "Sync")
                {
                    return;
                }
                let head = match &trait_name {
                    Some(t) => format!("`unsafe impl {t} for {}`", type_name(&imp.self_ty)),
                    None => format!("`unsafe impl {}`", type_name(&imp.self_ty)),
                };
                cx.report(
                    &Self::META,
                    tok.span,
                    format!("{head} promises invariants the compiler cannot check"),
                )
                .help(format!(
                    "implement the trait without `unsafe` or use a safe alternative; {REVIEW_HELP}"
                ));
            }
            ItemRef::Item(syn::Item::Trait(t)) => {
                if let Some(tok) = &t.unsafety {
                    cx.report(
                        &Self::META,
                        tok.span,
                        format!(
                            "`unsafe trait {}` makes every implementation `unsafe`",
                            t.ident
                        ),
                    )
                    .help(format!("declare a safe trait; {REVIEW_HELP}"));
                }
            }
            ItemRef::Item(syn::Item::ForeignMod(m)) => {
                cx.report(
                    &Self::META,
                    m.abi.extern_token.span,
                    "`extern` block declares foreign functions the compiler cannot check",
                )
                .help(format!(
                    "use a maintained binding crate (`libc`, `windows-sys`, a `-sys` crate with a safe wrapper); {REVIEW_HELP}"
                ));
            }
            _ => {}
        }
    }
}
