use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::fnbody;
use crate::analysis::paths::{self, UseMap};
use crate::analysis::vocab::{Material, Vocab};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a token, secret, session id, CSRF token, nonce, salt, IV, key or one-time code
    /// produced from a non-cryptographic or predictable source: `SmallRng`, a seeded
    /// `StdRng::seed_from_u64`, `from_seed` with a literal, `fastrand`, `oorandom`,
    /// `rand_pcg`/`rand_xorshift`, `rand::rngs::mock`, `SystemTime::now()`/`Instant::now()`,
    /// the process id, or a counter (`fetch_add`); and `rand::random::<u32>()` (or `u16`,
    /// `u8`) used for a token or session id (too few bits). The value is followed through
    /// `let` bindings in the function: an RNG made in one statement and used in another, a
    /// timestamp formatted into a token, `rng.fill_bytes(&mut key)`, a struct field, or the
    /// return value of a `generate_token`-like function.
    ///
    /// ### Why is this bad?
    /// Non-cryptographic generators are predictable from a few outputs, and a seed from the
    /// clock or the pid can be brute-forced from the time the value was made (CWE-338). An
    /// attacker who can guess session ids, reset codes or nonces takes over accounts or
    /// breaks the encryption. A 32-bit token is found by enumeration.
    ///
    /// ### Example
    /// ```rust,ignore
    /// use rand::{rngs::SmallRng, Rng, SeedableRng};
    ///
    /// fn new_session() -> String {
    ///     let mut rng = SmallRng::from_entropy();
    ///     let session_id: u128 = rng.gen();
    ///     format!("{session_id:032x}")
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use rand::{rngs::OsRng, RngCore};
    ///
    /// fn new_session() -> String {
    ///     let mut session_id = [0u8; 32];
    ///     OsRng.fill_bytes(&mut session_id);
    ///     hex::encode(session_id)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator
    /// - CWE-330: Use of Insufficiently Random Values
    /// - semgrep: `rust.lang.security.insecure-random`
    pub struct InsecureRandom;
    name = "insecure_random",
    family = Crypto,
    ai = Deny,
    human = Warn,
    cwe = 338,
    summary = "secret, token or nonce from a predictable random source",
}

const HELP: &str = "generate secrets with a CSPRNG (`rand::rngs::OsRng`, `getrandom`) and at least 128 bits (e.g. `OsRng.fill_bytes(&mut [0u8; 32])`)";

/// Every finding is a predictable source written in the function (`weak_source`), directly or
/// in the initializer of one of its `let`s: a method (`fetch_*`, `gen::<u32>`, `random`), or a
/// path whose resolved segments hold one of the others (in the function or its `use`s).
const NEEDLES: &[&str] = &[
    "fetch_",
    "gen",
    "from_seed",
    "random",
    "SmallRng",
    "XorShiftRng",
    "Pcg",
    "Lcg64Xsh32",
    "Mcg128Xsl64",
    "Xoshiro",
    "Xoroshiro",
    "SplitMix64",
    "WyRand",
    "StepRng",
    "fastrand",
    "oorandom",
    "rand_",
    "turborand",
    "tinyrand",
    "seed_from_u64",
    "mock",
    "UNIX_EPOCH",
    "now",
    "process",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Prng,
    Time,
    Pid,
    Counter,
    LowEntropy,
}

/// A predictable source: what it is, where, and how to show it.
#[derive(Clone)]
struct Weak {
    source: Source,
    span: Span,
    text: String,
}

/// Where a weak value is used for a secret.
struct Hit {
    target: String,
    /// The mention of the source (or of the local holding it) in the target's value.
    span: Span,
    weak: Weak,
    /// The mention is a local holding the source, not the source itself.
    via_local: bool,
}

impl Rule for InsecureRandom {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if cx.in_test() || !cx.enabled(&Self::META) {
            return;
        }
        if !cx.fn_mentions_path(f, NEEDLES) {
            return;
        }
        let vocab = cx.vocab();
        let uses = &cx.uses;
        let mut hits: Vec<Hit> = Vec::new();
        // Locals holding a predictable value (`rng`, `ts`, `seed`), in source order. A local
        // that is itself a secret target is reported once and not followed further.
        let mut weak_locals: HashMap<String, Weak> = HashMap::new();
        for b in fnbody::bindings(f.block) {
            let Some(init) = b.init else {
                continue;
            };
            let Some((span, weak, via_local)) = find_weak(init, &weak_locals, uses) else {
                continue;
            };
            let target = b.ident.to_string();
            if targets(vocab, &target, weak.source) && !has_csprng(init, uses, weak.source) {
                hits.push(Hit {
                    target,
                    span,
                    weak,
                    via_local,
                });
            } else if vocab.material_kind(&target).is_none() {
                weak_locals.insert(b.ident.to_string(), weak);
            }
        }
        fnbody::for_each_in_block(f.block, &mut |e| {
            other_targets(e, vocab, uses, &weak_locals, &mut hits);
        });
        // `fn generate_token() -> String { .. }`: the returned value (a struct literal's
        // fields are targets of their own).
        let name = f.name();
        if let Some(syn::Stmt::Expr(tail, None)) = f.block.stmts.last()
            && !matches!(tail, syn::Expr::Struct(_))
            && vocab.material_kind(&name).is_some()
            && let Some((span, weak, via_local)) = find_weak(tail, &weak_locals, uses)
            && targets(vocab, &name, weak.source)
            && !has_csprng(tail, uses, weak.source)
        {
            hits.push(Hit {
                target: name,
                span,
                weak,
                via_local,
            });
        }
        for h in hits {
            let what = match h.weak.source {
                Source::Prng => format!("a non-cryptographic RNG (`{}`)", h.weak.text),
                Source::Time => format!("the clock (`{}`)", h.weak.text),
                Source::Pid => "the process id".to_string(),
                Source::Counter => format!("a counter (`{}`)", h.weak.text),
                Source::LowEntropy => {
                    format!("`{}`, which has too few bits for a secret", h.weak.text)
                }
            };
            let mut r = cx.report(
                &Self::META,
                h.span,
                format!(
                    "`{}` is generated from {what}, which is predictable",
                    h.target
                ),
            );
            if h.via_local {
                r = r.label(h.weak.span, "the predictable source");
            }
            r.help(HELP);
        }
    }
}

