//! Stress tests of `cargo aiguard check` on hostile input, every input generated at test
//! time: deep nesting, a 20 MiB file, random bytes, non-UTF-8 text, symbolic link loops, a
//! `mod` cycle, broken configs, build scripts and proc macros that must not run, odd files.
//!
//! Each case also holds an ordinary file with a known finding, and checks that the run ends
//! normally (no signal, no panic), that the bad input gets a diagnostic pointing at it, that
//! the ordinary finding is still reported (the rest of the scan completed), and the exit
//! code: 2 when something could not be checked.

mod harness;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use tempfile::TempDir;

/// An AI item with a finding on line 3, column 7 (`.unwrap()`).
const ORDINARY: &str = "#[ai_generated]\nfn ordinary(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n";

/// Makes `unwrap_used` deny in AI code: an ordinary finding alone exits 1, so exit 2 can only
/// come from what could not be checked.
const DENY_UNWRAP: &str = "[rules]\nunwrap_used = \"deny\"\n";

/// No run may take this long: a hang (an infinite `mod` loop, a quadratic blow-up) fails the
/// test instead of stalling the suite. Not a measure of speed.
const HANG: Duration = Duration::from_mins(10);

/// A temp directory with `aiguard.toml` (deny `unwrap_used`) and `ordinary.rs`.
fn scan_dir() -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("aiguard-stress")
        .tempdir()
        .expect("temp dir");
    write(dir.path(), "aiguard.toml", DENY_UNWRAP);
    write(dir.path(), "ordinary.rs", ORDINARY);
    dir
}

/// A temp Cargo package `stress` with `src/ordinary.rs` declared by `src/lib.rs`.
fn krate(lib: &str) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("aiguard-stress")
        .tempdir()
        .expect("temp dir");
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"stress\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(dir.path(), "aiguard.toml", DENY_UNWRAP);
    write(dir.path(), "src/lib.rs", &format!("mod ordinary;\n{lib}"));
    write(dir.path(), "src/ordinary.rs", ORDINARY);
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    write_bytes(root, rel, text.as_bytes());
}

fn write_bytes(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// Runs `cargo-aiguard aiguard ARGS` in `dir` (as cargo invokes it), without colors.
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::new(harness::aiguard_bin());
    cmd.current_dir(dir)
        .arg("aiguard")
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .env("RUST_BACKTRACE", "0")
        .timeout(HANG);
    let out = cmd.output().expect("run cargo-aiguard");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    run.no_crash();
    run
}

/// `check --message-format short ARGS`: one line per diagnostic.
fn short(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--message-format", "short", "--color", "never"];
    all.extend_from_slice(args);
    run(dir, &all)
}

/// `check --color never ARGS`: rustc-style diagnostics with excerpts.
fn human(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--color", "never"];
    all.extend_from_slice(args);
    run(dir, &all)
}

struct Run {
    /// `None` when a signal ended the process (a stack overflow aborts).
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn dump(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            truncate(&self.stdout),
            truncate(&self.stderr)
        )
    }

    /// The process ended by itself, without a panic or an abort.
    #[track_caller]
    fn no_crash(&self) {
        assert!(self.code.is_some(), "killed by a signal\n{}", self.dump());
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "overflowed its stack",
            "internal error",
        ] {
            assert!(
                !self.stdout.contains(bad) && !self.stderr.contains(bad),
                "output mentions {bad:?}\n{}",
                self.dump()
            );
        }
    }

    #[track_caller]
    fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, Some(expected), "exit code\n{}", self.dump());
        self
    }

    #[track_caller]
    fn has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    fn err_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.dump()
        );
        self
    }

    /// The short-format lines about `file` (`file:...: ...` or `file: ...`).
    fn lines_of(&self, file: &str) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| {
                l.strip_prefix(file)
                    .is_some_and(|rest| rest.starts_with(':'))
            })
            .collect()
    }

    /// The ordinary file's finding (short format), with `dir` its directory as displayed.
    #[track_caller]
    fn ordinary_found(&self, dir: &str) -> &Self {
        self.has(&format!(
            "{dir}ordinary.rs:3:7: error[unwrap_used]: `.unwrap()` panics"
        ))
    }
}

fn truncate(s: &str) -> &str {
    let mut end = s.len().min(20_000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// 1-based (line, column in characters) of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// xorshift64: a fixed-seed generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("fits")
    }
}

// --- 1. deep nesting --------------------------------------------------------------------

const DEPTH: usize = 5_000;

