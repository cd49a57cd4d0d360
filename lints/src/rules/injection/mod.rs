//! The `injection` family. Every rule here stands on the shared taint-lite pass
//! (`analysis::taint`), run ONCE per function for all of them: the first injection rule
//! whose `check_fn` sees a function runs the pass with the sink checks of every injection
//! rule enabled there (and only when the body mentions one of their sinks).

rules! {
    sql_injection::SqlInjection,
    command_injection::CommandInjection,
    path_traversal::PathTraversal,
    archive_path_traversal::ArchivePathTraversal,
    html_injection::HtmlInjection,
    regex_injection::RegexInjection,
    ssrf::Ssrf,
}

use std::rc::Rc;

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::analysis::paths::{self, UseMap};
use crate::analysis::taint::{self, Event, Source, State, Taint, Val};
use crate::analysis::vocab::Vocab;
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::RuleMeta;

/// A finding found during the pass, reported after it.
pub(crate) struct Pending {
    pub meta: &'static RuleMeta,
    pub span: Span,
    pub message: String,
    pub labels: Vec<(Span, String)>,
    pub help: &'static str,
    pub note: Option<&'static str>,
    /// The source, to report one flow once (`create_dir_all(p)` then `File::create(p)`).
    pub source: Option<Rc<Source>>,
}

impl Pending {
    /// A finding at `span` with the taint's source and step labels.
    pub fn new(
        meta: &'static RuleMeta,
        span: Span,
        message: String,
        taint: &Taint,
        help: &'static str,
    ) -> Pending {
        Pending {
            meta,
            span,
            message,
            labels: taint.labels(),
            help,
            note: None,
            source: Some(Rc::clone(&taint.source)),
        }
    }

    /// Whether `out` already holds a finding of `meta` for the same source.
    pub fn seen(out: &[Pending], meta: &RuleMeta, taint: &Taint) -> bool {
        out.iter().any(|p| {
            std::ptr::eq(p.meta, meta)
                && p.source
                    .as_ref()
                    .is_some_and(|s| Rc::ptr_eq(s, &taint.source))
        })
    }
}

/// What a sink check reads besides the event: the vocabulary and the file's paths.
pub(crate) struct SinkCx<'a> {
    pub vocab: &'a Vocab,
    pub uses: &'a UseMap,
}

/// The sink check of one injection rule.
pub(crate) trait Sink: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Names (methods, path segments, macros) without which the rule has no sink in a body.
    /// A path segment may come from a `use` or a type alias of the file (`Cmd` for
    /// `Command`): the pre-filter looks through them.
    fn hints(&self) -> &'static [&'static str];
    /// `Event::Call` paths are resolved through the file's `use` items and type aliases.
    fn on_event(&self, ev: &Event<'_>, st: &State, cx: &SinkCx<'_>, out: &mut Vec<Pending>);
}

static SINKS: &[&dyn Sink] = &[
    &sql_injection::SqlInjection,
    &command_injection::CommandInjection,
    &path_traversal::PathTraversal,
    &archive_path_traversal::ArchivePathTraversal,
    &html_injection::HtmlInjection,
    &regex_injection::RegexInjection,
    &ssrf::Ssrf,
];

/// The `check_fn` of every injection rule: runs the shared pass once per function.
pub(crate) fn check_fn(cx: &mut Cx<'_>, f: &FnLike<'_>) {
    // test code feeds its own fixtures, not untrusted input
    if !cx.first_for_fn("injection", f.block) || cx.in_test() {
        return;
    }
    // A hint is a name written in `f` or a segment of the path a `use` or type alias of the
    // file gives such a name: in `f`'s text or the text of those (a cheap pre-check).
    let enabled: Vec<&dyn Sink> = SINKS
        .iter()
        .copied()
        .filter(|s| cx.enabled(s.meta()) && cx.fn_mentions_path(f, s.hints()))
        .collect();
    if enabled.is_empty() {
        return;
    }
    let mut hit = vec![false; enabled.len()];
    let uses = &cx.uses;
    taint::for_each_name(f, &mut |name| {
        // a name written in the body, or in the path a `use`/type alias of it stands for
        let target = uses.alias_target(name);
        let hints = |h: &[&str]| {
            h.contains(&name)
                || target
                    .as_ref()
                    .is_some_and(|t| t.iter().any(|seg| h.contains(&seg.as_str())))
        };
        for (i, s) in enabled.iter().enumerate() {
            if !hit[i] && hints(s.hints()) {
                hit[i] = true;
            }
        }
    });
    let active: Vec<&dyn Sink> = enabled
        .iter()
        .zip(&hit)
        .filter_map(|(s, h)| h.then_some(*s))
        .collect();
    if active.is_empty() {
        return;
    }
    let mut out = Vec::new();
    let scx = SinkCx {
        vocab: cx.vocab(),
        uses: &cx.uses,
    };
    taint::analyze(f, scx.vocab, scx.uses, &mut |ev, st| {
        // the pass resolves `use` aliases; a type alias (`type Sh = Command;`) is expanded
        // here
        let expanded;
        let ev = match ev {
            Event::Call { call, path, args } if is_type_alias(scx.uses, path) => {
                expanded = scx.uses.resolve_all_segments(path.to_vec());
                &Event::Call {
                    call,
                    path: &expanded,
                    args,
                }
            }
            _ => ev,
        };
        for s in &active {
            s.on_event(ev, st, &scx, &mut out);
        }
    });
    report(cx, out);
}

