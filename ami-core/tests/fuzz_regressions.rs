//! Inputs found by the fuzz targets in `ami-core/fuzz` (see its README),
//! one test per finding, reduced to the bytes that matter.

use ami_core::{Decoder, ProtocolError};

/// codec target, 2026-11-25: a banner line of exactly the size limit was
/// refused when its CR arrived in one read and its LF in the next, and
/// accepted when the CRLF arrived together: the limit check counted the
/// pending CR as part of the line. (Minimised input: limit 64, a 64-byte
/// line, CR, LF.)
#[test]
fn banner_of_exactly_the_limit_with_crlf_split_across_reads() {
    let line = [b'A'; 64];

    let mut whole = Decoder::with_max_message_size(64);
    whole.feed(&line);
    whole.feed(b"\r\n");
    assert_eq!(whole.decode_banner().unwrap().unwrap().line().len(), 64);

    let mut split = Decoder::with_max_message_size(64);
    split.feed(&line);
    split.feed(b"\r");
    assert_eq!(split.decode_banner(), Ok(None), "the CR may start the CRLF");
    split.feed(b"\n");
    assert_eq!(split.decode_banner().unwrap().unwrap().line().len(), 64);

    // One byte more than the limit is still refused, CR or not.
    let mut long = Decoder::with_max_message_size(64);
    long.feed(&[b'A'; 65]);
    assert_eq!(long.decode_banner(), Err(ProtocolError::MessageTooLarge { limit: 64 }));
    let mut long = Decoder::with_max_message_size(64);
    long.feed(&[b'A'; 65]);
    long.feed(b"\r");
    assert_eq!(long.decode_banner(), Err(ProtocolError::MessageTooLarge { limit: 64 }));
}

/// codec target, 2026-11-25: `with_max_message_size(usize::MAX)` (a limit
/// meant as "none") overflowed `max + 3` in the partial-frame check: a panic
/// in debug builds, and in release builds a limit of 2 bytes, so any message
/// that arrived in more than one read failed with `MessageTooLarge`.
#[test]
fn huge_size_limit_does_not_overflow() {
    for max in [usize::MAX, usize::MAX - 1, usize::MAX - 2, usize::MAX - 3] {
        let mut d = Decoder::with_max_message_size(max);
        d.feed(b"Event: Hangup\r\nChannel: PJSIP/1");
        assert_eq!(d.decode(), Ok(None), "max {max}");
        d.feed(b"00-0001\r\n\r\n");
        assert_eq!(d.decode().unwrap().unwrap().get_str("Channel").as_deref(), Some("PJSIP/100-0001"));

        let mut d = Decoder::with_max_message_size(max);
        d.feed(b"Asterisk Call Manager/11.0.0");
        assert_eq!(d.decode_banner(), Ok(None), "max {max}");
        d.feed(b"\r");
        assert_eq!(d.decode_banner(), Ok(None), "max {max}");
    }
}