/// Shapes nested [`DEPTH`] deep: (file, source). The deep construct is on line 3.
fn deep_shapes() -> Vec<(&'static str, String)> {
    let n = DEPTH;
    let fn_with = |sig: &str, body: String| format!("// generated\n{sig} {{\n    {body}\n}}\n");
    vec![
        (
            "parens.rs",
            fn_with(
                "fn f() -> u8",
                format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            ),
        ),
        (
            "ifs.rs",
            fn_with(
                "fn f(a: bool)",
                format!("{}{}", "if a { ".repeat(n), "}".repeat(n)),
            ),
        ),
        (
            "blocks.rs",
            fn_with("fn f()", format!("{}{}", "{ ".repeat(n), "}".repeat(n))),
        ),
        (
            "arrays.rs",
            fn_with(
                "fn f()",
                format!("let _ = {}1{};", "[".repeat(n), "]".repeat(n)),
            ),
        ),
        (
            "closures.rs",
            fn_with("fn f()", format!("let _ = {}1;", "|x| ".repeat(n))),
        ),
        (
            "methods.rs",
            fn_with("fn f(x: u8)", format!("let _ = x{};", ".clone()".repeat(n))),
        ),
        (
            "binops.rs",
            fn_with("fn f() -> u32", format!("{}1", "1 + ".repeat(n))),
        ),
        (
            "unary.rs",
            fn_with("fn f() -> i32", format!("{}1", "-".repeat(n))),
        ),
        (
            "else_ifs.rs",
            fn_with(
                "fn f(a: bool)",
                format!("if a {{}} {}", "else if a {} ".repeat(n)),
            ),
        ),
        (
            "tuples.rs",
            fn_with(
                "fn f()",
                format!("let {}x{} = 1;", "(".repeat(n), ",)".repeat(n)),
            ),
        ),
        (
            "macros.rs",
            fn_with(
                "fn f()",
                format!("let _ = {}1{};", "vec![".repeat(n), "]".repeat(n)),
            ),
        ),
        (
            "types.rs",
            format!(
                "// generated\ntype T = {}u8{};\n",
                "Box<".repeat(n),
                ">".repeat(n)
            ),
        ),
    ]
}

/// Ordinary nesting, 100 deep, around findings: analyzed as usual. (file, finding lines)
fn nested_100() -> (String, Vec<usize>) {
    let n = 100;
    let mut src = String::from("// nesting as real code has it, if more of it\n");
    let mut lines = Vec::new();
    let mut item = |src: &mut String, sig: &str, body: String| {
        let _ = writeln!(src, "#[ai_generated]\n{sig} {{");
        lines.push(src.matches('\n').count() + 1);
        let _ = writeln!(src, "    {body}\n}}");
    };
    item(
        &mut src,
        "fn parens(v: Option<u8>) -> u8",
        format!("{}v.unwrap(){}", "(".repeat(n), ")".repeat(n)),
    );
    item(
        &mut src,
        "fn blocks(v: Option<u8>) -> u8",
        format!("{}v.unwrap(){}", "{ ".repeat(n), " }".repeat(n)),
    );
    item(
        &mut src,
        "fn ifs(a: bool, v: Option<u8>)",
        format!("{}v.unwrap();{}", "if a { ".repeat(n), " }".repeat(n)),
    );
    item(
        &mut src,
        "fn closures(v: Option<u8>)",
        format!("let _ = {}v.unwrap();", "|| ".repeat(n)),
    );
    item(
        &mut src,
        "fn arrays(v: Option<u8>)",
        format!("let _ = {}v.unwrap(){};", "[".repeat(n), "]".repeat(n)),
    );
    item(
        &mut src,
        "fn chain(v: Option<u8>)",
        format!("let _ = v{}.unwrap();", ".clone()".repeat(n)),
    );
    item(
        &mut src,
        "fn sums(v: Option<u32>) -> u32",
        format!("{}v.unwrap()", "1 + ".repeat(n)),
    );
    item(
        &mut src,
        "fn typed(v: Option<u8>)",
        format!(
            "let _: {}u8{} = Box::new(v.unwrap());",
            "Box<".repeat(n),
            ">".repeat(n)
        ),
    );
    (src, lines)
}

#[test]
fn deep_nesting() {
    let dir = scan_dir();
    let shapes = deep_shapes();
    for (file, src) in &shapes {
        write(dir.path(), file, src);
    }
    let (nested, nested_lines) = nested_100();
    write(dir.path(), "nested_100.rs", &nested);
    let r = short(dir.path(), &["."]);
    r.code(2).ordinary_found("");
    for (file, src) in &shapes {
        let lines = r.lines_of(file);
        // One clear diagnostic per deep construct, at its line.
        assert_eq!(lines.len(), 1, "{file}: {lines:#?}\n{}", r.dump());
        let line = if src.starts_with("// generated\ntype") {
            2
        } else {
            3
        };
        let l = lines[0];
        assert!(
            l.starts_with(&format!("{file}:{line}:")) && l.contains(": error: "),
            "{file}: {l}"
        );
        assert!(
            l.contains("nested too deeply to analyze") || l.contains("nested too deeply to parse"),
            "{file}: {l}"
        );
    }
    // The ordinary nesting is analyzed: every `unwrap_used` finding, at its line.
    let found: Vec<&str> = r
        .lines_of("nested_100.rs")
        .into_iter()
        .filter(|l| l.contains("[unwrap_used]"))
        .collect();
    let expected: Vec<String> = nested_lines
        .iter()
        .map(|l| format!("nested_100.rs:{l}:"))
        .collect();
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (f, e) in found.iter().zip(&expected) {
        assert!(
            f.starts_with(e.as_str()) && f.contains("error[unwrap_used]"),
            "{f} (expected {e})"
        );
    }
    // Human format: the help says what to do.
    let r = human(dir.path(), &["parens.rs", "macros.rs", "ordinary.rs"]);
    r.code(2)
        .has("error: expression nested too deeply to analyze\n --> parens.rs:3:")
        .has("= help: aiguard checks expressions up to")
        // (a line this long is not shown)
        .has("error: macro call nested too deeply to analyze\n--> macros.rs:3:13\n")
        .has("= help: aiguard reads macro arguments nested up to")
        .has(" --> ordinary.rs:3:7");
}

