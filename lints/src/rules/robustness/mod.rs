//! The `robustness` family.

rules! {
    unwrap_used::UnwrapUsed,
    expect_used::ExpectUsed,
    placeholder_code::PlaceholderCode,
}

use crate::analysis::paths;

/// Whether `receiver` is a lock acquisition whose only error is poisoning: `.lock()`,
/// `.read()`, `.write()` with no arguments (`Mutex`, `RwLock`; `io::Read::read` takes a
/// buffer). Used by the `allow_lock` option of `unwrap_used`/`expect_used`.
pub(crate) fn is_lock_acquisition(receiver: &syn::Expr) -> bool {
    match paths::peel(receiver) {
        syn::Expr::MethodCall(m) => {
            m.args.is_empty() && (m.method == "lock" || m.method == "read" || m.method == "write")
        }
        _ => false,
    }
}

/// Whether `expr` is the path `Option::<name>` or `Result::<name>` (UFCS or a method used as
/// a value: `.map(Result::unwrap)`).
pub(crate) fn is_ufcs_method(expr: &syn::Expr, uses: &paths::UseMap, names: &[&str]) -> bool {
    let syn::Expr::Path(p) = expr else {
        return false;
    };
    let segs = uses.resolve(&p.path);
    segs.len() >= 2
        && names.iter().any(|n| segs[segs.len() - 1] == *n)
        && matches!(segs[segs.len() - 2].as_str(), "Option" | "Result")
}
