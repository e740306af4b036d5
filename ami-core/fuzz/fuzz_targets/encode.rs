//! Writing actions.
//!
//! An action (a `RawAction` through `encode_action`, or `ActionWriter`
//! with every kind of header call) is written after some bytes already in
//! the buffer. The result must be exactly what the rules give:
//! - refused with the first problem, in header order (an empty ActionID; a
//!   parameter called `ActionID`, which only the client writes; an empty
//!   key or one with a colon; then CR, LF or NUL in `key: value`; then a
//!   line over 1022 bytes), else more than 128 lines, else a value that
//!   crashes Asterisk (`ami_core::guard`: a `Filter` `MatchCriteria`): the
//!   buffer is left unchanged;
//! - otherwise the bytes are `Key: Value\r\n` per header and an empty line,
//!   they decode into exactly one message whose headers are `Action`,
//!   `ActionID`, then the given pairs, no key or value holds CR, LF or NUL,
//!   no line is longer than 1022 bytes, and there are at most 128 lines.
#![no_main]

use ami_core::{encode_action, ActionWriter, Decoder, EncodeError, RawAction, MAX_LINES, MAX_LINE_LEN};
use ami_core_fuzz::{EncodeInput, Op};
use libfuzzer_sys::fuzz_target;

/// What the rules say: the headers as (key, value) bytes (`Action`, then
/// `ActionID` when `has_id`, then the parameters) and the outcome.
fn oracle(headers: &[(String, Vec<u8>)], has_id: bool) -> Result<(), EncodeError> {
    for (i, (k, v)) in headers.iter().enumerate() {
        if has_id && i == 1 && v.is_empty() {
            return Err(EncodeError::EmptyActionId);
        }
        if i > has_id as usize && k.eq_ignore_ascii_case("ActionID") {
            return Err(EncodeError::ActionIdHeader);
        }
        if k.is_empty() || k.contains(':') {
            return Err(EncodeError::BadKey { key: k.clone() });
        }
        let mut line = k.as_bytes().to_vec();
        line.extend_from_slice(b": ");
        line.extend_from_slice(v);
        if let Some(i) = line.iter().position(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(EncodeError::ForbiddenByte { key: k.clone(), byte: line[i], in_key: i < k.len() });
        }
        if line.len() > 1022 {
            return Err(EncodeError::LineTooLong { key: k.clone(), len: line.len(), limit: 1022 });
        }
    }
    if headers.len() > 128 {
        return Err(EncodeError::TooManyLines { lines: headers.len(), limit: 128 });
    }
    guard_oracle(headers)
}

/// `ami_core::guard`'s one check, written out again: `Filter` (any case,
/// blanks around) with a first `Operation` of `Add` and a `MatchCriteria`
/// word that starts with name, header or method and has no `(`. The
/// reason text is not compared.
fn guard_oracle(headers: &[(String, Vec<u8>)]) -> Result<(), EncodeError> {
    let text = |v: &[u8]| String::from_utf8_lossy(v).trim().to_ascii_lowercase();
    if text(&headers[0].1) != "filter" {
        return Ok(());
    }
    let params = &headers[1..];
    let add = params.iter().find(|(k, _)| k.eq_ignore_ascii_case("Operation")).is_some_and(|(_, v)| text(v) == "add");
    let crashes = |v: &[u8]| {
        String::from_utf8_lossy(v).split(',').any(|w| {
            let w = w.trim().to_ascii_lowercase();
            ["name", "header", "method"].iter().any(|o| w.starts_with(o)) && !w.contains('(')
        })
    };
    let bad = params.iter().any(|(k, v)| k.eq_ignore_ascii_case("MatchCriteria") && crashes(v));
    if add && bad {
        return Err(EncodeError::Refused { action: "Filter", param: "MatchCriteria", reason: String::new() });
    }
    Ok(())
}

/// The outcome with a refusal's reason text left out.
fn comparable(r: Result<(), EncodeError>) -> Result<(), EncodeError> {
    match r {
        Err(EncodeError::Refused { action, param, .. }) => {
            Err(EncodeError::Refused { action, param, reason: String::new() })
        }
        other => other,
    }
}

