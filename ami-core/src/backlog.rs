//! The bounded queue behind every place events wait for a consumer: a
//! [`Session`](crate::Session)'s event queue and each service
//! [`Subscription`](crate::service::Subscription).
//!
//! It is bounded by items and by bytes, never blocks the producer, and
//! records each run of dropped items as a gap at the exact place where the
//! items went missing, so the consumer reads a gap marker just before the
//! first item that follows it.

use std::collections::VecDeque;

use crate::message::Message;

/// Which items a full queue gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Overflow {
    /// Keep what is queued and drop the arriving item (the default). The
    /// consumer reads an unbroken run of the stream up to the gap, then the
    /// gap marker, then the stream again from the moment there was room: the
    /// memory already spent on queued items is not thrown away, and each
    /// burst leaves one gap.
    DropNewest,
    /// Drop the oldest item the consumer has not taken yet and queue the
    /// arriving one: the consumer skips ahead to recent events (a wallboard
    /// that only cares about now). The gap marker is where the dropped items
    /// were.
    DropOldest,
}

/// How much one queue may hold before its [`Overflow`] policy applies.
///
/// Both bounds hold at once. An item is always accepted into an empty queue,
/// however large, so one big message is never lost to the byte bound alone.
///
/// The defaults (100,000 items, 16 MiB) hold several seconds of a very busy
/// server's events (about 375 bytes an event on the wire, a little over
/// 400 bytes in memory): enough for a consumer's hiccup, small enough that a
/// consumer that stopped cannot exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct QueueLimits {
    /// Most items queued at once.
    pub max_items: usize,
    /// Most bytes queued at once (message bytes plus their line index).
    pub max_bytes: usize,
    /// What a full queue drops.
    pub overflow: Overflow,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits { max_items: 100_000, max_bytes: 16 << 20, overflow: Overflow::DropNewest }
    }
}

impl QueueLimits {
    /// Limits of `max_items` items and `max_bytes` bytes, dropping the newest.
    pub fn new(max_items: usize, max_bytes: usize) -> QueueLimits {
        QueueLimits { max_items: max_items.max(1), max_bytes: max_bytes.max(1), overflow: Overflow::DropNewest }
    }

    /// The same limits with another overflow policy.
    pub fn overflow(mut self, overflow: Overflow) -> QueueLimits {
        self.overflow = overflow;
        self
    }
}

/// Something the backlog can measure.
pub(crate) trait Weighed {
    /// Bytes this item holds in memory.
    fn weight(&self) -> usize;
}

impl Weighed for Message {
    fn weight(&self) -> usize {
        self.footprint()
    }
}

/// One entry: an item, or a gap of `n` dropped items at this place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry<T> {
    Item(T),
    Gap(u64),
}

/// The queue. Counts include items handed out in a batch (see
/// [`take_batch`](Backlog::take_batch)) until the consumer releases them.
#[derive(Debug)]
pub(crate) struct Backlog<T> {
    entries: VecDeque<Entry<T>>,
    limits: QueueLimits,
    /// Items and bytes held: queued here or in a batch not yet released.
    items: usize,
    bytes: usize,
    dropped: u64,
    gaps: u64,
}

impl<T: Weighed> Backlog<T> {
    pub(crate) fn new(limits: QueueLimits) -> Backlog<T> {
        Backlog { entries: VecDeque::new(), limits, items: 0, bytes: 0, dropped: 0, gaps: 0 }
    }

    pub(crate) fn limits(&self) -> QueueLimits {
        self.limits
    }

    /// Queues `item`, or drops an item by the overflow policy. Never blocks.
    pub(crate) fn push(&mut self, item: T) {
        let weight = item.weight();
        let fits = self.items == 0
            || (self.items < self.limits.max_items && self.bytes.saturating_add(weight) <= self.limits.max_bytes);
        if fits {
            self.accept(item, weight);
            return;
        }
        if self.limits.overflow == Overflow::DropOldest {
            if let Some(freed) = self.drop_oldest() {
                self.items -= 1;
                self.bytes -= freed;
                self.accept(item, weight);
                return;
            }
        }
        // DropNewest, or DropOldest with every held item already in the
        // consumer's hands: the arriving item goes.
        self.dropped += 1;
        match self.entries.back_mut() {
            Some(Entry::Gap(n)) => *n += 1,
            _ => {
                self.gaps += 1;
                self.entries.push_back(Entry::Gap(1));
            }
        }
    }

    fn accept(&mut self, item: T, weight: usize) {
        self.items += 1;
        self.bytes += weight;
        self.entries.push_back(Entry::Item(item));
    }

    /// Removes the oldest queued item, leaving a gap in its place; returns
    /// its weight, or `None` if no item is queued here.
    fn drop_oldest(&mut self) -> Option<usize> {
        let at = self.entries.iter().position(|e| matches!(e, Entry::Item(_)))?;
        let Some(Entry::Item(old)) = self.entries.remove(at) else { unreachable!("position found an item") };
        self.dropped += 1;
        // Gaps before and after the removed item become one.
        let before = at.checked_sub(1).filter(|&b| matches!(self.entries[b], Entry::Gap(_)));
        let after = matches!(self.entries.get(at), Some(Entry::Gap(_))).then_some(at);
        match (before, after) {
            (Some(b), Some(a)) => {
                let Some(Entry::Gap(m)) = self.entries.remove(a) else { unreachable!() };
                if let Entry::Gap(n) = &mut self.entries[b] {
                    *n += 1 + m;
                }
                self.gaps -= 1;
            }
            (Some(g), None) | (None, Some(g)) => {
                if let Entry::Gap(n) = &mut self.entries[g] {
                    *n += 1;
                }
            }
            (None, None) => {
                self.gaps += 1;
                self.entries.insert(at, Entry::Gap(1));
            }
        }
        Some(old.weight())
    }

