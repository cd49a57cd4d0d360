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
    // about a secret, not the secret: messages, locations, settings, holders
    "msg",
    "message",
    "error",
    "err",
    "text",
    "desc",
    "description",
    "endpoint",
    "uri",
    "dir",
    "prefix",
    "suffix",
    "scheme",
    "mode",
    "status",
    "store",
    "provider",
    "manager",
    "source",
    "required",
    "enabled",
    "expired",
    "expires",
    "expiration",
    "lifetime",
    "timeout",
    "duration",
    "version",
    "algorithm",
    "alg",
    "strength",
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
/// `tag` alone names serde/DER/HTML tags far more often than MAC tags; see `DIGEST_PAIRS`.
const DIGEST_WORDS: &[&str] = &[
    "signature",
    "sig",
    "hmac",
    "mac",
    "digest",
    "hash",
    "checksum",
];

/// Digest words that need a qualifier: `auth_tag`, `mac_tag` (AEAD and MAC tags).
const DIGEST_PAIRS: &[&str] = &["auth_tag", "mac_tag", "aead_tag", "gcm_tag", "expected_tag"];

/// Digest words that rarely mean anything else (not `hash`: hash tables; not `mac`: MAC
/// addresses; not `sig`: signals, significands; not `checksum`: CRCs).
const STRONG_DIGEST_WORDS: &[&str] = &["signature", "hmac", "digest"];

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

/// The location words whose values name where a request comes from or goes to (URLs,
/// origins, hosts, domains, referers, redirects, emails): a prefix/suffix test of their raw
/// string is a trust decision wherever it appears (prefix_authorization). The remaining
/// location words (`path`, `route`, `target`, ..) are trust decisions only in auth code.
const HOST_WORDS: &[&str] = &[
    "url", "uri", "origin", "host", "hostname", "domain", "referer", "referrer", "redirect",
    "email", "callback", "location", "webhook", "href",
];

/// Words of a request object (prefix_authorization: `req.path()` is the request's path).
const REQUEST_WORDS: &[&str] = &["req", "request"];

/// Words naming who acts: a user, login or account (debug_bypass: `if user == "admin"`).
const PRINCIPAL_WORDS: &[&str] = &[
    "user",
    "username",
    "login",
    "account",
    "principal",
    "uid",
    "userid",
    "email",
    "owner",
];

/// Words of functions and types that make up authentication or authorization code
/// (debug_bypass: a bypass in an auth middleware or guard).
const AUTH_CONTEXT_WORDS: &[&str] = &[
    "auth",
    "authn",
    "authz",
    "authenticate",
    "authenticated",
    "authentication",
    "authorize",
    "authorized",
    "authorization",
    "login",
    "logon",
    "signin",
    "guard",
    "permission",
    "permissions",
    "acl",
    "rbac",
    "jwt",
    "session",
    "credential",
    "credentials",
    "claims",
    "identity",
];

/// Words of a verdict that grants (fail_open: `let allowed = ..unwrap_or(true)`).
const VERDICT_WORDS: &[&str] = &[
    "valid",
    "authorized",
    "authorised",
    "allowed",
    "permitted",
    "authenticated",
    "verified",
    "trusted",
    "granted",
    "authentic",
];

/// Words of a verdict that denies: `is_revoked`, `blocked`, `denylist` (fail_open: for
/// these a default of `false` or an empty list is the open one).
const DENY_WORDS: &[&str] = &[
    "revoked",
    "revocation",
    "blocked",
    "blocklist",
    "blocklisted",
    "blacklist",
    "blacklisted",
    "banned",
    "denied",
    "deny",
    "denylist",
    "forbidden",
    "expired",
    "suspended",
    "locked",
    "rejected",
    "required",
    "requires",
    "restricted",
    "protected",
];

/// Words of values that validate input (unanchored_regex: `VALID_EMAIL`, `USERNAME_VALIDATOR`).
const VALIDATOR_WORDS: &[&str] = &[
    "valid",
    "validator",
    "validation",
    "allowed",
    "allowlist",
    "whitelist",
    "safe",
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
    "debug",
    "skip",
    "disable",
    "disabled",
    "bypass",
    "dev",
    "insecure",
    "no",
    "noauth",
    "unsafe",
    "test",
    "testing",
    "local",
    "mock",
    "development",
    "devel",
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

/// Secret words that name lexer tokens and one-time codes as often as credentials: an
/// identifier secret-named only through these is weak evidence (hardcoded_secret).
const WEAK_SECRET_WORDS: &[&str] = &["token", "otp"];

/// Words of literal values that stand for "fill this in" rather than a real secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "redacted",
    "placeholder",
    "replace",
    "example",
    "dummy",
    "fake",
    "mock",
    "sample",
    "todo",
    "fixme",
    "xxx",
    "xxxx",
    "insert",
    "your",
    "none",
    "null",
    "nil",
    "undefined",
    "unset",
    "empty",
    "hidden",
    "masked",
];

/// First words of functions that look a secret up by key rather than take its value
/// (`get_secret("db")`, `load_token(path)`).
const LOOKUP_VERBS: &[&str] = &[
    "get",
    "read",
    "fetch",
    "load",
    "lookup",
    "find",
    "remove",
    "delete",
    "del",
    "has",
    "contains",
    "take",
    "require",
    "expect",
    "parse",
    "resolve",
    "retrieve",
    "query",
    "clear",
    "revoke",
    "invalidate",
    "unset",
    "is",
    "env",
];

/// Words that make `token` a credential rather than a lexer token (`access_token`).
const CREDENTIAL_TOKEN_QUALIFIERS: &[&str] = &[
    "access", "refresh", "auth", "api", "bearer", "id", "csrf", "session", "github", "oauth",
    "expected",
];

/// Words that, before a trailing `code`, make it a one-time code (`reset_code`).
const SHORT_CODE_QUALIFIERS: &[&str] = &[
    "reset",
    "verification",
    "verify",
    "confirm",
    "confirmation",
    "auth",
    "login",
    "mfa",
    "twofa",
    "activation",
    "recovery",
    "backup",
    "invite",
    "invitation",
    "magic",
    "sms",
    "email",
];

/// HTTP headers whose value is a credential, besides secret-named ones (`x-api-key`).
const AUTH_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// Words naming a value derived from a password rather than the password (password_fast_hash).
const DERIVED_WORDS: &[&str] = &["hashed", "encrypted", "salted", "salt", "stored"];

/// Words naming one-time values that must be unique per use (insecure_random).
const ONE_TIME_WORDS: &[&str] = &["nonce", "iv", "salt"];

/// Words naming session identifiers and CSRF tokens (insecure_random).
const SESSION_WORDS: &[&str] = &["session", "sid", "csrf", "xsrf", "sessionid"];

/// Words naming short human-typed codes: inherently low-entropy (insecure_random).
const SHORT_CODE_WORDS: &[&str] = &["otp", "pin", "totp", "hotp"];

/// What kind of random material an identifier names (insecure_random): each kind tolerates
/// different sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Material {
    /// A credential: `token`, `api_key`, `secret`, `password`.
    Secret,
    /// A per-message value: `nonce`, `iv`, `salt`.
    OneTime,
    /// A session id or CSRF token.
    Session,
    /// A key of any kind (`key`, `hmac_key`, `cache_key`): crypto only when it comes from an RNG.
    Key,
    /// A short code a human types: `otp`, `pin`, `reset_code`.
    ShortCode,
}

