//! Every argument error points at the argument; the item is still emitted, so using it
//! afterwards causes no further errors.
use aiguard_macros::ai_generated;

#[ai_generated(modle = "gpt-4o")]
fn unknown_argument() {}

#[ai_generated(allow(unwrap_usd = "typo"))]
fn unknown_rule_with_suggestion() {}

#[ai_generated(allow(no_such_rule_at_all = "x"))]
fn unknown_rule() {}

#[ai_generated(allow(unwrap_used))]
fn allow_without_reason() {}

#[ai_generated(allow(unwrap_used = ""))]
fn empty_reason() {}

#[ai_generated(allow(unwrap_used = because))]
fn reason_not_a_string() {}

#[ai_generated(model = 4)]
fn model_not_a_string() {}

#[ai_generated(reviewed = "alice", reviewed = "bob")]
fn duplicate_argument() {}

#[ai_generated(model "gpt-4o")]
fn malformed() {}

struct S;

trait T {
    fn method(&self) -> u8;
}

impl T for S {
    #[ai_generated(allow(unwrap_used), model = "gpt-4o")]
    fn method(&self) -> u8 {
        Some(1).unwrap()
    }
}

fn main() {
    unknown_argument();
    unknown_rule_with_suggestion();
    unknown_rule();
    allow_without_reason();
    empty_reason();
    reason_not_a_string();
    model_not_a_string();
    duplicate_argument();
    malformed();
    let _ = S.method();
}
