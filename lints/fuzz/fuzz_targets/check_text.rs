//! Arbitrary text through parse and check, as `cargo aiguard` does with a file: the text
//! scans (suppression comments, the file-level AI comment), `syn::parse_file`, then
//! `check_file` twice: with the default config, and with the whole file AI code and every
//! rule on at both levels, once without the source text and once with it (as the CLI gives
//! it, for the rules' text pre-filters). Panics, stack overflows, hangs, findings whose spans
//! fall outside the text, and findings that the pre-filters change are bugs.
//!
//! Depth: the CLI bounds how deep syn can recurse with a token walk in cargo-aiguard (a
//! binary crate, so not reachable from here) and parses on 256 MB stacks. This target runs
//! on a 1 GiB stack and rejects text whose brackets nest deeper than the CLI's bound; other
//! recursion (prefix operators, operator chains, `Box<Box<..>>`) is bounded by the input
//! size: with `-max_len=65536` that is 16 KB of stack per byte, the CLI's budget per unit
//! of its measure (256 MB / 16,000).
#![no_main]

use std::sync::mpsc::{Receiver, Sender, SyncSender, sync_channel};
use std::sync::{Mutex, OnceLock};

use aiguard_lints::config::{ConfigSection, parse_config};
use aiguard_lints::{Config, FileCtx, Report};
use libfuzzer_sys::fuzz_target;

/// The CLI's `MAX_NESTING` (cargo-aiguard/src/parse.rs).
const MAX_BRACKET_DEPTH: usize = 16_000;
const STACK_SIZE: usize = 1 << 30;

/// Every rule on in AI code and in human code, every file AI code.
fn all_on() -> &'static Config {
    static ALL: OnceLock<Config> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut toml = String::from("[ai]\npaths = [\"**\"]\n[rules]\n");
        for rule in aiguard_lints::registry::all() {
            toml.push_str(rule.meta().name);
            toml.push_str(" = \"warn\"\n");
        }
        let (config, errors) = parse_config(&toml, ConfigSection::Root);
        assert!(errors.is_empty(), "{errors:?}");
        config.expect("a root config is always a config")
    })
}

/// Deepest bracket nesting of `text`, counted over every byte (brackets in strings and
/// comments too, which only makes the bound stricter).
fn bracket_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn check_spans(report: &Report, text: &str) {
    let ok = |span: proc_macro2::Span| {
        let r = span.byte_range();
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "span {r:?} outside the text ({} bytes)",
            text.len()
        );
        assert!(span.start() <= span.end(), "span ends before it starts");
    };
    for f in &report.findings {
        assert!(
            !f.message.is_empty(),
            "empty message from `{}`",
            f.rule.name
        );
        ok(f.span);
        for l in &f.labels {
            ok(l.span);
        }
    }
    for p in &report.problems {
        ok(p.span);
    }
    for i in &report.ai_items {
        ok(i.span);
    }
}

/// What identifies a finding, to compare two runs.
fn keys(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let labels: Vec<_> = f
                .labels
                .iter()
                .map(|l| (l.span.byte_range(), &l.text))
                .collect();
            format!(
                "{} {} {:?} {} {:?} {:?} {:?} {} {:?}",
                f.rule.name,
                f.level,
                f.span.byte_range(),
                f.message,
                labels,
                f.help,
                f.notes,
                f.item_path,
                f.ai
            )
        })
        .collect()
}

fn check(text: &str) {
    let _ = aiguard_lints::suppress::scan(text);
    let ai_comment = aiguard_lints::ai::file_has_ai_comment(text);
    if bracket_depth(text) > MAX_BRACKET_DEPTH {
        return;
    }
    let Ok(file) = syn::parse_file(text) else {
        return;
    };
    // the text spans index, as `syn::parse_file` strips it (a shebang line: not given)
    let source = if text.starts_with("#!") {
        None
    } else {
        Some(std::sync::Arc::from(
            text.strip_prefix('\u{feff}').unwrap_or(text),
        ))
    };
    let plain = FileCtx {
        ai_file: ai_comment,
        source: source.clone(),
        ..FileCtx::default()
    };
    let report = aiguard_lints::check_file(&file, &plain, &Config::default());
    check_spans(&report, text);
    // a first line naming build.rs makes the file a build script, as in the rule fixtures
    let mut ai = FileCtx {
        module_path: vec!["m".to_string()],
        is_test: false,
        ai_file: true,
        is_build_script: text.lines().next().is_some_and(|l| l.contains("build.rs")),
        source: None,
    };
    let full = aiguard_lints::check_file(&file, &ai, all_on());
    check_spans(&full, text);
    if source.is_some() {
        ai.source = source;
        let filtered = aiguard_lints::check_file(&file, &ai, all_on());
        let (full, filtered) = (keys(&full), keys(&filtered));
        if full != filtered {
            let missing: Vec<_> = full.iter().filter(|k| !filtered.contains(k)).collect();
            let extra: Vec<_> = filtered.iter().filter(|k| !full.contains(k)).collect();
            panic!(
                "the source pre-filters change the findings:\nmissing {missing:#?}\nextra {extra:#?}"
            );
        }
    }
}

struct Worker {
    send: Sender<String>,
    done: Receiver<()>,
}

/// One thread with a large stack checks every input in turn; its span source map is freed
/// after each.
fn worker() -> &'static Mutex<Worker> {
    static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (send, inputs) = std::sync::mpsc::channel::<String>();
        let (done_send, done): (SyncSender<()>, _) = sync_channel(1);
        std::thread::Builder::new()
            .name("check".to_string())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for text in inputs {
                    check(&text);
                    proc_macro2::extra::invalidate_current_thread_spans();
                    if done_send.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("the check thread starts");
        Mutex::new(Worker { send, done })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let w = worker().lock().expect("one input at a time");
    w.send
        .send(text.to_string())
        .expect("the check thread runs");
    // a panic in the thread aborts the process (libFuzzer's panic hook) before this returns
    w.done.recv().expect("the check thread answers");
});