/// Far beyond what syn could parse on any stack: refused before parsing, at the place.
#[test]
fn nesting_beyond_the_parser() {
    let dir = scan_dir();
    let n = 200_000;
    write(
        dir.path(),
        "abyss.rs",
        &format!("fn f() {{\n    {}1{}\n}}\n", "(".repeat(n), ")".repeat(n)),
    );
    write(
        dir.path(),
        "types.rs",
        &format!("\ntype T = {}u8{};\n", "Vec<".repeat(n), ">".repeat(n)),
    );
    let r = short(dir.path(), &["."]);
    r.code(2).ordinary_found("");
    let abyss = r.lines_of("abyss.rs");
    assert!(
        abyss.len() == 1
            && abyss[0].starts_with("abyss.rs:2:")
            && abyss[0].contains("error: file nested too deeply to parse"),
        "{abyss:?}"
    );
    let types = r.lines_of("types.rs");
    assert!(
        types.len() == 1 && types[0].starts_with("types.rs:2:"),
        "{types:?}"
    );
    human(dir.path(), &["abyss.rs"])
        .code(2)
        .has("= note: this file was not checked")
        .has("= help: aiguard parses files nested up to about");
}

/// `review` parses on its own thread: deep input must not overflow it either.
#[test]
fn review_of_deep_items() {
    let dir = scan_dir();
    let n = DEPTH;
    write(
        dir.path(),
        "types.rs",
        &format!(
            "#[ai_generated]\nfn f() {{\n    let _: {}u8{} = todo!();\n}}\n",
            "Box<".repeat(n),
            ">".repeat(n)
        ),
    );
    write(
        dir.path(),
        "blocks.rs",
        &format!(
            "#[ai_generated]\nfn f() {{\n    {}{}\n}}\n",
            "{ ".repeat(3 * n),
            "}".repeat(3 * n)
        ),
    );
    for file in ["types.rs", "blocks.rs"] {
        run(
            dir.path(),
            &["review", "--by", "alice", "--dry-run", &format!("{file}:2")],
        )
        .code(0)
        .err_has("Would stamp `f`");
    }
}

// --- 2. a 20 MiB file -------------------------------------------------------------------

/// A generated table type and its methods, as code generators write them.
const UNIT: &str = "/// A record of table @.
#[derive(Debug, Clone, PartialEq)]
pub struct Record@ {
    pub id: u64,
    pub name: String,
    pub tags: Vec<String>,
}

