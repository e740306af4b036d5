//! A thread-safe, reconnecting handle for long-running programs.
//!
//! [`Service`] runs one connection with a reader thread. Clones of the
//! handle send actions from any thread at once, pipelined, each matched to
//! its answer by ActionID; events go to [`Subscription`]s, each a bounded
//! queue with its own [`Overflow`] policy and drop counter.
//!
//! When the link drops, every pending action fails with
//! [`Error::ConnectionLost`] (never re-sent: a re-sent `Originate` is a
//! second call), subscriptions get [`Incoming::ConnectionLost`], and the
//! service reconnects with capped, jittered backoff, logs in again, restores
//! the event mask and every `Filter` and `Events` action sent through it,
//! and says [`Incoming::ConnectionRestored`]. A keepalive `Ping` notices a
//! link that went silent.
//!
//! Filtering happens in two places: on the server (the login's event
//! classes, `Filter` and `Events` actions; cheaper, restored on reconnect),
//! and in the client ([`Filter`] on each subscription).
//!
//! ```
//! use std::time::Duration;
//! use ami_core::service::{Filter, Incoming, Service, ServiceOptions};
//! use ami_core::testkit::FakeAsterisk;
//! use ami_core::{Config, Login, RawAction};
//!
//! let fake = FakeAsterisk::start()?;
//! let config = Config::new("127.0.0.1", fake.addr().port());
//! // `_` drops the catch-all subscription this example does not read.
//! let (ami, _) = Service::connect(config, Login::new("admin", "admin-secret"), ServiceOptions::default())?;
//! let hangups = ami.subscribe(Filter::events(["Hangup"]));
//!
//! let worker = ami.clone(); // Send + Sync: use it from any thread
//! std::thread::spawn(move || worker.ping()).join().unwrap()?;
//! let call = RawAction::new("Originate").header("Channel", "Local/100@default")
//!     .header("Application", "Wait").header("Async", "true");
//! let outcome = ami.originate(&call, Some(Duration::from_secs(5)))?;
//! assert!(outcome.is_success());
//! ami.send(&RawAction::new("Hangup").header("Channel", outcome.channel().unwrap().as_ref()))?;
//! match hangups.recv_timeout(Duration::from_secs(5))? {
//!     Some(Incoming::Event(e)) => assert_eq!(e.event_name().as_deref(), Some("Hangup")),
//!     other => panic!("{other:?}"),
//! }
//! ami.close();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod backoff;
mod link;
mod pending;
mod reader;
mod subscription;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use backoff::Backoff;
pub use subscription::{Closed, Filter, Incoming, Overflow, Subscription};

use crate::action::{encode_action, Action, RawAction};
use crate::action_id::ActionIds;
use crate::client::{Client, Login, Session};
use crate::config::Config;
use crate::connection::deadline;
use crate::error::{Error, Phase};
use crate::logging::ami_log;
use crate::message::Message;
use crate::originate::OriginateOutcome;
use crate::response::{command_result, Response};
use link::WriteSide;
use pending::Pending;
use subscription::Queue;

/// How a [`Service`] behaves over time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceOptions {
    /// Reconnect after the link drops (`None`: stop instead).
    pub reconnect: Option<Backoff>,
    /// Send `Ping` this often when connected (`None`: never).
    pub keepalive_interval: Option<Duration>,
    /// A `Ping` unanswered this long marks the link dead.
    pub keepalive_timeout: Duration,
    /// Items a subscription holds before its overflow policy applies.
    pub queue_capacity: usize,
    /// What a full subscription does.
    pub overflow: Overflow,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            reconnect: Some(Backoff::default()),
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(10),
            queue_capacity: 100_000,
            overflow: Overflow::Block,
        }
    }
}

impl ServiceOptions {
    /// Reconnect with this backoff, or never (`None`).
    pub fn reconnect(mut self, backoff: Option<Backoff>) -> Self {
        self.reconnect = backoff;
        self
    }

    /// Ping every `interval` and give up on the link after `timeout`
    /// without a Pong; `None` turns keepalive off.
    pub fn keepalive(mut self, interval: Option<Duration>, timeout: Duration) -> Self {
        self.keepalive_interval = interval;
        self.keepalive_timeout = timeout;
        self
    }

