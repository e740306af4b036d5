//! `ami fake`: the fake Asterisk of `ami_actions::testkit` as a standalone
//! server, for trying `ami` (or any AMI client) without an Asterisk:
//! bound to 127.0.0.1 unless `--bind` says otherwise, on `--port` (else
//! `AMI_PORT`, else 5038, 5039 with TLS; 0 picks a free port), with the
//! testkit's users. With `--replay FILE` it plays a recording (`ami
//! record`'s, or any transcript). One line on stdout says where it serves
//! and who may log in; it runs until SIGINT or SIGTERM.

use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use ami_actions::testkit::FakeAsterisk;

use super::decode::read_recording;
use crate::args::{ConnFlags, FakeArgs};
use crate::failure::Failure;
use crate::interrupt;

/// The testkit's users, as `ami fake --help` and the start line name them.
pub const USERS: &str = "admin/admin-secret (read all, write all), readonly/ro-secret (read all, write none), \
                         originator/orig-secret (read call, write originate,call)";

/// Serves until a signal.
pub fn run(conn: &ConnFlags, args: &FakeArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<(), Failure> {
    let port = match (conn.port, env("AMI_PORT").filter(|p| !p.trim().is_empty())) {
        (Some(p), _) => p,
        (None, Some(p)) => crate::args::port("AMI_PORT", &p)?,
        (None, None) if conn.tls => 5039,
        (None, None) => 5038,
    };
    let host = args.bind.as_deref().unwrap_or("127.0.0.1");
    let addr: SocketAddr = (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Failure::usage(format!("--bind: {host:?} is not an address to listen on")))?;
    let mut builder = FakeAsterisk::builder().bind(addr).auth_failure_delay(Duration::from_millis(500));
    match (conn.tls, &args.cert, &args.key) {
        (true, Some(cert), Some(key)) => {
            let read =
                |p: &std::path::Path| std::fs::read(p).map_err(|e| Failure::usage(format!("{}: {e}", p.display())));
            builder =
                builder.tls_pem(&read(cert)?, &read(key)?).map_err(|e| Failure::usage(format!("--cert/--key: {e}")))?;
        }
        (true, _, _) => return Err(Failure::usage("ami fake --tls needs --cert FILE and --key FILE (PEM)")),
        (false, None, None) => {}
        (false, _, _) => return Err(Failure::usage("--cert and --key are for ami fake --tls")),
    }
    let mut what = String::new();
    if let Some(path) = &args.replay {
        let recording = read_recording(&path.to_string_lossy())?;
        what = format!("; replaying {}", path.display());
        builder = builder.replay(recording).replay_speed(args.speed.unwrap_or(1.0)).replay_loop(args.looping);
    } else if args.speed.is_some() || args.looping {
        return Err(Failure::usage("--speed and --loop are for ami fake --replay"));
    }
    let fake = builder.start().map_err(|e| Failure::connection(format!("cannot listen on {addr}: {e}")))?;
    interrupt::install();
    let scheme = if conn.tls { "TLS" } else { "TCP" };
    let line = format!("ami fake: listening on {} ({scheme}); users {USERS}{what}\n", fake.addr());
    let mut stdout = io::stdout().lock();
    stdout.write_all(line.as_bytes()).and_then(|()| stdout.flush()).map_err(Failure::output)?;
    drop(stdout);
    let mut reported = 0;
    while interrupt::requested().is_none() {
        std::thread::sleep(Duration::from_millis(50));
        let unmatched = fake.unmatched();
        for r in &unmatched[reported..] {
            let action = r.message.get_str("Action").unwrap_or_default().into_owned();
            eprintln!("ami fake: no recorded answer for {action} ({}): {:?}", r.session, r.message);
        }
        reported = unmatched.len();
    }
    drop(fake);
    Ok(())
}
