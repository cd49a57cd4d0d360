use crate::ai::AiMarker;
use crate::cx::Cx;
use crate::digest;
use crate::fnlike::ItemRef;
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Checks the review stamp of an AI item: `#[ai_generated(reviewed = "..", digest = "..")]`
    /// records who signed the item off and a digest of its tokens at that moment. The rule
    /// fires when the item's tokens no longer match the digest, or when a stamp has no digest.
    ///
    /// ### Why is this bad?
    /// A sign-off is only worth something for the code that was read. When an assistant (or
    /// anyone) edits a reviewed item, the stamp would otherwise keep vouching for code nobody
    /// looked at. The digest covers every token of the item (formatting, comments and doc
    /// text excluded), so any change of behaviour voids the stamp.
    ///
    /// ### Example
    /// ```rust,ignore
    /// #[ai_generated(reviewed = "alice", digest = "00000000000000000000000000000000")]
    /// fn limit() -> u32 { 100 }
    /// ```
    ///
    /// ### Use instead
    /// Review the change, then renew the stamp with `cargo aiguard review --by alice src/lib.rs:2`:
    /// ```rust,ignore
    /// #[ai_generated(reviewed = "alice", digest = "5d1bfca723e9cb3d8241a0acc26c3c62")]
    /// fn limit() -> u32 { 100 }
    /// ```
    ///
    /// ### References
    /// - CWE-1164: Irrelevant Code (a stamp that vouches for code nobody read)
    pub struct StaleReview;
    name = "stale_review",
    family = Review,
    ai = Deny,
    human = NA,
    cwe = 1164,
    summary = "an AI item changed after its review stamp",
}

impl Rule for StaleReview {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::AiItem]
    }

    fn check_ai_item(&self, cx: &mut Cx<'_>, item: ItemRef<'_>, marker: &AiMarker) {
        let who = marker
            .reviewed
            .as_deref()
            .map_or_else(|| "its reviewer".to_string(), |r| format!("`{r}`"));
        let Some(recorded) = &marker.digest else {
            if marker.reviewed.is_some() {
                let span = marker.reviewed_span.unwrap_or_else(|| item.name_span());
                cx.report(&Self::META, span, "review stamp without a `digest`")
                    .help("run `cargo aiguard review --by NAME FILE:LINE` to stamp the item with its digest");
            }
            return;
        };
        let actual = digest::digest_tokens(item.tokens());
        if &actual == recorded {
            return;
        }
        let span = marker.digest_span.unwrap_or_else(|| item.name_span());
        let command = review_command(cx);
        cx.report(
            &Self::META,
            span,
            format!("this item changed since {who} reviewed it"),
        )
        .label(item.name_span(), "the reviewed item")
        .help(format!(
            "review the change, then renew the stamp: `{command}`"
        ));
    }
}

/// The command that stamps the current item: `cargo aiguard review --by NAME auth::verify`.
pub(super) fn review_command(cx: &Cx<'_>) -> String {
    let path = cx.item_path();
    let target = if path.is_empty() { "FILE:LINE" } else { &path };
    format!("cargo aiguard review --by NAME {target}")
}