    /// Queues `item` whatever the bounds (connection notices: too few to
    /// matter, too important to drop).
    pub(crate) fn push_always(&mut self, item: T) {
        let weight = item.weight();
        self.accept(item, weight);
    }

    /// How full the fuller bound is, in quarters (0 to 4).
    pub(crate) fn fill_quarters(&self) -> u8 {
        let q = |used: usize, max: usize| (used.saturating_mul(4) / max.max(1)).min(4);
        q(self.items, self.limits.max_items).max(q(self.bytes, self.limits.max_bytes)) as u8
    }

    /// The next entry, releasing what it held.
    pub(crate) fn pop(&mut self) -> Option<Entry<T>> {
        let entry = self.entries.pop_front()?;
        if let Entry::Item(item) = &entry {
            self.items -= 1;
            self.bytes -= item.weight();
        }
        Some(entry)
    }

    /// Removes and returns the first queued item that `pred` accepts.
    pub(crate) fn take_first(&mut self, pred: impl Fn(&T) -> bool) -> Option<T> {
        let at = self.entries.iter().position(|e| matches!(e, Entry::Item(i) if pred(i)))?;
        let Some(Entry::Item(item)) = self.entries.remove(at) else { unreachable!("position found an item") };
        self.items -= 1;
        self.bytes -= item.weight();
        Some(item)
    }

    /// Moves every queued entry into `into` (which must be empty) without
    /// releasing their counts; returns the items and bytes handed out, to
    /// pass to [`release`](Backlog::release) once they are all consumed.
    pub(crate) fn take_batch(&mut self, into: &mut VecDeque<Entry<T>>) -> (usize, usize) {
        debug_assert!(into.is_empty());
        std::mem::swap(&mut self.entries, into);
        let queued_items = into.iter().filter(|e| matches!(e, Entry::Item(_))).count();
        let queued_bytes = into.iter().map(|e| if let Entry::Item(i) = e { i.weight() } else { 0 }).sum();
        (queued_items, queued_bytes)
    }

    /// Forgets a consumed batch.
    pub(crate) fn release(&mut self, items: usize, bytes: usize) {
        self.items -= items;
        self.bytes -= bytes;
    }

    /// Whether nothing is queued here (a batch in the consumer's hands aside).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Items held, a batch in the consumer's hands included.
    pub(crate) fn items(&self) -> usize {
        self.items
    }

    /// Bytes held, a batch in the consumer's hands included.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Items dropped so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Gaps recorded so far (each is one marker the consumer reads).
    pub(crate) fn gaps(&self) -> u64 {
        self.gaps
    }

    /// Drops everything queued (the consumer is gone).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.items = 0;
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weighed for u32 {
        fn weight(&self) -> usize {
            *self as usize
        }
    }

    fn drain(b: &mut Backlog<u32>) -> Vec<Entry<u32>> {
        std::iter::from_fn(|| b.pop()).collect()
    }

    #[test]
    fn drop_newest_marks_the_gap_where_items_went_missing() {
        let mut b = Backlog::new(QueueLimits::new(2, 1000));
        (1..=5).for_each(|i| b.push(i));
        assert_eq!((b.dropped(), b.gaps()), (3, 1));
        assert_eq!(b.pop(), Some(Entry::Item(1)));
        b.push(6);
        b.push(7);
        assert_eq!(drain(&mut b), [Entry::Item(2), Entry::Gap(3), Entry::Item(6), Entry::Gap(1)]);
        assert_eq!((b.items(), b.bytes(), b.dropped(), b.gaps()), (0, 0, 4, 2));
    }

    #[test]
    fn drop_oldest_keeps_the_newest_and_one_gap_per_run() {
        let mut b = Backlog::new(QueueLimits::new(2, 1000).overflow(Overflow::DropOldest));
        (1..=5).for_each(|i| b.push(i));
        assert_eq!(drain(&mut b), [Entry::Gap(3), Entry::Item(4), Entry::Item(5)]);
        assert_eq!((b.dropped(), b.gaps()), (3, 1));
    }

    #[test]
    fn bytes_bound_too_but_an_empty_queue_takes_anything() {
        let mut b = Backlog::new(QueueLimits::new(100, 10));
        b.push(50);
        b.push(1);
        assert_eq!(drain(&mut b), [Entry::Item(50), Entry::Gap(1)]);
        b.push(4);
        b.push(6);
        b.push(1);
        assert_eq!((b.items(), b.bytes(), b.dropped()), (2, 10, 2));
    }

    #[test]
    fn a_batch_counts_until_released() {
        let mut b = Backlog::new(QueueLimits::new(2, 1000).overflow(Overflow::DropOldest));
        b.push(1);
        b.push(2);
        let mut batch = VecDeque::new();
        assert_eq!(b.take_batch(&mut batch), (2, 3));
        // The consumer holds both: the queue is still full, and nothing it
        // holds can be dropped, so the arriving item goes.
        b.push(3);
        assert_eq!((b.items(), b.dropped()), (2, 1));
        b.release(2, 3);
        b.push(4);
        assert_eq!(drain(&mut b), [Entry::Gap(1), Entry::Item(4)]);
    }
}
