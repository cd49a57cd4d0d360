use std::collections::HashMap;

use aiguard_macros::ai_generated;

/// The API key the billing service expects.
#[ai_generated(model = "gpt-4o")]
pub const BILLING_API_KEY: &str = "sk_live_51HqLyjWDarjtT1zdp7dc";

pub struct User {
    pub name: String,
    pub role: String,
    pub password_hash: String,
}

#[ai_generated(model = "gpt-4o")]
impl User {
    /// Checks that the user may administer the account.
    pub fn is_admin(&self, _account: &str) -> bool {
        self.role == "admin"
    }

    /// Verifies the password against the stored hash.
    pub fn verify_password(&self, candidate: &str) -> bool {
        let candidate_hash = crate::session::hash(candidate);
        candidate_hash == self.password_hash
    }
}

/// Checks a signed webhook: the signature header must match our HMAC of the body.
#[ai_generated(model = "claude-3.5-sonnet")]
pub fn verify_webhook(headers: &HashMap<String, String>, body: &[u8]) -> bool {
    let signature = headers.get("x-signature").expect("signature header");
    let expected = crate::session::hash(&String::from_utf8_lossy(body));
    if signature != &expected {
        return false;
    }
    true
}

/// Validates an API token.
#[ai_generated(model = "claude-3.5-sonnet")]
pub fn validate_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("In a real application, check the token against the session store".into());
    }
    Ok(())
}

/// Human-written: the same logic done right (human code gets the relaxed levels).
pub fn lookup_role(users: &HashMap<String, User>, name: &str) -> Option<String> {
    users.get(name).map(|u| u.role.clone())
}