/// Words of type and value names that accept everything: a certificate verifier named
/// `NoVerifier`, `SkipServerVerification`, `AcceptAnyCert`, `DangerousVerifier`
/// (tls_verification_disabled).
const PERMISSIVE_WORDS: &[&str] = &[
    "no",
    "noop",
    "nop",
    "none",
    "null",
    "skip",
    "insecure",
    "dangerous",
    "danger",
    "unsafe",
    "dummy",
    "fake",
    "disable",
    "disabled",
    "bypass",
    "permissive",
    "unverified",
    "trusting",
];

/// Word pairs with the same meaning (`accept_any`, `AcceptAllCerts`, `TrustAll`).
const PERMISSIVE_PAIRS: &[&str] = &[
    "accept_any",
    "accept_all",
    "accept_invalid",
    "trust_all",
    "trust_any",
    "allow_all",
    "allow_invalid",
    "any_cert",
    "all_cert",
];

/// Host names that cannot be on the public internet or only name documentation: a plain
/// `http://` URL to them is not cleartext over a network (cleartext_url).
const LOCAL_HOSTS: &[&str] = &["localhost", "example.com", "example.org", "example.net"];

/// Top-level domains reserved for tests, documentation and local networks (RFC 2606, 6761,
/// 6762, 8375).
const LOCAL_TLDS: &[&str] = &[
    "localhost",
    "test",
    "example",
    "invalid",
    "local",
    "internal",
    "lan",
    "home.arpa",
    "localdomain",
];

/// Hosts whose `http://` URIs are identifiers, not locations: XML namespaces, JSON Schema
/// `$schema` ids, RDF vocabularies (cleartext_url).
const NAMESPACE_HOSTS: &[&str] = &[
    "www.w3.org",
    "w3.org",
    "schemas.xmlsoap.org",
    "schemas.microsoft.com",
    "schemas.openxmlformats.org",
    "schemas.android.com",
    "purl.org",
    "xmlns.com",
    "ns.adobe.com",
    "docs.oasis-open.org",
    "www.opengis.net",
    "json-schema.org",
    "relaxng.org",
    "www.sitemaps.org",
];

/// Words naming cookies and the stores that set them (insecure_cookie).
const COOKIE_WORDS: &[&str] = &["cookie", "session", "jar"];

/// Words naming raw pointers (unsafe_code names a dereference of one).
const POINTER_WORDS: &[&str] = &["ptr", "pointer"];

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
    if ident.is_ascii() {
        return split_ascii_words(ident.as_bytes());
    }
    split_unicode_words(ident)
}

/// [`split_words`] of any identifier.
fn split_unicode_words(ident: &str) -> Vec<String> {
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

/// [`split_words`] of an ASCII identifier: the same boundaries, without decoding chars.
fn split_ascii_words(b: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = None;
    let word = |s: usize, e: usize| {
        // ASCII, so any byte range is a valid string
        String::from_utf8_lossy(&b[s..e]).to_ascii_lowercase()
    };
    for i in 0..b.len() {
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                words.push(word(s, i));
            }
            continue;
        }
        if c.is_ascii_uppercase()
            && let Some(s) = start
        {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                words.push(word(s, i));
                start = Some(i);
            }
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(word(s, b.len()));
    }
    words
}

/// `joined` (words joined with `_`) is `t` or `ts`, starts with `t_`, ends with `_t` or
/// `_ts`, or holds `_t_`; without allocating, as this runs for most identifiers.
fn joined_has_phrase(joined: &str, t: &str) -> bool {
    let b = joined.as_bytes();
    let n = t.len();
    joined == t
        || (b.len() == n + 1 && joined.starts_with(t) && b[n] == b's')
        || (b.len() > n && joined.starts_with(t) && b[n] == b'_')
        || (b.len() > n && joined.ends_with(t) && b[b.len() - n - 1] == b'_')
        || (b.len() > n + 1
            && b[b.len() - 1] == b's'
            && joined[..b.len() - 1].ends_with(t)
            && b[b.len() - n - 2] == b'_')
        || joined
            .match_indices(t)
            .any(|(i, _)| i > 0 && b[i - 1] == b'_' && b.get(i + n) == Some(&b'_'))
}

