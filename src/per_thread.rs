//! Values kept per thread, each on cache lines of its own.
//!
//! `thread_local::ThreadLocal` stores the values of several threads side by side in one
//! allocation. A search cache or a word cache is written by its thread on every document (its
//! `RefCell` flag at least) and read on every step, so two threads' values sharing a 64-byte
//! line would take turns evicting each other's. [`PerThread`] puts each value alone on
//! 128 bytes (processors fetch lines in adjacent pairs).

use std::cell::{RefCell, RefMut};

/// A value alone on its cache lines.
#[repr(align(128))]
struct Padded<T>(RefCell<T>);

/// A `T` for each thread that asks for one.
pub(crate) struct PerThread<T: Send> {
    values: thread_local::ThreadLocal<Padded<T>>,
}

impl<T: Send> Default for PerThread<T> {
    fn default() -> Self {
        Self {
            values: thread_local::ThreadLocal::new(),
        }
    }
}

impl<T: Send> PerThread<T> {
    /// This thread's value, made by `create` on the thread's first call; `None` while the
    /// thread holds it further up the stack.
    pub(crate) fn try_get(&self, create: impl FnOnce() -> T) -> Option<RefMut<'_, T>> {
        let padded = self.values.get_or(|| Padded(RefCell::new(create())));
        padded.0.try_borrow_mut().ok()
    }

    /// This thread's value, for callers that never ask again while they hold it.
    ///
    /// # Panics
    /// If the thread holds its value further up the stack.
    pub(crate) fn get(&self, create: impl FnOnce() -> T) -> RefMut<'_, T> {
        self.try_get(create)
            .expect("a per-thread value is lent once at a time")
    }

    /// How many threads made a value.
    #[cfg(test)]
    pub(crate) fn threads(&mut self) -> usize {
        self.values.iter_mut().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_gets_its_own_value_on_its_own_lines() {
        let mut counts: PerThread<usize> = PerThread::default();
        let together = std::sync::Barrier::new(3);
        let addresses: Vec<usize> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    scope.spawn(|| {
                        together.wait();
                        let mut count = counts.get(|| 0);
                        *count += 1;
                        let address = &*count as *const usize as usize;
                        drop(count);
                        assert_eq!(*counts.get(|| 0), 1);
                        together.wait();
                        address
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(counts.threads(), 3);
        for (i, a) in addresses.iter().enumerate() {
            for b in &addresses[i + 1..] {
                assert!(a.abs_diff(*b) >= 128, "{addresses:?}");
            }
        }
    }

    #[test]
    fn a_value_held_further_up_the_stack_is_not_lent_twice() {
        let values: PerThread<Vec<u8>> = PerThread::default();
        let mut held = values.get(Vec::new);
        held.push(1);
        assert!(values.try_get(Vec::new).is_none());
        drop(held);
        assert_eq!(*values.try_get(Vec::new).expect("given back"), [1]);
    }
}