    /// Default capacity and overflow policy of subscriptions.
    pub fn queue(mut self, capacity: usize, overflow: Overflow) -> Self {
        self.queue_capacity = capacity;
        self.overflow = overflow;
        self
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// State shared by the handles, the reader thread and the keepalive thread.
pub(crate) struct Shared {
    config: Config,
    login: Login,
    options: ServiceOptions,
    prefix: String,
    next_id: AtomicU64,
    writer: Mutex<Option<WriteSide>>,
    pending: Pending,
    subs: Mutex<Vec<Arc<Queue>>>,
    /// `Filter` and `Events` actions to send again after a reconnect.
    restore: Mutex<Vec<RawAction>>,
    stopping: AtomicBool,
    connected: AtomicBool,
    /// Wakes sleeping threads when the service stops.
    wake: (Mutex<()>, Condvar),
}

impl Shared {
    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Sleeps `d` unless the service stops first; returns whether it stopped.
    fn sleep(&self, d: Duration) -> bool {
        let until = Instant::now() + d;
        let mut guard = lock(&self.wake.0);
        while !self.stopping() {
            match until.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => {
                    guard = self.wake.1.wait_timeout(guard, left).unwrap_or_else(|p| p.into_inner()).0;
                }
                _ => return false,
            }
        }
        true
    }

    fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake.1.notify_all();
        self.kill_link();
        for q in lock(&self.subs).iter() {
            q.close();
        }
    }

    /// Closes the current link; the reader thread notices and reconnects.
    fn kill_link(&self) {
        if let Some(w) = lock(&self.writer).as_mut() {
            w.shutdown();
        }
    }

