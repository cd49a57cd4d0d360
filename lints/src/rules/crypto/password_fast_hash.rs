use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::fnbody;
use crate::analysis::paths::{self, UseMap};
use crate::analysis::{macros, vocab::Vocab};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a password-named value fed to a fast hash: SHA-2, SHA-3, BLAKE2/3, MD5, SHA-1,
    /// `DefaultHasher` and other non-cryptographic hashers, through `Sha256::digest(..)`,
    /// `blake3::hash(..)`, `md5::compute(..)`, `openssl::sha::sha256(..)`,
    /// `ring::digest::digest(..)`, or `.update(..)`/`.chain_update(..)` on a hasher made in the
    /// same function (`let mut h = Sha256::new(); h.update(password)`), including when the
    /// password is mixed with a salt in `format!` or `concat`.
    ///
    /// ### Why is this bad?
    /// A GPU computes billions of SHA-256 hashes a second, so a leaked table of fast password
    /// hashes (salted or not) is cracked for all but the strongest passwords (CWE-916).
    /// Password hashes must come from a deliberately slow, salted KDF. Assistants write
    /// `sha256(salt + password)` because it looks like hashing.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use sha2::{Digest, Sha256};
    ///
    /// fn store(user: &str, password: &str) -> Vec<u8> {
    ///     let mut hasher = Sha256::new();
    ///     hasher.update(password.as_bytes());
    ///     hasher.finalize().to_vec()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    /// use argon2::Argon2;
    ///
    /// fn store(user: &str, password: &str) -> Result<String, argon2::password_hash::Error> {
    ///     let salt = SaltString::generate(&mut OsRng);
    ///     Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-916: Use of Password Hash With Insufficient Computational Effort
    /// - CWE-759: Use of a One-Way Hash without a Salt
    /// - OWASP Password Storage Cheat Sheet
    pub struct PasswordFastHash;
    name = "password_fast_hash",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 916,
    summary = "password hashed with a fast hash instead of a password KDF",
}

const HELP: &str = "hash passwords with a slow, salted KDF: `argon2::Argon2::default().hash_password(..)`, `bcrypt::hash`, `scrypt`, or `pbkdf2` with at least 600 000 iterations";

/// Methods that feed data to a hasher.
const FEED_METHODS: &[&str] = &[
    "update",
    "chain_update",
    "chain",
    "input",
    "input_str",
    "write",
    "write_str",
    "digest_update",
];

/// Every finding needs a fast hash named by a path of the function (`hashing_call`, or
/// `hasher_ctor` directly or in a `let` of the function): a segment from `fast_hash_in`,
/// `sha::sha*`, `digest::digest`, `hash::hash`, or an algorithm argument (`SHA*`, `BLAKE*`,
/// `MD5*`, `MessageDigest::*`). Resolved segments are in the function or its file's `use`s.
const PATH_NEEDLES: &[&str] = &[
    "Sha",
    "sha",
    "SHA",
    "Keccak",
    "Blake",
    "blake",
    "BLAKE",
    "Md5",
    "Md4",
    "md5",
    "md4",
    "MD5",
    "Ripemd",
    "ripemd",
    "Whirlpool",
    "Sm3",
    "Hasher",
    "XxHash",
    "Xxh3",
    "xxhash",
    "hash",
    "digest",
    "MessageDigest",
];

