#!/usr/bin/env bash
# Build-time cost of `#[ai_generated]`.
#
# Generates a crate of N functions (10-30 lines each, varied bodies, some with warn-level
# findings so the macro has output to produce) twice: every function marked, and the same
# crate unmarked. Builds the dependencies once, then times `cargo build` of the crate alone
# (touch, build; RUNS rounds, each building the crates in turn; medians), and prints the
# ratio and the cost per marked item; a third crate, the marked one with `expect_used`
# allowed (the same checks, no warning to report), splits that cost into the cost of
# checking an item and the cost of each warning (rustc renders it, cargo relays it). A
# fourth crate marks one function in ten: each file's scan is then shared by three items.
# Then the same with the macro compiled optimized: first `[profile.dev.package.<name>]
# opt-level = 3` for aiguard-macros and aiguard-lints only (cargo applies a named package's
# override to a proc macro too; its other dependencies, syn included, stay at opt-level 0),
# then `[profile.dev.build-override] opt-level = 3` (every proc macro, build script and their
# dependencies), the setting lib.rs and the README recommend.
#
#   scripts/bench-macro.sh            # N=300, RUNS=5
#   N=100 RUNS=3 scripts/bench-macro.sh
#
# Goal: marked at most 1.3x unmarked, under 1 ms per item.
set -euo pipefail

N=${N:-300}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-$ROOT/target/bench-macro}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$WORK/target}
# `warn`: whatever the findings, the build succeeds and every diagnostic is still produced.
export AIGUARD_BUILD=warn
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

# One function; $1 = index, $2 = 1 to mark it.
function_src() {
    local i=$1 marked=$2 attr=""
    if [ "$marked" = 1 ]; then attr="#[ai_generated(model = \"bench\")]"$'\n'; fi
    case $((i % 6)) in
    0) cat <<EOF
/// Sums the even values of a batch, skipping the ones over a limit.
${attr}pub fn sum_even_$i(values: &[u64], limit: u64) -> u64 {
    let mut total = 0u64;
    for v in values {
        if *v > limit {
            continue;
        }
        if v % 2 == 0 {
            total = total.saturating_add(*v);
        }
    }
    if total == 0 {
        return limit.min($i);
    }
    total
}
EOF
    ;;
    1) cat <<EOF
/// Groups records by their first word and counts them.
${attr}pub fn group_$i(lines: &[String]) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let key = match line.split_whitespace().next() {
            Some(k) => k.to_lowercase(),
            None => continue,
        };
        *out.entry(key).or_insert(0) += 1;
    }
    out.retain(|_, n| *n > 0);
    if out.len() > $i {
        out.clear();
    }
    out
}
EOF
    ;;
    2) cat <<EOF
/// Reads a numeric setting; the caller guarantees it is present.
${attr}pub fn setting_$i(settings: &HashMap<String, String>, name: &str) -> u32 {
    let raw = settings.get(name).expect("setting is present");
    let trimmed = raw.trim();
    let value: u32 = trimmed.parse().unwrap_or($i);
    let clamped = value.clamp(1, 10_000);
    if clamped != value {
        eprintln!("setting {name} clamped from {value} to {clamped}");
    }
    clamped
}
EOF
    ;;
    3) cat <<EOF
/// A small state machine over a byte stream.
${attr}pub fn scan_$i(input: &[u8]) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::with_capacity(input.len() / 4);
    let mut state = State::Start;
    let mut start = 0usize;
    for (pos, b) in input.iter().enumerate() {
        state = match (state, *b) {
            (State::Start, b'0'..=b'9') => {
                start = pos;
                State::Number
            }
            (State::Number, b'0'..=b'9') => State::Number,
            (State::Number, _) => {
                tokens.push(Token::Number(start, pos));
                State::Start
            }
            (State::Start, b' ' | b'\n') => State::Start,
            (State::Start, other) => {
                tokens.push(Token::Symbol(char::from(other)));
                State::Start
            }
        };
    }
    if state == State::Number {
        tokens.push(Token::Number(start, input.len()));
    }
    if tokens.len() > $i * 1000 {
        return Err(format!("too many tokens: {}", tokens.len()));
    }
    Ok(tokens)
}
EOF
    ;;
    4) cat <<EOF
