//! The `robustness` family.

rules! {
    unwrap_used::UnwrapUsed,
    expect_used::ExpectUsed,
    placeholder_code::PlaceholderCode,
    unbounded_read::UnboundedRead,
    panic_macro::PanicMacro,
    ignored_result::IgnoredResult,
    indexing_panic::IndexingPanic,
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
    // no `use` renames an associated function: the name is written as is (and most paths
    // are not these, so look before resolving)
    if !p
        .path
        .segments
        .last()
        .is_some_and(|s| names.iter().any(|n| s.ident == n))
    {
        return false;
    }
    let segs = uses.resolve(&p.path);
    segs.len() >= 2
        && names.iter().any(|n| segs[segs.len() - 1] == *n)
        && matches!(segs[segs.len() - 2].as_str(), "Option" | "Result")
}

/// An expression as it would be written: `self.items[i + 1]`, `buf[1..n]`.
pub(crate) fn code(e: &syn::Expr) -> String {
    let mut s = quote::ToTokens::to_token_stream(e).to_string();
    for (from, to) in [
        (" . ", "."),
        (" .. ", ".."),
        (" ..= ", "..="),
        (".. ", ".."),
        (" ..", ".."),
        (" (", "("),
        (" [", "["),
        (" ::", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
        (" ?", "?"),
    ] {
        s = s.replace(from, to);
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigSection, parse_config};

    fn count(src: &str, toml: &str, rule: &str) -> usize {
        let (config, errors) = parse_config(toml, ConfigSection::Root);
        assert!(errors.is_empty(), "{errors:?}");
        let config = config.unwrap_or_default();
        let file = syn::parse_file(src).unwrap_or_else(|e| panic!("{e}"));
        let ctx = crate::FileCtx {
            ai_file: true,
            ..crate::FileCtx::default()
        };
        crate::check_file(&file, &ctx, &config)
            .findings
            .iter()
            .filter(|f| f.rule.name == rule)
            .count()
    }

    const LOCKS: &str = r#"
        fn f(m: &Mutex<u8>, r: &RwLock<u8>, mut file: File, buf: &mut [u8]) {
            let a = m.lock().unwrap();
            let b = r.read().expect("poisoned");
            let c = r.write().unwrap();
            let d = file.read(buf).unwrap();
            let e = m.try_lock().unwrap();
        }
    "#;

    #[test]
    fn allow_lock_option() {
        assert_eq!(count(LOCKS, "", "unwrap_used"), 4);
        assert_eq!(count(LOCKS, "", "expect_used"), 1);
        let on =
            "[rules]\nunwrap_used = { allow_lock = true }\nexpect_used = { allow_lock = true }\n";
        // `file.read(buf)` takes an argument and `try_lock` can fail without a panic elsewhere
        assert_eq!(count(LOCKS, on, "unwrap_used"), 2);
        assert_eq!(count(LOCKS, on, "expect_used"), 0);
    }
}
