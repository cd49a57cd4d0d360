//! aiguard's rule engine: stricter checks for AI-generated Rust code.
//!
//! Pure: no I/O, no processes, no network. Source text goes in as a `syn` AST, findings come
//! out. The `#[ai_generated]` macro calls [`check_item`] at build time, `cargo aiguard` calls
//! [`check_file`] in CI; both run the same walk and the same rules.

#![forbid(unsafe_code)]

#[macro_use]
mod declare;

pub mod ai;
pub mod analysis;
mod checker;
pub mod config;
pub mod cx;
pub mod digest;
pub mod docs;
pub mod finding;
pub mod fnlike;
pub mod lines;
pub mod manifest;
mod mentions;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod scope;
pub mod suppress;

pub use ai::AiMarker;
pub use config::Config;
pub use finding::{AiContext, AiItem, Finding, Label, Problem, Report};
pub use manifest::{ManifestFinding, check_manifest};
pub use rule::{Family, Level, NodeKind, Rule, RuleMeta};

use syn::visit::Visit;

/// What the caller knows about a file.
#[derive(Clone, Debug, Default)]
pub struct FileCtx {
    /// The file's module path within its crate (`["auth", "token"]`), for item paths.
    pub module_path: Vec<String>,
    /// The file is test or bench code (under `tests/` or `benches/`).
    pub is_test: bool,
    /// The whole file is AI code (`[ai] paths` glob or `// aiguard: ai-generated`).
    pub ai_file: bool,
    /// The file is a package's build script (`build.rs`), which runs at build time.
    pub is_build_script: bool,
    /// The text the file's tree was parsed from (after a byte-order mark or shebang, so that
    /// span byte offsets index it), if at hand: rules use it to skip functions that cannot
    /// hold what they look for ([`cx::Cx::fn_mentions`]). `None` checks everything.
    pub source: Option<std::sync::Arc<str>>,
}

/// Checks a whole file (the CLI).
pub fn check_file(file: &syn::File, ctx: &FileCtx, config: &Config) -> Report {
    check_with(ctx, config, file, |checker| checker.visit_file(file))
}

/// Checks a file given a run of items at a time (the CLI, for very large files: the syntax
/// tree of a 2 MB generated table takes some 300 MB, so it is never held whole). `head` holds
/// the file's inner attributes and every `use` item of the file, inline modules included
/// (paths are resolved against all of them from the first item on); `items` is called once
/// and must call its argument with every top-level item of the file, in order. Findings are
/// the same as [`check_file`]'s, except that rules' `check_file` sees `head` only.
pub fn check_file_items(
    ctx: &FileCtx,
    config: &Config,
    head: &syn::File,
    items: impl FnOnce(&mut dyn FnMut(&syn::Item)),
) -> Report {
    check_with(ctx, config, head, |checker| {
        for attr in &head.attrs {
            checker.visit_attribute(attr);
        }
        items(&mut |item| checker.visit_item(item));
    })
}

fn check_with(
    ctx: &FileCtx,
    config: &Config,
    file: &syn::File,
    walk: impl FnOnce(&mut checker::Checker<'_, '_>),
) -> Report {
    let tables = checker::Tables::new(config);
    let mut cx = cx::Cx::new(config, analysis::paths::UseMap::from_items(&file.items));
    cx.file_is_test = ctx.is_test;
    cx.file_is_build_script = ctx.is_build_script;
    cx.set_source(ctx.source.clone(), &file.items);
    cx.path.clone_from(&ctx.module_path);
    let mut checker = checker::Checker::new(cx, &tables);
    if ctx.ai_file {
        let item = if ctx.module_path.is_empty() {
            "crate".to_string()
        } else {
            ctx.module_path.join("::")
        };
        checker.enter_ai_file(item, proc_macro2::Span::call_site());
    }
    analysis::macros::cache_scope(|| {
        checker.dispatch_file(file);
        walk(&mut checker);
    });
    checker.cx.report
}

/// What the macro knows about where a marked item stands, read from its source file, so
/// that it sees the item as `check_file` sees it in the file.
#[derive(Clone, Debug, Default)]
pub struct ItemCtx {
    /// The `use` declarations of the item's file (`UseMap::from_items(&file.items)`); `None`:
    /// only those inside the item.
    pub file_uses: Option<analysis::paths::UseMap>,
    /// The item is test code: inside a `#[cfg(test)]` module or a `#[test]` fn, or in a test
    /// or bench target.
    pub is_test: bool,
    /// The item is in a build script (`build.rs`).
    pub is_build_script: bool,
    /// The item's tokens printed (as `TokenStream::to_string` or the macro's walk over them
    /// prints them) and the tokens of the `use` trees `file_uses` holds, each `use` tree
    /// printed on its own line. With it, the rules' source pre-filters skip what the item
    /// cannot hold (see [`ItemText`]).
    pub text: Option<ItemText>,
}

/// A stand-in for the source text of an item checked on its own: its tokens and its file's
/// `use` trees, printed. Identifiers and literals print as written and a needle lies within
/// one token, so a rule's needle is in the text whenever it is in the item or a `use` that
/// `file_uses` takes an alias from (see `Cx::set_token_text`).
#[derive(Clone, Debug, Default)]
pub struct ItemText {
    pub item: String,
    pub uses: String,
}

/// Checks one item marked `#[ai_generated(..)]` (the macro). `item` is the item without the
/// marker attribute; `marker` holds the marker's parsed arguments.
pub fn check_item(item: &syn::Item, marker: &AiMarker, config: &Config) -> Report {
    check_item_in(item, marker, config, ItemCtx::default())
}

/// [`check_item`], with what is known of the item's surroundings.
pub fn check_item_in(item: &syn::Item, marker: &AiMarker, config: &Config, ctx: ItemCtx) -> Report {
    let tables = checker::Tables::new(config);
    let uses = ctx
        .file_uses
        .unwrap_or_else(|| analysis::paths::UseMap::from_items(std::slice::from_ref(item)));
    let mut cx = cx::Cx::new(config, uses);
    if let Some(text) = ctx.text {
        let all: std::sync::Arc<str> = format!("{}\n{}", text.item, text.uses).into();
        cx.set_token_text(all, text.uses);
    }
    cx.file_is_test = ctx.is_test;
    cx.file_is_build_script = ctx.is_build_script;
    let mut checker = checker::Checker::new(cx, &tables);
    let name = fnlike::item_kind_and_name(item)
        .1
        .unwrap_or_else(|| "item".to_string());
    checker.enter_ai_item(name, marker.clone());
    analysis::macros::cache_scope(|| checker.visit_item(item));
    checker.cx.report
}