impl Rule for PasswordFastHash {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) || !cx.fn_mentions_path(f, PATH_NEEDLES) {
            return;
        }
        // The first hasher constructor bound to each name.
        let mut hashers: HashMap<String, String> = HashMap::new();
        for b in fnbody::bindings(f.block) {
            if let Some(algo) = b.init.and_then(|i| hasher_ctor(root_of_chain(i), &cx.uses)) {
                hashers.entry(b.ident.to_string()).or_insert(algo);
            }
        }
        let hasher_of = |e: &syn::Expr| hashers.get(&fnbody::plain_name(e)?).cloned();
        let vocab = cx.vocab();
        let uses = &cx.uses;
        let mut found: Vec<(Span, String, String)> = Vec::new();
        fnbody::for_each_in_block(f.block, &mut |e| match e {
            syn::Expr::Call(c) => {
                let syn::Expr::Path(p) = paths::peel(&c.func) else {
                    return;
                };
                let segs = uses.resolve(&p.path);
                let Some(algo) = hashing_call(&segs, c.args.iter(), uses) else {
                    return;
                };
                for a in &c.args {
                    if let Some((span, name)) = password_in(a, vocab, 0) {
                        found.push((span, name, algo.clone()));
                    }
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if FEED_METHODS.contains(&method.as_str()) {
                    // `Sha256::new().chain_update(pw)` or `h.update(pw)` with `let h = Sha256::new()`.
                    let root = root_of_chain(&m.receiver);
                    let algo = hasher_ctor(root, uses).or_else(|| hasher_of(root));
                    if let Some(algo) = algo {
                        for a in &m.args {
                            if let Some((span, name)) = password_in(a, vocab, 0) {
                                found.push((span, name, algo.clone()));
                            }
                        }
                    }
                } else if method == "hash" && m.args.len() == 1 {
                    // `password.hash(&mut hasher)` (std::hash::Hash into a DefaultHasher).
                    let algo = hasher_of(&m.args[0]);
                    if let (Some(algo), Some((span, name))) =
                        (algo, password_in(&m.receiver, vocab, 0))
                    {
                        found.push((span, name, algo));
                    }
                }
            }
            _ => {}
        });
        for (span, name, algo) in found {
            cx.report(
                &Self::META,
                span,
                format!("password `{name}` is hashed with `{algo}`, a fast hash"),
            )
            .help(HELP);
        }
    }
}

/// Through `.chain_update(..)`/`.update(..)` chains to the expression that made the hasher.
fn root_of_chain(mut expr: &syn::Expr) -> &syn::Expr {
    for _ in 0..16 {
        match paths::peel(expr) {
            syn::Expr::MethodCall(m) if FEED_METHODS.contains(&m.method.to_string().as_str()) => {
                expr = &m.receiver;
            }
            other => return other,
        }
    }
    expr
}

/// A call that makes a fast hasher: `Sha256::new()`, `blake3::Hasher::new()`,
/// `DefaultHasher::new()`, `ring::digest::Context::new(&SHA256)`,
/// `openssl::hash::Hasher::new(MessageDigest::sha256())`.
fn hasher_ctor(expr: &syn::Expr, uses: &UseMap) -> Option<String> {
    let syn::Expr::Call(c) = expr else {
        return None;
    };
    let syn::Expr::Path(p) = paths::peel(&c.func) else {
        return None;
    };
    let segs = uses.resolve(&p.path);
    let last = segs.last()?.as_str();
    if !matches!(
        last,
        "new" | "default" | "new_with_prefix" | "new_keyed" | "new_derive_key"
    ) {
        return None;
    }
    if let Some(algo) = fast_hash_in(&segs[..segs.len() - 1]) {
        return Some(algo);
    }
    // `Context::new(&digest::SHA256)`, `Hasher::new(MessageDigest::sha256())`
    c.args.iter().find_map(|a| algorithm_arg(a, uses))
}

/// A call that hashes its arguments in one go: `Sha256::digest(..)`, `blake3::hash(..)`,
/// `md5::compute(..)`, `openssl::sha::sha256(..)`, `ring::digest::digest(&SHA256, ..)`,
/// `openssl::hash::hash(MessageDigest::sha256(), ..)`.
fn hashing_call<'a>(
    segs: &[String],
    mut args: impl Iterator<Item = &'a syn::Expr>,
    uses: &UseMap,
) -> Option<String> {
    let last = segs.last()?.as_str();
    if matches!(last, "new" | "default" | "new_from_slice" | "new_varkey") {
        return None;
    }
    if let Some(algo) = fast_hash_in(segs) {
        return Some(algo);
    }
    if paths::ends_with(segs, &["sha", "sha256"])
        || paths::ends_with(segs, &["sha", "sha512"])
        || paths::ends_with(segs, &["sha", "sha384"])
        || paths::ends_with(segs, &["sha", "sha224"])
        || paths::ends_with(segs, &["sha", "sha1"])
    {
        return Some(last.to_string());
    }
    if paths::ends_with(segs, &["digest", "digest"]) || paths::ends_with(segs, &["hash", "hash"]) {
        return args.find_map(|a| algorithm_arg(a, uses));
    }
    None
}

