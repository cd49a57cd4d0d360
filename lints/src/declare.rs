//! `declare_rule!` (doc comment → `RuleMeta::explanation`, clippy style) and `rules!`
//! (one line per rule: declares the module and registers the rule).

/// Declares a rule type with its docs and metadata.
///
/// ```ignore
/// declare_rule! {
///     /// ### What it does
///     /// ...
///     pub struct UnwrapUsed;
///     name = "unwrap_used", family = Robustness, ai = Warn, human = Allow, cwe = 248,
///     summary = "`.unwrap()` on an `Option` or `Result`",
/// }
/// ```
/// `ai`/`human` take `Deny`, `Warn`, `Allow` or `NA` (not applicable).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident;
        name = $rname:literal,
        family = $fam:ident,
        ai = $ai:ident,
        human = $human:ident,
        cwe = $cwe:literal,
        summary = $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;

        impl $name {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $rname,
                family: $crate::rule::Family::$fam,
                ai: declare_rule!(@level $ai),
                human: declare_rule!(@level $human),
                cwe: $cwe,
                summary: $summary,
                explanation: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::rule::HasMeta for $name {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                &Self::META
            }
        }
    };
    (@level NA) => { None };
    (@level $l:ident) => { Some($crate::rule::Level::$l) };
}

/// One line per rule: `rules! { unwrap_used::UnwrapUsed, expect_used::ExpectUsed }` declares
/// `mod unwrap_used;` and adds the rule to this family's `RULES`.
macro_rules! rules {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(mod $module;)*
        pub(crate) static RULES: &[&dyn $crate::rule::Rule] = &[$(&$module::$ty),*];
    };
}
