//! A fake Asterisk manager server, for tests (feature `testkit`).
//!
//! [`FakeAsterisk`] is a real TCP server on `127.0.0.1` (a free port), one
//! thread per connection, no async runtime, that speaks AMI the way the
//! recorded Asterisk 22.10.1 sessions in this project's transcripts show it,
//! odd parts included:
//!
//! - the banner `Asterisk Call Manager/11.0.0`;
//! - `Login` with a plain secret or an MD5 challenge; `Authentication failed`
//!   about a second late (see [`Builder::auth_failure_delay`]), then the
//!   socket closes; `Already authenticated` for a second login;
//! - `FullyBooted` and `SuccessfulAuth` in the same write as the login
//!   answer, for a session that reads `system` and `security` events
//!   (`Events: off` at login gets neither);
//! - `Permission denied` for any action but `Login`, `Challenge` and
//!   `Logoff` before login, and for an action whose write class the user
//!   lacks; `Missing action in request`; `Invalid/unknown command`;
//! - the server's input limits (a line over 1022 bytes, a message over 128
//!   lines), and LF as well as CRLF line ends on input;
//! - built-in actions: `Ping`, `Logoff`, `Events`, `Command` (`core show
//!   version`, `core show uptime`, `core show channels`, and outputs a test
//!   adds; the Asterisk 13 format on request), `CoreShowChannels`, `Status`,
//!   `Setvar`/`Getvar`, `DBPut`/`DBGet`/`DBDel`, `QueueStatus`, `Hangup`
//!   (also `/regex/`), `UserEvent` and `Originate`;
//! - `Originate` places a call in a channel table (two halves for a `Local/`
//!   channel) with the events Asterisk emits (`Newchannel`, `Newexten`,
//!   `VarSet`, `DialBegin`, `Newstate`, `DialEnd`...); an `Async: true` one
//!   answers at once and later sends `OriginateResponse` with its ActionID to
//!   *every* session that reads call events, as Asterisk does. A test decides
//!   which channels are busy, unanswered... ([`Builder::originate_outcome`]).
//!
//! Events reach a session only once it is logged in, and only those of
//! classes it reads (the user's `read` classes, narrowed by `Events` at login
//! or by the `Events` action).
//!
//! Tests add to it at run time: answers to any action
//! ([`FakeAsterisk::on_action`]), events ([`FakeAsterisk::inject_event`]),
//! faults ([`Fault`]: a connection closed mid-message, a slow drip, garbage,
//! silence, floods...), a server restart ([`FakeAsterisk::kill_connections`],
//! [`FakeAsterisk::stop_listening`], [`FakeAsterisk::start_listening`]), and
//! read what clients sent ([`FakeAsterisk::requests`]).
//!
//! Users (from the transcripts; [`Builder::user`] adds more):
//!
//! | user | secret | read | write |
//! |---|---|---|---|
//! | `admin` | `admin-secret` | all | all |
//! | `readonly` | `ro-secret` | all | none |
//! | `originator` | `orig-secret` | call | originate, call |
//!
//! Dropping the server closes every connection and ends all its threads.
//! A client that stops reading cannot make it grow without bound: past
//! [`Builder::outbox_limit`] bytes of pending events, the connection is cut,
//! as Asterisk drops a client whose writes time out.
//!
//! # Example
//!
//! ```
//! use std::io::Write;
//! use std::net::TcpStream;
//! use std::time::Duration;
//!
//! use ami_core::testkit::FakeAsterisk;
//! use ami_core::{encode_action, Decoder, Message, RawAction};
//!
//! let fake = FakeAsterisk::start()?;
//! let mut tcp = TcpStream::connect(fake.addr())?;
//! tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
//!
//! let mut out = Vec::new();
//! let login = RawAction::new("Login")
//!     .header("Username", "admin")
//!     .header("Secret", "admin-secret")
//!     .header("Events", "off");
//! encode_action(&login, Some("login-1"), &mut out)?;
//! encode_action(&RawAction::new("Ping"), Some("ping-1"), &mut out)?;
//! tcp.write_all(&out)?;
//!
//! let mut decoder = Decoder::new();
//! let mut banner = None;
//! let mut answers: Vec<Message> = Vec::new();
//! while answers.len() < 2 {
//!     assert!(decoder.read_from(&mut tcp)? > 0, "server closed the connection");
//!     if banner.is_none() {
//!         banner = decoder.decode_banner()?;
//!     }
//!     if banner.is_some() {
//!         while let Some(m) = decoder.decode()? {
//!             answers.push(m);
//!         }
//!     }
//! }
//! assert_eq!(banner.unwrap().line(), "Asterisk Call Manager/11.0.0");
//! assert_eq!(answers[0].message().as_deref(), Some("Authentication accepted"));
//! assert_eq!(answers[1].action_id().as_deref(), Some("ping-1"));
//! assert_eq!(answers[1].get_str("Ping").as_deref(), Some("Pong"));
//! assert_eq!(fake.requests().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod actions;
mod calls;
mod cli;
mod clock;
mod conn;
mod fault;
mod input;
mod pattern;
mod registry;
mod server;
mod session;
mod users;
mod wire;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use calls::Outcome;
pub use fault::Fault;

