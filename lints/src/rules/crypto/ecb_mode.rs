use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::analysis::fnbody;
use crate::analysis::paths::{self, UseMap};
use crate::cx::Cx;
use crate::fnlike::ItemRef;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags block-cipher encryption in ECB mode: the `ecb` crate (`ecb::Encryptor`),
    /// `block_modes::Ecb`, `openssl::symm::Cipher::aes_*_ecb()`/`des_ecb()`/`bf_ecb()`, an
    /// `Ecb`/`ECB` mode selector, and a hand-written ECB: `encrypt_block`/`decrypt_block`
    /// applied to each chunk of a buffer in a loop (`for chunk in data.chunks_mut(16)`) or an
    /// iterator closure, without chaining (no XOR with a previous block).
    ///
    /// ### Why is this bad?
    /// ECB encrypts equal plaintext blocks to equal ciphertext blocks, so the structure of the
    /// data shows through (the "ECB penguin"), blocks can be cut, reordered and replayed, and
    /// nothing detects tampering (CWE-327). Assistants reach for it because it needs no IV.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use openssl::symm::{encrypt, Cipher};
    ///
    /// fn seal(key: &[u8], data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    ///     encrypt(Cipher::aes_256_ecb(), key, None, data)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use aes_gcm::{aead::{Aead, AeadCore, KeyInit, OsRng}, Aes256Gcm};
    ///
    /// fn seal(key: &[u8; 32], data: &[u8]) -> Result<Vec<u8>, aes_gcm::Error> {
    ///     let cipher = Aes256Gcm::new(key.into());
    ///     let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    ///     let mut out = nonce.to_vec();
    ///     out.extend(cipher.encrypt(&nonce, data)?);
    ///     Ok(out)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - semgrep: `rust.lang.security.insecure-cipher-mode`
    pub struct EcbMode;
    name = "ecb_mode",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 327,
    summary = "block cipher used in ECB mode",
}

const HELP: &str = "use an AEAD mode (AES-GCM via `aes_gcm::Aes256Gcm`, or `chacha20poly1305`) with a random nonce per message";

/// Every finding is a path whose resolved segments select ECB (`ecb_segment`: `ecb`, `Ecb*`,
/// `ECB`, `*_ecb`; written in the file, or in the `use` renaming it), or a block-cipher call
/// in a loop over `.chunks*(..)` (method names).
const ECB_NEEDLES: &[&str] = &["ecb", "Ecb", "ECB"];
const EXPR_NEEDLES: &[&str] = &["ecb", "Ecb", "ECB", "chunks"];

/// Block-cipher primitives that encrypt one block.
const BLOCK_METHODS: &[&str] = &[
    "encrypt_block",
    "decrypt_block",
    "encrypt_block_mut",
    "decrypt_block_mut",
    "encrypt_block_inout",
    "decrypt_block_inout",
    "encrypt_block_b2b",
    "decrypt_block_b2b",
];

impl Rule for EcbMode {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Item]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test()
            || !matches!(
                expr,
                syn::Expr::Path(_) | syn::Expr::ForLoop(_) | syn::Expr::MethodCall(_)
            )
            || !cx.enabled(&Self::META)
            || !cx.file_mentions(EXPR_NEEDLES)
        {
            return;
        }
        match expr {
            syn::Expr::Path(p) => {
                let segs = cx.uses.resolve(&p.path);
                if let Some(i) = ecb_segment(&segs) {
                    let offset = segs.len().saturating_sub(p.path.segments.len());
                    let span = p
                        .path
                        .segments
                        .get(i.saturating_sub(offset))
                        .map_or_else(|| p.span(), |s| s.ident.span());
                    let n = segs.len();
                    let shown = if i + 1 == n {
                        segs[i.saturating_sub(1)..].join("::")
                    } else {
                        segs[i..(i + 2).min(n)].join("::")
                    };
                    report(cx, span, &format!("`{shown}` selects ECB mode"));
                    return;
                }
                for seg in &p.path.segments {
                    if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                        for arg in &a.args {
                            if let syn::GenericArgument::Type(ty) = arg {
                                check_type(cx, ty);
                            }
                        }
                    }
                }
            }
            syn::Expr::ForLoop(f) => {
                // `for chunk in data.chunks_mut(16) { cipher.encrypt_block(chunk.into()) }`
                if let syn::Pat::Ident(pi) = &*f.pat
                    && iterates_chunks(&f.expr)
                    && let Some(span) = per_block_call(&f.body, &pi.ident)
                {
                    report(cx, span, "each block is encrypted on its own (ECB mode)");
                }
            }
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "for_each" | "map" | "try_for_each"
                ) && iterates_chunks(&m.receiver) =>
            {
                // `data.chunks_mut(16).for_each(|c| cipher.encrypt_block(c.into()))`
                if let Some(syn::Expr::Closure(c)) = m.args.first().map(paths::peel)
                    && let Some(syn::Pat::Ident(pi)) = c.inputs.first()
                {
                    let body = syn::Block {
                        brace_token: syn::token::Brace::default(),
                        stmts: vec![syn::Stmt::Expr((*c.body).clone(), None)],
                    };
                    if let Some(span) = per_block_call(&body, &pi.ident) {
                        report(cx, span, "each block is encrypted on its own (ECB mode)");
                    }
                }
            }
            _ => {}
        }
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.file_mentions(ECB_NEEDLES) {
            return;
        }
        match item {
            ItemRef::Item(syn::Item::Type(t)) => check_type(cx, &t.ty),
            ItemRef::Impl(syn::ImplItem::Type(t)) => check_type(cx, &t.ty),
            ItemRef::Item(syn::Item::Struct(s)) => {
                for f in &s.fields {
                    check_type(cx, &f.ty);
                }
            }
            _ => {}
        }
    }
}

