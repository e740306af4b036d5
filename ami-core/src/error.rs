//! The one error type of the crate, and the smaller errors it wraps.

use std::fmt;
use std::io;

/// Where in the life of a connection something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Resolving the host name and opening the TCP connection.
    Connect,
    /// The TLS handshake.
    TlsHandshake,
    /// Waiting for the `Asterisk Call Manager/x.y.z` line.
    Banner,
    /// Logging in (Challenge and Login).
    Login,
    /// Writing an action.
    Write,
    /// Waiting for the response (and list items) of an action.
    Response,
    /// Waiting for the `OriginateResponse` of an `Originate` the server
    /// queued (the call may still be placed).
    OriginateResponse,
    /// Waiting for events.
    Event,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connecting",
            Phase::TlsHandshake => "during the TLS handshake",
            Phase::Banner => "waiting for the banner",
            Phase::Login => "logging in",
            Phase::Write => "writing an action",
            Phase::Response => "waiting for a response",
            Phase::OriginateResponse => {
                "waiting for the OriginateResponse (the call was queued and may still be placed; \
                 the user needs read access to `call` events)"
            }
            Phase::Event => "waiting for events",
        })
    }
}

/// The server sent bytes that cannot be taken as AMI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// One message grew past the configured maximum without ending.
    MessageTooLarge {
        /// The configured maximum, in bytes.
        limit: usize,
    },
    /// The first line was not an Asterisk manager banner.
    BadBanner {
        /// What arrived instead (lossy text, at most 200 bytes).
        received: String,
    },
    /// The server closed the connection in the middle of a message.
    Truncated,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::MessageTooLarge { limit } => write!(f, "a message exceeded the {limit}-byte limit"),
            ProtocolError::BadBanner { received } => write!(f, "not an Asterisk manager banner: {received:?}"),
            ProtocolError::Truncated => f.write_str("connection closed in the middle of a message"),
        }
    }
}

impl std::error::Error for ProtocolError {}