use crate::Message;
use calls::Calls;
use server::{Config, Shared};
use users::{event_class, User};
use wire::Event;

/// Identifies one connection to the fake, for [`FakeAsterisk::inject_event_to`]
/// and in [`Request`] and [`SessionInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session {}", self.0)
    }
}

/// A connection open now.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionInfo {
    /// Its identity.
    pub id: SessionId,
    /// The client's address (the client socket's `local_addr`).
    pub peer: SocketAddr,
    /// The user it logged in as, if it did.
    pub username: Option<String>,
}

/// A message a client sent, as the fake read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// The connection it came on.
    pub session: SessionId,
    /// Its lines, CRLF-separated whatever line ends the client used (for a
    /// message over the line limits, the lines the server kept).
    pub message: Message,
}

/// A response to `request` for a handler to return: `Response: <response>`,
/// the request's ActionID if it had one, then `headers` in order.
///
/// ```
/// use ami_core::testkit::response;
/// use ami_core::Message;
///
/// let req = Message::from_pairs([("Action", "Custom"), ("ActionID", "7")]);
/// let answer = response(&req, "Success", &[("Message", "Done")]);
/// assert_eq!(answer.as_bytes(), b"Response: Success\r\nActionID: 7\r\nMessage: Done");
/// ```
pub fn response(request: &Message, response: &str, headers: &[(&str, &str)]) -> Message {
    let id = input::action_id(request).map(|id| ("ActionID".as_bytes(), id));
    let pairs = [("Response".as_bytes(), response.as_bytes())].into_iter().chain(id);
    Message::from_pairs(pairs.chain(headers.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes()))))
}

