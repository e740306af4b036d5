//! Actions waiting for their answer, keyed by ActionID.
//!
//! The caller registers a slot and writes the action under the link's lock,
//! the reader thread fills the slot, and the caller removes it when it is
//! done waiting (so a late answer finds no slot and is surfaced as
//! unmatched). Because registering and writing happen under the same lock
//! that a dying link is taken away under, every slot that
//! [`fail_all`](Pending::fail_all) fails was written on that link, and no
//! slot is ever written on a later one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use crate::error::{Error, ListCut, Phase};
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
    /// The link was lost after the action was written; why.
    lost: Option<String>,
}

pub(crate) struct Slot {
    action: String,
    awaits_event: Option<&'static str>,
    max_list_items: usize,
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
        phase: Phase,
        ready: impl Fn(&SlotState) -> bool,
    ) -> Result<MutexGuard<'_, SlotState>, (Error, MutexGuard<'_, SlotState>)> {
        let mut st = lock(&self.state);
        loop {
            if ready(&st) {
                return Ok(st);
            }
            if let Some(reason) = &st.lost {
                let e = Error::OutcomeUnknown { action: self.action.clone(), reason: reason.clone() };
                return Err((e, st));
            }
            st = match until {
                None => self.changed.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => {
                        self.changed.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0
                    }
                    _ => return Err((Error::Timeout { phase }, st)),
                },
            };
        }
    }

    /// Waits for the response (and list items). A list cut short by the
    /// timeout gives back what arrived.
    pub(crate) fn wait_response(&self, until: Option<Instant>) -> Result<Response, Error> {
        let mut st = match self.wait(until, Phase::Response, |s| s.done) {
            Ok(st) => st,
            Err((Error::Timeout { .. }, mut st)) if st.collecting => {
                st.collecting = false;
                let partial = st.response.take().expect("collecting implies a response");
                return Err(Error::ListIncomplete {
                    action: self.action.clone(),
                    cut: ListCut::TimedOut,
                    partial: Box::new(partial),
                });
            }
            Err((e, _)) => return Err(e),
        };
        if let Some(e) = st.error.take() {
            return Err(e);
        }
        Ok(st.response.take().expect("a done slot holds a response or an error"))
    }

    /// Waits for the awaited event, after the response.
    pub(crate) fn wait_event(&self, until: Option<Instant>) -> Result<Message, Error> {
        let phase = match self.awaits_event {
            Some(name) if name.eq_ignore_ascii_case("OriginateResponse") => Phase::OriginateResponse,
            _ => Phase::Event,
        };
        let mut st = self.wait(until, phase, |s| s.awaited.is_some()).map_err(|(e, _)| e)?;
        Ok(st.awaited.take().expect("checked by wait"))
    }
}

#[derive(Default)]
pub(crate) struct Pending {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    /// `slots.len()`, readable without the lock.
    count: AtomicUsize,
}

impl Pending {
    /// Registers a slot for ActionID `id` (`own`: the caller's id it was
    /// made from), unless `limit` slots exist or `id` is pending already.
    pub(crate) fn register(
        &self,
        id: &str,
        own: Option<&str>,
        action: &str,
        awaits_event: Option<&'static str>,
        limit: usize,
        max_list_items: usize,
    ) -> Result<Arc<Slot>, Error> {
        let mut slots = lock(&self.slots);
        if slots.contains_key(id) {
            return Err(Error::DuplicateActionId { id: own.unwrap_or(id).to_owned() });
        }
        if slots.len() >= limit {
            return Err(Error::InFlightLimit { limit });
        }
        let slot = Arc::new(Slot {
            action: action.to_owned(),
            awaits_event,
            max_list_items,
            state: Mutex::new(SlotState::default()),
            changed: Condvar::new(),
        });
        slots.insert(id.to_owned(), slot.clone());
        self.count.store(slots.len(), Ordering::Release);
        Ok(slot)
    }

    pub(crate) fn remove(&self, id: &str) {
        let mut slots = lock(&self.slots);
        slots.remove(id);
        self.count.store(slots.len(), Ordering::Release);
    }

    /// Actions waiting for an answer.
    pub(crate) fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Fails every pending action: the link they were written on is gone.
    pub(crate) fn fail_all(&self, reason: &str) {
        for slot in lock(&self.slots).values() {
            lock(&slot.state).lost = Some(reason.to_owned());
            slot.changed.notify_all();
        }
    }

    /// Gives `m` to the action it answers, if one is pending.
    pub(crate) fn offer(&self, m: Message, is_event: bool) -> Offer {
        if self.len() == 0 {
            return Offer::NotMine(m);
        }
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
            } else if response.items().len() < slot.max_list_items {
                response.push_item(m);
                return Offer::Taken;
            } else {
                // Past the bound: the caller gets what arrived, and this
                // item and the rest of the list go on as ordinary events.
                let partial = st.response.take().expect("collecting implies a response");
                st.error = Some(Error::ListIncomplete {
                    action: slot.action.clone(),
                    cut: ListCut::TooManyItems { limit: slot.max_list_items },
                    partial: Box::new(partial),
                });
                st.collecting = false;
                st.done = true;
                drop(st);
                slot.changed.notify_all();
                return Offer::NotMine(m);
            }
            st.collecting = false;
            st.done = true;
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
