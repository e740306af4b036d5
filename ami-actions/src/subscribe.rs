//! Typed subscriptions on a [`Service`]: events arrive as their generated
//! type, connection notices as they are.
//!
//! ```
//! use std::time::Duration;
//! use ami_actions::service::{Service, ServiceOptions};
//! use ami_actions::subscribe::{ServiceExt, Typed};
//! use ami_actions::testkit::FakeAsterisk;
//! use ami_actions::{events, Config, HangupCause, Login, Message};
//!
//! let fake = FakeAsterisk::start()?;
//! let config = Config::new("127.0.0.1", fake.addr().port());
//! let ami = Service::new(config, Login::new("admin", "admin-secret"), ServiceOptions::default());
//! let hangups = ami.subscribe_to::<events::Hangup>(); // before start: from the login on
//! let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
//! let counter = seen.clone();
//! ami.on::<events::Hangup>(move |h| {
//!     assert_eq!(h.cause(), Some(HangupCause::NormalClearing));
//!     counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
//! });
//! ami.start()?;
//! fake.inject_event(&Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("Cause", "16")]));
//! match hangups.recv_timeout(Duration::from_secs(5))? {
//!     Some(Typed::Event(h)) => assert_eq!(h.cause(), Some(HangupCause::NormalClearing)),
//!     other => panic!("{other:?}"),
//! }
//! ami.close(); // runs the handlers for what is queued, then returns
//! assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::marker::PhantomData;
use std::time::Duration;

use ami_core::service::{Closed, Filter, HandlerId, Incoming, Service, Subscription, SubscriptionStats};
use ami_core::typed::EventType;

use crate::Event;

/// What a typed subscription yields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Typed<E> {
    /// An event, typed.
    Event(E),
    /// The link went down; events may be missed until `ConnectionRestored`.
    ConnectionLost {
        /// Why, as text.
        reason: String,
    },
    /// The service reconnected.
    ConnectionRestored,
    /// The queue was full: `dropped` events of this subscription are
    /// missing at this place (see [`Incoming::Lagged`]).
    Lagged {
        /// How many.
        dropped: u64,
    },
}

/// A subscription whose events are converted to `E`.
#[derive(Debug)]
pub struct TypedSubscription<E> {
    inner: Subscription,
    convert: fn(ami_core::Message) -> E,
    _event: PhantomData<fn() -> E>,
}

impl<E> TypedSubscription<E> {
    fn typed(&self, item: Incoming) -> Option<Typed<E>> {
        match item {
            Incoming::Event(m) => Some(Typed::Event((self.convert)(m))),
            Incoming::ConnectionLost { reason } => Some(Typed::ConnectionLost { reason }),
            Incoming::ConnectionRestored => Some(Typed::ConnectionRestored),
            Incoming::Lagged { dropped } => Some(Typed::Lagged { dropped }),
            _ => None,
        }
    }

    /// Blocks for the next item; `Err(Closed)` once the service stopped.
    pub fn recv(&self) -> Result<Typed<E>, Closed> {
        loop {
            if let Some(t) = self.typed(self.inner.recv()?) {
                return Ok(t);
            }
        }
    }

    /// Waits up to `timeout`; `Ok(None)` if nothing came.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Typed<E>>, Closed> {
        let until = std::time::Instant::now() + timeout;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.inner.recv_timeout(left)? {
                None => return Ok(None),
                Some(item) => {
                    if let Some(t) = self.typed(item) {
                        return Ok(Some(t));
                    }
                }
            }
        }
    }

    /// The next queued item, without waiting.
    pub fn try_recv(&self) -> Option<Typed<E>> {
        std::iter::from_fn(|| self.inner.try_recv()).find_map(|i| self.typed(i))
    }

    /// Items dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped()
    }

    /// Depth, drops and lags of the queue.
    pub fn stats(&self) -> SubscriptionStats {
        self.inner.stats()
    }
}

/// Typed subscriptions and handlers for [`Service`]. Made before
/// [`Service::start`], they receive everything from the login answer on.
pub trait ServiceExt {
    /// Events of type `E` only.
    fn subscribe_to<E: EventType + 'static>(&self) -> TypedSubscription<E>;

    /// Events passing `filter`, as the [`Event`] enum.
    fn subscribe_events(&self, filter: Filter) -> TypedSubscription<Event>;

    /// Runs `handler` for every event of type `E`, on the dispatcher thread
    /// (see [`Service::on_event`]).
    fn on<E: EventType + 'static>(&self, handler: impl FnMut(E) + Send + 'static) -> HandlerId;

    /// Runs `handler` for every event, as the [`Event`] enum.
    fn on_any(&self, handler: impl FnMut(Event) + Send + 'static) -> HandlerId;
}

impl ServiceExt for Service {
    fn on<E: EventType + 'static>(&self, mut handler: impl FnMut(E) + Send + 'static) -> HandlerId {
        self.on_event(E::NAME, move |m| handler(E::from_message_unchecked(m.clone())))
    }

    fn on_any(&self, mut handler: impl FnMut(Event) + Send + 'static) -> HandlerId {
        self.on_any_event(move |m| handler(Event::from(m.clone())))
    }

    fn subscribe_to<E: EventType + 'static>(&self) -> TypedSubscription<E> {
        TypedSubscription {
            inner: self.subscribe(Filter::events([E::NAME])),
            convert: E::from_message_unchecked,
            _event: PhantomData,
        }
    }

    fn subscribe_events(&self, filter: Filter) -> TypedSubscription<Event> {
        TypedSubscription { inner: self.subscribe(filter), convert: Event::from, _event: PhantomData }
    }
}
