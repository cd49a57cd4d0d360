//! syn's blind spot is macros: their bodies are token streams. This helper parses the bodies
//! of the macros whose arguments are expressions (`format!`-family, printing, logging,
//! tracing, assertions, `vec!`, `write!`, sqlx's `query!`), so rules see what is inside.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;

/// Parsed macro bodies of the syntax tree being checked, keyed by the macro node's address:
/// the checker's walk and the rules' own bounded walks of a function each meet the same
/// `format!` or `assert!`, and parsing its body again each time cost about a tenth of a
/// scan. Only live inside [`cache_scope`] (one `check_*` call, while the tree it checks is
/// borrowed and so cannot move or be freed); each entry also keeps a fingerprint of the
/// macro (name and top-level token count) so that a temporary tree a rule parses and drops
/// cannot alias a later one at the same address.
#[derive(Default)]
struct Cache {
    format: HashMap<usize, (Fingerprint, Rc<FormatArgs>)>,
    exprs: HashMap<usize, (Fingerprint, Rc<Vec<syn::Expr>>)>,
}

#[derive(PartialEq, Eq, Clone)]
struct Fingerprint {
    name: String,
    tokens: usize,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// Runs `f` with the macro-body cache on (see [`Cache`]); the cache is dropped when `f`
/// returns or unwinds. Nested scopes share the outer one.
pub fn cache_scope<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CACHE.with(|c| *c.borrow_mut() = None);
        }
    }
    let outer = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let outer = c.is_some();
        if !outer {
            *c = Some(Cache::default());
        }
        outer
    });
    if outer {
        return f();
    }
    let _reset = Reset;
    f()
}

fn fingerprint(mac: &syn::Macro) -> Fingerprint {
    Fingerprint {
        name: macro_name(mac),
        tokens: mac.tokens.clone().into_iter().count(),
    }
}

fn key(mac: &syn::Macro) -> usize {
    std::ptr::from_ref(mac) as usize
}

/// The arguments of a macro call that takes a format string.
#[derive(Default)]
pub struct FormatArgs {
    /// The format string, if the macro has one.
    pub template: Option<syn::LitStr>,
    /// Positional and named arguments (`name = expr` gives `expr`), and tracing fields
    /// (`user = %value` gives `value`), in order.
    pub args: Rc<Vec<syn::Expr>>,
    /// Names captured inline in the template: `"{user}"` gives `user`.
    pub inline: Vec<String>,
    /// Names of tracing fields / named arguments, parallel to nothing: `user = %v` gives `user`.
    pub field_names: Vec<String>,
    /// Each field name with the index of its value in `args` (`None` for a field without a
    /// value): `user = %v` gives `("user", Some(i))` where `args[i]` is `v`.
    pub fields: Vec<(String, Option<usize>)>,
}

/// Macros that print, log or format (last path segment).
pub fn is_format_macro(name: &str) -> bool {
    matches!(
        name,
        "format"
            | "print"
            | "println"
            | "eprint"
            | "eprintln"
            | "write"
            | "writeln"
            | "format_args"
            | "panic"
            | "unreachable"
            | "todo"
            | "unimplemented"
            | "trace"
            | "debug"
            | "info"
            | "warn"
            | "error"
            | "event"
            | "log"
            | "anyhow"
            | "bail"
            | "ensure"
            | "eyre"
            | "assert"
            | "assert_eq"
            | "assert_ne"
            | "debug_assert"
            | "debug_assert_eq"
            | "debug_assert_ne"
    )
}

/// Macros that log or print (where a secret must not go).
pub fn is_log_macro(name: &str) -> bool {
    matches!(
        name,
        "print"
            | "println"
            | "eprint"
            | "eprintln"
            | "dbg"
            | "trace"
            | "debug"
            | "info"
            | "warn"
            | "error"
            | "event"
            | "log"
    )
}

/// The name of a macro: the last segment of its path.
pub fn macro_name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map_or_else(String::new, |s| s.ident.to_string())
}

/// Macro bodies whose groups nest deeper than this are not parsed. Walkers that look inside
/// macro calls parse each call's body, the calls nested in it included, so a chain such as
/// `vec![vec![..]]` thousands deep would cost time quadratic in its depth.
pub const MAX_BODY_NESTING: usize = 128;

