use super::{Pending, Sink};
use crate::analysis::taint::{Event, SourceKind, State, StepKind};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags a filesystem call (`File::open/create`, `fs::read*`, `fs::write`,
    /// `fs::remove_*`, `fs::create_dir*`, `fs::copy/rename`, `OpenOptions::open`,
    /// `tokio::fs::*`, `NamedFile::open`, `ServeFile::new`) on a path that an untrusted
    /// value was joined, pushed or formatted into, when the function has no containment
    /// check: `canonicalize` + `starts_with` on the result, a component check rejecting
    /// `..` (`Component::ParentDir`, `contains("..")`), or reducing the value to
    /// `file_name()`.
    ///
    /// Untrusted: a value from a web request, stdin or the network (also as the whole path);
    /// a string parameter, env var or command-line argument appended to a literal base
    /// directory (`"/srv/files"`, `format!("uploads/{name}")`, a constant). Not flagged: a
    /// parameter typed as a path (`&Path`, `PathBuf`, `impl AsRef<Path>`), which is the
    /// caller's choice of file; a parameter, env var or argument used as the whole path (a
    /// CLI's input file) or as the base (`dir.join("config.toml")`, `$OUT_DIR`), or
    /// appended to a base that is itself a variable.
    ///
    /// ### Why is this bad?
    /// `base.join("../../etc/passwd")` climbs out of `base`, and `Path::join` with an
    /// absolute argument (`/etc/passwd`) replaces the base altogether: the user reads or
    /// overwrites any file the process can (CWE-22).
    ///
    /// ### Example
    /// ```rust,ignore
    /// async fn download(Path(name): Path<String>) -> std::io::Result<Vec<u8>> {
    ///     let file = std::path::Path::new("/srv/files").join(&name);
    ///     tokio::fs::read(file).await
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// async fn download(Path(name): Path<String>) -> std::io::Result<Vec<u8>> {
    ///     let base = std::fs::canonicalize("/srv/files")?;
    ///     let file = base.join(&name).canonicalize()?;
    ///     if !file.starts_with(&base) {
    ///         return Err(std::io::ErrorKind::PermissionDenied.into());
    ///     }
    ///     tokio::fs::read(file).await
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory
    /// - semgrep: `rust.actix.path-traversal.tainted-path`
    pub struct PathTraversal;
    name = "path_traversal",
    family = Injection,
    ai = Deny,
    human = Warn,
    cwe = 22,
    summary = "file path built from an untrusted value without a containment check",
}

impl Rule for PathTraversal {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

impl Sink for PathTraversal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &["fs", "File", "open", "NamedFile", "ServeFile"]
    }

    fn on_event(&self, ev: &Event<'_>, st: &State, cx: &super::SinkCx<'_>, out: &mut Vec<Pending>) {
        if st.path_checked {
            return;
        }
        let Some(sink) = super::fs_sink(ev, cx.uses) else {
            return;
        };
        for v in sink.paths {
            let Some(t) = v.text_taint() else {
                continue;
            };
            if Pending::seen(out, &Self::META, t)
                || t.path_safe
                || t.source.kind == SourceKind::Archive
            {
                continue;
            }
            let appended = t.is_built() && t.under_literal_base() && !t.source.path_typed;
            if !(appended || t.source.kind.is_remote()) {
                continue;
            }
            let mut p = Pending::new(
                &Self::META,
                sink.span,
                format!(
                    "{} reaches a file path with no containment check",
                    super::what(t)
                ),
                t,
                "canonicalize the path and check that it `starts_with` the base directory, or reject `..` and absolute components",
            );
            if t.step.is_some_and(|s| s.kind == StepKind::Joined) {
                p.note = Some(
                    "`Path::join` with an absolute path replaces the base, and `..` climbs out of it",
                );
            }
            out.push(p);
            return;
        }
    }
}
