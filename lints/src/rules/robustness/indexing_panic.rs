use std::collections::{HashMap, HashSet};

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::analysis::guards::{self, Facts};
use crate::analysis::locals::Locals;
use crate::analysis::{macros, paths};

use super::code;
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags indexing and slicing that panics when the index is out of range: `v[i]`,
    /// `buf[start..end]`, `s[..n]`, where the index is not an integer literal, a constant or
    /// the full range `..`, and no check in the function proves it in range. An index is
    /// in range when an enclosing condition or an earlier early exit says so
    /// (`if i < v.len()`, `if end > buf.len() { return Err(..) }`, `assert!(..)`), when a
    /// loop runs over the indices (`for i in 0..v.len()`, `v.iter().enumerate()`,
    /// `(0..v.len()).map(|i| ..)`), when it comes from a search of the same value
    /// (`s.find(':')`, `v.iter().position(..)`), or when it is clamped (`n.min(v.len())`,
    /// `i % v.len()`).
    ///
    /// Slicing a string (`&str`/`String` by its declared type, or a value used as one) is
    /// flagged even with a length check: a byte offset that is not at a character boundary
    /// panics as well. Offsets found in the string itself (`find`, `char_indices`) and
    /// strings checked with `starts_with`/`ends_with`/`is_ascii`/`is_char_boundary` are
    /// fine.
    ///
    /// Integer literal indexes (`parts[1]`, `buf[..4]` on non-strings) are not flagged, as
    /// RULES.md says; neither are string-literal keys (`json["name"]`): on
    /// `serde_json::Value` they return `Null` instead of panicking, and without types a map
    /// lookup by a literal key cannot be told apart. Map lookups by a variable key
    /// (`map[&key]`) are flagged.
    ///
    /// ### Why is this bad?
    /// An out-of-range index panics, and the index usually comes from input: a length field
    /// in a packet, a position in a request, a user-supplied count. AI assistants index
    /// directly where the check is easy to forget, and cut strings at byte offsets
    /// (`&name[..20]`) that fall inside a multi-byte character on the first non-ASCII input
    /// (CWE-129).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn header(packet: &[u8]) -> &[u8] {
    ///     let len = packet[0] as usize;
    ///     &packet[1..1 + len]
    /// }
    ///
    /// fn preview(title: &str) -> &str {
    ///     &title[..title.len().min(20)]
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn header(packet: &[u8]) -> Option<&[u8]> {
    ///     let len = *packet.first()? as usize;
    ///     packet.get(1..1 + len)
    /// }
    ///
    /// fn preview(title: &str) -> &str {
    ///     match title.char_indices().nth(20) {
    ///         Some((end, _)) => &title[..end],
    ///         None => title,
    ///     }
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-129: Improper Validation of Array Index
    /// - clippy: `indexing_slicing`, `string_slice`
    pub struct IndexingPanic;
    name = "indexing_panic",
    family = Robustness,
    ai = Warn,
    human = Allow,
    cwe = 129,
    summary = "indexing or slicing with an index not proven in range",
}

/// Every finding is an index expression (`a[i]`, `a[i..j]`) in the body.
const NEEDLES: &[&str] = &["["];

/// Nesting bound of the helper walks and of following `let` bindings.
const MAX_DEPTH: usize = 128;

/// Methods that view a value without changing its length: `s.as_bytes()` has `s.len()`.
fn is_view_method(method: &str) -> bool {
    matches!(
        method,
        "as_bytes"
            | "as_str"
            | "as_slice"
            | "as_mut_slice"
            | "as_ref"
            | "as_mut"
            | "iter"
            | "iter_mut"
            | "bytes"
            | "borrow"
            | "deref"
    )
}

/// Methods that only exist on strings (or whose use marks the receiver as one).
fn is_str_method(method: &str) -> bool {
    matches!(
        method,
        "chars"
            | "char_indices"
            | "lines"
            | "split_whitespace"
            | "trim"
            | "trim_start"
            | "trim_end"
            | "to_lowercase"
            | "to_uppercase"
            | "push_str"
            | "as_str"
            | "parse"
    )
}

/// Methods returning a `String`/`&str`.
fn returns_str(method: &str) -> bool {
    matches!(
        method,
        "to_string"
            | "trim"
            | "trim_start"
            | "trim_end"
            | "trim_matches"
            | "trim_start_matches"
            | "trim_end_matches"
            | "to_lowercase"
            | "to_uppercase"
            | "to_ascii_lowercase"
            | "to_ascii_uppercase"
            | "as_str"
            | "to_string_lossy"
            | "from_utf8_lossy"
            | "repeat"
    )
}

