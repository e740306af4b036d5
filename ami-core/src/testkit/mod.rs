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
//!   (also `/regex/`), `UserEvent`, `Originate` (and those of bridges,
//!   transfers and queues, below), and `IAXnetstats`, answered with a bare
//!   empty line as Asterisk 22 does;
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
//! Calls live on after they are placed, as on a real server:
//!
//! - bridges as Asterisk 22's basic bridges: `BridgeCreate`, `BridgeEnter`,
//!   `BridgeLeave`, `BridgeDestroy`, the oldest `Linkedid` spreading to
//!   the channels bridged, `BRIDGEPEER`; a bridge dissolves when one of its
//!   channels hangs up or is kicked; `BridgeId` in `CoreShowChannel` and
//!   `Status`. Channels are bridged by the `Bridge` action, by
//!   [`FakeAsterisk::dial`] (a channel dials another, which answers) and
//!   by queues;
//! - blind transfers of a bridged channel (`BlindTransfer` event, both
//!   parties leave, the transferee runs the new extension of the fake's
//!   small dialplan, [`Builder::extension`]);
//! - call queues ([`Builder::queue`]): members (`QueueAdd`,
//!   `QueueRemove`, `QueuePause`, [`Builder::queue_member`]), callers
//!   waiting in line ([`FakeAsterisk::enqueue`], an `Originate` with
//!   `Application: Queue`, a transfer to an extension running `Queue`), a
//!   free member taking the first caller, with the `QueueCaller*`,
//!   `QueueMember*` and `Agent*` events of `app_queue`;
//! - hold ([`FakeAsterisk::hold`]): `Hold`/`Unhold`, music on hold for the
//!   other party.
//!
//! The actions: `Bridge`, `BridgeList`, `BridgeInfo`, `BridgeKick`,
//! `BridgeDestroy`, `BridgeTechnologyList`, `BlindTransfer`, `Atxfer`,
//! `CancelAtxfer`, `QueueStatus`, `QueueSummary`, `QueueAdd`,
//! `QueueRemove`, `QueuePause`.
//!
//! Where the fake is simpler than Asterisk 22:
//!
//! - its bridges are two-party basic bridges (`simple_bridge`): no native,
//!   holding, parking or conference bridges, no bridge merges;
//! - a channel that `Dial` or a queue calls answers at once; the `DIAL*`
//!   and `QUEUE*` variables (but `QUEUEPOSITION`) are not set;
//! - queues ring the first free member in their order, whatever the
//!   strategy (`QueueStatus` says `ringall`); no penalties, wrap-up time,
//!   ring-in-use, announcements or timeouts; the service level is 0 s; no
//!   `DeviceStateChange` for the `Queue:` devices;
//! - `Atxfer` answers as Asterisk does and sets `TRANSFER_CONTEXT`, but the
//!   attended transfer its DTMF would start is not emulated (no second
//!   call, no `AttendedTransfer` event);
//! - there is no dialplan beyond [`Builder::extension`]: a channel that
//!   leaves a bridge without hanging up (the other party of a dissolved
//!   bridge, a transferer) stays where it was, with no further events.
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
mod bridges;
mod calls;
mod cli;
mod clock;
mod conn;
mod dial;
mod fault;
mod hangup;
mod input;
mod pattern;
mod queues;
mod registry;
mod replay;
mod server;
mod session;
mod transfer;
mod users;
mod wire;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use crate::record::Recording;
pub use calls::Outcome;
pub use fault::Fault;

