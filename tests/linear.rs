//! Every rule's worst case is linear (or near it) in the size of the item: generated
//! functions of thousands of statements, long `match`es, big impls and files check in time
//! proportional to their parse.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use aiguard_lints::config::RuleLevels;
use aiguard_lints::{Config, FileCtx, Level};

/// One statement of a realistic AI-written handler, cycling through the shapes the rules
/// track: untrusted values flowing into sinks a few statements later, secrets, panics,
/// arithmetic, locks held across `.await`, branches, closures, loops and builders.
/// `{i}` is the statement's index, `{c}` the index of its cycle's first statement (where
/// the cycle's bindings are made).
const CYCLE: &[&str] = &[
    r#"let name_{c} = params.get("name").cloned().unwrap_or_default();"#,
    r"let arg_{c} = std::env::args().nth(1).unwrap();",
    r#"let out_{i} = Command::new("sh").arg("-c").arg(&name_{c}).output().await.expect("run");"#,
    r#"let sql_{c} = format!("SELECT * FROM users WHERE name = '{}'", name_{c});"#,
    r"let rows_{i} = sqlx::query(&sql_{c}).fetch_all(&pool).await?;",
    r#"let file_{i} = File::open(format!("/srv/data/{}", arg_{c}))?;"#,
    r"let body_{i} = reqwest::get(&name_{c}).await?.text().await?;",
    r#"let api_key_{c} = std::env::var("API_KEY").unwrap_or("sk-test-1234567890abcdef".to_string());"#,
    r#"log::info!("calling upstream with key {} for {}", api_key_{c}, name_{c});"#,
    r"let items_{c}: Vec<u32> = body_{c}.split(',').map(|s| s.parse().unwrap()).collect();",
    r"let first_{i} = items_{c}[0] + items_{c}[idx];",
    r"let last_{i} = items_{c}.len() - 1;",
    r"let byte_{i} = total as u8;",
    r"if ratio == 0.5 { total += 1; }",
    r"if token_{c} == expected_token { return Ok(()); }",
    r"let guard_{i} = state.lock().unwrap(); tokio::time::sleep(Duration::from_millis(10)).await; drop(guard_{i});",
    r#"let kind_{i} = match name_{c}.as_str() { "a" => 1, "b" => { let x = items_{c}[1]; x * 2 } _ => 0 };"#,
    r"let add_{i} = |a: u32| a + total * 3;",
    r"for k in 0..=items_{c}.len() { total += items_{c}[k]; }",
    r#"let client_{i} = reqwest::Client::builder().danger_accept_invalid_certs(insecure).timeout(Duration::from_secs(5)).user_agent("x").build()?;"#,
    r"let total = total + first_{c} * 2;",
    r"let total = total.wrapping_add(byte_{c} as u32);",
    r"if total > 10 { total -= 1; } else if total > 20 { total -= 2; } else if total > 30 { total -= 3; } else if items_{c}.is_empty() { return Ok(()); } else { total += items_{c}[items_{c}.len() - 1]; }",
    r#"let words_{i} = name_{c}.trim().to_lowercase().replace("-", "_").split('/').map(|s| s.to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/");"#,
    r"std::thread::sleep(Duration::from_secs(1));",
    r"let digest_{i} = md5::compute(password.as_bytes());",
    r"let nonce_{i} = rand::random::<u64>();",
    r#"let path_{i} = Path::new("/var/uploads").join(&name_{c});"#,
    r"std::fs::write(&path_{c}, &body_{c})?;",
    r#"if user.role.starts_with("admin") { granted = true; }"#,
    r"let re_{i} = Regex::new(&name_{c}).unwrap();",
    r#"let html_{i} = format!("<div>{}</div>", name_{c});"#,
    r#"let url_{i} = "http://api.example.com/v1/items";"#,
    r"if Path::new(&path_{c}).exists() { std::fs::remove_file(&path_{c})?; }",
    r"let _ = std::fs::remove_file(&path_{c});",
    r"let cost_{i} = price * qty + fee;",
    r"std::fs::set_permissions(&path_{c}, Permissions::from_mode(0o777))?;",
    r#"let tmp_{i} = File::create("/tmp/upload.bin")?;"#,
    r"if debug_mode { return Ok(()); }",
    r"let raw_{i} = unsafe { ptr.add(first_{c} as usize).read() };",
    r#"let cookie_{i} = Cookie::build(("session", token_{c}.clone())).secure(false).http_only(false).build();"#,
    r"let cors_{i} = CorsLayer::permissive();",
    r"validation.insecure_disable_signature_validation();",
    r"let ok_{i} = verify(&token_{c}).unwrap_or(true);",
    r"if total == total { total += 1; }",
    r"let mut buf_{i} = Vec::new(); stream.read_to_end(&mut buf_{i}).await?;",
    r#"let password_{i} = "hunter2hunter2hunter2";"#,
    r"for entry in archive.entries()? { let entry = entry?; entry.unpack(dest.join(entry.path()?))?; }",
    r#"let token_{c} = headers.get("x-token").map(|v| v.to_str().unwrap_or("")).unwrap_or_default().to_string();"#,
    r"let cmp_{i} = hmac_{c} == expected_mac;",
    r"let hmac_{c} = Sha1::digest(secret.as_bytes());",
    r#"let key_{i} = Aes128Ecb::new_from_slices(b"0123456789abcdef", b"").unwrap();"#,
    r"let evens_{i} = items_{c}.iter().filter(|x| *x % 2 == 0).count();",
    r#"tracing::debug!(password = %password, "login for {}", name_{c});"#,
    r"let avg_{i} = total / items_{c}.len();",
    r"let v_{i} = vec![name_{c}.clone(), arg_{c}.clone(), body_{c}.clone()];",
    r"let n_{i} = items_{c}.get(3).copied().unwrap_or_default() as i8;",
    r"if let Some(x) = items_{c}.first() { total += *x; }",
    "while total < 100 { total += 1; if total % 7 == 0 { break; } }",
    r"let s_{i} = async move { let g = state.lock().unwrap(); fetch().await; g.len() };",
];