/// Whether the groups of `tokens` nest deeper than [`MAX_BODY_NESTING`]. Iterative; stops
/// at that depth.
pub fn nested_too_deep(tokens: &TokenStream) -> bool {
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(g)) => {
                if stack.len() >= MAX_BODY_NESTING {
                    return true;
                }
                stack.push(g.stream().into_iter());
            }
            Some(_) => {}
        }
    }
    false
}

/// Splits a token stream at top-level commas.
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = Vec::new();
    let mut cur = Vec::new();
    for tt in tokens {
        if let TokenTree::Punct(p) = &tt
            && p.as_char() == ','
        {
            parts.push(cur.drain(..).collect());
            continue;
        }
        cur.push(tt);
    }
    if !cur.is_empty() {
        parts.push(cur.into_iter().collect());
    }
    parts
}

/// Parses a format-family, logging or tracing macro's body. Segments that do not parse
/// are skipped, never an error: a rule simply sees fewer arguments. Cached (see [`Cache`]).
pub fn parse_format_args(mac: &syn::Macro) -> Rc<FormatArgs> {
    let cached = CACHE.with(|c| {
        let c = c.borrow();
        let entry = c.as_ref()?.format.get(&key(mac))?;
        (entry.0 == fingerprint(mac)).then(|| entry.1.clone())
    });
    if let Some(fa) = cached {
        return fa;
    }
    let fa = Rc::new(format_args_uncached(mac));
    CACHE.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.format.insert(key(mac), (fingerprint(mac), fa.clone()));
        }
    });
    fa
}

fn format_args_uncached(mac: &syn::Macro) -> FormatArgs {
    let mut out = FormatArgs::default();
    if nested_too_deep(&mac.tokens) {
        return out;
    }
    let mut args = Vec::new();
    for part in split_commas(mac.tokens.clone()) {
        let toks: Vec<TokenTree> = part.clone().into_iter().collect();
        if toks.is_empty() {
            continue;
        }
        // `target: "x"`, `parent: span`, `name: "..."` (log/tracing keyword arguments).
        if toks.len() >= 2
            && matches!(&toks[0], TokenTree::Ident(_))
            && matches!(&toks[1], TokenTree::Punct(p) if p.as_char() == ':')
            && !matches!(toks.get(2), Some(TokenTree::Punct(p)) if p.as_char() == ':')
        {
            continue;
        }
        // `a.b.c = %expr`, `name = ?expr`, `name = expr` (named args and tracing fields).
        let eq = toks.iter().position(|t| {
            matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone)
        });
        let (name, value_toks): (Option<String>, Vec<TokenTree>) = match eq {
            Some(i)
                if i > 0
                    && toks[..i].iter().all(|t| {
                        matches!(t, TokenTree::Ident(_))
                            || matches!(t, TokenTree::Punct(p) if p.as_char() == '.')
                            || matches!(t, TokenTree::Literal(_))
                    })
                    && !matches!(toks.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '=') =>
            {
                let name = toks[..i]
                    .iter()
                    .map(ToString::to_string)
                    .collect::<String>();
                (Some(name), toks[i + 1..].to_vec())
            }
            _ => (None, toks),
        };
        // tracing sigils: `%value`, `?value`.
        let value_toks: Vec<TokenTree> = match value_toks.first() {
            Some(TokenTree::Punct(p)) if p.as_char() == '%' || p.as_char() == '?' => {
                value_toks[1..].to_vec()
            }
            _ => value_toks,
        };
        let stream: TokenStream = value_toks.into_iter().collect();
        if stream.is_empty() {
            // `field` shorthand with no value, or a lone `%x` field name.
            if let Some(n) = &name {
                out.field_names.push(n.clone());
                out.fields.push((n.clone(), None));
            }
            continue;
        }
        let Ok(expr) = syn::parse2::<syn::Expr>(stream) else {
            continue;
        };
        if out.template.is_none()
            && name.is_none()
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &expr
        {
            out.inline = inline_names(&s.value());
            out.template = Some(s.clone());
            continue;
        }
        if let Some(n) = name {
            out.fields.push((n.clone(), Some(args.len())));
            out.field_names.push(n);
        }
        args.push(expr);
    }
    out.args = Rc::new(args);
    out
}