/// Assignments, struct fields and `rng.fill_bytes(&mut key)`.
fn other_targets(
    e: &syn::Expr,
    vocab: &Vocab,
    uses: &UseMap,
    weak_locals: &HashMap<String, Weak>,
    hits: &mut Vec<Hit>,
) {
    let check = |target: String, value: &syn::Expr, hits: &mut Vec<Hit>| {
        if let Some((span, weak, via_local)) = find_weak(value, weak_locals, uses)
            && targets(vocab, &target, weak.source)
            && !has_csprng(value, uses, weak.source)
        {
            hits.push(Hit {
                target,
                span,
                weak,
                via_local,
            });
        }
    };
    match e {
        syn::Expr::Assign(a) => {
            if let Some(name) = paths::expr_name(&a.left) {
                check(name, &a.right, hits);
            }
        }
        syn::Expr::Struct(s) => {
            for field in &s.fields {
                if let (syn::Member::Named(ident), Some(_)) = (&field.member, field.colon_token) {
                    check(ident.to_string(), &field.expr, hits);
                }
            }
        }
        syn::Expr::MethodCall(m)
            if m.args.len() == 1
                && matches!(
                    m.method.to_string().as_str(),
                    "fill_bytes" | "fill" | "try_fill_bytes" | "try_fill"
                ) =>
        {
            if let Some(name) = paths::expr_name(&m.args[0])
                && let Some((_, weak, _)) = find_weak(&m.receiver, weak_locals, uses)
                && weak.source == Source::Prng
                && targets(vocab, &name, weak.source)
            {
                hits.push(Hit {
                    target: name,
                    span: m.method.span(),
                    weak,
                    via_local: true,
                });
            }
        }
        _ => {}
    }
}

/// Whether a target named `name` must not come from `source`.
fn targets(vocab: &Vocab, name: &str, source: Source) -> bool {
    let rng = matches!(source, Source::Prng | Source::LowEntropy);
    match vocab.material_kind(name) {
        // A bare `token` from a counter or the clock is an event or lexer token (`mio::Token`).
        Some(Material::Secret) if vocab.is_weak_secret_name(name) => rng,
        Some(Material::Secret | Material::Session) => true,
        Some(Material::OneTime) => source != Source::LowEntropy,
        // `pin` is as often a CPU or GPIO pin, numbered by a counter.
        Some(Material::ShortCode) => !matches!(source, Source::LowEntropy | Source::Counter),
        // `cache_key`, `map_key`: only an RNG makes a key cryptographic.
        Some(Material::Key) => source == Source::Prng,
        None => false,
    }
}

/// The first predictable source in `expr` (directly, or through a weak local), with the
/// span of its mention in `expr` and whether that mention is a local.
fn find_weak(
    expr: &syn::Expr,
    locals: &HashMap<String, Weak>,
    uses: &UseMap,
) -> Option<(Span, Weak, bool)> {
    let mut found = None;
    fnbody::any_in_expr(expr, &mut |e| {
        if let Some(w) = weak_source(e, uses) {
            found = Some((w.span, w, false));
            return true;
        }
        if matches!(e, syn::Expr::Path(_))
            && !locals.is_empty()
            && let Some(w) = fnbody::plain_name(e).and_then(|n| locals.get(&n))
        {
            found = Some((e.span(), w.clone(), true));
            return true;
        }
        false
    });
    found
}

