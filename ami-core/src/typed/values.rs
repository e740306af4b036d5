//! Numbers, durations, times, hangup causes and dialplan priorities read
//! from header text: the parsers behind the generated typed accessors.
//!
//! Every parser is total: text that does not parse gives `None`, never a
//! panic, and so do empty values and the placeholders Asterisk writes for
//! "no value" (see [`is_placeholder`]). The `*_field` functions are what
//! generated accessors call: one call each, compiled once here.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cause::HangupCause;
use crate::message::Message;

/// Whether `value` is one of the texts Asterisk writes for "no value":
/// empty (or only spaces), `<unknown>`, `<null>`, `(null)` or `N/A`.
/// Typed accessors read all of them as `None`.
pub fn is_placeholder(value: &str) -> bool {
    matches!(value.trim(), "" | "<unknown>" | "<null>" | "(null)" | "N/A")
}

/// The value of header `name` as trimmed ASCII text, `None` when missing,
/// not UTF-8 or a placeholder.
fn text<'a>(msg: &'a Message, name: &str) -> Option<&'a str> {
    let v = std::str::from_utf8(msg.get(name)?).ok()?;
    (!is_placeholder(v)).then(|| v.trim())
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an unsigned decimal integer (`42`, `0003`); no sign, no spaces
/// inside, at most `u64::MAX`.
pub fn parse_unsigned(value: &str) -> Option<u64> {
    let v = value.trim();
    if !all_digits(v) {
        return None;
    }
    v.parse().ok()
}

/// Reads a decimal integer with an optional sign (`-1`, `+3`, `200`).
pub fn parse_signed(value: &str) -> Option<i64> {
    let v = value.trim();
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if !all_digits(digits) {
        return None;
    }
    v.parse().ok()
}

/// Reads a decimal number such as `0.0`, `87.5` or `-2`, as Asterisk
/// writes them with `printf`'s `%f`; no exponent, no `inf` or `nan`.
pub fn parse_decimal(value: &str) -> Option<f64> {
    let v = value.trim();
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    let ok = match body.split_once('.') {
        Some((int, frac)) => (int.is_empty() || all_digits(int)) && all_digits(frac),
        None => all_digits(body),
    };
    if !ok {
        return None;
    }
    v.parse().ok()
}

/// `digits[.digits]` as a duration of that many seconds (the fraction to
/// the nanosecond, further digits dropped).
fn seconds_with_fraction(value: &str) -> Option<Duration> {
    let v = value.trim();
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) if all_digits(f) => (i, f),
        Some(_) => return None,
        None => (v, ""),
    };
    if !all_digits(int) {
        return None;
    }
    let secs: u64 = int.parse().ok()?;
    let mut nanos = 0u32;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    Some(Duration::new(secs, nanos))
}

/// Reads a number of seconds, whole (`3600`) or decimal (`3.000000`,
/// `0.0123`), as a [`Duration`]. Negative values are `None`.
pub fn parse_seconds(value: &str) -> Option<Duration> {
    seconds_with_fraction(value)
}

/// Reads a whole number of milliseconds as a [`Duration`].
pub fn parse_millis(value: &str) -> Option<Duration> {
    parse_unsigned(value).map(Duration::from_millis)
}

/// Reads a whole number of microseconds as a [`Duration`].
pub fn parse_micros(value: &str) -> Option<Duration> {
    parse_unsigned(value).map(Duration::from_micros)
}

/// Reads `H:MM:SS` (hours of any width, `00:00:02`, `123:04:05`) as a
/// [`Duration`]. Minutes and seconds must be below 60.
pub fn parse_hms(value: &str) -> Option<Duration> {
    let mut parts = value.trim().split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !all_digits(h) || !all_digits(m) || !all_digits(s) || m.len() > 2 || s.len() > 2 {
        return None;
    }
    let (h, m, s): (u64, u64, u64) = (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?);
    if m >= 60 || s >= 60 {
        return None;
    }
    Some(Duration::from_secs(h.checked_mul(3600)?.checked_add(m * 60 + s)?))
}