/// Whether the first segment of `path` (resolved through `use` items) is one of the file's
/// type aliases.
fn is_type_alias(uses: &UseMap, path: &[String]) -> bool {
    path.first()
        .is_some_and(|f| uses.get(f).is_none() && uses.type_alias(f).is_some())
}

/// Reports pending findings (shared with `unbounded_read`).
pub(crate) fn report(cx: &mut Cx<'_>, out: Vec<Pending>) {
    for p in out {
        let mut r = cx.report(p.meta, p.span, p.message);
        for (span, text) in p.labels {
            r = r.label(span, text);
        }
        r = r.help(p.help);
        if let Some(n) = p.note {
            r.note(n);
        }
    }
}

/// How a value is named in a message: `` `name` `` for a parameter or binding.
pub(crate) fn what(t: &Taint) -> String {
    match t.source.kind {
        taint::SourceKind::Param | taint::SourceKind::Extractor | taint::SourceKind::Request => {
            format!("untrusted value `{}`", t.source.name)
        }
        taint::SourceKind::Env => "a value from an environment variable".into(),
        taint::SourceKind::Args => "a command-line argument".into(),
        taint::SourceKind::Stdin => "input read from stdin".into(),
        taint::SourceKind::Network => "data read from the network".into(),
        taint::SourceKind::Read => "data read from a file or stream".into(),
        taint::SourceKind::Archive => "an archive entry name".into(),
    }
}

/// Which arguments of a filesystem call are paths; `write` tells whether it writes.
pub(crate) struct FsSink<'e> {
    pub span: Span,
    pub paths: Vec<&'e Val>,
    pub write: bool,
}

/// Filesystem functions under `fs` (std, tokio, async-std): (name, writes, path arguments).
const FS_FNS: &[(&str, bool, usize)] = &[
    ("read", false, 1),
    ("read_to_string", false, 1),
    ("read_dir", false, 1),
    ("read_link", false, 1),
    ("write", true, 1),
    ("remove_file", true, 1),
    ("remove_dir", true, 1),
    ("remove_dir_all", true, 1),
    ("create_dir", true, 1),
    ("create_dir_all", true, 1),
    ("copy", true, 2),
    ("rename", true, 2),
    ("hard_link", true, 2),
    ("symlink", true, 2),
    ("set_permissions", true, 1),
];

/// A call that opens, reads, writes or removes a file by path.
pub(crate) fn fs_sink<'e>(ev: &Event<'e>, uses: &UseMap) -> Option<FsSink<'e>> {
    match ev {
        Event::Call { call, path, args } => {
            let last = path.last()?.as_str();
            let ends = |s: &[&str]| paths::ends_with(path, s);
            let (write, n) = if path.len() >= 2 && path[path.len() - 2] == "fs" {
                let (_, w, n) = FS_FNS.iter().find(|(name, _, _)| *name == last)?;
                (*w, *n)
            } else if ends(&["File", "open"]) || ends(&["File", "open_buffered"]) {
                (false, 1)
            } else if ends(&["File", "create"])
                || ends(&["File", "create_new"])
                || ends(&["File", "create_buffered"])
            {
                (true, 1)
            } else if ends(&["NamedFile", "open"])
                || ends(&["NamedFile", "open_async"])
                || ends(&["ServeFile", "new"])
            {
                (false, 1)
            } else {
                return None;
            };
            Some(FsSink {
                span: call.func.span(),
                paths: args.iter().take(n).collect(),
                write,
            })
        }
        Event::Method { call, args, .. } if call.method == "open" && opens_options(call, uses) => {
            Some(FsSink {
                span: call.method.span(),
                paths: args.iter().take(1).collect(),
                write: true,
            })
        }
        _ => None,
    }
}

/// `OpenOptions::new()..open(p)`, `File::options()..open(p)`, `opts.open(p)`.
fn opens_options(call: &syn::ExprMethodCall, uses: &UseMap) -> bool {
    let mut e = &*call.receiver;
    for _ in 0..32 {
        match paths::peel(e) {
            syn::Expr::MethodCall(m) => e = &m.receiver,
            syn::Expr::Call(c) => {
                return match paths::peel(&c.func) {
                    syn::Expr::Path(p) => {
                        let segs = uses.resolve_all(&p.path);
                        paths::ends_with(&segs, &["OpenOptions", "new"])
                            || paths::ends_with(&segs, &["File", "options"])
                    }
                    _ => false,
                };
            }
            other => {
                return paths::expr_name(other).is_some_and(|n| {
                    let n = n.to_lowercase();
                    n.contains("option") || n.contains("opts")
                });
            }
        }
    }
    false
}

/// The span to point at for a method call or call event.
pub(crate) fn sink_span(ev: &Event<'_>) -> Span {
    match ev {
        Event::Call { call, .. } => call.func.span(),
        Event::Method { call, .. } => call.method.span(),
        Event::Macro { mac, .. } => mac.path.span(),
        Event::Return { expr, .. } => expr.span(),
    }
}
