//! `allow(rule = "reason")` switches a rule off for the item, and the clippy lint that
//! duplicates it; `reviewed` and `digest` are accepted. Nothing is reported here.
#![deny(warnings)]

use aiguard_macros::ai_generated;

#[ai_generated(
    model = "gpt-4o",
    reviewed = "alice",
    digest = "fb864a09edea13f59eec561649423727",
    allow(unwrap_used = "the pattern is a literal and always compiles")
)]
fn first_word(text: &str) -> &str {
    text.split_whitespace()
        .next()
        .filter(|w| !w.is_empty())
        .unwrap()
}

struct Config;

trait Load {
    fn port(&self) -> u16;
}

impl Load for Config {
    #[ai_generated(allow(unwrap_used = "validated when the config is loaded"))]
    fn port(&self) -> u16 {
        "8080".parse().unwrap()
    }
}

// Allowing a rule that does not fire is fine too.
#[ai_generated(allow(unwrap_used = "kept for the next edit"))]
const fn clean(x: Option<u8>) -> u8 {
    match x {
        Some(v) => v,
        None => 0,
    }
}

fn main() {
    assert_eq!(first_word("hello world"), "hello");
    assert_eq!(Config.port(), 8080);
    assert_eq!(clean(Some(1)), 1);
}
