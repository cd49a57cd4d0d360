use syn::spanned::Spanned;

use crate::cx::Cx;
use crate::fnlike::{self, ItemRef};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `unsafe impl Send for T` and `unsafe impl Sync for T` (any path ending in
    /// `Send`/`Sync`, generic or not).
    ///
    /// ### Why is this bad?
    /// These impls promise the compiler that `T` is safe to move to (`Send`) or share
    /// between (`Sync`) threads. The compiler stops checking: if `T` holds a raw pointer, an
    /// `Rc`, a `RefCell` or a non-thread-safe C handle, the promise is a data race waiting
    /// to happen. Assistants add these impls to silence "cannot be sent between threads
    /// safely" errors instead of fixing the type.
    ///
    /// ### Example
    /// ```rust,ignore
    /// struct Handle { raw: *mut ffi::Conn }
    /// unsafe impl Send for Handle {}
    /// unsafe impl Sync for Handle {}
    /// ```
    ///
    /// ### Use instead
    /// Wrap the handle so the type is thread-safe by construction (a `Mutex`, or a
    /// dedicated thread that owns it), and let the compiler derive the auto traits:
    /// ```rust,ignore
    /// struct Handle { raw: std::sync::Mutex<ConnPtr> }
    /// ```
    ///
    /// ### References
    /// - CWE-362: Concurrent Execution using Shared Resource with Improper Synchronization
    /// - clippy: `non_send_fields_in_send_ty`
    pub struct UnsafeSendSync;
    name = "unsafe_send_sync",
    family = Unsafety,
    ai = Deny,
    human = Warn,
    cwe = 362,
    summary = "`unsafe impl Send` or `unsafe impl Sync`",
}

impl Rule for UnsafeSendSync {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Item]
    }

    fn check_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>) {
        let ItemRef::Item(syn::Item::Impl(imp)) = item else {
            return;
        };
        let (Some(unsafety), Some((path, _))) = (&imp.unsafety, &imp.trait_) else {
            return;
        };
        let name = fnlike::path_last(path);
        if name != "Send" && name != "Sync" {
            return;
        }
        let ty = fnlike::type_name(&imp.self_ty);
        let what = if name == "Send" {
            "moved to another thread"
        } else {
            "shared between threads"
        };
        cx.report(
            &Self::META,
            unsafety.span,
            format!("`unsafe impl {name} for {ty}` asserts without proof that `{ty}` can be {what}"),
        )
        .label(path.span(), "the compiler no longer checks this")
        .help(format!(
            "make `{ty}`'s fields thread-safe (`Arc`, `Mutex`, atomics) so `{name}` is derived, or document the invariant in a `// SAFETY:` comment and allow the rule with a reason"
        ));
    }
}
