//! The small, out-of-line helpers and traits that generated action and event
//! types (the `ami-actions` crate) are built on.
//!
//! Generated code stays thin: an event accessor is one call to a small
//! reader here (`field`, `bool_field`, or for a header that holds a number,
//! duration, time, hangup cause or priority a typed one such as
//! `unsigned_field`: see [`ValueKind`]); an action's `write_params` is one
//! call per parameter into [`ActionWriter`] or a `put_*` helper. Those
//! readers and writers exist for generated code and are hidden from these
//! docs; keeping the logic here, compiled once, is what keeps a build of a
//! few hundred generated types fast. The parsers users may want on their
//! own text are public: [`parse_bool`], [`parse_unsigned`], [`parse_hms`],
//! [`parse_unix_time`], ...
//!
//! The traits let code work over any generated type: [`EventType`] for
//! events, [`ActionType`], [`ListAction`] and [`ResponseAction`] for actions,
//! [`TypedResponse`] for the typed views of responses that carry data,
//! [`FromMessage`] for turning list items into typed events. [`ActionInfo`]
//! and [`EventInfo`] are the shape of the run-time metadata tables the
//! generator emits.

use std::borrow::Cow;

use crate::action::Action;
use crate::encode::ActionWriter;
use crate::message::{Header, Message};
use crate::response::Response;

mod values;
pub use values::*;

#[doc(hidden)]
/// The first value of header `name` (ASCII case-insensitive) as text.
pub fn field<'a>(msg: &'a Message, name: &str) -> Option<Cow<'a, str>> {
    msg.get_str(name)
}

#[doc(hidden)]
/// The first value of header `name`, converted with `T::from` (generated
/// enums map unknown values to their `Other` variant, so this never fails
/// for a present header).
pub fn parse_field<T: for<'s> From<&'s str>>(msg: &Message, name: &str) -> Option<T> {
    field(msg, name).map(|v| T::from(&v))
}

#[doc(hidden)]
/// The first value of header `name` read as a boolean the way Asterisk's
/// `ast_true`/`ast_false` read one (`yes`, `true`, `1`, `on` / `no`, `false`,
/// `0`, `off`, any case). `None` when the header is missing or is neither;
/// the raw value stays reachable through the message.
pub fn bool_field(msg: &Message, name: &str) -> Option<bool> {
    parse_bool(msg.get(name)?)
}

/// Reads `yes`/`true`/`1`/`on` as `true` and `no`/`false`/`0`/`off` as `false`
/// (ASCII case-insensitive, surrounding spaces ignored).
pub fn parse_bool(value: &[u8]) -> Option<bool> {
    let start = value.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    let v = &value[start..end];
    if [&b"yes"[..], b"true", b"1", b"on", b"y", b"t"].iter().any(|t| v.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if [&b"no"[..], b"false", b"0", b"off", b"n", b"f"].iter().any(|t| v.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

#[doc(hidden)]
/// The position of `value` in `names`, compared ASCII case-insensitively.
pub fn enum_index(value: &str, names: &[&str]) -> Option<usize> {
    names.iter().position(|n| n.eq_ignore_ascii_case(value))
}

/// Compares `a` with the already lower-case `lower` as if `a` were lower-cased.
fn cmp_lower(a: &[u8], lower: &[u8]) -> std::cmp::Ordering {
    let n = a.len().min(lower.len());
    for i in 0..n {
        let c = a[i].to_ascii_lowercase().cmp(&lower[i]);
        if c.is_ne() {
            return c;
        }
    }
    a.len().cmp(&lower.len())
}

#[doc(hidden)]
/// Finds `name` in `sorted_lower` (lower-case names in byte order) ignoring
/// ASCII case, without allocating.
pub fn name_index(name: &[u8], sorted_lower: &[&str]) -> Option<usize> {
    sorted_lower.binary_search_by(|probe| cmp_lower(name, probe.as_bytes()).reverse()).ok()
}

#[doc(hidden)]
/// The value of the message's `Event` header looked up in `sorted_lower`
/// (see [`name_index`]). The `Event` header is normally the first line, so
/// this is a handful of byte comparisons.
pub fn event_index(msg: &Message, sorted_lower: &[&str]) -> Option<usize> {
    let first = msg.headers().next()?;
    let name = if first.is("Event") { first.value()? } else { msg.get("Event")? };
    name_index(name, sorted_lower)
}

#[doc(hidden)]
/// Whether the message is the event `name` (ASCII case-insensitive).
pub fn is_event(msg: &Message, name: &str) -> bool {
    msg.get("Event").is_some_and(|v| v.eq_ignore_ascii_case(name.as_bytes()))
}

/// Headers of `msg` whose names are not in `documented` (compared ASCII
/// case-insensitively). Lines without a colon count as undocumented.
pub fn undocumented<'a>(msg: &'a Message, documented: &'a [&'a str]) -> impl Iterator<Item = Header<'a>> + 'a {
    msg.headers().filter(move |h| h.is_bare_line() || !documented.iter().any(|d| h.is(d)))
}

#[doc(hidden)]
/// Every value of header `name` (ASCII case-insensitive), in order: a
/// header sent several times, such as `Output` or `Rule`.
pub fn fields<'a>(msg: &'a Message, name: &str) -> Vec<Cow<'a, str>> {
    msg.headers().filter(|h| !h.is_bare_line() && h.is(name)).map(|h| h.value_str()).collect()
}