/// Names captured inline in a format string: `"{user} {0} {x:?} {{lit}}"` → `["user", "x"]`.
pub fn inline_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                continue;
            }
            let mut inner = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                inner.push(c);
            }
            let name = inner.split(':').next().unwrap_or("").trim();
            if !name.is_empty()
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                names.push(name.to_string());
            }
        } else if c == '}' && chars.peek() == Some(&'}') {
            chars.next();
        }
    }
    names
}

/// The expressions inside any macro whose body is a comma-separated list of expressions
/// (`vec![a, b]`, `assert!(x, "..")`, `query!("..", a)`), or `vec![x; n]`. `None` when the
/// body is not expressions (e.g. `macro_rules!`, `json!({..})`, `select! {..}`) or nests
/// deeper than [`MAX_BODY_NESTING`].
pub fn parse_expr_list(mac: &syn::Macro) -> Option<Vec<syn::Expr>> {
    if mac.tokens.is_empty() {
        return Some(Vec::new());
    }
    if nested_too_deep(&mac.tokens) {
        return None;
    }
    let shape = ListShape::of(&mac.tokens);
    if shape.impossible {
        return None;
    }
    if shape.semis == 0 {
        let list =
            Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone());
        return list.ok().map(|l| l.into_iter().collect());
    }
    if shape.semis > 1 {
        return None;
    }
    // `vec![elem; n]`
    let repeat = |input: syn::parse::ParseStream<'_>| -> syn::Result<Vec<syn::Expr>> {
        let elem: syn::Expr = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        let n: syn::Expr = input.parse()?;
        Ok(vec![elem, n])
    };
    repeat.parse2(mac.tokens.clone()).ok()
}

/// What the top level of a macro body says about it being a list of expressions, read
/// before parsing it: most bodies that are not (`quote!`, `cfg_if!`, bindings generators'
/// `link!("a.dll" "system" fn ..)`) show it in their first tokens, and a failed parse of
/// a long body costs as much as a good one.
struct ListShape {
    /// Top-level `;`s: none in a list, one in `[elem; n]`.
    semis: usize,
    /// Top-level tokens no expression list holds: `$`, `=>`, `#` not opening an attribute's
    /// `[..]`, two literals in a row.
    impossible: bool,
}

impl ListShape {
    fn of(tokens: &TokenStream) -> ListShape {
        let mut shape = ListShape {
            semis: 0,
            impossible: false,
        };
        let mut prev: Option<TokenTree> = None;
        // The `#` of `builtin # offset_of(..)`, which syn parses as an expression.
        let mut builtin_hash = false;
        for tt in tokens.clone() {
            let impossible = match (&prev, &tt) {
                (_, TokenTree::Punct(p)) if p.as_char() == '$' => true,
                (Some(TokenTree::Ident(id)), TokenTree::Punct(p))
                    if p.as_char() == '#' && id == "builtin" =>
                {
                    builtin_hash = true;
                    false
                }
                (Some(TokenTree::Punct(hash)), _) if hash.as_char() == '#' && builtin_hash => {
                    builtin_hash = false;
                    false
                }
                (Some(TokenTree::Punct(eq)), TokenTree::Punct(gt)) => {
                    eq.as_char() == '='
                        && eq.spacing() == proc_macro2::Spacing::Joint
                        && gt.as_char() == '>'
                }
                (Some(TokenTree::Punct(hash)), next) if hash.as_char() == '#' => !matches!(
                    next,
                    TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Bracket
                ),
                (Some(TokenTree::Literal(_)), TokenTree::Literal(_)) => true,
                _ => false,
            };
            if impossible {
                shape.impossible = true;
                return shape;
            }
            if let TokenTree::Punct(p) = &tt
                && p.as_char() == ';'
            {
                shape.semis += 1;
            }
            prev = Some(tt);
        }
        // A trailing `#` opens nothing.
        shape.impossible = matches!(&prev, Some(TokenTree::Punct(p)) if p.as_char() == '#');
        shape
    }
}