impl Record@ {
    pub fn score(&self, weights: &[u64]) -> Result<u64, String> {
        let mut total = self.id;
        for (k, w) in weights.iter().enumerate() {
            if k % 2 == 0 {
                total = total.wrapping_add(*w);
            } else {
                total ^= w.rotate_left(3);
            }
        }
        match total {
            0 => Err(format!(\"empty record {}\", self.name)),
            n => Ok(n),
        }
    }
}

";

/// An AI item whose finding is on its third line, column 7.
const AI_UNIT: &str = "#[ai_generated]
pub fn load@(v: Option<u8>) -> u8 {
    v.unwrap()
}

";

/// `size` bytes of generated Rust: records, each after a block of comment rows (generated
/// files carry data in comments too; they keep the test fast in debug builds, where the
/// scan runs at a fraction of its release speed), an AI item with a finding every 40 units,
/// and one as the very last item. Returns the text and the finding lines.
fn generated_file(size: usize) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(size + 4096);
    let mut lines = 1;
    let mut findings = Vec::new();
    let mut push = |text: &mut String, s: &str| {
        text.push_str(s);
        lines += s.matches('\n').count();
        lines
    };
    push(&mut text, "//! Generated tables. Do not edit.\n\n");
    let mut i: usize = 0;
    let mut rows = String::new();
    while text.len() < size - 4096 {
        rows.clear();
        for r in 0..300_usize {
            let _ = writeln!(
                rows,
                "// row {i:06}.{r:03}: {:016x} lookup data for the record below, kept for audits",
                (i * 7919 + r).wrapping_mul(0x9e37_79b9)
            );
        }
        push(&mut text, &rows);
        push(&mut text, &UNIT.replace('@', &i.to_string()));
        if i.is_multiple_of(40) {
            let before = push(&mut text, "");
            push(&mut text, &AI_UNIT.replace('@', &i.to_string()));
            findings.push(before + 2);
        }
        i += 1;
    }
    let before = push(&mut text, "");
    push(
        &mut text,
        &AI_UNIT.replace('@', "_last").replace("\n\n", "\n"),
    );
    findings.push(before + 2);
    (text, findings)
}

#[test]
fn twenty_mib_file() {
    let dir = scan_dir();
    let (text, findings) = generated_file(20 << 20);
    assert!(text.len() >= (20 << 20) - 4096 && findings.len() > 10);
    write(dir.path(), "huge.rs", &text);
    drop(text);
    let r = short(dir.path(), &["."]);
    r.code(1).ordinary_found("");
    r.err_has("2 files checked");
    let found: Vec<&str> = r.lines_of("huge.rs");
    let expected: Vec<String> = findings
        .iter()
        .map(|l| format!("huge.rs:{l}:7: error[unwrap_used]: "))
        .collect();
    assert_eq!(found.len(), expected.len(), "{}", r.dump());
    for (f, e) in found.iter().zip(&expected) {
        assert!(f.starts_with(e.as_str()), "{f} (expected {e})");
    }
    // The last item, in the last chunk.
    let last = findings.last().expect("a last finding");
    r.has(&format!("huge.rs:{last}:7: error[unwrap_used]"));
}

/// A large file (checked in chunks) with a syntax error in its last item: the error at its
/// place, found without building the whole file's tree.
#[test]
fn large_file_with_a_syntax_error_at_the_end() {
    let dir = scan_dir();
    let (mut text, _) = generated_file(2 << 20);
    text.push_str("\nfn broken() {\n    let x = ;\n}\n");
    let (line, col) = position(&text, "= ;");
    write(dir.path(), "broken.rs", &text);
    let r = short(dir.path(), &["."]);
    r.code(2)
        .ordinary_found("")
        .has(&format!(
            "broken.rs:{line}:{}: error: expected an expression",
            col + 2
        ))
        .err_has("1 file checked");
    assert_eq!(r.lines_of("broken.rs").len(), 1, "{}", r.dump());
}

// --- 3. random bytes --------------------------------------------------------------------

#[test]
fn random_bytes_and_text() {
    let dir = scan_dir();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // Random bytes: not UTF-8; the diagnostic points at the first bad byte.
    let bytes: Vec<u8> = (0..64 << 10)
        .map(|_| u8::try_from(rng.next() >> 56).expect("a byte"))
        .collect();
    write_bytes(dir.path(), "bytes.rs", &bytes);
    let valid = std::str::from_utf8(&bytes)
        .expect_err("random bytes are not UTF-8")
        .valid_up_to();
    let line = std::str::from_utf8(&bytes[..valid])
        .expect("the valid prefix")
        .matches('\n')
        .count()
        + 1;
    // Random printable ASCII and random token soup: syntax errors, with a location.
    let printable: Vec<char> = (b' '..=b'~').map(char::from).chain(['\n']).collect();
    for k in 0..8 {
        let text: String = (0..4096)
            .map(|_| printable[rng.below(printable.len())])
            .collect();
        write(dir.path(), &format!("ascii{k}.rs"), &text);
    }
    for k in 0..16 {
        write(dir.path(), &format!("soup{k}.rs"), &token_soup(&mut rng));
    }
    write(dir.path(), "backslash.rs", "fn f() {\n    \\ \n}\n");
    let r = short(dir.path(), &["."]);
    r.code(2).ordinary_found("");
    r.has("backslash.rs:2:5: error: unknown start of token `\\`\n");
    let b = r.lines_of("bytes.rs");
    assert!(
        b.len() == 1
            && b[0].starts_with(&format!("bytes.rs:{line}:"))
            && b[0].ends_with("error: `bytes.rs` is not valid UTF-8"),
        "{b:?}"
    );
    for k in 0..8 {
        let file = format!("ascii{k}.rs");
        let lines = r.lines_of(&file);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let loc = located(lines[0], &file);
        assert!(loc.is_some_and(|(l, _)| l >= 1), "{}", lines[0]);
    }
    // Token soup may even parse; what does not gets a located syntax error.
    for k in 0..16 {
        let file = format!("soup{k}.rs");
        for l in r.lines_of(&file) {
            if l.contains(": error: ") && !l.contains("error[") {
                assert!(located(l, &file).is_some(), "{l}");
            }
        }
    }
    human(dir.path(), &["bytes.rs", "ascii0.rs"])
        .code(2)
        .has("error: `bytes.rs` is not valid UTF-8\n --> bytes.rs:")
        .has("invalid UTF-8 here")
        .has("= help: save the file as UTF-8")
        .has(" --> ascii0.rs:")
        .has("= note: this file was not checked");
}

/// `file:LINE:COL: ...` → (line, col).
fn located(line: &str, file: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix(file)?.strip_prefix(':')?;
    let mut parts = rest.splitn(3, ':');
    let l = parts.next()?.parse().ok()?;
    let c = parts.next()?.parse().ok()?;
    Some((l, c))
}

/// Random Rust tokens with balanced delimiters, some of it nested deep.
fn token_soup(rng: &mut Rng) -> String {
    const TOKENS: &[&str] = &[
        "fn",
        "let",
        "mut",
        "if",
        "else",
        "match",
        "impl",
        "for",
        "in",
        "struct",
        "enum",
        "pub",
        "use",
        "mod",
        "return",
        "async",
        "await",
        "move",
        "unsafe",
        "where",
        "dyn",
        "x",
        "y",
        "Self",
        "self",
        "T",
        "'a",
        "1",
        "2.0",
        "\"s\"",
        "b'c'",
        "r#\"raw\"#",
        "=",
        "==",
        "=>",
        "->",
        "+",
        "-",
        "*",
        "/",
        "&",
        "&&",
        "|",
        "||",
        "!",
        "?",
        ".",
        "..",
        "..=",
        ",",
        ";",
        ":",
        "::",
        "<",
        ">",
        "#",
        "@",
        "$",
        "_",
        "\n",
    ];
    let mut out = String::new();
    let mut open: Vec<char> = Vec::new();
    for _ in 0..2000 {
        match rng.below(10) {
            0 | 1 => {
                let (o, c) = [('(', ')'), ('[', ']'), ('{', '}')][rng.below(3)];
                out.push(o);
                open.push(c);
            }
            2 if !open.is_empty() => out.push(open.pop().expect("an open group")),
            _ => out.push_str(TOKENS[rng.below(TOKENS.len())]),
        }
        out.push(' ');
    }
    while let Some(c) = open.pop() {
        out.push(c);
    }
    out.push('\n');
    out
}

// --- 4. not UTF-8 -----------------------------------------------------------------------

#[test]
fn latin1_byte_in_a_string() {
    let dir = scan_dir();
    write_bytes(
        dir.path(),
        "latin1.rs",
        b"/// Greets.\npub fn greet() -> &'static str {\n    // in French\n    \"caf\xe9\"\n}\n",
    );
    short(dir.path(), &["."])
        .code(2)
        .ordinary_found("")
        .has("latin1.rs:4:9: error: `latin1.rs` is not valid UTF-8\n");
    human(dir.path(), &["."])
        .code(2)
        .has("error: `latin1.rs` is not valid UTF-8\n --> latin1.rs:4:9\n")
        .has("4 |     \"caf\u{FFFD}\"\n  |         ^ invalid UTF-8 here\n")
        .has("= note: this file was not checked")
        .has("= help: save the file as UTF-8");
}

// --- 5. symbolic links ------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_link() {
    use std::os::unix::fs::symlink;
    let dir = scan_dir();
    let root = dir.path();
    write(root, "dir/ordinary.rs", ORDINARY);
    symlink(".", root.join("dir/a")).expect("symlink");
    symlink("missing.rs", root.join("dir/x.rs")).expect("symlink");
    symlink("itself.rs", root.join("dir/itself.rs")).expect("symlink");
    let r = short(root, &["dir"]);
    r.code(2).ordinary_found("dir/");
    assert_eq!(
        r.lines_of("dir/a"),
        ["dir/a: error: symbolic link loop"],
        "{}",
        r.dump()
    );
    assert_eq!(
        r.lines_of("dir/x.rs"),
        ["dir/x.rs: error: `dir/x.rs` is a dangling symbolic link"],
        "{}",
        r.dump()
    );
    let itself = r.lines_of("dir/itself.rs");
    assert!(
        itself.len() == 1 && itself[0].starts_with("dir/itself.rs: error: "),
        "{}",
        r.dump()
    );
    r.err_has("1 file checked");
    human(root, &["dir"])
        .code(2)
        .has("= note: the link leads back to `dir`")
        .has("= note: it points to `missing.rs`, which does not exist")
        .has("= help: remove the link or restore what it points to");