/// The numbers after `name-` in a header name such as `Line-000002-000005`
/// (`[2, 5]`), or `None` when the header is not `name` followed by numbers.
fn numbers(header: &Header<'_>, name: &str) -> Option<Vec<u64>> {
    let full = header.name();
    let rest = full.get(name.len()..).filter(|_| full[..name.len()].eq_ignore_ascii_case(name.as_bytes()))?;
    let rest = rest.strip_prefix(b"-")?;
    rest.split(|&b| b == b'-')
        .map(|n| {
            let digits =
                std::str::from_utf8(n).ok().filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?;
            digits.parse().ok()
        })
        .collect()
}

#[doc(hidden)]
/// The values of the numbered headers `name-000000`, `name-000001`... in
/// the order sent (`Category-000000` of `GetConfig` and `ListCategories`).
pub fn numbered<'a>(msg: &'a Message, name: &str) -> Vec<Cow<'a, str>> {
    msg.headers().filter(|h| numbers(h, name).is_some_and(|n| n.len() == 1)).map(|h| h.value_str()).collect()
}

#[doc(hidden)]
/// The values of the headers `name-<index>-000000`, `name-<index>-000001`...
/// in the order sent: the items of entry `index` of another numbered
/// header (`Line-000003-000000` is the first line of `Category-000003`).
pub fn numbered_within<'a>(msg: &'a Message, name: &str, index: usize) -> Vec<Cow<'a, str>> {
    let index = index as u64;
    msg.headers()
        .filter(|h| numbers(h, name).is_some_and(|n| n.len() == 2 && n[0] == index))
        .map(|h| h.value_str())
        .collect()
}

#[doc(hidden)]
/// Each `head` header with the `member` headers that follow it, up to the
/// next `head` (`QueueRule`: a `RuleList`, then its `Rule` lines). Members
/// before the first `head` are not returned.
pub fn grouped<'a>(msg: &'a Message, head: &str, member: &str) -> Vec<(Cow<'a, str>, Vec<Cow<'a, str>>)> {
    let mut out: Vec<(Cow<'a, str>, Vec<Cow<'a, str>>)> = Vec::new();
    for h in msg.headers().filter(|h| !h.is_bare_line()) {
        if h.is(head) {
            out.push((h.value_str(), Vec::new()));
        } else if h.is(member) {
            if let Some((_, members)) = out.last_mut() {
                members.push(h.value_str());
            }
        }
    }
    out
}

#[doc(hidden)]
/// Every header of a response but its own (`Response`, `ActionID`,
/// `Message`), as `(name, value)` in order; lines without a colon are left
/// out (`ListCommands` sends one header per action).
pub fn other_fields(msg: &Message) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    msg.headers()
        .filter(|h| !h.is_bare_line() && !["Response", "ActionID", "Message"].iter().any(|k| h.is(k)))
        .map(|h| (h.name_str(), h.value_str()))
        .collect()
}

