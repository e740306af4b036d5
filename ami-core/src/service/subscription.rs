//! Subscriptions: one bounded queue per subscriber, filled by the reader
//! thread a read's worth of messages at a time, never blocking it.
//!
//! Events travel as frames in a chunk of bytes the reader copied out of
//! one read, shared between the subscriptions that want most of it; the
//! consumer's thread makes each a [`Message`]. So a message is allocated and
//! freed by the same thread (the allocator's fast path), and the reader does
//! no more than frame and sort.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::backlog::{Backlog, Entry, QueueLimits, Weighed};
use crate::message::{Headers, Message};

/// What a subscription receives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incoming {
    /// An event from the server.
    Event(Message),
    /// A response that matched no pending action (a late answer after a
    /// timeout, a second answer, one without ActionID). Only subscriptions
    /// with [`Filter::all`] receive these.
    UnmatchedResponse(Message),
    /// This subscription's queue was full and `dropped` items that belonged
    /// here were dropped, by its [`Overflow`](crate::service::Overflow)
    /// policy. The marker sits exactly where they went missing: what comes
    /// before it preceded them on the wire, what comes after followed them.
    Lagged {
        /// How many items are missing at this place.
        dropped: u64,
    },
    /// The link went down: events may be missed until
    /// [`Incoming::ConnectionRestored`].
    ConnectionLost {
        /// Why, as text.
        reason: String,
    },
    /// The service reconnected and logged in again, with its event mask and
    /// filters restored.
    ConnectionRestored,
}

impl Incoming {
    /// The event, if this is one.
    pub fn event(&self) -> Option<&Message> {
        match self {
            Incoming::Event(m) => Some(m),
            _ => None,
        }
    }

    /// Takes the event, if this is one.
    pub fn into_event(self) -> Option<Message> {
        match self {
            Incoming::Event(m) => Some(m),
            _ => None,
        }
    }
}

/// An item on its way to a consumer.
#[derive(Clone)]
pub(crate) enum Queued {
    /// An event: `chunk[start..end]` is its frame.
    Frame { chunk: Arc<Vec<u8>>, start: usize, end: usize },
    /// Anything else, ready as it is.
    Ready(Incoming),
}

impl Queued {
    fn into_incoming(self) -> Incoming {
        match self {
            Queued::Frame { chunk, start, end } => Incoming::Event(Message::from_frame(chunk[start..end].to_vec())),
            Queued::Ready(item) => item,
        }
    }
}

impl Weighed for Queued {
    fn weight(&self) -> usize {
        match self {
            // The frame's bytes. A chunk is shared only by subscriptions that
            // want at least half of it, so what a queue holds in memory is at
            // most twice what it counts.
            Queued::Frame { start, end, .. } => std::mem::size_of::<Queued>() + (end - start),
            Queued::Ready(item) => std::mem::size_of::<Queued>() + item.weight(),
        }
    }
}

impl Weighed for Incoming {
    fn weight(&self) -> usize {
        match self {
            Incoming::Event(m) | Incoming::UnmatchedResponse(m) => m.footprint(),
            Incoming::ConnectionLost { reason } => std::mem::size_of::<Incoming>() + reason.len(),
            _ => std::mem::size_of::<Incoming>(),
        }
    }
}

/// Which events a subscription receives. Connection notices go to every
/// subscription.
#[derive(Clone)]
pub struct Filter {
    kind: FilterKind,
}

#[derive(Clone)]
enum FilterKind {
    All,
    Names(Vec<String>),
    Predicate(Arc<dyn Fn(&Message) -> bool + Send + Sync>),
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FilterKind::All => f.write_str("Filter::all"),
            FilterKind::Names(n) => write!(f, "Filter::events({n:?})"),
            FilterKind::Predicate(_) => f.write_str("Filter::predicate(..)"),
        }
    }
}

impl Filter {
    /// Every event, and responses that matched no action.
    pub fn all() -> Filter {
        Filter { kind: FilterKind::All }
    }

    /// Events whose `Event` header is one of `names` (ASCII case-insensitive).
    pub fn events<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Filter {
        Filter { kind: FilterKind::Names(names.into_iter().map(Into::into).collect()) }
    }

