//! Originate a call and wait for its outcome.
//!
//! `Session::originate` sends the `Originate` asynchronously and waits for
//! the `OriginateResponse` that carries its ActionID (Asterisk sends every
//! session's outcomes to every session that reads call events, so the
//! ActionID is what tells ours apart). Exits 0 when the call was answered,
//! 1 when it failed, 2 on error.
//!
//! ```sh
//! cargo run --example originate                  # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... \
//!     cargo run --example originate -- PJSIP/100 200@from-internal
//! ```

mod common;

use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use ami_actions::actions;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("originate: {e}");
            ExitCode::from(2)
        }
    }
}

/// Places the call; `Ok(true)` if it was answered.
fn run() -> Result<bool, Box<dyn Error>> {
    let target = common::Target::from_env()?;
    let mut args = env::args().skip(1);
    let (channel, destination) = match (args.next(), args.next()) {
        (Some(c), Some(d)) => (c, d),
        _ if target.is_fake() => ("Local/100@demo".to_string(), "200@default".to_string()),
        _ => return Err("usage: originate CHANNEL EXTEN@CONTEXT (e.g. PJSIP/100 200@from-internal)".into()),
    };
    let (exten, context) = destination.split_once('@').ok_or("the destination is EXTEN@CONTEXT")?;

    // The outcome comes as a call event: receive those (and only those).
    let mut ami = target.session(&target.login.clone().events("call"))?;
    let originate = actions::Originate::exten(channel.as_str(), context, exten, "1").timeout("30000"); // ring for at most 30 s
    println!("calling {channel}, then {exten}@{context}");

    // Sent with `Async: true`; waits for this call's OriginateResponse.
    let outcome = ami.originate(&originate, Some(common::time_limit(Duration::from_secs(45))))?;
    println!("the call {outcome}");
    ami.logoff()?;
    Ok(outcome.is_success())
}
