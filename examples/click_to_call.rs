//! Click-to-call: ring the agent first, then, once the agent answers, the
//! customer.
//!
//! One asynchronous `Originate` does it: its channel is the agent's phone,
//! and when the agent answers Asterisk runs the dialplan at the customer's
//! number, which dials the customer. `Session::originate` waits for its
//! `OriginateResponse` (did the agent answer?); then the example follows
//! the call through its events (all carry the agent channel's Linkedid):
//! `DialBegin` / `DialEnd` (the customer's phone), `BridgeEnter`
//! (talking), `Hangup` (with cause).
//!
//! ```sh
//! cargo run --example click_to_call              # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... \
//!     cargo run --example click_to_call -- PJSIP/agent-17 0611223344 from-internal
//! ```
//!
//! The fake Asterisk answers the agent and ends the call after a second; it
//! does not run a dialplan, so the customer leg only shows on a real server.

mod common;

use std::borrow::Cow;
use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ami_actions::testkit::FakeAsterisk;
use ami_actions::{actions, Event};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("click_to_call: {e}");
            ExitCode::from(2)
        }
    }
}

/// `Ok(true)` when the agent answered.
fn run() -> Result<bool, Box<dyn Error>> {
    let target = common::Target::from_env_or(FakeAsterisk::builder().call_duration(Duration::from_secs(1)))?;
    let mut args = env::args().skip(1);
    let (agent, customer, context) = match (args.next(), args.next()) {
        (Some(a), Some(c)) => (a, c, args.next().unwrap_or_else(|| "from-internal".into())),
        _ if target.is_fake() => ("Local/agent@demo".into(), "0611223344".into(), "from-internal".into()),
        _ => return Err("usage: click_to_call AGENT_CHANNEL CUSTOMER_NUMBER [CONTEXT]".into()),
    };

    let mut ami = target.session(&target.login.clone().events("call"))?;
    let call = actions::Originate::exten(agent.as_str(), context.as_str(), customer.as_str(), "1")
        // The agent's phone shows who they are about to talk to.
        .caller_id(format!("\"Customer\" <{customer}>"))
        .variable("CLICK_TO_CALL=1")
        .timeout("20000");
    println!("ringing the agent on {agent}");

    let until = Instant::now() + common::time_limit(Duration::from_secs(120));
    // Sent with `Async: true`; the call's other events met meanwhile stay
    // queued for the loop below.
    let outcome = ami.originate(&call, Some(until.saturating_duration_since(Instant::now())))?;
    if !outcome.is_success() {
        println!("the agent did not answer: the call {outcome}");
        return Ok(false);
    }
    println!("agent answered on {}; dialling {customer}", outcome.channel().unwrap_or_default());
    // The agent channel's Linkedid.
    let linkedid = outcome.uniqueid().map(|u| u.into_owned());
    while let Some(message) = ami.next_event_timeout(until.saturating_duration_since(Instant::now()))? {
        match Event::from(message) {
            Event::DialBegin(d) if same(d.linkedid(), &linkedid) => {
                println!("customer ringing on {}", d.dest_channel().unwrap_or_default());
            }
            Event::DialEnd(d) if same(d.linkedid(), &linkedid) => {
                println!("customer: {}", d.dial_status().map_or("?".into(), |s| s.to_string()));
            }
            Event::BridgeEnter(b) if same(b.linkedid(), &linkedid) => {
                println!("{} is in the conversation", b.channel().unwrap_or_default());
            }
            Event::Hangup(h) if same(h.uniqueid(), &linkedid) => {
                let cause = h.cause_txt().unwrap_or_default();
                println!("the agent hung up ({cause}): call over");
                ami.logoff()?;
                return Ok(true);
            }
            _ => {}
        }
    }
    println!("time limit reached; the call goes on without us");
    Ok(true)
}

/// Whether an event's id is the call's (known once the agent answered).
fn same(id: Option<Cow<'_, str>>, call: &Option<String>) -> bool {
    matches!((id, call), (Some(a), Some(b)) if a == b.as_str())
}
