//! Reading the headers an event needs, in one pass over its message.
//!
//! A channel snapshot alone is thirteen headers (`Channel`, `ChannelState`
//! ... `Linkedid`), a `DialBegin` carries two of them (the second under the
//! prefix `Dest`), and most events add a field or two: looking each up on
//! its own would scan the message once per field. [`read`] takes them all
//! in one pass.

use ami_core::Message;

use super::model::Party;

/// The channel snapshot fields, in the order Asterisk writes them (a
/// `Language` header, not kept, sits between `ConnectedLineName` and
/// `AccountCode`).
const SNAPSHOT: [&str; 13] = [
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
];

/// `a == b`, inline and eight bytes at a time: the names and values
/// compared here are short, and a call to `memcmp` costs more than the
/// comparison.
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().expect("eight bytes"));
    // Whole words, then the last eight bytes (which may overlap the last word).
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The snapshot header names under one prefix, to compare a header with
/// the one expected next in a few instructions.
pub(super) struct Prefix {
    prefix: &'static str,
    names: [Name; 13],
}

/// The event's own channel (`Channel`, `Uniqueid`...).
pub(super) static OWN: Prefix = Prefix::new("");
/// The channel dialed (`DestChannel`, `DestUniqueid`...).
pub(super) static DEST: Prefix = Prefix::new("Dest");
/// The channel parked (`ParkeeChannel`, `ParkeeUniqueid`...).
pub(super) static PARKEE: Prefix = Prefix::new("Parkee");

impl Prefix {
    const fn new(prefix: &'static str) -> Prefix {
        let mut names = [Name { len: 0, words: [0; 3] }; 13];
        let mut j = 0;
        while j < names.len() {
            names[j] = Name::new(prefix, SNAPSHOT[j]);
            j += 1;
        }
        Prefix { prefix, names }
    }
}

/// Or'ed into every byte of a word, lower-cases the ASCII letters. Two
/// bytes are the same letter in any case if they are equal once or'ed,
/// provided one of them is a letter: only the two cases of one letter give
/// the same lower-case letter.
const FOLD: u64 = u64::from_ne_bytes([0x20; 8]);

/// A header name of 4 to 24 ASCII letters, as [`Name::is`] compares it:
/// lower-cased words at three places (start, middle, end, overlapping)
/// that together cover it, or two half-words for a name under eight.
#[derive(Clone, Copy)]
struct Name {
    len: usize,
    words: [u64; 3],
}

impl Name {
    /// `prefix` and `field` together.
    const fn new(prefix: &str, field: &str) -> Name {
        let (p, f) = (prefix.as_bytes(), field.as_bytes());
        let len = p.len() + f.len();
        assert!(len >= 4 && len <= 24, "a snapshot header name has 4 to 24 letters");
        let mut b = [0u8; 24];
        let mut i = 0;
        while i < len {
            let c = if i < p.len() { p[i] } else { f[i - p.len()] };
            assert!(c.is_ascii_alphabetic(), "a snapshot header name has letters only");
            b[i] = c | 0x20;
            i += 1;
        }
        let words = if len >= 8 {
            [word_at(&b, 0), word_at(&b, middle(len)), word_at(&b, len - 8)]
        } else {
            [half_at(&b, 0), half_at(&b, len - 4), 0]
        };
        Name { len, words }
    }

    /// Whether header `name` is this one, in any case.
    #[inline]
    fn is(&self, name: &[u8]) -> bool {
        let n = self.len;
        if name.len() != n {
            return false;
        }
        if n >= 8 {
            let word = |at: usize| u64::from_le_bytes(name[at..at + 8].try_into().expect("eight bytes")) | FOLD;
            word(0) == self.words[0] && word(middle(n)) == self.words[1] && word(n - 8) == self.words[2]
        } else {
            let half = |at: usize| {
                u64::from(u32::from_le_bytes(name[at..at + 4].try_into().expect("four bytes")) | 0x2020_2020)
            };
            half(0) == self.words[0] && half(n - 4) == self.words[1]
        }
    }
}

