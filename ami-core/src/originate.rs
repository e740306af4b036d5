//! Placing a call with `Originate`, the one way: the rules that
//! [`Session::originate`](crate::Session::originate) and
//! [`Service::originate`](crate::service::Service::originate) share
//! (documented on [`OriginateOutcome`]), and the outcome they return.

use std::borrow::Cow;
use std::fmt;

use crate::action::Action;
use crate::encode::ActionWriter;
use crate::error::Error;
use crate::message::Message;
use crate::response::Response;

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

/// How an asynchronous `Originate` ended: its `OriginateResponse` event
/// (and, from `originate()`, the answer that queued the call).
///
/// [`Session::originate`](crate::Session::originate) and
/// [`Service::originate`](crate::service::Service::originate) place a call
/// the same way:
///
/// - The `Originate` goes out with `Async: true` (whatever the action
///   says), so the server answers at once (`Originate successfully queued`)
///   and tells how the call went later, in an `OriginateResponse` event
///   carrying the action's ActionID.
/// - That event is of class `call`: a connection whose event mask leaves
///   `call` out never receives it, so `originate()` then fails before
///   sending anything ([`Error::NoCallEvents`]) rather than wait in vain.
///   The mask is the login's `Events`, or the `EventMask` of the last
///   `Events` action sent through the session or service.
/// - The event's `Response` decides: `Success` is success, `Failure` is
///   failure. A `Uniqueid` of `<unknown>` (Asterisk 22) or `<null>` (older
///   releases) means no channel was created ([`uniqueid`](OriginateOutcome::uniqueid)
///   is `None`), not failure.
/// - No event in time is `Error::Timeout { phase: Phase::OriginateResponse }`
///   ([`Phase::OriginateResponse`](crate::Phase::OriginateResponse)): the
///   call was queued and may still be placed.
///
/// ```
/// use ami_core::{Message, OriginateOutcome, OriginateReason};
/// let e = Message::from_pairs([("Event", "OriginateResponse"), ("Response", "Failure"),
///     ("Channel", "PJSIP/404"), ("Reason", "5"), ("Uniqueid", "<unknown>")]);
/// let outcome = OriginateOutcome::new(e);
/// assert!(!outcome.is_success());
/// assert_eq!(outcome.reason(), Some(OriginateReason::Busy));
/// assert_eq!(outcome.uniqueid(), None);
/// assert_eq!(outcome.to_string(), "failed on PJSIP/404: busy (Reason 5)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginateOutcome {
    event: Message,
    queued: Option<Response>,
}

/// Placeholders Asterisk writes as `Uniqueid` when no channel was created.
const NO_CHANNEL: [&str; 2] = ["<null>", "<unknown>"];

impl OriginateOutcome {
    /// Reads an `OriginateResponse` event (one from a subscription, say).
    pub fn new(event: Message) -> OriginateOutcome {
        OriginateOutcome { event, queued: None }
    }

    /// The outcome `originate()` returns: the answer and the event.
    pub(crate) fn of(queued: Response, event: Message) -> OriginateOutcome {
        OriginateOutcome { event, queued: Some(queued) }
    }

    /// `Response: Success`. `Response: Failure` (or anything else) is not;
    /// whether a channel was created does not enter into it.
    pub fn is_success(&self) -> bool {
        self.event.get("Response").is_some_and(|r| r.trim_ascii().eq_ignore_ascii_case(b"Success"))
    }

    /// The `Reason`, typed.
    pub fn reason(&self) -> Option<OriginateReason> {
        self.event.get_str("Reason")?.trim().parse().ok().map(OriginateReason::from_code)
    }

