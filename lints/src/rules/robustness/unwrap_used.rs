use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `.unwrap()` on an `Option` or `Result` outside tests and constants.
    ///
    /// ### Why is this bad?
    /// `.unwrap()` turns every `None` and `Err` into a panic. AI assistants reach for it to
    /// make an example compile, and the example ships: a malformed request, a missing file
    /// or a closed connection then takes down the thread or the whole service (CWE-248).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn port(cfg: &Config) -> u16 {
    ///     cfg.get("port").unwrap().parse().unwrap()
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn port(cfg: &Config) -> Result<u16, ConfigError> {
    ///     let raw = cfg.get("port").ok_or(ConfigError::Missing("port"))?;
    ///     raw.parse().map_err(ConfigError::BadPort)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-248: Uncaught Exception
    /// - clippy: `unwrap_used`
    pub struct UnwrapUsed;
    name = "unwrap_used",
    family = Robustness,
    ai = Warn,
    human = Allow,
    cwe = 248,
    summary = "`.unwrap()` on an `Option` or `Result`",
}

impl Rule for UnwrapUsed {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "unwrap" || !call.args.is_empty() || cx.in_const() {
            return;
        }
        cx.report(
            &Self::META,
            call.method.span(),
            "`.unwrap()` panics if the value is `None` or `Err`",
        )
        .help("propagate the error with `?` or handle the `None`/`Err` case");
    }
}
