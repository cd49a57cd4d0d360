//! Cargo mode's schedule: a file is checked as soon as the file that declares it has been,
//! without waiting for the rest of its level.
//!
//! Pending files wait in one queue ordered by [`Key`] (breadth-first order: shallow files
//! first, then by target and declaration), and each scan thread takes the first. A file
//! reached more than once (a `tests/common/mod.rs` declared by every test target, a
//! `#[path]` to a shared file) is checked once, as reached by the smallest key, so the
//! result does not depend on which thread finishes first. The queue's order makes that
//! reach nearly always the first one started; when threads race (the smaller key is
//! found after a larger one started), both are checked and [`accepted`] keeps the one a
//! level-by-level walk would have kept. Each file's AST is dropped once it is checked, as
//! before; only the outcomes (diagnostics, counts, the `mod` declarations found) are kept.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Ctx, Job, Key, Outcome, check_one};

/// A job in the queue, ordered by its key.
struct Pending(Job);

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for Pending {}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.key.cmp(&other.0.key)
    }
}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Default)]
struct State {
    queue: BinaryHeap<Reverse<Pending>>,
    /// For each canonical file, the smallest key it was started with.
    started: HashMap<PathBuf, Key>,
    /// The outcome of every job run, by key.
    done: HashMap<Key, Outcome>,
}

impl State {
    /// Whether a job for `canonical` with `key` is worth running: no smaller key started it.
    fn wanted(&self, canonical: &PathBuf, key: &Key) -> bool {
        self.started.get(canonical).is_none_or(|k| key < k)
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock leaves the state consistent (it only adds entries).
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks `roots` (distinct files) and every file their `mod` declarations reach; the
/// outcomes in breadth-first order. Runs on the current rayon pool.
pub(super) fn run(cx: &Ctx<'_>, roots: Vec<Job>) -> Vec<Outcome> {
    let state = Mutex::new(State::default());
    let mut batch = roots.clone();
    loop {
        {
            let mut st = lock(&state);
            for job in &batch {
                // A rerun (see `accepted`): a smaller key that turned out not to count
                // started this file.
                st.started.remove(&job.canonical);
            }
            st.queue
                .extend(batch.drain(..).map(|j| Reverse(Pending(j))));
        }
        let tickets = lock(&state).queue.len();
        rayon::scope(|s| {
            for _ in 0..tickets {
                s.spawn(|s| ticket(s, cx, &state));
            }
        });
        let mut st = lock(&state);
        match accepted(&roots, &st.done) {
            Ok(keys) => {
                return keys.iter().filter_map(|k| st.done.remove(k)).collect();
            }
            Err(missing) => batch = missing,
        }
    }
}

/// One unit of work: runs the first wanted job of the queue, if any, and queues the files it
/// declares, with a ticket each.
fn ticket<'s>(s: &rayon::Scope<'s>, cx: &'s Ctx<'s>, state: &'s Mutex<State>) {
    let job = {
        let mut st = lock(state);
        loop {
            let Some(Reverse(Pending(job))) = st.queue.pop() else {
                return;
            };
            if st.wanted(&job.canonical, &job.key) {
                st.started.insert(job.canonical.clone(), job.key.clone());
                break job;
            }
        }
    };
    let outcome = check_one(cx, &job);
    let mut queued = 0;
    {
        let mut st = lock(state);
        for child in &outcome.children {
            if st.wanted(&child.canonical, &child.key) {
                st.queue.push(Reverse(Pending(child.clone())));
                queued += 1;
            }
        }
        st.done.insert(job.key, outcome);
    }
    // Every queued job has a ticket: the queue is empty once every ticket has run.
    for _ in 0..queued {
        s.spawn(|s| ticket(s, cx, state));
    }
}

/// The keys a level-by-level walk from `roots` keeps, in its order: at each level, the
/// declared files in the order of their declaring files and declarations, each file once
/// (the first time it is reached). `Err` with the jobs of that walk that were not run.
fn accepted(roots: &[Job], done: &HashMap<Key, Outcome>) -> Result<Vec<Key>, Vec<Job>> {
    let mut seen: HashSet<&PathBuf> = roots.iter().map(|r| &r.canonical).collect();
    let mut order = Vec::new();
    let mut missing = Vec::new();
    let mut level: Vec<&Job> = roots.iter().collect();
    while !level.is_empty() {
        let mut next = Vec::new();
        for job in level {
            let Some(outcome) = done.get(&job.key) else {
                missing.push(job.clone());
                continue;
            };
            order.push(job.key.clone());
            for child in &outcome.children {
                if seen.insert(&child.canonical) {
                    next.push(child);
                }
            }
        }
        level = next;
    }
    if missing.is_empty() {
        Ok(order)
    } else {
        Err(missing)
    }
}