    /// The new channel's unique ID; `None` when no channel was created
    /// (`<unknown>`, `<null>` or no `Uniqueid`).
    pub fn uniqueid(&self) -> Option<Cow<'_, str>> {
        self.event.get_str("Uniqueid").filter(|u| !NO_CHANNEL.contains(&u.trim()))
    }

    /// The `Channel` (on failure: the dial string as requested).
    pub fn channel(&self) -> Option<Cow<'_, str>> {
        self.event.get_str("Channel")
    }

    /// The event's ActionID: the one you gave with
    /// [`Action::with_action_id`](crate::Action::with_action_id) for an
    /// outcome of `originate()`, else the client's.
    pub fn action_id(&self) -> Option<Cow<'_, str>> {
        self.event.action_id()
    }

    /// The whole event.
    pub fn event(&self) -> &Message {
        &self.event
    }

    /// The answer that queued the call (`Message: Originate successfully
    /// queued`), for an outcome returned by `originate()`.
    pub fn queued(&self) -> Option<&Response> {
        self.queued.as_ref()
    }
}

/// `succeeded on <channel>: answered (Reason 4)`, `failed on <channel>:
/// busy (Reason 5)`.
impl fmt::Display for OriginateOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_success() { "succeeded" } else { "failed" })?;
        if let Some(channel) = self.channel() {
            write!(f, " on {channel}")?;
        }
        match self.reason() {
            Some(r) => write!(f, ": {r} (Reason {})", r.code()),
            None => f.write_str(" (no Reason given)"),
        }
    }
}

/// An `Originate` sent by `originate()`: the action as given, with `Async:
/// true` in place of any `Async` it sets.
pub(crate) struct AsyncOriginate<'a>(pub(crate) &'a dyn Action);

impl Action for AsyncOriginate<'_> {
    fn action_name(&self) -> &str {
        self.0.action_name()
    }

    fn write_params(&self, w: &mut ActionWriter<'_>) {
        w.override_param("Async");
        self.0.write_params(w);
        w.restore();
        w.header("Async", "true");
    }

    fn action_id(&self) -> Option<&str> {
        self.0.action_id()
    }
}

/// Fails with [`Error::NoCallEvents`] when a connection with this event
/// mask cannot receive the `OriginateResponse`.
pub(crate) fn check_call_events(mask: Option<&str>) -> Result<(), Error> {
    match mask {
        Some(m) if !receives_call_events(m) => Err(Error::NoCallEvents { mask: m.to_owned() }),
        _ => Ok(()),
    }
}

/// Whether a session with this event mask (a Login's `Events`, an `Events`
/// action's `EventMask`) receives `call` class events, read as Asterisk
/// reads it: empty is every class, all digits a bit mask (`call` is 2),
/// `off`/`no`/`false`/`0`... none, `on`/`yes`/`true`/`1`... all, else a
/// comma-separated class list. Only a mask that certainly leaves `call`
/// out gives `false` (a class list made only of known classes, none of
/// them `call` or `all`); anything unknown is given the benefit of the doubt.
pub(crate) fn receives_call_events(mask: &str) -> bool {
    const EVENT_FLAG_CALL: u64 = 1 << 1;
    const CLASSES: &[&str] = &[
        "system",
        "call",
        "log",
        "verbose",
        "command",
        "agent",
        "user",
        "config",
        "dtmf",
        "reporting",
        "cdr",
        "dialplan",
        "originate",
        "agi",
        "cc",
        "aoc",
        "test",
        "security",
        "message",
        "all",
    ];
    let m = mask.trim();
    if m.is_empty() {
        return true;
    }
    if m.bytes().all(|b| b.is_ascii_digit()) {
        return m.parse::<u64>().map_or(true, |bits| bits & EVENT_FLAG_CALL != 0);
    }
    let is = |words: &[&str]| words.iter().any(|w| m.eq_ignore_ascii_case(w));
    if is(&["no", "false", "n", "f", "off"]) {
        return false;
    }
    if is(&["yes", "true", "y", "t", "on"]) {
        return true;
    }
    !m.split(',')
        .map(|w| w.trim().to_ascii_lowercase())
        .all(|w| CLASSES.contains(&w.as_str()) && w != "call" && w != "all")
}

