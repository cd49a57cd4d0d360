//! The one walk. A `syn::visit::Visit` that keeps the context (`Cx`) and dispatches each
//! node to the rules that asked for its kind. Rules never walk the file themselves.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::ai::{self, AiMarker};
use crate::analysis::{asyncx, macros};
use crate::cx::{AiScope, Cx, FnFrame};
use crate::finding::{AiItem, Problem};
use crate::fnlike::{self, FnKind, FnLike, ItemRef};
use crate::registry;
use crate::rule::{Level, NodeKind, Rule};
use crate::scope;

/// Beyond this expression depth the walk stops descending and reports a problem, so that no
/// input can overflow the stack (DESIGN.md "Bad input and limits").
pub const MAX_EXPR_DEPTH: usize = 1200;

/// Rules by node kind, built once per check from the registry and the config.
pub(crate) struct Tables {
    by_kind: [Vec<&'static dyn Rule>; NodeKind::ALL.len()],
}

impl Tables {
    pub(crate) fn new(config: &crate::config::Config) -> Self {
        let mut by_kind: [Vec<&'static dyn Rule>; NodeKind::ALL.len()] = Default::default();
        for rule in registry::all() {
            let m = rule.meta();
            let on = |ai| config.level(m, ai).is_some_and(|l| l != Level::Allow);
            if !on(true) && !on(false) {
                continue;
            }
            for kind in rule.interests() {
                by_kind[kind.index()].push(rule);
            }
        }
        Tables { by_kind }
    }

    fn get(&self, kind: NodeKind) -> &[&'static dyn Rule] {
        &self.by_kind[kind.index()]
    }
}

#[derive(Clone)]
enum Owner {
    Impl {
        self_ty: String,
        trait_name: Option<String>,
    },
    Trait {
        name: String,
    },
}

pub(crate) struct Checker<'a, 't> {
    pub(crate) cx: Cx<'a>,
    tables: &'t Tables,
    owners: Vec<Owner>,
    depth: usize,
    /// Depth of expressions being visited from inside macro bodies (bounded separately).
    macro_depth: usize,
    /// The marker of the item checked on its own (the macro strips its attribute).
    root_marker: Option<AiMarker>,
    /// The next expression visited is the operand of `.await`.
    awaited_next: bool,
    /// The item path of the last "nested too deeply" problem: one per item, as siblings cut
    /// at the same depth would each report.
    deep_reported: Option<Vec<String>>,
}

impl<'a, 't> Checker<'a, 't> {
    pub(crate) fn new(cx: Cx<'a>, tables: &'t Tables) -> Self {
        Checker {
            cx,
            tables,
            owners: Vec::new(),
            depth: 0,
            macro_depth: 0,
            root_marker: None,
            awaited_next: false,
            deep_reported: None,
        }
    }

    /// Enters the AI scope of a whole file.
    pub(crate) fn enter_ai_file(&mut self, item: String, span: Span) {
        self.cx.report.ai_items.push(AiItem {
            kind: "file",
            path: item.clone(),
            model: None,
            reviewed: None,
            digest: None,
            span,
        });
        self.cx.ai = Some(AiScope {
            item,
            marker: AiMarker::default(),
        });
    }

    /// Enters the AI scope of an item checked on its own (the macro).
    pub(crate) fn enter_ai_item(&mut self, item: String, marker: AiMarker) {
        self.root_marker = Some(marker.clone());
        self.cx.ai = Some(AiScope { item, marker });
    }

    pub(crate) fn dispatch_file(&mut self, file: &syn::File) {
        for r in self.tables.get(NodeKind::File) {
            r.check_file(&mut self.cx, file);
        }
    }

    fn dispatch_item(&mut self, item: ItemRef<'_>) {
        for r in self.tables.get(NodeKind::Item) {
            r.check_item(&mut self.cx, item);
        }
    }

    fn dispatch_fn(&mut self, f: &FnLike<'_>) {
        for r in self.tables.get(NodeKind::Fn) {
            r.check_fn(&mut self.cx, f);
        }
    }

