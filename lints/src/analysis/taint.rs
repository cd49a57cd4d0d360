//! Taint-lite (RULES.md "untrusted value"): one forward pass over a function body that
//! tracks which local values derive from untrusted input, and tells the rules about every
//! call, method call and macro on the way ([`Event`]) together with the values of its
//! operands ([`Val`]).
//!
//! - Sources: non-`self` parameters (web extractors and request objects by their type),
//!   `env::args()`, `env::var(..)`, stdin, sockets, HTTP responses, file reads, zip/tar entry
//!   names.
//! - Propagation: `let` (with patterns), assignment, shadowing, block scopes, `format!`
//!   (positional, named and inline `{name}` arguments), `+`, `push_str`/`push`/`write!`,
//!   `join`, string/path conversions, field access, indexing, closures that capture, and
//!   across the branches of `if`/`match` and loop bodies (a value is untrusted after a branch
//!   if it is on any path).
//! - Cleared by literals, `.parse::<number>()` (the value is then only numeric), calls of
//!   allow-listed sanitizers (`Vocab::is_sanitizer`), `min`/`clamp`; `file_name()` makes a
//!   path safe to join; `canonicalize` + `starts_with`, `ParentDir` or `..` checks mark the
//!   function's paths as checked ([`State::path_checked`]).
//!
//! Linear: each expression is evaluated once; branches are merged through an undo log, not
//! by copying the environment.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::analysis::macros;
use crate::analysis::paths::{self, UseMap};
use crate::analysis::types;
use crate::analysis::vocab::Vocab;
use crate::fnlike::FnLike;

/// Deeper expressions are not analyzed (the checker reports nesting problems itself).
const MAX_DEPTH: usize = 256;
/// Known literal text of a value is kept up to this many bytes.
const MAX_TEXT: usize = 512;
/// The text of a constant: fixed, but unknown to the pass.
const CONST_TEXT: &str = "{const}";

/// Where an untrusted value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A non-`self` parameter: chosen by the caller, who may or may not be trusted.
    Param,
    /// A web framework extractor: axum/actix `Path<..>`, `Query`, `Json`, `Form`, ...
    Extractor,
    /// A request object or its parts: `HttpRequest`, `Request<..>`, `HeaderMap`, `Uri`.
    Request,
    /// An environment variable.
    Env,
    /// Command-line arguments.
    Args,
    /// Standard input.
    Stdin,
    /// A socket or an HTTP response body.
    Network,
    /// A file or a reader of unknown origin.
    Read,
    /// The name of a zip/tar archive entry.
    Archive,
}

impl SourceKind {
    /// Sources controlled by someone other than whoever runs or calls the code: web
    /// requests, the network, stdin, archive contents. Parameters, env vars, command-line
    /// arguments and file reads are the caller's or the operator's own choice (a build
    /// script's `OUT_DIR`, a CLI's input file) and count only when built into a larger value.
    pub fn is_remote(self) -> bool {
        matches!(
            self,
            SourceKind::Extractor
                | SourceKind::Request
                | SourceKind::Stdin
                | SourceKind::Network
                | SourceKind::Archive
        )
    }
}

/// The origin of an untrusted value, for the finding's "comes from here" label.
#[derive(Clone, Debug)]
pub struct Source {
    pub kind: SourceKind,
    pub span: Span,
    /// The parameter or binding name, or the source call (`env::var`).
    pub name: String,
    /// A parameter typed as a path (`&Path`, `PathBuf`, `impl AsRef<Path>`).
    pub path_typed: bool,
}

impl Source {
    /// The label for the source span.
    pub fn label(&self) -> String {
        let n = &self.name;
        match self.kind {
            SourceKind::Param => format!("`{n}` comes from a parameter here"),
            SourceKind::Extractor => format!("`{n}` comes from the request here"),
            SourceKind::Request => format!("`{n}` comes from the request here"),
            SourceKind::Env => "the value comes from an environment variable here".into(),
            SourceKind::Args => "the value comes from the command line here".into(),
            SourceKind::Stdin => "the value is read from stdin here".into(),
            SourceKind::Network => "the value is read from the network here".into(),
            SourceKind::Read => "the value is read from a file or stream here".into(),
            SourceKind::Archive => "the entry name comes from the archive here".into(),
        }
    }
}

/// How an untrusted value was built into a larger one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// `format!("..{x}..")`, `write!(s, "..{}", x)`.
    Interpolated,
    /// `a + &x`, `s += &x`.
    Concatenated,
    /// `s.push_str(&x)`, `path.push(x)`, `cmd.arg(x)`.
    Appended,
    /// `base.join(x)`.
    Joined,
}

/// One building step, for the finding's "interpolated here" label.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub kind: StepKind,
    pub span: Span,
}

impl Step {
    pub fn label(&self) -> &'static str {
        match self.kind {
            StepKind::Interpolated => "interpolated here",
            StepKind::Concatenated => "concatenated here",
            StepKind::Appended => "appended here",
            StepKind::Joined => "joined onto the path here",
        }
    }
}

/// What is known about an untrusted value.
#[derive(Clone, Debug)]
pub struct Taint {
    pub source: Rc<Source>,
    /// The last step that embedded the untrusted value in a larger string or path.
    pub step: Option<Step>,
    /// The literal text before the untrusted part, when known (`""`: the value starts with
    /// it). `https://` for `format!("https://{host}/x")`.
    pub head: Option<Rc<str>>,
    /// Some untrusted part follows other content (`base.join(x)`, `format!("{dir}/{x}")`).
    pub appended: bool,
    /// Only a number derives from the input (`.parse::<u32>()`, a numeric parameter).
    pub numeric: bool,
    /// Reduced to one path component (`file_name()`).
    pub path_safe: bool,
    /// Validated before use: compared against a bound (`n > MAX`), passed to a
    /// check-named function (`is_allowed(&url)`), its URL host inspected.
    pub checked: bool,
}

impl Taint {
    fn new(kind: SourceKind, span: Span, name: impl Into<String>) -> Taint {
        Taint {
            source: Rc::new(Source {
                kind,
                span,
                name: name.into(),
                path_typed: false,
            }),
            step: None,
            head: Some(Rc::from("")),
            appended: false,
            numeric: false,
            path_safe: false,
            checked: false,
        }
    }

    /// Untrusted text (not only a number derived from input).
    pub fn is_text(&self) -> bool {
        !self.numeric
    }

    /// Whether the value was built from the untrusted input (interpolated, concatenated,
    /// appended or joined) rather than passed through.
    pub fn is_built(&self) -> bool {
        self.step.is_some()
    }

    /// The common bar for a finding: the value was built from untrusted input, or it comes
    /// straight from a remote source.
    pub fn counts(&self) -> bool {
        self.is_built() || self.source.kind.is_remote()
    }

    /// Whether the untrusted part can decide a URL's scheme or host: it starts the value, or
    /// follows a literal scheme with no `/` (and no other interpolation) after it.
    pub fn controls_host(&self) -> bool {
        let Some(head) = &self.head else {
            return false;
        };
        if head.trim().is_empty() {
            return true;
        }
        match head.find("://") {
            Some(i) => {
                let authority = &head[i + 3..];
                !authority.contains(['/', '?', '#', '{'])
            }
            None => false,
        }
    }

    /// Whether the untrusted part was appended to a literal base (`"/srv/files"`,
    /// `format!("uploads/{name}")`, a constant): a fixed directory the value may escape.
    pub fn under_literal_base(&self) -> bool {
        self.appended
            && self
                .head
                .as_deref()
                .is_some_and(|h| !h.trim().is_empty() && !h.contains("{}"))
    }

    /// Labels for a finding: where the value comes from and where it was built.
    pub fn labels(&self) -> Vec<(Span, String)> {
        let mut out = vec![(self.source.span, self.source.label())];
        if let Some(step) = &self.step {
            out.push((step.span, step.label().to_string()));
        }
        out
    }

    fn rank(&self) -> (bool, bool, bool, bool) {
        (
            !self.numeric,
            self.step.is_some(),
            self.source.kind.is_remote(),
            !self.path_safe,
        )
    }
}

/// Merges two taints that both reach one value: the more telling one is kept for labels;
/// the value is numeric/path-safe/checked only if both are.
fn merge_taint(a: Option<&Taint>, b: Option<&Taint>) -> Option<Taint> {
    match (a, b) {
        (None, None) => None,
        (Some(t), None) | (None, Some(t)) => Some(t.clone()),
        (Some(x), Some(y)) => {
            let mut best = if y.rank() > x.rank() {
                y.clone()
            } else {
                x.clone()
            };
            best.numeric = x.numeric && y.numeric;
            best.path_safe = x.path_safe && y.path_safe;
            best.checked = x.checked && y.checked;
            best.appended = x.appended || y.appended;
            Some(best)
        }
    }
}

/// A stream whose whole content is untrusted and unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    Stdin,
    Socket,
    /// An HTTP request body.
    Body,
}

/// What kind of object a value is, where it matters to a rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Obj {
    #[default]
    None,
    Stream(StreamKind),
    /// A stream bounded by `.take(n)` or `Limited`.
    Bounded,
    /// A zip/tar archive.
    Archive,
    /// An iterator over archive entries (`archive.entries()`).
    ArchiveEntries,
    /// One archive entry (`by_index(i)`, an item of `entries()`).
    ArchiveEntry,
    /// An HTTP client (`reqwest::Client`, `ureq::Agent`).
    HttpClient,
    /// An HTTP request being built (`client.get(url)`, `ureq::get(url)`).
    HttpRequest,
    /// An HTTP response (`.send()`, `reqwest::get(..)`).
    Response,
}

/// The abstract value of an expression.
#[derive(Clone, Debug, Default)]
pub struct Val {
    pub taint: Option<Taint>,
    /// The literal text the value is built from, `{}` for unknown parts and `{const}` for
    /// constants (`"SELECT .. {}"`, `"sh -c {}"`); `None` when nothing is known.
    pub text: Option<Rc<str>>,
    pub obj: Obj,
    /// Returned by `canonicalize`.
    pub canonical: bool,
}

impl Val {
    fn lit(s: &str) -> Val {
        Val {
            text: Some(Rc::from(clip(s))),
            ..Val::default()
        }
    }

    fn obj(obj: Obj) -> Val {
        Val {
            obj,
            ..Val::default()
        }
    }

    fn tainted(t: Taint) -> Val {
        Val {
            taint: Some(t),
            ..Val::default()
        }
    }

    /// The untrusted text taint of this value, if any: numeric-only and validated
    /// (`checked`) taint excluded.
    pub fn text_taint(&self) -> Option<&Taint> {
        self.taint.as_ref().filter(|t| t.is_text() && !t.checked)
    }

    fn text_or_hole(&self) -> &str {
        self.text.as_deref().unwrap_or("{}")
    }

    /// The value without its object kind and literal text: what a field or element of it is.
    fn part(&self) -> Val {
        Val {
            taint: self.taint.clone(),
            ..Val::default()
        }
    }
}

