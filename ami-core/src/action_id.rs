//! ActionIDs unique across connections and processes.
//!
//! Asterisk sends an `OriginateResponse` to every session that reads call
//! events, carrying the originating session's ActionID. Plain counters
//! (`1`, `2`, ...) from two clients collide, so every connection gets a
//! random prefix.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::process;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// Hands out ActionIDs `<prefix>-<n>` for one connection.
#[derive(Debug, Clone)]
pub struct ActionIds {
    prefix: String,
    next: u64,
}

impl Default for ActionIds {
    fn default() -> Self {
        ActionIds::new()
    }
}

impl ActionIds {
    /// A generator with a fresh random prefix.
    pub fn new() -> ActionIds {
        let mut h = RandomState::new().build_hasher();
        h.write_u32(process::id());
        h.write_u64(CONNECTIONS.fetch_add(1, Ordering::Relaxed));
        h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        ActionIds::with_prefix(format!("{:016x}", h.finish()))
    }

    /// A generator with a chosen prefix (tests, or a recognisable name).
    pub fn with_prefix(prefix: impl Into<String>) -> ActionIds {
        ActionIds { prefix: prefix.into(), next: 1 }
    }

    /// The prefix shared by this connection's ActionIDs.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The next ActionID.
    pub fn next_id(&mut self) -> String {
        let id = format!("{}-{}", self.prefix, self.next);
        self.next += 1;
        id
    }

    /// Whether `id` was made by this generator.
    pub fn is_ours(&self, id: &str) -> bool {
        id.strip_prefix(self.prefix.as_str()).is_some_and(|rest| rest.starts_with('-'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_differ_between_connections() {
        let a = ActionIds::new();
        let b = ActionIds::new();
        assert_ne!(a.prefix(), b.prefix());
    }

    #[test]
    fn ids_count_up_and_are_recognised() {
        let mut ids = ActionIds::with_prefix("p");
        assert_eq!(ids.next_id(), "p-1");
        assert_eq!(ids.next_id(), "p-2");
        assert!(ids.is_ours("p-7"));
        assert!(!ids.is_ours("px-7"));
        assert!(!ids.is_ours("q-1"));
    }
}