/// Why an action was refused before any byte of it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A key or value holds CR, LF or NUL: AMI has no escaping, so such a
    /// value could smuggle in a second action.
    ForbiddenByte {
        /// The header the byte is in.
        key: String,
        /// The offending byte.
        byte: u8,
        /// Whether the byte is in the key (rather than the value).
        in_key: bool,
    },
    /// A key is empty or holds a colon.
    BadKey {
        /// The key as given.
        key: String,
    },
    /// `Key: Value` would exceed the server's line limit.
    LineTooLong {
        /// The header concerned.
        key: String,
        /// Its length in bytes, without CRLF.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The message would exceed the server's line-count limit.
    TooManyLines {
        /// Lines the action would have, the Action line included.
        lines: usize,
        /// The limit.
        limit: usize,
    },
    /// A parameter called `ActionID`: the client writes the ActionID (one
    /// per action, unique across connections). Give your own with
    /// [`Action::with_action_id`](crate::Action::with_action_id).
    ActionIdHeader,
    /// An empty ActionID given with [`Action::with_action_id`](crate::Action::with_action_id).
    EmptyActionId,
    /// A value known to crash or harm the server; see [`guard`](crate::guard)
    /// for each check and its evidence.
    Refused {
        /// The action.
        action: &'static str,
        /// The parameter whose value is refused.
        param: &'static str,
        /// Why, and what to write instead.
        reason: String,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::ForbiddenByte { key, byte, in_key } => {
                let part = if *in_key { "key" } else { "value" };
                write!(f, "the {part} of header {key:?} contains byte 0x{byte:02x} (CR, LF and NUL are refused)")
            }
            EncodeError::BadKey { key } => write!(f, "invalid header name {key:?} (empty or contains ':')"),
            EncodeError::LineTooLong { key, len, limit } => {
                write!(f, "header {key:?} is {len} bytes long; Asterisk accepts at most {limit}")
            }
            EncodeError::TooManyLines { lines, limit } => {
                write!(f, "action has {lines} lines; Asterisk accepts at most {limit}")
            }
            EncodeError::ActionIdHeader => f.write_str(
                "ActionID is written by the client, not as a parameter: give your own id with \
                 `Action::with_action_id` (it is sent under the connection's prefix)",
            ),
            EncodeError::EmptyActionId => f.write_str("the ActionID given with `with_action_id` is empty"),
            EncodeError::Refused { action, param, reason } => write!(f, "{action} {param} refused: {reason}"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// A connection setting from the environment that is missing or unusable
/// ([`Config::from_env`](crate::Config::from_env),
/// [`Login::from_env`](crate::Login::from_env)). Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvError {
    /// The variable concerned (`AMI_PORT`, `AMI_SECRET_FILE`...).
    pub variable: &'static str,
    /// What is wrong with it.
    pub reason: String,
    /// Whether the variable (or every variable that could stand in for it)
    /// is unset or empty, rather than set to something unusable.
    pub missing: bool,
}

impl EnvError {
    pub(crate) fn invalid(variable: &'static str, reason: impl Into<String>) -> EnvError {
        EnvError { variable, reason: reason.into(), missing: false }
    }

    pub(crate) fn missing(variable: &'static str, reason: impl Into<String>) -> EnvError {
        EnvError { variable, reason: reason.into(), missing: true }
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.reason)
    }
}

impl std::error::Error for EnvError {}

/// Everything that can go wrong talking to Asterisk.
///
/// The link breaking ([`Error::Io`], [`Error::ConnectionClosed`],
/// [`Error::Timeout`]) is kept apart from the server refusing something
/// ([`Error::AuthenticationFailed`], [`Error::PermissionDenied`],
/// [`Error::ActionFailed`]...).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error on the socket.
    Io {
        /// What the client was doing.
        phase: Phase,
        /// The underlying error.
        source: io::Error,
    },
    /// No answer within the configured time.
    Timeout {
        /// What the client was waiting for.
        phase: Phase,
    },
    /// The server closed the connection.
    ConnectionClosed {
        /// What the client was doing.
        phase: Phase,
    },
    /// TLS could not be set up (bad CA file, certificate that does not verify,
    /// or TLS requested from a build without the `tls` feature).
    Tls(String),
    /// The server sent something that is not AMI.
    Protocol(ProtocolError),
    /// The action was refused before sending; nothing was written.
    Encode(EncodeError),
    /// `Message: Authentication failed` (wrong user, secret or MD5 key).
    AuthenticationFailed {
        /// The server's message.
        message: String,
    },
    /// `Message: Permission denied`: not logged in, or the user lacks the
    /// write class the action needs.
    PermissionDenied {
        /// The action that was refused.
        action: String,
    },
    /// The server does not know the action (`Invalid/unknown command`).
    UnknownAction {
        /// The action that was refused.
        action: String,
    },
    /// The server answered `Response: Error` for another reason.
    ActionFailed {
        /// The action that failed.
        action: String,
        /// The server's `Message`, if any.
        message: String,
        /// The whole response.
        response: Box<crate::Message>,
    },
    /// A CLI command run through `Command` failed; the output explains why.
    CommandFailed {
        /// The command line.
        command: String,
        /// The output lines the server sent.
        output: Vec<String>,
    },
    /// The action was not sent: the link was down, or it broke before the
    /// whole action was written (a server acts only on a complete action,
    /// and the link is closed at once). Safe to send again.
    NotSent {
        /// The action.
        action: String,
        /// Why, as text.
        reason: String,
    },
    /// The action was written, then the link was lost before its answer
    /// came: it may or may not have been carried out. It is never re-sent
    /// automatically (a re-sent `Originate` is a second call).
    OutcomeUnknown {
        /// The action.
        action: String,
        /// Why the link was lost, as text.
        reason: String,
    },
    /// As many actions as the service allows are waiting for their answers;
    /// this one was not sent.
    InFlightLimit {
        /// The limit ([`ServiceOptions::max_in_flight`](crate::service::ServiceOptions::max_in_flight)).
        limit: usize,
    },
    /// An action with the same caller's ActionID
    /// ([`Action::with_action_id`](crate::Action::with_action_id)) is still
    /// waiting for its answer; this one was not sent.
    DuplicateActionId {
        /// The caller's id.
        id: String,
    },
    /// `originate()` on a connection whose event mask leaves out the `call`
    /// class: the server would never send the `OriginateResponse`. Nothing
    /// was sent.
    NoCallEvents {
        /// The event mask in force (the login's `Events`, or the last
        /// `Events` action's `EventMask`).
        mask: String,
    },
    /// An event list did not complete; what arrived is in `partial`.
    ListIncomplete {
        /// The action whose list it is.
        action: String,
        /// Why the list was cut short.
        cut: ListCut,
        /// The response with the items received so far
        /// ([`Response::is_complete`](crate::Response::is_complete) is false).
        partial: Box<crate::Response>,
    },
    /// A connection setting from the environment is missing or unusable.
    Environment(EnvError),
    /// Events were dropped here because the queue was full (the consumer did
    /// not keep up): `count` events are missing at this place in the stream.
    /// Not fatal: the next read returns the event after the gap.
    EventsDropped {
        /// How many events are missing at this place.
        count: u64,
    },
}

/// Why an event list ended before its completion event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListCut {
    /// The response timeout ran out.
    TimedOut,
    /// More items than [`Config::max_list_items`](crate::Config::max_list_items)
    /// arrived; later items of this list are delivered as ordinary events.
    TooManyItems {
        /// The limit.
        limit: usize,
    },
}

impl fmt::Display for ListCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListCut::TimedOut => f.write_str("timed out"),
            ListCut::TooManyItems { limit } => write!(f, "more than {limit} items"),
        }
    }
}