fn clip(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn join_text(parts: &[&str], sep: &str) -> Rc<str> {
    Rc::from(clip(&parts.join(sep)))
}

/// The values of two control-flow paths joined.
fn merge_val(a: Option<&Val>, b: Option<&Val>) -> Val {
    match (a, b) {
        (None, None) => Val::default(),
        (Some(v), None) | (None, Some(v)) => v.clone(),
        (Some(x), Some(y)) => Val {
            taint: merge_taint(x.taint.as_ref(), y.taint.as_ref()),
            text: x.text.clone().or_else(|| y.text.clone()),
            obj: if x.obj == Obj::None { y.obj } else { x.obj },
            canonical: x.canonical && y.canonical,
        },
    }
}

/// Function-level facts gathered so far in the pass.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// A path containment check was seen: `canonicalize` + `starts_with` on the result, a
    /// `ParentDir` component test, or a `..` test on the text.
    pub path_checked: bool,
    /// A request's content length was compared against a bound.
    pub length_checked: bool,
    /// The function's declared return type, as token text (`Html<String>`).
    pub return_type: String,
}

/// What the pass tells the rules, in evaluation order.
pub enum Event<'e> {
    /// `path(args)`: the path with `use` aliases resolved.
    Call {
        call: &'e syn::ExprCall,
        path: &'e [String],
        args: &'e [Val],
    },
    /// `recv.method(args)`: the receiver's value before the call mutates it.
    Method {
        call: &'e syn::ExprMethodCall,
        recv: &'e Val,
        args: &'e [Val],
    },
    /// A macro call; `args` are its body's expressions (for `vec![x; n]`: `x`, `n`).
    Macro {
        mac: &'e syn::Macro,
        name: &'e str,
        /// `vec![x; n]` rather than a list.
        repeat: bool,
        args: &'e [Val],
    },
    /// A value the function returns (`return e`, or the body's tail expression).
    Return { expr: &'e syn::Expr, val: &'e Val },
}

/// Runs the pass over `f`'s body, calling `sink` for every event.
pub fn analyze(
    f: &FnLike<'_>,
    vocab: &Vocab,
    uses: &UseMap,
    sink: &mut dyn FnMut(&Event<'_>, &State),
) {
    let mut w = Walker {
        vocab,
        uses,
        env: HashMap::new(),
        log: Vec::new(),
        frames: 0,
        scopes: Vec::new(),
        state: State {
            return_type: match &f.sig.output {
                syn::ReturnType::Default => String::new(),
                syn::ReturnType::Type(_, ty) => types::type_text(ty),
            },
            ..State::default()
        },
        sink,
        depth: 0,
    };
    for p in f.params() {
        let val = param_val(p, &f.sig.generics, uses, f.is_async());
        w.bind(&p.pat, &val);
    }
    let tail = w.eval_block(f.block);
    if let Some(syn::Stmt::Expr(e, None)) = f.block.stmts.last() {
        (w.sink)(
            &Event::Return {
                expr: e,
                val: &tail,
            },
            &w.state,
        );
    }
}

/// Calls `f` with every method name, path segment and macro name in the body of `func`,
/// every identifier inside macro bodies and in the return type: a cheap pre-scan before
/// the pass. Nested items are skipped.
pub fn for_each_name(func: &FnLike<'_>, f: &mut dyn FnMut(&str)) {
    struct Scan<'f> {
        f: &'f mut dyn FnMut(&str),
        depth: usize,
        /// The name at hand, written into one buffer rather than a new `String` each.
        buf: String,
    }
    impl Scan<'_> {
        fn name(&mut self, i: &proc_macro2::Ident) {
            use std::fmt::Write as _;
            self.buf.clear();
            let _ = write!(self.buf, "{i}");
            (self.f)(&self.buf);
        }
        fn tokens(&mut self, ts: &TokenStream) {
            for tt in ts.clone() {
                match tt {
                    TokenTree::Ident(i) => self.name(&i),
                    TokenTree::Group(g) => self.tokens(&g.stream()),
                    _ => {}
                }
            }
        }
    }
    impl<'ast> Visit<'ast> for Scan<'_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            // as deep as the checker goes, no deeper
            if self.depth < crate::checker::MAX_EXPR_DEPTH {
                self.depth += 1;
                visit::visit_expr(self, e);
                self.depth -= 1;
            }
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.name(&m.method);
            visit::visit_expr_method_call(self, m);
        }
        fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
            self.name(&s.ident);
            visit::visit_path_segment(self, s);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            visit::visit_macro(self, m);
            self.tokens(&m.tokens);
        }
    }
    let mut scan = Scan {
        f,
        depth: 0,
        buf: String::new(),
    };
    if let syn::ReturnType::Type(_, ty) = &func.sig.output {
        scan.tokens(&quote::ToTokens::to_token_stream(ty));
    }
    scan.visit_block(func.block);
}

/// Extractor types whose value is request data (last path segment; `Path` only with
/// generic arguments, to tell axum's `Path<T>` from `std::path::Path`).
const EXTRACTORS: &[&str] = &[
    "Query",
    "Json",
    "Form",
    "RawQuery",
    "RawForm",
    "Multipart",
    "TypedHeader",
    "Host",
    "OriginalUri",
    "MatchedPath",
];

/// Request objects: every method on them yields request data.
const REQUEST_TYPES: &[&str] = &["HttpRequest", "Request", "ServiceRequest"];

/// Request parts, as handler parameters (in `async fn`s only: elsewhere these are as often
/// the parts of a request being built).
const REQUEST_PART_TYPES: &[&str] = &["HeaderMap", "Uri", "Parts"];

/// Request body streams.
const BODY_TYPES: &[&str] = &["Body", "Incoming", "BodyStream", "BoxBody"];

/// The value of a parameter, by its type.
fn param_val(p: &syn::PatType, generics: &syn::Generics, uses: &UseMap, is_async: bool) -> Val {
    let name = first_ident(&p.pat).unwrap_or_else(|| "_".to_string());
    let span = p.pat.span();
    let ty = peel_type(&p.ty);
    let text = types::type_text(ty);
    let (last, has_args, segs) = match ty {
        syn::Type::Path(tp) => {
            let last = tp.path.segments.last();
            let segs = uses.resolve(&tp.path);
            (
                segs.last().cloned().unwrap_or_default(),
                last.is_some_and(|s| !s.arguments.is_none()),
                segs,
            )
        }
        _ => (String::new(), false, Vec::new()),
    };
    let mk = |kind| Taint::new(kind, span, name.clone());
    if EXTRACTORS.contains(&last.as_str()) || (last == "Path" && has_args) {
        let mut t = mk(SourceKind::Extractor);
        t.numeric = generic_is_numeric(ty);
        return Val::tainted(t);
    }
    let web_payload = last == "Payload" && segs.iter().any(|s| s == "web" || s == "actix_web");
    if (BODY_TYPES.contains(&last.as_str()) || web_payload) && !segs.iter().any(|s| s == "syn") {
        return Val {
            taint: Some(mk(SourceKind::Request)),
            obj: Obj::Stream(StreamKind::Body),
            ..Val::default()
        };
    }
    if REQUEST_TYPES.contains(&last.as_str())
        || (is_async && REQUEST_PART_TYPES.contains(&last.as_str()))
    {
        let obj = if last == "Request" {
            Obj::Stream(StreamKind::Body)
        } else {
            Obj::None
        };
        return Val {
            taint: Some(mk(SourceKind::Request)),
            obj,
            ..Val::default()
        };
    }
    match last.as_str() {
        "State" | "Extension" | "Data" | "ConnectInfo" => return Val::default(),
        "TcpStream" | "UnixStream" | "TlsStream" | "SslStream" => {
            return Val::obj(Obj::Stream(StreamKind::Socket));
        }
        "ZipArchive" | "Archive" => return Val::obj(Obj::Archive),
        "Client" | "Agent" => return Val::obj(Obj::HttpClient),
        "bool" => return Val::default(),
        _ => {}
    }
    if matches!(
        ty,
        syn::Type::FnPtr(_) | syn::Type::ImplTrait(_) | syn::Type::TraitObject(_)
    ) && text.contains("Fn")
    {
        return Val::default();
    }
    let mut t = mk(SourceKind::Param);
    if types::num_of_type(ty).is_some() {
        t.numeric = true;
    }
    let path_typed = text.contains("Path") || generic_bound_mentions(generics, &last, "Path");
    if path_typed {
        Rc::make_mut(&mut t.source).path_typed = true;
    }
    Val::tainted(t)
}

fn peel_type(mut ty: &syn::Type) -> &syn::Type {
    loop {
        ty = match ty {
            syn::Type::Reference(r) => &r.elem,
            syn::Type::Paren(p) => &p.elem,
            syn::Type::Group(g) => &g.elem,
            _ => return ty,
        };
    }
}

/// `Path<u32>`, `Query<(u64, i32)>`: an extractor of numbers only.
fn generic_is_numeric(ty: &syn::Type) -> bool {
    let syn::Type::Path(tp) = ty else {
        return false;
    };
    let Some(seg) = tp.path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return false;
    };
    let numeric = |t: &syn::Type| match t {
        syn::Type::Tuple(tt) => {
            !tt.elems.is_empty() && tt.elems.iter().all(|e| types::num_of_type(e).is_some())
        }
        other => types::num_of_type(other).is_some(),
    };
    a.args.iter().all(|g| match g {
        syn::GenericArgument::Type(t) => numeric(t),
        _ => true,
    })
}

/// Whether the generic parameter `name` has a bound mentioning `word` (`P: AsRef<Path>`).
fn generic_bound_mentions(generics: &syn::Generics, name: &str, word: &str) -> bool {
    use quote::ToTokens;
    generics.params.iter().any(|g| match g {
        syn::GenericParam::Type(t) => {
            t.ident == name && t.bounds.to_token_stream().to_string().contains(word)
        }
        _ => false,
    }) || generics.where_clause.as_ref().is_some_and(|w| {
        w.predicates.iter().any(|p| {
            let s = p.to_token_stream().to_string();
            s.starts_with(&format!("{name} :")) && s.contains(word)
        })
    })
}

fn first_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(i) => Some(i.ident.to_string()),
        syn::Pat::Type(t) => first_ident(&t.pat),
        syn::Pat::Reference(r) => first_ident(&r.pat),
        syn::Pat::Paren(p) => first_ident(&p.pat),
        syn::Pat::TupleStruct(t) => t.elems.iter().find_map(first_ident),
        syn::Pat::Tuple(t) => t.elems.iter().find_map(first_ident),
        syn::Pat::Struct(s) => s.fields.iter().find_map(|f| first_ident(&f.pat)),
        syn::Pat::Slice(s) => s.elems.iter().find_map(first_ident),
        _ => None,
    }
}

/// The variable at the root of a place expression: `buf`, `req.sql`, `*out`, `v[0]`; and
/// whether the place is the variable itself.
fn place_root(expr: &syn::Expr) -> Option<(String, bool)> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let name = p.path.segments[0].ident.to_string();
            (name != "self").then_some((name, true))
        }
        syn::Expr::Reference(r) => place_root(&r.expr),
        syn::Expr::Paren(p) => place_root(&p.expr),
        syn::Expr::Group(g) => place_root(&g.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_root(&u.expr),
        syn::Expr::Field(f) => place_root(&f.base).map(|(n, _)| (n, false)),
        syn::Expr::Index(i) => place_root(&i.expr).map(|(n, _)| (n, false)),
        _ => None,
    }
}

