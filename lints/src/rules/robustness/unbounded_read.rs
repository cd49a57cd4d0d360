use crate::analysis::paths;
use crate::analysis::taint::{self, Event, Obj, SourceKind, State, StreamKind, Val};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule};
use crate::rules::injection::Pending;

declare_rule! {
    /// ### What it does
    /// Flags reading a whole untrusted stream into memory with no bound:
    /// `read_to_end`/`read_to_string` on stdin, a socket (`TcpStream`, an accepted
    /// connection) or a request body, `to_bytes()`/`bytes()` on a request body,
    /// `hyper::body::to_bytes(body)`, `axum::body::to_bytes(body, usize::MAX)`; unless the
    /// stream went through `.take(limit)` or `Limited::new(..)`, or the function compares
    /// the content length against a bound. Also flags allocations sized by untrusted
    /// input: `Vec::with_capacity(n)`, `String::with_capacity(n)`, `vec![x; n]`,
    /// `reserve(n)`, `resize(n, ..)` where `n` comes from a web request, stdin or the
    /// network (a length prefix read off a socket) and was not compared against a bound or
    /// capped with `min`/`clamp`. File reads, and sizes from parameters, env vars or the
    /// command line, are not flagged.
    ///
    /// ### Why is this bad?
    /// One client sending a multi-gigabyte body, or a 4-byte length prefix of `0xFFFFFFFF`,
    /// makes the process allocate until it is killed: a denial of service for every other
    /// user (CWE-400, CWE-789).
    ///
    /// ### Example
    /// ```rust,ignore
    /// use std::io::Read;
    ///
    /// fn handle(mut stream: std::net::TcpStream) -> std::io::Result<Vec<u8>> {
    ///     let mut buf = Vec::new();
    ///     stream.read_to_end(&mut buf)?;
    ///     Ok(buf)
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// use std::io::Read;
    ///
    /// const MAX_MESSAGE: u64 = 1 << 20;
    ///
    /// fn handle(stream: std::net::TcpStream) -> std::io::Result<Vec<u8>> {
    ///     let mut buf = Vec::new();
    ///     stream.take(MAX_MESSAGE).read_to_end(&mut buf)?;
    ///     Ok(buf)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - CWE-789: Memory Allocation with Excessive Size Value
    pub struct UnboundedRead;
    name = "unbounded_read",
    family = Robustness,
    ai = Deny,
    human = Allow,
    cwe = 400,
    summary = "untrusted stream read whole, or allocation sized by untrusted input",
}

const HINTS: &[&str] = &[
    "read_to_end",
    "read_to_string",
    "to_bytes",
    "with_capacity",
    "reserve",
    "reserve_exact",
    "resize",
    "vec",
];

impl Rule for UnboundedRead {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        // `HINTS` are names `for_each_name` gives (identifiers written in `f`), or segments a
        // `use` of the file gives a name written in `f` (`use axum::body::to_bytes as
        // collect;`): in `f`'s text or the file's `use` trees, a cheaper pre-check
        if !cx.enabled(&Self::META) || !cx.fn_mentions_path(f, HINTS) {
            return;
        }
        let mut hit = false;
        let uses = &cx.uses;
        taint::for_each_name(f, &mut |n| {
            hit = hit || HINTS.contains(&n) || uses.alias_mentions(n, HINTS);
        });
        if !hit {
            return;
        }
        let mut out = Vec::new();
        taint::analyze(f, cx.vocab(), &cx.uses, &mut |ev, st| {
            on_event(ev, st, &mut out);
        });
        crate::rules::injection::report(cx, out);
    }
}

fn stream_name(k: StreamKind) -> &'static str {
    match k {
        StreamKind::Stdin => "stdin",
        StreamKind::Socket => "a socket",
        StreamKind::Body => "the request body",
    }
}

fn read_finding(span: proc_macro2::Span, what: &str, k: StreamKind) -> Pending {
    Pending {
        meta: &UnboundedRead::META,
        span,
        message: format!(
            "`{what}` reads all of {} into memory with no size limit",
            stream_name(k)
        ),
        labels: Vec::new(),
        help: "bound the read with `.take(limit)` (or `http_body_util::Limited`, a body limit) and reject larger input",
        note: None,
        source: None,
    }
}

/// An allocation size from untrusted input (numbers included), not bounded.
fn untrusted_size(v: &Val) -> Option<&taint::Taint> {
    let t = v.taint.as_ref()?;
    (t.source.kind.is_remote() && t.source.kind != SourceKind::Archive && !t.checked).then_some(t)
}

fn size_finding(span: proc_macro2::Span, t: &taint::Taint) -> Pending {
    Pending {
        meta: &UnboundedRead::META,
        span,
        message: "allocation size comes from untrusted input".to_string(),
        labels: t.labels(),
        help: "reject sizes above a limit before allocating, or cap the size with `.min(MAX)`",
        note: None,
        source: Some(std::rc::Rc::clone(&t.source)),
    }
}

fn on_event(ev: &Event<'_>, st: &State, out: &mut Vec<Pending>) {
    match ev {
        Event::Method { call, recv, args } => {
            let name = call.method.to_string();
            match (name.as_str(), recv.obj) {
                ("read_to_end" | "read_to_string", Obj::Stream(k)) if !st.length_checked => {
                    out.push(read_finding(call.method.span(), &name, k));
                }
                ("to_bytes", Obj::Stream(StreamKind::Body)) if !st.length_checked => {
                    out.push(read_finding(call.method.span(), &name, StreamKind::Body));
                }
                ("reserve" | "reserve_exact" | "resize" | "with_capacity", _) => {
                    if let Some(t) = args.first().and_then(untrusted_size) {
                        out.push(size_finding(call.method.span(), t));
                    }
                }
                _ => {}
            }
        }
        Event::Call { call, path, args } => {
            let last = path.last().map_or("", String::as_str);
            if last == "to_bytes"
                && let Some(body) = args.first()
                && body.obj == Obj::Stream(StreamKind::Body)
                && !st.length_checked
            {
                // axum's `to_bytes(body, limit)` is bounded unless the limit is `usize::MAX`
                let unbounded = call.args.len() < 2
                    || call.args.iter().nth(1).is_some_and(|l| {
                        matches!(paths::peel(l), syn::Expr::Path(p)
                            if p.path.segments.last().is_some_and(|s| s.ident == "MAX"))
                    });
                if unbounded {
                    out.push(read_finding(
                        crate::rules::injection::sink_span(ev),
                        "to_bytes",
                        StreamKind::Body,
                    ));
                }
            }
            if last == "with_capacity"
                && path.len() >= 2
                && let Some(t) = args.last().and_then(untrusted_size)
                && args.len() == 1
            {
                out.push(size_finding(crate::rules::injection::sink_span(ev), t));
            }
        }
        Event::Macro {
            name, repeat, args, ..
        } if *name == "vec" && *repeat => {
            if let Some(t) = args.get(1).and_then(untrusted_size) {
                out.push(size_finding(crate::rules::injection::sink_span(ev), t));
            }
        }
        _ => {}
    }
}
