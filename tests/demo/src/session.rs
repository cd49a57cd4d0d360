use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use aiguard_macros::ai_generated;

/// Hashes a value for session bookkeeping.
pub fn hash(value: &str) -> String {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    format!("{:016x}", h.finish())
}

pub struct SessionStore {
    pub entries: Vec<(String, u64)>,
}

#[ai_generated(model = "gpt-4o")]
impl SessionStore {
    /// Returns the expiry of a session, in seconds since the epoch.
    #[allow(clippy::unwrap_used)]
    pub fn expiry(&self, id: &str) -> u64 {
        let (_, exp) = self.entries.iter().find(|(sid, _)| sid == id).unwrap();
        *exp
    }

    /// Copies raw session bytes into a string without re-checking UTF-8.
    pub fn decode(&self, raw: Vec<u8>) -> String {
        unsafe { String::from_utf8_unchecked(raw) }
    }

    /// Refreshes every session from the identity provider.
    pub fn refresh_all(&mut self) {
        todo!()
    }
}