    /// Events for which `pred` returns true. It runs on the reader thread
    /// for every event: keep it quick. A panic in it counts as `false`.
    pub fn predicate(pred: impl Fn(&Message) -> bool + Send + Sync + 'static) -> Filter {
        Filter { kind: FilterKind::Predicate(Arc::new(pred)) }
    }

    /// Whether the subscription wants the event whose frame is `frame`.
    pub(crate) fn wants_frame(&self, frame: &[u8]) -> bool {
        match &self.kind {
            FilterKind::All => true,
            FilterKind::Names(names) => {
                let name = Headers::new(frame).find(|h| h.is("Event")).and_then(|h| h.value()).unwrap_or_default();
                names.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
            }
            FilterKind::Predicate(_) => self.wants(&Incoming::Event(Message::from_frame(frame.to_vec()))),
        }
    }

    /// Whether this filter takes every event.
    pub(crate) fn is_all(&self) -> bool {
        matches!(self.kind, FilterKind::All)
    }

    pub(crate) fn wants(&self, item: &Incoming) -> bool {
        match (item, &self.kind) {
            (Incoming::Event(_) | Incoming::UnmatchedResponse(_), FilterKind::All) => true,
            (Incoming::Event(m), FilterKind::Names(names)) => {
                m.get("Event").is_some_and(|e| names.iter().any(|n| e.eq_ignore_ascii_case(n.as_bytes())))
            }
            // A predicate that panics is taken as "no": the reader goes on.
            (Incoming::Event(m), FilterKind::Predicate(p)) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p(m))).unwrap_or(false)
            }
            (Incoming::UnmatchedResponse(_), _) => false,
            // Notices: every subscription.
            _ => true,
        }
    }
}

struct State {
    backlog: Backlog<Queued>,
    /// The service stopped: nothing more will arrive.
    closed: bool,
    /// The consumer is gone: stop delivering.
    abandoned: bool,
    /// The consumer sleeps on `not_empty`.
    waiting: bool,
}

/// The producer's side of a subscription, held by the service.
pub(crate) struct Queue {
    filter: Filter,
    state: Mutex<State>,
    not_empty: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Queue {
    pub(crate) fn new(filter: Filter, limits: QueueLimits) -> Arc<Queue> {
        Arc::new(Queue {
            filter,
            state: Mutex::new(State { backlog: Backlog::new(limits), closed: false, abandoned: false, waiting: false }),
            not_empty: Condvar::new(),
        })
    }

    pub(crate) fn filter(&self) -> &Filter {
        &self.filter
    }

    pub(crate) fn is_abandoned(&self) -> bool {
        lock(&self.state).abandoned
    }

    /// Queues `items` (already filtered) under one lock; wakes the consumer
    /// if it sleeps. Connection notices are queued whatever the bounds.
    /// Returns how full the queue is, in quarters.
    pub(crate) fn push_all(&self, items: impl IntoIterator<Item = Queued>) -> u8 {
        let mut st = lock(&self.state);
        if st.abandoned || st.closed {
            return 0;
        }
        for item in items {
            match item {
                Queued::Ready(Incoming::ConnectionLost { .. } | Incoming::ConnectionRestored) => {
                    st.backlog.push_always(item)
                }
                item => st.backlog.push(item),
            }
        }
        let wake = st.waiting && !st.backlog.is_empty();
        let filling = st.backlog.fill_quarters();
        drop(st);
        if wake {
            self.not_empty.notify_one();
        }
        filling
    }

    pub(crate) fn close(&self) {
        lock(&self.state).closed = true;
        self.not_empty.notify_all();
    }
}

/// The service has stopped and the queue is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the service has stopped")
    }
}

impl std::error::Error for Closed {}

/// A subscription's figures at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionStats {
    /// Items waiting to be read.
    pub queued: usize,
    /// Bytes those items hold.
    pub queued_bytes: usize,
    /// Items dropped because the queue was full, since it was made.
    pub dropped: u64,
    /// Gaps: runs of dropped items, each announced by one
    /// [`Incoming::Lagged`].
    pub lags: u64,
    /// The limits of this queue.
    pub limits: QueueLimits,
}

