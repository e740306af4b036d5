//! Bounded event queues, one per subscriber, with an overflow policy and a
//! drop counter.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::message::Message;

/// What a subscription receives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incoming {
    /// An event from the server.
    Event(Message),
    /// A response that matched no pending action (a late answer after a
    /// timeout, a second answer, one without ActionID). Only catch-all
    /// subscriptions receive these.
    UnmatchedResponse(Message),
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

/// What a full subscription queue does with the next item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overflow {
    /// The reader waits for room (backpressure on the server). The one
    /// exception: while a thread that reads this subscription waits for the
    /// answer to an action (sending from an event handler), the queue may
    /// grow to twice its capacity so the answer can be read, and past that
    /// the newest items are dropped and counted. No deadlock either way.
    Block,
    /// Drop the oldest queued item and count it.
    DropOldest,
    /// Drop the new item and count it.
    DropNewest,
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

    /// Events for which `pred` returns true.
    pub fn predicate(pred: impl Fn(&Message) -> bool + Send + Sync + 'static) -> Filter {
        Filter { kind: FilterKind::Predicate(Arc::new(pred)) }
    }

    fn wants(&self, item: &Incoming) -> bool {
        match (item, &self.kind) {
            (Incoming::ConnectionLost { .. } | Incoming::ConnectionRestored, _) => true,
            (_, FilterKind::All) => true,
            (Incoming::Event(m), FilterKind::Names(names)) => {
                m.get("Event").is_some_and(|e| names.iter().any(|n| e.eq_ignore_ascii_case(n.as_bytes())))
            }
            (Incoming::Event(m), FilterKind::Predicate(p)) => p(m),
            (Incoming::UnmatchedResponse(_), _) => false,
        }
    }
}

struct State {
    items: VecDeque<Incoming>,
    dropped: u64,
    /// The service stopped: nothing more will arrive.
    closed: bool,
    /// The consumer is gone: stop delivering.
    abandoned: bool,
}

static NEXT_QUEUE: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The queues this thread has read from.
    static READS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// The queues the calling thread reads (so a wait for an answer on this
/// thread must not be blocked behind them).
pub(crate) fn read_by_this_thread() -> Vec<u64> {
    READS.with(|r| r.borrow().clone())
}

