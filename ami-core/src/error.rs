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
        }
    }
}

impl std::error::Error for EncodeError {}

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
    /// The link was lost while this action was pending, or is down at the
    /// moment (a service handle reconnecting). A pending action is never
    /// re-sent automatically: it may or may not have been carried out.
    ConnectionLost,
}

impl Error {
    pub(crate) fn io(phase: Phase, source: io::Error) -> Error {
        match source.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout { phase },
            io::ErrorKind::UnexpectedEof => Error::ConnectionClosed { phase },
            _ => Error::Io { phase, source },
        }
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the link is gone (closed, reset, lost): the connection cannot be used further.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Error::Io { .. } | Error::ConnectionClosed { .. } | Error::ConnectionLost | Error::Protocol(_))
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
            Error::ConnectionLost => f.write_str("connection lost: the action may or may not have been carried out"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Protocol(e) => Some(e),
            Error::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
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