/// `&digest::SHA256`, `MessageDigest::sha256()`: an algorithm chosen by value.
fn algorithm_arg(arg: &syn::Expr, uses: &UseMap) -> Option<String> {
    match paths::peel(arg) {
        syn::Expr::Path(p) => {
            let segs = uses.resolve(&p.path);
            let last = segs.last()?;
            (last.starts_with("SHA") || last.starts_with("BLAKE") || last.starts_with("MD5"))
                .then(|| last.clone())
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            let segs = uses.resolve(&p.path);
            (segs.len() >= 2 && segs[segs.len() - 2] == "MessageDigest")
                .then(|| format!("MessageDigest::{}", segs[segs.len() - 1]))
        }
        _ => None,
    }
}

/// The fast hash a path names, if any: a hasher type (`Sha256`, `Blake2b512`,
/// `DefaultHasher`) or crate (`sha2`, `blake3`, `md5`).
fn fast_hash_in(segs: &[String]) -> Option<String> {
    // The type (`Sha256`) names the algorithm better than the crate (`sha2`).
    segs.iter().rev().find_map(|s| {
        let fast = matches!(
            s.as_str(),
            "Sha224"
                | "Sha256"
                | "Sha384"
                | "Sha512"
                | "Sha512_224"
                | "Sha512_256"
                | "Sha3_224"
                | "Sha3_256"
                | "Sha3_384"
                | "Sha3_512"
                | "Keccak224"
                | "Keccak256"
                | "Keccak384"
                | "Keccak512"
                | "Blake2b"
                | "Blake2s"
                | "Blake2b512"
                | "Blake2s256"
                | "Blake2bVar"
                | "Blake2sVar"
                | "Md5"
                | "Md4"
                | "Sha1"
                | "Ripemd160"
                | "Whirlpool"
                | "Sm3"
                | "DefaultHasher"
                | "SipHasher"
                | "SipHasher13"
                | "SipHasher24"
                | "FxHasher"
                | "AHasher"
                | "XxHash64"
                | "Xxh3"
                | "sha2"
                | "sha3"
                | "blake2"
                | "blake3"
                | "md5"
                | "md4"
                | "sha1"
                | "sha1_smol"
                | "sha256"
                | "ripemd"
                | "xxhash_rust"
                | "twox_hash"
                | "seahash"
                | "fxhash"
        );
        fast.then(|| s.clone())
    })
}

/// A password-named value inside a hashed argument: `password`, `pw.as_bytes()`,
/// `format!("{salt}{password}")`, `[salt, password].concat()`, `salt + &password`. Not a
/// password passed through another call first (`kdf(password)`).
fn password_in(expr: &syn::Expr, vocab: &Vocab, depth: usize) -> Option<(Span, String)> {
    if depth > 8 {
        return None;
    }
    let e = paths::peel(expr);
    if let Some(name) = paths::expr_name(e)
        && vocab.is_plain_password_name(&name)
    {
        return Some((e.span(), name));
    }
    match e {
        syn::Expr::Macro(m) if macros::is_format_macro(&macros::macro_name(&m.mac)) => {
            let fa = macros::parse_format_args(&m.mac);
            if let Some(name) = fa.inline.iter().find(|n| vocab.is_plain_password_name(n)) {
                return Some((m.span(), name.clone()));
            }
            fa.args
                .iter()
                .find_map(|a| password_in(a, vocab, depth + 1))
        }
        syn::Expr::Array(a) => a
            .elems
            .iter()
            .find_map(|x| password_in(x, vocab, depth + 1)),
        syn::Expr::Tuple(t) => t
            .elems
            .iter()
            .find_map(|x| password_in(x, vocab, depth + 1)),
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
            password_in(&b.left, vocab, depth + 1)
                .or_else(|| password_in(&b.right, vocab, depth + 1))
        }
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "concat" | "join" | "chain" | "to_vec" | "as_bytes" | "as_str"
            ) =>
        {
            password_in(&m.receiver, vocab, depth + 1)
        }
        _ => None,
    }
}