/// A cheap filter for [`Vocab::is_nonce_name`]: a nonce name has a word that starts with
/// `nonce`, `iv` or `salt`, and the words of an ASCII name are its parts lower-cased, so
/// the name holds one of them (ASCII case ignored). Non-ASCII names always pass.
pub fn may_be_nonce_name(ident: &str) -> bool {
    let b = ident.as_bytes();
    let holds = |t: &[u8]| b.windows(t.len()).any(|w| w.eq_ignore_ascii_case(t));
    !ident.is_ascii() || holds(b"iv") || holds(b"salt") || holds(b"nonce")
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

    /// A cheap filter for [`Vocab::is_secret_name`]: every secret word, and every word of
    /// a secret phrase, is written in a name it matches (ASCII case ignored). Non-ASCII names
    /// (lower-cased otherwise) always pass.
    fn may_be_secret_name(&self, ident: &str) -> bool {
        static BUILT_IN: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
            std::sync::OnceLock::new();
        if !ident.is_ascii() {
            return true;
        }
        let built_in = BUILT_IN.get_or_init(|| {
            let words = SECRET_WORDS
                .iter()
                .chain(SECRET_PAIRS)
                .flat_map(|w| w.split('_'))
                .filter(|w| !w.is_empty());
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(words)
                .ok()
        });
        if built_in.as_ref().is_none_or(|ac| ac.is_match(ident)) {
            return true;
        }
        if self.secret_words.is_empty() {
            return false;
        }
        let lower = ident.to_ascii_lowercase();
        self.secret_words
            .iter()
            .flat_map(|w| w.split('_'))
            .any(|w| lower.contains(w))
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
        if words.len() < 2 {
            // every phrase has an `_`: a single word joins to none
            return false;
        }
        let joined = words.join("_");
        let phrase = |term: &str| {
            if term.bytes().any(|b| b.is_ascii_uppercase()) {
                return joined_has_phrase(&joined, &term.to_lowercase());
            }
            joined_has_phrase(&joined, term)
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
        self.may_be_secret_name(ident) && self.is_secret_name_unfiltered(ident)
    }

    /// [`Vocab::is_secret_name`] without its filter.
    fn is_secret_name_unfiltered(&self, ident: &str) -> bool {
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
        if !may_be_nonce_name(ident) {
            return false;
        }
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
            && (words
                .iter()
                .any(|w| DIGEST_WORDS.iter().any(|d| word_is(w, d)))
                || DIGEST_PAIRS.iter().any(|p| words.join("_").contains(p)))
    }

    /// Digest-named with little doubt: a secret name other than a bare `token`, or a
    /// `signature`/`hmac`/`digest`/`auth_tag` name. Used where no check-named function
    /// vouches for the meaning (non_constant_time_compare outside `verify_*` fns).
    pub fn is_strong_digest_name(&self, ident: &str) -> bool {
        if self.is_secret_name(ident) {
            return !self.is_weak_secret_name(ident);
        }
        let words = split_words(ident);
        !self.has_trailing_non_secret(&words)
            && (words
                .iter()
                .any(|w| STRONG_DIGEST_WORDS.iter().any(|d| word_is(w, d)))
                || DIGEST_PAIRS.iter().any(|p| words.join("_").contains(p)))
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

    /// Password-named and naming the password itself, not something derived from it
    /// (`password`, `new_pw`; not `password_hash`, `hashed_password`, `password_digest`).
    pub fn is_plain_password_name(&self, ident: &str) -> bool {
        self.is_password_name(ident)
            && !split_words(ident).iter().any(|w| {
                DIGEST_WORDS.iter().any(|d| word_is(w, d)) || DERIVED_WORDS.contains(&w.as_str())
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

    /// Names a URL, origin, host, domain, referer, redirect target or email: the location
    /// words minus the path-like ones (`path`, `route`, `target`) (prefix_authorization).
    pub fn is_host_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| HOST_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// Names a request object: `req`, `request`, `http_request` (prefix_authorization).
    pub fn is_request_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| REQUEST_WORDS.iter().any(|t| w == t))
    }

    /// Names who acts: `user`, `username`, `login`, `account_name`, `email` (debug_bypass).
    pub fn is_principal_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| PRINCIPAL_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// Names authentication or authorization code: `auth_middleware`, `require_login`,
    /// `AuthGuard`, `JwtLayer`, `check_session` (debug_bypass); check-named fns are too.
    pub fn is_auth_context_name(&self, ident: &str) -> bool {
        self.is_check_fn(ident)
            || split_words(ident)
                .iter()
                .any(|w| AUTH_CONTEXT_WORDS.iter().any(|t| w == t))
    }

    /// Names a verdict that grants: `allowed`, `is_valid`, `authorized`, `verified`
    /// (fail_open); check-named identifiers are too.
    pub fn is_verdict_name(&self, ident: &str) -> bool {
        self.is_check_fn(ident)
            || split_words(ident)
                .iter()
                .any(|w| VERDICT_WORDS.iter().any(|t| w == t))
    }

    /// Names a verdict or list that denies: `is_revoked`, `blocked`, `denylist`,
    /// `banned_ips` (fail_open: for these, `false`/empty is the permissive default).
    pub fn is_deny_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| DENY_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// Names a value that validates input: `VALID_EMAIL`, `username_validator`,
    /// `ALLOWED_CHARS` (unanchored_regex); check-named identifiers are too.
    pub fn is_validator_name(&self, ident: &str) -> bool {
        self.is_check_fn(ident)
            || split_words(ident)
                .iter()
                .any(|w| VALIDATOR_WORDS.iter().any(|t| w == t))
    }

    /// An env var or flag that switches checks off: `DEBUG`, `SKIP_AUTH`, `DISABLE_AUTH`,
    /// `DEV_MODE`, `BYPASS_*`, `INSECURE` (debug_bypass).
    pub fn is_bypass_flag_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| BYPASS_WORDS.iter().any(|t| w == t))
    }

    /// Names something that accepts everything: `NoVerifier`, `SkipServerVerification`,
    /// `AcceptAnyCertVerifier`, `DangerousVerifier`, `TrustAll` (tls_verification_disabled).
    /// Not `WebPkiServerVerifier`, `AllowAnyAuthenticatedClient`.
    pub fn is_permissive_name(&self, ident: &str) -> bool {
        let words = split_words(ident);
        if words
            .iter()
            .any(|w| PERMISSIVE_WORDS.iter().any(|t| w == t))
        {
            return true;
        }
        let joined = words.join("_");
        PERMISSIVE_PAIRS.iter().any(|p| {
            joined == *p
                || joined.starts_with(&format!("{p}_"))
                || joined.contains(&format!("_{p}_"))
                || joined.ends_with(&format!("_{p}"))
                || joined.starts_with(p) && joined[p.len()..].starts_with('s')
        })
    }

    /// A host that is not on the public internet or only names documentation: `localhost`,
    /// loopback and unspecified addresses, private, link-local and CGNAT IPv4 ranges, IPv6
    /// loopback/link-local/unique-local, single-label names (`db`, `api:8080` in a compose
    /// network), reserved TLDs (`.test`, `.local`, `.internal`, `.example`, `.invalid`) and
    /// `example.com`/`.org`/`.net`. `host` may carry a port and userinfo; it is lower-cased.
    pub fn is_local_host(&self, host: &str) -> bool {
        let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
        if let Some(rest) = host.strip_prefix('[') {
            let v6 = rest.split(']').next().unwrap_or(rest);
            return v6 == "::1"
                || v6 == "::"
                || v6.starts_with("fe80:")
                || v6.starts_with("2001:db8:")
                || v6.starts_with("fc")
                || v6.starts_with("fd");
        }
        let name = host.split(':').next().unwrap_or(&host);
        let name = name.trim_end_matches('.');
        if name.is_empty() || !name.contains('.') {
            // `localhost`, a compose/k8s service name, or a `{}` placeholder host.
            return true;
        }
        if let Ok(ip) = name.parse::<std::net::Ipv4Addr>() {
            let [a, b, c, _] = ip.octets();
            // RFC 5737 documentation ranges.
            let documentation = matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113));
            return ip.is_loopback()
                || ip.is_unspecified()
                || ip.is_private()
                || ip.is_link_local()
                || (a == 100 && (64..128).contains(&b))
                || documentation;
        }
        LOCAL_HOSTS
            .iter()
            .any(|h| name == *h || name.ends_with(&format!(".{h}")))
            || LOCAL_TLDS.iter().any(|t| name.ends_with(&format!(".{t}")))
            || name.rsplit('.').next() == Some("svc")
            || name.contains(".svc.cluster.")
    }

    /// A host whose `http://` URIs are identifiers rather than locations: XML namespaces
    /// (`www.w3.org`, `schemas.xmlsoap.org`), JSON Schema ids, RDF vocabularies.
    pub fn is_namespace_host(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        NAMESPACE_HOSTS.iter().any(|h| host == *h)
    }

    /// Names a cookie, a cookie jar or a session store: `cookie`, `auth_cookie`,
    /// `CookieBuilder`, `SessionMiddleware`, `jar` (insecure_cookie).
    pub fn is_cookie_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| COOKIE_WORDS.iter().any(|t| word_is(w, t)))
    }

    /// Names a raw pointer: `ptr`, `raw_ptr`, `data_ptr`, `pointer` (unsafe_code).
    pub fn is_pointer_name(&self, ident: &str) -> bool {
        split_words(ident)
            .iter()
            .any(|w| POINTER_WORDS.iter().any(|t| word_is(w, t)))
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
        if name.is_ascii() {
            // the same tests on the name with ASCII case ignored, without allocating its
            // lower-case copy (for ASCII, `to_lowercase` is `to_ascii_lowercase`; a prefix
            // that is not ASCII matches no ASCII name either way)
            let b = name.as_bytes();
            let starts = |p: &str| {
                b.get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
            };
            let matches = |p: &str| {
                starts(p)
                    && (b.len() == p.len() || p.ends_with('_') || b.get(p.len()) == Some(&b'_'))
            };
            return CHECK_FN_PREFIXES.iter().any(|p| matches(p))
                || self.check_fn_prefixes.iter().any(|p| matches(p));
        }
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

    /// Secret-named only through a word that is just as often a lexer token or a one-time
    /// code (`token`, `next_token`, `otp`): the value must look random to count as a secret.
    pub fn is_weak_secret_name(&self, ident: &str) -> bool {
        if !self.is_secret_name(ident) {
            return false;
        }
        let words = split_words(ident);
        let strong: Vec<String> = words
            .iter()
            .filter(|w| !WEAK_SECRET_WORDS.iter().any(|t| word_is(w, t)))
            .cloned()
            .collect();
        let weak_present = strong.len() < words.len();
        weak_present && !self.contains_secret_word(&strong) && {
            // `auth_token`, `access_token`, `bearer_token` are credentials, not lexer tokens.
            let joined = words.join("_");
            !SECRET_PAIRS.iter().any(|p| joined.contains(p))
                && !words
                    .iter()
                    .any(|w| CREDENTIAL_TOKEN_QUALIFIERS.contains(&w.as_str()))
        }
    }

    /// A literal that stands for "fill this in", not a real secret: `<redacted>`, `***`,
    /// `xxx`, `${API_KEY}`, `{{token}}`, `%PASSWORD%`, `your-api-key-here`, `REPLACE_ME`.
    pub fn is_placeholder_value(&self, value: &str) -> bool {
        let t = value.trim();
        if t.is_empty() {
            return true;
        }
        let mask = t
            .chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '_' | '#' | '•' | '?' | '0'));
        let wrapped = [
            ("<", ">"),
            ("{", "}"),
            ("${", "}"),
            ("[", "]"),
            ("%", "%"),
            ("$(", ")"),
        ]
        .iter()
        .any(|(a, b)| t.len() > a.len() + b.len() && t.starts_with(a) && t.ends_with(b))
            || t.starts_with('$')
            || t.contains("{{")
            || t.contains("${");
        let lower = t.to_lowercase();
        let words = split_words(t);
        mask || wrapped
            || lower.starts_with("your")
            || words.iter().any(|w| {
                PLACEHOLDER_WORDS
                    .iter()
                    .any(|p| w == p || (w.len() > 2 && w.chars().all(|c| c == 'x')))
            })
    }

    /// A function that looks a secret up by key or tests for it (`get_secret`, `read_token`,
    /// `has_password`), so its literal argument is a key, not the secret.
    pub fn is_lookup_fn(&self, name: &str) -> bool {
        let words = split_words(name);
        let Some(first) = words.first() else {
            return false;
        };
        LOOKUP_VERBS.iter().any(|v| first == v)
            || words.last().is_some_and(|l| l == "env" || l == "var")
    }

    /// An HTTP header whose value is a credential: `Authorization`, `Proxy-Authorization`,
    /// `Cookie`, or a secret-named one (`x-api-key`, `X-Auth-Token`).
    pub fn is_auth_header_name(&self, name: &str) -> bool {
        let lower = name.to_lowercase().replace('_', "-");
        AUTH_HEADERS.iter().any(|h| lower == *h) || self.is_secret_name(name)
    }

    /// The kind of random material an identifier names, if any (insecure_random):
    /// `api_token` → Secret, `nonce` → OneTime, `session_id` → Session, `key` → Key,
    /// `reset_code` → ShortCode; `user_id`, `seed`, `key_len` → none.
    pub fn material_kind(&self, ident: &str) -> Option<Material> {
        let words = split_words(ident);
        if words.is_empty() {
            return None;
        }
        let has = |list: &[&str]| words.iter().any(|w| list.iter().any(|t| word_is(w, t)));
        let last = words.last().map(String::as_str).unwrap_or_default();
        // `session_id`/`reset_code` name the value even though `id`/`code` trail.
        let trailing_ok = !self.has_trailing_non_secret(&words) || last == "id" || last == "code";
        if !trailing_ok {
            return None;
        }
        if has(SHORT_CODE_WORDS) || (last == "code" && has(SHORT_CODE_QUALIFIERS)) {
            return Some(Material::ShortCode);
        }
        if has(ONE_TIME_WORDS) {
            return Some(Material::OneTime);
        }
        if has(SESSION_WORDS) {
            return Some(Material::Session);
        }
        if last == "id" {
            return None;
        }
        if self.is_secret_name(ident) {
            return Some(Material::Secret);
        }
        if words.iter().any(|w| word_is(w, "key")) {
            return Some(Material::Key);
        }
        None
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

// ---- placeholder marks (placeholder_code), work verbs, test-tolerated lints (lint_suppression)

/// How sure a placeholder mark is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkStrength {
    /// A word that is mostly technical in real code (`placeholder` for SQL or format
    /// arguments, a `dummy` state, a `stub` function for rustdoc): a mark only in AI code,
    /// and there only next to a deferral cue ("the actual", "for now", "replace") or as the
    /// first word of a string literal (`"dummy response"`).
    Ambiguous,
    /// A phrase that marks skipped work in AI code ("for simplicity", "simplified version",
    /// "replace with"), but is an ordinary design remark in mature human code.
    Weak,
    /// Unfinished code wherever it appears: `TODO`, "not implemented", "in a real application".
    Strong,
}

