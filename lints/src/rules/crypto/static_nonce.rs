use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::fnbody;
use crate::analysis::macros;
use crate::analysis::paths::{self, UseMap};
use crate::analysis::vocab::{self, Vocab, split_words};
use crate::cx::Cx;
use crate::fnlike::{FnLike, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a nonce, IV or salt that is a constant: a byte string, a literal array or
    /// `[0u8; N]` bound to or passed as a nonce/IV/salt (`let iv = [0u8; 16];`,
    /// `const NONCE: &[u8; 12] = b"..";`, `Nonce::from_slice(b"unique nonce")`,
    /// `GenericArray::from_slice(&[0; 12])` bound to a nonce, `Nonce::default()`,
    /// `SaltString::from_b64("..")`, the IV of `openssl::symm::encrypt`, the salt of
    /// `pbkdf2_hmac`/`scrypt`/`hash_password_into`). A `let mut nonce = [0u8; 12]` that is
    /// filled afterwards (`OsRng.fill_bytes(&mut nonce)`) is not flagged.
    ///
    /// ### Why is this bad?
    /// AES-GCM and ChaCha20-Poly1305 with a repeated nonce leak the XOR of the plaintexts and
    /// let an attacker forge messages; CBC/CTR with a fixed IV leak equal prefixes or the
    /// whole keystream (CWE-329). A fixed salt lets one precomputed table crack every
    /// password hash at once (CWE-760). Assistants copy the fixed nonce of a docs example.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use aes_gcm::{aead::Aead, Aes256Gcm, Nonce};
    ///
    /// fn seal(cipher: &Aes256Gcm, msg: &[u8]) -> Vec<u8> {
    ///     let nonce = Nonce::from_slice(b"unique nonce");
    ///     cipher.encrypt(nonce, msg).expect("encryption failure")
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use aes_gcm::{aead::{Aead, AeadCore, OsRng}, Aes256Gcm};
    ///
    /// fn seal(cipher: &Aes256Gcm, msg: &[u8]) -> Vec<u8> {
    ///     let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    ///     let mut out = nonce.to_vec();
    ///     out.extend(cipher.encrypt(&nonce, msg).expect("encryption failure"));
    ///     out
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-329: Generation of Predictable IV with CBC Mode
    /// - CWE-323: Reusing a Nonce, Key Pair in Encryption
    /// - CWE-760: Use of a One-Way Hash with a Predictable Salt
    pub struct StaticNonce;
    name = "static_nonce",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 329,
    summary = "nonce, IV or salt that is a constant",
}

const HELP: &str = "generate a fresh random value for every message (`Aes256Gcm::generate_nonce(&mut OsRng)`) or password (`SaltString::generate(&mut OsRng)`) and store it beside the ciphertext or hash";

impl Rule for StaticNonce {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Item, NodeKind::Fn, NodeKind::Expr]
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let (ident, expr) = match item {
            ItemRef::Item(syn::Item::Const(c)) => (&c.ident, &*c.expr),
            ItemRef::Item(syn::Item::Static(s)) => (&s.ident, &*s.expr),
            ItemRef::Impl(syn::ImplItem::Const(c)) => (&c.ident, &c.expr),
            _ => return,
        };
        let name = ident.to_string();
        if cx.vocab().is_nonce_name(&name)
            && let Some(span) = static_value(expr, cx, true)
        {
            report(cx, span, &name);
        }
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        let bindings = fnbody::bindings(f.block);
        let mut mutated: Option<HashSet<String>> = None;
        let mut found = Vec::new();
        for b in &bindings {
            let name = b.ident.to_string();
            if !cx.vocab().is_nonce_name(&name) {
                continue;
            }
            let Some(init) = b.init else {
                continue;
            };
            let Some(span) = static_value(init, cx, true) else {
                continue;
            };
            // `let mut nonce = [0u8; 12]; OsRng.fill_bytes(&mut nonce);`
            if b.mutable
                && mutated
                    .get_or_insert_with(|| mutated_roots(f.block))
                    .contains(&name)
            {
                continue;
            }
            found.push((span, name));
        }
        for (span, name) in found {
            report(cx, span, &name);
        }
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        match expr {
            syn::Expr::Call(c) => check_call(cx, c),
            syn::Expr::MethodCall(m) => check_method(cx, m),
            syn::Expr::Struct(s) => {
                for field in &s.fields {
                    if let syn::Member::Named(ident) = &field.member {
                        let name = ident.to_string();
                        // `Struct { salt: [0u8; 4], .. }` is usually filled right after.
                        if cx.vocab().is_nonce_name(&name)
                            && !is_zero_init(&field.expr)
                            && let Some(span) = static_value(&field.expr, cx, true)
                        {
                            report(cx, span, &name);
                        }
                    }
                }
            }
            syn::Expr::Assign(a) => {
                if let Some(name) = paths::expr_name(&a.left)
                    && cx.vocab().is_nonce_name(&name)
                    && !is_zero_init(&a.right)
                    && let Some(span) = static_value(&a.right, cx, true)
                {
                    report(cx, span, &name);
                }
            }
            _ => {}
        }
    }
}

