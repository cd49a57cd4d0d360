use crate::ai::AiMarker;
use crate::cx::Cx;
use crate::fnlike::ItemRef;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags `#[ai_generated]` items that carry no review stamp (`reviewed = ".."`), neither
    /// on themselves nor on an enclosing marked item. Off by default: a team turns it on
    /// (`unreviewed_ai_code = "deny"`) to require a human sign-off on every AI item.
    ///
    /// ### Why is this bad?
    /// Code an assistant wrote and nobody read is the code most likely to hide a flaw that
    /// looks right. Requiring a named reviewer makes the sign-off explicit and auditable.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[ai_generated(model = "gpt-4o")]
    /// fn parse_amount(s: &str) -> Option<u64> { s.parse().ok() }
    /// ```
    ///
    /// ### Use instead
    /// Read it, then stamp it with `cargo aiguard review --by alice src/lib.rs:2`:
    /// ```rust,ignore
    /// #[ai_generated(model = "gpt-4o", reviewed = "alice", digest = "a9e977c5bf51b28584289e6020cddc30")]
    /// fn parse_amount(s: &str) -> Option<u64> { s.parse().ok() }
    /// ```
    ///
    /// ### References
    /// - CWE-1164: Irrelevant Code
    pub struct UnreviewedAiCode;
    name = "unreviewed_ai_code",
    family = Review,
    ai = Allow,
    human = NA,
    cwe = 1164,
    summary = "an AI item with no human review stamp",
}

impl Rule for UnreviewedAiCode {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::AiItem]
    }

    fn check_ai_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>, marker: &AiMarker) {
        let enclosing_stamp = cx.ai_scope().is_some_and(|s| s.marker.reviewed.is_some());
        if marker.reviewed.is_some() || enclosing_stamp {
            return;
        }
        let command = super::stale_review::review_command(cx);
        cx.report(
            &Self::META,
            item.name_span(),
            "this AI-generated item has no review stamp",
        )
        .help(format!("have a human read it, then stamp it: `{command}`"));
    }
}