/// Words that, near an ambiguous mark, say the real thing is still to come: "placeholder for
/// the actual check", "dummy data for now", "stub, replace before release".
const DEFERRAL_CUES: &[&str] = &[
    "actual",
    "actually",
    "real",
    "now",
    "later",
    "yet",
    "temporary",
    "temporarily",
    "until",
    "eventually",
    "production",
    "proper",
    "properly",
    "replace",
    "replaced",
    "hardcoded",
    "simulate",
    "simulated",
    "simulates",
    "simulating",
    "fake",
    "mock",
    "mocked",
];

/// Placeholder phrases: space-separated word slots, `a|b` alternatives, a trailing `?` makes
/// a slot optional. Words match whole (a word is a run of letters, digits and `_`, so `stub`
/// is not in `stubborn` and `TODO` is not in `TODOS_URL`), case-insensitively except
/// all-uppercase words (`TODO`, `FIXME`, `XXX`), which match only as written.
const PLACEHOLDER_PHRASES: &[(&str, MarkStrength)] = &[
    ("TODO", MarkStrength::Strong),
    ("FIXME", MarkStrength::Strong),
    ("XXX", MarkStrength::Strong),
    ("not yet? implemented", MarkStrength::Strong),
    ("yet|still to be implemented", MarkStrength::Strong),
    ("implement me", MarkStrength::Strong),
    (
        "in a real production? application|implementation|system|world|app|scenario|environment|deployment|project|program|codebase",
        MarkStrength::Strong,
    ),
    (
        "in a production application|implementation|system|environment|setting|deployment",
        MarkStrength::Ambiguous,
    ),
    ("replace this with", MarkStrength::Strong),
    (
        "placeholder implementation|logic|code|response",
        MarkStrength::Strong,
    ),
    ("placeholder", MarkStrength::Ambiguous),
    ("stub", MarkStrength::Ambiguous),
    ("dummy", MarkStrength::Ambiguous),
    ("for simplicity", MarkStrength::Ambiguous),
    ("sake of simplicity", MarkStrength::Ambiguous),
    ("simplified version|implementation", MarkStrength::Ambiguous),
    ("replace with", MarkStrength::Weak),
    (
        "here|production|practice|reality you would",
        MarkStrength::Weak,
    ),
    ("mock implementation", MarkStrength::Ambiguous),
    ("for demonstration purposes", MarkStrength::Ambiguous),
];

/// Words after "not implemented" that make it a statement about traits or platforms
/// ("`Default` is not implemented for arrays", "not implemented on wasm"), not a placeholder.
const NOT_IMPLEMENTED_TECHNICAL_NEXT: &[&str] = &[
    "for",
    "on",
    "by",
    "directly",
    "correctly",
    "because",
    "in",
    "or",
];