    fn next_id(&self) -> String {
        format!("{}-{}", self.prefix, self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn write(&self, bytes: &[u8]) -> Result<(), Error> {
        let mut writer = lock(&self.writer);
        let w = writer.as_mut().ok_or(Error::ConnectionLost)?;
        w.write_all(bytes).map_err(|e| {
            // A half-written action leaves the link unusable.
            w.shutdown();
            Error::io(Phase::Write, e)
        })
    }

    /// Sends `action` and waits for its answer; with `awaits`, also for the
    /// event of that name carrying its ActionID.
    fn request(
        &self,
        action: &dyn Action,
        timeout: Option<Duration>,
        awaits: Option<&'static str>,
    ) -> Result<(Response, Option<Message>), Error> {
        let id = self.next_id();
        let mut bytes = Vec::with_capacity(256);
        encode_action(action, Some(&id), &mut bytes)?;
        let slot = self.pending.register(&id, action.action_name(), awaits, subscription::read_by_this_thread());
        let until = deadline(timeout);
        let result = self.write(&bytes).and_then(|()| {
            ami_log!(debug, "sent {} (ActionID {id})", action.action_name());
            let response = slot.wait_response(until)?;
            let event = if awaits.is_some() { Some(slot.wait_event(until)?) } else { None };
            Ok((response, event))
        });
        self.pending.remove(&id);
        result
    }

    fn publish(&self, item: Incoming, scratch: &mut Vec<Arc<Queue>>) {
        scratch.clear();
        {
            let mut subs = lock(&self.subs);
            subs.retain(|q| !q.is_abandoned());
            scratch.extend(subs.iter().filter(|q| q.wants(&item)).cloned());
        }
        let busy = |queue| self.stopping() || self.pending.reader_waits(queue);
        if let Some((last, rest)) = scratch.split_last() {
            for q in rest {
                q.push(item.clone(), &busy);
            }
            last.push(item, &busy);
        }
    }

    fn subscribe(&self, filter: Filter, capacity: usize, overflow: Overflow) -> Subscription {
        let q = Queue::new(filter, capacity, overflow);
        if self.stopping() {
            q.close();
        }
        lock(&self.subs).push(q.clone());
        Subscription::new(q)
    }
}

/// Connects and logs in, then runs the restore actions.
fn open_session(config: &Config, login: &Login, restore: &[RawAction]) -> Result<Session, Error> {
    let mut session = Client::connect(config)?.login(login)?;
    for action in restore {
        session.send(action)?;
    }
    Ok(session)
}

/// A cloneable, `Send + Sync` handle over one reconnecting AMI connection.
///
/// Dropping the last clone stops the service (the reader and keepalive
/// threads end, subscriptions close); [`close`](Service::close) logs off first.
#[derive(Clone)]
pub struct Service {
    handle: Arc<Handle>,
}

struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.stop();
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("host", &self.shared().config.host)
            .field("login", &self.shared().login)
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// Connects, logs in and starts the reader (and keepalive) thread.
    ///
    /// The returned [`Subscription`] receives everything (events, unmatched
    /// responses, connection notices) from the first byte after login on,
    /// including the events that came with the login answer. Read it, or
    /// drop it if you only want filtered subscriptions: with the default
    /// [`Overflow::Block`] policy a full subscription that nobody reads holds
    /// the reader back. A first connection that fails is an error (no retry).
    pub fn connect(config: Config, login: Login, options: ServiceOptions) -> Result<(Service, Subscription), Error> {
        let session = open_session(&config, &login, &[])?;
        let shared = Arc::new(Shared {
            prefix: ActionIds::new().prefix().to_owned(),
            next_id: AtomicU64::new(1),
            writer: Mutex::new(None),
            pending: Pending::default(),
            subs: Mutex::new(Vec::new()),
            restore: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            connected: AtomicBool::new(false),
            wake: (Mutex::new(()), Condvar::new()),
            config,
            login,
            options,
        });
        let all = shared.subscribe(Filter::all(), shared.options.queue_capacity, shared.options.overflow);
        let (read, decoder) = reader::install(&shared, session, false)?;
        reader::spawn(shared.clone(), read, decoder);
        if let Some(interval) = shared.options.keepalive_interval {
            reader::spawn_keepalive(shared.clone(), interval);
        }
        Ok((Service { handle: Arc::new(Handle { shared }) }, all))
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// Sends an action and waits for its answer (list items included), with
    /// the configured response timeout. Safe to call from any thread, and
    /// from code handling an event.
    pub fn send(&self, action: &dyn Action) -> Result<Response, Error> {
        self.send_with_timeout(action, self.shared().config.timeouts.response)
    }

    /// Like [`send`](Service::send) with a timeout for this action only.
    pub fn send_with_timeout(&self, action: &dyn Action, timeout: Option<Duration>) -> Result<Response, Error> {
        let shared = self.shared();
        let (response, _) = shared.request(action, timeout, None)?;
        let name = action.action_name();
        if name.eq_ignore_ascii_case("Filter") || name.eq_ignore_ascii_case("Events") {
            remember_for_reconnect(shared, action)?;
        }
        Ok(response)
    }

    /// Sends `Ping`.
    pub fn ping(&self) -> Result<(), Error> {
        self.send(&RawAction::new("Ping")).map(drop)
    }

    /// Runs a CLI command; see [`Session::command`].
    pub fn command(&self, command: &str) -> Result<Vec<String>, Error> {
        command_result(command, self.send(&RawAction::new("Command").header("Command", command)))
    }

    /// Sends an `Originate` (make it `Async: true`) and waits, up to
    /// `timeout` in all, for the `OriginateResponse` carrying its ActionID.
    /// The event is also delivered to subscriptions as usual.
    pub fn originate(&self, action: &dyn Action, timeout: Option<Duration>) -> Result<OriginateOutcome, Error> {
        let (_, event) = self.shared().request(action, timeout, Some("OriginateResponse"))?;
        Ok(OriginateOutcome::new(event.expect("requested an awaited event")))
    }

    /// A new subscription with the default capacity and overflow policy. It
    /// receives what arrives from now on.
    pub fn subscribe(&self, filter: Filter) -> Subscription {
        let o = &self.shared().options;
        self.shared().subscribe(filter, o.queue_capacity, o.overflow)
    }

    /// A new subscription with its own capacity and overflow policy.
    pub fn subscribe_with(&self, filter: Filter, capacity: usize, overflow: Overflow) -> Subscription {
        self.shared().subscribe(filter, capacity, overflow)
    }

    /// Whether the link is up right now.
    pub fn is_connected(&self) -> bool {
        self.shared().connected.load(Ordering::SeqCst)
    }

    /// Logs off (best effort, briefly) and stops the service.
    pub fn close(self) {
        let shared = self.shared();
        // Stopping first: the server's close after Goodbye is then not a
        // lost connection to report and recover from.
        shared.stopping.store(true, Ordering::SeqCst);
        if self.is_connected() {
            let _ = shared.request(&RawAction::new("Logoff"), Some(Duration::from_secs(2)), None);
        }
        shared.stop();
    }
}

/// Keeps a copy of a `Filter` or `Events` action to send after reconnecting
/// (a later `Events` replaces an earlier one).
fn remember_for_reconnect(shared: &Shared, action: &dyn Action) -> Result<(), Error> {
    let mut bytes = Vec::new();
    encode_action(action, None, &mut bytes)?;
    let frame = Message::from_frame(bytes.strip_suffix(b"\r\n\r\n").unwrap_or(&bytes).to_vec());
    let mut copy = RawAction::new(action.action_name());
    for h in frame.headers().skip(1) {
        copy.push(h.name_str(), h.value_str());
    }
    let mut restore = lock(&shared.restore);
    if copy.name().eq_ignore_ascii_case("Events") {
        restore.retain(|a| !a.name().eq_ignore_ascii_case("Events"));
    }
    restore.push(copy);
    Ok(())
}