/// Configures a [`FakeAsterisk`] before it starts.
///
/// ```
/// use std::time::Duration;
/// use ami_core::testkit::{FakeAsterisk, Outcome};
///
/// let fake = FakeAsterisk::builder()
///     .user("dialer", "s3cret", "call", "originate,call")
///     .auth_failure_delay(Duration::from_millis(10))
///     .originate_outcome("^Local/busy@", Outcome::Busy)
///     .command_output("sip show peers", &["0 sip peers"])
///     .start()?;
/// assert!(fake.addr().ip().is_loopback());
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub struct Builder {
    banner: String,
    users: Vec<User>,
    auth_failure_delay: Duration,
    commands: Vec<(String, Vec<String>)>,
    old_command_format: bool,
    outcomes: Vec<(String, Outcome)>,
    call_duration: Option<Duration>,
    outbox_limit: usize,
    #[cfg(feature = "tls")]
    tls: Option<native_tls::Identity>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            banner: "Asterisk Call Manager/11.0.0".to_string(),
            users: users::default_users(),
            auth_failure_delay: Duration::from_secs(1),
            commands: Vec::new(),
            old_command_format: false,
            outcomes: Vec::new(),
            call_duration: None,
            outbox_limit: 16 * 1024 * 1024,
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

impl Builder {
    /// The first line sent on connect, without its CRLF (default
    /// `Asterisk Call Manager/11.0.0`, Asterisk 22).
    pub fn banner(mut self, line: impl Into<String>) -> Builder {
        self.banner = line.into();
        self
    }

    /// Adds a user, or replaces the one of that name. `read` and `write` are
    /// class lists as in manager.conf: `system,call`, `all`, or `""` for
    /// none. Classes: system, call, log, verbose, command, agent, user,
    /// config, dtmf, reporting, cdr, dialplan, originate, agi, cc, aoc,
    /// test, security, message, all; unknown names are ignored, as Asterisk
    /// ignores them.
    pub fn user(mut self, name: &str, secret: &str, read: &str, write: &str) -> Builder {
        self.users.retain(|u| !u.name.eq_ignore_ascii_case(name));
        self.users.push(User::new(name, secret, read, write));
        self
    }

    /// How long a failed login waits before `Authentication failed`
    /// (default 1 s, as Asterisk). Shorten it to keep tests fast.
    pub fn auth_failure_delay(mut self, delay: Duration) -> Builder {
        self.auth_failure_delay = delay;
        self
    }

    /// What the CLI command `command` prints, one line per item, through the
    /// `Command` action. Words are matched ignoring case and extra spaces;
    /// this also replaces a built-in command's output.
    pub fn command_output(mut self, command: &str, lines: &[&str]) -> Builder {
        let command = command.split_whitespace().collect::<Vec<_>>().join(" ");
        self.commands.push((command, lines.iter().map(|l| l.to_string()).collect()));
        self
    }

    /// Answers `Command` in the Asterisk 13 format: `Response: Follows`,
    /// `Privilege: Command`, the raw output with LF line ends, then
    /// `--END COMMAND--`.
    pub fn old_command_format(mut self, old: bool) -> Builder {
        self.old_command_format = old;
        self
    }

    /// How an `Originate` to a channel matching `channel_pattern` ends
    /// (default: answered). The pattern is matched against the `Channel`
    /// as requested, anywhere in it, with a small regex subset: literal
    /// characters, `.`, `*`, `^`, `$` and `\` escapes. The first matching
    /// rule wins.
    ///
    /// A failed call's `OriginateResponse` says `Response: Failure`, the
    /// outcome's `Reason` ([`Outcome::reason`], the codes
    /// [`OriginateReason`](crate::OriginateReason) reads: busy 5, no answer
    /// 3, congestion 8, failed 0), `Uniqueid: <unknown>` and the channel as
    /// requested; a synchronous originate answers `Originate failed`.
    pub fn originate_outcome(mut self, channel_pattern: &str, outcome: Outcome) -> Builder {
        self.outcomes.push((channel_pattern.to_string(), outcome));
        self
    }

    /// Ends every answered call after `duration` (Hangup events, cause 16
    /// `Normal Clearing`). By default a call stays until a `Hangup` action
    /// or [`FakeAsterisk::hangup`] ends it.
    pub fn call_duration(mut self, duration: Duration) -> Builder {
        self.call_duration = Some(duration);
        self
    }

    /// Most bytes of events that may wait for one client (default 16 MiB);
    /// a client that lets more pile up is disconnected.
    pub fn outbox_limit(mut self, bytes: usize) -> Builder {
        self.outbox_limit = bytes;
        self
    }

    /// Serves TLS with this identity (feature `tls`); clients must trust its
    /// certificate.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, identity: native_tls::Identity) -> Builder {
        self.tls = Some(identity);
        self
    }

    /// Starts the server on `127.0.0.1` and a free port.
    pub fn start(self) -> io::Result<FakeAsterisk> {
        let config = Config {
            banner: self.banner,
            users: self.users,
            auth_failure_delay: self.auth_failure_delay,
            commands: self.commands,
            old_command_format: self.old_command_format,
            call_duration: self.call_duration,
            outbox_limit: self.outbox_limit,
            #[cfg(feature = "tls")]
            tls: match self.tls {
                Some(identity) => Some(
                    native_tls::TlsAcceptor::new(identity)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
                ),
                None => None,
            },
        };
        let calls = Calls::new(clock::unix_secs(SystemTime::now()), self.outcomes);
        Ok(FakeAsterisk { shared: Shared::start(config, calls)? })
    }
}

/// A fake Asterisk manager server; see the [module documentation](self).
///
/// Dropping it stops listening, closes every connection and waits for its
/// threads to end.
pub struct FakeAsterisk {
    shared: Arc<Shared>,
}

