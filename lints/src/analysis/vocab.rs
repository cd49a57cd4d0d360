//! The shared vocabulary of RULES.md: secret-named identifiers, check-named functions,
//! sanitizers, and the names of cryptographic material. Rules never keep private word lists;
//! `[vocab]` in the config extends these.

/// Single words that make an identifier secret-named.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "privkey",
    "credential",
    "credentials",
    "bearer",
    "jwt",
    "otp",
    "passphrase",
];

/// Word pairs that make an identifier secret-named (`api_key`, `apiKey`, `API_KEY`, `api-key`).
const SECRET_PAIRS: &[&str] = &[
    "api_key",
    "access_key",
    "private_key",
    "client_secret",
    "auth_token",
    "session_key",
    "signing_key",
    "secret_key",
    "master_key",
];

/// A trailing word that makes an identifier NOT secret-named: it names something about the
/// secret (its length, its name, where it lives), not the secret itself.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "len",
    "count",
    "size",
    "kind",
    "type",
    "name",
    "id",
    "index",
    "idx",
    "field",
    "prompt",
    "hint",
    "label",
    "path",
    "file",
    "url",
    "max",
    "min",
    "length",
    "header",
    "param",
    "env",
    "var",
    "policy",
    "rules",
    "regex",
    "pattern",
    "placeholder",
    "format",
    "expiry",
    "ttl",
];

/// Prefixes of check-named functions (matched at a word boundary).
const CHECK_FN_PREFIXES: &[&str] = &[
    "validate",
    "verify",
    "check",
    "is_valid",
    "is_authorized",
    "is_allowed",
    "is_admin",
    "is_permitted",
    "authenticate",
    "authorize",
    "can_",
    "has_permission",
    "has_access",
    "permit",
    "sanitize",
    "escape",
    "allow",
];

/// Calls whose result is trusted (taint-lite): escaping and sanitizing functions.
const SANITIZERS: &[&str] = &[
    "escape",
    "sanitize",
    "html_escape",
    "escape_html",
    "encode_text",
    "encode_safe",
    "encode_double_quoted_attribute",
    "shell_escape",
    "quote",
    "escape_sql_ident",
    "quote_identifier",
    "clean",
    // taint-lite: shell quoting, HTML attribute encoders, URL percent-encoding
    "try_quote",
    "encode_minimal",
    "encode_quoted_attribute",
    "encode_unquoted_attribute",
    "utf8_percent_encode",
    "percent_encode",
];

/// Words naming key material and one-time values that must come from a CSPRNG and must
/// never be constants (insecure_random, static_nonce), besides the secret words.
const CRYPTO_MATERIAL_WORDS: &[&str] = &[
    "nonce", "salt", "iv", "key", "session", "sid", "csrf", "otp", "code", "pin", "seed",
];

/// Words naming values compared as proofs of authenticity (non_constant_time_compare),
/// besides the secret words.
const DIGEST_WORDS: &[&str] = &[
    "signature",
    "sig",
    "hmac",
    "mac",
    "digest",
    "hash",
    "checksum",
    "tag",
];

/// Words naming where a request goes or comes from: a URL/endpoint (cleartext_url, ssrf).
const URL_WORDS: &[&str] = &[
    "url", "uri", "endpoint", "base", "href", "webhook", "callback",
];

/// Words naming a location whose string form is used for trust decisions
/// (prefix_authorization): URLs, origins, hosts, domains, referers, redirects, emails, paths.
const LOCATION_WORDS: &[&str] = &[
    "url", "uri", "origin", "host", "hostname", "domain", "referer", "referrer", "redirect",
    "email", "path", "route", "callback", "return", "next", "location", "target",
];

/// SQL statement verbs and clause words: a string with a verb and a clause word (or a
/// `WHERE`) is a query (sql_injection).
const SQL_VERBS: &[&str] = &[
    "select", "insert", "update", "delete", "create", "drop", "alter", "truncate", "pragma",
    "grant", "revoke", "replace", "merge", "upsert", "attach", "vacuum",
];
const SQL_CLAUSES: &[&str] = &[
    "from",
    "into",
    "set",
    "table",
    "where",
    "values",
    "index",
    "database",
    "view",
    "join",
    "schema",
    "trigger",
    "returning",
    "user",
    "role",
];

