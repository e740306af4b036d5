//! The outcome of an asynchronous `Originate`: its `OriginateResponse` event.

use std::borrow::Cow;
use std::fmt;

use crate::message::Message;

/// The `Reason` of an `OriginateResponse` (Asterisk's control frame codes;
/// not listed in its XML documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OriginateReason {
    /// 0: the call could not be placed (no such extension, bad channel).
    Failed,
    /// 1: the far end hung up.
    HungUp,
    /// 3: it rang and nobody answered.
    NoAnswer,
    /// 4: answered.
    Answered,
    /// 5: busy.
    Busy,
    /// 8: congestion.
    Congestion,
    /// Any other code.
    Other(i32),
}

impl OriginateReason {
    /// The reason for a numeric code.
    pub fn from_code(code: i32) -> OriginateReason {
        match code {
            0 => OriginateReason::Failed,
            1 => OriginateReason::HungUp,
            3 => OriginateReason::NoAnswer,
            4 => OriginateReason::Answered,
            5 => OriginateReason::Busy,
            8 => OriginateReason::Congestion,
            n => OriginateReason::Other(n),
        }
    }

    /// The numeric code.
    pub fn code(self) -> i32 {
        match self {
            OriginateReason::Failed => 0,
            OriginateReason::HungUp => 1,
            OriginateReason::NoAnswer => 3,
            OriginateReason::Answered => 4,
            OriginateReason::Busy => 5,
            OriginateReason::Congestion => 8,
            OriginateReason::Other(n) => n,
        }
    }
}

impl fmt::Display for OriginateReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginateReason::Failed => f.write_str("failed (no such extension or bad channel)"),
            OriginateReason::HungUp => f.write_str("hung up"),
            OriginateReason::NoAnswer => f.write_str("no answer"),
            OriginateReason::Answered => f.write_str("answered"),
            OriginateReason::Busy => f.write_str("busy"),
            OriginateReason::Congestion => f.write_str("congestion"),
            OriginateReason::Other(n) => write!(f, "reason {n}"),
        }
    }
}

/// The `OriginateResponse` that tells how an asynchronous `Originate` ended.
///
/// ```
/// use ami_core::{Message, OriginateOutcome, OriginateReason};
/// let e = Message::from_pairs([("Event", "OriginateResponse"), ("Response", "Failure"),
///     ("Channel", "PJSIP/404"), ("Reason", "5"), ("Uniqueid", "<unknown>")]);
/// let outcome = OriginateOutcome::new(e);
/// assert!(!outcome.is_success());
/// assert_eq!(outcome.reason(), Some(OriginateReason::Busy));
/// assert_eq!(outcome.uniqueid(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginateOutcome {
    event: Message,
}

/// Placeholders Asterisk writes as `Uniqueid` when no channel was created.
const NO_CHANNEL: [&str; 2] = ["<null>", "<unknown>"];

impl OriginateOutcome {
    /// Wraps an `OriginateResponse` event.
    pub fn new(event: Message) -> OriginateOutcome {
        OriginateOutcome { event }
    }

    /// `Response: Success` with a real channel. `Response: Failure` decides
    /// failure; a `Uniqueid` of `<null>` (older releases) does too.
    pub fn is_success(&self) -> bool {
        let success = self.event.get("Response").is_some_and(|r| r.eq_ignore_ascii_case(b"Success"));
        success && !self.event.get("Uniqueid").is_some_and(|u| u == b"<null>")
    }

    /// The `Reason`, typed.
    pub fn reason(&self) -> Option<OriginateReason> {
        self.event.get_str("Reason")?.trim().parse().ok().map(OriginateReason::from_code)
    }

    /// The new channel's unique ID; `None` when the call was not placed.
    pub fn uniqueid(&self) -> Option<Cow<'_, str>> {
        self.event.get_str("Uniqueid").filter(|u| !NO_CHANNEL.contains(&u.as_ref()))
    }

    /// The `Channel` (on failure: the dial string as requested).
    pub fn channel(&self) -> Option<Cow<'_, str>> {
        self.event.get_str("Channel")
    }

    /// The whole event.
    pub fn event(&self) -> &Message {
        &self.event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in [0, 1, 3, 4, 5, 8, 2, 42] {
            assert_eq!(OriginateReason::from_code(code).code(), code);
        }
    }

    #[test]
    fn null_uniqueid_is_failure_even_with_success() {
        let e = Message::from_pairs([("Event", "OriginateResponse"), ("Response", "Success"), ("Uniqueid", "<null>")]);
        assert!(!OriginateOutcome::new(e).is_success());
        let ok = Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("Response", "Success"),
            ("Reason", "4"),
            ("Uniqueid", "1795384998.0"),
        ]);
        let ok = OriginateOutcome::new(ok);
        assert!(ok.is_success());
        assert_eq!(ok.reason(), Some(OriginateReason::Answered));
        assert_eq!(ok.uniqueid().as_deref(), Some("1795384998.0"));
    }
}