/// The batch the consumer took from the queue and reads without locking it.
#[derive(Default)]
struct Local {
    batch: VecDeque<Entry<Queued>>,
    /// Items and bytes of the batch, released when the next one is taken.
    held: (usize, usize),
    /// Items of the batch not read yet.
    unread: usize,
}

/// A stream of [`Incoming`] items from a [`Service`](super::Service).
///
/// Read it like a channel: [`try_recv`](Subscription::try_recv) (queued
/// only), [`recv`](Subscription::recv) (blocking) and
/// [`recv_timeout`](Subscription::recv_timeout). Its queue is bounded by
/// [`QueueLimits`]; when it is full the reader thread drops (it never waits
/// for a consumer: Asterisk cuts off a client that stops reading) and the
/// consumer finds an [`Incoming::Lagged`] where items went missing.
/// Dropping the subscription unsubscribes.
pub struct Subscription {
    queue: Arc<Queue>,
    local: Mutex<Local>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("filter", &self.queue.filter)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Subscription {
    pub(crate) fn new(queue: Arc<Queue>) -> Subscription {
        Subscription { queue, local: Mutex::new(Local::default()) }
    }

    fn pop(&self, until: Option<Instant>) -> Result<Option<Incoming>, Closed> {
        let mut local = lock(&self.local);
        loop {
            match local.batch.pop_front() {
                Some(Entry::Item(item)) => {
                    local.unread -= 1;
                    drop(local);
                    return Ok(Some(item.into_incoming()));
                }
                Some(Entry::Gap(dropped)) => return Ok(Some(Incoming::Lagged { dropped })),
                None => {}
            }
            let mut st = lock(&self.queue.state);
            let (items, bytes) = std::mem::take(&mut local.held);
            st.backlog.release(items, bytes);
            while st.backlog.is_empty() {
                if st.closed {
                    return Err(Closed);
                }
                st.waiting = true;
                st = match until {
                    None => self.queue.not_empty.wait(st).unwrap_or_else(|p| p.into_inner()),
                    Some(d) => {
                        let left = d.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            st.waiting = false;
                            return Ok(None);
                        }
                        self.queue.not_empty.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0
                    }
                };
                st.waiting = false;
            }
            local.held = st.backlog.take_batch(&mut local.batch);
            local.unread = local.held.0;
        }
    }

    /// Blocks for the next item; `Err(Closed)` once the service stopped and
    /// everything queued was read.
    pub fn recv(&self) -> Result<Incoming, Closed> {
        self.pop(None).map(|i| i.expect("a wait without deadline returns an item"))
    }