/// A predictable source at this node.
fn weak_source(e: &syn::Expr, uses: &UseMap) -> Option<Weak> {
    let weak = |source, span: Span, text: String| Some(Weak { source, span, text });
    match e {
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return None;
            };
            let segs = uses.resolve(&p.path);
            let last = segs.last()?.as_str();
            // `StdRng::from_seed([0; 32])`, `ChaCha20Rng::from_seed(*b"..")`
            if last == "from_seed" && c.args.first().is_some_and(is_literal_seed) {
                return weak(Source::Prng, c.span(), shown(&segs));
            }
            // `rand::random::<u32>()`
            if last == "random"
                && let Some(syn::PathArguments::AngleBracketed(a)) =
                    p.path.segments.last().map(|s| &s.arguments)
                && is_small_int(a)
            {
                return weak(
                    Source::LowEntropy,
                    c.span(),
                    format!("{}::<{}>()", shown(&segs), quote_args(a)),
                );
            }
            path_source(&segs).and_then(|s| weak(s, c.span(), shown(&segs)))
        }
        syn::Expr::Path(p) => {
            let segs = uses.resolve(&p.path);
            path_source(&segs).and_then(|s| weak(s, p.span(), shown(&segs)))
        }
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            if matches!(method.as_str(), "fetch_add" | "fetch_sub" | "fetch_update") {
                return weak(Source::Counter, m.method.span(), format!(".{method}(..)"));
            }
            if matches!(method.as_str(), "gen" | "random" | "r#gen")
                && let Some(t) = &m.turbofish
                && is_small_int(t)
            {
                return weak(
                    Source::LowEntropy,
                    m.span(),
                    format!(".{method}::<{}>()", quote_args(t)),
                );
            }
            None
        }
        _ => None,
    }
}

fn shown(segs: &[String]) -> String {
    let n = segs.len();
    segs[n.saturating_sub(2)..].join("::")
}

fn quote_args(a: &syn::AngleBracketedGenericArguments) -> String {
    quote::ToTokens::to_token_stream(&a.args).to_string()
}

/// `u8`/`u16`/`u32` (and signed): fewer bits than a secret needs.
fn is_small_int(a: &syn::AngleBracketedGenericArguments) -> bool {
    a.args.iter().any(|g| {
        matches!(g, syn::GenericArgument::Type(syn::Type::Path(t))
            if t.path.get_ident().is_some_and(|i| matches!(i.to_string().as_str(), "u8" | "u16" | "u32" | "i8" | "i16" | "i32")))
    })
}

/// A seed written in the source: `[0; 32]`, `[1, 2, ..]`, `*b".."`.
fn is_literal_seed(arg: &syn::Expr) -> bool {
    match paths::peel(arg) {
        syn::Expr::Lit(_) => true,
        syn::Expr::Repeat(r) => matches!(paths::peel(&r.expr), syn::Expr::Lit(_)),
        syn::Expr::Array(a) => a
            .elems
            .iter()
            .all(|e| matches!(paths::peel(e), syn::Expr::Lit(_))),
        _ => false,
    }
}

/// A path that is a predictable source: a non-cryptographic RNG type or crate, a seeded
/// constructor, the clock, the process id.
fn path_source(segs: &[String]) -> Option<Source> {
    let prng = segs.iter().any(|s| {
        matches!(
            s.as_str(),
            "SmallRng"
                | "XorShiftRng"
                | "Pcg32"
                | "Pcg64"
                | "Pcg64Mcg"
                | "Lcg64Xsh32"
                | "Mcg128Xsl64"
                | "Xoshiro256PlusPlus"
                | "Xoshiro256StarStar"
                | "Xoshiro128PlusPlus"
                | "Xoroshiro128PlusPlus"
                | "SplitMix64"
                | "WyRand"
                | "StepRng"
                | "fastrand"
                | "oorandom"
                | "rand_xorshift"
                | "rand_pcg"
                | "rand_xoshiro"
                | "turborand"
                | "tinyrand"
                | "seed_from_u64"
        )
    }) || paths::ends_with(segs, &["rngs", "mock"]);
    if prng {
        return Some(Source::Prng);
    }
    let time = segs.iter().any(|s| s == "UNIX_EPOCH")
        || paths::ends_with(segs, &["SystemTime", "now"])
        || paths::ends_with(segs, &["Instant", "now"])
        || paths::ends_with(segs, &["Utc", "now"])
        || paths::ends_with(segs, &["Local", "now"])
        || paths::ends_with(segs, &["OffsetDateTime", "now_utc"])
        || paths::ends_with(segs, &["OffsetDateTime", "now_local"]);
    if time {
        return Some(Source::Time);
    }
    if paths::ends_with(segs, &["process", "id"]) {
        return Some(Source::Pid);
    }
    None
}

/// A CSPRNG mixed into the value makes a timestamp or counter beside it harmless (not an RNG
/// that is itself weak).
fn has_csprng(expr: &syn::Expr, uses: &UseMap, source: Source) -> bool {
    if matches!(source, Source::Prng | Source::LowEntropy) {
        return false;
    }
    fnbody::any_in_expr(expr, &mut |e| {
        let segs = match e {
            syn::Expr::Path(p) => uses.resolve(&p.path),
            _ => return false,
        };
        segs.iter().any(|s| {
            matches!(
                s.as_str(),
                "thread_rng"
                    | "OsRng"
                    | "getrandom"
                    | "SystemRandom"
                    | "rand_bytes"
                    | "new_v4"
                    | "from_entropy"
                    | "from_os_rng"
            )
        }) || paths::ends_with(&segs, &["rand", "random"])
            || paths::ends_with(&segs, &["rand", "rng"])
    })
}