/// Methods whose result is the receiver's value in another form.
fn is_passthrough_method(m: &str) -> bool {
    paths::is_transparent_method(m)
        || matches!(
            m,
            "into_owned"
                | "to_lowercase"
                | "to_uppercase"
                | "to_ascii_lowercase"
                | "to_ascii_uppercase"
                | "trim_start"
                | "trim_end"
                | "trim_matches"
                | "trim_start_matches"
                | "trim_end_matches"
                | "strip_prefix"
                | "strip_suffix"
                | "unwrap_unchecked"
                | "ok"
                | "ok_or"
                | "ok_or_else"
                | "map_err"
                | "context"
                | "with_context"
                | "cloned"
                | "copied"
                | "into_iter"
                | "get"
                | "get_mut"
                | "first"
                | "last"
                | "nth"
                | "next"
                | "skip"
                | "collect"
                | "filter"
                | "rev"
                | "chars"
                | "split"
                | "split_whitespace"
                | "splitn"
                | "rsplit"
                | "rsplitn"
                | "split_once"
                | "rsplit_once"
                | "as_path"
                | "as_os_str"
                | "to_path_buf"
                | "into_path_buf"
                | "into_os_string"
                | "to_str"
                | "to_string_lossy"
                | "into_string"
                | "display"
                | "parent"
                | "with_extension"
                | "with_file_name"
                | "into_inner"
                | "concat"
                | "repeat"
                | "lock"
                | "by_ref"
                | "as_mut"
                | "try_into"
                | "peekable"
                | "flatten"
                | "values"
                | "keys"
                | "iter_mut"
                | "remove"
                | "pop"
                | "swap_remove"
                | "lines"
                | "to_uppercase_lossy"
                | "decode"
                | "decode_utf8"
                | "decode_utf8_lossy"
                | "percent_decode"
                | "as_string"
        )
}

/// Methods that combine the receiver with their arguments (closures contribute their body).
fn is_combining_method(m: &str) -> bool {
    matches!(
        m,
        "map"
            | "and_then"
            | "or"
            | "or_else"
            | "unwrap_or"
            | "unwrap_or_else"
            | "map_or"
            | "map_or_else"
            | "filter_map"
            | "flat_map"
            | "chain"
            | "zip"
            | "get_or_insert"
            | "get_or_insert_with"
            | "entry"
            | "or_insert"
            | "or_insert_with"
            | "then"
            | "then_some"
            | "inspect"
            | "find"
            | "find_map"
    )
}

/// Methods that append their arguments to the receiver in place.
fn is_appending_method(m: &str) -> bool {
    matches!(
        m,
        "push_str"
            | "push"
            | "insert_str"
            | "extend"
            | "extend_from_slice"
            | "append"
            | "write_str"
            | "push_back"
            | "arg"
            | "args"
    )
}

/// Methods that read into their `&mut buf` argument.
fn is_read_into(m: &str) -> bool {
    matches!(
        m,
        "read_line"
            | "read_to_string"
            | "read_to_end"
            | "read_exact"
            | "read"
            | "read_buf"
            | "read_until"
    )
}

/// Methods that return request-body streams or their collected forms.
fn is_body_method(m: &str) -> bool {
    matches!(
        m,
        "into_body"
            | "body_mut"
            | "body"
            | "take_body"
            | "into_data_stream"
            | "collect"
            | "into_stream"
    )
}

/// Methods on request objects that return no request data.
fn is_request_clearing(m: &str) -> bool {
    matches!(
        m,
        "len"
            | "is_empty"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "contains"
            | "contains_key"
            | "starts_with"
            | "ends_with"
            | "eq"
            | "ne"
            | "method"
            | "version"
            | "extensions"
            | "app_data"
            | "state"
            | "peer_addr"
            | "connection_info"
            | "content_length"
    )
}

struct Walker<'v, 's> {
    vocab: &'v Vocab,
    uses: &'v UseMap,
    env: HashMap<String, Val>,
    /// Undo log of `env` changes while inside a branch: (name, value before).
    log: Vec<(String, Option<Val>)>,
    /// Open branch frames (the log is kept only inside one).
    frames: usize,
    /// Block scopes: names declared in the block with their value outside it.
    scopes: Vec<NameList>,
    state: State,
    sink: &'s mut dyn FnMut(&Event<'_>, &State),
    depth: usize,
}

type Finals = Vec<(String, Option<Val>)>;

/// Names with a value each, in insertion order, each name once; membership is a scan while
/// the list is short and a hash lookup once it is long (a block of ten thousand `let`s).
#[derive(Default)]
struct NameList {
    names: Finals,
    index: Option<HashSet<String>>,
}

impl NameList {
    const SCAN: usize = 32;

    fn contains(&self, name: &str) -> bool {
        match &self.index {
            Some(ix) => ix.contains(name),
            None => self.names.iter().any(|(n, _)| n == name),
        }
    }

    fn push(&mut self, name: String, val: Option<Val>) {
        if let Some(ix) = &mut self.index {
            ix.insert(name.clone());
        } else if self.names.len() >= Self::SCAN {
            let mut ix: HashSet<String> = self.names.iter().map(|(n, _)| n.clone()).collect();
            ix.insert(name.clone());
            self.index = Some(ix);
        }
        self.names.push((name, val));
    }
}

impl Walker<'_, '_> {
    fn get(&self, name: &str) -> Option<&Val> {
        self.env.get(name)
    }

    fn set(&mut self, name: &str, val: Option<Val>) {
        let old = match val {
            Some(v) => self.env.insert(name.to_string(), v),
            None => self.env.remove(name),
        };
        if self.frames > 0 {
            self.log.push((name.to_string(), old));
        }
    }

    /// A `let` binding: scoped to the innermost block.
    fn declare(&mut self, name: &str, val: Val) {
        let outer = self.env.get(name).cloned();
        if let Some(scope) = self.scopes.last_mut()
            && !scope.contains(name)
        {
            scope.push(name.to_string(), outer);
        }
        self.set(name, Some(val));
    }

    fn begin(&mut self) -> usize {
        self.frames += 1;
        self.log.len()
    }

    /// Undoes the changes since `mark` and returns the changed names with their values at
    /// the end of the branch.
    fn end(&mut self, mark: usize) -> Finals {
        let mut finals = NameList::default();
        while self.log.len() > mark {
            let Some((name, old)) = self.log.pop() else {
                break;
            };
            if !finals.contains(&name) {
                let last = self.env.get(&name).cloned();
                finals.push(name.clone(), last);
            }
            match old {
                Some(v) => self.env.insert(name, v),
                None => self.env.remove(&name),
            };
        }
        self.frames -= 1;
        finals.names
    }

    /// Joins the ends of alternative paths (`paths`), plus the path that skips them all
    /// when `may_skip`. For each changed name, its value is folded over the paths in order,
    /// `current` standing for a path that left it alone; merging `current` into a value
    /// that already holds it changes nothing, so a run of such paths takes at most two
    /// steps (a `match` of ten thousand arms is joined in time linear in what they change).
    fn join_paths(&mut self, paths: Vec<Finals>, may_skip: bool) {
        let count = paths.len();
        let mut names: Vec<String> = Vec::new();
        let mut on: HashMap<String, Vec<(usize, Option<Val>)>> = HashMap::new();
        for (i, p) in paths.into_iter().enumerate() {
            for (n, v) in p {
                match on.get_mut(&n) {
                    // A path's first entry for a name is its value.
                    Some(list) if list.last().is_some_and(|(j, _)| *j == i) => {}
                    Some(list) => list.push((i, v)),
                    None => {
                        names.push(n.clone());
                        on.insert(n, vec![(i, v)]);
                    }
                }
            }
        }
        for name in names {
            let Some(list) = on.remove(&name) else {
                continue;
            };
            let current = self.env.get(&name).cloned();
            let mut acc: Option<Val> = if may_skip { current.clone() } else { None };
            let mut first = !may_skip;
            let mut step = |acc: &mut Option<Val>, v: Option<Val>| {
                if first {
                    first = false;
                    *acc = v;
                } else {
                    *acc = Some(merge_val(acc.as_ref(), v.as_ref()));
                }
            };
            let mut next = 0;
            for (i, v) in list {
                for _ in 0..(i - next).min(2) {
                    step(&mut acc, current.clone());
                }
                step(&mut acc, v);
                next = i + 1;
            }
            for _ in 0..(count - next).min(2) {
                step(&mut acc, current.clone());
            }
            self.set(&name, acc);
        }
    }

    fn emit(&mut self, ev: &Event<'_>) {
        (self.sink)(ev, &self.state);
    }

    fn eval_block(&mut self, block: &syn::Block) -> Val {
        self.scopes.push(NameList::default());
        let mut last = Val::default();
        let n = block.stmts.len();
        for (i, stmt) in block.stmts.iter().enumerate() {
            let v = self.eval_stmt(stmt);
            if i + 1 == n && matches!(stmt, syn::Stmt::Expr(_, None)) {
                last = v;
            }
        }
        if let Some(scope) = self.scopes.pop() {
            for (name, outer) in scope.names.into_iter().rev() {
                self.set(&name, outer);
            }
        }
        last
    }

    fn eval_stmt(&mut self, stmt: &syn::Stmt) -> Val {
        match stmt {
            syn::Stmt::Local(l) => {
                let Some(init) = &l.init else {
                    self.bind(&l.pat, &Val::default());
                    return Val::default();
                };
                let val = self.eval(&init.expr);
                if let Some((_, diverge)) = &init.diverge {
                    let m = self.begin();
                    self.eval(diverge);
                    self.end(m);
                }
                self.bind(&l.pat, &val);
                Val::default()
            }
            syn::Stmt::Expr(e, _) => self.eval(e),
            syn::Stmt::Macro(m) => self.eval_macro(&m.mac),
            syn::Stmt::Item(_) => Val::default(),
        }
    }

    /// Binds every name in `pat` to `val` (destructuring keeps the whole value's taint).
    fn bind(&mut self, pat: &syn::Pat, val: &Val) {
        match pat {
            syn::Pat::Ident(i) => {
                if let Some((_, sub)) = &i.subpat {
                    self.bind(sub, val);
                }
                self.declare(&i.ident.to_string(), val.clone());
            }
            syn::Pat::Type(t) => {
                let mut v = val.clone();
                if types::num_of_type(&t.ty).is_some()
                    && let Some(taint) = &mut v.taint
                {
                    taint.numeric = true;
                }
                self.bind(&t.pat, &v);
            }
            syn::Pat::Reference(r) => self.bind(&r.pat, val),
            syn::Pat::Paren(p) => self.bind(&p.pat, val),
            syn::Pat::Tuple(t) => {
                for p in &t.elems {
                    self.bind(p, val);
                }
            }
            syn::Pat::TupleStruct(t) => {
                self.note_path(&t.path);
                for p in &t.elems {
                    self.bind(p, val);
                }
            }
            syn::Pat::Slice(s) => {
                let part = val.part();
                for p in &s.elems {
                    self.bind(p, &part);
                }
            }
            syn::Pat::Struct(s) => {
                let part = val.part();
                for f in &s.fields {
                    self.bind(&f.pat, &part);
                }
            }
            syn::Pat::Or(o) => {
                for p in &o.cases {
                    self.bind(p, val);
                }
            }
            syn::Pat::Guard(g) => {
                self.bind(&g.pat, val);
                self.eval(&g.guard);
            }
            syn::Pat::Path(p) => self.note_path(&p.path),
            _ => {}
        }
    }