/// Checks of a string that make its byte offsets safe to cut at, by the code's own logic.
fn is_boundary_check(method: &str) -> bool {
    matches!(
        method,
        "starts_with"
            | "ends_with"
            | "strip_prefix"
            | "strip_suffix"
            | "is_ascii"
            | "is_char_boundary"
            | "char_indices"
            | "match_indices"
            | "rmatch_indices"
            | "floor_char_boundary"
            | "ceil_char_boundary"
    )
}

fn is_str_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => is_str_type(&r.elem),
        syn::Type::Paren(p) => is_str_type(&p.elem),
        syn::Type::Group(g) => is_str_type(&g.elem),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            s.ident == "str"
                || s.ident == "String"
                || (s.ident == "Cow"
                    && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a)
                        if a.args.iter().any(|g| matches!(g, syn::GenericArgument::Type(t) if is_str_type(t)))))
        }),
        _ => false,
    }
}

fn int_lit(e: &syn::Expr) -> Option<u128> {
    match paths::peel(e) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

/// A constant-like path: `MAX`, `Self::HEADER_LEN`, `consts::N`.
fn is_const_path(e: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = paths::peel(e) else {
        return false;
    };
    p.path.segments.last().is_some_and(|s| {
        let name = s.ident.to_string();
        name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

/// An integer literal or a constant, through casts: `4`, `MAX`, `Reg::A as usize`.
fn is_constant(e: &syn::Expr) -> bool {
    match paths::peel(e) {
        syn::Expr::Cast(c) => {
            is_constant(&c.expr)
                || matches!(paths::peel(&c.expr), syn::Expr::Path(_)) && is_enum_variant(&c.expr)
        }
        other => int_lit(other).is_some() || is_const_path(other),
    }
}

/// `Kind::Variant` (two segments, both capitalized): an enum discriminant.
fn is_enum_variant(e: &syn::Expr) -> bool {
    let syn::Expr::Path(p) = paths::peel(e) else {
        return false;
    };
    p.path.segments.len() >= 2
        && p.path.segments.iter().rev().take(2).all(|s| {
            s.ident
                .to_string()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase())
        })
}

/// The text of the value a view or reference stands for: `&self.buf` and
/// `self.buf.as_slice()` → `self.buf`.
fn base_text(e: &syn::Expr) -> String {
    let mut e = paths::peel(e);
    while let syn::Expr::MethodCall(m) = e
        && m.args.is_empty()
        && is_view_method(&m.method.to_string())
    {
        e = paths::peel(&m.receiver);
    }
    guards::text(e)
}

/// An offset known to lie in a value: it comes from searching that value.
#[derive(Clone, Debug)]
struct Position {
    /// Base text of the searched value.
    base: String,
    /// Byte length of the searched-for literal (0 when unknown).
    pat_len: usize,
    /// Text of the searched-for expression, for `pos + pat.len()`.
    pat_text: Option<String>,
    /// `pos < len` (a match start), rather than `pos <= len` (`.unwrap_or(s.len())`).
    strict: bool,
}

/// What the function says about its values, flow-insensitively.
#[derive(Default)]
struct Env<'a> {
    /// Names and texts known to be strings.
    strs: HashSet<String>,
    /// `let n = v.len();`: `n` → `v.len()`.
    len_aliases: HashMap<String, String>,
    /// `len_aliases` reversed: `v.len()` → `[n]`.
    alias_names: HashMap<String, Vec<String>>,
    /// Offsets from searches: `let i = s.find(':')?` → `i` in `s`.
    positions: HashMap<String, Vec<Position>>,
    /// Strings whose offsets the code checks (`starts_with`, `is_char_boundary`, ..).
    boundary_checked: HashSet<String>,
    /// The function's parameter names.
    params: HashSet<String>,
    locals: Locals<'a>,
}

/// The search an expression ends in, if any: `s.find(':')?`, `v.iter().position(..)`,
/// `s.rfind('/').unwrap_or(0)`. Returns the position and whether the value is unwrapped.
fn search_of(e: &syn::Expr) -> Option<(Position, bool)> {
    match paths::peel(e) {
        syn::Expr::Try(t) => search_of(&t.expr).map(|(p, _)| (p, true)),
        syn::Expr::Await(a) => search_of(&a.base),
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "unwrap" | "expect" => search_of(&m.receiver).map(|(p, _)| (p, true)),
                "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" => {
                    let (mut p, _) = search_of(&m.receiver)?;
                    let default_ok = match m.args.first() {
                        None => true,
                        Some(default) => {
                            let value = match paths::peel(default) {
                                syn::Expr::Closure(closure) => &*closure.body,
                                other => other,
                            };
                            int_lit(value) == Some(0)
                                || guards::norm_len_text(&guards::text(value))
                                    == format!("{}.len()", p.base)
                        }
                    };
                    if !default_ok {
                        return None;
                    }
                    p.strict = false;
                    Some((p, true))
                }
                "find" | "rfind" if m.args.len() == 1 => {
                    let arg = paths::peel(&m.args[0]);
                    let pat_len = match arg {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(lit),
                            ..
                        }) => lit.value().len(),
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Char(lit),
                            ..
                        }) => lit.value().len_utf8(),
                        _ => 0,
                    };
                    // `it.find(|x| ..)` on an iterator returns an item, not a position.
                    if matches!(arg, syn::Expr::Closure(_))
                        && matches!(paths::peel(&m.receiver), syn::Expr::MethodCall(r) if r.method == "iter" || r.method == "chars" || r.method == "bytes")
                    {
                        return None;
                    }
                    Some((
                        Position {
                            base: base_text(&m.receiver),
                            pat_len,
                            pat_text: Some(guards::text(arg)),
                            strict: true,
                        },
                        false,
                    ))
                }
                // `let n = stream.read(&mut buf)?`: at most `buf.len()` bytes.
                "read" | "try_read" | "read_at" | "recv" | "try_recv" | "peek" | "recv_from"
                | "peek_from" | "read_buf"
                    if matches!(m.args.first(), Some(syn::Expr::Reference(r)) if r.mutability.is_some()) =>
                {
                    let buf = m.args.first()?;
                    Some((
                        Position {
                            base: base_text(buf),
                            pat_len: 0,
                            pat_text: None,
                            strict: false,
                        },
                        false,
                    ))
                }
                // `match v.binary_search(&x) { Ok(i) => v[i] .. }`
                "position"
                | "rposition"
                | "binary_search"
                | "binary_search_by"
                | "binary_search_by_key" => Some((
                    Position {
                        base: base_text(&m.receiver),
                        pat_len: 0,
                        pat_text: None,
                        strict: true,
                    },
                    false,
                )),
                _ => None,
            }
        }
        syn::Expr::Call(call) => {
            // `memchr::memchr(b'\n', buf)`
            let syn::Expr::Path(path) = &*call.func else {
                return None;
            };
            let name = path.path.segments.last()?.ident.to_string();
            if name.starts_with("memchr") || name.starts_with("memrchr") {
                let hay = call.args.last()?;
                return Some((
                    Position {
                        base: base_text(hay),
                        pat_len: 1,
                        pat_text: None,
                        strict: true,
                    },
                    false,
                ));
            }
            None
        }
        _ => None,
    }
}

