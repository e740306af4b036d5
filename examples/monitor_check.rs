//! A monitoring check (Nagios, Icinga, Zabbix, a cron job...): can we reach
//! the manager interface, log in, get a `Pong`, and how many channels are
//! up?
//!
//! Prints one status line with performance data and exits with the plugin
//! convention: 0 OK, 1 WARNING (more channels than `--warn-channels`),
//! 2 CRITICAL (unreachable, login refused, no answer), 3 UNKNOWN (bad
//! arguments). Every step has a short timeout (`AMI_EXAMPLE_TIMEOUT`, 10 s
//! by default).
//!
//! ```sh
//! cargo run --example monitor_check                      # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=monitor AMI_SECRET=... \
//!     cargo run --example monitor_check -- --warn-channels 200
//! ```

mod common;

use std::env;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ami_actions::{actions, Client, Timeouts};

const OK: u8 = 0;
const WARNING: u8 = 1;
const CRITICAL: u8 = 2;
const UNKNOWN: u8 = 3;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let warn_channels = match args.as_slice() {
        [] => None,
        [flag, n] if flag == "--warn-channels" => match n.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => return status(UNKNOWN, &format!("--warn-channels wants a number, got {n:?}"), ""),
        },
        _ => return status(UNKNOWN, "usage: monitor_check [--warn-channels N]", ""),
    };
    let target = match common::Target::from_env() {
        Ok(t) => t,
        Err(e) => return status(UNKNOWN, &e.to_string(), ""),
    };
    let limit = common::time_limit(Duration::from_secs(10));
    let config = target.config.clone().timeouts(Timeouts::all(Some(limit)));
    let where_ = format!("{}:{}", config.host(), config.port());

    let started = Instant::now();
    let mut ami = match Client::connect(&config).and_then(|c| c.login(&target.login.clone().events_off())) {
        Ok(session) => session,
        Err(e) => return status(CRITICAL, &format!("{where_}: {e}"), ""),
    };
    let ping_started = Instant::now();
    if let Err(e) = ami.ping() {
        return status(CRITICAL, &format!("{where_}: no Pong: {e}"), "");
    }
    let ping = ping_started.elapsed();
    let channels = match ami.send(&actions::CoreShowChannels::new()) {
        Ok(list) => list.items().len(),
        Err(e) => return status(CRITICAL, &format!("{where_}: CoreShowChannels failed: {e}"), ""),
    };
    let _ = ami.logoff();

    let perf =
        format!("channels={channels} ping={:.4}s total={:.4}s", ping.as_secs_f64(), started.elapsed().as_secs_f64());
    let text = format!("{where_}: {channels} channel(s) up, ping {:.1} ms", ping.as_secs_f64() * 1000.0);
    match warn_channels {
        Some(max) if channels > max => status(WARNING, &format!("{text} (more than {max})"), &perf),
        _ => status(OK, &text, &perf),
    }
}

/// Prints `AMI OK - text | perfdata` and gives the exit code.
fn status(code: u8, text: &str, perf: &str) -> ExitCode {
    let word = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][usize::from(code)];
    if perf.is_empty() {
        println!("AMI {word} - {text}");
    } else {
        println!("AMI {word} - {text} | {perf}");
    }
    ExitCode::from(code)
}
