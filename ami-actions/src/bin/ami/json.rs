//! JSON encoding of AMI messages, by hand: one object per message, header
//! names as keys in the order received, a repeated key (any case) as an array
//! of its values, lines without a colon under [`BARE_LINES_KEY`]. Bytes that
//! are not UTF-8 are replaced by U+FFFD, value by value, as
//! `String::from_utf8_lossy` does.

use std::borrow::Cow;

use ami_actions::{Header, Message};

/// The key under which lines that have no colon are kept (always an array).
/// No AMI header starts with an underscore.
pub const BARE_LINES_KEY: &str = "_lines";

/// Appends `s` as a JSON string: quotes, backslashes and every control
/// character escaped (bare LF and CR inside values included).
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends raw header bytes as a JSON string (lossy UTF-8).
pub fn push_bytes(out: &mut Vec<u8>, b: &[u8]) {
    push_str(out, &lossy(b));
}

fn lossy(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Appends a JSON array of strings.
pub fn push_str_array<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    out.push(b'[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, s);
    }
    out.push(b']');
}

/// Appends one message as a JSON object (no newline).
///
/// Keys keep the spelling of their first occurrence; a key that occurs
/// once is a string, more than once (in any case) an array in order.
pub fn push_message(out: &mut Vec<u8>, msg: &Message) {
    // (name, indexes of its headers); messages have a few dozen lines, so
    // a linear scan beats hashing.
    let headers: Vec<Header<'_>> = msg.headers().collect();
    let mut groups: Vec<(&[u8], Vec<usize>)> = Vec::with_capacity(headers.len());
    let mut bare: Vec<usize> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_bare_line() {
            bare.push(i);
            continue;
        }
        let name = h.name();
        match groups.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, idx)) => idx.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    out.push(b'{');
    let mut first = true;
    for (name, idx) in &groups {
        if !first {
            out.push(b',');
        }
        first = false;
        push_bytes(out, name);
        out.push(b':');
        if let [one] = idx[..] {
            push_bytes(out, headers[one].value().unwrap_or_default());
        } else {
            out.push(b'[');
            for (k, &i) in idx.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                push_bytes(out, headers[i].value().unwrap_or_default());
            }
            out.push(b']');
        }
    }
    if !bare.is_empty() {
        if !first {
            out.push(b',');
        }
        push_str(out, BARE_LINES_KEY);
        out.push(b':');
        out.push(b'[');
        for (k, &i) in bare.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_bytes(out, headers[i].name());
        }
        out.push(b']');
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(frame: &[u8]) -> String {
        let mut out = Vec::new();
        push_message(&mut out, &Message::from_frame(frame.to_vec()));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut out = Vec::new();
        push_str(&mut out, "a\"b\\c\nd\re\tf\u{1}\u{1f}\u{7f}é");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u001f\u{7f}é\"");
    }

    #[test]
    fn bare_lf_and_cr_inside_values_stay_in_one_string() {
        let j = json_of(b"Event: Newexten\r\nAppData: first line\nsecond: line\r\nBody: one\rtwo\r");
        assert_eq!(j, r#"{"Event":"Newexten","AppData":"first line\nsecond: line","Body":"one\rtwo\r"}"#);
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["AppData"], "first line\nsecond: line");
    }

    #[test]
    fn repeated_keys_become_arrays_in_order_whatever_their_case() {
        let j = json_of(b"Event: UserEvent\r\nExten: 100\r\nUniqueid: 1.1\r\nexten: 200\r\nEXTEN: 300");
        assert_eq!(j, r#"{"Event":"UserEvent","Exten":["100","200","300"],"Uniqueid":"1.1"}"#);
    }

    #[test]
    fn lines_without_colon_go_under_their_own_key() {
        let j = json_of(b"Event: AgentCalled\r\nthis line has no colon\r\nQueue: sales\r\n--END--");
        assert_eq!(j, r#"{"Event":"AgentCalled","Queue":"sales","_lines":["this line has no colon","--END--"]}"#);
    }

    #[test]
    fn invalid_utf8_is_replaced_value_by_value() {
        let j = json_of(b"Event: Newchannel\r\nCallerIDName: Jos\xe9 M\xfcller\r\nX: ok");
        assert_eq!(j, "{\"Event\":\"Newchannel\",\"CallerIDName\":\"Jos\u{fffd} M\u{fffd}ller\",\"X\":\"ok\"}");
    }

    #[test]
    fn odd_lines_keep_their_values() {
        let j = json_of(b"Event: X\r\nAccountCode:\r\nVariable:BRIDGEPEER\r\nAppData:   three");
        assert_eq!(j, r#"{"Event":"X","AccountCode":"","Variable":"BRIDGEPEER","AppData":"  three"}"#);
    }

    #[test]
    fn empty_message_is_an_empty_object() {
        assert_eq!(json_of(b""), "{}");
    }
}