/// Reads Unix time, seconds since 1970-01-01 00:00 UTC, whole
/// (`1796088566`) or with a fraction (`1795385000.225046`), as a
/// [`SystemTime`]. `0` is `None`: Asterisk writes it for "never" (a queue
/// member's `LastCall` before the first call, a `TimeToHangup` that is not
/// set, a contact that does not expire).
pub fn parse_unix_time(value: &str) -> Option<SystemTime> {
    let d = seconds_with_fraction(value)?;
    if d.is_zero() {
        return None;
    }
    UNIX_EPOCH.checked_add(d)
}

/// Reads an ISO 8601 time with a UTC offset, as Asterisk's security events
/// write `EventTV` (`2026-11-22T22:03:18.221+0000`), as a [`SystemTime`].
/// The offset may be `Z`, `+HHMM` or `+HH:MM`; the fraction is optional;
/// a space may stand for the `T`.
pub fn parse_iso_time(value: &str) -> Option<SystemTime> {
    let v = value.trim();
    if v.len() < 19 || !v.is_char_boundary(19) {
        return None;
    }
    let (date_time, rest) = v.split_at(19);
    if !date_time.is_ascii() {
        return None;
    }
    if !matches!(date_time.as_bytes()[10], b'T' | b' ') {
        return None;
    }
    let wall = WallClock::parse_parts(&date_time[..10], &date_time[11..])?;
    let (frac, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            (&r[..end], &r[end..])
        }
        None => ("", rest),
    };
    if rest.starts_with('.') && frac.is_empty() {
        return None;
    }
    let offset = parse_offset(zone)?;
    let whole = wall.to_system_time(offset)?;
    let fraction = if frac.is_empty() { Duration::ZERO } else { seconds_with_fraction(&format!("0.{frac}"))? };
    whole.checked_add(fraction)
}