    /// Runs `inner` inside an item's scope: its name in the item path, AI scope if marked,
    /// test scope if a test.
    fn with_item(
        &mut self,
        node: ItemRef<'_>,
        kind: &'static str,
        name: Option<String>,
        inner: impl FnOnce(&mut Self),
    ) {
        let attrs = node.attrs();
        let pushed_name = name.is_some();
        if let Some(n) = name {
            self.cx.path.push(n);
        }
        let saved_ai = self.cx.ai.clone();
        let is_test = scope::is_test_item(attrs);
        if is_test {
            self.cx.test_depth += 1;
        }
        if let Some(marker) = self.root_marker.take() {
            for r in self.tables.get(NodeKind::AiItem) {
                r.check_ai_item(&mut self.cx, node, &marker);
            }
        }
        if let Some((marker, problems)) = ai::find_marker(attrs) {
            self.cx.report.problems.extend(problems);
            let own = marker.clone();
            if let Some(scope) = &mut self.cx.ai {
                // A marker nested in an AI item: its allow list and model add to the outer.
                scope.marker.allow.extend(marker.allow);
                if marker.model.is_some() {
                    scope.marker.model = marker.model;
                }
            } else {
                let path = self.cx.item_path();
                self.cx.report.ai_items.push(AiItem {
                    kind,
                    path: path.clone(),
                    model: marker.model.clone(),
                    reviewed: marker.reviewed.clone(),
                    digest: marker.digest.clone(),
                    // Only here: an item's span is computed from all its tokens.
                    span: node.span(),
                });
                self.cx.ai = Some(AiScope { item: path, marker });
            }
            for r in self.tables.get(NodeKind::AiItem) {
                r.check_ai_item(&mut self.cx, node, &own);
            }
        }
        let is_const = matches!(kind, "const" | "static");
        if is_const {
            self.cx.const_depth += 1;
        }
        inner(self);
        if is_test {
            self.cx.test_depth -= 1;
        }
        if is_const {
            self.cx.const_depth -= 1;
        }
        self.cx.ai = saved_ai;
        if pushed_name {
            self.cx.path.pop();
        }
    }

    fn with_fn(&mut self, f: &FnLike<'_>, inner: impl FnOnce(&mut Self)) {
        let name = f.name();
        self.cx.fns.push(FnFrame {
            check_named: self.cx.vocab().is_check_fn(&name),
            name,
            kind: f.kind.clone(),
            is_async: f.is_async(),
            block: std::ptr::from_ref(f.block).addr(),
            range: std::cell::OnceCell::new(),
        });
        self.cx.async_stack.push(f.is_async());
        let is_const = f.sig.constness.is_some();
        if is_const {
            self.cx.const_depth += 1;
        }
        self.dispatch_fn(f);
        inner(self);
        if is_const {
            self.cx.const_depth -= 1;
        }
        self.cx.async_stack.pop();
        self.cx.fns.pop();
    }

    /// Reports a construct nested too deeply to analyze, once per item.
    fn too_deep(&mut self, problem: Problem) {
        if self.deep_reported.as_ref() != Some(&self.cx.path) {
            self.deep_reported = Some(self.cx.path.clone());
            self.cx.report.problems.push(problem);
        }
    }

    fn visit_macro_body(&mut self, mac: &syn::Macro) {
        if self.macro_depth > 8 {
            return;
        }
        let exprs = macros::body_exprs(mac);
        if exprs.is_empty() && macros::nested_too_deep(&mac.tokens) {
            self.too_deep(
                Problem::new(mac.span(), "macro call nested too deeply to analyze").help(format!(
                    "aiguard reads macro arguments nested up to {} levels deep; split this call",
                    macros::MAX_BODY_NESTING
                )),
            );
            return;
        }
        self.macro_depth += 1;
        for e in exprs.iter() {
            self.visit_expr(e);
        }
        self.macro_depth -= 1;
    }