/// The eight bytes of `b` at `at`, as a word (as [`Name::is`] reads them).
const fn word_at(b: &[u8; 24], at: usize) -> u64 {
    u64::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6], b[at + 7]])
}

/// The four bytes of `b` at `at`, as a word.
const fn half_at(b: &[u8; 24], at: usize) -> u64 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64
}

/// Where the middle word of a name of `len` (8 to 24) bytes starts: with
/// the first and the last it covers every byte.
const fn middle(len: usize) -> usize {
    if len > 16 {
        8
    } else {
        len - 8
    }
}

/// The snapshot (index in `prefixes`) and field (index in [`SNAPSHOT`]) of
/// header `name`, in any case. The field is picked by length first: at most
/// three share one.
fn snapshot_slot(name: &[u8], prefixes: &[&Prefix]) -> Option<(usize, usize)> {
    prefixes.iter().enumerate().find_map(|(k, p)| {
        let candidates: &[usize] = match name.len().checked_sub(p.prefix.len())? {
            5 => &[9],
            7 => &[0, 8],
            8 => &[10, 11, 12],
            11 => &[3, 7],
            12 => &[1, 4],
            16 => &[2, 5],
            17 => &[6],
            _ => return None,
        };
        candidates.iter().find(|&&i| p.names[i].is(name)).map(|&i| (k, i))
    })
}

/// One pass over the headers of `m`: the channel snapshot under each of
/// `prefixes` ([`OWN`], [`DEST`], [`PARKEE`]), and the `extra` fields, as
/// text. Names are compared ASCII case-insensitively and the first value
/// wins, as with [`Message::get`]; when a snapshot is read, no `extra` is
/// one of its fields.
///
/// Each header is first compared with the snapshot field expected next
/// (Asterisk writes them in one order), and looked up only when it is not
/// that one. The pass ends once every field is in.
pub(super) fn read<'m, const P: usize, const E: usize>(
    m: &'m Message,
    prefixes: [&Prefix; P],
    extra: [&str; E],
) -> ([Snap<'m>; P], [Option<&'m str>; E]) {
    let mut snaps = [Snap::default(); P];
    let mut extras = [None; E];
    let (mut snap_left, mut extra_left) = (P * SNAPSHOT.len(), E);
    // The field expected next: field `j` of snapshot `k`.
    let (mut k, mut j) = (0, 0);
    for h in m.headers() {
        let (name, Some(value)) = (h.name(), h.value()) else { continue };
        let slot = if k < P && prefixes[k].names[j].is(name) {
            Some((k, j))
        } else if snap_left > 0 {
            snapshot_slot(name, &prefixes)
        } else {
            None
        };
        if let Some((sk, sj)) = slot {
            (k, j) = if sj + 1 < SNAPSHOT.len() { (sk, sj + 1) } else { (sk + 1, 0) };
            let field = &mut snaps[sk].0[sj];
            if field.is_none() {
                *field = Some(value);
                snap_left -= 1;
            }
        } else if let Some(i) =
            extra.iter().position(|e| same(name, e.as_bytes()) || e.as_bytes().eq_ignore_ascii_case(name))
        {
            if extras[i].is_none() {
                extras[i] = Some(value);
                extra_left -= 1;
            }
        } else {
            continue;
        }
        if snap_left == 0 && extra_left == 0 {
            break;
        }
    }
    (snaps, extras.map(|v| v.and_then(|v| std::str::from_utf8(v).ok())))
}

/// Where each field of a [`Snap`] is (indexes in [`SNAPSHOT`]); a party's
/// name follows its number.
pub(super) mod at {
    pub(in crate::live) const CHANNEL: usize = 0;
    pub(in crate::live) const STATE: usize = 1;
    pub(in crate::live) const STATE_DESC: usize = 2;
    pub(in crate::live) const CALLER: usize = 3;
    pub(in crate::live) const CONNECTED: usize = 5;
    pub(in crate::live) const ACCOUNT: usize = 7;
    pub(in crate::live) const CONTEXT: usize = 8;
    pub(in crate::live) const EXTEN: usize = 9;
    pub(in crate::live) const PRIORITY: usize = 10;
    pub(in crate::live) const UNIQUEID: usize = 11;
    pub(in crate::live) const LINKEDID: usize = 12;
}

