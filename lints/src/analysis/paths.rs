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
    match peel(expr) {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.clone()),
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
/// stands for where it is used.
#[derive(Clone, Default)]
pub struct UseMap {
    map: HashMap<String, Vec<String>>,
    consts: HashMap<String, syn::Expr>,
}

impl std::fmt::Debug for UseMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut consts: Vec<&String> = self.consts.keys().collect();
        consts.sort();
        f.debug_struct("UseMap")
            .field("map", &self.map)
            .field("consts", &consts)
            .finish()
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

    /// Records the `use` declarations of one item (recursing into inline modules).
    pub fn add_item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Use(u) => self.add_tree(&u.tree, &mut Vec::new()),
            syn::Item::Static(st) => self.add_const(&st.ident, &st.expr),
            syn::Item::Const(c) => self.add_const(&c.ident, &c.expr),
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
}
