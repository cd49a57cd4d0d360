//! Where the needles of [`crate::cx::Cx::file_mentions`] and [`crate::cx::Cx::fn_mentions`]
//! occur in a file's text: one pass of one automaton over the file finds every needle of
//! every list rules ask about, rather than one search per needle and function.
//!
//! Needle lists are `'static`, so a list is known by its address and length. A list the
//! process-wide index does not hold yet is searched for on its own in the file at hand, and
//! joins the index, which is rebuilt before the next file (rules use a few dozen lists: the
//! index is complete after the first files).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// A needle list: the address and length of its `'static` slice.
type Key = (usize, usize);

fn key(needles: &'static [&'static str]) -> Key {
    (needles.as_ptr().addr(), needles.len())
}

/// The lists known when it was built, and an automaton over all their needles.
struct Index {
    lists: HashMap<Key, Vec<usize>>,
    /// The automaton's patterns, by id.
    needles: Vec<&'static str>,
    /// `None` when there is no needle, or the automaton could not be built.
    automaton: Option<DFA>,
}

impl Index {
    fn build(lists: &[&'static [&'static str]]) -> Index {
        let mut needles: Vec<&'static str> = Vec::new();
        let mut ids: HashMap<&'static str, usize> = HashMap::new();
        let mut by_list = HashMap::new();
        for list in lists {
            let pattern_ids = list
                .iter()
                .map(|n| {
                    *ids.entry(n).or_insert_with(|| {
                        needles.push(n);
                        needles.len() - 1
                    })
                })
                .collect();
            by_list.insert(key(list), pattern_ids);
        }
        // a DFA: the fastest search, for a table of a few hundred KB; run by `scan`, not
        // through `AhoCorasick` (a dynamic call per byte of every file); no prefilter (with
        // this many needles it would not skip much)
        let automaton = if needles.is_empty() {
            None
        } else {
            DFA::builder()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(&needles)
                .ok()
        };
        Index {
            lists: by_list,
            needles,
            automaton,
        }
    }
}

struct Registry {
    lists: Vec<&'static [&'static str]>,
    index: Arc<Index>,
    /// Lists were added since `index` was built.
    stale: bool,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with_registry<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut guard = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let reg = guard.get_or_insert_with(|| Registry {
        lists: Vec::new(),
        index: Arc::new(Index::build(&[])),
        stale: false,
    });
    f(reg)
}

/// The index of every list registered so far.
fn current() -> Arc<Index> {
    with_registry(|reg| {
        if reg.stale {
            reg.index = Arc::new(Index::build(&reg.lists));
            reg.stale = false;
        }
        Arc::clone(&reg.index)
    })
}

/// Adds `needles` to the next index.
fn register(needles: &'static [&'static str]) {
    with_registry(|reg| {
        let k = key(needles);
        if !reg.lists.iter().any(|l| key(l) == k) {
            reg.lists.push(needles);
            reg.stale = true;
        }
    });
}

