//! Where the marked item stands, which its tokens do not tell: `cargo aiguard` checks it as
//! part of its file, and the macro must see it the same way.
//!
//! - The file's `use` declarations: rules resolve paths through them
//!   (`use md5::compute as digest;` makes `digest(..)` an MD5 call).
//! - Test code around it: a `#[cfg(test)]` module or a `#[test]` fn holding the item, a test
//!   or bench target (cargo sets `CARGO_TARGET_TMPDIR` for those), or a file under `tests/`
//!   or `benches/`. Robustness rules are off in test code.
//! - A build script (`build.rs`).
//!
//! The file is found through the span of the item's first token (`Span::local_file`), and
//! its outline (see `outline`: fn bodies outside test code left out) is lexed once per file
//! and process (in proc-macro2's own implementation when the item is checked on the
//! mirror's copy, see `mirror`), then scanned for `use` items (top level
//! and inline modules, as the engine's `UseMap` reads a file) and for marked items inside
//! test code. The marked item is recognised among those by its normalized tokens (the
//! review digest's normalization, which leaves out the marker itself).
//!
//! Not seen: a `#[cfg(test)] mod tests;` declared in another file (the declaring file is not
//! read), and items a macro generates (their tokens are not in the file as written).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

use aiguard_lints::analysis::paths::UseMap;
use aiguard_lints::{ItemCtx, ItemText};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::shape::{self, Kind};

/// What one file says about the marked items in it.
#[derive(Default)]
struct FileInfo {
    uses: UseMap,
    /// The tokens of the `use` trees `uses` holds, one tree a line (see `ItemText`).
    use_text: String,
    /// `digest::normalize` of each marked item inside test code.
    test_items: Vec<String>,
}

/// A file's info, with the modification time and length it was read at: a long-lived host
/// (rust-analyzer's proc-macro server) sees files change. Per thread: the engine's `UseMap`
/// is not `Sync`, and expansions of one crate run on one thread. The info holds strings
/// only (the `UseMap` of `use` items has no tokens or spans), so an expansion on the
/// compiler's tokens and one on the mirror's copy share it.
type Cache = RefCell<HashMap<PathBuf, (Option<SystemTime>, u64, Rc<FileInfo>)>>;

thread_local! {
    static CACHE: Cache = RefCell::new(HashMap::new());
    /// Bytes proc-macro2's own implementation has lexed on this thread since it last forgot.
    static LEXED: Cell<usize> = const { Cell::new(0) };
}

/// proc-macro2's own implementation keeps every text it lexes, for its spans' positions.
/// Past this many bytes it is told to forget them.
const FORGET_AFTER: usize = 64 << 20;

/// The absolute path of the file the item's first token is in (compiler tokens); `None`
/// outside a proc macro and for spans with no file on disk.
pub fn source_file_of(item: &TokenStream) -> Option<PathBuf> {
    if !proc_macro::is_available() {
        return None;
    }
    let path = item
        .clone()
        .into_iter()
        .next()?
        .span()
        .unwrap()
        .local_file()?;
    if path.is_absolute() {
        Some(path)
    } else {
        // rustc's paths are relative to the directory it runs in.
        std::env::current_dir().ok().map(|cwd| cwd.join(path))
    }
}

/// The context of the item whose tokens are `item` and whose printed tokens are `text`, in
/// the file at `path`.
pub fn item_ctx(path: Option<&Path>, text: &str, item: &TokenStream) -> ItemCtx {
    let mut ctx = ItemCtx {
        is_test: std::env::var_os("CARGO_TARGET_TMPDIR").is_some(),
        // The item's tokens, for the rules' pre-filters.
        text: Some(ItemText {
            item: text.to_string(),
            uses: String::new(),
        }),
        ..ItemCtx::default()
    };
    let Some(path) = path else {
        return ctx;
    };
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR")
        && let Ok(rel) = path.strip_prefix(Path::new(&dir))
    {
        ctx.is_test |= aiguard_lints::scope::is_test_path(rel);
    }
    ctx.is_build_script = path.file_name().is_some_and(|n| n == "build.rs");
    let Some(info) = file_info(path) else {
        return ctx;
    };
    if !info.test_items.is_empty() && !ctx.is_test {
        let own = aiguard_lints::digest::normalize(item.clone());
        ctx.is_test = info.test_items.contains(&own);
    }
    ctx.file_uses = Some(info.uses.clone());
    if let Some(text) = &mut ctx.text {
        text.uses.clone_from(&info.use_text);
    }
    ctx
}