impl fmt::Debug for FakeAsterisk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeAsterisk").field("addr", &self.addr()).finish_non_exhaustive()
    }
}

impl FakeAsterisk {
    /// Starts a server with the default configuration.
    pub fn start() -> io::Result<FakeAsterisk> {
        Builder::default().start()
    }

    /// A builder, to configure users, outcomes, TLS...
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The address clients connect to. It stays the same across
    /// [`stop_listening`](Self::stop_listening) and
    /// [`start_listening`](Self::start_listening).
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// Connections accepted since the server started.
    pub fn connections(&self) -> usize {
        self.shared.connections()
    }

    /// The connections open now.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let sessions = self.shared.sessions.all();
        sessions.iter().map(|s| SessionInfo { id: s.id, peer: s.peer, username: s.username() }).collect()
    }

    /// Every message clients sent so far, in the order read, from every
    /// connection (also those a [`Fault::Silence`] left unanswered).
    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests()
    }

    /// Answers `action` (any case) with what `handler` returns, instead of
    /// the built-in action if there is one: any number of messages, written
    /// as given (use [`response`] to echo the ActionID). Returning nothing
    /// withholds the answer. Before login, only `Login`, `Challenge` and
    /// `Logoff` reach a handler; after login, handlers need no write class.
    ///
    /// ```
    /// use ami_core::testkit::{response, FakeAsterisk};
    ///
    /// let fake = FakeAsterisk::start()?;
    /// // Answers twice, the second time without ActionID.
    /// fake.on_action("Twice", |req| {
    ///     vec![
    ///         response(req, "Success", &[("Message", "first")]),
    ///         ami_core::Message::from_pairs([("Response", "Success"), ("Message", "second")]),
    ///     ]
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn on_action<F>(&self, action: &str, handler: F)
    where
        F: Fn(&Message) -> Vec<Message> + Send + Sync + 'static,
    {
        self.shared.set_handler(action, Arc::new(handler));
    }

    /// Sends an event to every logged-in session that reads its class: the
    /// classes named in its `Privilege` header (`call,all` is class `call`);
    /// an event without one goes to every session that has events on.
    /// Returns how many sessions it was queued for.
    pub fn inject_event(&self, event: &Message) -> usize {
        let class = event.get_str("Privilege").map_or(0, |p| event_class(&p));
        self.shared.sessions.broadcast(&[Event { class, bytes: event.to_wire() }], None)
    }

    /// Sends an event (or any message) to one session, whatever it reads.
    /// Returns false if that session is gone.
    pub fn inject_event_to(&self, session: SessionId, event: &Message) -> bool {
        self.shared.sessions.get(session).map(|s| s.push(&event.to_wire())).is_some()
    }

    /// Arms `fault` for the next connection accepted; each call arms one
    /// more connection. See [`Fault`].
    pub fn fault_next_connection(&self, fault: Fault) {
        self.shared.arm_connection_fault(fault);
    }

    /// Arms `fault` for the next request of `action` (any case), on any
    /// connection. See [`Fault`].
    pub fn fault_on_action(&self, action: &str, fault: Fault) {
        self.shared.arm_action_fault(action, fault);
    }

    /// The names of the channels up now (two per `Local/` call).
    pub fn channels(&self) -> Vec<String> {
        server::lock(&self.shared.calls).legs().map(|l| l.channel.clone()).collect()
    }

    /// Hangs up the call that has `channel` (Hangup events, cause 16);
    /// false if there is no such channel.
    pub fn hangup(&self, channel: &str) -> bool {
        self.shared.hang_up(channel)
    }

    /// Closes every open connection at once, as a crashing server would.
    /// The server keeps listening unless [`stop_listening`](Self::stop_listening)
    /// is called too.
    pub fn kill_connections(&self) {
        self.shared.sessions.cut_all();
    }

    /// Closes the listening socket: new connections are refused. Open
    /// connections stay.
    pub fn stop_listening(&self) {
        self.shared.stop_listening();
    }

    /// Listens again on the same address; does nothing if listening.
    pub fn start_listening(&self) -> io::Result<()> {
        self.shared.start_listening()
    }
}

impl Drop for FakeAsterisk {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}
