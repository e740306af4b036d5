//! The state every connection shares, the listening socket and its accept
//! loop, and the threads the server runs (stopped and joined on shutdown).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::mem;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

use super::calls::Calls;
use super::fault::Fault;
use super::registry::{Registry, SessionHandle};
use super::replay::ReplayConfig;
use super::session;
use super::transfer::Extension;
use super::users::User;
use super::wire::Event;
use super::{Request, SessionId};
use crate::Message;

/// How long the accept loop and idle sessions wait before looking again
/// for work (a stop request, events queued by other threads).
pub(crate) const POLL: Duration = Duration::from_millis(5);

/// Locks a mutex even if a thread panicked while holding it: the fake keeps
/// serving the other connections.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the builder decided; fixed once the server runs.
pub(crate) struct Config {
    pub(crate) banner: String,
    pub(crate) users: Vec<User>,
    pub(crate) auth_failure_delay: Duration,
    /// CLI commands (words separated by one space) and their output lines.
    pub(crate) commands: Vec<(String, Vec<String>)>,
    pub(crate) old_command_format: bool,
    pub(crate) call_duration: Option<Duration>,
    pub(crate) outbox_limit: usize,
    /// The fake's dialplan, for channels that are transferred.
    pub(crate) extensions: Vec<Extension>,
    /// Where to listen.
    pub(crate) bind: SocketAddr,
    /// A recording to play back, if any.
    pub(crate) replay: Option<ReplayConfig>,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<native_tls::TlsAcceptor>,
}

/// A test's answer to an action.
pub(crate) type Handler = Arc<dyn Fn(&Message) -> Vec<Message> + Send + Sync>;

/// Faults waiting to fire.
#[derive(Default)]
struct Faults {
    next_connections: VecDeque<Fault>,
    on_action: Vec<(String, Fault)>,
}

/// The server is shutting down; sleeping threads wake up for it.
#[derive(Default)]
pub(crate) struct Shutdown {
    down: Mutex<bool>,
    wake: Condvar,
}

impl Shutdown {
    fn trigger(&self) {
        *lock(&self.down) = true;
        self.wake.notify_all();
    }

    pub(crate) fn is_set(&self) -> bool {
        *lock(&self.down)
    }

    /// Sleeps for `d`, or less if the server shuts down; returns whether it does.
    pub(crate) fn wait(&self, d: Duration) -> bool {
        let down = lock(&self.down);
        let (down, _) = self.wake.wait_timeout_while(down, d, |down| !*down).unwrap_or_else(PoisonError::into_inner);
        *down
    }
}

/// The accept loop's thread and its stop switch.
struct Listener {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

/// Everything the server's threads share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    /// The listening address; it stays the same across restarts.
    pub(crate) addr: SocketAddr,
    pub(crate) started: SystemTime,
    pub(crate) sessions: Registry,
    pub(crate) calls: Mutex<Calls>,
    pub(crate) globals: Mutex<HashMap<String, String>>,
    pub(crate) astdb: Mutex<HashMap<(String, String), String>>,
    pub(crate) shutdown: Shutdown,
    handlers: RwLock<HashMap<String, Handler>>,
    faults: Mutex<Faults>,
    requests: Mutex<Vec<Request>>,
    unmatched: Mutex<Vec<Request>>,
    connections: AtomicUsize,
    next_session: AtomicU64,
    threads: Mutex<Vec<JoinHandle<()>>>,
    listener: Mutex<Option<Listener>>,
}

impl Shared {
    /// Binds the configured address (by default `127.0.0.1` on a free
    /// port) and starts accepting connections.
    pub(crate) fn start(config: Config, calls: Calls) -> io::Result<Arc<Shared>> {
        let listener = TcpListener::bind(config.bind)?;
        let shared = Arc::new(Shared {
            config,
            addr: listener.local_addr()?,
            started: SystemTime::now(),
            sessions: Registry::default(),
            calls: Mutex::new(calls),
            globals: Mutex::default(),
            astdb: Mutex::default(),
            shutdown: Shutdown::default(),
            handlers: RwLock::default(),
            faults: Mutex::default(),
            requests: Mutex::default(),
            unmatched: Mutex::default(),
            connections: AtomicUsize::new(0),
            next_session: AtomicU64::new(1),
            threads: Mutex::default(),
            listener: Mutex::default(),
        });
        shared.listen(listener)?;
        Ok(shared)
    }

    /// Listens again on the same address after [`Shared::stop_listening`].
    pub(crate) fn start_listening(self: &Arc<Self>) -> io::Result<()> {
        if lock(&self.listener).is_some() {
            return Ok(());
        }
        self.listen(TcpListener::bind(self.addr)?)
    }

