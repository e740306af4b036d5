//! Manager users, Asterisk's permission classes, and how a Login proves a
//! secret (plain or MD5 challenge).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::SystemTime;

use super::input::{field, is_false, is_true};
use crate::Message;

pub(crate) const SYSTEM: u32 = 1;
pub(crate) const CALL: u32 = 1 << 1;
pub(crate) const COMMAND: u32 = 1 << 4;
pub(crate) const AGENT: u32 = 1 << 5;
pub(crate) const USER: u32 = 1 << 6;
pub(crate) const REPORTING: u32 = 1 << 9;
pub(crate) const DIALPLAN: u32 = 1 << 11;
pub(crate) const ORIGINATE: u32 = 1 << 12;
pub(crate) const SECURITY: u32 = 1 << 18;
/// `all`: every class (Asterisk uses `INT_MAX`).
pub(crate) const ALL: u32 = i32::MAX as u32;

/// Asterisk's classes with their bits (`EVENT_FLAG_*` in `manager.h`), in the
/// order Asterisk prints them in a `Privilege` header.
const CLASSES: [(&str, u32); 19] = [
    ("system", SYSTEM),
    ("call", CALL),
    ("log", 1 << 2),
    ("verbose", 1 << 3),
    ("command", COMMAND),
    ("agent", AGENT),
    ("user", USER),
    ("config", 1 << 7),
    ("dtmf", 1 << 8),
    ("reporting", REPORTING),
    ("cdr", 1 << 10),
    ("dialplan", DIALPLAN),
    ("originate", ORIGINATE),
    ("agi", 1 << 13),
    ("cc", 1 << 15),
    ("aoc", 1 << 16),
    ("test", 1 << 17),
    ("security", SECURITY),
    ("message", 1 << 20),
];

/// The classes named in a `Privilege` header (`call,all` is `call`); 0 when none is.
pub(crate) fn event_class(privilege: &str) -> u32 {
    privilege
        .split(',')
        .filter_map(|name| CLASSES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name.trim())))
        .fold(0, |mask, (_, bit)| mask | bit)
}

/// The classes of a manager.conf `read`/`write` list (`call,originate`,
/// `all`). Unknown names are ignored, as Asterisk ignores them.
pub(crate) fn parse_classes(list: &str) -> u32 {
    let all = list.split(',').any(|name| name.trim().eq_ignore_ascii_case("all"));
    if all {
        ALL
    } else {
        event_class(list)
    }
}

/// The `Privilege` header of an event of `class`: `call,all`.
pub(crate) fn privilege(class: u32) -> String {
    let mut names: Vec<&str> = CLASSES.iter().filter(|(_, bit)| class & bit != 0).map(|(n, _)| *n).collect();
    names.push("all");
    names.join(",")
}

/// What an `Events` (Login) or `EventMask` (Events) value asks for, read as
/// Asterisk's `strings_to_mask` reads it; `None` when empty.
pub(crate) fn event_mask(value: &str) -> Option<u32> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else if value.bytes().all(|b| b.is_ascii_digit()) {
        Some(value.parse().unwrap_or(ALL))
    } else if is_false(value) {
        Some(0)
    } else if is_true(value) {
        Some(ALL)
    } else {
        Some(parse_classes(value))
    }
}

/// A manager.conf user.
#[derive(Clone)]
pub(crate) struct User {
    pub(crate) name: String,
    secret: String,
    pub(crate) read: u32,
    pub(crate) write: u32,
}

impl User {
    /// A user with `read` and `write` class lists as manager.conf writes them.
    pub(crate) fn new(name: &str, secret: &str, read: &str, write: &str) -> User {
        User {
            name: name.to_string(),
            secret: secret.to_string(),
            read: parse_classes(read),
            write: parse_classes(write),
        }
    }

    /// Whether a Login request proves this user's secret: `Secret`, or with
    /// `AuthType: MD5` a `Key` equal to md5hex(challenge + secret).
    pub(crate) fn authenticates(&self, login: &Message, challenge: Option<&str>) -> bool {
        if field(login, "AuthType").eq_ignore_ascii_case("md5") {
            let Some(challenge) = challenge else { return false };
            let expected = format!("{:x}", md5::compute(format!("{challenge}{}", self.secret)));
            field(login, "Key").eq_ignore_ascii_case(&expected)
        } else {
            field(login, "Secret") == self.secret.as_str()
        }
    }
}

/// The users of the transcripts' server.
pub(crate) fn default_users() -> Vec<User> {
    vec![
        User::new("admin", "admin-secret", "all", "all"),
        User::new("readonly", "ro-secret", "all", ""),
        User::new("originator", "orig-secret", "call", "originate,call"),
    ]
}

/// A fresh challenge: decimal digits, as Asterisk prints `ast_random()`.
pub(crate) fn new_challenge() -> String {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (h.finish() % 1_000_000_000).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_read_like_manager_conf() {
        assert_eq!(parse_classes("call, Originate,bogus"), CALL | ORIGINATE);
        assert_eq!(parse_classes("system,all"), ALL);
        assert_eq!(parse_classes(""), 0);
        assert_eq!(privilege(CALL), "call,all");
        assert_eq!(event_class("security,all"), SECURITY);
        assert_eq!(event_mask("off"), Some(0));
        assert_eq!(event_mask("on"), Some(ALL));
        assert_eq!(event_mask("call,system"), Some(CALL | SYSTEM));
        assert_eq!(event_mask(""), None);
    }

    #[test]
    fn md5_key_is_md5_of_challenge_and_secret() {
        let admin = &default_users()[0];
        // Values from transcript 03.
        let login = Message::from_pairs([("AuthType", "MD5"), ("Key", "564420e83e00f3bc3c7820f29958b700")]);
        assert!(admin.authenticates(&login, Some("208682017")));
        assert!(!admin.authenticates(&login, Some("1")));
        assert!(!admin.authenticates(&login, None));
    }
}
