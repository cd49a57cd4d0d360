//! One `deny` finding of each rule family: each is a compile error at the offending tokens,
//! named `aiguard::<rule>`, with its help. The code compiles without the marker (the rules
//! are syntactic: local stand-ins replace the crates they know).
use std::future::Future;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use aiguard_macros::ai_generated;

/// secrets
#[ai_generated]
const BILLING_API_KEY: &str = "sk_live_51HqLyjWDarjtT1zdp7dc";

/// crypto
#[ai_generated]
fn verify_signature(signature: &[u8], expected_mac: &[u8]) -> bool {
    signature == expected_mac
}

/// A stand-in for `reqwest::ClientBuilder`.
struct ClientBuilder;

impl ClientBuilder {
    fn danger_accept_invalid_certs(self, _accept: bool) -> Self {
        self
    }
}

/// network
#[ai_generated]
fn insecure_client() -> ClientBuilder {
    ClientBuilder.danger_accept_invalid_certs(true)
}

/// filesystem
#[ai_generated]
fn share(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777))
}

/// A stand-in for `rusqlite::Connection`.
struct Connection;

impl Connection {
    fn execute(&self, _sql: &str, _params: [&str; 0]) -> Result<usize, String> {
        Ok(0)
    }
}

/// injection
#[ai_generated]
fn delete_user(conn: &Connection, username: &str) -> Result<usize, String> {
    conn.execute(&format!("DELETE FROM users WHERE name = '{username}'"), [])
}

/// logic
#[ai_generated]
fn verify_webhook(payload: &[u8], signature: &str) -> Result<(), String> {
    let _ = (payload, signature);
    Ok(())
}

/// robustness
#[ai_generated]
fn refresh_tokens() -> usize {
    todo!()
}

/// arithmetic
#[ai_generated]
fn without_newline(line: &str) -> &str {
    let end = line.len() - 1;
    line.get(..end).unwrap_or(line)
}

/// unsafe
#[ai_generated]
fn decode(raw: Vec<u8>) -> String {
    unsafe { String::from_utf8_unchecked(raw) }
}

/// async
#[ai_generated]
async fn bump(hits: &Mutex<u64>, flush: impl Future<Output = ()>) {
    let mut n = hits.lock().unwrap_or_else(PoisonError::into_inner);
    *n += 1;
    flush.await;
}

/// hygiene
#[ai_generated]
#[allow(dead_code)]
fn unused_helper() {}

/// review
#[ai_generated(reviewed = "alice", digest = "00000000000000000000000000000000")]
fn reviewed_then_changed(a: u32) -> u32 {
    a.saturating_add(1)
}

/// A marked item that a `macro_rules!` makes: `$value` reaches the attribute as an invisible
/// group, so the item is checked on the compiler's tokens rather than on a copy.
macro_rules! api_key {
    ($name:ident, $value:expr) => {
        #[ai_generated]
        const $name: &str = $value;
    };
}

api_key!(GENERATED_API_KEY, "sk_live_51HqLyjWDarjtT1zdp7dc");

fn main() {
    let _ = (BILLING_API_KEY, GENERATED_API_KEY, verify_signature(b"a", b"b"), insecure_client());
    let _ = (share(Path::new("x")), refresh_tokens(), without_newline(""), decode(Vec::new()));
    let _ = (bump(&Mutex::new(0), async {}), reviewed_then_changed(1));
    let _ = (delete_user(&Connection, "x"), verify_webhook(b"", ""));
}