    // Cargo mode: a module file that is a dangling link, at its `mod` declaration.
    let k = krate("mod gone;\n");
    symlink("nowhere.rs", k.path().join("src/gone.rs")).expect("symlink");
    short(k.path(), &[])
        .code(2)
        .ordinary_found("src/")
        .has("src/lib.rs:2:5: error: could not read `src/gone.rs`: ");
}

// --- 6. `mod` cycles --------------------------------------------------------------------

#[test]
fn mod_cycle_through_path_attributes() {
    let k = krate("mod a;\nmod me;\n");
    write(k.path(), "src/a.rs", "#[path = \"b.rs\"]\nmod b;\n");
    write(
        k.path(),
        "src/b.rs",
        "// back\n#[path = \"a.rs\"]\nmod a;\n",
    );
    write(k.path(), "src/me.rs", "#[path = \"me.rs\"]\nmod again;\n");
    let manifest = k.path().join("Cargo.toml");
    let elsewhere = TempDir::new().expect("temp dir");
    let r = short(
        elsewhere.path(),
        &["--manifest-path", manifest.to_str().expect("UTF-8 path")],
    );
    r.code(2)
        .ordinary_found("src/")
        .has("src/b.rs:3:5: error: circular modules: src/a.rs -> src/b.rs -> src/a.rs\n")
        .has("src/me.rs:2:5: error: circular modules: src/me.rs -> src/me.rs\n");
    r.err_has("5 files checked");
    human(
        elsewhere.path(),
        &["--manifest-path", manifest.to_str().expect("UTF-8 path")],
    )
    .code(2)
    .has("= help: remove one of the `mod` declarations of the cycle");
}

