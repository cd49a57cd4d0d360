use syn::spanned::Spanned;

use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

use super::{is_lock_acquisition, is_ufcs_method};

declare_rule! {
    /// ### What it does
    /// Flags `.unwrap()` (and `.unwrap_err()`) on an `Option` or `Result`, also written
    /// `Option::unwrap(x)` or `.map(Result::unwrap)`, outside tests and constant evaluation.
    /// With `unwrap_used = { allow_lock = true }` in `[rules]`, `.lock().unwrap()`,
    /// `.read().unwrap()` and `.write().unwrap()` on a `Mutex`/`RwLock` are allowed: they
    /// fail only when another thread already panicked while holding the lock.
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

const HELP: &str = "propagate the error with `?` or handle the `None`/`Err` case";

impl Rule for UnwrapUsed {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_const() {
            return;
        }
        match expr {
            syn::Expr::MethodCall(call) if call.args.is_empty() => {
                let message = if call.method == "unwrap" {
                    if cx.config.option(Self::META.name, "allow_lock")
                        && is_lock_acquisition(&call.receiver)
                    {
                        return;
                    }
                    "`.unwrap()` panics if the value is `None` or `Err`"
                } else if call.method == "unwrap_err" {
                    "`.unwrap_err()` panics if the value is `Ok`"
                } else {
                    return;
                };
                cx.report(&Self::META, call.method.span(), message)
                    .help(HELP);
            }
            syn::Expr::Path(_) if is_ufcs_method(expr, &cx.uses, &["unwrap", "unwrap_err"]) => {
                cx.report(
                    &Self::META,
                    expr.span(),
                    "`unwrap` panics if the value is `None` or `Err`",
                )
                .help(HELP);
            }
            _ => {}
        }
    }
}