/// Renders a report table with aligned columns.
${attr}pub fn render_$i(rows: &[(String, f64)], title: &str) -> String {
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(4);
    let mut out = String::new();
    out.push_str(title);
    out.push('\n');
    for (name, value) in rows {
        let bar = "#".repeat((value.abs() as usize).min(40));
        out.push_str(&format!("{name:<width\$} {value:>10.2} {bar}\n"));
    }
    let total: f64 = rows.iter().map(|(_, v)| v).sum();
    out.push_str(&format!("{:<width\$} {total:>10.2} (item $i)\n", "total"));
    out
}
EOF
    ;;
    *) cat <<EOF
pub struct Cache$i {
    entries: Vec<(u64, String)>,
    capacity: usize,
}

${attr}impl Cache$i {
    pub fn new(capacity: usize) -> Self {
        Self { entries: Vec::new(), capacity }
    }

    pub fn get(&self, key: u64) -> Option<&str> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    pub fn insert(&mut self, key: u64, value: String) {
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
            return;
        }
        if self.entries.len() >= self.capacity {
            self.entries.remove(0);
        }
        self.entries.push((key, value));
    }

    pub fn first_key(&self) -> u64 {
        self.entries.first().map(|(k, _)| *k).expect("cache is not empty")
    }
}
EOF
    ;;
    esac
    echo
}

# A crate of N functions in files of 30; $1 = directory, $2 = 1 to mark them.
generate() {
    local dir=$1 marked=$2 files=$(((N + 29) / 30))
    rm -rf "$dir/src"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$(basename "$dir")"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
aiguard-macros = { path = "$ROOT/aiguard-macros" }
EOF
    {
        echo "#![allow(dead_code)]"
        echo "use std::collections::HashMap;"
        echo "#[derive(Clone, Copy, Debug, PartialEq, Eq)]"
        echo "pub enum State { Start, Number }"
        echo "#[derive(Debug)]"
        echo "pub enum Token { Number(usize, usize), Symbol(char) }"
        for f in $(seq 0 $((files - 1))); do echo "pub mod m$f;"; done
    } >"$dir/src/lib.rs"
    for f in $(seq 0 $((files - 1))); do
        {
            if [ "$marked" != 0 ]; then echo "use aiguard_macros::ai_generated;"; fi
            echo "use std::collections::HashMap;"
            echo "use crate::{State, Token};"
            echo
            for i in $(seq $((f * 30)) $((f * 30 + 29))); do
                # `sparse`: one function in ten marked
                local m=$marked
                if [ "$marked" = sparse ]; then m=$((i % 10 == 0 ? 1 : 0)); fi
                if [ "$i" -lt "$N" ]; then function_src "$i" "$m"; fi
            done
        } >"$dir/src/m$f.rs"
    done
}