// --- 7. config errors -------------------------------------------------------------------

/// Every kind of error the config reports that still leaves a document: the valid rest
/// (`unwrap_used = "deny"`) applies.
const BAD_CONFIG: &str = r#"colour = "always"

[ai]
paths = ["gen/[*.rs", 3]
extra = true

[rules]
unwrap_used = "deny"
unwrap_usd = "warn"
expect_used = "fatal"
panic_macro = 5
hardcoded_secret = { ai = "deny", humans = "warn" }
wildcard_dependency = { ai = "deny" }

[vocab]
secret_words = "token"
colors = ["x"]

[macro]
rustc = { deny = ["unsafe_code"], forbid = 3 }
"#;

#[test]
fn config_with_every_kind_of_error() {
    let dir = scan_dir();
    write(dir.path(), "aiguard.toml", BAD_CONFIG);
    let r = short(dir.path(), &["."]);
    // `unwrap_used = "deny"` applies: the ordinary finding is an error.
    r.code(2).ordinary_found("");
    for (needle, message) in [
        ("colour", "unknown key `colour` in the aiguard config"),
        ("\"gen/[*.rs\"", "invalid glob `gen/[*.rs`"),
        ("3]", "`ai.paths` must hold strings, found integer"),
        ("extra", "unknown key `extra` in `[ai]`"),
        ("unwrap_usd", "unknown rule `unwrap_usd`"),
        ("\"fatal\"", "invalid level `fatal` for rule `expect_used`"),
        ("5\n", "invalid level for rule `panic_macro`"),
        (
            "humans",
            "unknown key `humans` in `[rules.hardcoded_secret]`",
        ),
        (
            "ai = \"deny\" }",
            "rule `wildcard_dependency` has no `ai` level",
        ),
        (
            "\"token\"",
            "`vocab.secret_words` must be an array of strings, found string",
        ),
        ("colors", "unknown key `colors` in `[vocab]`"),
        ("3 }", "`macro.rustc.forbid` must be an array of strings"),
    ] {
        let (l, c) = position(BAD_CONFIG, needle);
        r.has(&format!("aiguard.toml:{l}:{c}: error: {message}"));
    }
    human(dir.path(), &["."])
        .code(2)
        .has("= help: a rule with a similar name exists: `unwrap_used`")
        .has("= help: the levels are `deny`, `warn` and `allow`");

    // A rule option of the wrong type.
    let text = "[rules]\nunwrap_used = { ai = \"deny\", allow_lock = \"yes\" }\n";
    write(dir.path(), "aiguard.toml", text);
    let (l, c) = position(text, "\"yes\"");
    short(dir.path(), &["."])
        .code(2)
        .ordinary_found("")
        .has(&format!(
            "aiguard.toml:{l}:{c}: error: `rules.unwrap_used.allow_lock` must be a boolean, found string"
        ));
    // `[ai] paths` not an array, `[vocab]` not a table.
    write(
        dir.path(),
        "aiguard.toml",
        "vocab = 1\n[ai]\npaths = \"gen/**\"\n[rules]\nunwrap_used = \"deny\"\n",
    );
    short(dir.path(), &["."])
        .code(2)
        .ordinary_found("")
        .has("aiguard.toml:1:9: error: `vocab` must be a table, found integer")
        .has("aiguard.toml:3:9: error: `ai.paths` must be an array of strings, found string");
}