    /// `Component::ParentDir`, `Component::Normal(_)`: a component check on a path.
    fn note_path(&mut self, path: &syn::Path) {
        let n = path.segments.len();
        let Some(last) = path.segments.last() else {
            return;
        };
        let component = n >= 2 && path.segments[n - 2].ident == "Component";
        if last.ident == "ParentDir"
            || (component && (last.ident == "Normal" || last.ident == "RootDir"))
        {
            self.state.path_checked = true;
        }
    }

    fn eval(&mut self, e: &syn::Expr) -> Val {
        if self.depth >= MAX_DEPTH {
            return Val::default();
        }
        self.depth += 1;
        let v = self.eval_inner(e);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &syn::Expr) -> Val {
        match e {
            syn::Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => Val::lit(&s.value()),
                syn::Lit::ByteStr(b) => Val::lit(&String::from_utf8_lossy(&b.value())),
                syn::Lit::Char(c) => Val::lit(&c.value().to_string()),
                _ => Val::default(),
            },
            syn::Expr::Path(p) => {
                self.note_path(&p.path);
                if p.qself.is_none() && p.path.segments.len() == 1 {
                    let name = p.path.segments[0].ident.to_string();
                    if let Some(v) = self.get(&name) {
                        return v.clone();
                    }
                    // a constant: fixed text, unknown here
                    if name.len() > 1
                        && name
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    {
                        return Val::lit(CONST_TEXT);
                    }
                }
                Val::default()
            }
            syn::Expr::Field(f) => {
                let base = self.eval(&f.base);
                Val {
                    taint: base.taint,
                    obj: base.obj,
                    ..Val::default()
                }
            }
            syn::Expr::Reference(r) => self.eval(&r.expr),
            syn::Expr::Paren(p) => self.eval(&p.expr),
            syn::Expr::Group(g) => self.eval(&g.expr),
            syn::Expr::Unary(u) => {
                let v = self.eval(&u.expr);
                match u.op {
                    syn::UnOp::Not(_) => Val::default(),
                    _ => v,
                }
            }
            syn::Expr::Try(t) => self.eval(&t.expr),
            syn::Expr::Await(a) => self.eval(&a.base),
            syn::Expr::Cast(c) => {
                let mut v = self.eval(&c.expr).part();
                if let Some(t) = &mut v.taint {
                    t.numeric = true;
                }
                v
            }
            syn::Expr::MethodCall(m) => self.eval_method(m),
            syn::Expr::Call(c) => self.eval_call(c),
            syn::Expr::Macro(m) => self.eval_macro(&m.mac),
            syn::Expr::Binary(b) => self.eval_binary(b),
            syn::Expr::Assign(a) => {
                let v = self.eval(&a.right);
                self.eval(&a.left);
                self.assign(&a.left, v, false);
                Val::default()
            }
            syn::Expr::Let(l) => {
                let v = self.eval(&l.expr);
                self.bind(&l.pat, &v);
                Val::default()
            }
            syn::Expr::If(i) => self.eval_if(i),
            syn::Expr::Match(m) => self.eval_match(m),
            syn::Expr::Block(b) => self.eval_block(&b.block),
            syn::Expr::Unsafe(u) => self.eval_block(&u.block),
            syn::Expr::Async(a) => self.eval_block(&a.block),
            syn::Expr::TryBlock(t) => self.eval_block(&t.block),
            syn::Expr::Const(_) => Val::default(),
            syn::Expr::Closure(c) => self.eval_closure(c, None),
            syn::Expr::ForLoop(f) => {
                let iter = self.eval(&f.expr);
                let elem = Val {
                    taint: iter.taint.clone(),
                    obj: match iter.obj {
                        Obj::ArchiveEntries => Obj::ArchiveEntry,
                        other => other,
                    },
                    ..Val::default()
                };
                let m = self.begin();
                self.scopes.push(NameList::default());
                self.bind(&f.pat, &elem);
                self.eval_block(&f.body);
                self.pop_scope();
                let fin = self.end(m);
                self.join_paths(vec![fin], true);
                Val::default()
            }
            syn::Expr::While(w) => {
                let m = self.begin();
                self.scopes.push(NameList::default());
                self.eval(&w.cond);
                self.eval_block(&w.body);
                self.pop_scope();
                let fin = self.end(m);
                self.join_paths(vec![fin], true);
                Val::default()
            }
            syn::Expr::Loop(l) => {
                let m = self.begin();
                let v = self.eval_block(&l.body);
                let fin = self.end(m);
                self.join_paths(vec![fin], true);
                v
            }
            syn::Expr::Index(i) => {
                let base = self.eval(&i.expr);
                self.eval(&i.index);
                base.part()
            }
            syn::Expr::Tuple(t) => self.eval_list(t.elems.iter()),
            syn::Expr::Array(a) => self.eval_list(a.elems.iter()),
            syn::Expr::Repeat(r) => {
                let v = self.eval(&r.expr);
                self.eval(&r.len);
                v.part()
            }
            syn::Expr::Struct(s) => {
                let mut v = self.eval_list(s.fields.iter().map(|f| &f.expr));
                if let Some(rest) = &s.rest {
                    let r = self.eval(rest);
                    v.taint = merge_taint(v.taint.as_ref(), r.taint.as_ref());
                }
                v.text = None;
                v
            }
            syn::Expr::Return(r) => {
                if let Some(x) = &r.expr {
                    let v = self.eval(x);
                    self.emit(&Event::Return { expr: x, val: &v });
                }
                Val::default()
            }
            syn::Expr::Break(b) => {
                if let Some(x) = &b.expr {
                    return self.eval(x);
                }
                Val::default()
            }
            syn::Expr::Yield(y) => {
                if let Some(x) = &y.expr {
                    self.eval(x);
                }
                Val::default()
            }
            syn::Expr::Range(r) => {
                if let Some(x) = &r.start {
                    self.eval(x);
                }
                if let Some(x) = &r.end {
                    self.eval(x);
                }
                Val::default()
            }
            _ => Val::default(),
        }
    }

    fn pop_scope(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            for (name, outer) in scope.names.into_iter().rev() {
                self.set(&name, outer);
            }
        }
    }

    /// Tuples, arrays, struct literals: the union of the elements; text joined by spaces.
    fn eval_list<'x>(&mut self, elems: impl Iterator<Item = &'x syn::Expr>) -> Val {
        let mut taint: Option<Taint> = None;
        let mut texts: Vec<Rc<str>> = Vec::new();
        for e in elems {
            let v = self.eval(e);
            taint = merge_taint(taint.as_ref(), v.taint.as_ref());
            texts.push(v.text.unwrap_or_else(|| Rc::from("{}")));
        }
        let parts: Vec<&str> = texts.iter().map(|t| &**t).collect();
        Val {
            taint,
            text: Some(join_text(&parts, " ")),
            ..Val::default()
        }
    }

    /// `place = v` (or a weak update of the variable at its root).
    fn assign(&mut self, place: &syn::Expr, v: Val, weak: bool) {
        let Some((name, whole)) = place_root(place) else {
            return;
        };
        let new = if whole && !weak {
            v
        } else {
            merge_val(self.get(&name), Some(&v))
        };
        self.set(&name, Some(new));
    }

    fn eval_if(&mut self, i: &syn::ExprIf) -> Val {
        self.scopes.push(NameList::default());
        self.eval(&i.cond);
        let m = self.begin();
        let tv = self.eval_block(&i.then_branch);
        let t = self.end(m);
        let (ev, e) = match &i.else_branch {
            Some((_, els)) => {
                let m = self.begin();
                let ev = self.eval(els);
                (Some(ev), self.end(m))
            }
            None => (None, Vec::new()),
        };
        let has_else = i.else_branch.is_some();
        self.join_paths(vec![t, e], false);
        self.pop_scope();
        if has_else {
            merge_val(Some(&tv), ev.as_ref())
        } else {
            Val::default()
        }
    }

    fn eval_match(&mut self, mt: &syn::ExprMatch) -> Val {
        let scrut = self.eval(&mt.expr);
        let mut ends = Vec::with_capacity(mt.arms.len());
        let mut result: Option<Val> = None;
        for arm in &mt.arms {
            let m = self.begin();
            self.scopes.push(NameList::default());
            self.bind(&arm.pat, &scrut);
            let v = self.eval(&arm.body);
            self.pop_scope();
            ends.push(self.end(m));
            result = Some(match result {
                None => v,
                Some(r) => merge_val(Some(&r), Some(&v)),
            });
        }
        let no_arms = ends.is_empty();
        self.join_paths(ends, no_arms);
        result.unwrap_or_default()
    }

    /// A closure's body, evaluated where it is written (its captures are read there); its
    /// parameters are bound to `param` (the receiver of `.map(|x| ..)`) or clean.
    fn eval_closure(&mut self, c: &syn::ExprClosure, param: Option<&Val>) -> Val {
        let m = self.begin();
        self.scopes.push(NameList::default());
        let pv = param.map(Val::part).unwrap_or_default();
        for p in &c.inputs {
            self.bind(p, &pv);
        }
        let v = self.eval(&c.body);
        self.pop_scope();
        let fin = self.end(m);
        self.join_paths(vec![fin], true);
        v
    }

    fn eval_binary(&mut self, b: &syn::ExprBinary) -> Val {
        let l = self.eval(&b.left);
        let r = self.eval(&b.right);
        match b.op {
            syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_) => {
                for side in [&*b.left, &*b.right] {
                    self.mark_checked(side);
                    if mentions_content_length(side, 0) {
                        self.state.length_checked = true;
                    }
                }
                Val::default()
            }
            syn::BinOp::Add(_) => concat(&l, &r, b.op.span()),
            syn::BinOp::AddAssign(_) => {
                let v = concat(&l, &r, b.op.span());
                self.assign(&b.left, v, false);
                Val::default()
            }
            syn::BinOp::Sub(_)
            | syn::BinOp::Mul(_)
            | syn::BinOp::Div(_)
            | syn::BinOp::Rem(_)
            | syn::BinOp::Shl(_)
            | syn::BinOp::Shr(_)
            | syn::BinOp::BitAnd(_)
            | syn::BinOp::BitOr(_)
            | syn::BinOp::BitXor(_) => Val {
                taint: merge_taint(l.taint.as_ref(), r.taint.as_ref()),
                ..Val::default()
            },
            syn::BinOp::SubAssign(_)
            | syn::BinOp::MulAssign(_)
            | syn::BinOp::DivAssign(_)
            | syn::BinOp::RemAssign(_)
            | syn::BinOp::ShlAssign(_)
            | syn::BinOp::ShrAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::BitOrAssign(_)
            | syn::BinOp::BitXorAssign(_) => {
                self.assign(&b.left, r, true);
                Val::default()
            }
            _ => Val::default(),
        }
    }

    /// `n > MAX`, `is_valid(&n)`: the variable `n` is validated from here on.
    fn mark_checked(&mut self, side: &syn::Expr) {
        let mut inner = paths::peel(side);
        for _ in 0..8 {
            inner = match inner {
                syn::Expr::Cast(c) => paths::peel(&c.expr),
                syn::Expr::MethodCall(m)
                    if m.args.is_empty() && is_passthrough_method(&m.method.to_string()) =>
                {
                    paths::peel(&m.receiver)
                }
                _ => break,
            };
        }
        if let Some((name, true)) = place_root(inner)
            && let Some(mut v) = self.get(&name).cloned()
            && let Some(t) = &mut v.taint
        {
            t.checked = true;
            self.set(&name, Some(v));
        }
    }

    fn eval_method(&mut self, m: &syn::ExprMethodCall) -> Val {
        let name = m.method.to_string();
        let recv = self.eval(&m.receiver);
        let args: Vec<Val> = m
            .args
            .iter()
            .map(|a| match a {
                syn::Expr::Closure(c) => self.eval_closure(c, Some(&recv)),
                other => self.eval(other),
            })
            .collect();
        let out = self.method_result(m, &name, &recv, &args);
        self.emit(&Event::Method {
            call: m,
            recv: &recv,
            args: &args,
        });
        // effects on the receiver and on `&mut` arguments
        if is_appending_method(&name) {
            let grown = append(&recv, &args, m.method.span(), &name);
            self.assign(&m.receiver, grown, false);
        } else if is_read_into(&name)
            && let Some(buf) = m.args.first()
        {
            self.read_into(&recv, buf, m.method.span());
        }
        out
    }

    /// `reader.read_line(&mut buf)`: `buf` now holds what `reader` yields.
    fn read_into(&mut self, reader: &Val, buf: &syn::Expr, span: Span) {
        let kind = match reader.obj {
            Obj::Stream(StreamKind::Stdin) => SourceKind::Stdin,
            Obj::Stream(StreamKind::Socket) => SourceKind::Network,
            Obj::Stream(StreamKind::Body) => SourceKind::Request,
            _ => reader
                .taint
                .as_ref()
                .map_or(SourceKind::Read, |t| match t.source.kind {
                    k @ (SourceKind::Stdin | SourceKind::Network | SourceKind::Request) => k,
                    _ => SourceKind::Read,
                }),
        };
        let Some((name, _)) = place_root(buf) else {
            return;
        };
        let v = Val::tainted(Taint::new(kind, span, name));
        self.assign(buf, v, false);
    }

    fn method_result(
        &mut self,
        m: &syn::ExprMethodCall,
        name: &str,
        recv: &Val,
        args: &[Val],
    ) -> Val {
        let span = m.method.span();
        if self.vocab.is_sanitizer(name) {
            return Val::default();
        }
        if self.vocab.is_check_fn(name) {
            // `validator.validate(&x)`, `x.validate()`
            self.mark_checked(&m.receiver);
            for a in &m.args {
                self.mark_checked(a);
            }
        }
        if matches!(name, "host_str" | "host" | "domain" | "authority") {
            // the URL's host is looked at: an allow-list check, presumably
            self.mark_checked(&m.receiver);
        }
        let entry_source = |kind| Val::tainted(Taint::new(kind, span, name.to_string()));
        // objects first: archives, HTTP clients and responses, streams
        match (recv.obj, name) {
            (Obj::ArchiveEntry, "name" | "path" | "path_bytes" | "link_name" | "name_raw") => {
                return entry_source(SourceKind::Archive);
            }
            (Obj::ArchiveEntry, "header" | "unwrap" | "expect") => return Val::obj(recv.obj),
            (Obj::Archive, "entries" | "entries_with_seek") => {
                return Val::obj(Obj::ArchiveEntries);
            }
            (Obj::HttpClient, "get" | "post" | "put" | "delete" | "patch" | "head" | "request") => {
                return Val::obj(Obj::HttpRequest);
            }
            (Obj::HttpClient, _) => return Val::obj(Obj::HttpClient),
            (Obj::HttpRequest, "send" | "call") | (Obj::Response, "error_for_status") => {
                return Val::obj(Obj::Response);
            }
            (Obj::HttpRequest, _) => return Val::obj(Obj::HttpRequest),
            (
                Obj::Response,
                "text" | "json" | "bytes" | "into_string" | "into_json" | "text_with_charset"
                | "into_reader" | "chunk" | "bytes_stream",
            ) => return entry_source(SourceKind::Network),
            (Obj::Stream(_), "take") => return Val::obj(Obj::Bounded),
            (Obj::Stream(_), n) if n.contains("limit") => return Val::obj(Obj::Bounded),
            (Obj::Stream(k), "lines") => {
                let kind = match k {
                    StreamKind::Stdin => SourceKind::Stdin,
                    StreamKind::Socket => SourceKind::Network,
                    StreamKind::Body => SourceKind::Request,
                };
                return entry_source(kind);
            }
            (Obj::Stream(k), n) if n.starts_with("read_") && !is_read_into(n) => {
                let kind = match k {
                    StreamKind::Stdin => SourceKind::Stdin,
                    StreamKind::Socket => SourceKind::Network,
                    StreamKind::Body => SourceKind::Request,
                };
                let mut t = Taint::new(kind, span, name.to_string());
                t.numeric = true;
                return Val::tainted(t);
            }
            (Obj::Stream(_) | Obj::Bounded, n) if is_passthrough_method(n) => return recv.clone(),
            (Obj::Stream(StreamKind::Body), n) if is_body_method(n) => return recv.clone(),
            _ => {}
        }
        match name {
            "by_index" | "by_name" | "by_index_raw" | "by_index_decrypt" | "by_name_decrypt" => {
                return Val::obj(Obj::ArchiveEntry);
            }
            "enclosed_name" | "mangled_name" | "sanitized_name" => return Val::default(),
            "accept" | "incoming" => return Val::obj(Obj::Stream(StreamKind::Socket)),
            "send" | "call" if recv.obj == Obj::HttpRequest => return Val::obj(Obj::Response),
            _ => {}
        }
        if is_body_method(name)
            && recv
                .taint
                .as_ref()
                .is_some_and(|t| t.source.kind == SourceKind::Request)
        {
            return Val {
                taint: recv.taint.clone(),
                obj: Obj::Stream(StreamKind::Body),
                ..Val::default()
            };
        }
        match name {
            "parse" => {
                let mut v = recv.part();
                if let Some(t) = &mut v.taint {
                    let numeric = m.turbofish.as_ref().is_some_and(|tf| {
                        tf.args.iter().any(|a| match a {
                            syn::GenericArgument::Type(ty) => types::num_of_type(ty).is_some(),
                            _ => false,
                        })
                    });
                    t.numeric |= numeric;
                }
                return v;
            }
            "min" | "clamp" => return Val::default(),
            "file_name" | "file_stem" | "extension" => {
                let mut v = recv.part();
                if let Some(t) = &mut v.taint {
                    t.path_safe = true;
                }
                return v;
            }
            "canonicalize" | "normalize" => {
                let mut v = recv.clone();
                v.canonical = true;
                return v;
            }
            "starts_with" => {
                if recv.canonical {
                    self.state.path_checked = true;
                }
                self.check_dotdot(m);
                return Val::default();
            }
            "contains" | "ends_with" | "find" | "matches" | "split" => self.check_dotdot(m),
            "join" => return join(recv, args.first(), span),
            "replace" | "replacen" => {
                let mut v = recv.clone();
                if let Some(with) = args.get(1)
                    && with.taint.is_some()
                {
                    let mut t = merge_taint(recv.taint.as_ref(), with.taint.as_ref());
                    if let Some(t) = &mut t {
                        t.step = Some(Step {
                            kind: StepKind::Concatenated,
                            span,
                        });
                        t.appended = true;
                    }
                    v.taint = t;
                }
                return v;
            }
            "from_be_bytes" | "from_le_bytes" | "from_ne_bytes" => {
                let mut v = args.first().map(Val::part).unwrap_or_default();
                if let Some(t) = &mut v.taint {
                    t.numeric = true;
                }
                return v;
            }
            _ => {}
        }
        if is_appending_method(name) && matches!(name, "arg" | "args") {
            return append(recv, args, span, name);
        }
        if is_passthrough_method(name) {
            return recv.clone();
        }
        if is_combining_method(name) {
            let mut v = recv.part();
            for a in args {
                v.taint = merge_taint(v.taint.as_ref(), a.taint.as_ref());
            }
            v.text.clone_from(&recv.text);
            return v;
        }
        // any other method on a request object yields request data
        if let Some(t) = &recv.taint
            && matches!(t.source.kind, SourceKind::Request | SourceKind::Extractor)
            && !is_request_clearing(name)
        {
            return recv.part();
        }
        Val::default()
    }

    /// `.contains("..")`, `.starts_with("../")`: a traversal check on the text.
    fn check_dotdot(&mut self, m: &syn::ExprMethodCall) {
        if m.args
            .first()
            .and_then(paths::lit_str)
            .is_some_and(|s| s.value().contains(".."))
        {
            self.state.path_checked = true;
        }
    }

    fn eval_call(&mut self, c: &syn::ExprCall) -> Val {
        let (segs, local) = match paths::peel(&c.func) {
            syn::Expr::Path(p) if p.qself.is_none() => {
                self.note_path(&p.path);
                let segs = self.uses.resolve(&p.path);
                let local = if p.path.segments.len() == 1 {
                    self.get(&p.path.segments[0].ident.to_string()).cloned()
                } else {
                    None
                };
                (segs, local)
            }
            other => {
                let v = self.eval(other);
                (Vec::new(), Some(v))
            }
        };
        let args: Vec<Val> = c
            .args
            .iter()
            .map(|a| match a {
                syn::Expr::Closure(cl) => self.eval_closure(cl, None),
                other => self.eval(other),
            })
            .collect();
        let out = match local {
            // a local closure (or fn value): what its body computed
            Some(v) => v,
            None => self.call_result(c, &segs, &args),
        };
        // `Read::read_to_string(&mut reader, &mut buf)`
        if let (Some(last), Some(reader), Some(buf)) =
            (segs.last(), args.first(), c.args.iter().nth(1))
            && segs.len() >= 2
            && is_read_into(last)
        {
            self.read_into(reader, buf, c.func.span());
        }
        self.emit(&Event::Call {
            call: c,
            path: &segs,
            args: &args,
        });
        out
    }

    fn call_result(&mut self, c: &syn::ExprCall, segs: &[String], args: &[Val]) -> Val {
        let Some(last) = segs.last().map(String::as_str) else {
            return Val::default();
        };
        let span = c.func.span();
        let source = |kind, name: &str| Val::tainted(Taint::new(kind, span, name.to_string()));
        let ends = |suffix: &[&str]| paths::ends_with(segs, suffix);
        if self.vocab.is_sanitizer(last) {
            return Val::default();
        }
        if self.vocab.is_check_fn(last) {
            // `if !is_allowed(&url) { return }`: the value is validated from here on
            for a in &c.args {
                self.mark_checked(a);
            }
        }
        if ends(&["env", "args"]) || ends(&["env", "args_os"]) {
            return source(SourceKind::Args, "env::args");
        }
        if ends(&["env", "var"])
            || ends(&["env", "var_os"])
            || ends(&["env", "vars"])
            || ends(&["dotenv", "var"])
            || ends(&["dotenvy", "var"])
        {
            return source(SourceKind::Env, "env::var");
        }
        if last == "stdin" && args.is_empty() {
            return Val::obj(Obj::Stream(StreamKind::Stdin));
        }
        if ends(&["fs", "read_to_string"]) || ends(&["fs", "read"]) {
            return source(SourceKind::Read, "fs::read");
        }
        if ends(&["TcpStream", "connect"]) || ends(&["UnixStream", "connect"]) {
            return Val::obj(Obj::Stream(StreamKind::Socket));
        }
        if ends(&["reqwest", "get"]) || ends(&["blocking", "get"]) {
            return Val::obj(Obj::Response);
        }
        if segs.first().is_some_and(|s| s == "ureq")
            && matches!(
                last,
                "get" | "post" | "put" | "delete" | "patch" | "head" | "request"
            )
        {
            return Val::obj(Obj::HttpRequest);
        }
        if ends(&["Client", "new"])
            || ends(&["Client", "builder"])
            || ends(&["ClientBuilder", "new"])
            || ends(&["ureq", "agent"])
            || ends(&["AgentBuilder", "new"])
        {
            return Val::obj(Obj::HttpClient);
        }
        if ends(&["ZipArchive", "new"]) || ends(&["Archive", "new"]) {
            return Val::obj(Obj::Archive);
        }
        if ends(&["Limited", "new"]) {
            return Val::obj(Obj::Bounded);
        }
        if matches!(last, "min" | "max" | "clamp") {
            return Val::default();
        }
        if matches!(last, "canonicalize" | "normalize") {
            let mut v = args.first().cloned().unwrap_or_default();
            v.canonical = true;
            return v;
        }
        if matches!(last, "from_be_bytes" | "from_le_bytes" | "from_ne_bytes")
            || (last.starts_with("read_") && segs.len() >= 2)
        {
            let mut v = args.first().map(Val::part).unwrap_or_default();
            if let Some(t) = &mut v.taint {
                t.numeric = true;
            }
            return v;
        }
        if args.is_empty() && matches!(last, "new" | "default") {
            return Val::lit("");
        }
        if last == "with_capacity" && args.len() < 2 {
            return Val::lit("");
        }
        let ctor = last.chars().next().is_some_and(char::is_uppercase);
        if ctor
            || matches!(
                last,
                "from"
                    | "new"
                    | "with_capacity"
                    | "from_str"
                    | "try_from"
                    | "parse"
                    | "from_utf8"
                    | "from_utf8_lossy"
                    | "from_utf8_unchecked"
                    | "decode"
                    | "percent_decode_str"
                    | "to_string"
                    | "to_owned"
                    | "into"
                    | "as_ref"
                    | "borrow"
                    | "clone"
                    | "take"
                    | "replace"
                    | "identity"
            )
        {
            // wrappers and conversions keep their (last, for `BufReader::with_capacity(n, r)`)
            // argument's value; a constructor of several arguments joins them
            if args.len() == 1 || matches!(last, "with_capacity") {
                return args.last().cloned().unwrap_or_default();
            }
            let mut v = Val::default();
            for a in args {
                v.taint = merge_taint(v.taint.as_ref(), a.taint.as_ref());
            }
            v.text = args.first().and_then(|a| a.text.clone());
            return v;
        }
        Val::default()
    }

    fn eval_macro(&mut self, mac: &syn::Macro) -> Val {
        let name = macros::macro_name(mac);
        match name.as_str() {
            "macro_rules" | "json" | "html" | "query" | "query_as" | "query_scalar" => {
                if name != "macro_rules" && name != "json" && name != "html" {
                    for e in macros::parse_expr_list(mac).unwrap_or_default() {
                        self.eval(&e);
                    }
                }
                return Val::default();
            }
            "concat" => {
                let parts: Vec<Val> = macros::parse_expr_list(mac)
                    .unwrap_or_default()
                    .iter()
                    .map(|e| self.eval(e))
                    .collect();
                let texts: Vec<&str> = parts.iter().map(Val::text_or_hole).collect();
                return Val {
                    text: Some(join_text(&texts, "")),
                    ..Val::default()
                };
            }
            _ => {}
        }
        if macros::is_format_macro(&name) {
            return self.eval_format(mac, &name);
        }
        let repeat = has_top_level_semi(&mac.tokens);
        let exprs = macros::parse_expr_list(mac).unwrap_or_default();
        let vals: Vec<Val> = exprs.iter().map(|e| self.eval(e)).collect();
        self.emit(&Event::Macro {
            mac,
            name: &name,
            repeat,
            args: &vals,
        });
        match name.as_str() {
            "vec" if repeat => vals.first().map(Val::part).unwrap_or_default(),
            "vec" => {
                let mut taint = None;
                let mut texts: Vec<&str> = Vec::new();
                for v in &vals {
                    taint = merge_taint(taint.as_ref(), v.taint.as_ref());
                    texts.push(v.text_or_hole());
                }
                Val {
                    taint,
                    text: Some(join_text(&texts, " ")),
                    ..Val::default()
                }
            }
            "dbg" => vals.into_iter().next().unwrap_or_default(),
            _ => Val::default(),
        }
    }

    /// `format!` and friends: the template with its placeholders resolved to the arguments.
    fn eval_format(&mut self, mac: &syn::Macro, name: &str) -> Val {
        let fa = macros::parse_format_args(mac);
        let vals: Vec<Val> = fa.args.iter().map(|e| self.eval(e)).collect();
        let is_write = matches!(name, "write" | "writeln");
        let (dest, fmt_vals) = if is_write && !vals.is_empty() {
            (fa.args.first(), &vals[1..])
        } else {
            (None, &vals[..])
        };
        self.emit(&Event::Macro {
            mac,
            name,
            repeat: false,
            args: &vals,
        });
        let Some(template) = &fa.template else {
            return Val::default();
        };
        let named = fa.field_names.len().min(fmt_vals.len());
        let positional = &fmt_vals[..fmt_vals.len() - named];
        let named_vals: Vec<(&str, &Val)> = fa
            .field_names
            .iter()
            .map(String::as_str)
            .zip(&fmt_vals[fmt_vals.len() - named..])
            .collect();
        let step_span = template.span();
        let text = template.value();
        let pieces = split_template(&text);
        let mut out = String::new();
        let mut taint: Option<Taint> = None;
        let mut next = 0usize;
        let mut holes = 0usize;
        let mut literal = false;
        for piece in &pieces {
            let spec = match piece {
                Piece::Lit(s) => {
                    literal |= !s.is_empty();
                    out.push_str(s);
                    continue;
                }
                Piece::Hole(spec) => spec,
            };
            holes += 1;
            let v: Option<Val> = if spec.is_empty() {
                next += 1;
                positional.get(next - 1).cloned()
            } else if let Ok(i) = spec.parse::<usize>() {
                positional.get(i).cloned()
            } else {
                named_vals
                    .iter()
                    .find(|(n, _)| *n == spec.as_str())
                    .map(|(_, v)| (*v).clone())
                    .or_else(|| self.get(spec).cloned())
            };
            let v = v.unwrap_or_default();
            if let Some(t) = &v.taint {
                let mut t = t.clone();
                if !out.is_empty() {
                    t.appended = true;
                }
                t.head = match &t.head {
                    Some(h) if taint.is_none() => Some(Rc::from(clip(&format!("{out}{h}")))),
                    _ if taint.is_none() => None,
                    h => h.clone(),
                };
                taint = if let Some(prev) = &taint {
                    let head = prev.head.clone();
                    let mut m = merge_taint(Some(prev), Some(&t));
                    if let Some(m) = &mut m {
                        m.head = head;
                    }
                    m
                } else {
                    Some(t)
                };
            }
            out.push_str(v.text_or_hole());
        }
        if let Some(t) = &mut taint
            && (literal || holes > 1)
        {
            t.step = Some(Step {
                kind: StepKind::Interpolated,
                span: step_span,
            });
        }
        let formatted = Val {
            taint,
            text: Some(Rc::from(clip(&out))),
            ..Val::default()
        };
        if let Some(dest) = dest {
            let base = vals.first().cloned().unwrap_or_default();
            let grown = append(&base, std::slice::from_ref(&formatted), step_span, "write");
            self.assign(dest, grown, false);
            return Val::default();
        }
        if matches!(name, "format" | "format_args") {
            formatted
        } else {
            Val::default()
        }
    }
}

