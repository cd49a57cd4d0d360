use super::{Pending, Sink};
use crate::analysis::paths;
use crate::analysis::taint::{Event, State};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags SQL built from untrusted input: a value from a parameter, a web extractor, an
    /// environment variable, the command line, stdin or the network that is interpolated
    /// (`format!`), concatenated (`+`, `push_str`, `write!`) into a string that reaches
    /// `query`, `query_as`, `query_scalar`, `execute`, `prepare`, `sql_query`, `raw_sql`,
    /// `batch_execute`, `query_row`, `simple_query` and the like (method or path call). A
    /// value from a web request, stdin or the network also counts when passed to the sink
    /// as the whole query. A parameter, env var or command-line argument passed straight
    /// through does not: the function then runs its caller's (or operator's) own query.
    ///
    /// The flow is followed through `let`s, shadowing, branches and closures within the
    /// function. Not flagged: `$1`/`?` placeholders with `.bind(..)` or driver parameters,
    /// formats with literal or constant arguments only, table names chosen by a `match`
    /// over literals, numbers (`.parse::<i64>()`), values passed through an allow-listed
    /// sanitizer. For the ambiguous method names (`query`, `execute`, `prepare`) the
    /// string must read as SQL (`SELECT .. FROM`, `WHERE`, `INSERT INTO`, ...).
    ///
    /// ### Why is this bad?
    /// Text pasted into SQL is parsed as SQL: `name = "x' OR '1'='1"` returns every row, and
    /// `"x'; DROP TABLE users; --"` runs a second statement (CWE-89). Assistants build
    /// queries with `format!` because it compiles and reads naturally.
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn find(Query(q): Query<Search>, db: &PgPool) -> sqlx::Result<Vec<User>> {
    ///     let sql = format!("SELECT * FROM users WHERE name = '{}'", q.name);
    ///     sqlx::query_as(&sql).fetch_all(db).await
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn find(Query(q): Query<Search>, db: &PgPool) -> sqlx::Result<Vec<User>> {
    ///     sqlx::query_as("SELECT * FROM users WHERE name = $1")
    ///         .bind(&q.name)
    ///         .fetch_all(db)
    ///         .await
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    /// - semgrep: `rust.lang.security.sqli`
    pub struct SqlInjection;
    name = "sql_injection",
    family = Injection,
    ai = Deny,
    human = Warn,
    cwe = 89,
    summary = "untrusted value built into a SQL query",
}

/// Methods that run SQL; the first argument is the query.
const METHODS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "execute",
    "prepare",
    "prepare_cached",
    "batch_execute",
    "execute_batch",
    "query_row",
    "query_one",
    "query_opt",
    "query_map",
    "simple_query",
    "execute_unprepared",
    "query_all",
];

/// Method names that run nothing but SQL.
const UNAMBIGUOUS: &[&str] = &[
    "batch_execute",
    "execute_batch",
    "query_row",
    "simple_query",
    "execute_unprepared",
    "prepare_cached",
    "sql_query",
    "raw_sql",
];

/// Free functions that take a query (`sqlx::query`, `diesel::sql_query`).
const FNS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "sql_query",
    "raw_sql",
];

/// Crates whose path calls are SQL for sure.
const SQL_CRATES: &[&str] = &[
    "sqlx",
    "diesel",
    "sea_orm",
    "sea_query",
    "rusqlite",
    "postgres",
];

impl Rule for SqlInjection {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

impl Sink for SqlInjection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &[
            "query",
            "query_as",
            "query_scalar",
            "execute",
            "prepare",
            "prepare_cached",
            "batch_execute",
            "execute_batch",
            "query_row",
            "query_one",
            "query_opt",
            "query_map",
            "simple_query",
            "execute_unprepared",
            "query_all",
            "query_with",
            "query_as_with",
            "query_scalar_with",
            "sql_query",
            "raw_sql",
        ]
    }

    fn on_event(
        &self,
        ev: &Event<'_>,
        _st: &State,
        cx: &super::SinkCx<'_>,
        out: &mut Vec<Pending>,
    ) {
        let (span, arg, expr, sure) = match ev {
            Event::Method { call, args, .. } => {
                let name = call.method.to_string();
                if !METHODS.contains(&name.as_str()) {
                    return;
                }
                let (Some(a), Some(e)) = (args.first(), call.args.first()) else {
                    return;
                };
                (
                    call.method.span(),
                    a,
                    e,
                    UNAMBIGUOUS.contains(&name.as_str()),
                )
            }
            Event::Call { call, path, args } => {
                let Some(last) = path.last() else {
                    return;
                };
                if !FNS.contains(&last.as_str()) {
                    return;
                }
                let (Some(a), Some(e)) = (args.first(), call.args.first()) else {
                    return;
                };
                let sure = path.iter().any(|s| SQL_CRATES.contains(&s.as_str()))
                    || UNAMBIGUOUS.contains(&last.as_str());
                (super::sink_span(ev), a, e, sure)
            }
            _ => return,
        };
        // `.query(&[("q", v)])` on an HTTP request builder is not SQL
        if matches!(
            paths::peel(expr),
            syn::Expr::Array(_) | syn::Expr::Tuple(_) | syn::Expr::Closure(_)
        ) {
            return;
        }
        let Some(t) = arg.text_taint() else {
            return;
        };
        if t.source.kind == crate::analysis::taint::SourceKind::Archive {
            return;
        }
        let sql_text = arg.text.as_deref().is_some_and(|s| cx.vocab.is_sql_text(s));
        let fires = if t.is_built() {
            sure || sql_text
        } else {
            t.source.kind.is_remote() && (sure || sql_text)
        };
        if !fires {
            return;
        }
        let how = if t.is_built() {
            "is built into"
        } else {
            "is used as"
        };
        out.push(Pending::new(
            &Self::META,
            span,
            format!("{} {how} a SQL query", super::what(t)),
            t,
            "pass the value as a bind parameter (`$1`/`?` with `.bind(..)` or the driver's params) instead of formatting it into the SQL",
        ));
    }
}