/// TOML syntax errors stop the parse: one diagnostic at the place, the scan runs on defaults
/// (`unwrap_used` warns in AI code).
#[test]
fn config_syntax_errors() {
    let dir = scan_dir();
    for (toml, line, col, message) in [
        (
            "[rules\nunwrap_used = \"deny\"\n",
            1,
            7,
            "invalid TOML: unclosed table, expected `]`",
        ),
        (
            "[rules]\nunwrap_used = \"deny\n",
            2,
            20,
            "invalid TOML: invalid basic string",
        ),
        (
            "[rules]\nunwrap_used = \"deny\"\nunwrap_used = \"warn\"\n",
            3,
            1,
            "invalid TOML: duplicate key",
        ),
        (
            "[rules]\nunwrap_used = deny\n",
            2,
            15,
            "invalid TOML: string values must be quoted",
        ),
    ] {
        write(dir.path(), "aiguard.toml", toml);
        let r = short(dir.path(), &["."]);
        r.code(2)
            .has(&format!("aiguard.toml:{line}:{col}: error: {message}"))
            .has("ordinary.rs:3:7: warning[unwrap_used]: ");
    }
    // Nested beyond the TOML parser's limit: an error, not a crash.
    let n = 100_000;
    write(
        dir.path(),
        "aiguard.toml",
        &format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    short(dir.path(), &["."])
        .code(2)
        .has("aiguard.toml:1:")
        .has("ordinary.rs:3:7: warning[unwrap_used]: ");
    // Not UTF-8.
    write_bytes(dir.path(), "aiguard.toml", b"# caf\xe9\n");
    short(dir.path(), &["."])
        .code(2)
        .has("aiguard.toml: error: `aiguard.toml` is not valid UTF-8")
        .has("ordinary.rs:3:7: warning[unwrap_used]: ");
}

/// The same errors in `Cargo.toml` metadata, pointing into `Cargo.toml`.
#[test]
fn config_errors_in_cargo_metadata() {
    let manifest = "[package]\nname = \"stress\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.aiguard]\ncolour = 1\n\n\
         [package.metadata.aiguard.rules]\nunwrap_used = \"deny\"\nunwrap_usd = \"warn\"\nexpect_used = \"fatal\"\n\n\
         [workspace]\n\n[workspace.metadata.aiguard.ai]\npaths = [\"gen/[*.rs\"]\n";
    let k = krate("");
    // No `aiguard.toml`: the workspace config is the root manifest's metadata.
    std::fs::remove_file(k.path().join("aiguard.toml")).expect("rm");
    write(k.path(), "Cargo.toml", manifest);
    let r = short(k.path(), &[]);
    r.code(2).ordinary_found("src/");
    for (needle, message) in [
        ("colour", "unknown key `colour` in the aiguard config"),
        ("unwrap_usd", "unknown rule `unwrap_usd`"),
        ("\"fatal\"", "invalid level `fatal` for rule `expect_used`"),
        ("\"gen/[*.rs\"", "invalid glob `gen/[*.rs`"),
    ] {
        let (l, c) = position(manifest, needle);
        r.has(&format!("Cargo.toml:{l}:{c}: error: {message}"));
    }
    // Package metadata that is not a table: `aiguard.toml` still applies.
    let k = krate("");
    write(
        k.path(),
        "Cargo.toml",
        "[package]\nname = \"stress\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata]\naiguard = \"yes\"\n",
    );
    short(k.path(), &[])
        .code(2)
        .has("Cargo.toml:7:11: error: `aiguard` must be a table")
        .ordinary_found("src/");
}

// --- 8. nothing of the workspace runs ---------------------------------------------------

#[test]
fn build_scripts_and_proc_macros_never_run() {
    let k = krate("#[mac::evil]\npub fn f() {}\n");
    let root = k.path();
    let marker = |name: &str| root.join(name);
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"stress\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n\
         [dependencies]\nmac = { path = \"mac\" }\n\n[workspace]\nmembers = [\".\", \"mac\"]\n",
    );
    let q = |p: &Path| format!("{:?}", p.to_str().expect("UTF-8 path"));
    write(
        root,
        "build.rs",
        &format!(
            "fn main() {{\n    std::fs::write({}, \"ran\").ok();\n    panic!(\"build script ran\");\n}}\n",
            q(&marker("BUILD_RAN"))
        ),
    );
    write(
        root,
        "mac/Cargo.toml",
        "[package]\nname = \"mac\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
    );
    write(
        root,
        "mac/src/lib.rs",
        &format!(
            "use proc_macro::TokenStream;\n\n#[proc_macro_attribute]\npub fn evil(_: TokenStream, item: TokenStream) -> TokenStream {{\n    std::fs::write({}, \"ran\").ok();\n    item\n}}\n",
            q(&marker("MACRO_RAN"))
        ),
    );
    write(
        root,
        "mac/build.rs",
        &format!(
            "fn main() {{\n    std::fs::write({}, \"ran\").ok();\n}}\n",
            q(&marker("MAC_BUILD_RAN"))
        ),
    );
    // A compiler wrapper would see any build; `cargo metadata --no-deps` builds nothing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let wrapper = root.join("wrap.sh");
        write(
            root,
            "wrap.sh",
            &format!(
                "#!/bin/sh\ntouch {}\nexec \"$@\"\n",
                q(&marker("RUSTC_RAN"))
            ),
        );
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        write(
            root,
            ".cargo/config.toml",
            &format!("[build]\nrustc-wrapper = {}\n", q(&wrapper)),
        );
    }
    let r = short(root, &["--workspace"]);
    r.code(1).ordinary_found("src/");
    r.err_has("5 files checked");
    for m in ["BUILD_RAN", "MACRO_RAN", "MAC_BUILD_RAN", "RUSTC_RAN"] {
        assert!(
            !marker(m).exists(),
            "{m} exists: the scan ran workspace code"
        );
    }
    assert!(
        !root.join("target").exists(),
        "the scan built something: target/ exists"
    );
}

// --- 9. odd files -----------------------------------------------------------------------