fn report(cx: &mut Cx<'_>, span: Span, msg: &str) {
    cx.report(&EcbMode::META, span, msg.to_string()).help(HELP);
}

fn shown(segs: &[String]) -> String {
    segs[segs.len().saturating_sub(2)..].join("::")
}

/// The index of the segment that selects ECB: the `ecb` crate, an `Ecb`/`ECB` type or
/// variant, a `*_ecb` cipher constructor (`Cipher::aes_128_ecb`).
fn ecb_segment(segs: &[String]) -> Option<usize> {
    let n = segs.len();
    segs.iter().enumerate().find_map(|(i, s)| {
        let hit = match s.as_str() {
            "ecb" => i + 1 < n,
            "Ecb" | "ECB" | "EcbEncryptor" | "EcbDecryptor" => true,
            other => {
                i + 1 == n
                    && (n >= 2 || other.starts_with("aes") || other.starts_with("des"))
                    && other.ends_with("_ecb")
            }
        };
        hit.then_some(i)
    })
}

/// `ecb::Encryptor<Aes128>`, `Ecb<Aes128, Pkcs7>` in a type alias or field.
fn check_type(cx: &mut Cx<'_>, ty: &syn::Type) {
    struct Finder<'u> {
        uses: &'u UseMap,
        found: Vec<(Span, String)>,
        nodes: usize,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
            self.nodes += 1;
            if self.nodes > 256 {
                return;
            }
            let segs = self.uses.resolve(&tp.path);
            if ecb_segment(&segs).is_some() {
                self.found.push((tp.span(), shown(&segs)));
                return;
            }
            syn::visit::visit_type_path(self, tp);
        }
    }
    let mut f = Finder {
        uses: &cx.uses,
        found: Vec::new(),
        nodes: 0,
    };
    f.visit_type(ty);
    for (span, name) in f.found {
        report(cx, span, &format!("`{name}` is ECB mode"));
    }
}

/// The iterated expression splits a buffer into blocks: `.chunks(16)`, `.chunks_exact_mut(16)`.
fn iterates_chunks(expr: &syn::Expr) -> bool {
    let mut e = expr;
    for _ in 0..8 {
        match paths::peel(e) {
            syn::Expr::MethodCall(m) => {
                if m.method.to_string().starts_with("chunks") {
                    return true;
                }
                e = &m.receiver;
            }
            _ => return false,
        }
    }
    false
}

/// A block-cipher call on the loop's chunk (or a `let` made from it) with no chaining in the
/// body: the span of the method name.
fn per_block_call(body: &syn::Block, chunk: &syn::Ident) -> Option<Span> {
    let mut derived: HashSet<String> = HashSet::from([chunk.to_string()]);
    for b in fnbody::bindings(body) {
        if b.init.is_some_and(|i| mentions_any(i, &derived)) {
            derived.insert(b.ident.to_string());
        }
    }
    let mut chained = false;
    let mut call = None;
    fnbody::any_in_block(body, &mut |e| {
        match e {
            syn::Expr::Binary(b)
                if matches!(b.op, syn::BinOp::BitXor(_) | syn::BinOp::BitXorAssign(_)) =>
            {
                chained = true;
            }
            syn::Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if name.contains("xor") {
                    chained = true;
                }
                if call.is_none()
                    && BLOCK_METHODS.contains(&name.as_str())
                    && m.args.iter().any(|a| mentions_any(a, &derived))
                {
                    call = Some(m.method.span());
                }
            }
            _ => {}
        }
        false
    });
    if chained { None } else { call }
}

/// Whether `expr` mentions one of `names` (one walk, whatever the number of names).
fn mentions_any(expr: &syn::Expr, names: &HashSet<String>) -> bool {
    fnbody::any_in_expr(expr, &mut |e| {
        fnbody::plain_name(e).is_some_and(|n| names.contains(&n))
    })
}