/// A nonce/IV/salt-named binding, constant or field holding a fixed value.
fn report(cx: &mut Cx<'_>, span: Span, name: &str) {
    let (what, per) = kind_of(name);
    let article = if what == "IV" { "an" } else { "a" };
    cx.report(
        &StaticNonce::META,
        span,
        format!("`{name}` is a fixed value, but {article} {what} must be unique for every {per}"),
    )
    .help(HELP);
}

/// A fixed value passed where an API takes a nonce/IV/salt.
fn report_arg(cx: &mut Cx<'_>, span: Span, callee: &str, kind: &str) {
    let (what, per) = kind_of(kind);
    let article = if what == "IV" { "an" } else { "a" };
    let msg = if callee.ends_with("::default") {
        format!("`{callee}()` is all zeros, but {article} {what} must be unique for every {per}")
    } else {
        format!(
            "fixed {what} passed to `{callee}`, but {article} {what} must be unique for every {per}"
        )
    };
    cx.report(&StaticNonce::META, span, msg).help(HELP);
}

fn kind_of(name: &str) -> (&'static str, &'static str) {
    let words = split_words(name);
    if words.iter().any(|w| w.starts_with("salt")) {
        ("salt", "password")
    } else if words.iter().any(|w| w == "iv" || w == "ivs") {
        ("IV", "message")
    } else {
        ("nonce", "message")
    }
}

/// `Nonce::from_slice(b"..")`, `Nonce::default()`, `SaltString::from_b64("..")`, and the
/// nonce/IV/salt parameters of known APIs.
fn check_call(cx: &mut Cx<'_>, c: &syn::ExprCall) {
    let syn::Expr::Path(p) = paths::peel(&c.func) else {
        return;
    };
    let segs = call_segments(&p.path, &cx.uses, cx.vocab());
    let n = segs.len();
    let Some(last) = segs.last() else {
        return;
    };
    let ty = (n >= 2).then(|| segs[n - 2].as_str());
    // A nonce-named type's constructor.
    if let Some(ty) = ty
        && cx.vocab().is_nonce_name(ty)
    {
        let span = if c.args.is_empty() && last == "default" {
            Some(c.span())
        } else if is_ctor(last) && c.args.len() == 1 {
            static_value(&c.args[0], cx, false)
        } else {
            None
        };
        if let Some(span) = span {
            report_arg(cx, span, &format!("{ty}::{last}"), ty);
        }
        return;
    }
    // Known parameter positions: (path suffix, index, what it is).
    let position = if paths::ends_with(&segs, &["symm", "encrypt"])
        || paths::ends_with(&segs, &["symm", "decrypt"])
        || paths::ends_with(&segs, &["symm", "encrypt_aead"])
        || paths::ends_with(&segs, &["symm", "decrypt_aead"])
    {
        Some((2, "iv"))
    } else if paths::ends_with(&segs, &["Crypter", "new"]) {
        Some((3, "iv"))
    } else if matches!(
        last.as_str(),
        "pbkdf2_hmac" | "pbkdf2" | "pbkdf2_hmac_array" | "pbkdf2_array"
    ) || paths::ends_with(&segs, &["scrypt", "scrypt"])
    {
        Some((1, "salt"))
    } else if paths::ends_with(&segs, &["pbkdf2", "derive"])
        || paths::ends_with(&segs, &["pbkdf2", "verify"])
        || last == "hash_with_salt"
    {
        Some((2, "salt"))
    } else if matches!(last.as_str(), "new" | "new_from_slices")
        && c.args.len() == 2
        && ty.is_some_and(is_block_mode_type)
    {
        Some((1, "iv"))
    } else {
        None
    };
    if let Some((i, what)) = position
        && let Some(arg) = c.args.iter().nth(i)
        && let Some(span) = static_value(arg, cx, true)
    {
        report_arg(cx, span, &shown(&segs), what);
    }
}

/// A call's path, resolved through the file's `use` items, and through its type aliases
/// unless the type is nonce-named as it is (`type AesNonce = GenericArray<u8, U12>;`:
/// `AesNonce::from_slice`, `type N = aes_gcm::Nonce<U12>;`: `aes_gcm::Nonce::from_slice`).
fn call_segments(path: &syn::Path, uses: &UseMap, vocab: &Vocab) -> Vec<String> {
    let segs = uses.resolve(path);
    let n = segs.len();
    if n >= 2 && vocab.is_nonce_name(&segs[n - 2]) {
        return segs;
    }
    uses.resolve_all_segments(segs)
}