/// `s.char_indices()` (through adapters and `.nth(k)`/`.next()`/`.find(..)`): items are
/// `(offset, char)` with the offset at a boundary of `s`.
fn char_indices_of(e: &syn::Expr) -> Option<String> {
    match paths::peel(e) {
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "char_indices" | "match_indices" | "rmatch_indices"
            ) =>
        {
            Some(base_text(&m.receiver))
        }
        syn::Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "nth"
                    | "next"
                    | "last"
                    | "find"
                    | "rev"
                    | "skip"
                    | "take"
                    | "filter"
                    | "skip_while"
                    | "take_while"
                    | "peekable"
                    | "step_by"
                    | "nth_back"
                    | "next_back"
            ) =>
        {
            char_indices_of(&m.receiver)
        }
        syn::Expr::Try(t) => char_indices_of(&t.expr),
        _ => None,
    }
}

/// The name bound by `Some(name)`/`Ok(name)` (or `name` itself when `bare`).
fn some_binding(pat: &syn::Pat, bare: bool) -> Option<String> {
    match pat {
        syn::Pat::Ident(id) if bare && id.subpat.is_none() => Some(id.ident.to_string()),
        syn::Pat::Type(t) => some_binding(&t.pat, bare),
        syn::Pat::TupleStruct(ts)
            if ts.elems.len() == 1
                && ts
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Some" || s.ident == "Ok") =>
        {
            some_binding(&ts.elems[0], true)
        }
        _ => None,
    }
}

