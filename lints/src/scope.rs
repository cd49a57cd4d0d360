//! Test-scope detection: `#[test]`, `#[cfg(test)]`, test-framework attributes, and files
//! under `tests/` or `benches/`.

use std::path::Path;

/// Whether an item's attributes make it test code: `#[test]`, `#[tokio::test]`,
/// `#[rstest]`, `#[bench]`, `#[cfg(test)]`, `#[cfg(all(test, ..))]` (not `cfg(not(test))`).
pub fn is_test_item(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(is_test_attr)
}

pub fn is_test_attr(attr: &syn::Attribute) -> bool {
    let Some(last) = attr.path().segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    if matches!(
        name.as_str(),
        "test" | "bench" | "rstest" | "test_case" | "quickcheck" | "proptest"
    ) {
        return true;
    }
    if name == "cfg"
        && let syn::Meta::List(list) = &attr.meta
    {
        return cfg_implies_test(&list.tokens.to_string());
    }
    false
}

/// Whether a cfg predicate's text requires `test`: `test`, `all(test, ..)`; not `not(test)`,
/// not `any(test, feature = "x")`.
fn cfg_implies_test(pred: &str) -> bool {
    let p: String = pred.chars().filter(|c| !c.is_whitespace()).collect();
    if p == "test" {
        return true;
    }
    if let Some(inner) = p.strip_prefix("all(").and_then(|s| s.strip_suffix(')')) {
        return inner.split(',').any(|part| part == "test");
    }
    false
}

/// Whether a file path lies in test or bench code: a `tests` or `benches` directory.
pub fn is_test_path(path: &Path) -> bool {
    path.components().any(|c| {
        let s = c.as_os_str();
        s == "tests" || s == "benches"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(src: &str) -> syn::Attribute {
        let item: syn::ItemFn = syn::parse_str(&format!("{src} fn f() {{}}")).unwrap();
        item.attrs[0].clone()
    }

    #[test]
    fn test_attrs() {
        assert!(is_test_attr(&attr("#[test]")));
        assert!(is_test_attr(&attr("#[tokio::test]")));
        assert!(is_test_attr(&attr("#[cfg(test)]")));
        assert!(is_test_attr(&attr("#[cfg(all(test, feature = \"x\"))]")));
        assert!(!is_test_attr(&attr("#[cfg(not(test))]")));
        assert!(!is_test_attr(&attr("#[cfg(any(test, feature = \"x\"))]")));
        assert!(!is_test_attr(&attr("#[inline]")));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path(Path::new("crate/tests/it.rs")));
        assert!(is_test_path(Path::new("benches/b.rs")));
        assert!(!is_test_path(Path::new("src/testsuite.rs")));
    }
}
