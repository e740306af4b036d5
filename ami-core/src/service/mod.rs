//! A thread-safe, reconnecting handle for long-running programs.
//!
//! [`Service`] runs one connection with a reader thread. Clones of the
//! handle send actions from any thread at once, pipelined, each matched to
//! its answer by ActionID; events go to [`Subscription`]s and to handlers
//! ([`Service::on_event`] and friends).
//!
//! **Nothing is lost without a count.** The reader thread never waits for a
//! consumer (Asterisk cuts off a client that stops reading: measured on
//! Asterisk 22, a session that paused 5 s during a burst of 20,000 events got
//! 13,978 of them, then the server closed it). Each subscription is a queue
//! bounded by [`QueueLimits`]; when one is full its items are dropped,
//! counted ([`Subscription::stats`]) and announced in-band by an
//! [`Incoming::Lagged`] at the exact place they went missing.
//!
//! **Every subscription sees everything from the login on.** Make the
//! service with [`Service::new`], subscribe and register handlers, then
//! [`start`](Service::start) it: the events that arrive with the login
//! answer reach every one of them. [`Service::connect`] does the three steps
//! at once for programs that only send actions.
//!
//! **An action is never sent twice.** When the link drops, actions that were
//! written and not yet answered fail with [`Error::OutcomeUnknown`], actions
//! not (completely) written fail with [`Error::NotSent`], and nothing is
//! re-sent on the next link. Subscriptions get [`Incoming::ConnectionLost`];
//! the service reconnects with capped, jittered backoff, logs in again,
//! restores the event mask and every `Filter` and `Events` action sent
//! through it, and says [`Incoming::ConnectionRestored`].
//!
//! **Keepalive**: any byte from the server proves the link alive; after
//! [`ServiceOptions::keepalive_interval`] of silence a `Ping` goes out, and
//! after a further [`ServiceOptions::keepalive_timeout`] with nothing at all
//! received the link is closed and reconnected. Only time the reader spends
//! waiting on the socket counts.
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
//! let ami = Service::new(config, Login::new("admin", "admin-secret"), ServiceOptions::default());
//! let hangups = ami.subscribe(Filter::events(["Hangup"])); // before start: misses nothing
//! ami.start()?;
//!
//! let worker = ami.clone(); // Send + Sync: use it from any thread
//! std::thread::spawn(move || worker.ping()).join().unwrap()?;
//! let call = RawAction::new("Originate").header("Channel", "Local/100@default").header("Application", "Wait");
//! let outcome = ami.originate(&call, Some(Duration::from_secs(5)))?; // sent with Async: true
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
mod batch;
mod dispatch;
mod link;
mod pending;
mod reader;
mod subscription;

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use crate::backlog::{Overflow, QueueLimits};
pub use backoff::Backoff;
pub use dispatch::{HandlerId, Notice};
pub use subscription::{Closed, Filter, Incoming, Subscription, SubscriptionStats};

use crate::action::{encode_action, Action, RawAction};
use crate::action_id::{own_action_id, own_wire_id, ActionIds};
use crate::client::{Client, Login, Session};
use crate::config::Config;
use crate::connection::deadline;
use crate::error::{Error, Phase};
use crate::logging::ami_log;
use crate::message::Message;
use crate::originate::{check_call_events, events_mask_of, AsyncOriginate, OriginateOutcome};
use crate::response::{as_callers, command_result, Response};
use batch::Batch;
use dispatch::Handlers;
use link::WriteSide;
use pending::Pending;
use subscription::Queue;