/// Words before "not implemented" that make it a statement about a design ("the trait is
/// not implemented", "intentionally not implemented"), unless "yet" follows.
const NOT_IMPLEMENTED_TECHNICAL_PREV: &[&str] = &[
    "is",
    "are",
    "be",
    "been",
    "was",
    "were",
    "intentionally",
    "deliberately",
    "purposely",
];

/// First words of a doc comment that claim the function does real work (placeholder_code:
/// a body that is only `Ok(())` under such a doc is a stub). `Returns`, `Creates`, `Gets`
/// are not here: an empty value can be exactly what they promise.
const WORK_VERBS: &[&str] = &[
    "validates",
    "verifies",
    "checks",
    "authenticates",
    "authorizes",
    "sends",
    "transmits",
    "submits",
    "publishes",
    "notifies",
    "emails",
    "encrypts",
    "decrypts",
    "signs",
    "hashes",
    "fetches",
    "downloads",
    "uploads",
    "retrieves",
    "queries",
    "loads",
    "reads",
    "parses",
    "computes",
    "calculates",
    "processes",
    "handles",
    "saves",
    "stores",
    "persists",
    "writes",
    "inserts",
    "deletes",
    "removes",
    "updates",
    "syncs",
    "synchronizes",
    "registers",
    "connects",
    "sanitizes",
    "charges",
    "refunds",
    "migrates",
    "backs",
    "exports",
    "imports",
    "applies",
    "executes",
    "runs",
    "schedules",
    "generates",
    "converts",
    "transforms",
    "compresses",
    "decompresses",
    "resolves",
    "rotates",
    "revokes",
    "logs",
    "records",
    "indexes",
    "prints",
    "emits",
    "reports",
    "outputs",
    "displays",
    "searches",
    "analyzes",
    "analyses",
    "aggregates",
    "invalidates",
    "refreshes",
    "renews",
];

/// Work verbs whose work can be a print or log line: `Writes the flag to stdout` over
/// `println!(..)` does what it says.
const OUTPUT_VERBS: &[&str] = &[
    "writes", "logs", "records", "prints", "emits", "reports", "outputs", "displays",
];

/// Words in a doc comment that say the body is trivial on purpose: "does nothing", "no-op".
const HONEST_TRIVIAL_WORDS: &[&str] = &[
    "noop",
    "no-op",
    "nothing",
    "always",
    "unsupported",
    "ignored",
    "ignores",
    "stub",
    "placeholder",
    "default implementation",
    "not supported",
    "disabled",
];

/// Lints that test code may allow without `lint_suppression` firing: dead code (test
/// helpers), and the clippy lints of the families aiguard itself exempts in tests
/// (robustness, arithmetic), which the `#[ai_generated]` macro turns on.
const TEST_TOLERATED_LINTS: &[&str] = &[
    "dead_code",
    "clippy::unwrap_used",
    "clippy::expect_used",
    "clippy::panic",
    "clippy::indexing_slicing",
    "clippy::arithmetic_side_effects",
    "clippy::cast_possible_truncation",
    "clippy::cast_sign_loss",
    "clippy::float_cmp",
];

/// Types whose `new()` builds an empty value (placeholder_code: a body that is only
/// `Vec::new()` under a doc that claims work).
const EMPTY_CONSTRUCTOR_TYPES: &[&str] = &[
    "Vec",
    "String",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "BinaryHeap",
    "IndexMap",
    "IndexSet",
    "Bytes",
    "BytesMut",
    "PathBuf",
    "OsString",
];

/// One placeholder mark found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceholderMark {
    /// The matched words as written (`TODO`, `In a real application`).
    pub text: String,
    /// Byte offset and length of the match in the text.
    pub start: usize,
    pub len: usize,
    pub strength: MarkStrength,
}

/// The words of `text`: byte ranges of runs of alphanumerics and `_`.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let is_word = c.is_alphanumeric() || c == '_';
        match (is_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn slot_matches(slot: &str, word: &str) -> bool {
    slot.split('|').any(|alt| {
        let upper = alt.chars().all(|c| c.is_ascii_uppercase());
        if upper {
            word == alt
        } else {
            word.eq_ignore_ascii_case(alt)
        }
    })
}

/// Matches `pattern`'s slots against the words from index `at`; returns the index after the
/// last matched word.
fn match_slots(
    mut slots: std::str::Split<'_, char>,
    text: &str,
    words: &[(usize, usize)],
    at: usize,
) -> Option<usize> {
    let Some(slot) = slots.next() else {
        return Some(at);
    };
    let (slot, optional) = match slot.strip_suffix('?') {
        Some(s) => (s, true),
        None => (slot, false),
    };
    if let Some(&(s, e)) = words.get(at)
        && slot_matches(slot, &text[s..e])
        && let Some(end) = match_slots(slots.clone(), text, words, at + 1)
    {
        return Some(end);
    }
    if optional {
        return match_slots(slots, text, words, at);
    }
    None
}

/// Whether a match that ends at word `end` (exclusive) of `pattern` is a technical use, not a
/// placeholder: `0xXXX`-style masks, `XXX-XX-XXXX`, "not implemented for", `placeholder="..."`.
fn is_technical_use(
    pattern: &str,
    text: &str,
    words: &[(usize, usize)],
    first: usize,
    end: usize,
) -> bool {
    let (s, _) = words[first];
    let (_, e) = words[end - 1];
    let after = text[e..].chars().next();
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let first_in_line = !text[line_start..s].chars().any(char::is_alphanumeric);
    let quoted = || {
        let before = text[..s].chars().next_back();
        matches!(
            (before, after),
            (Some('"'), Some('"')) | (Some('\''), Some('\''))
        )
    };
    match pattern {
        // `XXX:` / `XXX(` as a note, or a text that starts with it; never a mask like
        // `XXX-XX-XXXX` or `(XXX) XXX-XXXX`.
        "XXX" => {
            let before = text[..s].chars().next_back();
            let note = matches!(after, Some(':' | '(' | '!')) || first_in_line;
            let mask = matches!(after, Some('-' | '.' | '/' | ')'))
                || matches!(before, Some('-' | '.' | '/' | '('));
            let other_x = words.iter().enumerate().any(|(i, &(ws, we))| {
                i != first && we - ws >= 2 && text[ws..we].chars().all(|c| c == 'X')
            });
            !note || mask || other_x
        }
        // A note (`TODO: ..`, `FIXME(#12)`, a line that starts with it), not a mention
        // ("leave FIXME comments") or a file name (`TODO.md`).
        "TODO" | "FIXME" => {
            let file =
                after == Some('.') && text[e..].chars().nth(1).is_some_and(char::is_alphanumeric);
            file || !(first_in_line || matches!(after, Some(':' | '(' | '!')))
        }
        "placeholder" => matches!(after, Some('=' | '"' | '(')) || quoted(),
        // A word in quotes is mentioned, not used: `a "dummy" state ID`.
        "stub" | "dummy" => quoted(),
        p if p.starts_with("not yet? implemented") => {
            let word = |i: usize| words.get(i).map(|&(ws, we)| &text[ws..we]);
            let is_any = |w: Option<&str>, list: &[&str]| {
                w.is_some_and(|w| list.iter().any(|l| w.eq_ignore_ascii_case(l)))
            };
            let next = word(end);
            let prev = first.checked_sub(1).and_then(word);
            is_any(next, NOT_IMPLEMENTED_TECHNICAL_NEXT)
                || (is_any(prev, NOT_IMPLEMENTED_TECHNICAL_PREV)
                    && !is_any(next, &["yet"])
                    && end - first == 2)
        }
        _ => false,
    }
}

/// What [`placeholder_marks`] checks before it splits a text into words, derived once from
/// [`PLACEHOLDER_PHRASES`]: each pattern's longest required single word (a text without any
/// of them, ASCII case ignored, holds no mark), and every pattern's possible first words.
struct PhraseIndex {
    required: Vec<String>,
    /// `required`, searched for at once (ASCII case ignored).
    required_any: Option<aho_corasick::AhoCorasick>,
    first: Vec<String>,
}

fn phrase_index() -> &'static PhraseIndex {
    static INDEX: std::sync::OnceLock<PhraseIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut required = Vec::new();
        let mut first = Vec::new();
        for (pattern, _) in PLACEHOLDER_PHRASES {
            let slots: Vec<&str> = pattern.split(' ').collect();
            // a pattern whose every slot is optional or has alternatives requires no one
            // word: then every text must be split (none does so today)
            let req = slots
                .iter()
                .filter(|s| !s.ends_with('?') && !s.contains('|'))
                .max_by_key(|s| s.len());
            match req {
                Some(r) => required.push(r.to_ascii_lowercase()),
                None => required.push(String::new()),
            }
            for (i, slot) in slots.iter().enumerate() {
                first.extend(
                    slot.trim_end_matches('?')
                        .split('|')
                        .map(str::to_ascii_lowercase),
                );
                // a pattern whose first slot is optional may start at its second
                if !slot.ends_with('?') || i + 1 == slots.len() {
                    break;
                }
            }
        }
        required.sort();
        required.dedup();
        first.sort();
        first.dedup();
        let required_any = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&required)
            .ok();
        PhraseIndex {
            required,
            required_any,
            first,
        }
    })
}

