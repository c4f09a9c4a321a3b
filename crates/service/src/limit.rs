//! Attempts counted per key in a fixed window, in memory: wrong check-in codes per member,
//! public submissions and wrong tracking codes per network address. A restart forgets them,
//! which costs a guesser nothing it could use.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub(crate) struct Window<K> {
    max: u32,
    span_ms: i64,
    seen: Arc<Mutex<HashMap<K, (u32, i64)>>>,
}

impl<K: Eq + Hash> Window<K> {
    pub(crate) fn new(max: u32, span_ms: i64) -> Self {
        Self {
            max,
            span_ms,
            seen: Arc::default(),
        }
    }

    /// Counts an attempt before it is checked, so that a burst of parallel tries is stopped
    /// as surely as a sequence; false when the key is over the limit.
    pub(crate) fn try_attempt(&self, key: K, now: i64) -> bool {
        let mut map = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, (_, since)| now - *since < self.span_ms);
        let e = map.entry(key).or_insert((0, now));
        if e.0 >= self.max {
            return false;
        }
        e.0 += 1;
        true
    }

    /// Takes an attempt back: where only misses count, a success is forgiven.
    pub(crate) fn forgive(&self, key: &K) {
        let mut map = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(e) = map.get_mut(key) {
            e.0 = e.0.saturating_sub(1);
        }
    }
}

/// Failures per key, with a wait from the `free`-th one on that doubles with each further
/// failure up to `max_wait_ms`: a guesser is slowed to a few tries an hour, while a success
/// clears the key. Logins key it by account and address together, so that a stranger's
/// failures slow the stranger and never lock the account's owner out.
#[derive(Clone)]
pub(crate) struct Throttle<K> {
    /// Shared so that the security administrator's change reaches every clone.
    free: Arc<AtomicU32>,
    base_ms: i64,
    max_wait_ms: i64,
    seen: Arc<Mutex<Seen<K>>>,
}

/// The keys with failures, and the size at which forgotten keys are next swept out: sweeping
/// at every failure would cost a pass over all keys each time.
struct Seen<K> {
    keys: HashMap<K, Failures>,
    sweep_at: usize,
}

impl<K> Default for Seen<K> {
    fn default() -> Self {
        Seen {
            keys: HashMap::new(),
            sweep_at: 1024,
        }
    }
}

/// One key's failures so far, the time before which it is refused, and its last failure.
#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    until: i64,
    last: i64,
}

/// A key is forgotten a day after its last failure, not when its longest wait ends: else a
/// guesser would start again with its free tries every quarter of an hour.
const MEMORY_MS: i64 = 24 * 60 * 60 * 1000;

impl<K: Eq + Hash> Throttle<K> {
    pub(crate) fn new(free: u32, base_ms: i64, max_wait_ms: i64) -> Self {
        Self {
            free: Arc::new(AtomicU32::new(free)),
            base_ms,
            max_wait_ms,
            seen: Arc::default(),
        }
    }

    pub(crate) fn set_free(&self, free: u32) {
        self.free.store(free, Ordering::Relaxed);
    }

    /// Forgets every key `which` picks (an administrator unlocking an account).
    pub(crate) fn forget(&self, which: impl Fn(&K) -> bool) {
        self.seen().keys.retain(|k, _| !which(k));
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen<K>> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes a try: false when the key must wait at `now`. Otherwise the try is counted as a
    /// failure before it is checked, in the same lock, so that tries sent in parallel cannot
    /// all pass the throttle while the first is still being checked; a success clears the key.
    pub(crate) fn try_attempt(&self, key: K, now: i64) -> bool {
        let mut seen = self.seen();
        if seen.keys.len() >= seen.sweep_at {
            let memory = MEMORY_MS.max(self.max_wait_ms);
            seen.keys.retain(|_, f| now - f.last < memory);
            seen.sweep_at = (seen.keys.len() * 2).max(1024);
        }
        let f = seen.keys.entry(key).or_insert(Failures {
            count: 0,
            until: 0,
            last: now,
        });
        if now < f.until {
            return false;
        }
        // A key quiet for a day starts afresh.
        if now - f.last >= MEMORY_MS.max(self.max_wait_ms) {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        // From the `free`-th failure on the key waits `base × 2^k`, at most the maximum.
        let free = self.free.load(Ordering::Relaxed);
        if f.count >= free {
            let doublings = (f.count - free).min(30);
            let wait = self
                .base_ms
                .saturating_mul(1 << doublings)
                .min(self.max_wait_ms);
            f.until = now + wait;
        }
        true
    }

    pub(crate) fn clear(&self, key: &K) {
        self.seen().keys.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_past_the_free_ones_wait_longer_each_time_up_to_the_maximum() {
        let t = Throttle::new(2, 1_000, 5_000);
        assert!(t.try_attempt("a", 0), "a first try");
        assert!(t.try_attempt("a", 0), "a second: now the key waits 1 s");
        assert!(
            !t.try_attempt("a", 999),
            "refused while waiting, and not counted"
        );
        assert!(t.try_attempt("a", 1_000), "then 2 s");
        assert!(!t.try_attempt("a", 2_999));
        assert!(t.try_attempt("a", 3_000), "then 4 s");
        assert!(t.try_attempt("a", 7_000), "then capped at 5 s");
        assert!(!t.try_attempt("a", 11_999) && t.try_attempt("a", 12_000));
        assert!(t.try_attempt("b", 3_000), "other keys wait apart");
        // Long after its longest wait a key is still remembered: no fresh free tries.
        assert!(t.try_attempt("a", 60_000));
        assert!(!t.try_attempt("a", 60_001), "still past its free tries");
        t.clear(&"a");
        assert!(t.try_attempt("a", 60_002), "a success clears the key");
        // A key quiet for a day starts again with its free tries.
        assert!(t.try_attempt("c", 0) && t.try_attempt("c", 0) && !t.try_attempt("c", 1));
        let day = MEMORY_MS + 1;
        assert!(t.try_attempt("c", day) && t.try_attempt("c", day));
    }

    #[test]
    fn a_key_is_stopped_at_the_limit_until_the_window_passes() {
        let w = Window::new(2, 1000);
        assert!(w.try_attempt("a", 0));
        assert!(w.try_attempt("a", 10));
        assert!(!w.try_attempt("a", 20), "third attempt in the window");
        assert!(w.try_attempt("b", 20), "other keys are counted apart");
        w.forgive(&"a");
        assert!(w.try_attempt("a", 30), "a forgiven attempt frees a place");
        assert!(w.try_attempt("a", 1000), "a new window");
    }
}
