//! Process-wide memos of what chaff compiles from its own built-in text.
//!
//! Building a [`crate::Scorer`] compiles the same built-in regular expressions, screen automata
//! and lexicon stems every time: about 8 ms, most of a short run's start-up, and all of the
//! time of a program that builds scorers with different curator rules (the configuration
//! fuzz target ran at 70 to 500 executions a second). The built-in sources are a fixed set, so a memo
//! keyed by them holds a bounded amount; words of a curator's lexicons also pass through the
//! stem memo, which is why a memo stops taking entries at its capacity (and then computes
//! without keeping).

use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

/// Values made from keys, kept for the life of the process up to a capacity.
pub(crate) struct Memo<K, V> {
    map: OnceLock<Mutex<FxHashMap<K, V>>>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// A memo that keeps at most `capacity` entries.
    pub(crate) const fn with_capacity(capacity: usize) -> Self {
        Self {
            map: OnceLock::new(),
            capacity,
        }
    }

    /// The value for `key`, made by `make` (outside the lock, so that threads building
    /// different values do not wait on each other) the first time it is asked for.
    pub(crate) fn get_or_make(&self, key: K, make: impl FnOnce() -> V) -> V {
        let map = self.map.get_or_init(Mutex::default);
        // A thread that panicked while holding the lock left the map as it was: inserts are
        // whole, so the map is still sound.
        let lock = || map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(value) = lock().get(&key) {
            return value.clone();
        }
        let value = make();
        let mut map = lock();
        if map.len() < self.capacity {
            map.entry(key).or_insert_with(|| value.clone());
        }
        value
    }

    /// Whether the memo keeps a value for `key`.
    #[cfg(test)]
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.map
            .get()
            .is_some_and(|map| map.lock().unwrap().contains_key(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn makes_a_value_once_per_key() {
        let memo: Memo<String, usize> = Memo::with_capacity(10);
        let made = Cell::new(0);
        let make = |n| {
            made.set(made.get() + 1);
            n
        };
        assert_eq!(memo.get_or_make("a".into(), || make(1)), 1);
        assert_eq!(memo.get_or_make("a".into(), || make(2)), 1);
        assert_eq!(memo.get_or_make("b".into(), || make(3)), 3);
        assert_eq!(made.get(), 2);
    }

    #[test]
    fn past_its_capacity_it_makes_without_keeping() {
        let memo: Memo<u32, u32> = Memo::with_capacity(2);
        for key in 0..5 {
            assert_eq!(memo.get_or_make(key, || key * 10), key * 10);
        }
        assert_eq!(memo.map.get().unwrap().lock().unwrap().len(), 2);
        // A key past the capacity is made again, with whatever `make` gives now.
        assert_eq!(memo.get_or_make(4, || 99), 99);
        assert_eq!(memo.get_or_make(0, || 99), 0);
    }
}