#[doc(hidden)]
/// A field of a generated action as `Debug` shows it: the value, or
/// [`REDACTED`](crate::secret::REDACTED) when [`secret::is_secret`](crate::secret::is_secret)
/// says header `header` of action `action` holds a secret.
pub fn shown<'a>(action: &str, header: &str, value: &'a dyn std::fmt::Debug) -> &'a dyn std::fmt::Debug {
    if crate::secret::is_secret(Some(action), header) {
        &crate::secret::REDACTED
    } else {
        value
    }
}

#[doc(hidden)]
/// Writes `key: value` when `value` is `Some`, spelled `yes` or `no` as given.
pub fn put_bool(w: &mut ActionWriter<'_>, key: &str, value: Option<bool>, yes: &str, no: &str) {
    if let Some(v) = value {
        w.header(key, if v { yes } else { no });
    }
}

#[doc(hidden)]
/// Writes one `key: value` line per value, in order (repeated headers such
/// as `Variable`).
pub fn put_all(w: &mut ActionWriter<'_>, key: &str, values: &[String]) {
    for v in values {
        w.header(key, v);
    }
}

#[doc(hidden)]
/// Writes extra `(key, value)` headers the caller added by hand.
pub fn put_extra(w: &mut ActionWriter<'_>, headers: &[(String, String)]) {
    for (k, v) in headers {
        w.header(k, v);
    }
}

/// Implemented by every generated action type.
pub trait ActionType: Action {
    /// The AMI name, e.g. `Originate`.
    const NAME: &'static str;

    /// The action's entry in the generated metadata table.
    fn info() -> &'static ActionInfo;
}

/// An action that answers with an event list: items, then a completion event.
pub trait ListAction: ActionType {
    /// The typed list item: the item event's type, or the generated `Event`
    /// enum when the list mixes several event types.
    type Item: FromMessage;
    /// The AMI names of the item events.
    const ITEMS: &'static [&'static str];
    /// The AMI name of the completion event.
    const COMPLETE: &'static str;
}

/// An action whose successful response carries data, read through its
/// typed view (`responses::Getvar` for `actions::Getvar`).
pub trait ResponseAction: ActionType {
    /// The typed view of its response.
    type Response: TypedResponse;
}

/// Implemented by every generated response type: a typed view over the
/// [`Response`] of an action whose success carries data (`Getvar`'s
/// `Value`, `CoreStatus`...), with an accessor per header the server sends
/// and the whole [`Response`] still reachable.
pub trait TypedResponse: Sized {
    /// The AMI name of the action it answers.
    const ACTION: &'static str;

    /// Wraps a response. Nothing is checked: a response does not say which
    /// action it answers, and a header it lacks reads as `None`.
    fn from_response(response: Response) -> Self;

    /// The response, for raw access to every header.
    fn response(&self) -> &Response;

    /// Gives the response back.
    fn into_response(self) -> Response;
}

/// Implemented by every generated event type: a typed view over a [`Message`]
/// that keeps every header the server sent.
pub trait EventType: Sized {
    /// The event name as documented (the server may spell it in another case).
    const NAME: &'static str;

    /// The event's entry in the generated metadata table.
    fn info() -> &'static EventInfo;

    /// Wraps a message without checking its `Event` header.
    fn from_message_unchecked(msg: Message) -> Self;

    /// The message, for raw access to every header.
    fn message(&self) -> &Message;

    /// Gives the message back.
    fn into_message(self) -> Message;
}

/// Conversion of a received message into a typed value, giving the message
/// back when it is not of that type.
pub trait FromMessage: Sized {
    /// Converts, or returns the message unchanged.
    fn from_message(msg: Message) -> Result<Self, Message>;
}

impl<T: EventType> FromMessage for T {
    fn from_message(msg: Message) -> Result<Self, Message> {
        if is_event(&msg, T::NAME) {
            Ok(T::from_message_unchecked(msg))
        } else {
            Err(msg)
        }
    }
}