/// `Z`, `+HHMM`, `-HHMM`, `+HH:MM` or `+HH` as seconds east of UTC.
fn parse_offset(zone: &str) -> Option<i32> {
    if zone == "Z" {
        return Some(0);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &zone[1..];
    if !body.is_ascii() {
        return None;
    }
    let (h, m) = match body.len() {
        2 => (body, "00"),
        4 => body.split_at(2),
        5 if body.as_bytes()[2] == b':' => (&body[..2], &body[3..]),
        _ => return None,
    };
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// A date and time of day without a time zone, as Asterisk writes the
/// `StartTime`, `AnswerTime` and `EndTime` of a `Cdr` event and the
/// `EventTime` of a `CEL` event (`2026-11-22 22:14:31`).
///
/// Asterisk formats these in the server's local time zone and does not
/// say which zone that is, so the value cannot become a [`SystemTime`] by
/// itself: [`WallClock::to_system_time`] takes the server's UTC offset,
/// [`WallClock::assume_utc`] is for servers that run in UTC. The order of
/// values is the order of time within one zone.
///
/// ```
/// use ami_core::WallClock;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let t: WallClock = "2026-11-22 22:14:31".parse().unwrap();
/// assert_eq!((t.year(), t.month(), t.day()), (2026, 11, 22));
/// assert_eq!(t.to_string(), "2026-11-22 22:14:31");
/// // A server one hour east of UTC.
/// let utc = t.to_system_time(3600).unwrap();
/// assert_eq!(utc, t.assume_utc().unwrap() - Duration::from_secs(3600));
/// assert!(utc > UNIX_EPOCH);
/// assert!("2026-02-30 00:00:00".parse::<WallClock>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WallClock {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl WallClock {
    /// A date and time, `None` unless it exists: month 1-12, a day of that
    /// month, hour 0-23, minute 0-59, second 0-60 (60 for a leap second).
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<WallClock> {
        let ok = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second <= 60;
        ok.then_some(WallClock { year, month, day, hour, minute, second })
    }

    /// Reads `YYYY-MM-DD HH:MM:SS` (a `T` may stand for the space).
    pub fn parse(value: &str) -> Option<WallClock> {
        let v = value.trim();
        if v.len() != 19 || !v.is_char_boundary(10) || !v.is_char_boundary(11) {
            return None;
        }
        if !matches!(v.as_bytes()[10], b' ' | b'T') {
            return None;
        }
        WallClock::parse_parts(&v[..10], &v[11..])
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`.
    fn parse_parts(date: &str, time: &str) -> Option<WallClock> {
        let num = |s: &str, len: usize| -> Option<u16> { (s.len() == len && all_digits(s)).then(|| s.parse().ok())? };
        let mut d = date.split('-');
        let (y, mo, da) = (num(d.next()?, 4)?, num(d.next()?, 2)?, num(d.next()?, 2)?);
        let mut t = time.split(':');
        let (h, mi, s) = (num(t.next()?, 2)?, num(t.next()?, 2)?, num(t.next()?, 2)?);
        if d.next().is_some() || t.next().is_some() {
            return None;
        }
        WallClock::new(y, mo as u8, da as u8, h as u8, mi as u8, s as u8)
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// The hour, 0-23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0-59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0-60.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// The instant this wall-clock time names in a zone `utc_offset`
    /// seconds east of UTC (`3600` for UTC+1, `-18000` for UTC-5); `None`
    /// before 1970.
    pub fn to_system_time(&self, utc_offset: i32) -> Option<SystemTime> {
        let days = days_from_civil(i64::from(self.year), u32::from(self.month), u32::from(self.day));
        let secs = days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
            - i64::from(utc_offset);
        UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
    }

    /// [`to_system_time`](WallClock::to_system_time) for a server whose
    /// local time is UTC.
    pub fn assume_utc(&self) -> Option<SystemTime> {
        self.to_system_time(0)
    }
}

impl fmt::Display for WallClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The error of parsing a [`WallClock`] or a [`Priority`] from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseValueError {
    what: &'static str,
    text: String,
}

impl fmt::Display for ParseValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not {}: {:?}", self.what, self.text)
    }
}

impl std::error::Error for ParseValueError {}

impl FromStr for WallClock {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<WallClock, ParseValueError> {
        WallClock::parse(s)
            .ok_or_else(|| ParseValueError { what: "a date and time (YYYY-MM-DD HH:MM:SS)", text: s.to_string() })
    }
}

/// A dialplan priority: a number, or a label.
///
/// Events send the channel's priority as a number (`Priority: 2`), but
/// the dialplan names priorities by labels too (`same => n(retry),...`;
/// actions such as `Originate` and `Redirect` accept them), and the
/// `ListDialplan` list writes `Priority: hint` for a hint. One type holds
/// all of them, so a priority read from an event can be sent back in an
/// action as it is.
///
/// ```
/// use ami_core::Priority;
///
/// assert_eq!(Priority::parse("2"), Some(Priority::Number(2)));
/// assert_eq!(Priority::parse("retry"), Some(Priority::Label("retry".into())));
/// assert_eq!(Priority::parse(""), None);
/// assert_eq!(Priority::Number(2).number(), Some(2));
/// assert_eq!(Priority::from(3).to_string(), "3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Priority {
    /// A numbered priority (`1`, `2`, ...).
    Number(u32),
    /// A label, or any other text that is not a number (`hint`).
    Label(String),
}

impl Priority {
    /// Reads a priority: digits are a [`Priority::Number`], other text a
    /// [`Priority::Label`]; `None` for empty text and placeholders.
    pub fn parse(value: &str) -> Option<Priority> {
        if is_placeholder(value) {
            return None;
        }
        let v = value.trim();
        match (all_digits(v), v.parse::<u32>()) {
            (true, Ok(n)) => Some(Priority::Number(n)),
            _ => Some(Priority::Label(v.to_string())),
        }
    }

    /// The number, for a numbered priority.
    pub fn number(&self) -> Option<u32> {
        match self {
            Priority::Number(n) => Some(*n),
            Priority::Label(_) => None,
        }
    }

    /// The label, for a labelled priority.
    pub fn label(&self) -> Option<&str> {
        match self {
            Priority::Number(_) => None,
            Priority::Label(l) => Some(l),
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Priority::Number(n) => write!(f, "{n}"),
            Priority::Label(l) => f.write_str(l),
        }
    }
}

impl From<u32> for Priority {
    fn from(n: u32) -> Priority {
        Priority::Number(n)
    }
}

impl FromStr for Priority {
    type Err = ParseValueError;

    fn from_str(s: &str) -> Result<Priority, ParseValueError> {
        Priority::parse(s).ok_or_else(|| ParseValueError { what: "a priority", text: s.to_string() })
    }
}

#[doc(hidden)]
/// Header `name` as an unsigned integer ([`parse_unsigned`]).
pub fn unsigned_field(msg: &Message, name: &str) -> Option<u64> {
    parse_unsigned(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as a signed integer ([`parse_signed`]).
pub fn signed_field(msg: &Message, name: &str) -> Option<i64> {
    parse_signed(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as a decimal number ([`parse_decimal`]).
pub fn decimal_field(msg: &Message, name: &str) -> Option<f64> {
    parse_decimal(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as seconds ([`parse_seconds`]).
pub fn seconds_field(msg: &Message, name: &str) -> Option<Duration> {
    parse_seconds(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as milliseconds ([`parse_millis`]).
pub fn millis_field(msg: &Message, name: &str) -> Option<Duration> {
    parse_millis(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as microseconds ([`parse_micros`]).
pub fn micros_field(msg: &Message, name: &str) -> Option<Duration> {
    parse_micros(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as `H:MM:SS` ([`parse_hms`]).
pub fn hms_field(msg: &Message, name: &str) -> Option<Duration> {
    parse_hms(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as Unix time ([`parse_unix_time`]; `0` is `None`).
pub fn unix_time_field(msg: &Message, name: &str) -> Option<SystemTime> {
    parse_unix_time(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as an ISO 8601 time with offset ([`parse_iso_time`]).
pub fn iso_time_field(msg: &Message, name: &str) -> Option<SystemTime> {
    parse_iso_time(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as a zone-less date and time ([`WallClock::parse`]).
pub fn wall_clock_field(msg: &Message, name: &str) -> Option<WallClock> {
    WallClock::parse(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as a Q.850 hangup cause ([`HangupCause::parse_code`]).
pub fn cause_field(msg: &Message, name: &str) -> Option<HangupCause> {
    HangupCause::parse_code(text(msg, name)?)
}

#[doc(hidden)]
/// Header `name` as a dialplan priority ([`Priority::parse`]).
pub fn priority_field(msg: &Message, name: &str) -> Option<Priority> {
    Priority::parse(text(msg, name)?)
}

/// How a typed accessor reads its header: the kind of each entry of the
/// generated `Event::TYPED_FIELDS` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// `u64`, from [`parse_unsigned`].
    Unsigned,
    /// `i64`, from [`parse_signed`].
    Signed,
    /// `f64`, from [`parse_decimal`].
    Decimal,
    /// [`Duration`], from seconds ([`parse_seconds`]).
    Seconds,
    /// [`Duration`], from milliseconds ([`parse_millis`]).
    Milliseconds,
    /// [`Duration`], from microseconds ([`parse_micros`]).
    Microseconds,
    /// [`Duration`], from `H:MM:SS` ([`parse_hms`]).
    Hms,
    /// [`SystemTime`], from Unix time ([`parse_unix_time`]).
    UnixTime,
    /// [`SystemTime`], from ISO 8601 with offset ([`parse_iso_time`]).
    IsoTime,
    /// [`WallClock`], a date and time without zone.
    WallClock,
    /// [`HangupCause`], a Q.850 code.
    HangupCause,
    /// [`Priority`], a number or a label.
    Priority,
}

impl ValueKind {
    /// The Rust type the accessor returns (inside its `Option`).
    pub fn rust_type(self) -> &'static str {
        match self {
            ValueKind::Unsigned => "u64",
            ValueKind::Signed => "i64",
            ValueKind::Decimal => "f64",
            ValueKind::Seconds | ValueKind::Milliseconds | ValueKind::Microseconds | ValueKind::Hms => "Duration",
            ValueKind::UnixTime | ValueKind::IsoTime => "SystemTime",
            ValueKind::WallClock => "WallClock",
            ValueKind::HangupCause => "HangupCause",
            ValueKind::Priority => "Priority",
        }
    }
}

/// A typed header value of any kind, as the generated `Event::typed_value`
/// and `Event::TYPED_FIELDS` hand it out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// [`ValueKind::Unsigned`].
    Unsigned(u64),
    /// [`ValueKind::Signed`].
    Signed(i64),
    /// [`ValueKind::Decimal`].
    Decimal(f64),
    /// [`ValueKind::Seconds`], [`ValueKind::Milliseconds`],
    /// [`ValueKind::Microseconds`] and [`ValueKind::Hms`].
    Duration(Duration),
    /// [`ValueKind::UnixTime`] and [`ValueKind::IsoTime`].
    Time(SystemTime),
    /// [`ValueKind::WallClock`].
    WallClock(WallClock),
    /// [`ValueKind::HangupCause`].
    HangupCause(HangupCause),
    /// [`ValueKind::Priority`].
    Priority(Priority),
}

impl Value {
    /// Whether the value is of the Rust type `kind` reads into.
    pub fn is_of(&self, kind: ValueKind) -> bool {
        matches!(
            (self, kind),
            (Value::Unsigned(_), ValueKind::Unsigned)
                | (Value::Signed(_), ValueKind::Signed)
                | (Value::Decimal(_), ValueKind::Decimal)
                | (
                    Value::Duration(_),
                    ValueKind::Seconds | ValueKind::Milliseconds | ValueKind::Microseconds | ValueKind::Hms
                )
                | (Value::Time(_), ValueKind::UnixTime | ValueKind::IsoTime)
                | (Value::WallClock(_), ValueKind::WallClock)
                | (Value::HangupCause(_), ValueKind::HangupCause)
                | (Value::Priority(_), ValueKind::Priority)
        )
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {
        $(impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$v(x)
            }
        })*
    };
}

value_from!(u64 => Unsigned, i64 => Signed, f64 => Decimal, Duration => Duration, SystemTime => Time,
    WallClock => WallClock, HangupCause => HangupCause, Priority => Priority);

/// One typed accessor in the generated `Event::TYPED_FIELDS` table: the
/// event and header it reads, how, and a way to call the accessor itself.
pub struct TypedField<E: 'static> {
    /// The event name as documented (e.g. `Hangup`).
    pub event: &'static str,
    /// The header name (e.g. `Cause`).
    pub field: &'static str,
    /// How the accessor reads it.
    pub kind: ValueKind,
    index: usize,
    call: fn(&E, usize) -> Option<Value>,
}

impl<E> TypedField<E> {
    /// An entry whose accessor `call(event, index)` runs (generated code
    /// passes one function that matches on the index).
    pub const fn new(
        event: &'static str,
        field: &'static str,
        kind: ValueKind,
        index: usize,
        call: fn(&E, usize) -> Option<Value>,
    ) -> TypedField<E> {
        TypedField { event, field, kind, index, call }
    }

    /// Calls the generated accessor on `event`: `None` for an event of
    /// another type, a missing header, a placeholder or text that does not
    /// parse.
    pub fn read(&self, event: &E) -> Option<Value> {
        (self.call)(event, self.index)
    }
}

impl<E> fmt::Debug for TypedField<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedField")
            .field("event", &self.event)
            .field("field", &self.field)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

#[doc(hidden)]
/// The entry of `table` for header `field` of event `event` (both ASCII
/// case-insensitive).
pub fn find_typed_field<'t, E>(table: &'t [TypedField<E>], event: &str, field: &str) -> Option<&'t TypedField<E>> {
    table.iter().find(|t| t.event.eq_ignore_ascii_case(event) && t.field.eq_ignore_ascii_case(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn placeholders() {
        for p in ["", "  ", "<unknown>", "<null>", "(null)", "N/A", " <unknown> "] {
            assert!(is_placeholder(p), "{p:?}");
        }
        for v in ["0", "unknown", "null", "-", "n/a", "<none>"] {
            assert!(!is_placeholder(v), "{v:?}");
        }
    }

    #[test]
    fn integers() {
        assert_eq!(parse_unsigned("0"), Some(0));
        assert_eq!(parse_unsigned("0003"), Some(3));
        assert_eq!(parse_unsigned(" 42 "), Some(42));
        assert_eq!(parse_unsigned("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "-1", "+1", "1.0", "1e3", "0x10", "1 2", "18446744073709551616", "twelve", "١٢"] {
            assert_eq!(parse_unsigned(bad), None, "{bad:?}");
        }
        assert_eq!(parse_signed("-1"), Some(-1));
        assert_eq!(parse_signed("+7"), Some(7));
        assert_eq!(parse_signed("200"), Some(200));
        assert_eq!(parse_signed("-9223372036854775808"), Some(i64::MIN));
        for bad in ["", "-", "+", "--1", "1-", "9223372036854775808", "1.5", "- 1"] {
            assert_eq!(parse_signed(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("0.0"), Some(0.0));
        assert_eq!(parse_decimal("87.5"), Some(87.5));
        assert_eq!(parse_decimal("-2"), Some(-2.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        for bad in ["", ".", "1.", "1e3", "inf", "NaN", "1.2.3", "1,5", "+", "0x1"] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_seconds("3600"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_seconds("3.000000"), Some(Duration::from_secs(3)));
        assert_eq!(parse_seconds("0.0123"), Some(Duration::from_micros(12_300)));
        assert_eq!(parse_seconds("1.1234567891"), Some(Duration::new(1, 123_456_789)));
        for bad in ["", "-1", "1.", ".5", "1.-5", "1:00", "abc", "1 s"] {
            assert_eq!(parse_seconds(bad), None, "{bad:?}");
        }
        assert_eq!(parse_millis("250"), Some(Duration::from_millis(250)));
        assert_eq!(parse_millis("2.5"), None);
        assert_eq!(parse_micros("1500"), Some(Duration::from_micros(1500)));
        assert_eq!(parse_micros("N/A"), None);
        assert_eq!(parse_hms("00:00:02"), Some(Duration::from_secs(2)));
        assert_eq!(parse_hms("123:04:05"), Some(Duration::from_secs(123 * 3600 + 4 * 60 + 5)));
        assert_eq!(parse_hms(" 1:02:03 "), Some(Duration::from_secs(3723)));
        for bad in ["", "00:00", "00:60:00", "00:00:60", "00:00:02:00", "-1:00:00", "a:00:00", "00:000:01", "1::2"] {
            assert_eq!(parse_hms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unix_times() {
        assert_eq!(parse_unix_time("1796088566"), Some(unix(1_796_088_566, 0)));
        assert_eq!(parse_unix_time("1795385000.225046"), Some(unix(1_795_385_000, 225_046_000)));
        assert_eq!(parse_unix_time("0"), None);
        assert_eq!(parse_unix_time("0.000000"), None);
        for bad in ["", "-5", "1e9", "12:00", "1795385000.", "soon"] {
            assert_eq!(parse_unix_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn iso_times() {
        let t = unix(1_795_384_998, 221_000_000); // 2026-11-22T22:03:18.221Z
        assert_eq!(parse_iso_time("2026-11-22T22:03:18.221+0000"), Some(t));
        assert_eq!(parse_iso_time("2026-11-22T22:03:18.221Z"), Some(t));
        assert_eq!(parse_iso_time("2026-11-22T23:03:18.221+01:00"), Some(t));
        assert_eq!(parse_iso_time("2026-11-22T17:03:18.221-0500"), Some(t));
        assert_eq!(parse_iso_time("2026-11-22 22:03:18.221+00"), Some(t));
        assert_eq!(parse_iso_time("2026-11-22T22:03:18+0000"), Some(unix(1_795_384_998, 0)));
        for bad in [
            "",
            "2026-11-22T22:03:18.221",
            "2026-11-22T22:03:18.+0000",
            "2026-13-22T22:03:18+0000",
            "2026-11-22X22:03:18+0000",
            "2026-11-22T22:03:18+2400",
            "2026-11-22T22:03:18 +0000",
            "22:03:18",
            "2026-11-22T22:03:1é+0000",
            "2026-11-22T22:03:18+1é1",
            "2026-11-22T22:03:18+é:00",
        ] {
            assert_eq!(parse_iso_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn wall_clock() {
        let w = WallClock::parse("2026-11-22 22:14:31").unwrap();
        assert_eq!((w.year(), w.month(), w.day(), w.hour(), w.minute(), w.second()), (2026, 11, 22, 22, 14, 31));
        assert_eq!(w.to_string(), "2026-11-22 22:14:31");
        assert_eq!(w.assume_utc(), Some(unix(1_795_385_671, 0)));
        assert_eq!(w.to_system_time(-3600), Some(unix(1_795_389_271, 0)));
        assert_eq!(WallClock::parse("1970-01-01 00:00:00").unwrap().assume_utc(), Some(UNIX_EPOCH));
        assert_eq!(WallClock::parse("1970-01-01 00:00:00").unwrap().to_system_time(60), None);
        assert_eq!(WallClock::parse("2024-02-29T00:00:00").unwrap().assume_utc(), Some(unix(1_709_164_800, 0)));
        assert!(WallClock::parse("2026-11-22 22:14:30") < Some(w));
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22 22:14",
            "2025-02-29 00:00:00",
            "2026-00-10 00:00:00",
            "2026-11-22 24:00:00",
            "2026-11-22 22:14:31.5",
            "26-11-22 22:14:31",
            "2026/11/22 22:14:31",
            "2026-11-2é 22:14:3",
        ] {
            assert_eq!(WallClock::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn priorities() {
        assert_eq!(Priority::parse("1"), Some(Priority::Number(1)));
        assert_eq!(Priority::parse(" hint "), Some(Priority::Label("hint".into())));
        assert_eq!(Priority::parse("99999999999"), Some(Priority::Label("99999999999".into())));
        assert_eq!(Priority::parse("<unknown>"), None);
        assert_eq!("n".parse::<Priority>().unwrap().label(), Some("n"));
        assert!("".parse::<Priority>().is_err());
    }

    #[test]
    fn fields_read_headers() {
        let m = Message::from_frame(
            b"Event: X\r\nCause: 16\r\nListItems: 3\r\nDuration: 00:01:02\r\nEmpty: \r\nUnknown: <unknown>\r\n\
              Bad: 1x\r\nTimestamp: 1795385000.225046\r\nLatin: 1\xe9"
                .to_vec(),
        );
        assert_eq!(cause_field(&m, "cause"), Some(HangupCause::NormalClearing));
        assert_eq!(unsigned_field(&m, "ListItems"), Some(3));
        assert_eq!(hms_field(&m, "Duration"), Some(Duration::from_secs(62)));
        assert_eq!(unix_time_field(&m, "Timestamp"), Some(unix(1_795_385_000, 225_046_000)));
        for name in ["Empty", "Unknown", "Bad", "Missing", "Latin"] {
            assert_eq!(unsigned_field(&m, name), None, "{name}");
            assert_eq!(cause_field(&m, name), None, "{name}");
            assert_eq!(priority_field(&m, name).is_some(), name == "Bad", "{name}");
        }
    }

    #[test]
    fn values_match_kinds() {
        assert!(Value::from(Duration::ZERO).is_of(ValueKind::Hms));
        assert!(!Value::from(3u64).is_of(ValueKind::Signed));
        assert!(Value::from(HangupCause::UserBusy).is_of(ValueKind::HangupCause));
        assert_eq!(ValueKind::IsoTime.rust_type(), "SystemTime");
    }
}
