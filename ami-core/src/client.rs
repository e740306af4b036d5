//! The public blocking API: [`Client`] (connected, not logged in) and
//! [`Session`] (logged in).

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::action::{Action, RawAction};
use crate::action_id::own_action_id;
use crate::config::Config;
use crate::connection::{deadline, Connection};
use crate::error::{Error, Phase};
use crate::frame::Banner;
use crate::logging::ami_log;
use crate::message::Message;
use crate::originate::{check_call_events, events_mask_of, AsyncOriginate, OriginateOutcome};
use crate::response::{as_callers, command_result, Response};
use crate::transport::{self, Transport};

/// How to log in: user, secret, plain or MD5 challenge, and which events to
/// receive.
///
/// ```
/// use ami_core::Login;
/// let login = Login::new("admin", "s3cret").md5().events_off();
/// assert!(!format!("{login:?}").contains("s3cret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Login {
    username: String,
    secret: String,
    md5: bool,
    events: Option<String>,
}

impl Login {
    /// Plain login (`Username`, `Secret`), receiving every event the user may read.
    pub fn new(username: impl Into<String>, secret: impl Into<String>) -> Login {
        Login { username: username.into(), secret: secret.into(), md5: false, events: None }
    }

    /// Log in by MD5 challenge: the secret never crosses the wire.
    pub fn md5(mut self) -> Login {
        self.md5 = true;
        self
    }

    /// Receive no events (`Events: off`): for scripts that only send actions.
    pub fn events_off(self) -> Login {
        self.events("off")
    }

    /// Receive only these event classes, e.g. `"call,system"`; `"on"` for all.
    pub fn events(mut self, mask: impl Into<String>) -> Login {
        self.events = Some(mask.into());
        self
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The event classes asked for (`Events`); `None`: every class the user
    /// may read.
    pub fn event_mask(&self) -> Option<&str> {
        self.events.as_deref()
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .field("md5", &self.md5)
            .field("events", &self.events)
            .finish()
    }
}

/// A connection whose banner has been read, not yet logged in.
///
/// ```no_run
/// use ami_core::{Client, Config, Login, RawAction};
/// let client = Client::connect(&Config::new("127.0.0.1", 5038))?;
/// println!("AMI {}", client.banner().version().unwrap_or("?"));
/// let mut session = client.login(&Login::new("admin", "secret"))?;
/// let pong = session.send(&RawAction::new("Ping"))?;
/// assert_eq!(pong.get_str("Ping").as_deref(), Some("Pong"));
/// session.logoff()?;
/// # Ok::<(), ami_core::Error>(())
/// ```
pub struct Client {
    conn: Connection,
    banner: Banner,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("banner", &self.banner).finish_non_exhaustive()
    }
}

impl Client {
    /// Connects (TCP, or TLS when configured) and reads the banner.
    pub fn connect(config: &Config) -> Result<Client, Error> {
        let transport = transport::open(config)?;
        Client::from_transport(transport, config.clone())
    }

    /// Runs over a stream you opened yourself (a proxy, a test double) and
    /// reads the banner from it.
    pub fn from_transport(transport: Box<dyn Transport>, config: Config) -> Result<Client, Error> {
        let mut conn = Connection::new(transport, config);
        let banner = conn.read_banner()?;
        Ok(Client { conn, banner })
    }

    /// The banner line the server sent.
    pub fn banner(&self) -> &Banner {
        &self.banner
    }

    /// Logs in. A wrong user, secret or key gives
    /// [`Error::AuthenticationFailed`] (Asterisk answers about a second late,
    /// then closes the connection).
    pub fn login(mut self, login: &Login) -> Result<Session, Error> {
        let timeout = self.conn.config().timeouts.login;
        let mut action = RawAction::new("Login").header("Username", login.username.as_str());
        if login.md5 {
            let challenge = RawAction::new("Challenge").header("AuthType", "MD5");
            let answer = self.conn.request(&challenge, timeout, Phase::Login)?;
            let challenge = answer.get_str("Challenge").unwrap_or_default().into_owned();
            let key = md5::compute(format!("{challenge}{}", login.secret));
            action = action.header("AuthType", "MD5").header("Key", format!("{key:x}"));
        } else {
            action = action.header("Secret", login.secret.as_str());
        }
        if let Some(events) = &login.events {
            action = action.header("Events", events.as_str());
        }
        if let Err(e) = self.conn.request(&action, timeout, Phase::Login) {
            ami_log!(warn, "login as {} failed: {e}", login.username);
            return Err(e);
        }
        ami_log!(debug, "logged in as {}", login.username);
        Ok(Session {
            conn: self.conn,
            banner: self.banner,
            username: login.username.clone(),
            event_mask: login.events.clone(),
        })
    }