/// Implemented by every generated enum: a documented value, or `Other` with
/// whatever text the server (or the caller) used.
pub trait AmiEnum: Sized {
    /// The value as sent on the wire.
    fn as_str(&self) -> &str;
    /// Reads a value (ASCII case-insensitive); unknown text becomes `Other`.
    fn from_value(value: &str) -> Self;
}

/// One action parameter in the generated metadata table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The header name, e.g. `Channel`.
    pub name: &'static str,
    /// Whether the action needs it (in every supported release that has it).
    pub required: bool,
    /// Whether it may be sent several times (e.g. `Variable`).
    pub multiple: bool,
    /// The documented default, if any.
    pub default: Option<&'static str>,
    /// The documented values of an enumerated parameter; empty for free text.
    pub values: &'static [&'static str],
    /// The releases that document it.
    pub releases: &'static [&'static str],
    /// How the generated type holds its value.
    pub kind: ParamKind,
    /// For a member of a numbered group (`Action-000000` of `UpdateConfig`,
    /// `UnitAmount(0)` of `AOCMessage`): the group and how its headers are
    /// numbered. `None` for an ordinary parameter.
    pub numbered: Option<Numbered>,
    /// Whether it stands for any number of headers of the caller's own
    /// choosing (`UserEvent`'s `HeaderN`): any name is accepted, sent as given.
    pub free_headers: bool,
    /// Where it comes from: Asterisk's XML or the fixup that added or changed it.
    pub origin: Origin,
}

/// How a generated action holds a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Free text.
    Text,
    /// A boolean, sent with the documented spelling of true and false.
    Bool,
    /// One of the documented values (or any other, through `Other`).
    Enum,
}

/// Where a definition of the metadata comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Asterisk's XML documentation.
    Xml,
    /// Added or changed by the generator's fixup of that name (a gap or a
    /// mistake of the XML, patched with the evidence in `ami-codegen`).
    Fixup(&'static str),
}

/// How the headers of a numbered group are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// `Stem-000000`, `Stem-000001`...: six digits after a dash.
    Dashed,
    /// `Stem(0)`, `Stem(1)`...
    Parenthesised,
}

/// A parameter that is one member of a numbered group: item `n` of the
/// group sends it as header `stem` numbered `n` ([`Numbered::header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbered {
    /// The group's name, the same for all its members (`change`, `unit`).
    pub group: &'static str,
    /// The header name without its number (`Action`, `UnitAmount`).
    pub stem: &'static str,
    /// How the number is written.
    pub numbering: Numbering,
}

impl Numbered {
    /// The header name of item `n` (`Action-000003`, `UnitAmount(3)`).
    pub fn header(&self, n: usize) -> String {
        numbered_name(self.stem, self.numbering, n)
    }

    /// The wire pattern for docs and help: `Action-NNNNNN`, `UnitAmount(N)`.
    pub fn pattern(&self) -> String {
        match self.numbering {
            Numbering::Dashed => format!("{}-NNNNNN", self.stem),
            Numbering::Parenthesised => format!("{}(N)", self.stem),
        }
    }

    /// The item number when `name` is this member's header for some item
    /// (the stem ignoring ASCII case, then the number as this numbering
    /// writes it); `None` otherwise.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        let stem = name.get(..self.stem.len()).filter(|s| s.eq_ignore_ascii_case(self.stem))?;
        let rest = &name[stem.len()..];
        let digits = match self.numbering {
            Numbering::Dashed => rest.strip_prefix('-').filter(|d| d.len() == 6)?,
            Numbering::Parenthesised => rest.strip_prefix('(')?.strip_suffix(')')?,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }
}

/// The header name of item `n` of a numbered group member `stem`.
pub fn numbered_name(stem: &str, numbering: Numbering, n: usize) -> String {
    match numbering {
        Numbering::Dashed => format!("{stem}-{n:06}"),
        Numbering::Parenthesised => format!("{stem}({n})"),
    }
}

/// Writes member `stem` of item `n` of a numbered group when `value` is
/// `Some` (`Cat-000001: catalog`): what a generated repeated item's `write`
/// calls once per member.
pub fn put_numbered(w: &mut ActionWriter<'_>, stem: &str, numbering: Numbering, n: usize, value: Option<&str>) {
    if let Some(v) = value {
        w.header(&numbered_name(stem, numbering, n), v);
    }
}