/// Programs that run a string argument as a script (command_injection).
const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "fish",
    "csh",
    "tcsh",
    "ash",
    "cmd",
    "cmd.exe",
    "powershell",
    "powershell.exe",
    "pwsh",
    "pwsh.exe",
];

/// Words naming an HTTP client (ssrf): `client`, `http_client`, `agent`.
const HTTP_CLIENT_WORDS: &[&str] = &["client", "http", "agent", "reqwest", "ureq", "https"];

/// Words of env vars and flags that switch security checks off (debug_bypass).
const BYPASS_WORDS: &[&str] = &[
    "debug", "skip", "disable", "disabled", "bypass", "dev", "insecure", "no", "noauth", "unsafe",
    "test", "testing", "local", "mock",
];

/// Words of functions that make a secret safe to show (secret_in_log): `redact`, `mask`.
const REDACTION_WORDS: &[&str] = &[
    "redact",
    "redacted",
    "mask",
    "masked",
    "obfuscate",
    "obfuscated",
    "fingerprint",
    "censor",
    "hide",
    "hidden",
    "len",
    "length",
    "is_empty",
    "is_some",
    "is_none",
];

/// The vocabulary in force: built-ins plus config extensions.
#[derive(Clone, Debug, Default)]
pub struct Vocab {
    secret_words: Vec<String>,
    not_secret_suffixes: Vec<String>,
    check_fn_prefixes: Vec<String>,
    sanitizers: Vec<String>,
}