/// `a + b` on strings (or numbers).
fn concat(l: &Val, r: &Val, span: Span) -> Val {
    let text = match (&l.text, &r.text) {
        (None, None) => None,
        _ => Some(join_text(&[l.text_or_hole(), r.text_or_hole()], "")),
    };
    let mut taint = merge_taint(l.taint.as_ref(), r.taint.as_ref());
    if let Some(t) = &mut taint {
        t.head = match (&l.taint, &l.text) {
            (Some(lt), _) => lt.head.clone(),
            (None, Some(lt)) => r
                .taint
                .as_ref()
                .and_then(|rt| rt.head.as_ref())
                .map(|h| Rc::from(clip(&format!("{lt}{h}")))),
            (None, None) => None,
        };
        let left_empty = l.taint.is_none() && l.text.as_deref() == Some("");
        if r.taint.is_some() && !left_empty {
            t.appended = true;
        }
        if !left_empty || l.taint.is_some() {
            t.step = Some(Step {
                kind: StepKind::Concatenated,
                span,
            });
        }
    }
    Val {
        taint,
        text,
        ..Val::default()
    }
}

/// `recv.push_str(x)`, `cmd.arg(x)`, `write!(recv, ..)`: the receiver grown by `args`.
fn append(recv: &Val, args: &[Val], span: Span, method: &str) -> Val {
    let sep = if matches!(method, "arg" | "args") {
        " "
    } else if method == "push" && recv.text.is_none() {
        "/"
    } else {
        ""
    };
    let mut parts: Vec<&str> = vec![recv.text_or_hole()];
    parts.extend(args.iter().map(Val::text_or_hole));
    let mut taint = recv.taint.clone();
    let recv_empty = recv.taint.is_none() && recv.text.as_deref().is_some_and(str::is_empty);
    for a in args {
        if let Some(at) = &a.taint {
            let mut at = at.clone();
            if !recv_empty {
                at.appended = true;
                at.head = if recv.taint.is_none() {
                    recv.text.clone()
                } else {
                    None
                };
                if at.step.is_none() || method != "write" {
                    at.step = Some(Step {
                        kind: StepKind::Appended,
                        span,
                    });
                }
            }
            taint = merge_taint(taint.as_ref(), Some(&at));
        }
    }
    Val {
        taint,
        text: Some(join_text(&parts, sep)),
        obj: recv.obj,
        canonical: false,
    }
}