pub(crate) struct Queue {
    id: u64,
    filter: Filter,
    capacity: usize,
    overflow: Overflow,
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Queue {
    pub(crate) fn new(filter: Filter, capacity: usize, overflow: Overflow) -> Arc<Queue> {
        Arc::new(Queue {
            id: NEXT_QUEUE.fetch_add(1, Ordering::Relaxed),
            filter,
            capacity: capacity.max(1),
            overflow,
            state: Mutex::new(State { items: VecDeque::new(), dropped: 0, closed: false, abandoned: false }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        })
    }

    pub(crate) fn wants(&self, item: &Incoming) -> bool {
        self.filter.wants(item)
    }

    pub(crate) fn is_abandoned(&self) -> bool {
        lock(&self.state).abandoned
    }

    /// Delivers one item, following the overflow policy. `must_not_block`
    /// tells, for a queue id, whether a reader of that queue waits for an
    /// answer (or the service stops): then `Block` does not wait.
    pub(crate) fn push(&self, item: Incoming, must_not_block: &dyn Fn(u64) -> bool) {
        let mut st = lock(&self.state);
        if st.abandoned {
            return;
        }
        if st.items.len() >= self.capacity {
            match self.overflow {
                Overflow::DropOldest => {
                    st.items.pop_front();
                    st.dropped += 1;
                }
                Overflow::DropNewest => {
                    st.dropped += 1;
                    return;
                }
                Overflow::Block => {
                    while st.items.len() >= self.capacity && !st.abandoned && !st.closed && !must_not_block(self.id) {
                        st = self
                            .not_full
                            .wait_timeout(st, Duration::from_millis(20))
                            .unwrap_or_else(|p| p.into_inner())
                            .0;
                    }
                    if st.abandoned {
                        return;
                    }
                    if st.items.len() >= self.capacity * 2 {
                        st.dropped += 1;
                        return;
                    }
                }
            }
        }
        let was_empty = st.items.is_empty();
        st.items.push_back(item);
        drop(st);
        if was_empty {
            self.not_empty.notify_all();
        }
    }

    pub(crate) fn close(&self) {
        lock(&self.state).closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    fn pop(&self, until: Option<Instant>) -> Result<Option<Incoming>, Closed> {
        READS.with(|r| {
            let mut r = r.borrow_mut();
            if !r.contains(&self.id) {
                r.push(self.id);
            }
        });
        let mut st = lock(&self.state);
        loop {
            if let Some(item) = st.items.pop_front() {
                if self.overflow == Overflow::Block && st.items.len() + 1 >= self.capacity {
                    self.not_full.notify_all();
                }
                return Ok(Some(item));
            }
            if st.closed {
                return Err(Closed);
            }
            st = match until {
                None => self.not_empty.wait(st).unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let left = match d.checked_duration_since(Instant::now()) {
                        Some(left) if !left.is_zero() => left,
                        _ => return Ok(None),
                    };
                    self.not_empty.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0
                }
            };
        }
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

/// A stream of [`Incoming`] items from a [`Service`](super::Service).
///
/// Read it three ways, like a channel: [`try_recv`](Subscription::try_recv)
/// (queued only), [`recv`](Subscription::recv) (blocking) and
/// [`recv_timeout`](Subscription::recv_timeout). Dropping it unsubscribes.
pub struct Subscription {
    queue: Arc<Queue>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("filter", &self.queue.filter)
            .field("capacity", &self.queue.capacity)
            .field("overflow", &self.queue.overflow)
            .finish_non_exhaustive()
    }
}

impl Subscription {
    pub(crate) fn new(queue: Arc<Queue>) -> Subscription {
        Subscription { queue }
    }

    /// Blocks for the next item; `Err(Closed)` once the service stopped and
    /// everything queued was read.
    pub fn recv(&self) -> Result<Incoming, Closed> {
        self.queue.pop(None).map(|i| i.expect("a wait without deadline returns an item"))
    }

    /// Waits up to `timeout`; `Ok(None)` if nothing came.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Incoming>, Closed> {
        self.queue.pop(Some(Instant::now() + timeout))
    }

    /// The next queued item, without waiting.
    pub fn try_recv(&self) -> Option<Incoming> {
        self.queue.pop(Some(Instant::now())).ok().flatten()
    }

    /// Blocks for each next item until the service stops.
    pub fn iter(&self) -> impl Iterator<Item = Incoming> + '_ {
        std::iter::from_fn(move || self.recv().ok())
    }

    /// Items dropped because this queue was full.
    pub fn dropped(&self) -> u64 {
        lock(&self.queue.state).dropped
    }

    /// Items waiting in the queue.
    pub fn len(&self) -> usize {
        lock(&self.queue.state).items.len()
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
        st.items.clear();
        drop(st);
        self.queue.not_full.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(n: usize) -> Incoming {
        Incoming::Event(Message::from_pairs([("Event", "UserEvent".to_string()), ("N", n.to_string())]))
    }

    fn n(i: Incoming) -> String {
        i.event().unwrap().get_str("N").unwrap().into_owned()
    }

    #[test]
    fn drop_oldest_and_newest_count() {
        for (policy, kept) in [(Overflow::DropOldest, ["2", "3"]), (Overflow::DropNewest, ["0", "1"])] {
            let q = Queue::new(Filter::all(), 2, policy);
            let sub = Subscription::new(q.clone());
            (0..4).for_each(|i| q.push(ev(i), &|_| false));
            assert_eq!(sub.dropped(), 2);
            assert_eq!([n(sub.try_recv().unwrap()), n(sub.try_recv().unwrap())], kept);
            assert!(sub.try_recv().is_none());
        }
    }

    #[test]
    fn block_grows_while_its_reader_waits_for_an_answer_then_drops() {
        let q = Queue::new(Filter::all(), 2, Overflow::Block);
        let sub = Subscription::new(q.clone());
        let id = q.id;
        (0..6).for_each(|i| q.push(ev(i), &|waiting| waiting == id));
        assert_eq!(sub.len(), 4);
        assert_eq!(sub.dropped(), 2);
    }

    #[test]
    fn block_waits_for_the_consumer() {
        let q = Queue::new(Filter::all(), 1, Overflow::Block);
        let sub = Subscription::new(q.clone());
        let producer = std::thread::spawn(move || (0..50).for_each(|i| q.push(ev(i), &|_| false)));
        let got: Vec<String> = (0..50).map(|_| n(sub.recv().unwrap())).collect();
        producer.join().unwrap();
        assert_eq!(got, (0..50).map(|i| i.to_string()).collect::<Vec<_>>());
        assert_eq!(sub.dropped(), 0);
    }

    #[test]
    fn filters_and_notices() {
        let q = Queue::new(Filter::events(["hangup"]), 10, Overflow::DropNewest);
        let hangup = Incoming::Event(Message::from_pairs([("Event", "Hangup")]));
        assert!(q.wants(&hangup));
        assert!(!q.wants(&ev(1)));
        assert!(q.wants(&Incoming::ConnectionRestored));
        assert!(!q.wants(&Incoming::UnmatchedResponse(Message::from_pairs([("Response", "Success")]))));
        let p = Filter::predicate(|m| m.get("N") == Some(b"7"));
        assert!(p.wants(&ev(7)) && !p.wants(&ev(8)));
    }

    #[test]
    fn closed_queue_drains_then_reports_closed() {
        let q = Queue::new(Filter::all(), 10, Overflow::DropNewest);
        let sub = Subscription::new(q.clone());
        q.push(ev(1), &|_| false);
        q.close();
        assert_eq!(n(sub.recv().unwrap()), "1");
        assert_eq!(sub.recv(), Err(Closed));
        assert!(read_by_this_thread().contains(&q.id));
    }
}
