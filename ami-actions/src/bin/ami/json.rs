//! JSON output: the library's one encoder ([`ami_actions::json`]), plus the
//! string arrays that `ami actions` and `ami help` print.

pub use ami_actions::json::write_message as push_message;
pub use ami_actions::json::write_str as push_str;
pub use ami_actions::json::LINES_KEY as BARE_LINES_KEY;

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