/// A channel snapshot as a message carries it: the raw values, by index in
/// [`SNAPSHOT`] (see [`at`]).
#[derive(Clone, Copy, Default)]
pub(super) struct Snap<'m>([Option<&'m [u8]>; 13]);

impl<'m> Snap<'m> {
    /// The raw value of field `i`.
    pub(super) fn bytes(&self, i: usize) -> Option<&'m [u8]> {
        self.0[i]
    }

    /// Field `i` as text (`None` if it is not UTF-8).
    pub(super) fn text(&self, i: usize) -> Option<&'m str> {
        self.0[i].and_then(|v| std::str::from_utf8(v).ok())
    }

    /// `Channel`.
    pub(super) fn channel(&self) -> Option<&'m str> {
        self.text(at::CHANNEL)
    }

    /// `Uniqueid`, unless empty.
    pub(super) fn uniqueid(&self) -> Option<&'m str> {
        self.text(at::UNIQUEID).filter(|u| !u.is_empty())
    }

    /// `Linkedid`, unless empty.
    pub(super) fn linkedid(&self) -> Option<&'m str> {
        self.text(at::LINKEDID).filter(|u| !u.is_empty())
    }

    /// `ChannelState`, as a number.
    pub(super) fn state(&self) -> Option<u8> {
        match self.0[at::STATE]? {
            // What Asterisk sends, read without the UTF-8 check.
            &[d @ b'0'..=b'9'] => Some(d - b'0'),
            v => std::str::from_utf8(v).ok()?.parse().ok(),
        }
    }

    /// `AccountCode`, if it says something and differs from `old`.
    pub(super) fn account_differs(&self, old: Option<&str>) -> Option<&'m str> {
        let v = self.0[at::ACCOUNT].filter(|v| is_known(v))?;
        if old.is_some_and(|old| same(old.as_bytes(), v)) {
            return None;
        }
        std::str::from_utf8(v).ok()
    }

    /// The party whose number is field `num` (its name follows it).
    pub(super) fn party(&self, num: usize) -> Party {
        Party { num: known(self.text(num)), name: known(self.text(num + 1)) }
    }

    /// Whether the party at `num` differs from `p` and says something (an
    /// all-placeholder party never replaces one). Allocates nothing, and
    /// checks text only when the bytes differ.
    pub(super) fn party_differs(&self, num: usize, p: &Party) -> bool {
        // What is kept is known: a value equal to it is known too.
        let unchanged = |i: usize, old: &Option<String>| match old {
            Some(old) => self.0[i].is_some_and(|v| same(v, old.as_bytes())),
            None => !self.0[i].is_some_and(is_known),
        };
        if unchanged(num, &p.num) && unchanged(num + 1, &p.name) {
            return false;
        }
        let (n, m) = (known_str(self.text(num)), known_str(self.text(num + 1)));
        (n.is_some() || m.is_some()) && (n != p.num.as_deref() || m != p.name.as_deref())
    }
}

/// Whether a value says something: not empty, not a placeholder.
fn is_known(v: &[u8]) -> bool {
    !v.is_empty() && !matches!(v, b"<unknown>" | b"<null>" | b"(null)")
}

/// A value, unless empty or a placeholder.
pub(super) fn known_str(v: Option<&str>) -> Option<&str> {
    v.filter(|v| is_known(v.as_bytes()))
}

