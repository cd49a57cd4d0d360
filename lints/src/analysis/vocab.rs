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
}
