//! What one read brings, sorted for the subscriptions: event frames copied
//! into one chunk, other items ready as they are, in wire order.

use std::sync::Arc;

use super::subscription::{Incoming, Queue, Queued};

enum Item {
    Frame { start: usize, end: usize },
    Ready(Incoming),
}

/// What a delivery found.
#[derive(Default)]
pub(crate) struct Delivered {
    /// A queue whose consumer is gone (to prune from the list).
    pub(crate) abandoned: bool,
    /// How full the fullest queue is, in quarters.
    pub(crate) fill: u8,
}

/// Items collected by the reader between two deliveries.
pub(crate) struct Batch {
    chunk: Vec<u8>,
    items: Vec<Item>,
    /// Indexes of the items one queue wants (reused).
    wanted: Vec<usize>,
}

/// Capacity of a fresh chunk: one read's worth.
const CHUNK: usize = 64 << 10;

impl Batch {
    pub(crate) fn new() -> Batch {
        Batch { chunk: Vec::new(), items: Vec::new(), wanted: Vec::new() }
    }

    /// Adds an event, by its frame.
    pub(crate) fn push_frame(&mut self, frame: &[u8]) {
        if self.chunk.capacity() == 0 {
            self.chunk.reserve(CHUNK.max(frame.len()));
        }
        let start = self.chunk.len();
        self.chunk.extend_from_slice(frame);
        self.items.push(Item::Frame { start, end: self.chunk.len() });
    }

    /// Adds anything else.
    pub(crate) fn push(&mut self, item: Incoming) {
        self.items.push(Item::Ready(item));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Gives every queue the items it wants and empties the batch.
    pub(crate) fn deliver(&mut self, queues: &[Arc<Queue>]) -> Delivered {
        let mut done = Delivered::default();
        if self.items.is_empty() {
            return done;
        }
        let chunk = Arc::new(std::mem::take(&mut self.chunk));
        for q in queues {
            if q.is_abandoned() {
                done.abandoned = true;
                continue;
            }
            let filter = q.filter();
            if filter.is_all() {
                done.fill = done.fill.max(q.push_all(self.items.iter().map(|i| queued(i, &chunk))));
                continue;
            }
            self.wanted.clear();
            let mut frame_bytes = 0;
            for (n, item) in self.items.iter().enumerate() {
                let wants = match item {
                    Item::Frame { start, end } => filter.wants_frame(&chunk[*start..*end]),
                    Item::Ready(i) => filter.wants(i),
                };
                if wants {
                    if let Item::Frame { start, end } = item {
                        frame_bytes += end - start;
                    }
                    self.wanted.push(n);
                }
            }
            if self.wanted.is_empty() {
                continue;
            }
            let picked = self.wanted.iter().map(|&n| &self.items[n]);
            if frame_bytes * 2 >= chunk.len() {
                done.fill = done.fill.max(q.push_all(picked.map(|i| queued(i, &chunk))));
            } else {
                // A small share of the chunk: a copy of its own, so that the
                // queue never keeps a mostly foreign chunk alive.
                let mut own = Vec::with_capacity(frame_bytes);
                let mut items = Vec::with_capacity(self.wanted.len());
                for item in picked {
                    items.push(match item {
                        Item::Frame { start, end } => {
                            let at = own.len();
                            own.extend_from_slice(&chunk[*start..*end]);
                            Item::Frame { start: at, end: own.len() }
                        }
                        Item::Ready(i) => Item::Ready(i.clone()),
                    });
                }
                let own = Arc::new(own);
                done.fill = done.fill.max(q.push_all(items.iter().map(|i| queued(i, &own))));
            }
        }
        self.items.clear();
        done
    }
}

fn queued(item: &Item, chunk: &Arc<Vec<u8>>) -> Queued {
    match item {
        Item::Frame { start, end } => Queued::Frame { chunk: chunk.clone(), start: *start, end: *end },
        Item::Ready(i) => Queued::Ready(i.clone()),
    }
}