/// `base.join(x)`: paths and string slices alike.
fn join(recv: &Val, arg: Option<&Val>, span: Span) -> Val {
    let Some(arg) = arg else {
        return recv.clone();
    };
    let mut taint = recv.taint.clone();
    if let Some(at) = &arg.taint {
        let mut at = at.clone();
        at.appended = true;
        at.head = if recv.taint.is_none() {
            recv.text.as_ref().map(|h| Rc::from(clip(&format!("{h}/"))))
        } else {
            None
        };
        at.step = Some(Step {
            kind: StepKind::Joined,
            span,
        });
        taint = merge_taint(taint.as_ref(), Some(&at));
    }
    Val {
        taint,
        text: Some(join_text(&[recv.text_or_hole(), arg.text_or_hole()], "/")),
        ..Val::default()
    }
}

enum Piece {
    Lit(String),
    /// The argument part of `{..}` (before `:`), trimmed.
    Hole(String),
}

fn split_template(t: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                lit.push('{');
                continue;
            }
            let mut inner = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                inner.push(c);
            }
            out.push(Piece::Lit(std::mem::take(&mut lit)));
            let arg = inner.split(':').next().unwrap_or("").trim().to_string();
            out.push(Piece::Hole(arg));
        } else if c == '}' && chars.peek() == Some(&'}') {
            chars.next();
            lit.push('}');
        } else {
            lit.push(c);
        }
    }
    out.push(Piece::Lit(lit));
    out
}