/// The `EventMask` an `Events` action sets (`Some("")` when it has none:
/// the server then sends every class); `None` for any other action.
pub(crate) fn events_mask_of(action: &dyn Action) -> Option<String> {
    if !action.action_name().trim().eq_ignore_ascii_case("Events") {
        return None;
    }
    let mut bytes = Vec::new();
    crate::action::encode_action(action, None, &mut bytes).ok()?;
    let frame = Message::from_frame(bytes.strip_suffix(b"\r\n\r\n").unwrap_or(&bytes).to_vec());
    Some(frame.get_str("EventMask").map(Cow::into_owned).unwrap_or_default())
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
    fn response_decides_and_no_channel_is_not_failure() {
        // `<null>` (older releases) with Success: a success without a channel.
        let e = Message::from_pairs([("Event", "OriginateResponse"), ("Response", "Success"), ("Uniqueid", "<null>")]);
        let null = OriginateOutcome::new(e);
        assert!(null.is_success());
        assert_eq!(null.uniqueid(), None);
        let ok = Message::from_pairs([
            ("Event", "OriginateResponse"),
            ("Response", "Success"),
            ("Channel", "PJSIP/100-00000001"),
            ("Reason", "4"),
            ("Uniqueid", "1795384998.0"),
        ]);
        let ok = OriginateOutcome::new(ok);
        assert!(ok.is_success());
        assert_eq!(ok.reason(), Some(OriginateReason::Answered));
        assert_eq!(ok.uniqueid().as_deref(), Some("1795384998.0"));
        assert_eq!(ok.to_string(), "succeeded on PJSIP/100-00000001: answered (Reason 4)");
        for response in ["Failure", "failure", "Error", ""] {
            let e = Message::from_pairs([("Event", "OriginateResponse"), ("Response", response), ("Uniqueid", "1.2")]);
            assert!(!OriginateOutcome::new(e).is_success(), "{response:?}");
        }
        let bare = OriginateOutcome::new(Message::from_pairs([("Event", "OriginateResponse")]));
        assert!(!bare.is_success());
        assert_eq!(bare.to_string(), "failed (no Reason given)");
    }

    #[test]
    fn event_masks_read_as_asterisk_reads_them() {
        for yes in
            ["", "on", "ON", "yes", "true", "-1x", "call", "system,call", "all", "Call", " call , log ", "2", "3"]
        {
            assert!(receives_call_events(yes), "{yes:?}");
        }
        // Unknown words: given the benefit of the doubt.
        for unsure in ["bogus", "system,whatever", "99999999999999999999999"] {
            assert!(receives_call_events(unsure), "{unsure:?}");
        }
        // All digits is a bit mask before anything else: "1" is `system` only.
        for no in ["off", "OFF", "no", "false", "0", "1", "system", "system,log", "dialplan, agent", "1024", "4"] {
            assert!(!receives_call_events(no), "{no:?}");
        }
        assert!(matches!(check_call_events(Some("off")), Err(Error::NoCallEvents { mask }) if mask == "off"));
        assert!(check_call_events(None).is_ok(), "no mask at login: every class the user may read");
    }

    #[test]
    fn async_is_the_clients() {
        let a = crate::RawAction::new("Originate").header("Channel", "x").header("async", "no");
        let mut out = Vec::new();
        crate::action::encode_action(&AsyncOriginate(&a), None, &mut out).unwrap();
        assert_eq!(out, b"Action: Originate\r\nChannel: x\r\nAsync: true\r\n\r\n");
        let events = crate::RawAction::new("Events").header("EventMask", "system");
        assert_eq!(events_mask_of(&events).as_deref(), Some("system"));
        assert_eq!(events_mask_of(&crate::RawAction::new("events")).as_deref(), Some(""));
        assert_eq!(events_mask_of(&a), None);
    }
}
