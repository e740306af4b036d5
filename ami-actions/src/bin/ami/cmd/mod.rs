//! The subcommands, and the connect-and-login step they share.

pub mod decode;
pub mod events;
pub mod fake;
pub mod info;
pub mod live;
pub mod record;
pub mod send;

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use ami_actions::{Client, Error, Login, Phase, ProtocolError, RawAction, Session};

use crate::failure::{Failure, Stage};
use crate::settings::Settings;

/// Prints a progress note on stderr when `--verbose` is on.
pub fn note(verbose: bool, text: impl AsRef<str>) {
    if verbose {
        eprintln!("ami: {}", text.as_ref());
    }
}

/// Connects, reads the banner and logs in. Every failure here is a
/// connection failure (exit 3) or a timeout (exit 4).
pub fn connect(settings: &Settings, login: &Login, verbose: bool) -> Result<Session, Failure> {
    note(verbose, format!("connecting to {}", settings.describe()));
    let fail = |e: &ami_actions::Error| {
        let f = Failure::from_ami(e, Stage::Connect);
        Failure { message: format!("{}: {}", settings.describe(), f.message), ..f }
    };
    let client = Client::connect(&settings.config()).map_err(|e| {
        let mut f = fail(&e);
        if !settings.tls && no_banner_but_tls(settings, &e) {
            f.message.push_str(" (the port may be TLS: try --tls)");
        }
        f
    })?;
    note(verbose, format!("banner: {}", client.banner().line()));
    let how = if settings.md5 { "MD5 challenge" } else { "plain secret" };
    note(verbose, format!("logging in as {} ({how})", settings.user));
    let session = client.login(login).map_err(|e| fail(&e))?;
    note(verbose, "logged in");
    Ok(session)
}

/// Logs off, waiting briefly for the `Goodbye`; the work is done by then,
/// so a failure here changes nothing.
pub fn logoff(mut session: Session, verbose: bool) {
    let result = session.send_with_timeout(&RawAction::new("Logoff"), Some(Duration::from_secs(2)));
    note(verbose, if result.is_ok() { "logged off" } else { "closed without a Goodbye" });
}

/// How long the TLS probe waits to connect, and then for the answer.
const PROBE_WAIT: Duration = Duration::from_secs(3);

/// Whether a plain connection that got no banner (none in time, garbage, or
/// closed) reached a TLS port: the port is 5039, what arrived looks like a
/// TLS record, or a probe (a TLS ClientHello on a new connection) is
/// answered with one.
fn no_banner_but_tls(settings: &Settings, e: &Error) -> bool {
    match e {
        Error::Protocol(ProtocolError::BadBanner { received }) => {
            settings.port == ami_actions::DEFAULT_TLS_PORT || looks_like_tls(received.as_bytes())
        }
        Error::Timeout { phase: Phase::Banner } | Error::ConnectionClosed { phase: Phase::Banner } => {
            settings.port == ami_actions::DEFAULT_TLS_PORT || answers_tls(&settings.host, settings.port)
        }
        _ => false,
    }
}

/// A TLS record header: handshake (0x16) or alert (0x15), then major
/// version 3.
fn looks_like_tls(first: &[u8]) -> bool {
    matches!(first, [0x15 | 0x16, 0x03, ..])
}

/// Sends a TLS 1.2 ClientHello to `host:port` on a new connection and says
/// whether a TLS record comes back (a ServerHello, or an alert refusing the
/// offer). Every wait is bounded by [`PROBE_WAIT`].
fn answers_tls(host: &str, port: u16) -> bool {
    let Some(addr) = (host, port).to_socket_addrs().ok().and_then(|mut a| a.next()) else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, PROBE_WAIT) else {
        return false;
    };
    let mut first = [0u8; 2];
    stream.set_read_timeout(Some(PROBE_WAIT)).is_ok()
        && stream.set_write_timeout(Some(PROBE_WAIT)).is_ok()
        && stream.write_all(&client_hello()).is_ok()
        && stream.read_exact(&mut first).is_ok()
        && looks_like_tls(&first)
}

/// A minimal TLS 1.2 ClientHello: common ECDHE and RSA suites, P-256, and
/// the signature algorithms a server certificate needs.
fn client_hello() -> Vec<u8> {
    let suites: &[u8] =
        &[0xc0, 0x2f, 0xc0, 0x30, 0xc0, 0x2b, 0xc0, 0x2c, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35];
    let extensions: &[u8] = &[
        0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
        0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x01, 0x05, 0x01, 0x04, 0x03, // signature_algorithms
    ];
    let mut body = vec![0x03, 0x03];
    body.extend((0..32u8).map(|i| i.wrapping_mul(73).wrapping_add(11))); // random
    body.push(0); // no session id
    body.extend_from_slice(&(suites.len() as u16).to_be_bytes());
    body.extend_from_slice(suites);
    body.extend_from_slice(&[1, 0]); // compression: none
    body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    body.extend_from_slice(extensions);
    let mut handshake = vec![0x01];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_records_are_recognised() {
        assert!(looks_like_tls(b"\x16\x03\x03\x00\x5a"));
        assert!(looks_like_tls(b"\x15\x03\x01\x00\x02"));
        assert!(!looks_like_tls(b"Asterisk Call Manager/11.0.0"));
        assert!(!looks_like_tls(b"\x16"));
        let hello = client_hello();
        assert_eq!(usize::from(u16::from_be_bytes([hello[3], hello[4]])), hello.len() - 5);
        assert_eq!(hello[5], 1, "a ClientHello");
    }
}
