//! Throughput of `cargo aiguard` against bare `syn::parse_file`, on one directory.
//!
//! ```text
//! cargo bench -p cargo-aiguard --bench scan -- DIR [--threads 1,2] [--repeat 3] [--ai]
//! ```
//!
//! In `--repeat` rounds, for each thread count, runs two child processes
//! over the same `.rs` files (found the way `cargo aiguard check DIR` finds them: `target/`
//! and hidden directories skipped, symbolic links followed):
//! - `parse`: this binary re-run in its parse-only mode: read each file and
//!   `syn::parse_file` it on a rayon pool with the scan's thread count and stack size,
//!   freeing proc-macro2's span map after each file as the scan does, with the scan's
//!   allocator (mimalloc, freed memory kept as `main.rs`'s `keep_freed_memory` keeps it);
//! - `scan`: the `cargo-aiguard` binary built with this bench, `check --message-format short
//!   DIR`, its output discarded, with `RAYON_NUM_THREADS` set. With `--ai`, from a temporary
//!   directory whose `aiguard.toml` says `[ai] paths = ["**"]`: every file is AI code, so
//!   every rule runs at its AI level; without it, the default config.
//!
//! Times are wall-clock times of the whole process (start-up, directory walk, report
//! included); the ratio and the speed-up are medians of per-round values, which a machine
//! whose speed drifts between rounds (other jobs, a shared host) disturbs least. Peak memory is the child's `VmHWM` (peak resident set) from `/proc`, read every
//! 2 ms while it runs (Linux only; `-` elsewhere).
//!
//! Not a test: CI never runs it. `scripts/bench.sh` runs the usual set.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// The scan's allocator, so that the ratio measures the rules, not the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// As `keep_freed_memory` in `main.rs` (mimalloc's `mi_option_purge_delay` set to -1): the
/// bare parse gains from it as the scan does.
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` stores an integer option; no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(15, -1) };
}

/// The scan's thread stack size (`scan.rs`), so that deep files parse in both modes.
const STACK_SIZE: usize = 256 << 20;

struct Args {
    dir: PathBuf,
    threads: Vec<usize>,
    repeat: usize,
    ai: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench -p cargo-aiguard --bench scan -- DIR [--threads 1,2] [--repeat N] [--ai]"
    );
    std::process::exit(2)
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Args {
    let mut args = Args {
        dir: PathBuf::new(),
        threads: vec![1, 2],
        repeat: 3,
        ai: false,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            // cargo bench passes `--bench` to harness-less benches
            "--bench" => {}
            "--ai" => args.ai = true,
            "--threads" => {
                let v = it.next().unwrap_or_else(|| usage());
                args.threads = v
                    .split(',')
                    .map(|n| n.trim().parse().unwrap_or_else(|_| usage()))
                    .collect();
            }
            "--repeat" => {
                args.repeat = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| usage());
            }
            _ if a.starts_with('-') => usage(),
            _ => args.dir = PathBuf::from(a),
        }
    }
    if args.dir.as_os_str().is_empty() || args.threads.is_empty() || args.repeat == 0 {
        usage();
    }
    args
}

/// The `.rs` files under `dir`, as `cargo aiguard check DIR` walks it.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with('.') || n == "target")
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The parse-only child: prints `files bytes parsed failed`.
fn parse_child(dir: &Path, threads: usize) {
    let files = rust_files(dir);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(STACK_SIZE)
        .build()
        .expect("a rayon pool");
    let (bytes, parsed) = pool.install(|| {
        files
            .par_iter()
            .map(|p| {
                let Ok(text) = std::fs::read_to_string(p) else {
                    return (0, 0);
                };
                let ok = syn::parse_file(&text).is_ok();
                proc_macro2::extra::invalidate_current_thread_spans();
                (text.len(), usize::from(ok))
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!("{} {bytes} {parsed} {}", files.len(), files.len() - parsed);
}

/// One timed child run.
struct Sample {
    wall: Duration,
    /// Peak resident set, in bytes.
    peak: Option<u64>,
    /// User plus system CPU time of all the child's threads, as last read before it exited
    /// (within the 2 ms polling interval): the measure that stays fair on a busy machine.
    cpu: Option<Duration>,
    stdout: String,
    stderr: String,
}

/// `VmHWM` of a running process, in bytes.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// User plus system CPU time of a running process (`utime` and `stime` of `/proc/PID/stat`,
/// in clock ticks of 1/100 s, Linux's `USER_HZ`).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // fields after the command name, which is in parentheses and may hold spaces
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn run_child(mut cmd: Command) -> Sample {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn the child process");
    // Drain the pipes on their own threads so a large report cannot block the child.
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        // Keep only the beginning: the report can be large.
        s.push_str(&String::from_utf8_lossy(&buf[..buf.len().min(4096)]));
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut peak = None;
    let mut cpu = None;
    let wall = loop {
        if let Some(h) = vm_hwm(child.id()) {
            peak = Some(peak.map_or(h, |p: u64| p.max(h)));
        }
        if let Some(t) = cpu_time(child.id()) {
            cpu = Some(t);
        }
        match child.try_wait().expect("wait for the child") {
            Some(_) => break start.elapsed(),
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    Sample {
        wall,
        peak,
        cpu,
        stdout: out_thread.join().unwrap_or_default(),
        stderr: err_thread.join().unwrap_or_default(),
    }
}

/// The fastest of some runs.
fn best<'a>(samples: impl Iterator<Item = &'a Sample>) -> &'a Sample {
    samples
        .min_by_key(|s| s.wall)
        .expect("at least one run (`--repeat` is at least 1)")
}

/// The median of some values (the upper one of an even count).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn mb(bytes: u64) -> f64 {
    // lossless for any realistic size
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    b / 1e6
}

fn cpu_str(c: Option<Duration>) -> String {
    c.map_or_else(|| "-".to_string(), |c| format!("{:.2}s", c.as_secs_f64()))
}

fn peak_str(p: Option<u64>) -> String {
    p.map_or_else(|| "-".to_string(), |p| format!("{:.0} MB", mb(p)))
}

fn main() {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().is_some_and(|a| a == "--parse-child") {
        keep_freed_memory();
        argv.next();
        let dir = argv.next().unwrap_or_else(|| usage());
        let threads = argv
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| usage());
        parse_child(Path::new(&dir), threads);
        return;
    }
    let args = parse_args(argv);
    let dir = std::fs::canonicalize(&args.dir).unwrap_or_else(|e| {
        eprintln!("error: could not read `{}`: {e}", args.dir.display());
        std::process::exit(2)
    });
    let me = std::env::current_exe().expect("the bench's own path");
    let aiguard = PathBuf::from(env!("CARGO_BIN_EXE_cargo-aiguard"));
    let scratch = std::env::temp_dir().join(format!("aiguard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    if args.ai {
        std::fs::write(scratch.join("aiguard.toml"), "[ai]\npaths = [\"**\"]\n")
            .expect("write aiguard.toml");
    }
    println!(
        "dir {}  config {}  best of {} rounds (median in parentheses)",
        dir.display(),
        if args.ai {
            "[ai] paths = [\"**\"] (every file AI code)"
        } else {
            "default"
        },
        args.repeat
    );
    let parse_cmd = |threads: usize| {
        let mut c = Command::new(&me);
        c.arg("--parse-child").arg(&dir).arg(threads.to_string());
        c
    };
    let scan_cmd = |threads: usize| {
        let mut c = Command::new(&aiguard);
        c.current_dir(&scratch)
            .env("RAYON_NUM_THREADS", threads.to_string())
            .args(["aiguard", "check", "--message-format", "short", "--color"])
            .args(["never"])
            .arg(&dir);
        c
    };
    // Rounds: each runs, per thread count, the parse then the scan. On a machine whose speed
    // drifts (other jobs, a shared host), times of one round are comparable with each other;
    // the ratios and speed-ups below are medians of per-round values.
    let mut runs: Vec<Vec<(Sample, Sample)>> = args.threads.iter().map(|_| Vec::new()).collect();
    for _ in 0..args.repeat {
        for (i, &threads) in args.threads.iter().enumerate() {
            let parse = run_child(parse_cmd(threads));
            let scan = run_child(scan_cmd(threads));
            runs[i].push((parse, scan));
        }
    }
    for (i, &threads) in args.threads.iter().enumerate() {
        let rounds = &runs[i];
        let Some((first, _)) = rounds.first() else {
            continue;
        };
        let counts: Vec<u64> = first
            .stdout
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let [files, bytes, _parsed, failed] = counts[..] else {
            eprintln!("error: the parse child failed: {}", first.stderr);
            std::process::exit(2)
        };
        let parse = best(rounds.iter().map(|r| &r.0));
        let scan = best(rounds.iter().map(|r| &r.1));
        let summary = scan
            .stderr
            .lines()
            .rfind(|l| l.starts_with("aiguard:"))
            .unwrap_or("(no summary line)");
        let rate = |d: Duration| mb(bytes) / d.as_secs_f64();
        println!("\nthreads {threads}: {files} files, {:.1} MB", mb(bytes));
        println!(
            "  bare parse   {:>7.2}s ({:.2}s)  {:>6.1} MB/s  cpu {}  peak {}  ({failed} files syn rejects)",
            parse.wall.as_secs_f64(),
            median(rounds.iter().map(|r| r.0.wall.as_secs_f64())),
            rate(parse.wall),
            cpu_str(parse.cpu),
            peak_str(parse.peak)
        );
        println!(
            "  full scan    {:>7.2}s ({:.2}s)  {:>6.1} MB/s  cpu {}  peak {}",
            scan.wall.as_secs_f64(),
            median(rounds.iter().map(|r| r.1.wall.as_secs_f64())),
            rate(scan.wall),
            cpu_str(scan.cpu),
            peak_str(scan.peak)
        );
        let cpu_ratios: Vec<f64> = rounds
            .iter()
            .filter_map(|(p, s)| Some(p.cpu?.as_secs_f64() / s.cpu?.as_secs_f64()))
            .collect();
        println!(
            "  scan/parse throughput ratio {:.2} (wall), {} (cpu); per round {}",
            median(
                rounds
                    .iter()
                    .map(|(p, s)| p.wall.as_secs_f64() / s.wall.as_secs_f64())
            ),
            if cpu_ratios.is_empty() {
                "-".to_string()
            } else {
                format!("{:.2}", median(cpu_ratios.iter().copied()))
            },
            rounds
                .iter()
                .map(|(p, s)| format!("{:.2}", p.wall.as_secs_f64() / s.wall.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!("  {summary}");
        if i > 0 && args.threads[0] == 1 {
            let speed_up = |k: fn(&(Sample, Sample)) -> Duration| {
                median(
                    runs[0]
                        .iter()
                        .zip(rounds)
                        .map(|(one, this)| k(one).as_secs_f64() / k(this).as_secs_f64()),
                )
            };
            println!(
                "  speed-up over 1 thread (median of rounds): full scan {:.2}x, bare parse {:.2}x",
                speed_up(|r| r.1.wall),
                speed_up(|r| r.0.wall)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