/// The start of every occurrence of `needle` in `text`, overlapping ones included.
fn find_all(text: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find(needle)) {
        let at = from + i;
        out.push(at);
        // the next char boundary after `at`
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Adds the start of every occurrence of every pattern of `dfa` in `text` to `hits` (by
/// pattern id), overlapping ones included, in ascending order: what `find_overlapping_iter`
/// gives, in a loop of a few instructions a byte.
fn scan(dfa: &DFA, text: &[u8], hits: &mut [Vec<usize>]) {
    let Ok(mut sid) = dfa.start_state(Anchored::No) else {
        return;
    };
    let mut report = |sid, end: usize| {
        for k in 0..dfa.match_len(sid) {
            let p = dfa.match_pattern(sid, k);
            if let Some(h) = hits.get_mut(p.as_usize()) {
                h.push(end - dfa.pattern_len(p));
            }
        }
    };
    // an empty needle matches before the first byte too
    if dfa.is_match(sid) {
        report(sid, 0);
    }
    for (i, &b) in text.iter().enumerate() {
        sid = dfa.next_state(Anchored::No, sid, b);
        // without a prefilter, the special states are the dead state (never reached by an
        // unanchored search) and the match states
        if dfa.is_special(sid) && dfa.is_match(sid) {
            report(sid, i + 1);
        }
    }
}

/// The needles found in one file's text.
pub(crate) struct FileMentions {
    source: Arc<str>,
    index: Arc<Index>,
    /// Per pattern of `index`: the starts of its occurrences, ascending.
    hits: Vec<Vec<usize>>,
    /// Lists `index` does not hold, searched for one needle at a time: per needle, its
    /// starts.
    others: Vec<(Key, Vec<Vec<usize>>)>,
}

impl FileMentions {
    pub(crate) fn new(source: Arc<str>) -> FileMentions {
        let index = current();
        let mut hits = vec![Vec::new(); index.needles.len()];
        if let Some(dfa) = &index.automaton {
            scan(dfa, source.as_bytes(), &mut hits);
        }
        FileMentions {
            source,
            index,
            hits,
            others: Vec::new(),
        }
    }

    /// Calls `f` with each needle of `needles` and the starts of its occurrences, until `f`
    /// says yes. `None` when the file's occurrences are not known.
    fn any(
        &mut self,
        needles: &'static [&'static str],
        mut f: impl FnMut(&str, &[usize]) -> bool,
    ) -> Option<bool> {
        let k = key(needles);
        if let Some(ids) = self.index.lists.get(&k) {
            self.index.automaton.as_ref()?;
            return Some(ids.iter().any(|&p| {
                let n = self.index.needles.get(p).copied().unwrap_or_default();
                f(n, self.hits.get(p).map_or(&[], Vec::as_slice))
            }));
        }
        let at = if let Some(at) = self.others.iter().position(|(o, _)| *o == k) {
            at
        } else {
            register(needles);
            let found = needles.iter().map(|n| find_all(&self.source, n)).collect();
            self.others.push((k, found));
            self.others.len() - 1
        };
        let found = &self.others[at].1;
        Some(needles.iter().zip(found).any(|(n, o)| f(n, o)))
    }

    /// Whether one of `needles` occurs in the file.
    pub(crate) fn in_file(&mut self, needles: &'static [&'static str]) -> bool {
        self.any(needles, |_, o| !o.is_empty()).unwrap_or(true)
    }

    /// Whether one of `needles` occurs within the byte range `start..end` of the file.
    pub(crate) fn within(
        &mut self,
        needles: &'static [&'static str],
        start: usize,
        end: usize,
    ) -> bool {
        self.any(needles, |n, o| {
            // the first occurrence from `start` on ends first
            o.get(o.partition_point(|&s| s < start))
                .is_some_and(|&s| s + n.len() <= end)
        })
        .unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::{FileMentions, Index, find_all, scan};

    const A: &[&str] = &["fetch_add", "now"];
    const B: &[&str] = &["now", "w("];
    const C: &[&str] = &["absent"];

    #[test]
    fn finds_needles_of_lists_before_and_after_they_are_indexed() {
        let src = "fn a() { x.fetch_add(1) } fn b() { Instant::now() }";
        for _ in 0..2 {
            // the first time with lists unknown to the index, then with them indexed
            let mut m = FileMentions::new(src.into());
            assert!(m.in_file(A));
            assert!(m.within(A, 0, 25));
            assert!(m.within(A, 26, src.len()));
            assert!(!m.within(A, 2, 5));
            // `w(` straddles the end of this range: not within it
            let now = src.find("now").unwrap_or_default();
            assert!(!m.within(B, 26, now + 2));
            assert!(m.within(B, 26, now + 3));
            assert!(m.within(B, 26, src.len()));
            assert!(!m.in_file(C));
        }
    }

    /// The DFA scan finds what a search for each needle alone finds: needles inside,
    /// overlapping and repeating each other, multi-byte text, a match at the very end.
    #[test]
    fn scan_finds_what_find_all_finds() {
        const D: &[&str] = &["aa", "aaa", "ab", "b", "é", "éa", "sha1", "Sha1", "ha", "1"];
        let index = Index::build(&[D]);
        let dfa = index.automaton.as_ref().expect("a DFA");
        for text in ["aaaab ééa Sha1 sha1sha1", "", "b", "xaaa", "éééaa"] {
            let mut hits = vec![Vec::new(); index.needles.len()];
            scan(dfa, text.as_bytes(), &mut hits);
            for (p, n) in index.needles.iter().enumerate() {
                assert_eq!(hits[p], find_all(text, n), "{n} in {text}");
            }
        }
    }

    #[test]
    fn finds_overlapping_occurrences() {
        assert_eq!(find_all("aaaé aa", "aa"), vec![0, 1, 6]);
        assert_eq!(find_all("ééé", "é"), vec![0, 2, 4]);
        assert!(find_all("abc", "x").is_empty());
    }
}