/// The expressions a rule should see inside a macro call: format-family bodies through
/// [`parse_format_args`] (template excluded), others through [`parse_expr_list`]. Cached
/// (see [`Cache`]).
pub fn body_exprs(mac: &syn::Macro) -> Rc<Vec<syn::Expr>> {
    let name = macro_name(mac);
    if name == "macro_rules" {
        return Rc::default();
    }
    if is_format_macro(&name) {
        return parse_format_args(mac).args.clone();
    }
    let cached = CACHE.with(|c| {
        let c = c.borrow();
        let entry = c.as_ref()?.exprs.get(&key(mac))?;
        (entry.0 == fingerprint(mac)).then(|| entry.1.clone())
    });
    if let Some(exprs) = cached {
        return exprs;
    }
    let exprs = Rc::new(parse_expr_list(mac).unwrap_or_default());
    CACHE.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            c.exprs.insert(key(mac), (fingerprint(mac), exprs.clone()));
        }
    });
    exprs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(src: &str) -> syn::Macro {
        syn::parse_str(src).unwrap()
    }

    #[test]
    fn deep_bodies_are_not_parsed() {
        let deep = |n: usize| mac(&format!("vec![{}1{}]", "vec![".repeat(n), "]".repeat(n)));
        assert_eq!(
            parse_expr_list(&deep(MAX_BODY_NESTING / 2)).map(|v| v.len()),
            Some(1)
        );
        assert!(parse_expr_list(&deep(MAX_BODY_NESTING + 1)).is_none());
        assert!(body_exprs(&deep(MAX_BODY_NESTING + 1)).is_empty());
        let fmt = mac(&format!(
            "format!(\"{{}}\", {}1{})",
            "(".repeat(MAX_BODY_NESTING + 1),
            ")".repeat(MAX_BODY_NESTING + 1)
        ));
        assert!(parse_format_args(&fmt).args.is_empty());
    }

    /// Bodies that cannot be expression lists are told apart before parsing, and what
    /// parses still parses.
    #[test]
    fn list_shapes() {
        let list = |src: &str| parse_expr_list(&mac(src)).map(|v| v.len());
        assert_eq!(list("vec![1, 2, 3]"), Some(3));
        assert_eq!(list("vec![0u8; 16]"), Some(2));
        assert_eq!(list("assert!(#[cfg(x)] a, \"m\")"), Some(2));
        assert_eq!(list("assert!(match x { A => 1, _ => 2 } == 1)"), Some(1));
        assert_eq!(list("assert!(x as u8 == 1, \"a\" )"), Some(2));
        assert_eq!(list("m!(builtin # offset_of(S, a), 1)"), Some(2));
        assert_eq!(list("m!(a; b; c)"), None);
        assert_eq!(list("m!(a, b;)"), None);
        for body in [
            "quote!(#name + 1)",
            "quote!(#(#items),*)",
            "m!($x)",
            "m!(A => 1)",
            "link!(\"kernel32.dll\" \"system\" fn f())",
            "m!(x #)",
        ] {
            let m = mac(body);
            assert!(ListShape::of(&m.tokens).impossible, "{body}");
            assert_eq!(parse_expr_list(&m).map(|v| v.len()), None, "{body}");
        }
        // Without the pre-check, syn rejects the same bodies.
        for body in [
            "quote!(#name + 1)",
            "m!($x)",
            "m!(A => 1)",
            "link!(\"a\" \"b\" fn f())",
        ] {
            let m = mac(body);
            let parsed =
                Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated.parse2(m.tokens.clone());
            assert!(parsed.is_err(), "{body}");
        }
    }

    #[test]
    fn format_args() {
        let fa = parse_format_args(&mac(r#"format!("{} {user} {{x}}", a.b, n = c)"#));
        assert_eq!(fa.template.as_ref().unwrap().value(), "{} {user} {{x}}");
        assert_eq!(fa.args.len(), 2);
        assert_eq!(fa.inline, ["user"]);
        assert_eq!(fa.field_names, ["n"]);
    }

    #[test]
    fn tracing_fields() {
        let fa = parse_format_args(&mac(
            r#"tracing::info!(target: "auth", user.id = %uid, token = ?tok, "login {}", x)"#,
        ));
        assert_eq!(fa.template.as_ref().unwrap().value(), "login {}");
        assert_eq!(fa.args.len(), 3);
        assert_eq!(fa.field_names, ["user.id", "token"]);
        assert_eq!(
            fa.fields,
            [
                ("user.id".to_string(), Some(0)),
                ("token".to_string(), Some(1))
            ]
        );
    }

    #[test]
    fn expr_lists() {
        assert_eq!(parse_expr_list(&mac("vec![0u8; n]")).unwrap().len(), 2);
        assert_eq!(parse_expr_list(&mac("vec![a, b, c]")).unwrap().len(), 3);
        assert!(parse_expr_list(&mac("select! { x = a => b }")).is_none());
    }
}