/// Whether `word` may start some [`PLACEHOLDER_PHRASES`] pattern (ASCII case ignored even
/// for the all-caps marks: a cheap filter).
fn may_start_phrase(word: &str) -> bool {
    phrase_index()
        .first
        .iter()
        .any(|f| f.len() == word.len() && f.eq_ignore_ascii_case(word))
}

/// Whether `text` may hold a placeholder mark: it holds some pattern's required word (ASCII
/// case ignored). Most doc comments and strings hold none, and then are not split into words.
pub(crate) fn may_hold_mark(text: &str) -> bool {
    let index = phrase_index();
    if let Some(any) = &index.required_any {
        return any.is_match(text);
    }
    let lower = text.to_ascii_lowercase();
    index.required.iter().any(|r| lower.contains(r.as_str()))
}

/// Every placeholder mark in `text` (prose of a doc comment or a string literal), in order:
/// the marks AI assistants leave where they skipped the hard part (RULES.md placeholder_code).
pub fn placeholder_marks(text: &str) -> Vec<PlaceholderMark> {
    if !may_hold_mark(text) {
        return Vec::new();
    }
    let words = word_ranges(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut advanced = false;
        // Most words start no phrase: skip them before trying every phrase (this runs on
        // every doc comment of every file).
        let (ws, we) = words[i];
        if !may_start_phrase(&text[ws..we]) {
            i += 1;
            continue;
        }
        for &(pattern, strength) in PLACEHOLDER_PHRASES {
            // an iterator, not a `Vec`: this runs for every word of every doc comment
            let Some(end) = match_slots(pattern.split(' '), text, &words, i) else {
                continue;
            };
            if end == i || is_technical_use(pattern, text, &words, i, end) {
                continue;
            }
            let (s, _) = words[i];
            let (_, e) = words[end - 1];
            out.push(PlaceholderMark {
                text: text[s..e].split_whitespace().collect::<Vec<_>>().join(" "),
                start: s,
                len: e - s,
                strength,
            });
            i = end;
            advanced = true;
            break;
        }
        if !advanced {
            i += 1;
        }
    }
    out
}

/// Whether a deferral cue ("actual", "for now", "replace", "yet") stands in the same
/// sentence as `mark` (outside the mark's own words): what makes an ambiguous mark count.
pub fn has_deferral_cue_near(text: &str, mark: &PlaceholderMark) -> bool {
    let at = mark.start.min(text.len());
    let is_end = |w: &[u8]| matches!(w, [b'.' | b'!' | b'?', b' ' | b'\n'] | [b'\n', b'\n']);
    let bytes = text.as_bytes();
    let start = (0..at)
        .rev()
        .find(|&i| is_end(&bytes[i..(i + 2).min(bytes.len())]))
        .map_or(0, |i| i + 2);
    let end = (at..bytes.len())
        .find(|&i| is_end(&bytes[i..(i + 2).min(bytes.len())]))
        .map_or(text.len(), |i| i + 1);
    let mark_end = at + mark.len;
    word_ranges(&text[start..end]).iter().any(|&(s, e)| {
        let (s, e) = (s + start, e + start);
        (e <= at || s >= mark_end)
            && DEFERRAL_CUES
                .iter()
                .any(|c| text[s..e].eq_ignore_ascii_case(c))
    })
}

/// The first placeholder phrase of `text`, as written (`TODO`, `not implemented`), of either
/// strength. See [`placeholder_marks`].
pub fn placeholder_phrase(text: &str) -> Option<String> {
    placeholder_marks(text).into_iter().next().map(|m| m.text)
}

/// Whether a doc comment's first word claims real work (`Validates`, `Sends`, `Encrypts`,
/// `Fetches`, `Computes`); an adverb before it is skipped (`Asynchronously fetches`).
pub fn doc_claims_work(doc: &str) -> Option<String> {
    let mut words = doc.split_whitespace().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    });
    let first = words.next()?;
    let verb = if first.ends_with("ly") {
        words.next()?
    } else {
        first
    };
    WORK_VERBS.contains(&verb.as_str()).then_some(verb)
}

/// Whether a work verb's work can be printing or logging (`writes`, `logs`, `prints`).
pub fn is_output_verb(verb: &str) -> bool {
    OUTPUT_VERBS.contains(&verb)
}

