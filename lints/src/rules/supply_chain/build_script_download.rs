use crate::analysis::paths;
use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

/// Crates whose use in a build script means a network request.
const HTTP_CRATES: &[&str] = &[
    "reqwest",
    "ureq",
    "curl",
    "attohttpc",
    "isahc",
    "hyper",
    "minreq",
];

/// Programs that fetch or run fetched code when a build script spawns them.
const FETCHING_PROGRAMS: &[&str] = &[
    "curl",
    "wget",
    "git",
    "sh",
    "bash",
    "powershell",
    "pwsh",
    "cmd",
    "cmd.exe",
    "python",
    "python3",
];

declare_rule! {
    /// ### What it does
    /// In `build.rs`, flags network access: HTTP clients (`reqwest`, `ureq`, `curl`,
    /// `attohttpc`), `TcpStream::connect`, and spawning `curl`, `wget`, `git` or a shell.
    ///
    /// ### Why is this bad?
    /// A build script runs on every machine that builds the crate, with the builder's
    /// rights. Downloading at build time makes the build depend on a server nobody pins:
    /// whoever controls it (or the network path) controls code that runs in CI and on
    /// developer machines, and offline or reproducible builds break.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn main() {
    ///     let body = reqwest::blocking::get("https://example.org/model.bin").unwrap();
    ///     std::fs::write("model.bin", body.bytes().unwrap()).unwrap();
    /// }
    /// ```
    ///
    /// ### Use instead
    /// Vendor the file in the package (or fetch it in a documented, pinned, checksummed step
    /// outside the build):
    /// ```rust,ignore
    /// fn main() {
    ///     println!("cargo:rerun-if-changed=assets/model.bin");
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-494: Download of Code Without Integrity Check
    pub struct BuildScriptDownload;
    name = "build_script_download",
    family = SupplyChain,
    ai = NA,
    human = Deny,
    cwe = 494,
    summary = "a build script that reaches the network",
}

impl Rule for BuildScriptDownload {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if !cx.in_build_script() {
            return;
        }
        let syn::Expr::Call(call) = expr else {
            return;
        };
        let syn::Expr::Path(func) = paths::peel(&call.func) else {
            return;
        };
        let segs = cx.uses.resolve(&func.path);
        let Some(first) = segs.first() else {
            return;
        };
        if segs.len() >= 2 && HTTP_CRATES.contains(&first.as_str()) {
            cx.report(
                &Self::META,
                func.path.segments.first().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                format!("build script makes a network request with `{first}`"),
            )
            .help("vendor what the build needs in the package, or fetch it outside the build with a pinned checksum");
            return;
        }
        if paths::ends_with(&segs, &["TcpStream", "connect"]) {
            cx.report(&Self::META, func.path.segments.last().map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()), "build script opens a network connection")
                .help("vendor what the build needs in the package, or fetch it outside the build with a pinned checksum");
            return;
        }
        if paths::ends_with(&segs, &["Command", "new"])
            && let Some(program) = call.args.first().and_then(paths::lit_str)
        {
            let name = program.value();
            let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
            if FETCHING_PROGRAMS.contains(&base.as_str()) {
                cx.report(
                    &Self::META,
                    program.span(),
                    format!("build script runs `{base}`, which can download and run code"),
                )
                .help("vendor what the build needs in the package; a build script should only read files of its own package");
            }
        }
    }
}