    /// Sends an action before logging in (`Challenge`, say). Asterisk answers
    /// every other action with `Permission denied` until login.
    pub fn send(&mut self, action: &dyn Action) -> Result<Response, Error> {
        let timeout = self.conn.config().timeouts.response;
        self.conn.request(action, timeout, Phase::Response)
    }
}

/// A logged-in connection: send actions, read events.
///
/// Events that arrive while an action waits for its answer, including those
/// that came in the same read as the login response, are queued and read
/// afterwards with [`next_event`](Session::next_event) (blocks),
/// [`next_event_timeout`](Session::next_event_timeout) (waits at most that
/// long; `Duration::ZERO` to poll) or [`events`](Session::events) (an
/// iterator). The queue is bounded
/// ([`Config::event_queue`](crate::Config::event_queue)); past its bounds
/// arriving events are dropped, counted in
/// [`dropped_events`](Session::dropped_events), and reported in-band: the
/// read that reaches the place where they went missing returns
/// [`Error::EventsDropped`] (not fatal: the next read goes on after the gap).
/// A session only reads the socket when you call it, so events never need
/// dropping while you read them as they come.
pub struct Session {
    conn: Connection,
    banner: Banner,
    username: String,
    /// The login's `Events`, or the `EventMask` of the last `Events` action
    /// sent and answered.
    event_mask: Option<String>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("username", &self.username)
            .field("banner", &self.banner)
            .field("queued_events", &self.conn.queued_events())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The banner line the server sent.
    pub fn banner(&self) -> &Banner {
        &self.banner
    }

    /// The user this session logged in as.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The prefix of this connection's ActionIDs (random per connection).
    pub fn action_id_prefix(&self) -> &str {
        self.conn.ids().prefix()
    }

