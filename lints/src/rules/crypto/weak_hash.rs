use proc_macro2::Span;
use syn::visit::Visit;

use crate::analysis::paths::UseMap;
use crate::cx::Cx;
use crate::fnlike::ItemRef;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags uses of MD5, SHA-1, MD4 and MD2: `md5::compute`, `Md5::new()`, `Md5::digest`,
    /// `Sha1::new()`, `sha1::Sha1`, `Sha1::digest`, `md4`, `Hmac<Md5>`/`Hmac<Sha1>`,
    /// `openssl::hash::MessageDigest::md5()`/`sha1()`, `ring::digest::SHA1_FOR_LEGACY_USE_ONLY`,
    /// whether the path is fully qualified, imported or renamed with `use .. as ..`.
    ///
    /// ### Why is this bad?
    /// MD5 and SHA-1 have practical collision attacks (CWE-328): two different inputs with the
    /// same digest can be made on a laptop (MD5) or a rented cluster (SHA-1, "SHAttered"). A
    /// signature, certificate, integrity check or deduplication key built on them can be
    /// forged. Assistants reach for them because old tutorials do.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use sha1::{Digest, Sha1};
    ///
    /// fn fingerprint(data: &[u8]) -> Vec<u8> {
    ///     Sha1::digest(data).to_vec()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use sha2::{Digest, Sha256};
    ///
    /// fn fingerprint(data: &[u8]) -> Vec<u8> {
    ///     Sha256::digest(data).to_vec()
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-328: Use of Weak Hash
    /// - semgrep: `rust.lang.security.insecure-hashes.insecure-hashes`
    pub struct WeakHash;
    name = "weak_hash",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 328,
    summary = "use of MD5, SHA-1, MD4 or MD2 as a hash",
}

const HELP: &str = "use SHA-256 or better (`sha2::Sha256`, `blake3`); for passwords use a KDF such as argon2; if the digest protects nothing (a cache key, a legacy protocol), allow the rule here with a reason";

/// Every finding is a path whose resolved segments name a weak hash (`algo_of`): written in
/// the file, or in the `use` renaming it.
const NEEDLES: &[&str] = &[
    "Md5", "md5", "MD5", "Md4", "md4", "MD4", "Md2", "md2", "MD2", "Sha1", "sha1", "SHA1",
];

impl Rule for WeakHash {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr, NodeKind::Item, NodeKind::Local]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_test()
            || !matches!(expr, syn::Expr::Path(_) | syn::Expr::MethodCall(_))
            || !cx.enabled(&Self::META)
            || !cx.file_mentions(NEEDLES)
        {
            return;
        }
        match expr {
            syn::Expr::Path(p) => {
                if let Some(q) = &p.qself {
                    // `<Sha1 as Digest>::digest(..)`
                    check_type(cx, &q.ty, true);
                }
                let segs = cx.uses.resolve_all(&p.path);
                if let Some((i, algo)) = weak_segment(&segs) {
                    let offset = segs.len().saturating_sub(p.path.segments.len());
                    let orig = i.saturating_sub(offset);
                    let span = p
                        .path
                        .segments
                        .get(orig)
                        .map_or_else(Span::call_site, |s| s.ident.span());
                    report(cx, span, &p.path, algo);
                    return;
                }
                for seg in &p.path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                        check_generic_args(cx, args);
                    }
                }
            }
            syn::Expr::MethodCall(m) => {
                if let Some(t) = &m.turbofish {
                    check_generic_args(cx, t);
                }
            }
            _ => {}
        }
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.file_mentions(NEEDLES) {
            return;
        }
        // Types in signatures and definitions: only a weak hash as a generic argument
        // (`Hmac<Sha1>`); a bare `Sha1` field is flagged where it is constructed.
        match item {
            ItemRef::Item(syn::Item::Type(t)) => check_type(cx, &t.ty, false),
            ItemRef::Item(syn::Item::Struct(s)) => {
                for f in &s.fields {
                    check_type(cx, &f.ty, false);
                }
            }
            ItemRef::Item(syn::Item::Fn(f)) => check_sig(cx, &f.sig),
            ItemRef::Impl(syn::ImplItem::Fn(f)) => check_sig(cx, &f.sig),
            ItemRef::Impl(syn::ImplItem::Type(t)) => check_type(cx, &t.ty, false),
            _ => {}
        }
    }

    fn check_local(&self, cx: &mut Cx<'_>, local: &syn::Local) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.file_mentions(NEEDLES) {
            return;
        }
        if let syn::Pat::Type(t) = &local.pat {
            check_type(cx, &t.ty, false);
        }
    }
}

