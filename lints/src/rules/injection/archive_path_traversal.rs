use super::{Pending, Sink};
use crate::analysis::taint::{Event, SourceKind, State};
use crate::cx::Cx;
use crate::fnlike::FnLike;
use crate::rule::{NodeKind, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Flags zip/tar extraction ("zip slip"): an entry's own name (`file.name()`,
    /// `entry.path()`, `entry.header().path()`, `path_bytes()`) joined onto a directory and
    /// written (`File::create`, `fs::write`, `fs::create_dir_all`, `OpenOptions::open`,
    /// `entry.unpack(..)`) without `enclosed_name()`/`mangled_name()`, a sanitizer, or a
    /// component check rejecting `..` in the function.
    ///
    /// ### Why is this bad?
    /// Archive entry names are chosen by whoever made the archive: `../../.ssh/authorized_keys`
    /// or `/etc/cron.d/x` writes outside the target directory (CWE-22). The crates provide
    /// safe accessors, but the obvious `dir.join(file.name())` is what assistants write.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn extract(archive: &mut zip::ZipArchive<std::fs::File>, dir: &std::path::Path) -> std::io::Result<()> {
    ///     for i in 0..archive.len() {
    ///         let mut file = archive.by_index(i)?;
    ///         let out = dir.join(file.name());
    ///         std::io::copy(&mut file, &mut std::fs::File::create(&out)?)?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn extract(archive: &mut zip::ZipArchive<std::fs::File>, dir: &std::path::Path) -> std::io::Result<()> {
    ///     for i in 0..archive.len() {
    ///         let mut file = archive.by_index(i)?;
    ///         let Some(name) = file.enclosed_name() else { continue };
    ///         let out = dir.join(name);
    ///         std::io::copy(&mut file, &mut std::fs::File::create(&out)?)?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory ("Zip Slip")
    /// - semgrep: `rust.lang.security.zip-slip`
    pub struct ArchivePathTraversal;
    name = "archive_path_traversal",
    family = Injection,
    ai = Deny,
    human = Warn,
    cwe = 22,
    summary = "archive entry name joined into a path and written without `enclosed_name()`",
}

impl Rule for ArchivePathTraversal {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        super::check_fn(cx, f);
    }
}

impl Sink for ArchivePathTraversal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn hints(&self) -> &'static [&'static str] {
        &[
            "by_index",
            "by_name",
            "by_index_raw",
            "by_index_decrypt",
            "entries",
            "ZipArchive",
            "Archive",
        ]
    }

    fn on_event(&self, ev: &Event<'_>, st: &State, cx: &super::SinkCx<'_>, out: &mut Vec<Pending>) {
        if st.path_checked {
            return;
        }
        let (span, paths) = match super::fs_sink(ev, cx.uses) {
            Some(s) if s.write => (s.span, s.paths),
            Some(_) => return,
            None => match ev {
                Event::Method { call, args, .. } if call.method == "unpack" => {
                    (call.method.span(), args.iter().take(1).collect())
                }
                _ => return,
            },
        };
        for v in paths {
            let Some(t) = v.text_taint() else {
                continue;
            };
            if Pending::seen(out, &Self::META, t)
                || t.path_safe
                || t.source.kind != SourceKind::Archive
            {
                continue;
            }
            out.push(Pending::new(
                &Self::META,
                span,
                "an archive entry's name is used in a path that is written".to_string(),
                t,
                "use `enclosed_name()` (zip) or `unpack_in` (tar), which reject `..` and absolute entry names",
            ));
            return;
        }
    }
}
