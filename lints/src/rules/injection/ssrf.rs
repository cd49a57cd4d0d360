use super::{Pending, Sink};
use crate::analysis::paths;
use crate::analysis::taint::{Event, Obj, SourceKind, State, Val};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags an HTTP request (`reqwest::get`, `ureq::get`, `.get(..)/.post(..)/.put(..)/
    /// .delete(..)/.patch(..)/.head(..)/.request(method, ..)` on a client) whose URL's
    /// scheme or host comes from a web request, stdin or the network: the whole URL, or a
    /// URL built with the untrusted value at its start or in its host
    /// (`format!("http://{host}/api")`, `format!("{url}/x")`).
    ///
    /// Not flagged: a fixed scheme and host with an untrusted path or query
    /// (`format!("https://api.github.com/users/{name}")`); URLs from parameters, env vars
    /// or the command line (a client library's `fetch(url)`, a configured endpoint);
    /// numbers (a port from `.parse::<u16>()`); URLs whose host the function inspects
    /// (`url.host_str()`) or passes to a check-named function (`is_allowed(&url)`).
    ///
    /// ### Why is this bad?
    /// The server makes requests on the attacker's behalf, from inside the network:
    /// `http://169.254.169.254/` returns cloud credentials, `http://localhost:2375/` drives
    /// the Docker daemon, internal admin pages trust the source address (CWE-918).
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn preview(Query(q): Query<Preview>) -> reqwest::Result<String> {
    ///     reqwest::get(&q.url).await?.text().await
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn preview(Query(q): Query<Preview>) -> Result<String, Error> {
    ///     let url = url::Url::parse(&q.url)?;
    ///     if url.scheme() != "https" || !ALLOWED_HOSTS.contains(&url.host_str().unwrap_or("")) {
    ///         return Err(Error::Forbidden);
    ///     }
    ///     Ok(reqwest::get(url.as_str()).await?.text().await?)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-918: Server-Side Request Forgery (SSRF)
    /// - semgrep: `rust.lang.security.reqwest-ssrf`
    pub struct Ssrf;
    name = "ssrf",
    family = Injection,
    ai = Warn,
    human = Allow,
    cwe = 918,
    summary = "request to a URL whose host comes from untrusted input",
}

impl Rule for Ssrf {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

/// HTTP verbs that take the URL first (`request` takes it second).
const VERBS: &[&str] = &["get", "post", "put", "delete", "patch", "head", "request"];

/// Crates with free request functions (`reqwest::get`, `ureq::post`).
const CRATES: &[&str] = &["reqwest", "ureq", "surf", "isahc", "attohttpc", "minreq"];

impl Sink for Ssrf {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        VERBS
    }

    fn on_event(
        &self,
        ev: &Event<'_>,
        _st: &State,
        cx: &super::SinkCx<'_>,
        out: &mut Vec<Pending>,
    ) {
        let (verb, args) = match ev {
            Event::Call { path, args, .. } => {
                let Some(last) = path.last() else {
                    return;
                };
                let from_crate = path.len() >= 2 && CRATES.contains(&path[0].as_str());
                if !from_crate || !VERBS.contains(&last.as_str()) {
                    return;
                }
                (last.as_str(), *args)
            }
            Event::Method { call, recv, args } => {
                let name = call.method.to_string();
                let Some(verb) = VERBS.iter().find(|v| **v == name) else {
                    return;
                };
                let client = recv.obj == Obj::HttpClient
                    || paths::expr_name(&call.receiver)
                        .is_some_and(|n| cx.vocab.is_http_client_name(&n));
                if !client {
                    return;
                }
                (*verb, *args)
            }
            _ => return,
        };
        let url = if verb == "request" {
            args.get(1)
        } else {
            args.first()
        };
        let Some(t) = url.and_then(Val::text_taint) else {
            return;
        };
        if t.source.kind == SourceKind::Archive || !t.controls_host() {
            return;
        }
        if !t.source.kind.is_remote() {
            return;
        }
        out.push(Pending::new(
            &Self::META,
            super::sink_span(ev),
            format!("{} decides where this request goes", super::what(t)),
            t,
            "parse the URL and check its scheme and host against an allow-list before requesting it",
        ));
    }
}
