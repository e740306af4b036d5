//! Values that crash the server, refused before they are sent.
//!
//! AMI has no schema on the server side: some releases of Asterisk act on a
//! malformed value in a way that brings the whole server down, every call
//! with it. Each check here names the action and parameter, what crashes,
//! on which release, and how that was measured. They run on every action
//! that is encoded ([`ActionWriter::finish`](crate::ActionWriter::finish)):
//! typed actions, [`RawAction`](crate::RawAction)s, and through them the
//! `ami` command's `--raw`. A refused action is
//! [`EncodeError::Refused`] and nothing of it
//! is written.
//!
//! A check refuses only what is known to be harmful; the server still
//! answers `Response: Error` to what is merely invalid.
//!
//! ```
//! use ami_core::{encode_action, EncodeError, RawAction};
//! let bad = RawAction::new("Filter").header("Operation", "Add")
//!     .header("MatchCriteria", "name_regex").header("Filter", "Newchannel");
//! let mut out = Vec::new();
//! let err = encode_action(&bad, None, &mut out).unwrap_err();
//! assert!(matches!(err, EncodeError::Refused { param: "MatchCriteria", .. }), "{err}");
//! assert!(out.is_empty());
//!
//! let good = RawAction::new("Filter").header("Operation", "Add")
//!     .header("MatchCriteria", "name(Newchannel),header(Channel),startsWith").header("Filter", "PJSIP/");
//! encode_action(&good, None, &mut out).unwrap();
//! ```

use std::borrow::Cow;

use crate::error::EncodeError;
use crate::message::Header;

/// One server-protecting check, for documentation and tools (`ami` prints
/// nothing from it; the checks run whatever reads this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The action it applies to (case-insensitive on the wire).
    pub action: &'static str,
    /// The parameter whose value is checked.
    pub param: &'static str,
    /// What is refused.
    pub refuses: &'static str,
    /// What crashes, on which release, measured how.
    pub evidence: &'static str,
}

/// `Filter` with `Operation: Add` and a `MatchCriteria` option word that
/// starts with `name`, `header` or `method` and has no `(`.
pub const FILTER_MATCH_CRITERIA: Check = Check {
    action: "Filter",
    param: "MatchCriteria",
    refuses: "with `Operation: Add`, a comma-separated option word that starts with `name`, `header` or \
              `method` and has no `(` (e.g. `name_regex`)",
    evidence: "Asterisk 22.10.1 segfaults on it: measured on a real server by sending `Action: Filter`, \
               `Operation: Add`, `MatchCriteria: name_regex`; the process died and every session \
               with it. Valid words (`name(...)`, `header(...)`, `method(...)`, `action(...)`, \
               `regex`, `exact`, `startsWith`, `endsWith`, `contains`, `none`) are accepted in any \
               combination.",
};

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[FILTER_MATCH_CRITERIA];

/// Whether any check looks at actions called `action` (so that the writer
/// only keeps the frame in view for those).
pub(crate) fn applies_to(action: &str) -> bool {
    CHECKS.iter().any(|c| c.action.eq_ignore_ascii_case(action.trim()))
}