    /// Visits a call's arguments; a closure that may run elsewhere (see
    /// `asyncx::leaves_async`) is a sync boundary.
    fn visit_args_maybe_blocking<'x>(
        &mut self,
        name: Option<String>,
        args: impl Iterator<Item = &'x syn::Expr>,
    ) {
        for a in args {
            let boundary = asyncx::leaves_async(a, name.as_deref());
            if boundary {
                self.cx.async_stack.push(false);
            }
            self.visit_expr(a);
            if boundary {
                self.cx.async_stack.pop();
            }
        }
    }
}

impl<'ast> Visit<'ast> for Checker<'_, '_> {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        let (kind, name) = fnlike::item_kind_and_name(i);
        let name = match i {
            // `impl Trait for Type` items live under `Type`, like rustdoc paths.
            syn::Item::Impl(imp) => Some(fnlike::impl_name(imp)),
            _ => name,
        };
        let name = if matches!(i, syn::Item::Use(_) | syn::Item::ExternCrate(_)) {
            None
        } else {
            name
        };
        self.with_item(ItemRef::Item(i), kind, name, |this| {
            this.dispatch_item(ItemRef::Item(i));
            visit::visit_item(this, i);
        });
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        let f = FnLike {
            attrs: &i.attrs,
            sig: &i.sig,
            block: &i.block,
            kind: FnKind::Free,
        };
        self.with_fn(&f, |this| visit::visit_item_fn(this, i));
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.owners.push(Owner::Impl {
            self_ty: fnlike::impl_name(i),
            trait_name: i.trait_.as_ref().map(|(p, _)| fnlike::path_last(p)),
        });
        visit::visit_item_impl(self, i);
        self.owners.pop();
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        self.owners.push(Owner::Trait {
            name: i.ident.to_string(),
        });
        visit::visit_item_trait(self, i);
        self.owners.pop();
    }

    fn visit_impl_item(&mut self, i: &'ast syn::ImplItem) {
        let (kind, name) = match i {
            syn::ImplItem::Fn(f) => ("fn", Some(f.sig.ident.to_string())),
            syn::ImplItem::Const(c) => ("const", Some(c.ident.to_string())),
            syn::ImplItem::Type(t) => ("type", Some(t.ident.to_string())),
            _ => ("item", None),
        };
        self.with_item(ItemRef::Impl(i), kind, name, |this| {
            this.dispatch_item(ItemRef::Impl(i));
            visit::visit_impl_item(this, i);
        });
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        let kind = match self.owners.last() {
            Some(Owner::Impl {
                self_ty,
                trait_name: Some(t),
            }) => FnKind::TraitImpl {
                trait_name: t.clone(),
                self_ty: self_ty.clone(),
            },
            Some(Owner::Impl { self_ty, .. }) => FnKind::Inherent {
                self_ty: self_ty.clone(),
            },
            _ => FnKind::Free,
        };
        let f = FnLike {
            attrs: &i.attrs,
            sig: &i.sig,
            block: &i.block,
            kind,
        };
        self.with_fn(&f, |this| visit::visit_impl_item_fn(this, i));
    }

    fn visit_trait_item(&mut self, i: &'ast syn::TraitItem) {
        let (kind, name) = match i {
            syn::TraitItem::Fn(f) => ("fn", Some(f.sig.ident.to_string())),
            syn::TraitItem::Const(c) => ("const", Some(c.ident.to_string())),
            syn::TraitItem::Type(t) => ("type", Some(t.ident.to_string())),
            _ => ("item", None),
        };
        self.with_item(ItemRef::Trait(i), kind, name, |this| {
            this.dispatch_item(ItemRef::Trait(i));
            visit::visit_trait_item(this, i);
        });
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        let Some(block) = &i.default else {
            visit::visit_trait_item_fn(self, i);
            return;
        };
        let trait_name = match self.owners.last() {
            Some(Owner::Trait { name }) => name.clone(),
            _ => String::new(),
        };
        let f = FnLike {
            attrs: &i.attrs,
            sig: &i.sig,
            block,
            kind: FnKind::TraitDefault { trait_name },
        };
        self.with_fn(&f, |this| visit::visit_trait_item_fn(this, i));
    }

