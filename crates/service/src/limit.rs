//! Attempts counted per key in a fixed window, in memory: wrong check-in codes per member,
//! public submissions and wrong tracking codes per network address. A restart forgets them,
//! which costs a guesser nothing it could use.

use std::collections::HashMap;
use std::hash::Hash;
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

#[cfg(test)]
mod tests {
    use super::*;

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