/// `cipher.encrypt(&[0u8; 12].into(), msg)`, `argon2.hash_password_into(pw, b"salt", out)`,
/// `.nonce(b"..")`.
fn check_method(cx: &mut Cx<'_>, m: &syn::ExprMethodCall) {
    let method = m.method.to_string();
    let (arg, what) = match method.as_str() {
        "encrypt"
        | "decrypt"
        | "encrypt_in_place"
        | "decrypt_in_place"
        | "encrypt_in_place_detached"
        | "decrypt_in_place_detached"
            if m.args.len() >= 2 =>
        {
            // A plain byte string is as likely the plaintext: only a nonce-shaped value.
            if !nonce_shaped(&m.args[0]) {
                return;
            }
            (&m.args[0], "nonce")
        }
        "hash_password_into" if m.args.len() == 3 => (&m.args[1], "salt"),
        // `.nonce(..)`, `.with_iv(..)`, `.set_salt(..)`: the method names its argument.
        // the last word of a method name is in the name
        _ if vocab::may_be_nonce_name(&method)
            && cx
                .vocab()
                .is_nonce_name(split_words(&method).last().map_or("", String::as_str))
            && !m.args.is_empty() =>
        {
            match m.args.last() {
                Some(a) => (a, method.as_str()),
                None => return,
            }
        }
        _ => return,
    };
    // A nonce-named type's constructor in that place is reported as a call of its own.
    if let Some(span) = static_value(arg, cx, true) {
        report_arg(cx, span, &format!(".{method}()"), what);
    }
}

/// `[0u8; 12]`, `[1, 2, ..]`, or a literal converted to a nonce type (`b"..".into()`,
/// `GenericArray::from_slice(b"..")`).
fn nonce_shaped(arg: &syn::Expr) -> bool {
    match paths::peel(arg) {
        syn::Expr::Repeat(_) | syn::Expr::Array(_) => true,
        syn::Expr::MethodCall(m) => m.method == "into" || m.method == "try_into",
        syn::Expr::Call(c) => matches!(paths::peel(&c.func), syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| is_ctor(&s.ident.to_string()))),
        _ => false,
    }
}

fn is_ctor(name: &str) -> bool {
    matches!(
        name,
        "from_slice"
            | "from"
            | "new"
            | "clone_from_slice"
            | "assume_unique_for_key"
            | "from_b64"
            | "encode_b64"
            | "try_from"
            | "from_array"
            | "from_bytes"
            | "from_exact_iter"
    )
}

fn shown(segs: &[String]) -> String {
    segs[segs.len().saturating_sub(2)..].join("::")
}

/// `cbc::Encryptor`, `Aes128CbcEnc`, `Aes256Ctr`: a block mode whose second argument is the IV.
fn is_block_mode_type(ty: &str) -> bool {
    ty.contains("Encryptor")
        || ty.contains("Decryptor")
        || ty.ends_with("Enc")
        || ty.ends_with("Dec")
        || ty.contains("Cbc")
        || ty.contains("Ctr")
        || ty.contains("Cfb")
        || ty.contains("Ofb")
}

/// The span of a constant value: a byte/string literal, a literal array, `[0u8; N]`,
/// `vec![0; N]`, `Default::default()`, through `&`, `*`, `.into()`,
/// `.to_vec()` and array constructors. With `stop_at_nonce_ctor`, a nonce-named type's
/// constructor is not looked into (it is reported as a call of its own).
fn static_value(expr: &syn::Expr, cx: &Cx<'_>, stop_at_nonce_ctor: bool) -> Option<Span> {
    static_value_in(expr, &cx.uses, cx.vocab(), stop_at_nonce_ctor, 0)
}

/// `[0u8; N]`, `vec![0; N]`, `Default::default()`: storage about to be filled.
fn is_zero_init(expr: &syn::Expr) -> bool {
    let zero = |e: &syn::Expr| {
        matches!(paths::peel(e), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })
            if i.base10_digits() == "0")
    };
    match paths::peel(expr) {
        syn::Expr::Repeat(r) => zero(&r.expr),
        syn::Expr::Macro(m) if macros::macro_name(&m.mac) == "vec" => {
            macros::parse_expr_list(&m.mac).is_some_and(|items| items.first().is_some_and(zero))
        }
        syn::Expr::Call(c) => {
            c.args.is_empty()
                && matches!(paths::peel(&c.func), syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "default"))
        }
        _ => false,
    }
}

