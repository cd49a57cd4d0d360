//! Path and call matching helpers (syntactic, ruff-style qualified names): the last segments
//! of a call path, method names, `use` aliases, the "name" of an expression.

use std::collections::HashMap;

use syn::punctuated::Punctuated;

/// The identifiers of a path: `std::fs::read` → `["std", "fs", "read"]`.
pub fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Whether `segs` ends with `suffix` (`["reqwest","Client","new"]` ends with `["Client","new"]`).
pub fn ends_with(segs: &[String], suffix: &[&str]) -> bool {
    segs.len() >= suffix.len()
        && segs[segs.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a == b)
}

/// Peels parentheses, invisible groups, references and derefs: `&(x)` → `x`.
pub fn peel(mut expr: &syn::Expr) -> &syn::Expr {
    loop {
        expr = match expr {
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Group(g) => &g.expr,
            syn::Expr::Reference(r) => &r.expr,
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
            _ => return expr,
        };
    }
}

/// A string literal's value (through parens and `&`).
pub fn lit_str(expr: &syn::Expr) -> Option<syn::LitStr> {
    lit_str_ref(expr).cloned()
}

/// [`lit_str`], borrowed.
pub fn lit_str_ref(expr: &syn::Expr) -> Option<&syn::LitStr> {
    match peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// A string or byte-string literal's bytes as text (lossy for byte strings).
pub fn lit_text(expr: &syn::Expr) -> Option<String> {
    match peel(expr) {
        syn::Expr::Lit(syn::ExprLit { lit, .. }) => match lit {
            syn::Lit::Str(s) => Some(s.value()),
            syn::Lit::ByteStr(b) => Some(String::from_utf8_lossy(&b.value()).into_owned()),
            syn::Lit::CStr(c) => Some(c.value().to_string_lossy().into_owned()),
            _ => None,
        },
        _ => None,
    }
}

/// A boolean literal's value.
pub fn lit_bool(expr: &syn::Expr) -> Option<bool> {
    match peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Some(b.value),
        _ => None,
    }
}

/// The name an expression is known by, for vocabulary matching: `password`, `self.api_key`
/// → `api_key`, `cfg.db.password.clone()` → `password`, `&token` → `token`,
/// `creds["password"]` → `password`.
pub fn expr_name(expr: &syn::Expr) -> Option<String> {
    match peel(expr) {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => Some(i.to_string()),
            syn::Member::Unnamed(_) => expr_name(&f.base),
        },
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            if is_transparent_method(&method) {
                expr_name(&m.receiver)
            } else if method == "get" || method == "get_one" {
                m.args.first().and_then(lit_str).map(|s| s.value())
            } else {
                None
            }
        }
        syn::Expr::Index(i) => lit_str(&i.index).map(|s| s.value()),
        syn::Expr::Try(t) => expr_name(&t.expr),
        syn::Expr::Cast(c) => expr_name(&c.expr),
        _ => None,
    }
}

/// Methods that keep the identity of the value they are called on.
pub fn is_transparent_method(method: &str) -> bool {
    matches!(
        method,
        "clone"
            | "to_string"
            | "to_owned"
            | "as_str"
            | "as_ref"
            | "as_bytes"
            | "into"
            | "as_slice"
            | "to_vec"
            | "borrow"
            | "deref"
            | "trim"
            | "unwrap"
            | "expect"
            | "unwrap_or_default"
            | "as_deref"
            | "expose_secret"
            | "iter"
            | "into_bytes"
            | "bytes"
    )
}

/// A call `path(args)`: its path segments (aliases resolved) and arguments.
pub fn call<'a>(
    expr: &'a syn::Expr,
    uses: &UseMap,
) -> Option<(Vec<String>, &'a Punctuated<syn::Expr, syn::Token![,]>)> {
    match expr {
        syn::Expr::Call(c) => match peel(&c.func) {
            syn::Expr::Path(p) => Some((uses.resolve(&p.path), &c.args)),
            _ => None,
        },
        _ => None,
    }
}