    fn listen(self: &Arc<Self>, listener: TcpListener) -> io::Result<()> {
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, flag) = (Arc::clone(self), Arc::clone(&stop));
        let thread = thread::Builder::new()
            .name("fake-asterisk-accept".to_string())
            .spawn(move || accept_loop(&shared, &listener, &flag))?;
        *lock(&self.listener) = Some(Listener { stop, thread });
        Ok(())
    }

    /// Closes the listening socket; live connections stay.
    pub(crate) fn stop_listening(&self) {
        if let Some(listener) = lock(&self.listener).take() {
            listener.stop.store(true, Ordering::SeqCst);
            let _ = listener.thread.join();
        }
    }

    /// Stops listening, cuts every connection, wakes sleeping threads, and
    /// waits for all of them to end.
    pub(crate) fn shut_down(&self) {
        self.shutdown.trigger();
        self.stop_listening();
        self.sessions.cut_all();
        loop {
            let threads = mem::take(&mut *lock(&self.threads));
            if threads.is_empty() {
                break;
            }
            threads.into_iter().for_each(|t| {
                let _ = t.join();
            });
        }
    }

    /// Runs `f` on a new thread that shutdown waits for; does nothing once
    /// the server is shutting down.
    pub(crate) fn spawn(&self, name: &str, f: impl FnOnce() + Send + 'static) {
        let mut threads = lock(&self.threads);
        if self.shutdown.is_set() {
            return;
        }
        threads.retain(|t| !t.is_finished());
        if let Ok(t) = thread::Builder::new().name(name.to_string()).spawn(f) {
            threads.push(t);
        }
    }

    /// Connections accepted since the start.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub(crate) fn set_handler(&self, action: &str, handler: Handler) {
        self.handlers.write().unwrap_or_else(PoisonError::into_inner).insert(action.to_ascii_lowercase(), handler);
    }

    /// The test's handler for `action` (any case), if any.
    pub(crate) fn handler(&self, action: &str) -> Option<Handler> {
        self.handlers.read().unwrap_or_else(PoisonError::into_inner).get(&action.to_ascii_lowercase()).cloned()
    }

    pub(crate) fn arm_connection_fault(&self, fault: Fault) {
        lock(&self.faults).next_connections.push_back(fault);
    }

    pub(crate) fn arm_action_fault(&self, action: &str, fault: Fault) {
        lock(&self.faults).on_action.push((action.to_string(), fault));
    }

    /// Takes the fault armed for `action` (any case), if any.
    pub(crate) fn take_action_fault(&self, action: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults.on_action.iter().position(|(a, _)| a.eq_ignore_ascii_case(action))?;
        Some(faults.on_action.remove(i).1)
    }

    pub(crate) fn record(&self, session: SessionId, message: Message) {
        lock(&self.requests).push(Request { session, message });
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        lock(&self.requests).clone()
    }

    /// Notes a request that no recorded action matched (replay).
    pub(crate) fn record_unmatched(&self, session: SessionId, message: Message) {
        lock(&self.unmatched).push(Request { session, message });
    }

    pub(crate) fn unmatched(&self) -> Vec<Request> {
        lock(&self.unmatched).clone()
    }

    /// Sends events to every session that reads their class.
    pub(crate) fn emit(&self, events: &[Event]) {
        self.sessions.broadcast(events, None);
    }

    /// Hangs up the call that has channel `name`; false if there is none.
    pub(crate) fn hang_up(&self, name: &str) -> bool {
        let events = lock(&self.calls).hang_up(name);
        events.map(|events| self.emit(&events)).is_some()
    }

    /// Ends the answered call `id` after the configured call duration, if any.
    pub(crate) fn schedule_end(self: &Arc<Self>, id: u64) {
        let Some(after) = self.config.call_duration else { return };
        let shared = Arc::clone(self);
        self.spawn("fake-asterisk-call", move || {
            if !shared.shutdown.wait(after) {
                let events = lock(&shared.calls).end(id);
                shared.emit(&events);
            }
        });
    }
}

fn accept_loop(shared: &Arc<Shared>, listener: &TcpListener, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((tcp, peer)) => {
                // A socket that cannot be set up is dropped: the client sees EOF.
                let _ = open_session(shared, tcp, peer);
            }
            // Nothing to accept (or out of descriptors): look again shortly.
            Err(_) => thread::sleep(POLL),
        }
    }
}

fn open_session(shared: &Arc<Shared>, tcp: TcpStream, peer: SocketAddr) -> io::Result<()> {
    tcp.set_nonblocking(false)?;
    tcp.set_nodelay(true)?;
    let id = SessionId(shared.next_session.fetch_add(1, Ordering::SeqCst));
    let handle = Arc::new(SessionHandle::new(id, peer, tcp.try_clone()?, shared.config.outbox_limit));
    shared.connections.fetch_add(1, Ordering::SeqCst);
    shared.sessions.add(Arc::clone(&handle));
    let fault = lock(&shared.faults).next_connections.pop_front();
    let s = Arc::clone(shared);
    shared.spawn("fake-asterisk-session", move || session::run(s, handle, tcp, fault));
    Ok(())
}
