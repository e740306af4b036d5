//! Channels, calls and bridges: looked up by hash, shown sorted in
//! snapshots.
//!
//! A snapshot shows each as a `BTreeMap` keyed by strings, and a look-up
//! there compares a dozen keys, each behind a pointer: more than the rest
//! of most events costs. So the state finds its values in a hash map of its
//! own, and brings the sorted map up to date when a snapshot is taken, from
//! the keys that changed since the previous one. Values are shared between
//! the two, never copied for it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::hash::FxBuild;

/// A value, and whether the sorted map lacks it as it is now.
#[derive(Debug)]
struct Entry<T> {
    value: Arc<T>,
    stale: bool,
}

/// Shared values by string key (see the module).
#[derive(Debug)]
pub(super) struct Indexed<T> {
    by_key: HashMap<Arc<str>, Entry<T>, FxBuild>,
    /// The map the last snapshot showed (and may still share).
    sorted: Arc<BTreeMap<String, Arc<T>>>,
    /// The keys whose value came, changed or went since `sorted` was
    /// brought up to date: each once while its entry is stale (a key that
    /// went and came back may be there twice). `None` until the first
    /// snapshot: `sorted` is empty and every entry stale.
    changed: Option<Vec<Arc<str>>>,
}

impl<T> Default for Indexed<T> {
    fn default() -> Self {
        Indexed { by_key: HashMap::default(), sorted: Arc::default(), changed: None }
    }
}

impl<T: Clone> Indexed<T> {
    /// The value at `key`.
    pub(super) fn get(&self, key: &str) -> Option<&Arc<T>> {
        self.by_key.get(key).map(|e| &e.value)
    }

    /// The value at `key`, to change (with `Arc::make_mut`, which copies it
    /// if a snapshot or a change still holds it).
    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut Arc<T>> {
        let e = self.by_key.get_mut(key)?;
        if !e.stale {
            // Shown by the last snapshot, so the sorted map holds it too.
            // When nothing else does (no snapshot holds the map, nobody the
            // value), it leaves that map until the next snapshot rather than
            // be copied now.
            e.stale = true;
            if Arc::strong_count(&e.value) == 2 {
                if let Some(sorted) = Arc::get_mut(&mut self.sorted) {
                    sorted.remove(key);
                }
            }
            if let Some(changed) = &mut self.changed {
                changed.push(key.into());
            }
        }
        Some(&mut e.value)
    }

    /// Sets the value at `key`.
    pub(super) fn insert(&mut self, key: &str, value: Arc<T>) {
        match self.get_mut(key) {
            Some(v) => *v = value,
            None => {
                let key: Arc<str> = key.into();
                self.note(key.clone());
                self.by_key.insert(key, Entry { value, stale: true });
            }
        }
    }

    /// Takes the value at `key` out.
    pub(super) fn remove(&mut self, key: &str) -> Option<Arc<T>> {
        let (key, e) = self.by_key.remove_entry(key)?;
        self.note(key);
        Some(e.value)
    }

    /// Lists `key` as changed (once a snapshot was taken). The list is
    /// pruned, when it is twice as long as what it can need, of the keys
    /// that no longer matter (gone, and not shown) and of repeats, so that
    /// it stays bounded however long no snapshot is taken.
    fn note(&mut self, key: Arc<str>) {
        let Some(changed) = &mut self.changed else { return };
        changed.push(key);
        if changed.len() > 2 * (self.by_key.len() + self.sorted.len()) + 64 {
            let (by_key, sorted) = (&self.by_key, &self.sorted);
            changed.retain(|k| by_key.contains_key(k) || sorted.contains_key(&**k));
            changed.sort_unstable();
            changed.dedup();
        }
    }

    /// The sorted map, brought up to date (a copy of it if the previous
    /// snapshot still holds it).
    pub(super) fn sorted(&mut self) -> Arc<BTreeMap<String, Arc<T>>> {
        let Some(changed) = &mut self.changed else {
            // The first snapshot: every entry, and a list from now on.
            let sorted = Arc::make_mut(&mut self.sorted);
            for (key, e) in &mut self.by_key {
                e.stale = false;
                sorted.insert(key.to_string(), e.value.clone());
            }
            self.changed = Some(Vec::new());
            return self.sorted.clone();
        };
        if !changed.is_empty() {
            let sorted = Arc::make_mut(&mut self.sorted);
            for key in changed.drain(..) {
                match self.by_key.get_mut(&key) {
                    Some(e) if e.stale => {
                        e.stale = false;
                        match sorted.get_mut(&*key) {
                            Some(v) => *v = e.value.clone(),
                            None => {
                                sorted.insert(key.to_string(), e.value.clone());
                            }
                        }
                    }
                    Some(_) => {}
                    None => {
                        sorted.remove(&*key);
                    }
                }
            }
        }
        self.sorted.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(m: &BTreeMap<String, Arc<u32>>) -> Vec<(&str, u32)> {
        m.iter().map(|(k, v)| (k.as_str(), **v)).collect()
    }

    #[test]
    fn the_sorted_map_follows_inserts_changes_and_removals() {
        let mut m = Indexed::default();
        m.insert("b", Arc::new(2));
        m.insert("a", Arc::new(1));
        assert_eq!(keys(&m.sorted()), [("a", 1), ("b", 2)]);
        *Arc::make_mut(m.get_mut("a").unwrap()) = 10;
        m.remove("b");
        m.insert("c", Arc::new(3));
        assert_eq!(keys(&m.sorted()), [("a", 10), ("c", 3)]);
        m.remove("c");
        m.insert("c", Arc::new(4));
        m.insert("d", Arc::new(5));
        m.remove("d");
        assert_eq!(keys(&m.sorted()), [("a", 10), ("c", 4)]);
        assert_eq!(m.get("c").map(|v| **v), Some(4));
    }

    #[test]
    fn a_snapshot_taken_does_not_change() {
        let mut m = Indexed::default();
        m.insert("a", Arc::new(1));
        let before = m.sorted();
        *Arc::make_mut(m.get_mut("a").unwrap()) = 2;
        m.insert("b", Arc::new(3));
        assert_eq!(keys(&before), [("a", 1)]);
        assert_eq!(keys(&m.sorted()), [("a", 2), ("b", 3)]);
    }

    #[test]
    fn a_value_nobody_else_holds_is_changed_in_place() {
        let mut m = Indexed::default();
        m.insert("a", Arc::new(1));
        drop(m.sorted());
        let at = Arc::as_ptr(m.get("a").unwrap());
        *Arc::make_mut(m.get_mut("a").unwrap()) = 2;
        assert_eq!(Arc::as_ptr(m.get("a").unwrap()), at, "not copied");
        assert_eq!(keys(&m.sorted()), [("a", 2)]);
    }

    #[test]
    fn the_changed_list_stays_bounded_without_snapshots() {
        let mut m = Indexed::default();
        for i in 0..100_000u32 {
            let key = i.to_string();
            m.insert(&key, Arc::new(i));
            m.remove(&key);
        }
        assert!(m.changed.is_none(), "no list before the first snapshot");
        assert!(m.sorted().is_empty());
        for i in 0..100_000u32 {
            let key = (i % 7).to_string();
            m.insert(&key, Arc::new(i));
            m.remove(&key);
            m.insert(&i.to_string(), Arc::new(i));
            m.remove(&i.to_string());
        }
        let listed = m.changed.as_ref().map_or(0, Vec::len);
        assert!(listed <= 200, "{listed} keys listed");
        assert!(m.sorted().is_empty());
    }
}