fn check_sig(cx: &mut Cx<'_>, sig: &syn::Signature) {
    for input in &sig.inputs {
        if let syn::FnArg::Typed(t) = input {
            check_type(cx, &t.ty, false);
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        check_type(cx, ty, false);
    }
}

fn check_generic_args(cx: &mut Cx<'_>, args: &syn::AngleBracketedGenericArguments) {
    for arg in &args.args {
        if let syn::GenericArgument::Type(ty) = arg {
            check_type(cx, ty, true);
        }
    }
}

/// Reports weak hash types in `ty`: everywhere when `bare_ok` (the type itself is a hash
/// choice, `Hmac::<Sha1>`), else only inside generic arguments (`Hmac<Sha1>`).
fn check_type(cx: &mut Cx<'_>, ty: &syn::Type, bare_ok: bool) {
    struct Finder<'u> {
        uses: &'u UseMap,
        found: Vec<(Span, syn::Path, &'static str)>,
        generic_depth: usize,
        bare_ok: bool,
        nodes: usize,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
            self.nodes += 1;
            if self.nodes > 256 {
                return;
            }
            if self.bare_ok || self.generic_depth > 0 {
                let segs = self.uses.resolve_all(&tp.path);
                if let Some(algo) = weak_type(&segs) {
                    let span = tp
                        .path
                        .segments
                        .last()
                        .map_or_else(Span::call_site, |s| s.ident.span());
                    self.found.push((span, tp.path.clone(), algo));
                    return;
                }
            }
            syn::visit::visit_type_path(self, tp);
        }
        fn visit_angle_bracketed_generic_arguments(
            &mut self,
            a: &'ast syn::AngleBracketedGenericArguments,
        ) {
            self.generic_depth += 1;
            syn::visit::visit_angle_bracketed_generic_arguments(self, a);
            self.generic_depth -= 1;
        }
    }
    let mut f = Finder {
        uses: &cx.uses,
        found: Vec::new(),
        generic_depth: 0,
        bare_ok,
        nodes: 0,
    };
    f.visit_type(ty);
    for (span, path, algo) in f.found {
        report(cx, span, &path, algo);
    }
}

fn report(cx: &mut Cx<'_>, span: Span, path: &syn::Path, algo: &str) {
    let shown = path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    cx.report(
        &WeakHash::META,
        span,
        format!("`{shown}` uses {algo}, a broken hash algorithm"),
    )
    .help(HELP);
}

/// The algorithm a weak-hash type/module name stands for.
fn algo_of(name: &str) -> Option<&'static str> {
    match name {
        "Md5" | "Md5Core" | "md5" | "MD5" => Some("MD5"),
        "Md4" | "Md4Core" | "md4" | "MD4" => Some("MD4"),
        "Md2" | "Md2Core" | "md2" | "MD2" => Some("MD2"),
        "Sha1" | "Sha1Core" | "sha1" | "sha1_smol" | "SHA1" => Some("SHA-1"),
        _ => None,
    }
}

/// A type path naming a weak hash: `Sha1`, `sha1::Sha1`, `md5::Md5`, `Md5Core`.
fn weak_type(segs: &[String]) -> Option<&'static str> {
    let last = segs.last()?;
    if matches!(
        last.as_str(),
        "Md5" | "Md4" | "Md2" | "Sha1" | "Md5Core" | "Sha1Core" | "Md4Core"
    ) {
        return algo_of(last);
    }
    weak_segment(segs).map(|(_, a)| a)
}

/// The first segment of an expression path that selects a weak hash, and the algorithm:
/// `Sha1::new`, `md5::compute`, `MessageDigest::md5`, `SHA1_FOR_LEGACY_USE_ONLY`.
fn weak_segment(segs: &[String]) -> Option<(usize, &'static str)> {
    let n = segs.len();
    for (i, seg) in segs.iter().enumerate() {
        let s = seg.as_str();
        if i + 1 < n {
            // A weak hash type or crate with something after it: `Sha1::new`, `md5::compute`.
            if matches!(
                s,
                "Md5"
                    | "Md4"
                    | "Md2"
                    | "Sha1"
                    | "Md5Core"
                    | "Sha1Core"
                    | "md5"
                    | "md4"
                    | "md2"
                    | "sha1"
                    | "sha1_smol"
            ) {
                // `sha1::OUTPUT_LEN`, `md5::BLOCK_SIZE`: a size constant hashes nothing.
                let last = &segs[n - 1];
                let size_const = last.contains("LEN") || last.contains("SIZE");
                if size_const {
                    return None;
                }
                return algo_of(s).map(|a| (i, a));
            }
            continue;
        }
        if matches!(
            s,
            "SHA1_FOR_LEGACY_USE_ONLY" | "HMAC_SHA1_FOR_LEGACY_USE_ONLY"
        ) {
            return Some((i, "SHA-1"));
        }
        // `MessageDigest::md5()`, `Md::sha1()`, `openssl::sha::sha1(..)`, `digest::SHA1`.
        if n >= 2
            && matches!(s, "md5" | "sha1" | "md4" | "MD5" | "SHA1")
            && matches!(
                segs[n - 2].as_str(),
                "MessageDigest" | "Md" | "MdRef" | "sha" | "hash" | "digest" | "hmac"
            )
        {
            return algo_of(s).map(|a| (i, a));
        }
    }
    None
}
