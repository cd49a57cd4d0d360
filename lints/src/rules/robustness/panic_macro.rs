use syn::spanned::Spanned;

use crate::cx::Cx;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `panic!`, `unreachable!` and the assertion macros `assert!`, `assert_eq!`,
    /// `assert_ne!` (and `assert_matches!`) outside tests and outside constant evaluation.
    /// `debug_assert!` and its family are not flagged: they state invariants without
    /// panicking in release builds. `todo!` and `unimplemented!` belong to
    /// `placeholder_code`.
    ///
    /// ### Why is this bad?
    /// A panic takes down the thread (in a server, the request task or the worker; with
    /// `panic = "abort"`, the whole process) on input the author did not expect. AI
    /// assistants use `panic!` as error handling and `assert!` as input validation, so a
    /// malformed request becomes a crash instead of an error response (CWE-248). An
    /// `unreachable!()` after logic that looks exhaustive is often fine in reviewed code,
    /// which is why the rule is `allow` in human code; in AI code, have someone confirm the
    /// invariant and record it with `#[ai_generated(allow(panic_macro = "why"))]`.
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn parse_mode(s: &str) -> Mode {
    ///     match s {
    ///         "r" => Mode::Read,
    ///         "w" => Mode::Write,
    ///         other => panic!("unknown mode {other}"),
    ///     }
    /// }
    ///
    /// fn transfer(from: &mut Account, amount: u64) {
    ///     assert!(from.balance >= amount, "insufficient funds");
    ///     from.balance -= amount;
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn parse_mode(s: &str) -> Result<Mode, ModeError> {
    ///     match s {
    ///         "r" => Ok(Mode::Read),
    ///         "w" => Ok(Mode::Write),
    ///         other => Err(ModeError::Unknown(other.to_owned())),
    ///     }
    /// }
    ///
    /// fn transfer(from: &mut Account, amount: u64) -> Result<(), TransferError> {
    ///     if from.balance < amount {
    ///         return Err(TransferError::InsufficientFunds);
    ///     }
    ///     from.balance -= amount;
    ///     debug_assert!(from.balance <= from.limit);
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-248: Uncaught Exception
    /// - clippy: `panic`, `unreachable`, `manual_assert`, `missing_panics_doc`
    pub struct PanicMacro;
    name = "panic_macro",
    family = Robustness,
    ai = Warn,
    human = Allow,
    cwe = 248,
    summary = "`panic!`, `unreachable!` or `assert!` in non-test code",
}

/// The macros this rule reports.
fn is_panic_macro(name: &str) -> bool {
    matches!(
        name,
        "panic" | "unreachable" | "assert" | "assert_eq" | "assert_ne" | "assert_matches"
    )
}

impl Rule for PanicMacro {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Macro]
    }

    fn check_macro(&self, cx: &mut Cx<'_>, mac: &syn::Macro) {
        // In a `const` initializer, a `const fn` or a `const { .. }` block a failing
        // assertion is a compile error, which is what it is there for.
        if cx.in_const() {
            return;
        }
        // `use std::unreachable as never;` .. `never!()`; a `use` of a function under a
        // macro's name (`use core::hint::unreachable_unchecked as unreachable;`) leaves the
        // macro as it is: macros and functions live in different namespaces
        let resolved = cx.uses.resolve(&mac.path).pop().unwrap_or_default();
        let name = if is_panic_macro(&resolved) {
            resolved
        } else {
            crate::analysis::macros::macro_name(mac)
        };
        let (message, help) = match name.as_str() {
            "panic" => (
                "`panic!` crashes the thread instead of reporting an error".to_owned(),
                "return an error the caller can handle (`return Err(..)`, `anyhow::bail!`)",
            ),
            "unreachable" => (
                "`unreachable!` panics if this code is reached after all".to_owned(),
                "make the impossible case unrepresentable (an exhaustive `match`, a narrower \
                 type) or return an error; if the invariant is real, record why with \
                 `#[ai_generated(allow(panic_macro = \"..\"))]`",
            ),
            "assert" | "assert_eq" | "assert_ne" | "assert_matches" => (
                format!("`{name}!` panics when it fails at run time"),
                "validate with `if` and return an error (`if !cond { return Err(..) }`); for \
                 an internal invariant use `debug_assert!`",
            ),
            _ => return,
        };
        cx.report(&Self::META, mac.path.span(), message).help(help);
    }
}