/// The first name of a tuple pattern, inside `Some(..)` unless `bare`: `Some((i, _))`.
fn pair_binding(pat: &syn::Pat, bare: bool) -> Option<String> {
    match pat {
        syn::Pat::Tuple(t) if bare => match t.elems.first()? {
            syn::Pat::Ident(id) if id.subpat.is_none() => Some(id.ident.to_string()),
            _ => None,
        },
        syn::Pat::Type(t) => pair_binding(&t.pat, bare),
        syn::Pat::Reference(r) => pair_binding(&r.pat, bare),
        syn::Pat::TupleStruct(ts)
            if !bare
                && ts.elems.len() == 1
                && ts.path.segments.last().is_some_and(|s| s.ident == "Some") =>
        {
            pair_binding(&ts.elems[0], true)
        }
        _ => None,
    }
}

struct EnvBuilder<'e, 'a> {
    env: &'e mut Env<'a>,
    /// Per string, how often its bytes are read (`as_bytes()`/`bytes()` not only measured).
    bytes_read: HashMap<String, i32>,
    depth: usize,
}

impl EnvBuilder<'_, '_> {
    /// Records what `pat` binds from `source`: a search position or a string.
    fn bind(&mut self, pat: &syn::Pat, source: &syn::Expr) {
        if let Some((pos, unwrapped)) = search_of(source)
            && let Some(name) =
                some_binding(pat, unwrapped).or_else(|| pair_binding(pat, unwrapped))
        {
            self.env.positions.entry(name).or_default().push(pos);
        }
        if let Some(base) = char_indices_of(source) {
            let unwrapped = matches!(paths::peel(source), syn::Expr::Try(_));
            if let Some(name) = pair_binding(pat, unwrapped) {
                self.env.positions.entry(name).or_default().push(Position {
                    base,
                    pat_len: 0,
                    pat_text: None,
                    strict: true,
                });
            }
        }
    }

    /// A `let` makes its name a string or, shadowing one (`let s = s.as_bytes()`), not.
    fn bind_str(&mut self, pat: &syn::Pat, init: Option<&syn::Expr>) {
        let (name, is_str) = match pat {
            syn::Pat::Ident(id) => (
                id.ident.to_string(),
                init.is_some_and(|i| makes_str(i, &self.env.strs)),
            ),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(id) => (id.ident.to_string(), is_str_type(&t.ty)),
                _ => return,
            },
            _ => return,
        };
        if is_str {
            self.env.strs.insert(name);
        } else {
            self.env.strs.remove(&name);
        }
    }
}

/// Whether `e` builds a string: a literal, `String::from(..)`, `format!(..)`, `.to_string()`,
/// `.trim()`, `String::from_utf8(..)?`.
fn makes_str(e: &syn::Expr, strs: &HashSet<String>) -> bool {
    match paths::peel(e) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            ..
        }) => true,
        syn::Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "format"),
        syn::Expr::Try(t) => makes_str(&t.expr, strs),
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            returns_str(&method)
                || (matches!(
                    method.as_str(),
                    "unwrap" | "expect" | "into_owned" | "to_owned" | "clone"
                ) && makes_str(&m.receiver, strs))
        }
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) => {
                let segs = paths::segments(&p.path);
                paths::ends_with(&segs, &["String", "from"])
                    || paths::ends_with(&segs, &["String", "new"])
                    || paths::ends_with(&segs, &["String", "with_capacity"])
                    || paths::ends_with(&segs, &["String", "from_utf8"])
                    || paths::ends_with(&segs, &["String", "from_utf8_lossy"])
                    || paths::ends_with(&segs, &["str", "from_utf8"])
            }
            _ => false,
        },
        syn::Expr::Path(_) => strs.contains(&guards::text(e)),
        _ => false,
    }
}

