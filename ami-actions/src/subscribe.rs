//! Typed subscriptions on a [`Service`]: events arrive as their generated
//! type, connection notices as they are.
//!
//! ```
//! use std::time::Duration;
//! use ami_actions::service::{Service, ServiceOptions};
//! use ami_actions::subscribe::{ServiceExt, Typed};
//! use ami_actions::testkit::FakeAsterisk;
//! use ami_actions::{events, Config, Login, Message};
//!
//! let fake = FakeAsterisk::start()?;
//! let config = Config::new("127.0.0.1", fake.addr().port());
//! let (ami, _) = Service::connect(config, Login::new("admin", "admin-secret"), ServiceOptions::default())?;
//! let hangups = ami.subscribe_to::<events::Hangup>();
//! fake.inject_event(&Message::from_pairs([("Event", "Hangup"), ("Privilege", "call,all"), ("Cause", "16")]));
//! match hangups.recv_timeout(Duration::from_secs(5))? {
//!     Some(Typed::Event(h)) => assert_eq!(h.cause().as_deref(), Some("16")),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::marker::PhantomData;
use std::time::Duration;

use ami_core::service::{Closed, Filter, Incoming, Service, Subscription};
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
}

/// Typed subscriptions for [`Service`].
pub trait ServiceExt {
    /// Events of type `E` only.
    fn subscribe_to<E: EventType + 'static>(&self) -> TypedSubscription<E>;

    /// Events passing `filter`, as the [`Event`] enum.
    fn subscribe_events(&self, filter: Filter) -> TypedSubscription<Event>;
}

impl ServiceExt for Service {
    fn subscribe_to<E: EventType + 'static>(&self) -> TypedSubscription<E> {
        TypedSubscription {
            inner: self.subscribe(Filter::events([E::NAME])),
            convert: E::from_message_unchecked,
            _event: PhantomData,
        }
    }

    fn subscribe_events(&self, filter: Filter) -> TypedSubscription<Event> {
        TypedSubscription { inner: self.subscribe(filter), convert: Event::from_message, _event: PhantomData }
    }
}