/// The list an action answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListInfo {
    /// Item event names.
    pub items: &'static [&'static str],
    /// Completion event name.
    pub complete: &'static str,
    /// When the list is sent, if not always (e.g. Hangup with a regex channel).
    pub condition: &'static str,
}

/// One action in the generated metadata table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// The AMI name.
    pub name: &'static str,
    /// The `since` versions Asterisk documents.
    pub since: &'static [&'static str],
    /// The releases the types were generated from that have this action.
    pub releases: &'static [&'static str],
    /// Parameters in documented order (`ActionID` excluded).
    pub params: &'static [ParamInfo],
    /// The event list it answers with, if any.
    pub list: Option<ListInfo>,
    /// The one event the server sends after its response, for an action
    /// that is not a list (`FAXStats` -> `FAXStats`).
    pub follow_up: Option<&'static str>,
    /// The data headers of its successful response, as the wire shows them
    /// (`Category-NNNNNN` stands for numbered names); empty when there are
    /// none or they are not known.
    pub response_fields: &'static [&'static str],
    /// Whether the server answers with a message; `false` when it answers
    /// with a bare empty line (see [`Action::expects_response`]).
    pub expects_response: bool,
    /// One-line summary (empty unless generated from a full upstream file).
    pub synopsis: &'static str,
    /// Its page on docs.asterisk.org (empty when Asterisk documents none).
    pub doc_url: &'static str,
    /// Where it comes from (every action so far: the XML).
    pub origin: Origin,
}

impl ActionInfo {
    /// Whether it takes headers of the caller's own choosing (a parameter
    /// with [`ParamInfo::free_headers`]).
    pub fn takes_free_headers(&self) -> bool {
        self.params.iter().any(|p| p.free_headers)
    }
}

/// One event in the generated metadata table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    /// The event name as documented.
    pub name: &'static str,
    /// Event classes (`call`, `system`, ...), from `EVENT_FLAG_*`.
    pub classes: &'static [&'static str],
    /// The `since` versions Asterisk documents.
    pub since: &'static [&'static str],
    /// The releases the types were generated from that have this event.
    pub releases: &'static [&'static str],
    /// Documented header names.
    pub fields: &'static [&'static str],
    /// One-line summary (empty unless generated from a full upstream file).
    pub synopsis: &'static str,
    /// Its page on docs.asterisk.org (empty when Asterisk documents none).
    pub doc_url: &'static str,
    /// Where it comes from: the XML, or the fixup that added an event only
    /// the wire shows.
    pub origin: Origin,
}