fn static_value_in(
    expr: &syn::Expr,
    uses: &UseMap,
    vocab: &Vocab,
    stop: bool,
    depth: usize,
) -> Option<Span> {
    if depth > 12 {
        return None;
    }
    let e = paths::peel(expr);
    let is_lit = |x: &syn::Expr| matches!(paths::peel(x), syn::Expr::Lit(_));
    match e {
        syn::Expr::Lit(l) => matches!(
            l.lit,
            syn::Lit::ByteStr(_) | syn::Lit::Str(_) | syn::Lit::CStr(_)
        )
        .then(|| e.span()),
        syn::Expr::Repeat(r) => is_lit(&r.expr).then(|| e.span()),
        syn::Expr::Array(a) => {
            (!a.elems.is_empty() && a.elems.iter().all(is_lit)).then(|| e.span())
        }
        syn::Expr::Macro(m) if macros::macro_name(&m.mac) == "vec" => {
            let items = macros::parse_expr_list(&m.mac)?;
            (!items.is_empty() && items.iter().all(is_lit)).then(|| e.span())
        }
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "into"
                    | "to_vec"
                    | "as_ref"
                    | "as_slice"
                    | "try_into"
                    | "unwrap"
                    | "expect"
                    | "as_bytes"
                    | "to_owned"
                    | "clone"
                    | "into_bytes"
            ) =>
        {
            static_value_in(&m.receiver, uses, vocab, stop, depth + 1)
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            let segs = call_segments(&p.path, uses, vocab);
            let last = segs.last()?.as_str();
            let ty = (segs.len() >= 2).then(|| segs[segs.len() - 2].as_str());
            if stop && ty.is_some_and(|t| vocab.is_nonce_name(t)) {
                return None;
            }
            if c.args.is_empty() && last == "default" {
                return Some(e.span());
            }
            if c.args.len() == 1 && is_ctor(last) {
                return static_value_in(&c.args[0], uses, vocab, stop, depth + 1);
            }
            None
        }
        _ => None,
    }
}

/// Whether a `let mut` binding is written after its initialization: `&mut nonce`,
/// `nonce.copy_from_slice(..)`, `nonce[..4] = ..`, `rng.fill(&mut nonce[..])`.
/// The names of the locals `block` writes to in place (`&mut x`, `x = ..`, `x ^= ..`,
/// `x.fill(..)`, `x[..].copy_from_slice(..)`), in one walk.
fn mutated_roots(block: &syn::Block) -> HashSet<String> {
    let mut out = HashSet::new();
    fnbody::for_each_in_block(block, &mut |e| {
        let root = match e {
            syn::Expr::Reference(r) if r.mutability.is_some() => root_name(&r.expr),
            syn::Expr::Assign(a) => root_name(&a.left),
            syn::Expr::Binary(x) if is_compound_assign(&x.op) => root_name(&x.left),
            syn::Expr::MethodCall(m) if is_mutating_method(&m.method.to_string()) => {
                root_name(&m.receiver)
            }
            _ => None,
        };
        out.extend(root);
    });
    out
}

fn is_mutating_method(method: &str) -> bool {
    method.starts_with("fill")
        || method.starts_with("try_fill")
        || method.starts_with("copy_")
        || method.starts_with("clone_from")
        || method.starts_with("as_mut")
        || method.starts_with("iter_mut")
        || method.starts_with("swap")
        || method.starts_with("set")
        || method.starts_with("increment")
        || matches!(
            method,
            "reverse"
                | "rotate_left"
                | "rotate_right"
                | "push"
                | "extend"
                | "extend_from_slice"
                | "insert"
                | "resize"
        )
}

fn is_compound_assign(op: &syn::BinOp) -> bool {
    matches!(
        op,
        syn::BinOp::AddAssign(_)
            | syn::BinOp::SubAssign(_)
            | syn::BinOp::BitXorAssign(_)
            | syn::BinOp::BitOrAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::MulAssign(_)
            | syn::BinOp::ShlAssign(_)
            | syn::BinOp::ShrAssign(_)
    )
}

/// `nonce`, `nonce[..]`, `nonce.0`, `nonce.as_mut()`: the name of the binding whose storage
/// the expression designates.
fn root_name(expr: &syn::Expr) -> Option<String> {
    let mut e = expr;
    for _ in 0..8 {
        match paths::peel(e) {
            syn::Expr::Index(i) => e = &i.expr,
            syn::Expr::Field(f) => e = &f.base,
            syn::Expr::MethodCall(m) if m.method.to_string().starts_with("as_mut") => {
                e = &m.receiver;
            }
            other => return fnbody::plain_name(other),
        }
    }
    None
}