/// The checked-in test's cycle: short statements, dense in what rules follow from one
/// statement to another (a binding read later, a guard before a read, a check's verdict),
/// in a check-named async AI handler, so that a rule walking the body at each use shows.
/// `{c}` is the cycle's first statement, `{k}` its ordinal (guards on a growing length).
const LEAN: &[&str] = &[
    r#"let name_{c} = params.get("name").cloned().unwrap_or_default();"#,
    r"if buf.len() < {k} { return Err(Error::Short); }",
    r"let b_{c} = buf[{k} - 1];",
    r"if data.len() <= {k} { return Err(Error::Short); }",
    r"let d_{c} = data[{k}] + data[{k} - 1];",
    r"let n_{c} = name_{c}.len();",
    r"let last_{c} = n_{c} - 1;",
    r"let ok_{c} = verify_token(&headers).unwrap_or(true);",
    r"if ok_{c} { granted = true; }",
    r#"let skip_{c} = std::env::var("SKIP_AUTH").is_ok();"#,
    r"if skip_{c} { return Ok(true); }",
    r#"let q_{c} = format!("SELECT * FROM t WHERE name = '{}'", name_{c});"#,
    r"let g_{c} = state.lock().unwrap();",
    r"sqlx::query(&q_{c}).execute(&pool).await?;",
    r"drop(g_{c});",
    r#"let mut cmd_{c} = Command::new("sh");"#,
    r#"cmd_{c}.arg("-c").arg(&name_{c});"#,
    r"let out_{c} = cmd_{c}.output()?;",
    r"let x = x + b_{c} as u32;",
    r"let sig_{c} = verify_signature(&headers);",
    r"match sig_{c} { Ok(v) => granted = v, Err(_) => return Ok(true) }",
    r"if sig_{c}.is_ok() && !skip_{c} { granted = ok_{c}; }",
    r#"let path_{c} = Path::new("/srv").join(&name_{c});"#,
    r"let f_{c} = File::open(&path_{c})?;",
    r"let v_{c} = name_{c}.trim().to_lowercase().split(',').map(str::to_string).collect::<Vec<_>>();",
    r"let first_{c} = &v_{c}[n_{c} / 2];",
    r#"assert!(v_{c}.len() > {k}, "short");"#,
    r"let mid_{c} = &v_{c}[{k}];",
];

