//! A tiny regular-expression matcher for channel names (the `/regex/` form of
//! `Hangup`, and originate outcomes): literal characters, `.`, `*` after any
//! of them, `^` and `$` anchors and `\` escapes. The match is unanchored
//! unless the pattern says otherwise, as with POSIX `regexec`.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Atom {
    Any,
    Byte(u8),
}

impl Atom {
    fn matches(self, b: u8) -> bool {
        self == Atom::Any || self == Atom::Byte(b)
    }
}

/// The first atom of `re` and what follows it.
fn split_atom(re: &[u8]) -> Option<(Atom, &[u8])> {
    match re {
        [] => None,
        [b'.', rest @ ..] => Some((Atom::Any, rest)),
        [b'\\', b, rest @ ..] | [b, rest @ ..] => Some((Atom::Byte(*b), rest)),
    }
}

/// Whether `pattern` matches somewhere in `text`.
pub(crate) fn is_match(pattern: &str, text: &str) -> bool {
    let (re, text) = (pattern.as_bytes(), text.as_bytes());
    match re.strip_prefix(b"^") {
        Some(anchored) => match_here(anchored, text),
        None => (0..=text.len()).any(|i| match_here(re, &text[i..])),
    }
}

fn match_here(re: &[u8], text: &[u8]) -> bool {
    if re == b"$" {
        return text.is_empty();
    }
    let Some((atom, rest)) = split_atom(re) else { return true };
    if let Some(after) = rest.strip_prefix(b"*") {
        // Zero or more `atom`, shortest first.
        let mut t = text;
        loop {
            if match_here(after, t) {
                return true;
            }
            match t.split_first() {
                Some((&b, tail)) if atom.matches(b) => t = tail,
                _ => return false,
            }
        }
    }
    match text.split_first() {
        Some((&b, tail)) if atom.matches(b) => match_here(rest, tail),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_match;

    #[test]
    fn matches_the_transcripts_hangup_pattern() {
        let re = r"^Local\/200@test-.*;1$";
        assert!(is_match(re, "Local/200@test-00000000;1"));
        assert!(!is_match(re, "Local/200@test-00000000;2"));
        assert!(!is_match(re, "xLocal/200@test-00000000;1"));
    }

    #[test]
    fn unanchored_literal_and_star() {
        assert!(is_match("Local/999", "Local/999@test"));
        assert!(is_match("PJSIP/1.*", "PJSIP/100"));
        assert!(is_match("a*b", "b"));
        assert!(!is_match("busy$", "Local/busy@x"));
        assert!(is_match("", "anything"));
    }
}
