//! Why the command failed, and the exit code that says so.

use std::fmt;

use ami_actions::Error;

/// The exit codes, as `ami --help` documents them (I/O errors writing
/// stdout count as 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 1: the server answered `Response: Error`, or the Originate failed.
    Refused = 1,
    /// 2: bad usage or an action the spec does not allow; nothing was sent.
    Usage = 2,
    /// 3: could not connect, TLS failed, the login was refused, or the
    /// connection broke.
    Connection = 3,
    /// 4: no answer in time.
    Timeout = 4,
    /// 5: `ami events` dropped matching events because the output was too
    /// slow.
    Dropped = 5,
    /// The reader of our output went away (`ami events | head -3`): not an
    /// error, exit 0 quietly.
    OutputClosed = 0,
}

/// A failure to report on stderr, with its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: Code,
    /// What to print after `ami: ` (never a secret).
    pub message: String,
}

/// Where the command was when an [`Error`] happened: errors while connecting
/// and logging in are connection failures (exit 3) whatever their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Connecting, TLS, banner, login.
    Connect,
    /// Sending the action and reading its answer and events.
    Action,
}

impl Failure {
    /// A usage or validation error (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { code: Code::Usage, message: message.into() }
    }

    /// The server said no (exit 1).
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure { code: Code::Refused, message: message.into() }
    }

    /// The link failed (exit 3).
    pub fn connection(message: impl Into<String>) -> Failure {
        Failure { code: Code::Connection, message: message.into() }
    }

    /// Nothing came in time (exit 4).
    pub fn timeout(message: impl Into<String>) -> Failure {
        Failure { code: Code::Timeout, message: message.into() }
    }

    /// Events were dropped (exit 5).
    pub fn dropped(message: impl Into<String>) -> Failure {
        Failure { code: Code::Dropped, message: message.into() }
    }

    /// stdout could not be written.
    pub fn output(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure { code: Code::OutputClosed, message: String::new() }
        } else {
            Failure::connection(format!("cannot write to stdout: {e}"))
        }
    }

    /// A client error, classified by what it is and when it happened.
    pub fn from_ami(e: &Error, stage: Stage) -> Failure {
        let message = match (stage, e) {
            (Stage::Connect, Error::AuthenticationFailed { .. }) => format!("{e} (check the user and secret)"),
            _ => e.to_string(),
        };
        let code = match e {
            Error::Timeout { .. } => Code::Timeout,
            _ if stage == Stage::Connect => Code::Connection,
            // Refused before anything was sent, for a reason in the request.
            Error::Encode(_) | Error::NoCallEvents { .. } => Code::Usage,
            _ if e.is_refused() => Code::Refused,
            _ => Code::Connection,
        };
        Failure { code, message }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ami_actions::{Message, Phase};

    #[test]
    fn codes_follow_the_kind_and_the_stage() {
        let timeout = Error::Timeout { phase: Phase::Connect };
        assert_eq!(Failure::from_ami(&timeout, Stage::Connect).code, Code::Timeout);
        let closed = Error::ConnectionClosed { phase: Phase::Response };
        assert_eq!(Failure::from_ami(&closed, Stage::Action).code, Code::Connection);
        let auth = Error::AuthenticationFailed { message: "Authentication failed".into() };
        assert_eq!(Failure::from_ami(&auth, Stage::Connect).code, Code::Connection);
        let denied = Error::PermissionDenied { action: "Originate".into() };
        assert_eq!(Failure::from_ami(&denied, Stage::Action).code, Code::Refused);
        assert_eq!(Failure::from_ami(&denied, Stage::Connect).code, Code::Connection);
        let failed = Error::ActionFailed {
            action: "Hangup".into(),
            message: "No such channel".into(),
            response: Box::new(Message::from_pairs([("Response", "Error")])),
        };
        assert_eq!(Failure::from_ami(&failed, Stage::Action).code, Code::Refused);
        assert_eq!(Failure::from_ami(&Error::Tls("bad".into()), Stage::Connect).code, Code::Connection);
    }
}