fn lean_stmt(i: usize) -> String {
    let k = i % LEAN.len();
    let c = i - k;
    LEAN[k]
        .replace("{i}", &i.to_string())
        .replace("{k}", &(c / LEAN.len() + 1).to_string())
        .replace("{c}", &c.to_string())
}

/// The checked-in test's function: `n` statements of [`LEAN`].
fn lean_fn(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn verify_upload({PARAMS}, buf: Bytes, data: Vec<u32>) -> Result<bool, Error> {{\n    let mut granted = false;\n    let x = 0u32;"
    );
    for i in 0..n {
        let _ = writeln!(s, "    {}", lean_stmt(i));
    }
    s.push_str("    Ok(granted)\n}\n");
    s
}

fn stmt(i: usize) -> String {
    let k = i % CYCLE.len();
    let c = i - k;
    CYCLE[k]
        .replace("{i}", &i.to_string())
        .replace("{c}", &c.to_string())
}

const HEAD: &str = "use std::fs::{File, Permissions};\nuse std::os::unix::fs::PermissionsExt;\nuse std::path::Path;\nuse std::process::Command;\nuse std::time::Duration;\n";

const PARAMS: &str = "Query(params): Query<HashMap<String, String>>, headers: HeaderMap, State(state): State<AppState>, password: String";

/// One async handler of `n` statements: every rule's code paths.
fn mixed_fn(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn handler({PARAMS}) -> Result<(), Error> {{\n    let mut total = 0u32;\n    let mut granted = false;"
    );
    for i in 0..n {
        let _ = writeln!(s, "    {}", stmt(i));
    }
    s.push_str("    Ok(())\n}\n");
    s
}

/// `n` distinct bindings, each used once at the end.
fn distinct_lets(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn handler({PARAMS}) -> Result<(), Error> {{"
    );
    let half = n / 2;
    for i in 0..half {
        let _ = match i % 4 {
            0 => writeln!(s, r#"    let v{i} = params.get("k{i}").cloned().unwrap();"#),
            1 => writeln!(
                s,
                r#"    let v{i} = format!("SELECT {{}} FROM t", v{});"#,
                i - 1
            ),
            2 => writeln!(s, "    let v{i} = items[{i}] as u8;"),
            _ => writeln!(s, "    let v{i} = v{}.len() - 1;", i - 3),
        };
    }
    for i in 0..half {
        let _ = match i % 4 {
            0 => writeln!(s, "    Command::new(&v{i}).spawn()?;"),
            1 => writeln!(s, "    db.execute(&v{i}).await?;"),
            2 => writeln!(s, "    sum += v{i};"),
            _ => writeln!(s, "    out.push(v{i});"),
        };
    }
    s.push_str("    Ok(())\n}\n");
    s
}

/// The same binding shadowed `n` times.
fn shadowed(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn handler({PARAMS}) -> Result<(), Error> {{\n    let x = params.get(\"x\").cloned().unwrap();"
    );
    for i in 0..n {
        let _ = match i % 5 {
            0 => writeln!(s, r#"    let x = format!("{{}}/{i}", x);"#),
            1 => writeln!(s, "    let x = x.trim().to_string();"),
            2 => writeln!(s, "    let y = x.len() - 1;"),
            3 => writeln!(s, "    let x = if y > {i} {{ x }} else {{ x.clone() }};"),
            _ => writeln!(s, "    Command::new(&x).arg(y.to_string()).spawn()?;"),
        };
    }
    s.push_str("    Ok(())\n}\n");
    s
}

/// A decoder: a length guard before each read, as hand-written parsers do.
fn guarded_reads(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub fn decode(buf: &[u8], data: Vec<u32>) -> Result<Vec<u32>, Error> {{\n    let mut out = Vec::new();"
    );
    for i in 0..n {
        let k = i / 4 + 1;
        let _ = match i % 4 {
            0 => writeln!(s, "    if buf.len() < {k} {{ return Err(Error::Short); }}"),
            1 => writeln!(s, "    out.push(u32::from(buf[{}]) + data[{k}]);", k - 1),
            2 => writeln!(s, "    assert!(data.len() > {k}, \"short data\");"),
            _ => writeln!(
                s,
                "    let x{i} = buf[{}] as usize - 1; out.push(data[x{i}]);",
                k - 1
            ),
        };
    }
    s.push_str("    Ok(out)\n}\n");
    s
}

/// Resources of the kinds rules follow from their `let` to a later use, all made first and
/// used at the end: lock guards, commands, channels, hashers, nonces, env lookups, regexes.
fn resources(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn setup({PARAMS}) -> Result<(), Error> {{"
    );
    let half = n / 2;
    for i in 0..half {
        let _ = match i % 8 {
            0 => writeln!(s, "    let g{i} = state.m{i}.lock().unwrap();"),
            1 => writeln!(s, "    let mut c{i} = std::process::Command::new(\"ls\");"),
            2 => writeln!(
                s,
                "    let (tx{i}, rx{i}) = std::sync::mpsc::channel::<u32>();"
            ),
            3 => writeln!(s, "    let mut h{i} = Sha256::new();"),
            4 => writeln!(s, "    let mut nonce{i} = [0u8; 12];"),
            5 => writeln!(
                s,
                "    let api_key{i} = std::env::var(\"API_KEY_{i}\").ok();"
            ),
            6 => writeln!(s, "    let seed{i} = rand::thread_rng().gen::<u64>();"),
            _ => writeln!(s, "    let re{i} = Regex::new(\"^[a-z]+{i}$\").unwrap();"),
        };
    }
    for i in 0..half {
        let _ = match i % 8 {
            0 => writeln!(s, "    total += g{i}.len();"),
            1 => writeln!(s, "    c{i}.output()?;"),
            2 => writeln!(s, "    rx{i}.recv()?;"),
            3 => writeln!(s, "    h{i}.update(password.as_bytes());"),
            4 => writeln!(
                s,
                "    cipher.encrypt(Nonce::from_slice(&nonce{i}), data)?;"
            ),
            5 => writeln!(s, "    let k{i} = api_key{i}.unwrap_or_default();"),
            6 => writeln!(s, "    let token{i} = format!(\"{{:x}}\", seed{i});"),
            _ => writeln!(s, "    if re{i}.is_match(&input) {{ total += 1; }}"),
        };
    }
    s.push_str("    fetch().await;\n    Ok(())\n}\n");
    s
}

/// An auth check (the rules that look at auth code only): bypass flags, fail-open defaults,
/// prefix tests, magic values, verifiers.
fn auth_check(n: usize) -> String {
    const AUTH: &[&str] = &[
        r#"let skip_{c} = std::env::var("SKIP_AUTH").is_ok();"#,
        r"if skip_{c} { return true; }",
        r#"if user.name == "admin" { return true; }"#,
        r"let claims_{i} = decode_jwt(token).unwrap_or_default();",
        r"let ok_{c} = verify_token(token).unwrap_or(true);",
        r"match verify_signature(token) { Ok(v) => { if !v { return false; } } Err(_) => return true }",
        r#"if req.path().starts_with("/admin") { return false; }"#,
        r#"let origin_{c} = req.headers().get("origin").unwrap().to_str().unwrap_or("");"#,
        r#"if origin_{c}.starts_with("https://trusted.example.com") { granted = true; }"#,
        r"if let Ok(_) = bcrypt::verify(token, &hash) { granted = true; }",
        r"let r_{c} = bcrypt::verify(token, &hash); if r_{c}.is_ok() { granted = ok_{c}; }",
        r"if cfg!(debug_assertions) { return true; }",
        r#"let who_{c} = user.name.trim(); if who_{c} == "root" { return true; }"#,
        r"let Ok(session_{i}) = load_session(token) else { return true };",
        r#"if env == "dev" { return true; }"#,
    ];
    let mut s = String::from(HEAD);
    s.push_str("#[ai_generated]\npub fn verify_request(req: HttpRequest, token: &str, user: User, hash: String, env: String) -> bool {\n    let mut granted = false;\n");
    for i in 0..n {
        let k = i % AUTH.len();
        let c = i - k;
        let _ = writeln!(
            s,
            "    {}",
            AUTH[k]
                .replace("{i}", &i.to_string())
                .replace("{c}", &c.to_string())
        );
    }
    s.push_str("    granted\n}\n");
    s
}

/// A table built inside a fn: one `vec!` of `n` literals.
fn vec_table(n: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("#[ai_generated]\npub fn table(input: &str) -> Vec<(&'static str, String)> {\n    let t = vec![\n");
    for i in 0..n {
        let _ = writeln!(s, "        (\"key{i}\", format!(\"{{}}-{i}\", input)),");
    }
    s.push_str("    ];\n    t\n}\n");
    s
}

/// Statements spread through nested blocks: `if`s, loops, closures and `async` blocks, 40
/// levels deep, repeated.
fn nested(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn nested({PARAMS}) -> Result<(), Error> {{\n    let mut total = 0u32;"
    );
    let depth = 40;
    let mut i = 0;
    while i < n {
        for d in 0..depth {
            let _ = match d % 4 {
                0 => writeln!(s, "if total > {d} {{"),
                1 => writeln!(s, "for k in 0..items.len() {{"),
                2 => writeln!(s, "let f = |x: u32| {{"),
                _ => writeln!(s, "let fut = async move {{"),
            };
            let _ = writeln!(s, "{}", stmt(i));
            i += 1;
        }
        for d in (0..depth).rev() {
            let _ = match d % 4 {
                0 | 1 => writeln!(s, "}}"),
                2 => writeln!(s, "x }};"),
                _ => writeln!(s, "}};"),
            };
        }
    }
    s.push_str("    Ok(())\n}\n");
    s
}

/// One builder chain of `n` calls (deeper than the checker's depth limit it is not walked:
/// measure up to 1,000).
fn one_chain(n: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("#[ai_generated]\npub async fn build(name: String) -> Result<Client, Error> {\n    let c = reqwest::Client::builder()");
    for i in 0..n {
        let _ = match i % 4 {
            0 => write!(s, "\n        .timeout(Duration::from_secs({i}))"),
            1 => write!(s, "\n        .user_agent(&name)"),
            2 => write!(s, "\n        .danger_accept_invalid_certs(false)"),
            _ => write!(
                s,
                "\n        .header(\"x-{i}\", name.trim().to_lowercase())"
            ),
        };
    }
    s.push_str("\n        .build()?;\n    Ok(c)\n}\n");
    s
}

/// A `match` of `n` arms.
fn long_match(n: usize) -> String {
    let mut s = String::from(HEAD);
    let _ = writeln!(
        s,
        "#[ai_generated]\npub async fn dispatch({PARAMS}) -> Result<u32, Error> {{\n    let cmd = params.get(\"cmd\").cloned().unwrap();\n    let items: Vec<u32> = Vec::new();\n    let r = match cmd.as_str() {{"
    );
    for i in 0..n {
        let _ = match i % 4 {
            0 => writeln!(
                s,
                r#"        "c{i}" => Command::new("run").arg(&cmd).output().await.unwrap().status.code().unwrap() as u32,"#
            ),
            1 => writeln!(
                s,
                r#"        "c{i}" => items[{i}] + items.len() as u32 - 1,"#
            ),
            2 => writeln!(
                s,
                r#"        "c{i}" => {{ let q{i} = format!("SELECT * FROM t WHERE c = {{}}", cmd); db.execute(&q{i}).await?; {i} }}"#
            ),
            _ => writeln!(s, r#"        "c{i}" if cmd.len() > {i} => {i},"#),
        };
    }
    s.push_str("        _ => 0,\n    };\n    Ok(r)\n}\n");
    s
}

/// A small method or fn body.
fn small_body(i: usize) -> String {
    format!(
        r#"let v = self.items.get({i}).copied().unwrap(); let q = format!("SELECT {{}}", name); Command::new(&name).arg(&q).spawn()?; Ok(v as u8 + self.items[0] - 1)"#
    )
}

/// An impl of `n` methods.
fn big_impl(n: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("#[ai_generated]\nimpl Service {\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "    pub async fn m{i}(&self, name: String) -> Result<u8, Error> {{ {} }}",
            small_body(i)
        );
    }
    s.push_str("}\n");
    s
}

/// A file of `n` small fns.
fn many_fns(n: usize) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        let body = small_body(i).replace("self.", "");
        let _ = writeln!(
            s,
            "#[ai_generated]\npub fn f{i}(items: &[u8], name: String) -> Result<u8, Error> {{ {body} }}"
        );
    }
    s
}

/// A string-literal array of `n` entries.
fn string_array(n: usize) -> String {
    let mut s = String::from(HEAD);
    s.push_str("#[ai_generated]\npub static WORDS: &[&str] = &[\n");
    for i in 0..n {
        let _ = match i % 4 {
            0 => writeln!(s, r#"    "http://host{i}.example.com/path","#),
            1 => writeln!(s, r#"    "sk_live_{i:0>24}","#),
            2 => writeln!(s, r#"    "SELECT * FROM t{i} WHERE x = ?","#),
            _ => writeln!(s, r#"    "word number {i}","#),
        };
    }
    s.push_str("];\n");
    s
}

/// A doc comment of `n` lines.
fn doc_comment(n: usize) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        let _ = match i % 5 {
            0 => writeln!(s, "/// Line {i}: TODO handle the error properly"),
            1 => writeln!(s, "/// ```"),
            2 => writeln!(s, "/// let x = v[{i}].unwrap();"),
            3 => writeln!(s, "/// ```"),
            _ => writeln!(
                s,
                "/// see http://example.com/{i} and password = \"hunter2\""
            ),
        };
    }
    s.push_str("#[ai_generated]\npub fn documented(v: &[u8]) -> u8 { v[0] }\n");
    s
}

/// Builds a shape's source for a size.
type Shape = fn(usize) -> String;

/// Every shape, by name.
const SHAPES: &[(&str, Shape)] = &[
    ("mixed fn", mixed_fn),
    ("lean fn", lean_fn),
    ("distinct lets", distinct_lets),
    ("shadowed", shadowed),
    ("guarded reads", guarded_reads),
    ("resources", resources),
    ("auth check", auth_check),
    ("vec table", vec_table),
    ("nested", nested),
    ("one chain", one_chain),
    ("long match", long_match),
    ("big impl", big_impl),
    ("many fns", many_fns),
    ("string array", string_array),
    ("doc comment", doc_comment),
];

/// Every rule on at `warn`, in AI and human code alike.
fn all_rules_config() -> Config {
    only_rules_config(|_| true)
}

fn only_rules_config(on: impl Fn(&str) -> bool) -> Config {
    let mut config = Config::default();
    for rule in aiguard_lints::registry::all() {
        let name = rule.meta().name;
        let level = if on(name) { Level::Warn } else { Level::Allow };
        config.rules.insert(
            name,
            RuleLevels {
                ai: Some(level),
                human: Some(level),
            },
        );
    }
    config
}

fn ai_file() -> FileCtx {
    FileCtx {
        ai_file: true,
        ..FileCtx::default()
    }
}

/// (parse time, check time) of `src`: the fastest of `runs` runs each. The span source map
/// is freed after each run, as `cargo aiguard` does after each file.
fn timings(src: &str, config: &Config, runs: usize) -> (Duration, Duration) {
    let (parse, check, _) = timed_check(src, config, runs);
    (parse, check)
}

/// [`timings`], and the rules that reported.
fn timed_check(
    src: &str,
    config: &Config,
    runs: usize,
) -> (Duration, Duration, BTreeSet<&'static str>) {
    let ctx = ai_file();
    let mut best = (Duration::MAX, Duration::MAX);
    let mut fired = BTreeSet::new();
    for _ in 0..runs {
        let t = Instant::now();
        let file = syn::parse_file(src).unwrap();
        let parse = t.elapsed();
        let t = Instant::now();
        let report = aiguard_lints::check_file(&file, &ctx, config);
        let check = t.elapsed();
        fired = report.findings.iter().map(|f| f.rule.name).collect();
        drop((report, file));
        proc_macro2::extra::invalidate_current_thread_spans();
        best = (best.0.min(parse), best.1.min(check));
    }
    (best.0, best.1, fired)
}

/// The check time of `file` with one rule on: the fastest of `runs` runs.
fn check_time(file: &syn::File, config: &Config, runs: usize) -> Duration {
    let ctx = ai_file();
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(aiguard_lints::check_file(file, &ctx, config));
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The checked-in test's sizes: a function of 10,000 statements, and a quarter of it.
const SMALL: usize = 2_500;
const BIG: usize = 10_000;
/// How many times its parse checking a function may take. A debug build checks the test's
/// function in 3 to 5 times its parse; a rule that walks the body again at each binding it
/// looks up takes it over 13 times at 2,500 statements.
const MAX_CHECK_PER_PARSE: f64 = 12.0;
/// check(4n) / check(n): 4 for linear work (up to 6 in a debug build on a busy machine,
/// where allocation also gets slower as the heap grows), 16 for quadratic.
const MAX_SCALING: f64 = 8.0;

/// Rules that must report on the test's function: it reaches their code paths.
const MUST_FIRE: &[&str] = &[
    "blocking_in_async",
    "command_injection",
    "debug_bypass",
    "fail_open",
    "indexing_panic",
    "len_underflow",
    "lock_across_await",
    "path_traversal",
    "sql_injection",
    "unwrap_used",
];

#[test]
fn checking_is_linear_in_the_size_of_the_function() {
    let config = all_rules_config();
    let small = lean_fn(SMALL);
    // The fastest of two runs; it fails here, before the big function, when a rule is
    // quadratic enough to take minutes on it.
    let (parse_small, check_small, fired) = timed_check(&small, &config, 2);
    for rule in MUST_FIRE {
        assert!(
            fired.contains(rule),
            "`{rule}` does not report on the test's function: it no longer reaches the rule"
        );
    }
    let per_parse = ratio(check_small, parse_small);
    assert!(
        per_parse <= MAX_CHECK_PER_PARSE,
        "checking {SMALL} statements takes {per_parse:.1} times their parse ({:.0} ms vs {:.0} ms): some rule is superlinear; find it with the `measure` harness in tests/linear.rs",
        ms(check_small),
        ms(parse_small),
    );
    let big = lean_fn(BIG);
    let (mut parse_big, mut check_big) = timings(&big, &config, 1);
    let over = |parse: Duration, check: Duration| {
        ratio(check, check_small) > MAX_SCALING || ratio(check, parse) > MAX_CHECK_PER_PARSE
    };
    if over(parse_big, check_big) {
        // A busy machine slowed that run: once more, keeping the faster.
        let (p, c) = timings(&big, &config, 1);
        parse_big = parse_big.min(p);
        check_big = check_big.min(c);
    }
    let scaling = ratio(check_big, check_small);
    eprintln!(
        "{SMALL} statements: parse {:.0} ms, check {:.0} ms; {BIG}: parse {:.0} ms, check {:.0} ms; scaling x{scaling:.1}",
        ms(parse_small),
        ms(check_small),
        ms(parse_big),
        ms(check_big),
    );
    assert!(
        scaling <= MAX_SCALING,
        "checking {BIG} statements takes {scaling:.1} times as long as {SMALL} ({:.0} ms vs {:.0} ms; linear is about 4, quadratic 16): some rule is superlinear; find it with the `measure` harness in tests/linear.rs",
        ms(check_big),
        ms(check_small),
    );
    let per_parse = ratio(check_big, parse_big);
    assert!(
        per_parse <= MAX_CHECK_PER_PARSE,
        "checking {BIG} statements takes {per_parse:.1} times their parse ({:.0} ms vs {:.0} ms): some rule is superlinear; find it with the `measure` harness in tests/linear.rs",
        ms(check_big),
        ms(parse_big),
    );
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-6)
}

/// Measurement, not a check: `cargo test --release -p aiguard-tests --test linear -- --ignored measure --nocapture`.
/// `AIGUARD_SHAPES=a,b` restricts the shapes, `AIGUARD_SIZES=1000,4000` sets the sizes,
/// `AIGUARD_RULES=a,b` turns only those rules on, `AIGUARD_PER_RULE=1` also times each rule alone.
#[test]
#[ignore = "measurement; run by hand in release"]
fn measure() {
    let config = match std::env::var("AIGUARD_RULES") {
        Ok(list) => only_rules_config(|r| list.split(',').any(|x| x == r)),
        Err(_) => all_rules_config(),
    };
    let wanted = std::env::var("AIGUARD_SHAPES").ok();
    let runs = std::env::var("AIGUARD_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let sizes: Vec<usize> = std::env::var("AIGUARD_SIZES").ok().map_or_else(
        || vec![2_500, 5_000, 10_000, 20_000],
        |v| v.split(',').filter_map(|x| x.parse().ok()).collect(),
    );
    for (name, shape) in SHAPES {
        if wanted
            .as_deref()
            .is_some_and(|w| !w.split(',').any(|x| x == *name))
        {
            continue;
        }
        let mut line = format!("{name:>14}:");
        let mut checks = Vec::new();
        for &n in &sizes {
            let src = shape(n);
            let (p, c) = timings(&src, &config, runs);
            let _ = write!(line, "  n={n} parse {:.1}ms check {:.1}ms", ms(p), ms(c));
            checks.push(c);
        }
        let first = checks[0].as_secs_f64();
        let last = checks[checks.len() - 1].as_secs_f64();
        let _ = write!(line, "  scaling x{:.1}", last / first);
        println!("{line}");
        if std::env::var_os("AIGUARD_PER_RULE").is_some() {
            per_rule(*shape);
        }
    }
}

/// Each rule alone at 2,500 and 10,000 (linear is x4), its cost above the bare walk.
fn per_rule(shape: Shape) {
    let small = syn::parse_file(&shape(2_500)).unwrap();
    let big = syn::parse_file(&shape(10_000)).unwrap();
    let none = only_rules_config(|_| false);
    let floor = (check_time(&small, &none, 3), check_time(&big, &none, 3));
    println!(
        "      {:>28}: {:.2}ms -> {:.2}ms",
        "(no rule)",
        ms(floor.0),
        ms(floor.1)
    );
    let mut rows = Vec::new();
    for rule in aiguard_lints::registry::all() {
        let rn = rule.meta().name;
        let cfg = only_rules_config(|r| r == rn);
        let a = check_time(&small, &cfg, 2).saturating_sub(floor.0);
        let b = check_time(&big, &cfg, 2).saturating_sub(floor.1);
        let ratio = b.as_secs_f64() / a.as_secs_f64().max(1e-4);
        rows.push((ratio, rn, a, b));
    }
    drop((small, big));
    proc_macro2::extra::invalidate_current_thread_spans();
    rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (ratio, rn, a, b) in rows.iter().take(10) {
        println!(
            "      {rn:>28}: +{:.2}ms -> +{:.2}ms  x{ratio:.1}",
            ms(*a),
            ms(*b)
        );
    }
}