/// How a [`Service`] behaves over time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceOptions {
    /// Reconnect after the link drops (`None`: stop instead).
    pub reconnect: Option<Backoff>,
    /// Send `Ping` after this long without a byte from the server (`None`:
    /// never).
    pub keepalive_interval: Option<Duration>,
    /// After the `Ping`, close the link if nothing at all arrives for this
    /// much longer.
    pub keepalive_timeout: Duration,
    /// Default bounds and overflow policy of subscriptions (and of the
    /// handlers' queue).
    pub queue: QueueLimits,
    /// Most actions waiting for their answers at once; past it `send` fails
    /// with [`Error::InFlightLimit`] and writes nothing.
    pub max_in_flight: usize,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            reconnect: Some(Backoff::default()),
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(10),
            queue: QueueLimits::default(),
            max_in_flight: 10_000,
        }
    }
}

impl ServiceOptions {
    /// Reconnect with this backoff, or never (`None`).
    pub fn reconnect(mut self, backoff: Option<Backoff>) -> Self {
        self.reconnect = backoff;
        self
    }

    /// Ping after `interval` of silence and give up on the link after a
    /// further `timeout` with nothing received; `None` turns keepalive off.
    pub fn keepalive(mut self, interval: Option<Duration>, timeout: Duration) -> Self {
        self.keepalive_interval = interval;
        self.keepalive_timeout = timeout;
        self
    }

    /// Default bounds and overflow policy of subscriptions.
    pub fn queue(mut self, limits: QueueLimits) -> Self {
        self.queue = limits;
        self
    }

    /// Most actions in flight at once.
    pub fn max_in_flight(mut self, actions: usize) -> Self {
        self.max_in_flight = actions.max(1);
        self
    }
}

/// A service's figures at one moment ([`Service::health`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceHealth {
    /// Whether the link is up.
    pub connected: bool,
    /// Successful reconnects since the start.
    pub reconnects: u64,
    /// Why the link was last lost, or the last reconnect attempt failed.
    pub last_error: Option<String>,
    /// Time since the last byte from the server (`None` before the first).
    pub since_last_byte: Option<Duration>,
    /// Actions waiting for their answers.
    pub in_flight: usize,
    /// Handler calls that panicked.
    pub handler_panics: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A copy of the subscription list and the version it was taken at.
type SubscriberCache = (u64, Arc<Vec<Arc<Queue>>>);

/// The subscription queues, as a list the reader can cheaply keep a copy of.
#[derive(Default)]
struct Subscribers {
    list: Mutex<Arc<Vec<Arc<Queue>>>>,
    version: AtomicU64,
}

impl Subscribers {
    fn change(&self, f: impl FnOnce(&mut Vec<Arc<Queue>>)) {
        let mut list = lock(&self.list);
        let mut copy = Vec::clone(&list);
        f(&mut copy);
        *list = Arc::new(copy);
        self.version.fetch_add(1, Ordering::Release);
    }

    /// Refreshes `cache` if the list changed since it was taken.
    fn refresh(&self, cache: &mut SubscriberCache) {
        let v = self.version.load(Ordering::Acquire);
        if v != cache.0 {
            *cache = (v, lock(&self.list).clone());
        }
    }
}

/// Liveness figures the reader keeps for the keepalive and for `health()`.
struct Liveness {
    epoch: Instant,
    /// Nanoseconds since `epoch` of the last byte received (0: none yet).
    last_byte: AtomicU64,
    /// Nanoseconds since `epoch` at which the reader began its current wait.
    wait_start: AtomicU64,
    /// Whether the reader is waiting on the socket now.
    waiting: AtomicBool,
}

