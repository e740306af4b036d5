//! Which header values are secrets: the one policy that `Debug` output,
//! logs, recordings and the generated types all follow.
//!
//! A header is secret by its name, and for names that mean different things
//! in different messages, by the action or event it is in:
//!
//! | header | secret in | why |
//! |---|---|---|
//! | `Secret` | every message | the `Login` secret (and a peer's secret where one is shown) |
//! | `Key` | the `Login` action only | the MD5 answer to a challenge; elsewhere (`DBGet`, `DBPut`, `DBDel`) an AstDB key, no secret |
//! | names ending in `Password` (`Password`, `NewPassword`, ...) | every message | PJSIP `AuthDetail`/`AuthList` events, `VoicemailPasswordChange`'s `NewPassword`; not `UsingPassword`, a 0/1 flag of the security events |
//! | `Md5Cred` | every message | a PJSIP auth's MD5 credential (`AuthDetail`) |
//!
//! ```
//! use ami_core::secret::is_secret;
//! assert!(is_secret(Some("Login"), "Key"));
//! assert!(!is_secret(Some("DBPut"), "Key"));
//! assert!(is_secret(Some("AuthDetail"), "Password"));
//! assert!(!is_secret(Some("Hangup"), "Channel"));
//! ```

use crate::message::Message;

/// What a redacted value is shown as.
pub const REDACTED: &str = "<redacted>";

/// Whether header `name` holds a secret in the message that is the action
/// or event called `message` (`None` when unknown). ASCII case-insensitive.
pub fn is_secret(message: Option<&str>, name: &str) -> bool {
    let name = name.as_bytes();
    let ends_with =
        |suffix: &[u8]| name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix);
    if name.eq_ignore_ascii_case(b"Key") {
        return message.is_some_and(|m| m.eq_ignore_ascii_case("Login"));
    }
    if name.eq_ignore_ascii_case(b"UsingPassword") {
        return false;
    }
    name.eq_ignore_ascii_case(b"Secret") || name.eq_ignore_ascii_case(b"Md5Cred") || ends_with(b"password")
}

/// The action or event name of a message (its `Action` or `Event` header),
/// for [`is_secret`].
pub fn message_name(m: &Message) -> Option<std::borrow::Cow<'_, str>> {
    m.get_str("Action").or_else(|| m.get_str("Event"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy() {
        for (msg, name, secret) in [
            (Some("Login"), "Secret", true),
            (Some("Login"), "key", true),
            (Some("Login"), "Username", false),
            (Some("DBGet"), "Key", false),
            (None, "Key", false),
            (Some("AuthDetail"), "Password", true),
            (Some("AuthDetail"), "Md5Cred", true),
            (Some("VoicemailPasswordChange"), "NewPassword", true),
            (Some("TransportDetail"), "Password", true),
            (Some("AuthDetail"), "PasswordDigest", false),
            (Some("Hangup"), "Cause", false),
            (Some("SuccessfulAuth"), "UsingPassword", false),
        ] {
            assert_eq!(is_secret(msg, name), secret, "{msg:?} {name}");
        }
    }
}