use crate::Message;
use calls::Calls;
use queues::{QueueSetup, Queues};
use server::{Config, Shared};
use transfer::Extension;
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
    queues: Vec<QueueSetup>,
    extensions: Vec<Extension>,
    bind: SocketAddr,
    replay: Option<Recording>,
    replay_speed: Option<f64>,
    replay_loop: bool,
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
            queues: Vec::new(),
            extensions: Vec::new(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            replay: None,
            replay_speed: Some(1.0),
            replay_loop: false,
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

    /// Adds a call queue called `name`, as a `[name]` section of queues.conf
    /// would (strategy `ringall`, no members): `QueueStatus`,
    /// `QueueSummary`, `QueueAdd`... see it, callers join it (an
    /// `Originate` with `Application: Queue` and `Data: <name>`,
    /// [`FakeAsterisk::enqueue`], a transfer to an
    /// [`extension`](Self::extension) running `Queue`), and its members take
    /// them. Adding a queue twice keeps one.
    ///
    /// ```
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::builder()
    ///     .queue("support")
    ///     .queue_member("support", "PJSIP/200", "Alice")
    ///     .start()?;
    /// let config = Config::new("127.0.0.1", fake.addr().port());
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events_off())?;
    /// let status = ami.send(&RawAction::new("QueueStatus"))?;
    /// let names: Vec<_> = status.items().iter().map(|e| e.event_name().unwrap().into_owned()).collect();
    /// assert_eq!(names, ["QueueParams", "QueueMember"]);
    /// assert_eq!(status.items()[1].get_str("Name").as_deref(), Some("Alice"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queue(mut self, name: &str) -> Builder {
        if !self.queues.iter().any(|q| q.name.eq_ignore_ascii_case(name)) {
            self.queues.push(QueueSetup { name: name.to_string(), members: Vec::new() });
        }
        self
    }

    /// Adds a static member to queue `queue` (which this adds if needed), as
    /// a `member =>` line of queues.conf: `interface` (`PJSIP/200`,
    /// `Local/agent1@agents/n`...) under `member_name` (the interface when
    /// empty). Static members show `Membership: static` and cannot be
    /// removed by `QueueRemove` (`Member not dynamic`).
    pub fn queue_member(mut self, queue: &str, interface: &str, member_name: &str) -> Builder {
        self = self.queue(queue);
        if let Some(q) = self.queues.iter_mut().find(|q| q.name.eq_ignore_ascii_case(queue)) {
            q.members.push((interface.to_string(), member_name.to_string()));
        }
        self
    }

    /// An extension of the fake's dialplan: a channel that is transferred to
    /// `exten@context` (`BlindTransfer`) runs `application(data)` there,
    /// from priority 1. `Queue` joins the queue named first in `data`;
    /// `Dial` calls the dial string first in `data` (it answers, and both
    /// are bridged); any other application just runs. An extension that is
    /// not configured answers, then waits, as every extension of the fake.
    ///
    /// ```
    /// use ami_core::testkit::FakeAsterisk;
    ///
    /// let fake = FakeAsterisk::builder()
    ///     .queue("support")
    ///     .extension("from-internal", "600", "Queue", "support")
    ///     .extension("from-internal", "700", "Dial", "PJSIP/700,30")
    ///     .start()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn extension(mut self, context: &str, exten: &str, application: &str, data: &str) -> Builder {
        self.extensions.retain(|e| e.context != context || e.exten != exten);
        self.extensions.push(Extension {
            context: context.to_string(),
            exten: exten.to_string(),
            app: application.to_string(),
            data: data.to_string(),
        });
        self
    }

    /// Serves TLS with this identity (feature `tls`); clients must trust its
    /// certificate.
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    pub fn tls(mut self, identity: native_tls::Identity) -> Builder {
        self.tls = Some(identity);
        self
    }

    /// Serves TLS with a certificate chain and its private key in PEM
    /// (PKCS #8), as `--cert` and `--key` files hold them (feature `tls`).
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    pub fn tls_pem(self, cert_pem: &[u8], key_pem: &[u8]) -> io::Result<Builder> {
        let identity = native_tls::Identity::from_pkcs8(cert_pem, key_pem)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(self.tls(identity))
    }

    /// Where to listen (default `127.0.0.1:0`: the loopback address, a free
    /// port). A fixed port lets a shell user or another program find it;
    /// [`FakeAsterisk::addr`] says which port port 0 got.
    pub fn bind(mut self, addr: SocketAddr) -> Builder {
        self.bind = addr;
        self
    }

    /// Plays `recording` back (see [`Recording`] for the format).
    ///
    /// The fake still answers `Login` (plain and MD5), `Challenge`, `Ping`
    /// and `Logoff` itself, for its own users (the recorded login is
    /// redacted and never matched). Every other action is answered from
    /// the recording: matched to a recorded action of the same name and
    /// parameters (names ignoring case, in any order; the ActionID aside),
    /// the first such action not used yet on this connection, else the
    /// last one; its recorded answer (the response, and the items of an
    /// event list) is sent with the caller's ActionID. An action that
    /// matches nothing gets `Response: Error` with a message saying so, and
    /// is listed by [`FakeAsterisk::unmatched`].
    ///
    /// Each connection that logs in with events on gets the recorded events
    /// that came after the recorded login answer (those of the classes it
    /// reads), at the recorded pace from its own login
    /// ([`replay_speed`](Self::replay_speed)), repeated if
    /// [`replay_loop`](Self::replay_loop). A recorded event that carries the
    /// ActionID of a recorded action (an `OriginateResponse`) waits until
    /// this connection has sent that action, then carries the caller's
    /// ActionID; if the action does not come within 5 s, it goes out as
    /// recorded. Server answers without an ActionID, and responses to
    /// actions the recording does not hold, are not played.
    ///
    /// ```
    /// use ami_core::record::{self, Recorder, Recording, SharedBuffer};
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Login, RawAction};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Record a session against the live fake...
    /// let live = FakeAsterisk::start()?;
    /// let buffer = SharedBuffer::default();
    /// let recorder = Recorder::new(buffer.clone(), "demo")?;
    /// let config = Config::new("127.0.0.1", live.addr().port());
    /// let mut ami = record::connect(&config, recorder.clone())?.login(&Login::new("admin", "admin-secret"))?;
    /// let live_answer = ami.send(&RawAction::new("Setvar").header("Variable", "greeting").header("Value", "hello"))?;
    /// ami.logoff()?;
    /// recorder.finish()?;
    ///
    /// // ...and play it back.
    /// let recording = Recording::parse("demo", &String::from_utf8(buffer.contents())?)?;
    /// let replay = FakeAsterisk::builder().replay(recording).start()?;
    /// let config = Config::new("127.0.0.1", replay.addr().port());
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").md5())?;
    /// let answer = ami.send(&RawAction::new("Setvar").header("Variable", "greeting").header("Value", "hello"))?;
    /// assert_eq!(answer.message().message(), live_answer.message().message());
    /// assert!(ami.send(&RawAction::new("Setvar").header("Variable", "greeting").header("Value", "bye")).is_err());
    /// assert_eq!(replay.unmatched().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn replay(mut self, recording: Recording) -> Builder {
        self.replay = Some(recording);
        self
    }

    /// How fast recorded events are played: 1.0 (the default) at the
    /// recorded pace, 2.0 twice as fast...; 0, a negative or an infinite
    /// factor: as fast as possible.
    pub fn replay_speed(mut self, speed: f64) -> Builder {
        self.replay_speed = (speed.is_finite() && speed > 0.0).then_some(speed);
        self
    }

    /// Whether a connection's recorded events start again after the last
    /// one (default no).
    pub fn replay_loop(mut self, looping: bool) -> Builder {
        self.replay_loop = looping;
        self
    }

    /// Starts the server (on `127.0.0.1` and a free port, unless
    /// [`bind`](Self::bind) says otherwise).
    pub fn start(self) -> io::Result<FakeAsterisk> {
        let config = Config {
            banner: self.banner,
            users: self.users,
            auth_failure_delay: self.auth_failure_delay,
            commands: self.commands,
            old_command_format: self.old_command_format,
            call_duration: self.call_duration,
            outbox_limit: self.outbox_limit,
            extensions: self.extensions,
            bind: self.bind,
            replay: self.replay.as_ref().map(|r| replay::ReplayConfig {
                script: replay::Script::new(r),
                speed: self.replay_speed,
                looping: self.replay_loop,
            }),
            #[cfg(feature = "tls")]
            tls: match self.tls {
                Some(identity) => Some(
                    native_tls::TlsAcceptor::new(identity)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
                ),
                None => None,
            },
        };
        let mut calls = Calls::new(clock::unix_secs(SystemTime::now()), self.outcomes);
        calls.queues = Queues::new(&self.queues);
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

    /// The requests that no recorded action matched while replaying
    /// ([`Builder::replay`]), in order; each was answered `Response: Error`.
    /// A test that replays a recording asserts this is empty.
    pub fn unmatched(&self) -> Vec<Request> {
        self.shared.unmatched()
    }

    /// Answers `action` (any case) with what `handler` returns, instead of
    /// the built-in action if there is one: any number of messages, written
    /// as given (use [`response`] to echo the ActionID); an empty message is
    /// written as a bare empty line (`\r\n`), the way Asterisk answers
    /// `IAXnetstats`. Returning nothing withholds the answer. Before login, only `Login`, `Challenge` and
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

    /// Puts `channel` (a name or uniqueid) in `queue`, as if its dialplan
    /// went on to `Queue(<queue>)`: `Newexten`, `QueueCallerJoin`,
    /// `MusicOnHoldStart`; a free member takes the call at once (see
    /// [`Builder::queue`]). False if there is no such queue or channel, or
    /// the channel is in a bridge or a queue already.
    ///
    /// ```
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::builder().queue("support").start()?;
    /// let config = Config::new("127.0.0.1", fake.addr().port());
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events_off())?;
    /// let call = RawAction::new("Originate")
    ///     .header("Channel", "PJSIP/100")
    ///     .header("Application", "Wait")
    ///     .header("Data", "60");
    /// ami.send(&call)?;
    /// let channel = fake.channels().remove(0);
    /// assert!(fake.enqueue("support", &channel));
    ///
    /// let summary = ami.send(&RawAction::new("QueueSummary"))?;
    /// assert_eq!(summary.items()[0].get_str("Callers").as_deref(), Some("1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enqueue(&self, queue: &str, channel: &str) -> bool {
        let mut calls = server::lock(&self.shared.calls);
        let Some(leg) = calls.find(channel) else { return false };
        let uid = leg.uniqueid.clone();
        if calls.bridges.of(&uid).is_some() || calls.is_waiting(&uid) || !calls.has_queue(queue) {
            return false;
        }
        let Some(leg) = calls.by_uid_mut(&uid) else { return false };
        let priority = leg.priority + 1;
        let mut events = vec![leg.run(priority, "Queue", queue)];
        match calls.join_queue(queue, &uid, false) {
            Some(joined) => events.extend(joined),
            None => return false,
        }
        drop(calls);
        self.shared.emit(&events);
        true
    }

    /// Makes `channel` (a name or uniqueid) go on in its dialplan to
    /// `Dial(<target>)`: `target` is a dial string (`Local/100@test`,
    /// `PJSIP/200`). The callee's channels are created and answer at once,
    /// and both parties are bridged, with the events of a real `Dial`
    /// (`Newexten`, `Newchannel`, `DialBegin`, `Newstate`, `DialEnd`,
    /// `BridgeCreate`, `BridgeEnter`...). When the caller hangs up, the
    /// callee is hung up too; when the callee does, the caller stays.
    /// Returns the name of the channel dialed, or `None` if there is no
    /// such channel or it is in a bridge already.
    ///
    /// ```
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::start()?;
    /// let config = Config::new("127.0.0.1", fake.addr().port());
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events_off())?;
    /// let call = RawAction::new("Originate")
    ///     .header("Channel", "PJSIP/100")
    ///     .header("Context", "test")
    ///     .header("Exten", "600")
    ///     .header("Priority", "1");
    /// ami.send(&call)?;
    /// let caller = fake.channels().remove(0);
    /// let callee = fake.dial(&caller, "PJSIP/200").expect("dialed");
    /// assert!(callee.starts_with("PJSIP/200-"));
    ///
    /// let bridges = ami.send(&RawAction::new("BridgeList"))?;
    /// assert_eq!(bridges.items()[0].get_str("BridgeNumChannels").as_deref(), Some("2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dial(&self, channel: &str, target: &str) -> Option<String> {
        let (name, events) = server::lock(&self.shared.calls).dial(channel, target)?;
        self.shared.emit(&events);
        Some(name)
    }

    /// `channel` (a name or uniqueid) puts its call on hold, as a phone
    /// does: `Hold`, and `MusicOnHoldStart` (class `default`) for the
    /// other party of its bridge. False if there is no such channel.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::start()?;
    /// let config = Config::new("127.0.0.1", fake.addr().port());
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events("call"))?;
    /// let call = RawAction::new("Originate")
    ///     .header("Channel", "PJSIP/100")
    ///     .header("Application", "Wait")
    ///     .header("Data", "60");
    /// ami.send(&call)?;
    /// let callee = fake.dial(&fake.channels()[0], "PJSIP/200").expect("dialed");
    /// assert!(fake.hold(&callee));
    ///
    /// let mut seen = Vec::new();
    /// while seen.last().map(String::as_str) != Some("MusicOnHoldStart") {
    ///     let event = ami.next_event_timeout(Duration::from_secs(10))?.expect("an event");
    ///     seen.push(event.event_name().unwrap_or_default().into_owned());
    /// }
    /// assert_eq!(seen[seen.len() - 2..], ["Hold", "MusicOnHoldStart"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hold(&self, channel: &str) -> bool {
        self.hold_or_unhold(channel, true)
    }

    /// `channel` takes its call off hold: `Unhold`, and `MusicOnHoldStop`
    /// for the other party of its bridge. False if there is no such channel.
    pub fn unhold(&self, channel: &str) -> bool {
        self.hold_or_unhold(channel, false)
    }

    fn hold_or_unhold(&self, channel: &str, on: bool) -> bool {
        let events = server::lock(&self.shared.calls).hold(channel, on);
        events.map(|events| self.shared.emit(&events)).is_some()
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