/// After a check on the mirror's copy (`lexed` bytes of item text), still under
/// `mirror::Forced`: once the texts lexed add up to [`FORGET_AFTER`], frees proc-macro2's
/// record of them (no span of a copy is alive; file infos hold none).
pub fn forget_copies_when_large(lexed: usize) {
    let total = LEXED.with(|l| {
        l.set(l.get() + lexed);
        l.get()
    });
    if total >= FORGET_AFTER {
        proc_macro2::extra::invalidate_current_thread_spans();
        LEXED.with(|l| l.set(0));
    }
}

fn file_info(path: &Path) -> Option<Rc<FileInfo>> {
    let meta = std::fs::metadata(path).ok()?;
    let stamp = (meta.modified().ok(), meta.len());
    let cached = CACHE.with(|c| {
        c.borrow()
            .get(path)
            .filter(|(modified, len, _)| (*modified, *len) == stamp)
            .map(|(_, _, info)| Rc::clone(info))
    });
    if cached.is_some() {
        return cached;
    }
    let text = std::fs::read_to_string(path).ok()?;
    // Lexed in proc-macro2's own implementation when under `mirror::Forced`; counted
    // either way, which only makes the forgetting come sooner.
    LEXED.with(|l| l.set(l.get() + text.len()));
    let info = Rc::new(scan_file(&text)?);
    CACHE.with(|c| {
        c.borrow_mut()
            .insert(path.to_path_buf(), (stamp.0, stamp.1, Rc::clone(&info)));
    });
    Some(info)
}

fn scan_file(text: &str) -> Option<FileInfo> {
    scan_text(text, true)
}

/// [`scan_file`]; `outline`: lex the file's outline (see `outline`) rather than all of it.
fn scan_text(text: &str, outline: bool) -> Option<FileInfo> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A shebang line is no token.
    let text = match text.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            rest.find('\n').map_or("", |nl| &rest[nl..])
        }
        _ => text,
    };
    // Lexing into token trees is most of the cost; the outline leaves out what is not read.
    let outlined = if outline {
        crate::outline::outline(text)
    } else {
        None
    };
    let tokens: TokenStream = outlined.as_deref().unwrap_or(text).parse().ok()?;
    let mut info = FileInfo::default();
    scan(tokens, false, &mut info);
    Some(info)
}

/// Scans the items of one module (or block) body.
fn scan(stream: TokenStream, mut in_test: bool, out: &mut FileInfo) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        let start = i;
        let mut is_test = false;
        let mut marked = false;
        loop {
            match (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)) {
                // `#![cfg(test)]` makes the rest of the body test code.
                (
                    Some(TokenTree::Punct(h)),
                    Some(TokenTree::Punct(b)),
                    Some(TokenTree::Group(g)),
                ) if h.as_char() == '#'
                    && b.as_char() == '!'
                    && g.delimiter() == Delimiter::Bracket =>
                {
                    in_test |= is_test_attr(g.stream());
                    i += 3;
                }
                (Some(TokenTree::Punct(h)), Some(TokenTree::Group(g)), _)
                    if h.as_char() == '#' && g.delimiter() == Delimiter::Bracket =>
                {
                    is_test |= is_test_attr(g.stream());
                    marked |= is_marker(&g.stream());
                    i += 2;
                }
                _ => break,
            }
        }
        let (kind, _) = shape::classify(&tokens, i);
        let end = item_end(&tokens, i, kind).max(start + 1);
        let item = &tokens[start..end];
        if marked && in_test {
            out.test_items.push(aiguard_lints::digest::normalize(
                item.iter().cloned().collect(),
            ));
        }
        let item_test = in_test || is_test;
        match kind {
            Kind::Use => {
                if let Ok(u) = syn::parse2::<syn::Item>(item.iter().cloned().collect()) {
                    out.uses.add_item(&u);
                    UseMap::push_alias_text(&u, &mut out.use_text);
                }
            }
            Kind::Mod => {
                if let Some(TokenTree::Group(g)) = item.last()
                    && g.delimiter() == Delimiter::Brace
                {
                    scan(g.stream(), item_test, out);
                }
            }
            // Bodies of test code (impls, fns, traits) may hold marked items.
            _ if item_test => {
                for t in &tokens[i..end] {
                    if let TokenTree::Group(g) = t
                        && g.delimiter() == Delimiter::Brace
                    {
                        scan(g.stream(), true, out);
                    }
                }
            }
            _ => {}
        }
        i = end;
    }
}