fuzz_target!(|data: &[u8]| {
    assert_eq!((MAX_LINE_LEN, MAX_LINES), (1022, 128));
    let input = EncodeInput::parse(data);

    // The headers the action should consist of, as the target expects them.
    let mut headers: Vec<(String, Vec<u8>)> = vec![("Action".into(), input.name.clone().into_bytes())];
    if let Some(id) = &input.action_id {
        headers.push(("ActionID".into(), id.clone().into_bytes()));
    }
    for op in &input.ops {
        let (k, v) = match op {
            Op::Str(k, v) => (k, v.clone().into_bytes()),
            Op::Bytes(k, v) if input.writer => (k, v.clone()),
            Op::Bytes(k, v) => (k, String::from_utf8_lossy(v).into_owned().into_bytes()),
            Op::Bool(k, b) => (k, if *b { b"true".to_vec() } else { b"false".to_vec() }),
            Op::Opt(_, None) => continue,
            Op::Opt(k, Some(v)) => (k, v.clone().into_bytes()),
            Op::Display(k, n) => (k, n.to_string().into_bytes()),
        };
        headers.push((k.clone(), v));
    }
    let want = oracle(&headers, input.action_id.is_some());

    let mut out = input.prefix.clone();
    let result = if input.writer {
        let mut w = ActionWriter::new(&mut out, &input.name);
        if let Some(id) = &input.action_id {
            w.action_id(id);
        }
        for op in &input.ops {
            match op {
                Op::Str(k, v) => w.header(k, v),
                Op::Bytes(k, v) => w.header_bytes(k, v),
                Op::Bool(k, b) => w.header_bool(k, *b),
                Op::Opt(k, v) => w.header_opt(k, v.as_deref()),
                Op::Display(k, n) => w.header_display(k, n),
            }
        }
        w.finish()
    } else {
        let mut raw = RawAction::new(input.name.clone());
        for (k, v) in &headers[1 + input.action_id.is_some() as usize..] {
            raw.push(k.clone(), String::from_utf8(v.clone()).unwrap());
        }
        let r = encode_action(&raw, input.action_id.as_deref(), &mut out);
        // The same through ActionWriter gives the same bytes.
        let mut out2 = input.prefix.clone();
        let mut w = ActionWriter::new(&mut out2, raw.name());
        if let Some(id) = &input.action_id {
            w.action_id(id);
        }
        for (k, v) in raw.headers() {
            w.header(k, v);
        }
        assert_eq!(w.finish(), r);
        assert_eq!(out2, out);
        r
    };
    assert_eq!(comparable(result.clone()), want, "headers {headers:?}");

    let Ok(()) = result else {
        assert_eq!(out, input.prefix, "a refused action left bytes in the buffer");
        return;
    };

    assert!(out.starts_with(&input.prefix));
    let wire = &out[input.prefix.len()..];
    let mut exact = Vec::new();
    for (k, v) in &headers {
        exact.extend_from_slice(k.as_bytes());
        exact.extend_from_slice(b": ");
        exact.extend_from_slice(v);
        exact.extend_from_slice(b"\r\n");
    }
    exact.extend_from_slice(b"\r\n");
    assert_eq!(wire, exact);

    // Decodes into exactly one message with exactly these headers.
    let mut d = Decoder::new();
    d.feed(wire);
    let m = d.decode().unwrap().expect("one message");
    assert_eq!(d.decode().unwrap(), None);
    assert!(d.buffered().is_empty());
    let got: Vec<(&[u8], Option<&[u8]>)> = m.headers().map(|h| (h.name(), h.value())).collect();
    let expect: Vec<(&[u8], Option<&[u8]>)> = headers.iter().map(|(k, v)| (k.as_bytes(), Some(&v[..]))).collect();
    assert_eq!(got, expect);

    // The server's limits and the injection rule, on the bytes themselves.
    let body = &wire[..wire.len() - 4];
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).collect();
    assert_eq!(lines.len(), headers.len());
    assert!(lines.len() <= 128);
    for l in &lines {
        assert!(l.len() <= 1022);
        assert!(!l.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)));
    }
});
