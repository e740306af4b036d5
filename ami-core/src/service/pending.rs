//! Actions waiting for their answer, keyed by ActionID.
//!
//! The caller registers a slot before writing, the reader thread fills it,
//! and the caller removes it when it is done waiting (so a late answer
//! finds no slot and is surfaced as unmatched).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use crate::error::{Error, Phase};
use crate::message::Message;
use crate::response::{ends_list, error_for, is_error, starts_list, Response};

#[derive(Default)]
struct SlotState {
    response: Option<Response>,
    error: Option<Error>,
    /// The response announced a list that has not completed yet.
    collecting: bool,
    done: bool,
    /// The event the caller also waits for (OriginateResponse), once seen.
    awaited: Option<Message>,
    lost: bool,
}

pub(crate) struct Slot {
    action: String,
    /// The subscription queues the waiting thread reads.
    reader_of: Vec<u64>,
    awaits_event: Option<&'static str>,
    state: Mutex<SlotState>,
    changed: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the reader did with a message it offered to the pending table.
pub(crate) enum Offer {
    /// It belonged to a pending action and was consumed.
    Taken,
    /// It was an awaited event: the caller has a copy; publish it too.
    Copied(Message),
    /// Nobody waits for it.
    NotMine(Message),
}

impl Slot {
    fn wait(
        &self,
        until: Option<Instant>,
        ready: impl Fn(&SlotState) -> bool,
    ) -> Result<MutexGuard<'_, SlotState>, Error> {
        let mut st = lock(&self.state);
        loop {
            if st.lost && !ready(&st) {
                return Err(Error::ConnectionLost);
            }
            if ready(&st) {
                return Ok(st);
            }
            st = match until {
                None => self.changed.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => {
                        self.changed.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0
                    }
                    _ => return Err(Error::Timeout { phase: Phase::Response }),
                },
            };
        }
    }

    /// Waits for the response (and list items).
    pub(crate) fn wait_response(&self, until: Option<Instant>) -> Result<Response, Error> {
        let mut st = self.wait(until, |s| s.done)?;
        if let Some(e) = st.error.take() {
            return Err(e);
        }
        Ok(st.response.take().expect("a done slot holds a response or an error"))
    }

    /// Waits for the awaited event, after the response.
    pub(crate) fn wait_event(&self, until: Option<Instant>) -> Result<Message, Error> {
        let mut st = self.wait(until, |s| s.awaited.is_some())?;
        Ok(st.awaited.take().expect("checked by wait"))
    }

    fn update(&self, f: impl FnOnce(&mut SlotState)) {
        f(&mut lock(&self.state));
        self.changed.notify_all();
    }
}

#[derive(Default)]
pub(crate) struct Pending {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl Pending {
    pub(crate) fn register(
        &self,
        id: &str,
        action: &str,
        awaits_event: Option<&'static str>,
        reader_of: Vec<u64>,
    ) -> Arc<Slot> {
        let slot = Arc::new(Slot {
            action: action.to_owned(),
            reader_of,
            awaits_event,
            state: Mutex::new(SlotState::default()),
            changed: Condvar::new(),
        });
        lock(&self.slots).insert(id.to_owned(), slot.clone());
        slot
    }

    pub(crate) fn remove(&self, id: &str) {
        lock(&self.slots).remove(id);
    }

    /// Whether a thread that reads queue `queue` waits for an answer.
    pub(crate) fn reader_waits(&self, queue: u64) -> bool {
        lock(&self.slots).values().filter(|slot| slot.reader_of.contains(&queue)).any(|slot| {
            let st = lock(&slot.state);
            !st.lost && (!st.done || (slot.awaits_event.is_some() && st.awaited.is_none()))
        })
    }

    /// Fails every pending action: the link is gone.
    pub(crate) fn fail_all(&self) {
        for slot in lock(&self.slots).values() {
            slot.update(|s| s.lost = true);
        }
    }

    /// Gives `m` to the action it answers, if one is pending.
    pub(crate) fn offer(&self, m: Message, is_event: bool) -> Offer {
        let slot = match m.get("ActionID").and_then(|id| std::str::from_utf8(id).ok()) {
            Some(id) => lock(&self.slots).get(id).cloned(),
            None => None,
        };
        let Some(slot) = slot else { return Offer::NotMine(m) };
        let mut st = lock(&slot.state);
        if !is_event {
            if st.done || st.collecting {
                // A second answer to the same action: surfaced, not consumed.
                return Offer::NotMine(m);
            }
            if is_error(&m) {
                st.error = Some(error_for(&slot.action, m));
                st.done = true;
            } else {
                st.collecting = starts_list(&m);
                st.done = !st.collecting;
                st.response = Some(Response::new(m));
            }
            drop(st);
            slot.changed.notify_all();
            return Offer::Taken;
        }
        if st.collecting {
            let response = st.response.as_mut().expect("collecting implies a response");
            if ends_list(&m) {
                response.complete(m);
                st.collecting = false;
                st.done = true;
            } else {
                response.push_item(m);
            }
            drop(st);
            slot.changed.notify_all();
            return Offer::Taken;
        }
        let awaited = slot
            .awaits_event
            .is_some_and(|name| m.get("Event").is_some_and(|e| e.eq_ignore_ascii_case(name.as_bytes())));
        if awaited && st.awaited.is_none() {
            st.awaited = Some(m.clone());
            drop(st);
            slot.changed.notify_all();
            return Offer::Copied(m);
        }
        Offer::NotMine(m)
    }
}