/// Whether a doc comment admits that the body is trivial on purpose ("does nothing",
/// "always succeeds", "a no-op on this platform").
pub fn doc_admits_trivial(doc: &str) -> bool {
    let lower = doc.to_lowercase();
    HONEST_TRIVIAL_WORDS.iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Whether `Type::new()` builds an empty value: `Vec`, `String`, `HashMap`, ...
pub fn is_empty_constructor_type(ty: &str) -> bool {
    EMPTY_CONSTRUCTOR_TYPES.contains(&ty)
}

/// Whether test code may `#[allow]` this lint (`dead_code`, `clippy::unwrap_used`): see
/// `TEST_TOLERATED_LINTS`.
pub fn is_test_tolerated_lint(lint: &str) -> bool {
    TEST_TOLERATED_LINTS.contains(&lint)
}

/// Filesystem and I/O operations whose only result is success or an `io::Error`
/// (`fs::remove_file`, `file.flush()`, `f.sync_all()`): swallowing that error hides a failed
/// write, a file left behind, permissions not applied. Used by `ignored_result`.
const UNIT_IO_FNS: &[&str] = &[
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "create_dir",
    "create_dir_all",
    "rename",
    "write",
    "write_all",
    "flush",
    "sync_all",
    "sync_data",
    "set_len",
    "set_permissions",
];

/// Calls whose value is not an error to look at, so discarding it is fine: collection
/// updates returning the old value, a `bool` or the split-off part (`map.insert(k, v)`,
/// `set.remove(&x)`, `queue.pop_front()`, `buf.split_to(n)`), and ownership moves whose drop
/// is the point (`Box::from_raw(p)`, `Pin::from(..)`, `mem::take(&mut v)`). Used by
/// `ignored_result`.
const DISCARDABLE_VALUE_FNS: &[&str] = &[
    "insert",
    "remove",
    "remove_entry",
    "swap_remove",
    "shift_remove",
    "pop",
    "pop_front",
    "pop_back",
    "pop_first",
    "pop_last",
    "take",
    "replace",
    "split_off",
    "split_to",
    "get_or_insert",
    "get_or_insert_with",
    "from_raw",
    "from",
];

/// Whether the value of a call to `name` is something to drop, not an error to handle
/// (`map.insert(..)`, `set.remove(..)`, `Box::from_raw(..)`).
pub fn is_discardable_value_fn(name: &str) -> bool {
    DISCARDABLE_VALUE_FNS.contains(&name)
}

/// Whether `name` is a filesystem/I/O operation whose result only reports failure
/// (`remove_file`, `write`, `flush`, `sync_all`, `set_permissions`, ..).
pub fn is_unit_io_fn(name: &str) -> bool {
    UNIT_IO_FNS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pre-filter lets every pattern through: each phrase written out (every alternative
    /// of every slot, in any ASCII case) is found.
    #[test]
    fn phrase_prefilter_keeps_every_phrase() {
        for (pattern, _) in PLACEHOLDER_PHRASES {
            let slots: Vec<Vec<&str>> = pattern
                .split(' ')
                .map(|s| s.trim_end_matches('?').split('|').collect())
                .collect();
            let widest = slots.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..widest {
                let phrase: Vec<&str> = slots.iter().map(|alts| alts[k % alts.len()]).collect();
                let phrase = phrase.join(" ");
                for text in [
                    format!("Note: {phrase}."),
                    format!("// {}", phrase.to_ascii_uppercase()),
                ] {
                    assert!(
                        may_hold_mark(&text),
                        "pre-filter drops `{text}` ({pattern})"
                    );
                }
            }
        }
        assert!(!may_hold_mark("Returns the number of bytes read."));
        assert!(may_hold_mark("Not Implemented"));
        // placeholder_code reads doc literals as written, unescaping only those whose
        // escapes can make letters or digits: a required word must be letters and digits
        for r in &phrase_index().required {
            assert!(r.bytes().all(|b| b.is_ascii_alphanumeric()), "`{r}`");
        }
    }

    #[test]
    fn words() {
        assert_eq!(split_words("apiKey"), ["api", "key"]);
        assert_eq!(split_words("API_KEY"), ["api", "key"]);
        assert_eq!(split_words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(split_words("HTTPServer"), ["http", "server"]);
        assert_eq!(split_words("r#type"), ["type"]);
        // the ASCII path splits as the general one does
        for id in [
            "apiKey",
            "API_KEY",
            "x-api-key",
            "HTTPServer",
            "getHTTP2Response",
            "a1B2c3",
            "__x__",
            "ABC",
            "aB",
            "Ab",
            "_",
            "",
            "x.y z",
            "sha256Hex",
            "IOError",
            "v2Token",
        ] {
            assert_eq!(
                split_ascii_words(id.as_bytes()),
                split_unicode_words(id),
                "{id}"
            );
        }
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

    /// The filter of `is_secret_name` drops no secret name: every secret word and phrase,
    /// written in every case style, plural, prefixed and suffixed, with configured words too.
    #[test]
    fn secret_name_filter_drops_no_secret_name() {
        let mut v = Vocab::default();
        v.extend(
            "secret_words",
            vec!["pin_code".into(), "Passphrase2".into()],
        );
        let mut terms: Vec<String> = SECRET_WORDS
            .iter()
            .chain(SECRET_PAIRS)
            .map(|t| (*t).to_owned())
            .collect();
        terms.extend(["pin_code".to_owned(), "passphrase2".to_owned()]);
        let mut secret = 0;
        for term in &terms {
            let camel: String = term
                .split('_')
                .enumerate()
                .map(|(i, w)| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) if i > 0 => f.to_ascii_uppercase().to_string() + c.as_str(),
                        _ => w.to_owned(),
                    }
                })
                .collect();
            for name in [
                term.clone(),
                format!("{term}s"),
                term.to_ascii_uppercase(),
                term.replace('_', "-"),
                camel.clone(),
                format!("db_{term}"),
                format!("my{camel}"),
                format!("{term}_len"),
                format!("{term}_value"),
                format!("r#{term}"),
            ] {
                assert_eq!(
                    v.is_secret_name(&name),
                    v.is_secret_name_unfiltered(&name),
                    "{name}"
                );
                secret += usize::from(v.is_secret_name(&name));
            }
        }
        assert!(secret > terms.len() * 5, "{secret}");
        for name in ["author", "tokenizer", "len", "buf", "data", "x"] {
            assert!(!v.is_secret_name(name), "{name}");
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
    fn logic_names() {
        let v = Vocab::default();
        for s in ["origin", "redirect_url", "allowedHost", "email", "referer"] {
            assert!(v.is_host_name(s), "{s}");
        }
        for s in ["path", "route", "target", "hostile"] {
            assert!(!v.is_host_name(s), "{s}");
        }
        for s in [
            "auth_middleware",
            "require_login",
            "AuthGuard",
            "JwtLayer",
            "verify",
        ] {
            assert!(v.is_auth_context_name(s), "{s}");
        }
        for s in ["author", "logger", "guardian_name"] {
            assert!(!v.is_auth_context_name(s), "{s}");
        }
        for s in ["is_revoked", "blocked_ips", "DENYLIST"] {
            assert!(v.is_deny_name(s), "{s}");
        }
        assert!(!v.is_deny_name("block_size"));
        assert!(v.is_verdict_name("allowed") && v.is_verdict_name("is_valid"));
        assert!(!v.is_verdict_name("value"));
        assert!(v.is_principal_name("username") && v.is_principal_name("user"));
        assert!(!v.is_principal_name("role"));
    }

    #[test]
    fn permissive_names() {
        let v = Vocab::default();
        for s in [
            "NoVerifier",
            "SkipServerVerification",
            "AcceptAnyCertVerifier",
            "DangerousVerifier",
            "TrustAll",
            "NoopVerifier",
            "AcceptAllCerts",
            "InsecureCertVerifier",
        ] {
            assert!(v.is_permissive_name(s), "{s}");
        }
        for s in [
            "WebPkiServerVerifier",
            "AllowAnyAuthenticatedClient",
            "PinnedCertVerifier",
            "Verifier",
            "NotaryVerifier",
        ] {
            assert!(!v.is_permissive_name(s), "{s}");
        }
    }

    #[test]
    fn local_hosts() {
        let v = Vocab::default();
        for h in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:3000",
            "127.1.2.3",
            "0.0.0.0:80",
            "[::1]:8080",
            "10.0.0.5",
            "192.168.1.1",
            "169.254.169.254",
            "db:5432",
            "api.example.com",
            "foo.test",
            "printer.local",
            "svc.internal",
            "user:pw@localhost",
            "{}:{}",
            "web.default.svc.cluster.local",
        ] {
            assert!(v.is_local_host(h), "{h}");
        }
        for h in [
            "api.stripe.com",
            "8.8.8.8",
            "example.community",
            "myexample.com",
            "[2001:4860::8888]",
        ] {
            assert!(!v.is_local_host(h), "{h}");
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

    #[test]
    fn weak_and_strong_names() {
        let v = Vocab::default();
        for s in ["token", "next_token", "tokens", "otp"] {
            assert!(v.is_weak_secret_name(s), "{s}");
        }
        for s in [
            "access_token",
            "auth_token",
            "api_token",
            "expected_token",
            "password",
            "jwt_secret",
        ] {
            assert!(!v.is_weak_secret_name(s), "{s}");
        }
        for s in ["signature", "expected_hmac", "auth_tag", "password"] {
            assert!(v.is_strong_digest_name(s), "{s}");
        }
        for s in ["hash", "entry_hash", "token", "mac", "tag", "checksum"] {
            assert!(!v.is_strong_digest_name(s), "{s}");
        }
        assert!(
            v.is_digest_name("checksum")
                && !v.is_digest_name("tag")
                && !v.is_digest_name("type_tag")
        );
    }

    #[test]
    fn placeholders_lookups_headers() {
        let v = Vocab::default();
        for s in [
            "",
            "<redacted>",
            "***",
            "xxxx",
            "${API_KEY}",
            "{{token}}",
            "%PASSWORD%",
            "your-api-key-here",
            "REPLACE_ME",
            "dummy-token",
        ] {
            assert!(v.is_placeholder_value(s), "{s:?}");
        }
        for s in ["hunter2", "changeme", "s3cr3t", "sk-live-123"] {
            assert!(!v.is_placeholder_value(s), "{s:?}");
        }
        assert!(
            v.is_lookup_fn("get_secret")
                && v.is_lookup_fn("read_token")
                && !v.is_lookup_fn("set_password")
        );
        assert!(v.is_auth_header_name("Authorization") && v.is_auth_header_name("x-api-key"));
        assert!(!v.is_auth_header_name("content-type"));
        assert!(
            v.is_plain_password_name("new_password") && !v.is_plain_password_name("password_hash")
        );
    }

    #[test]
    fn material_kinds() {
        let v = Vocab::default();
        let cases = [
            ("api_token", Some(Material::Secret)),
            ("nonce", Some(Material::OneTime)),
            ("iv", Some(Material::OneTime)),
            ("session_id", Some(Material::Session)),
            ("csrf_token", Some(Material::Session)),
            ("cache_key", Some(Material::Key)),
            ("reset_code", Some(Material::ShortCode)),
            ("otp", Some(Material::ShortCode)),
            ("status_code", None),
            ("user_id", None),
            ("seed", None),
            ("key_len", None),
        ];
        for (name, want) in cases {
            assert_eq!(v.material_kind(name), want, "{name}");
        }
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::*;

    #[test]
    fn placeholder_phrases() {
        for (text, want) in [
            ("TODO: implement", "TODO"),
            ("FIXME later", "FIXME"),
            ("Stop here. TODO: handle more", "TODO"),
            ("see FIXME(#3691) below", "FIXME"),
            ("// TODO implement\nfn f() {}", "TODO"),
            ("XXX: hack", "XXX"),
            ("This is a placeholder", "placeholder"),
            ("Not implemented", "Not implemented"),
            ("feature not yet implemented", "not yet implemented"),
            ("This is not implemented yet", "not implemented"),
            (
                "Graceful shutdown is [not yet\n implemented](https://x)",
                "not yet implemented",
            ),
            ("the rest is yet to be implemented", "yet to be implemented"),
            ("a stub", "stub"),
            ("Dummy response", "Dummy"),
            ("In a real application, verify it", "In a real application"),
            ("In a real-world app", "In a real-world"),
            ("For simplicity, we skip it", "For simplicity"),
            (
                "This is a simplified implementation",
                "simplified implementation",
            ),
            ("replace this with the real key", "replace this with"),
            ("Replace with your key", "Replace with"),
            ("here you would call the API", "here you would"),
            (
                "In production, you would use a vault",
                "production, you would",
            ),
            ("A mock implementation", "mock implementation"),
        ] {
            assert_eq!(placeholder_phrase(text).as_deref(), Some(want), "{text}");
        }
        for text in [
            "TODOS_URL",
            "TODO_LIST",
            "todo list",
            "a stubborn bug",
            "0xXXX",
            "XXX-XX-XXXX",
            "(XXX) XXX-XXXX",
            "Data size XXX",
            "placeholders in the format string",
            "<input placeholder=\"Email\">",
            "`Default` is not implemented for arrays",
            "not implemented on this platform",
            "stubs",
            "see TODO.md",
            "the helpers you would create along the way",
            "Callers may provide a \"dummy\" state ID",
            "as you would expect",
            "we'd leave FIXME comments",
            "It's a TODO to make these async",
            "things either not implemented or not yet stable",
            "The `Parse` trait is not implemented in these cases",
            "This is intentionally not implemented, as recording fields",
            "Unpin is not implemented, use the attribute",
            "They are intended to be implemented by providers",
            "",
        ] {
            assert_eq!(placeholder_phrase(text), None, "{text}");
        }
    }

    #[test]
    fn strengths() {
        let m = placeholder_marks("a placeholder. TODO: more");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].strength, MarkStrength::Ambiguous);
        assert_eq!(m[1].strength, MarkStrength::Strong);
        assert_eq!(m[1].start, 15);
        assert_eq!(
            placeholder_marks("placeholder implementation")[0].strength,
            MarkStrength::Strong
        );
        assert_eq!(
            placeholder_marks("Replace with your key")[0].strength,
            MarkStrength::Weak
        );
        // technical uses in mature code are ambiguous marks: AI code only, next to a cue
        for text in [
            "some other placeholder value (such as 0)",
            "Please use them in a production environment at your own risk",
            "For simplicity, we use the same generic struct",
            "This is a simplified version of the `App::service()` method",
            "A dummy state. Replace the builder later.",
        ] {
            let marks = placeholder_marks(text);
            assert!(!marks.is_empty(), "{text}");
            assert!(
                marks.iter().all(|m| m.strength == MarkStrength::Ambiguous),
                "{text}"
            );
            assert!(
                marks.iter().all(|m| !has_deferral_cue_near(text, m)),
                "{text}"
            );
        }
        for text in [
            "Placeholder for the actual fraud check.",
            "Returns dummy data for now.",
            "For simplicity, sessions live in memory; use Redis in production.",
            "In a production environment, replace it with a KMS.",
        ] {
            let m = &placeholder_marks(text)[0];
            assert!(has_deferral_cue_near(text, m), "{text}");
        }
    }

    #[test]
    fn work_claims() {
        assert_eq!(
            doc_claims_work(" Validates the token.").as_deref(),
            Some("validates")
        );
        assert_eq!(
            doc_claims_work("Asynchronously fetches it").as_deref(),
            Some("fetches")
        );
        assert_eq!(doc_claims_work("Returns an empty list"), None);
        assert_eq!(doc_claims_work("Creates a new map"), None);
        assert!(doc_admits_trivial("Sends nothing; a no-op on wasm"));
        assert!(doc_admits_trivial("Always succeeds"));
        assert!(!doc_admits_trivial("Sends the email to the nothingness"));
        assert!(is_test_tolerated_lint("dead_code"));
        assert!(!is_test_tolerated_lint("unused"));
    }
}
