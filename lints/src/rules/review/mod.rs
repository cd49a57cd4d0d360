//! The `review` family: human sign-off on AI items.

rules! {
    stale_review::StaleReview,
    unreviewed_ai_code::UnreviewedAiCode,
}
