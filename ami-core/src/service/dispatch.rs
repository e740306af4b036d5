//! Callbacks: handlers run on one dispatcher thread, fed by a subscription
//! like any other consumer (bounded, drops counted and announced).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};

use super::subscription::{Incoming, Subscription};
use crate::logging::ami_log;
use crate::message::Message;

/// Names a registered handler, to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HandlerId(u64);

/// What notice handlers are told.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The link went down; events may be missed until `ConnectionRestored`.
    ConnectionLost {
        /// Why, as text.
        reason: String,
    },
    /// The service reconnected and logged in again.
    ConnectionRestored,
    /// The handlers fell behind: `dropped` items were dropped here.
    Lagged {
        /// How many items are missing at this place.
        dropped: u64,
    },
    /// A handler panicked while handling an item; the dispatcher goes on.
    HandlerPanicked {
        /// The handler.
        handler: HandlerId,
        /// The panic's message, when it had one.
        message: String,
    },
}

/// What a handler is registered for.
enum Target {
    Event(String),
    AnyEvent,
    Unmatched,
    Notice,
}

enum Callback {
    Message(Box<dyn FnMut(&Message) + Send>),
    Notice(Box<dyn FnMut(&Notice) + Send>),
}

struct Handler {
    id: HandlerId,
    target: Target,
    callback: Mutex<Callback>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The handler table and the dispatcher thread.
#[derive(Default)]
pub(crate) struct Handlers {
    table: Mutex<Arc<Vec<Arc<Handler>>>>,
    next_id: AtomicU64,
    panics: AtomicU64,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Handlers {
    /// Whether the dispatcher thread runs.
    pub(crate) fn started(&self) -> bool {
        lock(&self.thread).is_some()
    }

    /// Starts the dispatcher on `sub` (once).
    pub(crate) fn start(self: &Arc<Self>, sub: Subscription) {
        let mut thread = lock(&self.thread);
        if thread.is_some() {
            return;
        }
        let handlers = self.clone();
        *thread = Some(
            thread::Builder::new()
                .name("ami-dispatch".into())
                .spawn(move || handlers.run(sub))
                .expect("spawning the AMI dispatcher thread"),
        );
    }

    /// Waits for the dispatcher to finish what is queued (unless called on
    /// the dispatcher itself).
    pub(crate) fn join(&self) {
        let handle = lock(&self.thread).take();
        if let Some(h) = handle {
            if h.thread().id() != thread::current().id() {
                let _ = h.join();
            } else {
                *lock(&self.thread) = Some(h);
            }
        }
    }

    fn add(&self, target: Target, callback: Callback) -> HandlerId {
        let id = HandlerId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let mut table = lock(&self.table);
        let mut list = Vec::clone(&table);
        list.push(Arc::new(Handler { id, target, callback: Mutex::new(callback) }));
        *table = Arc::new(list);
        id
    }

    pub(crate) fn on_event(&self, name: &str, f: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.add(Target::Event(name.to_owned()), Callback::Message(Box::new(f)))
    }

    pub(crate) fn on_any_event(&self, f: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.add(Target::AnyEvent, Callback::Message(Box::new(f)))
    }

    pub(crate) fn on_unmatched_response(&self, f: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.add(Target::Unmatched, Callback::Message(Box::new(f)))
    }

    pub(crate) fn on_notice(&self, f: impl FnMut(&Notice) + Send + 'static) -> HandlerId {
        self.add(Target::Notice, Callback::Notice(Box::new(f)))
    }

    pub(crate) fn remove(&self, id: HandlerId) -> bool {
        let mut table = lock(&self.table);
        if !table.iter().any(|h| h.id == id) {
            return false;
        }
        *table = Arc::new(table.iter().filter(|h| h.id != id).cloned().collect());
        true
    }

    pub(crate) fn panics(&self) -> u64 {
        self.panics.load(Ordering::Relaxed)
    }

    fn run(&self, sub: Subscription) {
        while let Ok(item) = sub.recv() {
            let handlers = lock(&self.table).clone();
            self.deliver(&handlers, &item);
        }
    }

    fn deliver(&self, handlers: &[Arc<Handler>], item: &Incoming) {
        let notice = match item {
            Incoming::Event(m) => {
                let name = m.get("Event").unwrap_or_default();
                for h in handlers {
                    let wanted = match &h.target {
                        Target::AnyEvent => true,
                        Target::Event(n) => name.eq_ignore_ascii_case(n.as_bytes()),
                        _ => false,
                    };
                    if wanted {
                        self.call(handlers, h, Arg::Message(m));
                    }
                }
                return;
            }
            Incoming::UnmatchedResponse(m) => {
                for h in handlers.iter().filter(|h| matches!(h.target, Target::Unmatched)) {
                    self.call(handlers, h, Arg::Message(m));
                }
                return;
            }
            Incoming::Lagged { dropped } => Notice::Lagged { dropped: *dropped },
            Incoming::ConnectionLost { reason } => Notice::ConnectionLost { reason: reason.clone() },
            Incoming::ConnectionRestored => Notice::ConnectionRestored,
        };
        self.notify(handlers, &notice);
    }

    fn notify(&self, handlers: &[Arc<Handler>], notice: &Notice) {
        for h in handlers.iter().filter(|h| matches!(h.target, Target::Notice)) {
            self.call(handlers, h, Arg::Notice(notice));
        }
    }

    fn call(&self, handlers: &[Arc<Handler>], h: &Handler, arg: Arg<'_>) {
        let outcome = catch_unwind(AssertUnwindSafe(|| match (&mut *lock(&h.callback), arg) {
            (Callback::Message(f), Arg::Message(m)) => f(m),
            (Callback::Notice(f), Arg::Notice(n)) => f(n),
            _ => {}
        }));
        if let Err(payload) = outcome {
            self.panics.fetch_add(1, Ordering::Relaxed);
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            ami_log!(error, "AMI handler {:?} panicked: {message}", h.id);
            // A notice handler that panics on this notice is not told again
            // about its own panic (no loop).
            if !matches!(arg, Arg::Notice(Notice::HandlerPanicked { .. })) {
                self.notify(handlers, &Notice::HandlerPanicked { handler: h.id, message });
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Arg<'a> {
    Message(&'a Message),
    Notice(&'a Notice),
}