/// [`known_str`], owned.
pub(super) fn known(v: Option<&str>) -> Option<String> {
    known_str(v).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(pairs: &[(&str, &str)]) -> Message {
        Message::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn reads_two_snapshots_and_extras_in_one_pass() {
        let m = message(&[
            ("Event", "DialBegin"),
            ("Channel", "PJSIP/100-01"),
            ("Uniqueid", "1.1"),
            ("Linkedid", "1.1"),
            ("DestChannel", "PJSIP/200-02"),
            ("DestCallerIDNum", "200"),
            ("DestUniqueid", "1.2"),
            ("DestLinkedid", "1.1"),
            ("DialString", "200"),
        ]);
        let ([caller, dest], [dial]) = read(&m, [&OWN, &DEST], ["DialString"]);
        assert_eq!(
            (caller.channel(), caller.uniqueid(), caller.linkedid()),
            (Some("PJSIP/100-01"), Some("1.1"), Some("1.1"))
        );
        assert_eq!(
            (dest.channel(), dest.uniqueid(), dest.linkedid()),
            (Some("PJSIP/200-02"), Some("1.2"), Some("1.1"))
        );
        assert_eq!(dest.party(at::CALLER), Party { num: Some("200".into()), name: None });
        assert_eq!(dial, Some("200"));
    }

    #[test]
    fn names_in_any_case_and_order_first_value_wins() {
        let m = message(&[
            ("linkedid", "1.9"),
            ("Cause", "16"),
            ("UNIQUEID", "1.1"),
            ("Uniqueid", "1.2"),
            ("cause", "17"),
            ("Language", "en"),
            ("channel", "PJSIP/100-01"),
        ]);
        let ([s], [cause, missing]) = read(&m, [&OWN], ["Cause", "Cause-txt"]);
        assert_eq!((s.uniqueid(), s.linkedid(), s.channel()), (Some("1.1"), Some("1.9"), Some("PJSIP/100-01")));
        assert_eq!((cause, missing), (Some("16"), None));
        assert_eq!(s.state(), None);
    }

    #[test]
    fn a_prefix_does_not_read_the_other_channel() {
        let m = message(&[("DestUniqueid", "1.2"), ("ParkeeUniqueid", "1.3")]);
        let ([own, parkee], []) = read(&m, [&OWN, &PARKEE], []);
        assert_eq!((own.uniqueid(), parkee.uniqueid()), (None, Some("1.3")));
    }

    #[test]
    fn each_name_is_itself_in_any_case_and_nothing_close() {
        for p in [&OWN, &DEST, &PARKEE] {
            for (j, field) in SNAPSHOT.iter().enumerate() {
                let name = format!("{}{field}", p.prefix);
                assert!(p.names[j].is(name.as_bytes()), "{name}");
                assert!(p.names[j].is(name.to_lowercase().as_bytes()), "{name}");
                assert!(p.names[j].is(name.to_uppercase().as_bytes()), "{name}");
                for at in 0..name.len() {
                    let mut near = name.clone().into_bytes();
                    near[at] ^= 0x01;
                    assert!(!p.names[j].is(&near), "{name} with byte {at} changed");
                    near[at] = b'-';
                    assert!(!p.names[j].is(&near), "{name} with a dash at {at}");
                }
                assert!(!p.names[j].is(&name.as_bytes()[1..]));
                assert!(!p.names[j].is(format!("{name}x").as_bytes()));
            }
        }
    }

    #[test]
    fn placeholders_say_nothing() {
        let m = message(&[("CallerIDNum", "<unknown>"), ("CallerIDName", "Reception")]);
        let ([s], []) = read(&m, [&OWN], []);
        let p = s.party(at::CALLER);
        assert_eq!(p, Party { num: None, name: Some("Reception".into()) });
        assert!(!s.party_differs(at::CALLER, &p));
        assert!(s.party_differs(at::CALLER, &Party::default()));
        let placeholder = message(&[("CallerIDNum", "<unknown>")]);
        let ([empty], []) = read(&placeholder, [&OWN], []);
        assert!(!empty.party_differs(at::CALLER, &p), "a placeholder party never replaces one");
    }
}