#[test]
fn odd_files() {
    let dir = scan_dir();
    let root = dir.path();
    // A directory named like a source file: walked as a directory.
    write(root, "x.rs/inner.rs", ORDINARY);
    write(root, "empty.rs", "");
    write(root, "bom.rs", "\u{feff}");
    write(
        root,
        "shebang.rs",
        "#!/usr/bin/env run-cargo-script\n#[ai_generated]\nfn script(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n",
    );
    write(root, "shebang_only.rs", "#!/bin/sh");
    write(
        root,
        "crlf.rs",
        "//! Windows line endings.\r\n\r\n#[ai_generated]\r\nfn crlf(v: Option<u8>) -> u8 {\r\n    let w = v;\r\n    w.unwrap()\r\n}\r\n",
    );
    write(root, "unreadable.rs", ORDINARY);
    let unreadable = root.join("unreadable.rs");
    let readable_anyway = make_unreadable(&unreadable);
    let r = short(root, &["."]);
    r.ordinary_found("")
        .has("x.rs/inner.rs:3:7: error[unwrap_used]")
        .has("shebang.rs:4:7: error[unwrap_used]")
        .has("crlf.rs:6:7: error[unwrap_used]");
    for quiet in ["empty.rs", "bom.rs", "shebang_only.rs"] {
        assert!(r.lines_of(quiet).is_empty(), "{}", r.dump());
    }
    if readable_anyway {
        // Running as root: permissions do not stop reads.
        r.code(1).has("unreadable.rs:3:7: error[unwrap_used]");
        r.err_has("8 files checked");
    } else {
        r.code(2)
            .has("unreadable.rs: error: could not read `unreadable.rs`: permission denied\n");
        r.err_has("7 files checked");
    }
    human(root, &["crlf.rs"])
        .code(1)
        .has(" --> crlf.rs:6:7\n")
        .has("6 |     w.unwrap()\n  |       ^^^^^^\n");
    // A directory named on the command line as a file.
    short(root, &["x.rs", "ordinary.rs"])
        .code(1)
        .has("x.rs/inner.rs:3:7: error[unwrap_used]")
        .ordinary_found("");

    // Cargo mode: `mod x;` where `x.rs` is a directory, modules that are empty or a BOM.
    let k = krate("mod x;\nmod empty;\nmod bom;\n");
    std::fs::create_dir_all(k.path().join("src/x.rs")).expect("mkdir");
    write(k.path(), "src/empty.rs", "");
    write(k.path(), "src/bom.rs", "\u{feff}");
    short(k.path(), &[])
        .code(2)
        .ordinary_found("src/")
        .has("src/x.rs: error: could not read `src/x.rs`: is a directory\n");
    restore(&unreadable);
}

/// Takes every permission from `path`; `true` when it can still be read (running as root).
fn make_unreadable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    std::fs::read(path).is_ok()
}

/// Gives `path` its permissions back, so that the temp directory can be removed.
fn restore(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
}

/// A generated function of `n` lines: on every line a finding (`unwrap_used`, on in human
/// code), on half of them a suppression comment, on a tenth a comment without a reason, on
/// a tenth a comment inside a string.
fn suppressed_file(n: usize) -> String {
    let mut s = String::from("pub fn big(x: Option<u8>, y: Option<u8>) {\n");
    for i in 0..n {
        let _ = match i % 10 {
            0 | 2 | 4 | 6 | 8 => writeln!(
                s,
                "    let a{i} = x.unwrap(); // aiguard: allow(unwrap_used) checked above"
            ),
            1 => writeln!(
                s,
                "    let b{i} = \"// aiguard: allow(unwrap_used) not a comment\"; x.unwrap();"
            ),
            3 => writeln!(s, "    y.unwrap(); // aiguard: allow(unwrap_used)"),
            _ => writeln!(s, "    let c{i} = x.unwrap();"),
        };
    }
    s.push_str("}\n");
    s
}

/// Thousands of findings and suppression comments in one file take time proportional to
/// the file: `check` on 4 times the lines takes about 4 times as long (16 when every finding
/// is matched against every comment). The wall time of the whole run, the fastest of two.
#[test]
fn many_suppressions_take_linear_time() {
    const SMALL: usize = 5_000;
    let dir = scan_dir();
    write(
        dir.path(),
        "aiguard.toml",
        "[rules]\nunwrap_used = \"warn\"\n",
    );
    write(dir.path(), "small.rs", &suppressed_file(SMALL));
    write(dir.path(), "big.rs", &suppressed_file(4 * SMALL));
    let time = |file: &str, suppressed: usize| {
        (0..2)
            .map(|_| {
                let t = std::time::Instant::now();
                let r = short(dir.path(), &[file]);
                let elapsed = t.elapsed();
                r.code(0).err_has(&format!("({suppressed} suppressed)"));
                elapsed
            })
            .min()
            .unwrap_or_default()
    };
    let small = time("small.rs", SMALL / 2);
    let big = time("big.rs", 2 * SMALL);
    let scaling = big.as_secs_f64() / small.as_secs_f64().max(1e-3);
    assert!(
        scaling <= 8.0,
        "checking {} lines of findings and suppression comments takes {scaling:.1} times as long as {SMALL} ({big:?} vs {small:?}; linear is about 4, quadratic 16)",
        4 * SMALL
    );
}
