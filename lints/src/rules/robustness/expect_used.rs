use syn::spanned::Spanned;

use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

use super::{is_lock_acquisition, is_ufcs_method};

declare_rule! {
    /// ### What it does
    /// Flags `.expect(..)` (and `.expect_err(..)`) on an `Option` or `Result`, also written
    /// `Option::expect(x, "..")`, outside tests and constant evaluation. With
    /// `expect_used = { allow_lock = true }` in `[rules]`, `.lock().expect(..)`,
    /// `.read().expect(..)` and `.write().expect(..)` on a `Mutex`/`RwLock` are allowed.
    ///
    /// ### Why is this bad?
    /// `.expect("...")` is `.unwrap()` with a message: every `None` and `Err` is still a
    /// panic. AI assistants write `.expect("failed to read config")` for errors that are
    /// perfectly possible at runtime (a missing file, a bad request, a dropped connection),
    /// and one bad input then takes down the thread or the service (CWE-248). Keep `expect`
    /// for invariants the code itself guarantees, and say so in the allow reason.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn load(path: &str) -> Settings {
    ///     let text = std::fs::read_to_string(path).expect("failed to read settings");
    ///     toml::from_str(&text).expect("invalid settings")
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn load(path: &str) -> Result<Settings, SettingsError> {
    ///     let text = std::fs::read_to_string(path).map_err(SettingsError::Read)?;
    ///     toml::from_str(&text).map_err(SettingsError::Parse)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-248: Uncaught Exception
    /// - clippy: `expect_used`
    pub struct ExpectUsed;
    name = "expect_used",
    family = Robustness,
    ai = Warn,
    human = Allow,
    cwe = 248,
    summary = "`.expect(..)` on an `Option` or `Result`",
}

const HELP: &str =
    "propagate the error with `?` (add context with `map_err`) or handle the `None`/`Err` case";

impl Rule for ExpectUsed {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Expr]
    }

    fn check_expr(&self, cx: &mut Cx<'_>, expr: &syn::Expr) {
        if cx.in_const() {
            return;
        }
        match expr {
            syn::Expr::MethodCall(call)
                if call.args.len() == 1 && call.args.first().is_some_and(may_be_message) =>
            {
                let message = if call.method == "expect" {
                    if cx.config.option(Self::META.name, "allow_lock")
                        && is_lock_acquisition(&call.receiver)
                    {
                        return;
                    }
                    "`.expect(..)` panics if the value is `None` or `Err`"
                } else if call.method == "expect_err" {
                    "`.expect_err(..)` panics if the value is `Ok`"
                } else {
                    return;
                };
                cx.report(&Self::META, call.method.span(), message)
                    .help(HELP);
            }
            syn::Expr::Path(_) if is_ufcs_method(expr, &cx.uses, &["expect", "expect_err"]) => {
                cx.report(
                    &Self::META,
                    expr.span(),
                    "`expect` panics if the value is `None` or `Err`",
                )
                .help(HELP);
            }
            _ => {}
        }
    }
}

/// Whether `arg` can be the message of `Option::expect`/`Result::expect`: not a char, byte or
/// number literal, an enum variant or a tuple-variant constructor (`p.expect(b'{')`,
/// `lexer.expect(Token::Comma)` are parsers' own `expect` methods).
fn may_be_message(arg: &syn::Expr) -> bool {
    let camel = |path: &syn::Path| {
        path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().any(|c| c.is_ascii_lowercase())
        })
    };
    match crate::analysis::paths::peel(arg) {
        syn::Expr::Lit(l) => matches!(l.lit, syn::Lit::Str(_)),
        syn::Expr::Path(p) => !camel(&p.path),
        syn::Expr::Call(c) => !matches!(&*c.func, syn::Expr::Path(p) if camel(&p.path)),
        syn::Expr::Struct(_)
        | syn::Expr::Tuple(_)
        | syn::Expr::Array(_)
        | syn::Expr::Closure(_) => false,
        _ => true,
    }
}