impl Error {
    pub(crate) fn io(phase: Phase, source: io::Error) -> Error {
        match source.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout { phase },
            io::ErrorKind::UnexpectedEof => Error::ConnectionClosed { phase },
            _ => Error::Io { phase, source },
        }
    }

    /// Whether the error is a timeout (a list cut short by one included).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::ListIncomplete { cut: ListCut::TimedOut, .. })
    }

    /// Whether the link is gone (closed, reset, lost): the connection cannot be used further.
    pub fn is_connection_lost(&self) -> bool {
        matches!(
            self,
            Error::Io { .. }
                | Error::ConnectionClosed { .. }
                | Error::NotSent { .. }
                | Error::OutcomeUnknown { .. }
                | Error::Protocol(_)
        )
    }

    /// Whether the action certainly did not reach the server, so sending it
    /// again cannot do it twice: refused before sending ([`Error::Encode`],
    /// [`Error::InFlightLimit`], [`Error::DuplicateActionId`],
    /// [`Error::NoCallEvents`]) or not (completely) written
    /// ([`Error::NotSent`]).
    pub fn is_not_sent(&self) -> bool {
        matches!(
            self,
            Error::NotSent { .. }
                | Error::InFlightLimit { .. }
                | Error::Encode(_)
                | Error::DuplicateActionId { .. }
                | Error::NoCallEvents { .. }
        )
    }

    /// Whether the server refused the request (as opposed to the link failing).
    pub fn is_refused(&self) -> bool {
        matches!(
            self,
            Error::AuthenticationFailed { .. }
                | Error::PermissionDenied { .. }
                | Error::UnknownAction { .. }
                | Error::ActionFailed { .. }
                | Error::CommandFailed { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { phase, source } => write!(f, "I/O error {phase}: {source}"),
            Error::Timeout { phase } => write!(f, "timed out {phase}"),
            Error::ConnectionClosed { phase } => write!(f, "server closed the connection {phase}"),
            Error::Tls(e) => write!(f, "TLS: {e}"),
            Error::Protocol(e) => write!(f, "protocol error: {e}"),
            Error::Encode(e) => write!(f, "invalid action: {e}"),
            Error::AuthenticationFailed { message } => write!(f, "login refused: {message}"),
            Error::PermissionDenied { action } => write!(f, "permission denied for action {action}"),
            Error::UnknownAction { action } => write!(f, "the server does not know action {action}"),
            Error::ActionFailed { action, message, .. } => write!(f, "action {action} failed: {message}"),
            Error::CommandFailed { command, output } => {
                write!(f, "command {command:?} failed: {}", output.join(" / "))
            }
            Error::NotSent { action, reason } => write!(f, "action {action} was not sent: {reason}"),
            Error::OutcomeUnknown { action, reason } => write!(
                f,
                "action {action} was sent, then the connection was lost before its answer ({reason}): \
                 it may or may not have been carried out"
            ),
            Error::InFlightLimit { limit } => {
                write!(f, "{limit} actions are already waiting for their answers (the limit); this one was not sent")
            }
            Error::DuplicateActionId { id } => write!(
                f,
                "an action with ActionID {id:?} is still waiting for its answer; this one was not sent \
                 (ActionIDs of pending actions must differ)"
            ),
            Error::NoCallEvents { mask } => write!(
                f,
                "cannot wait for the OriginateResponse: the event mask {mask:?} leaves out the `call` class, so \
                 the server would never send it; nothing was sent. Log in with `Login::events(\"call\")` (or \
                 send `Events` with `EventMask: call`), or send the Originate with `send` and do not wait for \
                 its outcome"
            ),
            Error::ListIncomplete { action, cut, partial } => {
                write!(f, "the event list of {action} is incomplete ({cut}) after {} items", partial.items().len())
            }
            Error::EventsDropped { count } => write!(f, "{count} events were dropped here (queue full)"),
            Error::Environment(e) => write!(f, "connection settings: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Protocol(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::Environment(e) => Some(e),
            _ => None,
        }
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}

impl From<EnvError> for Error {
    fn from(e: EnvError) -> Self {
        Error::Environment(e)
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::Protocol(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        assert!(std::mem::size_of::<Error>() <= 64, "{}", std::mem::size_of::<Error>());
    }

    #[test]
    fn would_block_reads_as_timeout() {
        let e = Error::io(Phase::Response, io::Error::from(io::ErrorKind::WouldBlock));
        assert!(e.is_timeout());
        assert!(!e.is_connection_lost());
        let e = Error::io(Phase::Event, io::Error::from(io::ErrorKind::ConnectionReset));
        assert!(e.is_connection_lost());
        assert_eq!(e.to_string(), "I/O error waiting for events: connection reset");
    }
}