/// [`call`] with the path resolved through the file's type aliases too
/// ([`UseMap::resolve_all`]).
pub fn call_all<'a>(
    expr: &'a syn::Expr,
    uses: &UseMap,
) -> Option<(Vec<String>, &'a Punctuated<syn::Expr, syn::Token![,]>)> {
    match expr {
        syn::Expr::Call(c) => match peel(&c.func) {
            syn::Expr::Path(p) => Some((uses.resolve_all(&p.path), &c.args)),
            _ => None,
        },
        _ => None,
    }
}

/// A method call `recv.name(args)`.
pub fn method_call<'a>(expr: &'a syn::Expr, name: &str) -> Option<&'a syn::ExprMethodCall> {
    match expr {
        syn::Expr::MethodCall(m) if m.method == name => Some(m),
        _ => None,
    }
}

/// `use` aliases of one file: the local name → the full path it stands for.
/// `use sha1::Sha1 as Hasher;` maps `Hasher` → `sha1::Sha1`; `use std::fs;` maps `fs` →
/// `std::fs`; globs are ignored. It also keeps the initializers of the file's `static` and
/// `const` items (not array tables), so that a rule can see what `EMAIL_RE` or `API_URL`
/// stands for where it is used, the file's type aliases (`type Sh = std::process::Command;`,
/// see [`UseMap::resolve_all`]) and the names of the types it defines.
#[derive(Clone, Default)]
pub struct UseMap {
    map: HashMap<String, Vec<String>>,
    consts: HashMap<String, syn::Expr>,
    /// `type X = a::b::C;`: `X` → `a::b::C` (as written: the target's own `use` aliases are
    /// expanded when it is resolved).
    types: HashMap<String, Vec<String>>,
    /// Names of the structs, enums, unions and traits the file defines.
    defined: std::collections::HashSet<String>,
}

impl std::fmt::Debug for UseMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut consts: Vec<&String> = self.consts.keys().collect();
        consts.sort();
        let mut defined: Vec<&String> = self.defined.iter().collect();
        defined.sort();
        // in key order, so that equal maps print alike
        let map: std::collections::BTreeMap<_, _> = self.map.iter().collect();
        let types: std::collections::BTreeMap<_, _> = self.types.iter().collect();
        f.debug_struct("UseMap")
            .field("map", &map)
            .field("consts", &consts)
            .field("types", &types)
            .field("defined", &defined)
            .finish()
    }
}

/// `use a::b::ai_generated;`: a path to the marker, not renamed.
fn is_marker_import(tree: &syn::UseTree) -> bool {
    match tree {
        syn::UseTree::Path(p) => is_marker_import(&p.tree),
        syn::UseTree::Name(n) => n.ident == crate::ai::MARKER_NAME,
        _ => false,
    }
}

impl UseMap {
    pub fn from_items(items: &[syn::Item]) -> Self {
        let mut m = UseMap::default();
        for item in items {
            m.add_item(item);
        }
        m
    }

    /// Appends to `out` the tokens of `item` that the map takes aliases from, printed, one
    /// line: a `use` item's tree, a type alias's type (`UseMap::alias_target` expands both).
    /// The text name-based pre-filters search for the segments of resolved paths. The
    /// marker's own import (`use aiguard_macros::ai_generated;`) is left out: every marked
    /// file has one, no rule resolves a path through it, and its text would only wake the
    /// filters of needles such as `gen`.
    pub fn push_alias_text(item: &syn::Item, out: &mut String) {
        let tokens = match item {
            syn::Item::Use(u) if is_marker_import(&u.tree) => return,
            syn::Item::Use(u) => quote::ToTokens::to_token_stream(&u.tree),
            syn::Item::Type(t) => quote::ToTokens::to_token_stream(&t.ty),
            _ => return,
        };
        out.push_str(&tokens.to_string());
        out.push('\n');
    }