fn has_top_level_semi(ts: &TokenStream) -> bool {
    ts.clone()
        .into_iter()
        .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
}

/// Whether an expression mentions a content length (`req.content_length()`,
/// `headers.get(CONTENT_LENGTH)`, `"content-length"`).
fn mentions_content_length(e: &syn::Expr, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match e {
        syn::Expr::MethodCall(m) => {
            m.method == "content_length"
                || m.method == "size_hint"
                || mentions_content_length(&m.receiver, depth + 1)
                || m.args.iter().any(|a| mentions_content_length(a, depth + 1))
        }
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "CONTENT_LENGTH" || s.ident == "content_length"),
        syn::Expr::Lit(_) => {
            paths::lit_str(e).is_some_and(|s| s.value().eq_ignore_ascii_case("content-length"))
        }
        syn::Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(n) if n == "content_length")
                || mentions_content_length(&f.base, depth + 1)
        }
        syn::Expr::Paren(p) => mentions_content_length(&p.expr, depth + 1),
        syn::Expr::Reference(r) => mentions_content_length(&r.expr, depth + 1),
        syn::Expr::Try(t) => mentions_content_length(&t.expr, depth + 1),
        syn::Expr::Cast(c) => mentions_content_length(&c.expr, depth + 1),
        syn::Expr::Call(c) => c.args.iter().any(|a| mentions_content_length(a, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of the first argument of every `sink(..)` call in the first fn of `src`,
    /// with the state at that point.
    fn sinks(src: &str) -> Vec<(Val, State)> {
        let file = syn::parse_file(src).unwrap_or_else(|e| panic!("{e}"));
        let uses = UseMap::from_items(&file.items);
        let vocab = Vocab::default();
        let syn::Item::Fn(item) = &file
            .items
            .iter()
            .find(|i| matches!(i, syn::Item::Fn(_)))
            .unwrap()
        else {
            unreachable!()
        };
        let f = FnLike {
            attrs: &item.attrs,
            sig: &item.sig,
            block: &item.block,
            kind: crate::fnlike::FnKind::Free,
        };
        let mut out = Vec::new();
        analyze(&f, &vocab, &uses, &mut |ev, st| {
            if let Event::Call { path, args, .. } = ev
                && path.last().is_some_and(|s| s == "sink")
            {
                out.push((args.first().cloned().unwrap_or_default(), st.clone()));
            }
        });
        out
    }

    fn one(src: &str) -> Val {
        let mut all = sinks(src);
        assert_eq!(all.len(), 1, "expected one sink in {src}");
        all.remove(0).0
    }

    fn kind(v: &Val) -> Option<SourceKind> {
        v.taint.as_ref().map(|t| t.source.kind)
    }

    #[test]
    fn parameters_are_sources_self_is_not() {
        let v = one(
            "impl X { fn f(&self, name: &str) { sink(name) } }\nfn f(name: &str) { sink(name) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Param));
        assert!(!v.taint.as_ref().unwrap().is_built());
        assert_eq!(v.taint.unwrap().source.name, "name");
        assert!(
            one("fn f(&self) { sink(self.name.clone()) }")
                .taint
                .is_none()
        );
        assert!(one("fn f(flag: bool) { sink(flag) }").taint.is_none());
    }

    #[test]
    fn extractor_patterns() {
        let v = one(
            "async fn h(Query(params): Query<P>) { let n = params.get(\"n\").unwrap(); sink(n) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Extractor));
        assert_eq!(v.taint.unwrap().source.name, "params");
        let v = one("async fn h(Path(id): Path<u32>) { sink(id) }");
        assert!(v.taint.unwrap().numeric);
        let v = one(
            "async fn h(info: web::Json<Info>) { let name = &info.into_inner().name; sink(name) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Extractor));
        let v = one("fn h(p: &Path) { sink(p) }");
        assert_eq!(kind(&v), Some(SourceKind::Param));
        assert!(v.taint.unwrap().source.path_typed);
        assert!(
            one("async fn h(State(db): State<Db>) { sink(db) }")
                .taint
                .is_none()
        );
        let v = one(
            "async fn h(req: HttpRequest) { let id = req.match_info().query(\"id\"); sink(id) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Request));
    }

    #[test]
    fn other_sources() {
        let v = one("fn f() { let v = std::env::var(\"X\").unwrap(); sink(v) }");
        assert_eq!(kind(&v), Some(SourceKind::Env));
        let v = one("fn f() { let a: Vec<String> = env::args().collect(); sink(&a[1]) }");
        assert_eq!(kind(&v), Some(SourceKind::Args));
        let v = one(
            "fn f() { let mut s = String::new(); io::stdin().read_line(&mut s).unwrap(); sink(s.trim()) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Stdin));
        let v = one(
            "fn f(s: TcpStream) { let mut buf = [0u8; 4]; Read::read_exact(&mut s, &mut buf); sink(buf) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Network));
        let v = one(
            "async fn f(c: &reqwest::Client) { let r = c.get(U).send().await?; let t = r.text().await?; sink(t) }",
        );
        assert_eq!(kind(&v), Some(SourceKind::Network));
        let v = one("fn f(z: &mut ZipArchive<File>) { let e = z.by_index(0)?; sink(e.name()) }");
        assert_eq!(kind(&v), Some(SourceKind::Archive));
        assert!(
            one(
                "fn f(z: &mut ZipArchive<File>) { let e = z.by_index(0)?; sink(e.enclosed_name()) }"
            )
            .taint
            .is_none()
        );
    }

    #[test]
    fn format_interpolation() {
        let v = one("fn f(name: &str) { let q = format!(\"SELECT {} FROM t\", name); sink(&q) }");
        let t = v.taint.unwrap();
        assert_eq!(t.step.map(|s| s.kind), Some(StepKind::Interpolated));
        assert_eq!(v.text.as_deref(), Some("SELECT {} FROM t"));
        // inline captures and named arguments
        assert!(
            one("fn f(name: &str) { sink(format!(\"a {name} b\")) }")
                .taint
                .unwrap()
                .is_built()
        );
        assert!(
            one("fn f(name: &str) { sink(format!(\"a {n} b\", n = name)) }")
                .taint
                .unwrap()
                .is_built()
        );
        assert!(
            one("fn f(name: &str) { sink(format!(\"a {0} {0}\", name)) }")
                .taint
                .is_some()
        );
        // literal-only formats are clean; a bare `{}` passes through without a step
        assert!(
            one("fn f(name: &str) { sink(format!(\"a {} b\", LIMIT)) }")
                .taint
                .is_none()
        );
        assert!(
            !one("fn f(name: &str) { sink(format!(\"{}\", name)) }")
                .taint
                .unwrap()
                .is_built()
        );
        assert!(
            one("fn f(x: &str) { sink(concat!(\"a\", \"b\")) }")
                .taint
                .is_none()
        );
        // known text of a variable is substituted
        let v = one(
            "fn f(id: &str) { let base = \"SELECT * FROM t\"; sink(format!(\"{} WHERE id = {}\", base, id)) }",
        );
        assert_eq!(v.text.as_deref(), Some("SELECT * FROM t WHERE id = {}"));
    }

    #[test]
    fn concatenation_push_and_write() {
        let v = one("fn f(x: &str) { let s = \"a\".to_string() + x; sink(s) }");
        assert_eq!(
            v.taint.unwrap().step.map(|s| s.kind),
            Some(StepKind::Concatenated)
        );
        let v = one("fn f(x: &str) { let mut s = String::from(\"a\"); s.push_str(x); sink(&s) }");
        assert_eq!(
            v.taint.unwrap().step.map(|s| s.kind),
            Some(StepKind::Appended)
        );
        let v = one("fn f(x: &str) { let mut s = String::new(); s.push_str(x); sink(&s) }");
        assert!(
            !v.taint.unwrap().is_built(),
            "appending to an empty string is a copy"
        );
        let v = one(
            "fn f(x: &str) { let mut s = String::from(\"a\"); write!(s, \"b{}\", x).unwrap(); sink(s) }",
        );
        assert!(v.taint.unwrap().is_built());
        let v = one("fn f(x: &str) { let mut s = String::from(\"a\"); s += x; sink(s) }");
        assert!(v.taint.unwrap().is_built());
        let v = one("fn f(x: &[String]) { sink(x.join(\",\")) }");
        assert!(v.taint.is_some());
    }

    #[test]
    fn shadowing_reassignment_and_scopes() {
        assert!(
            one("fn f(x: &str) { let x = escape(x); sink(x) }")
                .taint
                .is_none()
        );
        assert!(
            one("fn f(x: &str) { let mut y = x.to_string(); y = \"lit\".into(); sink(y) }")
                .taint
                .is_none()
        );
        // a block-scoped shadow does not leak out
        let v = one("fn f(x: &str) { let y = \"lit\"; { let y = x; } sink(y) }");
        assert!(v.taint.is_none());
        let v = one("fn f(x: &str) { let y = x; { let y = \"lit\"; } sink(y) }");
        assert!(v.taint.is_some());
        // an assignment inside a block does leak out
        let v = one("fn f(x: &str) { let mut y = String::new(); { y = x.to_string(); } sink(y) }");
        assert!(v.taint.is_some());
    }

    #[test]
    fn branches_and_loops() {
        let v = one(
            "fn f(x: &str, c: bool) { let y = if c { x.to_string() } else { String::new() }; sink(y) }",
        );
        assert!(v.taint.is_some());
        let v = one(
            "fn f(x: &str, c: bool) { let mut y = String::new(); if c { y = x.into(); } sink(y) }",
        );
        assert!(v.taint.is_some());
        let v = one(
            "fn f(x: &str, c: bool) { let mut y = x.to_string(); if c { y = \"a\".into(); } else { y = \"b\".into(); } sink(y) }",
        );
        assert!(v.taint.is_none(), "cleared on every path");
        let v = one(
            "fn f(k: Kind) { let t = match k { Kind::A => \"a\", _ => \"b\" }; sink(format!(\"FROM {t}\")) }",
        );
        assert!(v.taint.is_none());
        let v =
            one("fn f(k: Kind, x: &str) { let t = match k { Kind::A => \"a\", _ => x }; sink(t) }");
        assert!(v.taint.is_some());
        let v = one(
            "fn f(xs: &[String]) { let mut q = String::from(\"IN (\"); for x in xs { q.push_str(x); } sink(q) }",
        );
        assert!(v.taint.unwrap().is_built());
        let v = one("fn f(x: Option<String>) { if let Some(v) = x { sink(v) } }");
        assert!(v.taint.is_some());
    }

    #[test]
    fn closures_capture() {
        let v = one("fn f(x: String) { let g = || format!(\"a {x}\"); sink(g()) }");
        assert!(v.taint.unwrap().is_built());
        let v = one(
            "fn f(xs: Vec<String>) { let ys: Vec<String> = xs.iter().map(|s| format!(\"'{s}'\")).collect(); sink(ys.join(\",\")) }",
        );
        assert!(v.taint.is_some());
        // a sink inside a closure body sees the captured value
        let v = one("fn f(x: String) { let g = move || sink(x.clone()); g(); }");
        assert!(v.taint.is_some());
    }

    #[test]
    fn numbers_are_not_text() {
        let v =
            one("fn f(s: &str) { let n = s.parse::<u32>().unwrap(); sink(format!(\"id = {n}\")) }");
        assert!(v.text_taint().is_none());
        let v = one("fn f(s: &str) { let n: usize = s.parse().unwrap(); sink(n) }");
        assert!(v.taint.unwrap().numeric);
        let v = one("fn f(s: &str) { let n: usize = s.parse().unwrap(); sink(n.min(10)) }");
        assert!(v.taint.is_none());
        let v = one(
            "fn f(s: &str) { let n: usize = s.parse().unwrap(); if n > 10 { return; } sink(n) }",
        );
        assert!(v.taint.unwrap().checked);
        let v = one("fn f(s: &str) { let n = s.len(); sink(n) }");
        assert!(v.taint.is_none());
    }

    #[test]
    fn paths() {
        let v = one("fn f(n: &str) { let p = Path::new(\"/srv\").join(n); sink(p) }");
        let t = v.taint.unwrap();
        assert_eq!(t.step.map(|s| s.kind), Some(StepKind::Joined));
        assert!(t.under_literal_base());
        let v = one("fn f(dir: &str) { sink(Path::new(dir).join(\"a.txt\")) }");
        assert!(!v.taint.unwrap().is_built());
        let v = one(
            "fn f(n: &str) { let p = Path::new(\"/srv\").join(Path::new(n).file_name().unwrap()); sink(p) }",
        );
        assert!(v.taint.unwrap().path_safe);
        let v = one("fn f(n: &str) { let mut p = PathBuf::from(\"/srv\"); p.push(n); sink(&p) }");
        assert!(v.taint.unwrap().under_literal_base());
        let (_, st) = sinks("fn f(n: &str) { let b = fs::canonicalize(B)?; let p = b.join(n).canonicalize()?; if !p.starts_with(&b) { return; } sink(p) }").remove(0);
        assert!(st.path_checked);
        let (_, st) = sinks("fn f(n: &str) { if Path::new(n).components().any(|c| c == Component::ParentDir) { return; } sink(n) }").remove(0);
        assert!(st.path_checked);
        let (_, st) = sinks("fn f(n: &str) { let p = Path::new(n); sink(p) }").remove(0);
        assert!(!st.path_checked);
    }

    #[test]
    fn url_heads() {
        let host = |src: &str| one(src).taint.unwrap().controls_host();
        assert!(host("fn f(u: &str) { sink(u) }"));
        assert!(host("fn f(h: &str) { sink(format!(\"http://{h}/api\")) }"));
        assert!(host(
            "fn f(h: &str) { sink(format!(\"https://{}.example.com\", h)) }"
        ));
        assert!(host("fn f(u: &str) { sink(u.to_string() + \"/x\") }"));
        assert!(!host(
            "fn f(p: &str) { sink(format!(\"https://api.example.com/users/{p}\")) }"
        ));
        assert!(!host(
            "fn f(p: &str) { sink(format!(\"http://{}{}\", ADDR, p)) }"
        ));
        assert!(!host("fn f(p: &str) { sink(format!(\"{}/{}\", BASE, p)) }"));
    }

    #[test]
    fn streams() {
        let obj = |src: &str| one(src).obj;
        assert_eq!(
            obj("fn f() { sink(io::stdin().lock()) }"),
            Obj::Stream(StreamKind::Stdin)
        );
        assert_eq!(
            obj("fn f(s: TcpStream) { sink(BufReader::new(s)) }"),
            Obj::Stream(StreamKind::Socket)
        );
        assert_eq!(obj("fn f(s: TcpStream) { sink(s.take(10)) }"), Obj::Bounded);
        assert_eq!(
            obj("fn f(r: Request<Body>) { sink(r.into_body()) }"),
            Obj::Stream(StreamKind::Body)
        );
        assert_eq!(
            obj("fn f(l: TcpListener) { for c in l.incoming() { sink(c?) } }"),
            Obj::Stream(StreamKind::Socket)
        );
    }

    #[test]
    fn sanitizers_and_checks() {
        assert!(
            one("fn f(x: &str) { sink(html_escape::encode_text(x)) }")
                .taint
                .is_none()
        );
        assert!(
            one("fn f(x: &str) { sink(regex::escape(x)) }")
                .taint
                .is_none()
        );
        let v = one("fn f(u: &str) { if !is_allowed(u) { return; } sink(u) }");
        assert!(v.text_taint().is_none());
        let v = one(
            "fn f(u: &str) { let url = Url::parse(u)?; if url.host_str() != Some(H) { return; } sink(url.as_str()) }",
        );
        assert!(v.text_taint().is_none());
    }

    /// The pass is linear: four times the statements costs about four times as much.
    #[test]
    fn linear_in_function_size() {
        use std::fmt::Write;
        fn body(n: usize) -> String {
            let mut s = String::from(
                "fn f(a: &str, b: Query<P>) {\n let mut q = String::from(\"SELECT\");\n",
            );
            for i in 0..n {
                let _ = write!(
                    s,
                    "let v{i} = format!(\"x {{}} {{}}\", a, {i});\nif v{i}.len() > {i} {{ q.push_str(&v{i}); }} else {{ q = b.0.clone(); }}\nmatch {i} {{ 0 => sink(&q), _ => {{ let w = v{i}.trim(); q += w; }} }}\n"
                );
            }
            s.push('}');
            s
        }
        let time = |n: usize| {
            let file = syn::parse_file(&body(n)).unwrap();
            let syn::Item::Fn(item) = &file.items[0] else {
                unreachable!()
            };
            let f = FnLike {
                attrs: &item.attrs,
                sig: &item.sig,
                block: &item.block,
                kind: crate::fnlike::FnKind::Free,
            };
            let uses = UseMap::default();
            let vocab = Vocab::default();
            (0..3)
                .map(|_| {
                    let start = std::time::Instant::now();
                    analyze(&f, &vocab, &uses, &mut |_, _| {});
                    start.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let small = time(250);
        let large = time(1000);
        assert!(
            large < small * 10,
            "1000 statements took {large:?}, 250 took {small:?}: not linear"
        );
    }

    /// `join_paths` before it was made linear: every changed name folded over every path.
    fn join_by_folding(
        env: &HashMap<String, Val>,
        paths: &[Finals],
        may_skip: bool,
    ) -> HashMap<String, Val> {
        let mut env = env.clone();
        let mut names: Vec<String> = Vec::new();
        for p in paths {
            for (n, _) in p {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        for name in names {
            let current = env.get(&name).cloned();
            let mut acc: Option<Val> = if may_skip { current.clone() } else { None };
            let mut first = !may_skip;
            for p in paths {
                let v = p
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or_else(|| current.clone(), |(_, v)| v.clone());
                acc = if first {
                    first = false;
                    v
                } else {
                    Some(merge_val(acc.as_ref(), v.as_ref()))
                };
            }
            match acc {
                Some(v) => env.insert(name, v),
                None => env.remove(&name),
            };
        }
        env
    }

    #[test]
    fn joins_agree_with_folding_over_every_path() {
        let taint = |kind, numeric, checked| {
            let mut t = Taint::new(kind, Span::call_site(), "x");
            t.numeric = numeric;
            t.checked = checked;
            t
        };
        let vals: Vec<Option<Val>> = vec![
            None,
            Some(Val::default()),
            Some(Val::lit("a")),
            Some(Val::lit("b")),
            Some(Val::obj(Obj::Archive)),
            Some(Val::tainted(taint(SourceKind::Env, false, false))),
            Some(Val::tainted(taint(SourceKind::Network, true, false))),
            Some(Val::tainted(taint(SourceKind::Param, false, true))),
            Some(Val {
                canonical: true,
                ..Val::lit("c")
            }),
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % n
        };
        let names = ["a", "b", "c", "d"];
        let vocab = Vocab::default();
        let uses = UseMap::default();
        let mut sink = |_: &Event<'_>, _: &State| {};
        for _ in 0..2000 {
            let mut env = HashMap::new();
            for n in names {
                if let Some(v) = vals[next(vals.len())].clone() {
                    env.insert(n.to_string(), v);
                }
            }
            let paths: Vec<Finals> = (0..next(7))
                .map(|_| {
                    let mut p: Finals = Vec::new();
                    for n in names {
                        if next(3) > 0 {
                            p.push((n.to_string(), vals[next(vals.len())].clone()));
                        }
                    }
                    if next(2) == 0 {
                        p.reverse();
                    }
                    p
                })
                .collect();
            let may_skip = next(2) == 0;
            let expected = join_by_folding(&env, &paths, may_skip);
            let mut w = Walker {
                vocab: &vocab,
                uses: &uses,
                env,
                log: Vec::new(),
                frames: 0,
                scopes: Vec::new(),
                state: State::default(),
                sink: &mut sink,
                depth: 0,
            };
            w.join_paths(paths, may_skip);
            for n in names {
                assert_eq!(
                    format!("{:?}", w.env.get(n)),
                    format!("{:?}", expected.get(n)),
                    "{n}"
                );
            }
        }
    }
}