    /// The id you gave with [`Action::with_action_id`] when `message` (an
    /// event read with [`next_event`](Session::next_event), say) carries the
    /// ActionID of an action this session sent with it; `None` otherwise.
    pub fn own_action_id<'m>(&self, message: &'m Message) -> Option<Cow<'m, str>> {
        own_action_id(self.conn.ids().prefix(), message)
    }

    /// Sends an action and waits for its response. For list actions the
    /// response holds every item up to the completion event.
    ///
    /// `Response: Error` becomes an error: [`Error::PermissionDenied`],
    /// [`Error::UnknownAction`] or [`Error::ActionFailed`].
    pub fn send(&mut self, action: &dyn Action) -> Result<Response, Error> {
        let timeout = self.conn.config().timeouts.response;
        self.send_with_timeout(action, timeout)
    }

    /// Like [`send`](Session::send) with a timeout for this action only.
    pub fn send_with_timeout(&mut self, action: &dyn Action, timeout: Option<Duration>) -> Result<Response, Error> {
        let response = self.conn.request(action, timeout, Phase::Response)?;
        if let Some(mask) = events_mask_of(action) {
            self.event_mask = Some(mask);
        }
        Ok(response)
    }

    /// The event classes this session receives, as asked for: the login's
    /// `Events`, or the `EventMask` of the last `Events` action it sent;
    /// `None` for every class the user may read.
    pub fn event_mask(&self) -> Option<&str> {
        self.event_mask.as_deref()
    }

    /// Sends `Ping`; the server answers `Pong`.
    pub fn ping(&mut self) -> Result<(), Error> {
        self.send(&RawAction::new("Ping")).map(drop)
    }

    /// Runs a CLI command and returns its output lines (both the `Output:`
    /// format of Asterisk 14+ and the `--END COMMAND--` format of older
    /// servers). A command the CLI rejects gives [`Error::CommandFailed`].
    pub fn command(&mut self, command: &str) -> Result<Vec<String>, Error> {
        command_result(command, self.send(&RawAction::new("Command").header("Command", command)))
    }

    /// Places a call: sends the `Originate` with `Async: true` (whatever
    /// the action says) and waits, up to `timeout` in all, for the
    /// `OriginateResponse` carrying its ActionID. Events met meanwhile are
    /// queued; the `OriginateResponse` itself is returned, not queued. The
    /// rules ([`OriginateOutcome`]) are the same as for
    /// [`Service::originate`](crate::service::Service::originate).
    ///
    /// - A session whose event mask leaves out `call` (logged in with
    ///   [`Login::events_off`], say) would never receive the
    ///   `OriginateResponse`: it fails with [`Error::NoCallEvents`] before
    ///   sending anything.
    /// - `Ok` whether the call succeeded or not:
    ///   [`OriginateOutcome::is_success`] tells (`Response: Success`).
    /// - The server refusing the Originate is an error
    ///   ([`Error::ActionFailed`], [`Error::PermissionDenied`]); so is no
    ///   `OriginateResponse` in time
    ///   (`Error::Timeout { phase: Phase::OriginateResponse }`: the call was
    ///   queued and may still be placed).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ami_core::testkit::FakeAsterisk;
    /// use ami_core::{Client, Config, Error, Login, RawAction};
    ///
    /// let fake = FakeAsterisk::start()?;
    /// let config = Config::new("127.0.0.1", fake.addr().port());
    /// let call = RawAction::new("Originate").header("Channel", "Local/100@default")
    ///     .header("Application", "Wait").header("Data", "1");
    ///
    /// let mut ami = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events("call"))?;
    /// let outcome = ami.originate(&call, Some(Duration::from_secs(5)))?;
    /// assert!(outcome.is_success(), "{outcome}");
    ///
    /// // Without call events the OriginateResponse could never arrive.
    /// let mut blind = Client::connect(&config)?.login(&Login::new("admin", "admin-secret").events_off())?;
    /// assert!(matches!(blind.originate(&call, None), Err(Error::NoCallEvents { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn originate(&mut self, action: &dyn Action, timeout: Option<Duration>) -> Result<OriginateOutcome, Error> {
        check_call_events(self.event_mask.as_deref())?;
        let action = AsyncOriginate(action);
        let until = deadline(timeout);
        let own = action.action_id();
        let id = self.conn.write_action(&action)?;
        let queued = as_callers(self.conn.await_response(&action, &id, until, Phase::Response), own)?;
        let event = self.conn.await_event(&id, "OriginateResponse", until, Phase::OriginateResponse)?;
        let event = match own {
            Some(own) => event.with_action_id(own),
            None => event,
        };
        Ok(OriginateOutcome::of(queued, event))
    }

    /// Blocks until an event arrives. `Err(Error::EventsDropped)` marks a
    /// gap in the queue (the session goes on).
    pub fn next_event(&mut self) -> Result<Message, Error> {
        match self.conn.next_event(None)? {
            Some(e) => Ok(e),
            None => Err(Error::Timeout { phase: Phase::Event }),
        }
    }

    /// Waits up to `timeout` for an event; `Ok(None)` if none came. With
    /// [`Duration::ZERO`] it returns an event already received (queued, or
    /// whole in the read buffer) without waiting on the network.
    pub fn next_event_timeout(&mut self, timeout: Duration) -> Result<Option<Message>, Error> {
        self.conn.next_event(deadline(Some(timeout)))
    }

    /// Blocks for each next event; ends after the first error other than
    /// [`Error::EventsDropped`], which is yielded where the gap is.
    pub fn events(&mut self) -> impl Iterator<Item = Result<Message, Error>> + '_ {
        let mut failed = false;
        std::iter::from_fn(move || {
            if failed {
                return None;
            }
            let next = self.next_event();
            failed = matches!(&next, Err(e) if !matches!(e, Error::EventsDropped { .. }));
            Some(next)
        })
    }

    /// Number of events waiting in the queue.
    pub fn queued_events(&self) -> usize {
        self.conn.queued_events()
    }

    /// Messages dropped because a queue was full (events, and responses that
    /// matched no action).
    pub fn dropped_events(&self) -> u64 {
        self.conn.dropped()
    }

    /// A response that matched no action this session was waiting for (a
    /// late answer after a timeout, a second answer, one without ActionID).
    pub fn take_unmatched_response(&mut self) -> Option<Message> {
        self.conn.take_unmatched()
    }

    /// Whether the server closed the connection or it broke.
    pub fn is_closed(&self) -> bool {
        self.conn.is_closed()
    }

    pub(crate) fn into_parts(self) -> Result<crate::connection::Parts, Error> {
        self.conn.into_parts()
    }

    /// Sends `Logoff`, reads `Goodbye`, and closes the connection.
    pub fn logoff(mut self) -> Result<(), Error> {
        let result = self.send(&RawAction::new("Logoff")).map(drop);
        self.conn.shutdown();
        result
    }
}