    /// Records the `use` declarations of one item (recursing into inline modules).
    pub fn add_item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Use(u) => self.add_tree(&u.tree, &mut Vec::new()),
            syn::Item::Static(st) => self.add_const(&st.ident, &st.expr),
            syn::Item::Const(c) => self.add_const(&c.ident, &c.expr),
            syn::Item::Type(t) => {
                if let syn::Type::Path(tp) = &*t.ty
                    && tp.qself.is_none()
                {
                    let target = segments(&tp.path);
                    // `type Result<T> = Result<T, Error>;` (a prelude type) names itself
                    if target.len() > 1 || target.first().is_some_and(|f| t.ident != f) {
                        self.types.insert(t.ident.to_string(), target);
                    }
                }
            }
            syn::Item::Struct(s) => {
                self.defined.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) => {
                self.defined.insert(e.ident.to_string());
            }
            syn::Item::Union(u) => {
                self.defined.insert(u.ident.to_string());
            }
            syn::Item::Trait(t) => {
                self.defined.insert(t.ident.to_string());
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    for i in items {
                        self.add_item(i);
                    }
                }
            }
            _ => {}
        }
    }

    fn add_const(&mut self, ident: &syn::Ident, init: &syn::Expr) {
        // Lookup tables are large and never what a rule looks for.
        if !matches!(init, syn::Expr::Array(_) | syn::Expr::Repeat(_)) {
            self.consts.insert(ident.to_string(), init.clone());
        }
    }

    /// The initializer of the file-level `static`/`const` named `name` (array tables
    /// excluded): `static EMAIL_RE: Lazy<Regex> = Lazy::new(|| ..)` gives the `Lazy::new(..)`.
    pub fn const_init(&self, name: &str) -> Option<&syn::Expr> {
        self.consts.get(name)
    }

    fn add_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.map.insert(last, full);
                    }
                } else {
                    full.push(name.clone());
                    self.map.insert(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.map.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_tree(t, prefix);
                }
            }
            _ => {}
        }
    }

    /// The path with its first segment expanded through the aliases:
    /// with `use openssl::hash::MessageDigest as MD;`, `MD::md5` → `openssl::hash::MessageDigest::md5`.
    pub fn resolve(&self, path: &syn::Path) -> Vec<String> {
        let segs = segments(path);
        self.resolve_segments(segs)
    }

    pub fn resolve_segments(&self, segs: Vec<String>) -> Vec<String> {
        if let Some(first) = segs.first()
            && let Some(full) = self.map.get(first)
        {
            let mut out = full.clone();
            out.extend(segs.into_iter().skip(1));
            return out;
        }
        segs
    }

    /// The full path a single local name stands for, if it was imported.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.map.get(name).map(Vec::as_slice)
    }

    /// [`UseMap::resolve`], and a first segment that names one of the file's type aliases
    /// expanded too: with `type Sh = process::Command;` and `use std::process;`, `Sh::new` →
    /// `std::process::Command::new`.
    ///
    /// Not part of `resolve`: a rule whose source pre-filter is
    /// [`crate::cx::Cx::fn_mentions_path`] (the function's text and the file's `use` trees)
    /// cannot see the name a type alias stands for.
    pub fn resolve_all(&self, path: &syn::Path) -> Vec<String> {
        self.resolve_all_segments(segments(path))
    }

    /// [`UseMap::resolve_all`] for a path given as segments.
    pub fn resolve_all_segments(&self, segs: Vec<String>) -> Vec<String> {
        match self.alias_target(segs.first().map_or("", String::as_str)) {
            Some(mut out) => {
                out.extend(segs.into_iter().skip(1));
                out
            }
            None => segs,
        }
    }

    /// The full path a local name stands for through a `use` or a type alias of the file
    /// (`None` when it is neither): the part of [`UseMap::resolve_all`]'s result that is not
    /// written where the name is used.
    pub fn alias_target(&self, name: &str) -> Option<Vec<String>> {
        if let Some(full) = self.map.get(name) {
            return Some(full.clone());
        }
        let mut target = self.types.get(name)?;
        // `type A = B; type B = std::process::Command;`, bounded (a cycle is an error)
        for _ in 0..4 {
            match target.as_slice() {
                [one] if !self.map.contains_key(one) => match self.types.get(one) {
                    Some(next) => target = next,
                    None => break,
                },
                _ => break,
            }
        }
        Some(self.resolve_segments(target.clone()))
    }

    /// Whether `name` stands for a path through a `use` or a type alias of the file, and
    /// one of that path's segments is in `needles`: `Cmd` with `use std::process::Command as
    /// Cmd;` for `["Command"]`. For name-based pre-filters, which see the names written in a
    /// function (the rest of a resolved path).
    pub fn alias_mentions(&self, name: &str, needles: &[&str]) -> bool {
        let hit = |full: &[String]| full.iter().any(|s| needles.contains(&s.as_str()));
        if let Some(full) = self.map.get(name) {
            return hit(full);
        }
        self.types.contains_key(name) && self.alias_target(name).is_some_and(|t| hit(&t))
    }

    /// The path a type alias of the file names, as written (`type Sh = process::Command;`:
    /// `["process", "Command"]`).
    pub fn type_alias(&self, name: &str) -> Option<&[String]> {
        self.types.get(name).map(Vec::as_slice)
    }

    /// Whether the file defines a struct, enum, union or trait named `name` (at its top level
    /// or in an inline module): `Command::new` is then likely its own `Command`, not std's.
    pub fn defines_type(&self, name: &str) -> bool {
        self.defined.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::UseMap;

    fn map(src: &str) -> UseMap {
        let file = syn::parse_file(src).expect("test source parses");
        UseMap::from_items(&file.items)
    }

    fn path(s: &str) -> syn::Path {
        syn::parse_str(s).expect("test path parses")
    }

    /// Use trees and aliased types are printed one a line; the marker's own import is not.
    #[test]
    fn alias_text() {
        let file: syn::File = syn::parse_str(
            "use aiguard_macros::ai_generated;\n\
             use rand::{random, ai_generated};\n\
             use m::ai_generated as gen;\n\
             type Sh = std::process::Command;\n\
             fn f() {}",
        )
        .expect("test source parses");
        let mut text = String::new();
        for item in &file.items {
            UseMap::push_alias_text(item, &mut text);
        }
        assert_eq!(
            text,
            "rand :: { random , ai_generated }\nm :: ai_generated as gen\nstd :: process :: Command\n"
        );
    }

    #[test]
    fn type_aliases_resolve_through_uses_and_each_other() {
        let m = map(
            "use std::process; type Sh = process::Command; type Sh2 = Sh; \
             type Result<T> = Result<T, Error>; struct Command;",
        );
        assert_eq!(
            m.resolve_all(&path("Sh::new")),
            ["std", "process", "Command", "new"]
        );
        assert_eq!(
            m.resolve_all(&path("Sh2::new")),
            ["std", "process", "Command", "new"]
        );
        // `resolve` leaves type aliases alone
        assert_eq!(m.resolve(&path("Sh::new")), ["Sh", "new"]);
        // a type alias naming a prelude type of the same name is not recorded
        assert!(m.type_alias("Result").is_none());
        assert!(m.alias_mentions("Sh2", &["Command"]));
        assert!(m.alias_mentions("process", &["process"]));
        assert!(!m.alias_mentions("Sh", &["File"]));
        assert!(!m.alias_mentions("Command", &["Command"]));
        assert!(m.defines_type("Command"));
        assert!(!m.defines_type("Sh"));
    }

    #[test]
    fn a_cycle_of_type_aliases_ends() {
        let m = map("type A = B; type B = A;");
        assert_eq!(
            m.resolve_all(&path("A::new")).last().map(String::as_str),
            Some("new")
        );
    }
}