    fn visit_foreign_item(&mut self, i: &'ast syn::ForeignItem) {
        self.with_item(ItemRef::Foreign(i), "foreign item", None, |this| {
            this.dispatch_item(ItemRef::Foreign(i));
            visit::visit_foreign_item(this, i);
        });
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        // Dispatch only: attribute arguments are not code (doc strings, `path = ".."`).
        for r in self.tables.get(NodeKind::Attr) {
            r.check_attr(&mut self.cx, attr);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        for r in self.tables.get(NodeKind::Local) {
            r.check_local(&mut self.cx, l);
        }
        visit::visit_local(self, l);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        for r in self.tables.get(NodeKind::Macro) {
            r.check_macro(&mut self.cx, m);
        }
        visit::visit_macro(self, m);
        self.visit_macro_body(m);
    }

    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            self.too_deep(
                Problem::new(e.span(), "expression nested too deeply to analyze").help(format!(
                    "aiguard checks expressions up to {MAX_EXPR_DEPTH} levels deep; split this expression"
                )),
            );
            return;
        }
        self.depth += 1;
        self.cx.awaited = std::mem::take(&mut self.awaited_next);
        for r in self.tables.get(NodeKind::Expr) {
            r.check_expr(&mut self.cx, e);
        }
        self.cx.awaited = false;
        match e {
            syn::Expr::Await(a) => {
                for attr in &a.attrs {
                    self.visit_attribute(attr);
                }
                self.awaited_next = true;
                self.visit_expr(&a.base);
                self.awaited_next = false;
            }
            syn::Expr::Async(a) => {
                for attr in &a.attrs {
                    self.visit_attribute(attr);
                }
                self.cx.async_stack.push(true);
                self.visit_block(&a.block);
                self.cx.async_stack.pop();
            }
            syn::Expr::Const(c) => {
                self.cx.const_depth += 1;
                visit::visit_expr_const(self, c);
                self.cx.const_depth -= 1;
            }
            syn::Expr::Closure(c) => {
                for r in self.tables.get(NodeKind::Closure) {
                    r.check_closure(&mut self.cx, c);
                }
                let is_async = c.asyncness.is_some();
                if is_async {
                    self.cx.async_stack.push(true);
                }
                // A closure's body runs when it is called, at run time, even when the
                // closure is written in a `static` initializer (`LazyLock::new(|| ..)`).
                let const_depth = std::mem::take(&mut self.cx.const_depth);
                visit::visit_expr_closure(self, c);
                self.cx.const_depth = const_depth;
                if is_async {
                    self.cx.async_stack.pop();
                }
            }
            syn::Expr::Call(c) => {
                for attr in &c.attrs {
                    self.visit_attribute(attr);
                }
                self.visit_expr(&c.func);
                let name = match &*c.func {
                    syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                };
                self.visit_args_maybe_blocking(name, c.args.iter());
            }
            syn::Expr::MethodCall(m) => {
                for attr in &m.attrs {
                    self.visit_attribute(attr);
                }
                self.visit_expr(&m.receiver);
                if let Some(t) = &m.turbofish {
                    self.visit_angle_bracketed_generic_arguments(t);
                }
                self.visit_args_maybe_blocking(Some(m.method.to_string()), m.args.iter());
            }
            _ => visit::visit_expr(self, e),
        }
        self.depth -= 1;
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        // Nested blocks count toward the depth limit too.
        if self.depth >= MAX_EXPR_DEPTH {
            self.too_deep(
                Problem::new(b.span(), "block nested too deeply to analyze").help(format!(
                    "aiguard checks code up to {MAX_EXPR_DEPTH} levels deep; split this function"
                )),
            );
            return;
        }
        self.depth += 1;
        visit::visit_block(self, b);
        self.depth -= 1;
    }

    fn visit_type(&mut self, t: &'ast syn::Type) {
        if self.depth >= MAX_EXPR_DEPTH {
            self.too_deep(
                Problem::new(t.span(), "type nested too deeply to analyze")
                    .help("split this type with a `type` alias"),
            );
            return;
        }
        self.depth += 1;
        visit::visit_type(self, t);
        self.depth -= 1;
    }

    fn visit_pat(&mut self, p: &'ast syn::Pat) {
        if self.depth >= MAX_EXPR_DEPTH {
            self.too_deep(
                Problem::new(p.span(), "pattern nested too deeply to analyze").help(format!(
                    "aiguard checks code up to {MAX_EXPR_DEPTH} levels deep; split this pattern"
                )),
            );
            return;
        }
        self.depth += 1;
        visit::visit_pat(self, p);
        self.depth -= 1;
    }
}