    /// Waits up to `timeout`; `Ok(None)` if nothing came.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Incoming>, Closed> {
        self.pop(Some(Instant::now() + timeout))
    }

    /// The next queued item, without waiting.
    pub fn try_recv(&self) -> Option<Incoming> {
        self.pop(Some(Instant::now())).ok().flatten()
    }

    /// Blocks for each next item until the service stops.
    pub fn iter(&self) -> impl Iterator<Item = Incoming> + '_ {
        std::iter::from_fn(move || self.recv().ok())
    }

    /// Depth, drops and lags of this subscription.
    pub fn stats(&self) -> SubscriptionStats {
        let local = lock(&self.local);
        let st = lock(&self.queue.state);
        let taken = local.held.0 - local.unread;
        SubscriptionStats {
            queued: st.backlog.items() - taken,
            queued_bytes: st.backlog.bytes(),
            dropped: st.backlog.dropped(),
            lags: st.backlog.gaps(),
            limits: st.backlog.limits(),
        }
    }

    /// Items dropped because this queue was full.
    pub fn dropped(&self) -> u64 {
        lock(&self.queue.state).backlog.dropped()
    }

    /// Items waiting in the queue.
    pub fn len(&self) -> usize {
        self.stats().queued
    }

    /// Whether no item is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut st = lock(&self.queue.state);
        st.abandoned = true;
        st.backlog.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backlog::Overflow;

    fn ev(n: usize) -> Incoming {
        Incoming::Event(Message::from_pairs([("Event", "UserEvent".to_string()), ("N", n.to_string())]))
    }

    fn ready(n: usize) -> Queued {
        Queued::Ready(ev(n))
    }

    fn n(i: Incoming) -> String {
        match i {
            Incoming::Lagged { dropped } => format!("lagged {dropped}"),
            i => i.event().unwrap().get_str("N").unwrap().into_owned(),
        }
    }

    fn read_all(sub: &Subscription) -> Vec<String> {
        std::iter::from_fn(|| sub.try_recv()).map(n).collect()
    }

    #[test]
    fn drops_are_counted_and_marked_in_band() {
        for (policy, kept) in
            [(Overflow::DropOldest, ["lagged 2", "2", "3"]), (Overflow::DropNewest, ["0", "1", "lagged 2"])]
        {
            let q = Queue::new(Filter::all(), QueueLimits::new(2, 1 << 20).overflow(policy));
            let sub = Subscription::new(q.clone());
            q.push_all((0..4).map(ready));
            assert_eq!(sub.dropped(), 2);
            assert_eq!(read_all(&sub), kept);
            assert_eq!(sub.stats().lags, 1);
        }
    }

    #[test]
    fn the_consumers_batch_counts_until_it_is_read() {
        let q = Queue::new(Filter::all(), QueueLimits::new(3, 1 << 20));
        let sub = Subscription::new(q.clone());
        q.push_all((0..3).map(ready));
        assert_eq!(n(sub.try_recv().unwrap()), "0");
        // Two items are unread in the consumer's batch, and the whole batch
        // counts against the bound until it has been read: nothing fits.
        assert_eq!(sub.len(), 2);
        q.push_all((3..5).map(ready));
        assert_eq!(read_all(&sub), ["1", "2", "lagged 2"]);
        assert_eq!(sub.len(), 0);
        q.push_all((5..7).map(ready));
        assert_eq!(read_all(&sub), ["5", "6"]);
    }

    #[test]
    fn a_producer_never_waits_and_a_consumer_sees_everything_or_a_count() {
        let q = Queue::new(Filter::all(), QueueLimits::new(8, 1 << 20));
        let sub = Subscription::new(q.clone());
        let producer = std::thread::spawn(move || {
            for i in 0..2000 {
                q.push_all([ready(i)]);
            }
            q.close();
        });
        let (mut got, mut lagged) = (0u64, 0u64);
        while let Ok(item) = sub.recv() {
            match item {
                Incoming::Lagged { dropped } => lagged += dropped,
                _ => got += 1,
            }
        }
        producer.join().unwrap();
        assert_eq!(got + lagged, 2000);
        assert_eq!(lagged, sub.dropped());
    }

    #[test]
    fn filters_and_notices() {
        let q = Queue::new(Filter::events(["hangup"]), QueueLimits::default());
        let hangup = Incoming::Event(Message::from_pairs([("Event", "Hangup")]));
        assert!(q.filter().wants(&hangup));
        assert!(!q.filter().wants(&ev(1)));
        assert!(q.filter().wants(&Incoming::ConnectionRestored));
        assert!(!q.filter().wants(&Incoming::UnmatchedResponse(Message::from_pairs([("Response", "Success")]))));
        let p = Filter::predicate(|m| m.get("N") == Some(b"7"));
        assert!(p.wants(&ev(7)) && !p.wants(&ev(8)));
        assert!(p.wants_frame(b"Event: UserEvent\r\nN: 7") && !p.wants_frame(b"Event: UserEvent\r\nN: 8"));
        let names = Filter::events(["userevent"]);
        assert!(names.wants_frame(b"Privilege: user,all\r\nEvent: UserEvent") && !names.wants_frame(b"Event: Hangup"));
        let panics = Filter::predicate(|_| panic!("a predicate that panics"));
        assert!(!panics.wants(&ev(1)));
    }

    #[test]
    fn closed_queue_drains_then_reports_closed() {
        let q = Queue::new(Filter::all(), QueueLimits::default());
        let sub = Subscription::new(q.clone());
        q.push_all([ready(1)]);
        q.close();
        assert_eq!(n(sub.recv().unwrap()), "1");
        assert_eq!(sub.recv(), Err(Closed));
    }
}