/// The index after an item starting at `from` (after its attributes): its `;`, or the brace
/// group that ends it (a body, fields, variants). In a fn body the same cut separates
/// statements well enough to find the items among them.
fn item_end(tokens: &[TokenTree], from: usize, kind: Kind) -> usize {
    let semi_only = matches!(
        kind,
        Kind::Const | Kind::Static | Kind::Type | Kind::Use | Kind::ExternCrate
    );
    for (j, t) in tokens.iter().enumerate().skip(from) {
        match t {
            TokenTree::Punct(p) if p.as_char() == ';' => return j + 1,
            TokenTree::Group(g) if !semi_only && g.delimiter() == Delimiter::Brace => {
                return j + 1;
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Whether the content of `#[..]` is a marker: a path ending in `ai_generated`.
fn is_marker(content: &TokenStream) -> bool {
    let mut last = None;
    for t in content.clone() {
        match t {
            TokenTree::Ident(id) => last = Some(id),
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => break,
        }
    }
    last.is_some_and(|id| id == aiguard_lints::ai::MARKER_NAME)
}

fn is_test_attr(content: TokenStream) -> bool {
    // Only a path ending in `cfg` or a test framework's name can be one (most attributes are
    // doc comments, derives, markers): parse just those.
    let mut last = None;
    for t in content.clone() {
        match t {
            TokenTree::Ident(id) => last = Some(id.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => break,
        }
    }
    if !last.is_some_and(|l| l == "cfg" || aiguard_lints::scope::is_test_attr_name(&l)) {
        return false;
    }
    let attr = quote::quote!(#[#content]);
    syn::parse::Parser::parse2(syn::Attribute::parse_outer, attr)
        .ok()
        .and_then(|a| a.into_iter().next())
        .is_some_and(|a| aiguard_lints::scope::is_test_attr(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_and_test_items() {
        let info = scan_file(
            "#!/usr/bin/env run\n\
             use md5::compute as digest;\n\
             mod inner { use sha1::Sha1; #[ai_generated] fn not_test() {} }\n\
             pub fn f() -> impl Sized + use<> {}\n\
             #[cfg(test)]\n\
             mod tests {\n\
                 use super::*;\n\
                 const X: u8 = { 1 };\n\
                 #[ai_generated]\n\
                 fn helper(x: Option<u8>) -> u8 { x.unwrap() }\n\
                 impl S { #[aiguard_macros::ai_generated(model = \"m\")] fn m(&self) {} }\n\
                 #[test] fn t() { #[ai_generated] fn in_body() {} }\n\
             }\n\
             #[test]\n\
             fn top() { let s = S { a: 1 }; #[ai_generated] fn in_top() {} }\n\
             #[ai_generated] fn outside() {}\n",
        )
        .unwrap();
        let resolve = |p: &str| info.uses.resolve(&syn::parse_str(p).unwrap());
        assert_eq!(resolve("digest"), vec!["md5", "compute"]);
        assert_eq!(resolve("Sha1::new"), vec!["sha1", "Sha1", "new"]);
        let norm = |s: &str| aiguard_lints::digest::normalize(s.parse().unwrap());
        assert_eq!(
            info.test_items,
            vec![
                norm("fn helper(x: Option<u8>) -> u8 { x.unwrap() }"),
                norm("fn m(&self) {}"),
                norm("fn in_body() {}"),
                norm("fn in_top() {}"),
            ]
        );
    }

    #[test]
    fn inner_cfg_test_and_unbalanced_files() {
        let info = scan_file("#![cfg(test)]\n#[ai_generated] fn a() {}\n").unwrap();
        assert_eq!(info.test_items.len(), 1);
        assert!(scan_file("fn f( {\n").is_none());
    }

    /// Constructs the files of the repository do not have: the outline still gives the scan
    /// what the whole file gives it.
    #[test]
    fn outline_edge_cases_scan_as_the_whole_file() {
        for text in [
            // test attributes that do not say `test`
            "#[bench]\nfn b() { #[ai_generated] fn h() { x.unwrap() } }\nfn z() { 1 }\n",
            "#[quickcheck_macros::quickcheck]\nfn q() { use a::B; #[ai_generated] fn h() {} }\n\
             fn z() { 1 }\n",
            // non-ASCII whitespace (a left-to-right mark, a line separator) between tokens
            "mod\u{200e}m { use a::B; fn z() { 1 } }\n",
            "use\u{2028}a::{B, C};\nfn z() { 1 }\n",
            // an item ending at its `;`, with more than one brace group
            "#[cfg(test)]\nconst _: () = if true {} else { #[ai_generated] fn h() {} };\n\
             fn z() { 1 }\n",
            "#[cfg(test)]\npub static S: u8 = { 1 } + { #[ai_generated] fn h() {} 2 };\n\
             const fn c() { 1 }\n#[test] fn t() {}\n",
            // quotes in char and byte literals, raw strings, comments, raw identifiers
            "fn f() { let _ = ('\"', b'\"', '\\'', r#\"\"}\"#); }\nuse a::{b, c};\n\
             #[cfg(test)] mod t { #[ai_generated] fn h() {} }\n",
            "fn f<'a>() -> &'a str { '{' }\nuse a::{b};\n",
            "//! inner\n/** doc */ fn f() { /* { */ }\nuse a::{b};\n",
            "fn r#use() { 1 }\nuse r#a::{b};\nmod r#m { use c::D; fn g() { 2 } }\n",
        ] {
            assert!(
                crate::outline::outline(text).is_some(),
                "not outlined: {text}"
            );
            let info = |outline: bool| {
                scan_text(text, outline)
                    .map(|i| (format!("{:?}", i.uses), i.use_text, i.test_items))
            };
            let whole = info(false);
            assert!(
                whole
                    .as_ref()
                    .is_some_and(|w| !w.1.is_empty() || !w.2.is_empty()),
                "{text}"
            );
            assert_eq!(info(true), whole, "{text}");
        }
    }

    /// The outline gives the scan what the whole file gives it, on every file of this
    /// repository (fixtures, the engine's sources with their test modules, the demo).
    #[test]
    fn outline_scans_as_the_whole_file() {
        let info = |text: &str, outline: bool| {
            scan_text(text, outline).map(|i| (format!("{:?}", i.uses), i.use_text, i.test_items))
        };
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let files: Vec<PathBuf> = [
            "tests",
            "lints/src",
            "aiguard-macros/src",
            "cargo-aiguard/src",
        ]
        .iter()
        .flat_map(|dir| crate::rs_files(&root.join(dir)))
        .collect();
        let (mut outlined, mut marked) = (0, 0);
        for path in &files {
            let source = std::fs::read_to_string(path).expect("source file");
            // As written, as test code (`#![cfg(test)]`), and with a test module of marked
            // items.
            let variants = [
                source.clone(),
                format!("#![cfg(test)]\n{source}"),
                format!(
                    "{source}\n#[cfg(test)]\nmod extra_tests {{\n    use super::*;\n    \
                     #[ai_generated]\n    fn t(x: Option<u8>) -> u8 {{ x.unwrap() }}\n    \
                     #[test]\n    fn u() {{ #[ai_generated] fn v() {{ w(); }} }}\n}}\n"
                ),
            ];
            for text in &variants {
                if crate::outline::outline(text).is_none() {
                    continue;
                }
                let whole = info(text, false);
                assert_eq!(info(text, true), whole, "{}", path.display());
                outlined += 1;
                marked += whole.map_or(0, |w| w.2.len());
            }
        }
        assert!(
            outlined > 300 && marked > 300,
            "{outlined} files, {marked} marked test items"
        );
    }
}