impl Liveness {
    fn new() -> Liveness {
        Liveness {
            epoch: Instant::now(),
            last_byte: AtomicU64::new(0),
            wait_start: AtomicU64::new(0),
            waiting: AtomicBool::new(false),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    fn begin_wait(&self) {
        self.wait_start.store(self.now(), Ordering::Relaxed);
        self.waiting.store(true, Ordering::Release);
    }

    fn end_wait(&self, got_bytes: bool) {
        self.waiting.store(false, Ordering::Release);
        if got_bytes {
            self.last_byte.store(self.now().max(1), Ordering::Relaxed);
        }
    }

    /// How long the reader has waited on the socket with nothing arriving.
    fn silence(&self) -> Duration {
        if !self.waiting.load(Ordering::Acquire) {
            return Duration::ZERO;
        }
        Duration::from_nanos(self.now().saturating_sub(self.wait_start.load(Ordering::Relaxed)))
    }

    fn since_last_byte(&self) -> Option<Duration> {
        match self.last_byte.load(Ordering::Relaxed) {
            0 => None,
            t => Some(Duration::from_nanos(self.now().saturating_sub(t))),
        }
    }
}

/// State shared by the handles, the reader thread and the keepalive thread.
pub(crate) struct Shared {
    config: Config,
    login: Login,
    options: ServiceOptions,
    prefix: String,
    next_id: AtomicU64,
    /// The writing side of the current link (`None`: down).
    writer: Mutex<Option<WriteSide>>,
    pending: Pending,
    subs: Subscribers,
    handlers: Arc<Handlers>,
    /// `Filter` and `Events` actions to send again after a reconnect.
    restore: Mutex<Vec<RawAction>>,
    started: AtomicBool,
    stopping: AtomicBool,
    connected: AtomicBool,
    liveness: Liveness,
    reconnects: AtomicU64,
    last_error: Mutex<Option<String>>,
    /// Why the client itself closed the link (keepalive), to report instead
    /// of what the socket says.
    close_reason: Mutex<Option<String>>,
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
        self.kill_link(None);
        for q in lock(&self.subs.list).iter() {
            q.close();
        }
    }

    /// Closes the current link (saying why, when the client decided it);
    /// the reader thread notices and reconnects.
    fn kill_link(&self, reason: Option<String>) {
        if reason.is_some() {
            *lock(&self.close_reason) = reason;
        }
        if let Some(w) = lock(&self.writer).as_mut() {
            w.shutdown();
        }
    }

    /// The event mask in force: that of the last `Events` action sent
    /// through the service (they are restored on reconnect), else the
    /// login's.
    fn event_mask(&self) -> Option<String> {
        let restore = lock(&self.restore);
        match restore.iter().rev().find_map(|a| events_mask_of(a)) {
            Some(mask) => Some(mask),
            None => self.login.event_mask().map(str::to_owned),
        }
    }

    fn next_id(&self) -> String {
        format!("{}-{}", self.prefix, self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Sends `action` and waits for its answer; with `awaits`, also for the
    /// event of that name carrying its ActionID.
    fn request(
        &self,
        action: &dyn Action,
        timeout: Option<Duration>,
        awaits: Option<&'static str>,
    ) -> Result<(Response, Option<Message>), Error> {
        let own = action.action_id();
        let id = match own {
            Some(own) => own_wire_id(&self.prefix, own)?,
            None => self.next_id(),
        };
        let name = action.action_name();
        let mut bytes = Vec::with_capacity(256);
        encode_action(action, Some(&id), &mut bytes)?;
        let not_sent = |reason: String| Error::NotSent { action: name.to_owned(), reason };
        // Registered and written under the writer's lock: a link going down
        // takes the lock first, so the slot is failed as "outcome unknown"
        // only if it was written on that link, and a slot is never written on
        // a later link.
        let slot = {
            let mut writer = lock(&self.writer);
            let Some(w) = writer.as_mut() else {
                return Err(not_sent("not connected (the service is reconnecting or stopped)".into()));
            };
            // An action whose answer is no message (IAXnetstats) waits for nothing.
            let slot = if action.expects_response() {
                Some(self.pending.register(
                    &id,
                    own,
                    name,
                    awaits,
                    self.options.max_in_flight,
                    self.config.max_list_items,
                )?)
            } else {
                None
            };
            if let Err(e) = w.write_all(&bytes) {
                // A part of an action is never acted on: the link closes now.
                w.shutdown();
                self.pending.remove(&id);
                return Err(not_sent(Error::io(Phase::Write, e).to_string()));
            }
            slot
        };
        ami_log!(debug, "sent {name} (ActionID {id})");
        let Some(slot) = slot else { return Ok((Response::synthetic(), None)) };
        let until = deadline(timeout);
        let result = as_callers(slot.wait_response(until), own).and_then(|response| {
            let event = match awaits {
                Some(_) => Some(slot.wait_event(until)?),
                None => None,
            };
            let event = match (event, own) {
                (Some(e), Some(own)) => Some(e.with_action_id(own)),
                (event, _) => event,
            };
            Ok((response, event))
        });
        self.pending.remove(&id);
        result
    }

    /// Delivers `batch` to every subscription that wants its items.
    ///
    /// When a queue fills up, the reader eases off before it must drop:
    /// past half full it yields its time slice (on a machine with fewer
    /// cores than busy threads the consumer then runs first; where a core is
    /// free this costs nothing), past three quarters it pauses a millisecond
    /// before its next read. It never waits longer, so it still reads tens of
    /// megabytes a second, far more than any Asterisk sends: a consumer that
    /// is briefly slower catches up, one that stopped still has its events
    /// dropped and counted, and the server never sees a stalled client.
    fn publish(&self, batch: &mut Batch, cache: &mut SubscriberCache) {
        if batch.is_empty() {
            return;
        }
        self.subs.refresh(cache);
        let done = batch.deliver(&cache.1);
        if done.abandoned {
            self.subs.change(|list| list.retain(|q| !q.is_abandoned()));
        }
        match done.fill {
            0 | 1 => {}
            2 => std::thread::yield_now(),
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }

    fn publish_one(&self, item: Incoming) {
        let mut batch = Batch::new();
        batch.push(item);
        self.publish(&mut batch, &mut (u64::MAX, Arc::default()));
    }

    fn subscribe(&self, filter: Filter, limits: QueueLimits) -> Subscription {
        let q = Queue::new(filter, limits);
        if self.stopping() {
            q.close();
        }
        self.subs.change(|list| list.push(q.clone()));
        Subscription::new(q)
    }

    /// The handlers, with their dispatcher started.
    fn handlers(&self) -> &Handlers {
        if !self.handlers.started() {
            self.handlers.start(self.subscribe(Filter::all(), self.options.queue));
        }
        &self.handlers
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
    /// A service that is not connected yet: subscribe and register handlers,
    /// then [`start`](Service::start) it, and each subscription and handler
    /// receives everything from the login answer on.
    pub fn new(config: Config, login: Login, options: ServiceOptions) -> Service {
        let shared = Arc::new(Shared {
            prefix: ActionIds::new().prefix().to_owned(),
            next_id: AtomicU64::new(1),
            writer: Mutex::new(None),
            pending: Pending::default(),
            subs: Subscribers::default(),
            handlers: Arc::default(),
            restore: Mutex::new(Vec::new()),
            started: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            connected: AtomicBool::new(false),
            liveness: Liveness::new(),
            reconnects: AtomicU64::new(0),
            last_error: Mutex::new(None),
            close_reason: Mutex::new(None),
            wake: (Mutex::new(()), Condvar::new()),
            config,
            login,
            options,
        });
        Service { handle: Arc::new(Handle { shared }) }
    }

    /// [`new`](Service::new) and [`start`](Service::start) at once, for
    /// programs that subscribe to nothing before the login.
    pub fn connect(config: Config, login: Login, options: ServiceOptions) -> Result<Service, Error> {
        let service = Service::new(config, login, options);
        service.start()?;
        Ok(service)
    }

    /// Connects, logs in and starts the reader (and keepalive) thread. A
    /// first connection that fails is an error (no retry), and stops the
    /// service. Starting a started service does nothing.
    pub fn start(&self) -> Result<(), Error> {
        let shared = &self.handle.shared;
        if shared.started.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let linked = open_session(&shared.config, &shared.login, &[]).and_then(|s| reader::install(shared, s, false));
        let (read, decoder) = match linked {
            Ok(link) => link,
            Err(e) => {
                shared.stop();
                return Err(e);
            }
        };
        reader::spawn(shared.clone(), read, decoder);
        if let Some(interval) = shared.options.keepalive_interval {
            reader::spawn_keepalive(shared.clone(), interval);
        }
        Ok(())
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// Sends an action and waits for its answer (list items included), with
    /// the configured response timeout. Safe to call from any thread, and
    /// from a handler.
    ///
    /// Errors say whether the action went out: [`Error::NotSent`] and
    /// [`Error::InFlightLimit`] (it did not: safe to retry),
    /// [`Error::OutcomeUnknown`] (it was written, then the link dropped),
    /// [`Error::Timeout`] (it was written; no answer in time), or the
    /// server's refusal ([`Error::ActionFailed`] and the like). A list that
    /// does not complete gives [`Error::ListIncomplete`] with the items
    /// received.
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

    /// The prefix of this service's ActionIDs (random, kept across
    /// reconnects).
    pub fn action_id_prefix(&self) -> &str {
        &self.shared().prefix
    }

    /// The id you gave with [`Action::with_action_id`] when `message`
    /// (an event from a subscription, say) carries the ActionID of an action
    /// sent through this service with it; `None` otherwise.
    pub fn own_action_id<'m>(&self, message: &'m Message) -> Option<Cow<'m, str>> {
        own_action_id(&self.shared().prefix, message)
    }

    /// Sends `Ping`.
    pub fn ping(&self) -> Result<(), Error> {
        self.send(&RawAction::new("Ping")).map(drop)
    }

    /// Runs a CLI command; see [`Session::command`].
    pub fn command(&self, command: &str) -> Result<Vec<String>, Error> {
        command_result(command, self.send(&RawAction::new("Command").header("Command", command)))
    }

    /// Places a call: sends the `Originate` with `Async: true` (whatever
    /// the action says) and waits, up to `timeout` in all, for the
    /// `OriginateResponse` carrying its ActionID. The event is also
    /// delivered to subscriptions as usual. The rules ([`OriginateOutcome`])
    /// are the same as for [`Session::originate`]: a service whose event
    /// mask (the login's, or that of the last `Events` action sent through
    /// it) leaves out `call` fails with [`Error::NoCallEvents`] before
    /// sending anything.
    ///
    /// What a dialer should do with each error:
    /// - [`Error::NotSent`], [`Error::InFlightLimit`], [`Error::Encode`],
    ///   [`Error::NoCallEvents`], [`Error::DuplicateActionId`]: no call was
    ///   placed; originate again when the link is back (or later).
    /// - [`Error::OutcomeUnknown`]: the Originate was written, then the link
    ///   dropped. The call may be ringing. Do not originate again blindly:
    ///   after the reconnect look for it (`CoreShowChannels`, or the
    ///   `ChannelId` you gave it), or treat the attempt as done.
    /// - [`Error::Timeout`]: the Originate was written and the link is up,
    ///   but its answer (`phase: Phase::Response`) or its
    ///   `OriginateResponse` (`phase: Phase::OriginateResponse`) did not come
    ///   in time; the call may still be placed. Same as above.
    /// - A refusal ([`Error::ActionFailed`], [`Error::PermissionDenied`]):
    ///   Asterisk did not queue the call.
    pub fn originate(&self, action: &dyn Action, timeout: Option<Duration>) -> Result<OriginateOutcome, Error> {
        let shared = self.shared();
        check_call_events(shared.event_mask().as_deref())?;
        let (queued, event) = shared.request(&AsyncOriginate(action), timeout, Some("OriginateResponse"))?;
        Ok(OriginateOutcome::of(queued, event.expect("requested an awaited event")))
    }

    /// A new subscription with the default [`QueueLimits`] of the options.
    /// Made before [`start`](Service::start), it receives everything from
    /// the login answer on; made later, what arrives from then on.
    pub fn subscribe(&self, filter: Filter) -> Subscription {
        self.shared().subscribe(filter, self.shared().options.queue)
    }

    /// A new subscription with its own bounds and overflow policy.
    pub fn subscribe_with(&self, filter: Filter, limits: QueueLimits) -> Subscription {
        self.shared().subscribe(filter, limits)
    }

    /// Runs `handler` for every event called `name` (ASCII case-insensitive).
    ///
    /// Handlers run one at a time on the service's dispatcher thread, never
    /// on the reader: a slow handler delays other handlers, not the
    /// connection. The dispatcher reads a subscription like any other (the
    /// default [`QueueLimits`]); when it falls behind, items are dropped and
    /// notice handlers get [`Notice::Lagged`]. A handler that panics is
    /// counted ([`ServiceHealth::handler_panics`]), reported to notice
    /// handlers as [`Notice::HandlerPanicked`] (and logged with the `log`
    /// feature), and the dispatcher goes on. A handler may send actions
    /// through the service. Registered before [`start`](Service::start),
    /// handlers see the events that came with the login answer.
    pub fn on_event(&self, name: &str, handler: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.shared().handlers().on_event(name, handler)
    }

    /// Runs `handler` for every event.
    pub fn on_any_event(&self, handler: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.shared().handlers().on_any_event(handler)
    }

    /// Runs `handler` for every response that matched no pending action.
    pub fn on_unmatched_response(&self, handler: impl FnMut(&Message) + Send + 'static) -> HandlerId {
        self.shared().handlers().on_unmatched_response(handler)
    }

    /// Runs `handler` for each [`Notice`]: connection lost and restored,
    /// items the handlers missed, a handler that panicked.
    pub fn on_notice(&self, handler: impl FnMut(&Notice) + Send + 'static) -> HandlerId {
        self.shared().handlers().on_notice(handler)
    }

    /// Removes a handler; it is not called for any item after the one being
    /// handled now. Returns whether it was registered.
    pub fn remove_handler(&self, id: HandlerId) -> bool {
        self.shared().handlers.remove(id)
    }

    /// Whether the link is up right now.
    pub fn is_connected(&self) -> bool {
        self.shared().connected.load(Ordering::SeqCst)
    }

    /// Whether the service was stopped ([`close`](Service::close), the last
    /// handle dropped, a failed first connection, or the link lost with
    /// reconnecting off).
    pub fn is_stopped(&self) -> bool {
        self.shared().stopping()
    }

    /// Reconnects, last error, silence, actions in flight, handler panics.
    pub fn health(&self) -> ServiceHealth {
        let s = self.shared();
        ServiceHealth {
            connected: self.is_connected(),
            reconnects: s.reconnects.load(Ordering::Relaxed),
            last_error: lock(&s.last_error).clone(),
            since_last_byte: s.liveness.since_last_byte(),
            in_flight: s.pending.len(),
            handler_panics: s.handlers.panics(),
        }
    }

    /// Logs off (best effort, briefly) and stops the service.
    ///
    /// What was queued stays readable: subscriptions give every item queued
    /// before the stop, then [`Closed`]. Handlers are run for every item
    /// queued for them, and `close` returns once they have been (called from
    /// a handler, it returns at once and the dispatcher finishes after).
    pub fn close(self) {
        let shared = self.shared();
        // Stopping first: the server's close after Goodbye is then not a
        // lost connection to report and recover from.
        shared.stopping.store(true, Ordering::SeqCst);
        if self.is_connected() {
            let _ = shared.request(&RawAction::new("Logoff"), Some(Duration::from_secs(2)), None);
        }
        shared.stop();
        shared.handlers.join();
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