#[doc(hidden)]
/// Finds an entry of a metadata table by name, ignoring ASCII case.
pub fn find_info<T>(table: &'static [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'static T> {
    table.iter().find(|t| key(t).eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Message {
        Message::from_frame(s.as_bytes().to_vec())
    }

    #[test]
    fn numbered_headers_are_written_and_read_one_way() {
        let dashed = Numbered { group: "change", stem: "Cat", numbering: Numbering::Dashed };
        assert_eq!((dashed.header(0), dashed.header(12)), ("Cat-000000".into(), "Cat-000012".into()));
        assert_eq!(dashed.pattern(), "Cat-NNNNNN");
        assert_eq!(dashed.index_of("cat-000012"), Some(12));
        for no in ["Cat-1", "Cat-0000001", "Cat(0)", "Category-000000", "Cat-00000x", "Ca", ""] {
            assert_eq!(dashed.index_of(no), None, "{no}");
        }
        let paren = Numbered { group: "unit", stem: "UnitAmount", numbering: Numbering::Parenthesised };
        assert_eq!((paren.header(3), paren.pattern()), ("UnitAmount(3)".into(), "UnitAmount(N)".to_string()));
        assert_eq!(paren.index_of("unitamount(10)"), Some(10));
        for no in ["UnitAmount()", "UnitAmount(1", "UnitAmount-000000", "UnitAmount(a)"] {
            assert_eq!(paren.index_of(no), None, "{no}");
        }
        let mut out = Vec::new();
        let mut w = ActionWriter::new(&mut out, "UpdateConfig");
        put_numbered(&mut w, "Cat", Numbering::Dashed, 1, Some("x"));
        put_numbered(&mut w, "Var", Numbering::Dashed, 1, None);
        put_numbered(&mut w, "UnitType", Numbering::Parenthesised, 2, Some("1"));
        w.finish().unwrap();
        assert_eq!(out, b"Action: UpdateConfig\r\nCat-000001: x\r\nUnitType(2): 1\r\n\r\n");
    }

    #[test]
    fn name_index_ignores_case() {
        let table = ["dialend", "hangup", "newexten"];
        assert_eq!(name_index(b"Newexten", &table), Some(2));
        assert_eq!(name_index(b"NEWEXTEN", &table), Some(2));
        assert_eq!(name_index(b"DialEnd", &table), Some(0));
        assert_eq!(name_index(b"Dial", &table), None);
        assert_eq!(name_index(b"", &table), None);
        assert_eq!(event_index(&msg("Event: Hangup\r\nCause: 16"), &table), Some(1));
        assert_eq!(event_index(&msg("Privilege: call\r\nEvent: hangup"), &table), Some(1));
        assert_eq!(event_index(&msg("Response: Success"), &table), None);
    }

    #[test]
    fn bools_read_like_asterisk() {
        assert_eq!(parse_bool(b"Yes"), Some(true));
        assert_eq!(parse_bool(b" off "), Some(false));
        assert_eq!(parse_bool(b"maybe"), None);
        assert_eq!(bool_field(&msg("Event: X\r\nAdmin: No"), "admin"), Some(false));
    }

    #[test]
    fn undocumented_headers() {
        let m = msg("Event: X\r\nPrivilege: call\r\nChannel: a\r\nbare");
        let names: Vec<_> = undocumented(&m, &["Channel"]).map(|h| h.name_str().into_owned()).collect();
        assert_eq!(names, ["Event", "Privilege", "bare"]);
    }

    #[test]
    fn response_field_shapes() {
        let m = msg("Response: Success\r\nActionID: 1\r\nCategory-000000: general\r\nLine-000000-000000: a=1\r\n\
                     Line-000000-000001: b=2\r\nCategory-000001: lot\r\nLine-000001-000000: c=3\r\nCategory-x: no\r\n\
                     Line-1: no\r\nNo categories found");
        assert_eq!(numbered(&m, "category"), ["general", "lot"]);
        assert_eq!(numbered_within(&m, "Line", 0), ["a=1", "b=2"]);
        assert_eq!(numbered_within(&m, "Line", 1), ["c=3"]);
        assert!(numbered_within(&m, "Line", 2).is_empty());
        let q = msg("Response: Success\r\nRule: orphan\r\nRuleList: a\r\nRule: 1\r\nRule: 2\r\nRuleList: b\r\nRule: 3");
        let g = grouped(&q, "RuleList", "Rule");
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].0.as_ref(), g[0].1.len()), ("a", 2));
        assert_eq!(g[1].1, ["3"]);
        assert_eq!(fields(&q, "rule"), ["orphan", "1", "2", "3"]);
        let l = msg("Response: Success\r\nActionID: 7\r\nPing: Keepalive command.  (Priv: <none>)\r\nbare");
        let o = other_fields(&l);
        assert_eq!(o.len(), 1);
        assert_eq!((o[0].0.as_ref(), o[0].1.as_ref()), ("Ping", "Keepalive command.  (Priv: <none>)"));
    }

    #[test]
    fn writer_helpers() {
        let mut out = Vec::new();
        let mut w = ActionWriter::new(&mut out, "Originate");
        put_bool(&mut w, "Async", Some(true), "true", "false");
        put_bool(&mut w, "EarlyMedia", None, "true", "false");
        put_all(&mut w, "Variable", &["A=1".to_string(), "B=2".to_string()]);
        put_extra(&mut w, &[("X-Custom".to_string(), "v".to_string())]);
        w.finish().unwrap();
        assert_eq!(out, b"Action: Originate\r\nAsync: true\r\nVariable: A=1\r\nVariable: B=2\r\nX-Custom: v\r\n\r\n");
    }
}