impl<'a> Visit<'a> for EnvBuilder<'_, '_> {
    fn visit_item(&mut self, _: &'a syn::Item) {}

    fn visit_local(&mut self, l: &'a syn::Local) {
        self.bind_str(&l.pat, l.init.as_ref().map(|i| &*i.expr));
        if let Some(init) = &l.init {
            self.bind(&l.pat, &init.expr);
            let name = match &l.pat {
                syn::Pat::Ident(id) => Some(id.ident.to_string()),
                syn::Pat::Type(t) => match &*t.pat {
                    syn::Pat::Ident(id) => Some(id.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            if let Some(name) = name
                && let syn::Expr::MethodCall(m) = paths::peel(&init.expr)
                && m.method == "len"
                && m.args.is_empty()
            {
                self.env
                    .len_aliases
                    .insert(name, guards::norm_len_text(&guards::text(&init.expr)));
            }
        }
        visit::visit_local(self, l);
    }

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match e {
            syn::Expr::Let(l) => self.bind(&l.pat, &l.expr),
            syn::Expr::Match(m) => {
                for arm in &m.arms {
                    let pat = match &arm.pat {
                        syn::Pat::Guard(g) => &*g.pat,
                        p => p,
                    };
                    self.bind(pat, &m.expr);
                }
            }
            syn::Expr::ForLoop(l) => {
                if let Some(base) = char_indices_of(&l.expr)
                    && let Some(name) = pair_binding(&l.pat, true)
                {
                    self.env.positions.entry(name).or_default().push(Position {
                        base,
                        pat_len: 0,
                        pat_text: None,
                        strict: true,
                    });
                }
                // `for line in text.lines()`: items are strings.
                if let syn::Expr::MethodCall(m) = paths::peel(&l.expr)
                    && matches!(
                        m.method.to_string().as_str(),
                        "lines" | "split" | "split_whitespace" | "split_terminator" | "rsplit"
                    )
                    && let syn::Pat::Ident(id) = &*l.pat
                {
                    self.env.strs.insert(id.ident.to_string());
                }
            }
            // `match byte(s, 0) { b'+' => &s[1..] .. }`: a helper that reads its bytes.
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = &*c.func
                    && p.path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident.to_string().contains("byte"))
                {
                    for a in &c.args {
                        *self.bytes_read.entry(base_text(a)).or_default() += 1;
                    }
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if is_boundary_check(&method) {
                    self.env.boundary_checked.insert(base_text(&m.receiver));
                }
                // `let bytes = s.as_bytes(); if bytes[0] == b'+' { &s[1..] }`: code that
                // reads the bytes it cuts at (anything but `s.as_bytes().len()`).
                if method == "as_bytes" || method == "bytes" {
                    *self.bytes_read.entry(base_text(&m.receiver)).or_default() += 1;
                }
                if (method == "len" || method == "count")
                    && let syn::Expr::MethodCall(inner) = paths::peel(&m.receiver)
                    && (inner.method == "as_bytes" || inner.method == "bytes")
                {
                    *self
                        .bytes_read
                        .entry(base_text(&inner.receiver))
                        .or_default() -= 1;
                }
                let str_arg = m.args.first().is_some_and(|a| {
                    matches!(
                        paths::peel(a),
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(_) | syn::Lit::Char(_),
                            ..
                        })
                    )
                });
                if is_str_method(&method)
                    || (str_arg
                        && matches!(
                            method.as_str(),
                            "find" | "rfind" | "contains" | "split" | "split_once"
                        ))
                {
                    self.env.strs.insert(guards::text(paths::peel(&m.receiver)));
                }
                // `s.find(':').map(|i| &s[..i])`
                if matches!(
                    method.as_str(),
                    "map" | "and_then" | "map_or" | "map_or_else" | "filter" | "is_some_and"
                ) && let Some((pos, _)) = search_of(&m.receiver)
                {
                    for a in &m.args {
                        if let syn::Expr::Closure(c) = a
                            && let Some(p) = c.inputs.first()
                            && let Some(name) = some_binding(p, true)
                        {
                            self.env
                                .positions
                                .entry(name)
                                .or_default()
                                .push(pos.clone());
                        }
                    }
                }
            }
            _ => {}
        }
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_block(&mut self, b: &'a syn::Block) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        visit::visit_block(self, b);
        self.depth -= 1;
    }
}

impl<'a> Env<'a> {
    fn of(f: &FnLike<'a>) -> Self {
        let mut env = Env {
            locals: Locals::of(f.block),
            ..Env::default()
        };
        for p in f.params() {
            if let syn::Pat::Ident(id) = &*p.pat {
                env.params.insert(id.ident.to_string());
                if is_str_type(&p.ty) {
                    env.strs.insert(id.ident.to_string());
                }
            }
        }
        let mut b = EnvBuilder {
            env: &mut env,
            bytes_read: HashMap::new(),
            depth: 0,
        };
        b.visit_block(f.block);
        let read: Vec<String> = b
            .bytes_read
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, _)| s)
            .collect();
        env.boundary_checked.extend(read);
        for (name, len) in &env.len_aliases {
            env.alias_names
                .entry(len.clone())
                .or_default()
                .push(name.clone());
        }
        env
    }

    /// Whether the receiver of an index is a string.
    fn is_str(&self, recv: &syn::Expr) -> bool {
        match paths::peel(recv) {
            syn::Expr::MethodCall(m) => {
                returns_str(&m.method.to_string())
                    || (is_view_method(&m.method.to_string())
                        && m.method != "as_bytes"
                        && m.method != "bytes"
                        && self.is_str(&m.receiver))
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }) => true,
            other => self.strs.contains(&guards::text(other)),
        }
    }

    /// The `len()` subject a fact's subject stands for (`n` with `let n = v.len()`).
    fn subject(&self, s: &str) -> String {
        self.len_aliases
            .get(s)
            .cloned()
            .unwrap_or_else(|| guards::norm_len_text(s))
    }

    /// Whether the facts say `{len} > {idx}` (`strict`) or `{len} >= {idx}`.
    fn fact_says(&self, facts: &Facts, len: &str, idx: &str, strict: bool) -> bool {
        self.subjects_for(facts, len)
            .any(|s| facts.bounded_by(s, idx, strict))
    }

    /// Whether the facts say `{len} >= k`.
    fn fact_at_least(&self, facts: &Facts, len: &str, k: u128) -> bool {
        self.subjects_for(facts, len).any(|s| facts.at_least(s, k))
    }

    /// The subjects of facts that stand for `len` ([`Env::subject`] of them is `len`):
    /// those measuring the same `len()`, and the names bound to it.
    fn subjects_for<'f>(&'f self, facts: &'f Facts, len: &'f str) -> impl Iterator<Item = &'f str> {
        let aliases = self.alias_names.get(len).map_or(&[][..], Vec::as_slice);
        facts
            .subjects_measuring(len)
            .iter()
            .chain(aliases)
            .map(String::as_str)
            .filter(move |s| self.subject(s) == len)
    }

    /// Whether `e` is `{base}.len()` or a name bound to it.
    fn is_len_of(&self, e: &syn::Expr, base: &str) -> bool {
        self.subject(&guards::text(paths::peel(e))) == format!("{base}.len()")
    }

    /// A search position in `base` named by `e`.
    fn position(&self, e: &syn::Expr, base: &str) -> Option<&Position> {
        let name = guards::text(paths::peel(e));
        self.positions.get(&name)?.iter().find(|p| p.base == base)
    }

    /// `e < {base}.len()`: safe as an element index.
    fn below_len(&self, e: &syn::Expr, base: &str, facts: &Facts, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        let len = format!("{base}.len()");
        let e = paths::peel(e);
        if is_constant(e) || self.fact_says(facts, &len, &guards::text(e), true) {
            return true;
        }
        if self.position(e, base).is_some_and(|p| p.strict) {
            return true;
        }
        match e {
            syn::Expr::Cast(c) => self.below_len(&c.expr, base, facts, depth + 1),
            syn::Expr::Binary(b) => match b.op {
                // `i % v.len()`, `h % 16`, `x & 0xff`
                syn::BinOp::Rem(_) => is_constant(&b.right) || self.is_len_of(&b.right, base),
                syn::BinOp::BitAnd(_) => is_constant(&b.right),
                syn::BinOp::Sub(_) if int_lit(&b.right).is_some() => {
                    let k = int_lit(&b.right).unwrap_or(0);
                    if self.is_len_of(&b.left, base) {
                        // `v[v.len() - 1]` needs `v.len() >= 1`.
                        let subj = self.subject(&guards::text(paths::peel(&b.left)));
                        self.fact_at_least(facts, &subj, k.max(1))
                    } else {
                        // `v[i - 1]` is in range when `v[i]` is (underflow is another rule's).
                        self.below_len(&b.left, base, facts, depth + 1)
                    }
                }
                syn::BinOp::Div(_) | syn::BinOp::Shr(_) if self.is_len_of(&b.left, base) => {
                    self.fact_at_least(facts, &len, 1)
                }
                _ => false,
            },
            // `i.min(v.len() - 1)`
            syn::Expr::MethodCall(m) if m.method == "min" && m.args.len() == 1 => {
                self.below_len(&m.receiver, base, facts, depth + 1)
                    || self.below_len(&m.args[0], base, facts, depth + 1)
            }
            syn::Expr::Path(_) => self
                .locals
                .init(&guards::text(e))
                .is_some_and(|init| self.below_len(init, base, facts, depth + 1)),
            _ => false,
        }
    }

    /// `e <= {base}.len()`: safe as a range bound.
    fn within_len(&self, e: &syn::Expr, base: &str, facts: &Facts, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        let e = paths::peel(e);
        let len = format!("{base}.len()");
        if self.is_len_of(e, base)
            || self.fact_says(facts, &len, &guards::text(e), false)
            || self.below_len(e, base, facts, depth + 1)
            || self.position(e, base).is_some()
        {
            return true;
        }
        match e {
            syn::Expr::Binary(b) => match b.op {
                syn::BinOp::Sub(_) | syn::BinOp::Div(_) | syn::BinOp::Shr(_) => {
                    self.within_len(&b.left, base, facts, depth + 1)
                }
                syn::BinOp::Add(_) => {
                    // `i + 1` where `i < len`; `pos + ":".len()` after `find(":")`.
                    (int_lit(&b.right) == Some(1)
                        && self.below_len(&b.left, base, facts, depth + 1))
                        || self.position(&b.left, base).is_some_and(|p| {
                            p.strict
                                && (int_lit(&b.right).is_some_and(|k| k <= p.pat_len as u128)
                                    || p.pat_text.as_deref().is_some_and(|t| {
                                        guards::text(&b.right) == format!("{t}.len()")
                                    }))
                        })
                }
                _ => false,
            },
            syn::Expr::MethodCall(m)
                if m.args.len() == 1 && (m.method == "min" || m.method == "saturating_sub") =>
            {
                self.within_len(&m.receiver, base, facts, depth + 1)
                    || (m.method == "min" && self.within_len(&m.args[0], base, facts, depth + 1))
            }
            syn::Expr::MethodCall(m) if m.method == "clamp" && m.args.len() == 2 => {
                self.within_len(&m.args[1], base, facts, depth + 1)
            }
            syn::Expr::Call(c) if c.args.len() == 2 => {
                let is_min = matches!(&*c.func, syn::Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "min"));
                is_min
                    && c.args
                        .iter()
                        .any(|a| self.within_len(a, base, facts, depth + 1))
            }
            syn::Expr::Path(_) => self
                .locals
                .init(&guards::text(e))
                .is_some_and(|init| self.within_len(init, base, facts, depth + 1)),
            _ => false,
        }
    }

    /// A byte offset that is a character boundary of the string `base`: `0`, `s.len()`, a
    /// search position (plus the searched literal's length).
    fn at_boundary(&self, e: &syn::Expr, base: &str, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        let e = paths::peel(e);
        // `&s[c.len_utf8()..]` after `let c = s.chars().next()?`: one character further.
        if int_lit(e) == Some(0)
            || self.is_len_of(e, base)
            || self.position(e, base).is_some()
            || matches!(e, syn::Expr::MethodCall(m) if m.method == "len_utf8")
        {
            return true;
        }
        match e {
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
                self.position(&b.left, base).is_some_and(|p| {
                    p.strict
                        && (int_lit(&b.right).is_some_and(|k| k <= p.pat_len as u128)
                            || p.pat_text
                                .as_deref()
                                .is_some_and(|t| guards::text(&b.right) == format!("{t}.len()")))
                })
            }
            syn::Expr::Path(_) => self
                .locals
                .init(&guards::text(e))
                .is_some_and(|init| self.at_boundary(init, base, depth + 1)),
            _ => false,
        }
    }

    /// A number of bytes rather than a found offset: a literal, a constant, a parameter,
    /// anything computed from a `len()` or clamped with `min`/`max`/`clamp`.
    fn is_byte_count(&self, e: &syn::Expr, depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        let e = paths::peel(e);
        match e {
            syn::Expr::Lit(_) => int_lit(e).is_some_and(|n| n > 0),
            syn::Expr::Path(_) => {
                let name = guards::text(e);
                is_const_path(e)
                    || self.params.contains(&name)
                    || self
                        .locals
                        .init(&name)
                        .is_some_and(|init| self.is_byte_count(init, depth + 1))
            }
            syn::Expr::Cast(c) => self.is_byte_count(&c.expr, depth + 1),
            syn::Expr::Binary(b) => {
                self.is_byte_count(&b.left, depth + 1) || self.is_byte_count(&b.right, depth + 1)
            }
            syn::Expr::MethodCall(m) => {
                matches!(
                    m.method.to_string().as_str(),
                    "len" | "min" | "max" | "clamp" | "saturating_sub"
                ) || self.is_byte_count(&m.receiver, depth + 1)
            }
            syn::Expr::Call(c) => matches!(&*c.func, syn::Expr::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "min" || s.ident == "max")),
            _ => false,
        }
    }

    /// `start` cannot exceed `end`: `buf[off..off + n]`, `let end = start + n`.
    fn start_before_end(&self, start: &syn::Expr, end: &syn::Expr) -> bool {
        let start_text = guards::text(paths::peel(start));
        let mut end = paths::peel(end);
        for _ in 0..3 {
            if let syn::Expr::Binary(b) = end
                && matches!(b.op, syn::BinOp::Add(_))
                && guards::text(paths::peel(&b.left)) == start_text
            {
                return true;
            }
            match self.locals.init(&guards::text(end)) {
                Some(init) if matches!(end, syn::Expr::Path(_)) => end = paths::peel(init),
                _ => return false,
            }
        }
        false
    }

    fn check(&self, ix: &syn::ExprIndex, facts: &Facts) -> Option<Finding> {
        let idx = paths::peel(&ix.index);
        if matches!(idx, syn::Expr::Lit(_)) || is_constant(idx) {
            return None;
        }
        let base = base_text(&ix.expr);
        let shown = format!("{}[{}]", code(&ix.expr), code(idx));
        let shown = if shown.len() > 48 {
            "this index".to_owned()
        } else {
            format!("`{shown}`")
        };
        let syn::Expr::Range(r) = idx else {
            if self.below_len(idx, &base, facts, 0) {
                return None;
            }
            // `map[&key]`, `headers[name]` with a string `name`: a lookup, not a position.
            let key = matches!(&*ix.index, syn::Expr::Reference(_)) || self.is_str(idx);
            return Some(if key {
                Finding {
                    span: ix.span(),
                    message: format!("{shown} panics when the key is missing"),
                    help: format!("use `.get({})` and handle `None`", code(&ix.index)),
                }
            } else {
                Finding {
                    span: ix.span(),
                    message: format!("{shown} panics when the index is out of bounds"),
                    help: format!(
                        "use `.get({})` and handle `None`, or check the index against `.len()` first",
                        code(idx)
                    ),
                }
            });
        };
        let (start, end) = (r.start.as_deref(), r.end.as_deref());
        if start.is_none() && end.is_none() {
            return None;
        }
        let closed = matches!(r.limits, syn::RangeLimits::Closed(_));
        if self.is_str(&ix.expr) && !self.boundary_checked.contains(&base) {
            // A count of bytes (a literal, a length, a parameter) is no character boundary
            // whatever the length checks say; other offsets are checked for range below.
            let counted =
                |b: &syn::Expr| !self.at_boundary(b, &base, 0) && self.is_byte_count(b, 0);
            let cuts = start.is_some_and(counted)
                || end.is_some_and(|e| (closed && int_lit(e).is_some()) || counted(e));
            if !cuts {
                return self.check_range(ix, r, &base, &shown, facts);
            }
            return Some(Finding {
                span: ix.span(),
                message: format!(
                    "{shown} slices a string by byte offset: it panics past the end or inside a multi-byte character"
                ),
                help: format!(
                    "use `.get({})` and handle `None`, find a boundary with `char_indices()`/`find()`, or take characters with `.chars().take(n)`",
                    code(idx)
                ),
            });
        }
        self.check_range(ix, r, &base, &shown, facts)
    }

    /// A slice `recv[start..end]` whose bounds must lie within `base.len()`.
    fn check_range(
        &self,
        ix: &syn::ExprIndex,
        r: &syn::ExprRange,
        base: &str,
        shown: &str,
        facts: &Facts,
    ) -> Option<Finding> {
        let (start, end) = (r.start.as_deref(), r.end.as_deref());
        let closed = matches!(r.limits, syn::RangeLimits::Closed(_));
        let idx = paths::peel(&ix.index);
        let base = base.to_owned();
        let end_ok = end.is_none_or(|e| {
            int_lit(e).is_some()
                || if closed {
                    self.below_len(e, &base, facts, 0)
                } else {
                    self.within_len(e, &base, facts, 0)
                }
        });
        let start_ok = start.is_none_or(|s| {
            int_lit(s).is_some()
                || self.within_len(s, &base, facts, 0)
                || end.is_some_and(|e| end_ok && self.start_before_end(s, e))
        });
        if start_ok && end_ok {
            return None;
        }
        Some(Finding {
            span: ix.span(),
            message: format!("{shown} panics when the range is out of bounds"),
            help: format!(
                "use `.get({})` and handle `None`, or check the bounds against `.len()` first",
                code(idx)
            ),
        })
    }
}

struct Finding {
    span: Span,
    message: String,
    help: String,
}

impl Rule for IndexingPanic {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if !cx.enabled(&Self::META) || cx.in_const() || !cx.fn_mentions(f, NEEDLES) {
            return;
        }
        let env = Env::of(f);
        let mut found = Vec::new();
        // `debug_assert!(v[i] == x)` runs in debug builds only, where a panic is the point.
        let skip = |m: &syn::Macro| macros::macro_name(m).starts_with("debug_assert");
        guards::walk_with_facts_and_macros(f.block, &skip, &mut |e, facts| {
            if let syn::Expr::Index(ix) = e
                && let Some(finding) = env.check(ix, facts)
            {
                found.push(finding);
            }
        });
        for f in found {
            cx.report(&Self::META, f.span, f.message).help(f.help);
        }
    }
}