/// Splits an identifier or string key into lower-case words on `_`, `-`, `.`, spaces and
/// camelCase boundaries: `apiKey` → `api key`, `HTTPServer` → `http server`.
pub fn split_words(ident: &str) -> Vec<String> {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn word_is(word: &str, term: &str) -> bool {
    word == term || (word.len() == term.len() + 1 && word.starts_with(term) && word.ends_with('s'))
}

impl Vocab {
    /// Adds config words to one list (`secret_words`, `not_secret_suffixes`,
    /// `check_fn_prefixes`, `sanitizers`); unknown list names are ignored (config
    /// validation rejects them first).
    pub fn extend(&mut self, list: &str, words: Vec<String>) {
        let target = match list {
            "secret_words" => &mut self.secret_words,
            "not_secret_suffixes" => &mut self.not_secret_suffixes,
            "check_fn_prefixes" => &mut self.check_fn_prefixes,
            "sanitizers" => &mut self.sanitizers,
            _ => return,
        };
        target.extend(words.into_iter().map(|w| w.to_lowercase()));
    }

    pub fn extend_from(&mut self, other: &Vocab) {
        self.secret_words.extend(other.secret_words.iter().cloned());
        self.not_secret_suffixes
            .extend(other.not_secret_suffixes.iter().cloned());
        self.check_fn_prefixes
            .extend(other.check_fn_prefixes.iter().cloned());
        self.sanitizers.extend(other.sanitizers.iter().cloned());
    }

    fn has_trailing_non_secret(&self, words: &[String]) -> bool {
        let Some(last) = words.last() else {
            return true;
        };
        words.len() > 1
            && (NOT_SECRET_SUFFIXES.iter().any(|s| word_is(last, s))
                || self.not_secret_suffixes.iter().any(|s| word_is(last, s)))
    }

    fn contains_secret_word(&self, words: &[String]) -> bool {
        let single = words.iter().any(|w| {
            SECRET_WORDS.iter().any(|s| word_is(w, s))
                || self.secret_words.iter().any(|s| {
                    // A configured multi-word term (`pin_code`) is matched as a phrase.
                    if s.contains('_') {
                        false
                    } else {
                        word_is(w, s)
                    }
                })
        });
        if single {
            return true;
        }
        let joined = words.join("_");
        let phrase = |term: &str| {
            let t = term.to_lowercase();
            joined == t
                || joined.starts_with(&format!("{t}_"))
                || joined.ends_with(&format!("_{t}"))
                || joined.ends_with(&format!("_{t}s"))
                || joined == format!("{t}s")
                || joined.contains(&format!("_{t}_"))
        };
        SECRET_PAIRS.iter().any(|p| phrase(p))
            || self
                .secret_words
                .iter()
                .filter(|s| s.contains('_'))
                .any(|s| phrase(s))
    }

    /// RULES.md "secret-named": `password`, `db_password`, `apiKey`, `API_KEY`, `x-api-key`;
    /// not `author`, `tokenizer`, `token_count`, `password_len`, `secret_name`.
    pub fn is_secret_name(&self, ident: &str) -> bool {
        let words = split_words(ident);
        !words.is_empty()
            && !self.has_trailing_non_secret(&words)
            && self.contains_secret_word(&words)
    }

    /// Secret-named, or naming key material / one-time values (`nonce`, `salt`, `iv`, `key`,
    /// `session_id`, `reset_code`): what must come from a CSPRNG.
    pub fn is_crypto_material_name(&self, ident: &str) -> bool {
        if self.is_secret_name(ident) {
            return true;
        }
        let words = split_words(ident);
        if words.is_empty() {
            return false;
        }
        let last = words.last().map(String::as_str).unwrap_or_default();
        // `session_id` and `reset_code` are material even though `id`/`code` trail.
        let material = |w: &str| CRYPTO_MATERIAL_WORDS.iter().any(|m| word_is(w, m));
        if words.len() >= 2 && (last == "id" || last == "code") {
            return words[..words.len() - 1].iter().any(|w| material(w))
                || words.iter().any(|w| w == "reset" || w == "verification");
        }
        !self.has_trailing_non_secret(&words) && words.iter().any(|w| material(w) && w != "code")
    }

    /// Nonce/IV/salt names only (static_nonce).
    pub fn is_nonce_name(&self, ident: &str) -> bool {
        let words = split_words(ident);
        !self.has_trailing_non_secret(&words)
            && words
                .iter()
                .any(|w| ["nonce", "iv", "salt"].iter().any(|t| word_is(w, t)))
    }

    /// Secret-named, or naming a signature/MAC/digest/checksum/expected token: values whose
    /// comparison must be constant-time.
    pub fn is_digest_name(&self, ident: &str) -> bool {
        if self.is_secret_name(ident) {
            return true;
        }
        let words = split_words(ident);
        !self.has_trailing_non_secret(&words)
            && words
                .iter()
                .any(|w| DIGEST_WORDS.iter().any(|d| word_is(w, d)))
    }

    /// Password-named: `password`, `passwd`, `pwd`, `passphrase` (password_fast_hash), with
    /// the same trailing-word exceptions as secret names (`password_len` is not).
    pub fn is_password_name(&self, ident: &str) -> bool {
        let words = split_words(ident);
        !self.has_trailing_non_secret(&words)
            && words.iter().any(|w| {
                ["password", "passwd", "pwd", "passphrase", "pass", "pw"]
                    .iter()
                    .any(|t| word_is(w, t))
            })
    }

    /// URL-named: `url`, `base_url`, `endpoint`, `api_base`, `webhook` (cleartext_url, ssrf).
    pub fn is_url_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| URL_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// Names a URL, origin, host, domain, referer, redirect target, email or path: values
    /// whose raw string must not decide trust by prefix/suffix (prefix_authorization).
    pub fn is_location_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| LOCATION_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// An env var or flag that switches checks off: `DEBUG`, `SKIP_AUTH`, `DISABLE_AUTH`,
    /// `DEV_MODE`, `BYPASS_*`, `INSECURE` (debug_bypass).
    pub fn is_bypass_flag_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| BYPASS_WORDS.iter().any(|t| w == t))
    }

    /// A call that makes a secret safe to log: `redact(..)`, `mask(..)`, `.len()`.
    pub fn is_redaction_fn(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        REDACTION_WORDS.iter().any(|t| lower == *t)
            || split_words(name)
                .iter()
                .any(|w| REDACTION_WORDS.iter().any(|t| w == t))
    }

    /// Whether a string (a format template, a built query with `{}` holes) reads as SQL: a
    /// statement verb with a clause word (`SELECT .. FROM`, `INSERT INTO`, `DROP TABLE`), or
    /// a `WHERE`.
    pub fn is_sql_text(&self, text: &str) -> bool {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        (has(SQL_VERBS) && has(SQL_CLAUSES)) || words.iter().any(|w| w == "where")
    }

    /// Whether a program (a name or a path: `/bin/sh`, `cmd.exe`) is a shell.
    pub fn is_shell_program(&self, program: &str) -> bool {
        let base = program
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(program)
            .to_lowercase();
        SHELLS.contains(&base.as_str())
    }

    /// Whether an identifier names an HTTP client (`client`, `http`, `self.agent`).
    pub fn is_http_client_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| HTTP_CLIENT_WORDS.contains(&w.as_str()))
    }

    /// RULES.md "check-named function": the name is, or starts at a word boundary with, one of
    /// the check prefixes (`verify_token`, `is_admin`, `can_edit`; not `checkout`).
    pub fn is_check_fn(&self, name: &str) -> bool {
        let name = name.strip_prefix("r#").unwrap_or(name);
        let lower = name.to_lowercase();
        let matches = |p: &str| {
            lower == p
                || (p.ends_with('_') && lower.starts_with(p))
                || lower
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('_'))
        };
        CHECK_FN_PREFIXES.iter().any(|p| matches(p))
            || self.check_fn_prefixes.iter().any(|p| matches(p))
    }

    /// Whether a fn named `name` is an allow-listed sanitizer (matched on the last path
    /// segment, whole name or `_`-separated suffix: `html_escape::encode_text`, `escape_html`).
    pub fn is_sanitizer(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        SANITIZERS.iter().any(|s| lower == *s)
            || self.sanitizers.contains(&lower)
            || lower.starts_with("escape_")
            || lower.starts_with("sanitize")
            || lower.ends_with("_escape")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(split_words("apiKey"), ["api", "key"]);
        assert_eq!(split_words("API_KEY"), ["api", "key"]);
        assert_eq!(split_words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(split_words("HTTPServer"), ["http", "server"]);
        assert_eq!(split_words("r#type"), ["type"]);
    }

    #[test]
    fn secret_names() {
        let v = Vocab::default();
        for s in [
            "password",
            "db_password",
            "apiKey",
            "API_KEY",
            "x-api-key",
            "client_secret",
            "GITHUB_TOKEN",
            "bearer",
            "tokens",
            "jwtSecret",
            "stripe_secret_key",
        ] {
            assert!(v.is_secret_name(s), "{s}");
        }
        for s in [
            "author",
            "tokenizer",
            "token_count",
            "password_len",
            "secret_name",
            "key",
            "monkey",
            "api",
            "password_field",
            "token_url",
        ] {
            assert!(!v.is_secret_name(s), "{s}");
        }
    }

    #[test]
    fn extended_secret_words() {
        let mut v = Vocab::default();
        assert!(!v.is_secret_name("pin_code"));
        v.extend("secret_words", vec!["pin_code".into()]);
        assert!(v.is_secret_name("pin_code"));
        assert!(v.is_secret_name("user_pin_code"));
    }

    #[test]
    fn check_names() {
        let v = Vocab::default();
        for s in [
            "verify_token",
            "is_admin",
            "can_edit",
            "validate",
            "check_password",
            "authorize_request",
        ] {
            assert!(v.is_check_fn(s), "{s}");
        }
        for s in [
            "checkout",
            "verifying_key",
            "process",
            "checked_add",
            "allowance",
        ] {
            assert!(!v.is_check_fn(s), "{s}");
        }
    }

    #[test]
    fn material_names() {
        let v = Vocab::default();
        for s in [
            "nonce",
            "salt",
            "iv",
            "session_id",
            "reset_code",
            "api_key",
            "key",
        ] {
            assert!(v.is_crypto_material_name(s), "{s}");
        }
        for s in ["key_len", "user_id", "status_code", "monkey"] {
            assert!(!v.is_crypto_material_name(s), "{s}");
        }
    }
}