/// Runs the checks over one encoded action: `frame` holds its header lines,
/// each ending in CRLF, the `Action` line first.
pub(crate) fn check_frame(frame: &[u8]) -> Result<(), EncodeError> {
    let headers = || frame.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).map(Header::parse);
    let value = |h: Header<'_>| String::from_utf8_lossy(h.value().unwrap_or_default()).into_owned();
    let Some(action) = headers().next().filter(|h| h.is("Action")).map(value) else { return Ok(()) };
    if action.trim().eq_ignore_ascii_case(FILTER_MATCH_CRITERIA.action) {
        // Asterisk reads the first `Operation` header.
        let add =
            headers().find(|h| h.is("Operation")).map(value).is_some_and(|o| o.trim().eq_ignore_ascii_case("Add"));
        if add {
            for criteria in headers().filter(|h| h.is(FILTER_MATCH_CRITERIA.param)) {
                let text = String::from_utf8_lossy(criteria.value().unwrap_or_default());
                if let Some(reason) = match_criteria_fault(&text) {
                    return Err(EncodeError::Refused {
                        action: FILTER_MATCH_CRITERIA.action,
                        param: FILTER_MATCH_CRITERIA.param,
                        reason,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Why a `MatchCriteria` value would crash Asterisk, if it would. The
/// server splits the value at every comma (parentheses do not protect
/// one); a word that starts with `name`, `header` or `method` must go on
/// with its `(`. Words are compared ignoring case and surrounding blanks,
/// which refuses a little more than the server chokes on, never less.
fn match_criteria_fault(criteria: &str) -> Option<String> {
    for word in criteria.split(',') {
        let w = word.trim();
        let lower: Cow<'_, str> = if w.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(w.to_ascii_lowercase())
        } else {
            Cow::Borrowed(w)
        };
        for option in ["name", "header", "method"] {
            if lower.starts_with(option) && !w.contains('(') {
                return Some(format!(
                    "the option word {w:?} starts with `{option}` but has no `(`; Asterisk 22.10.1 crashes \
                     (segfault) on it. Write `{option}(...)`, e.g. `name(Newchannel)`"
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{encode_action, RawAction};

    fn filter(criteria: &str) -> RawAction {
        RawAction::new("Filter").header("Operation", "Add").header("MatchCriteria", criteria).header("Filter", "x")
    }

    fn refused(a: &RawAction) -> Option<EncodeError> {
        let mut out = b"prior".to_vec();
        let r = encode_action(a, Some("id-1"), &mut out).err();
        if r.is_some() {
            assert_eq!(out, b"prior", "nothing written for a refused action");
        }
        r
    }

    #[test]
    fn crashing_words_are_refused() {
        for bad in [
            "name_regex",
            "name",
            "header",
            "method",
            "headerChannel",
            "method_exact",
            "regex,name_regex",
            "name(Newchannel),header_x",
            "name(a,name_regex)", // the server splits inside parentheses too
            " Name_Regex ",
            "action(include),METHODregex",
        ] {
            match refused(&filter(bad)) {
                Some(EncodeError::Refused { action: "Filter", param: "MatchCriteria", reason }) => {
                    assert!(reason.contains("22.10.1") && reason.contains("no `(`"), "{bad}: {reason}");
                }
                other => panic!("{bad:?} not refused: {other:?}"),
            }
        }
    }

    #[test]
    fn valid_forms_and_combinations_pass() {
        for good in [
            "",
            "regex",
            "exact",
            "startsWith",
            "endsWith",
            "starts_with",
            "ends_with",
            "contains",
            "none",
            "name(Newchannel)",
            "header(Channel)",
            "method(regex)",
            "action(include)",
            "action(exclude)",
            "name(Newchannel),header(Channel),startsWith",
            "action(exclude),name(VarSet),regex",
            "header(Channel),method(exact),action(include)",
            "exact,name(Hangup)",
        ] {
            assert_eq!(refused(&filter(good)), None, "{good:?}");
        }
    }

    #[test]
    fn only_filter_add_is_checked() {
        // Not `Add`: the server answers an error and parses nothing.
        let other = RawAction::new("Filter").header("Operation", "Remove").header("MatchCriteria", "name_regex");
        assert_eq!(refused(&other), None);
        let no_op = RawAction::new("Filter").header("MatchCriteria", "name_regex");
        assert_eq!(refused(&no_op), None);
        let lower = RawAction::new("filter").header("operation", "add").header("matchcriteria", "name_regex");
        assert!(refused(&lower).is_some(), "names are case-insensitive on the server");
        let elsewhere = RawAction::new("UserEvent").header("MatchCriteria", "name_regex");
        assert_eq!(refused(&elsewhere), None);
        // A second MatchCriteria is checked too.
        let twice = filter("regex").header("MatchCriteria", "name_x");
        assert!(refused(&twice).is_some());
    }

    #[test]
    fn every_check_has_evidence() {
        for c in CHECKS {
            assert!(applies_to(c.action));
            assert!(c.evidence.contains("Asterisk") && c.evidence.contains("measured"), "{c:?}");
        }
        assert!(!applies_to("Ping"));
    }
}
