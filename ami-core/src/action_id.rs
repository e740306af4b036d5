//! ActionIDs unique across connections and processes.
//!
//! Asterisk sends an `OriginateResponse` to every session that reads call
//! events, carrying the originating session's ActionID. Plain counters
//! (`1`, `2`, ...) from two clients collide, so every connection gets a
//! random prefix.
//!
//! The client numbers actions `<prefix>-<n>`; an id of the caller's own
//! ([`Action::with_action_id`](crate::Action::with_action_id)) travels as
//! `<prefix>:<id>`, so the two never meet.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::process;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::EncodeError;
use crate::message::Message;

static CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// Hands out ActionIDs `<prefix>-<n>` for one connection, and writes the
/// caller's own ids as `<prefix>:<id>`.
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

    /// The wire form of a caller's own id: `<prefix>:<id>`. An empty id is
    /// refused.
    pub fn own(&self, id: &str) -> Result<String, EncodeError> {
        own_wire_id(&self.prefix, id)
    }

    /// The caller's id inside a wire id made by [`own`](ActionIds::own);
    /// `None` for any other id.
    pub fn own_part<'a>(&self, wire: &'a str) -> Option<&'a str> {
        own_part(&self.prefix, wire)
    }

    /// Whether `id` was made by this generator (numbered, or a caller's own).
    pub fn is_ours(&self, id: &str) -> bool {
        id.strip_prefix(self.prefix.as_str()).is_some_and(|rest| rest.starts_with('-') || rest.starts_with(':'))
    }
}

/// The caller's id in `message`'s ActionID, if it is `<prefix>:<id>`.
pub(crate) fn own_action_id<'m>(prefix: &str, message: &'m Message) -> Option<Cow<'m, str>> {
    match message.action_id()? {
        Cow::Borrowed(wire) => own_part(prefix, wire).map(Cow::Borrowed),
        Cow::Owned(wire) => own_part(prefix, &wire).map(|id| Cow::Owned(id.to_owned())),
    }
}

/// `<prefix>:<id>`; an empty `id` is refused.
pub(crate) fn own_wire_id(prefix: &str, id: &str) -> Result<String, EncodeError> {
    if id.is_empty() {
        return Err(EncodeError::EmptyActionId);
    }
    let mut wire = String::with_capacity(prefix.len() + 1 + id.len());
    wire.push_str(prefix);
    wire.push(':');
    wire.push_str(id);
    Ok(wire)
}

/// The `<id>` of `<prefix>:<id>`.
pub(crate) fn own_part<'a>(prefix: &str, wire: &'a str) -> Option<&'a str> {
    wire.strip_prefix(prefix)?.strip_prefix(':')
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

    #[test]
    fn own_ids_never_meet_numbered_ones() {
        let mut ids = ActionIds::with_prefix("p");
        assert_eq!(ids.own("1").unwrap(), "p:1");
        assert_ne!(ids.own("1").unwrap(), ids.next_id());
        assert_eq!(ids.own(""), Err(EncodeError::EmptyActionId));
        assert_eq!(ids.own_part("p:crm:42"), Some("crm:42"));
        assert_eq!(ids.own_part("p-1"), None);
        assert_eq!(ids.own_part("q:1"), None);
        assert!(ids.is_ours("p:x"));
    }
}