# `cargo build` of the crate in $1 after touching its sources: "wall cpu" in ms (CPU time:
# user + system, cargo and rustc).
time_build() {
    local dir=$1 t
    touch "$dir"/src/*.rs
    t=$( { TIMEFORMAT='%R %U %S'; time cargo build --offline --quiet \
        --manifest-path "$dir/Cargo.toml" >/dev/null 2>&1; } 2>&1)
    awk '{printf "%d %d", $1 * 1000, ($2 + $3) * 1000}' <<<"$t"
}

# RUNS rounds, each building the four crates once in turn (the machine's speed drifts less
# within a round than between blocks of runs); the medians of the times and of the
# per-round costs.
run() {
    local label=$1 rounds=()
    # Dependencies (and the first build of each crate) before timing.
    cargo build --offline --quiet --manifest-path "$WORK/Cargo.toml" --workspace >/dev/null 2>&1
    for _ in $(seq "$RUNS"); do
        rounds+=("$(time_build "$WORK/unmarked") $(time_build "$WORK/marked") $(time_build "$WORK/clean") $(time_build "$WORK/sparse")")
    done
    echo "$label"
    printf '%s\n' "${rounds[@]}" | awk -v n="$marks" -v w="$warnings" -v sn="$sparse_marks" '
        function median(a, k,   i, j, t) {
            for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
                t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
            }
            return a[int((k + 1) / 2)]
        }
        {
            r = NR
            # $1 $2 unmarked wall cpu, $3 $4 marked, $5 $6 clean, $7 $8 sparse
            for (k = 0; k <= 1; k++) {
                u[k, r] = $(1 + k); m[k, r] = $(3 + k); c[k, r] = $(5 + k)
                sparse[k, r] = ($(7 + k) - u[k, r]) / sn
                per[k, r] = (m[k, r] - u[k, r]) / n
                clean[k, r] = (c[k, r] - u[k, r]) / n
                warn[k, r] = (m[k, r] - c[k, r]) / w
            }
        }
        END {
            for (k = 0; k <= 1; k++) {
                for (i = 1; i <= r; i++) {
                    a[i] = u[k, i]; b[i] = m[k, i]; d[i] = c[k, i]
                    e[i] = per[k, i]; f[i] = clean[k, i]; g[i] = warn[k, i]; h[i] = sparse[k, i]
                }
                mu = median(a, r); mm = median(b, r); mc = median(d, r)
                printf "  %s unmarked %6d ms   marked %6d ms   ratio %.2fx   %.2f ms per item\n",
                    (k == 0 ? "wall:" : "cpu: "), mu, mm, mm / mu, median(e, r)
                printf "        no findings %4d ms   %.2f ms per item; each of the %d warnings adds %.2f ms\n",
                    mc, median(f, r), w, median(g, r)
                printf "        one in ten marked: %.2f ms per marked item (3 in each file of 30)\n",
                    median(h, r)
            }
        }'
}

mkdir -p "$WORK"
generate "$WORK/marked" 1
generate "$WORK/unmarked" 0
# The same marked items and checks with no finding to report: `expect_used` allowed.
generate "$WORK/clean" 1
# One function in ten marked: the file scan is shared by fewer items.
generate "$WORK/sparse" sparse
printf '[rules]\nexpect_used = "allow"\n' >"$WORK/clean/aiguard.toml"
# Same dependency versions as the workspace, nothing fetched.
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock"
printf '[workspace]\nmembers = ["marked", "unmarked", "clean", "sparse"]\nresolver = "3"\n' >"$WORK/Cargo.toml"
marks=$(grep -c '^#\[ai_generated' "$WORK"/marked/src/*.rs | awk -F: '{s += $2} END {print s}')
# The items with a finding (`expect_used`, a warning under AIGUARD_BUILD=warn).
warnings=$(grep -c '\.expect(' "$WORK"/marked/src/*.rs | awk -F: '{s += $2} END {print s}')
sparse_marks=$(grep -c '^#\[ai_generated' "$WORK"/sparse/src/*.rs | awk -F: '{s += $2} END {print s}')
lines=$(cat "$WORK"/marked/src/*.rs | wc -l)
echo "$N functions, $marks marked items, $lines lines; medians of $RUNS rounds (AIGUARD_BUILD=warn)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run "macro at opt-level 0 (cargo's default for build dependencies)"
printf '\n[profile.dev.package.aiguard-macros]\nopt-level = 3\n[profile.dev.package.aiguard-lints]\nopt-level = 3\n' >>"$WORK/Cargo.toml"
run "aiguard-macros and aiguard-lints at opt-level 3 ([profile.dev.package.<name>] opt-level = 3)"
printf '[workspace]\nmembers = ["marked", "unmarked", "clean", "sparse"]\nresolver = "3"\n' >"$WORK/Cargo.toml"
printf '\n[profile.dev.build-override]\nopt-level = 3\n' >>"$WORK/Cargo.toml"
run "macro at opt-level 3 ([profile.dev.build-override] opt-level = 3)"
