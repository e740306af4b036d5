//! Watch calls: one line per call when it ends, from `DialBegin`,
//! `DialEnd`, `BridgeEnter` and `Hangup` (with its cause).
//!
//! Channels of one call share a Linkedid: the example gathers the events of
//! each call under it and prints the call when its last channel hangs up:
//!
//! ```text
//! +3.2s  100 -> 200  ANSWER  talked 0:41  Normal Clearing (16)
//! +5.0s  100 -> 300  BUSY  User busy (17)
//! ```
//!
//! It runs on the reconnecting service handle: across a server restart it
//! prints that the connection was lost and restored, and goes on.
//!
//! Runs until interrupted, or for `AMI_EXAMPLE_TIMEOUT` seconds.
//!
//! ```sh
//! cargo run --example watch_calls                # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... cargo run --example watch_calls
//! ```

mod common;

use std::borrow::Cow;
use std::collections::HashMap;
use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ami_actions::service::{Filter, Service, ServiceOptions};
use ami_actions::subscribe::{ServiceExt, Typed, TypedSubscription};
use ami_actions::testkit::{FakeAsterisk, Outcome};
use ami_actions::{actions, Event, HangupCause};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("watch_calls: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What we know of one call so far.
#[derive(Default)]
struct Call {
    caller: Option<String>,
    /// The channel that started the call.
    first_channel: String,
    callee: Option<String>,
    dial_status: Option<String>,
    answered: Option<Instant>,
    /// Channels up now.
    channels: Vec<String>,
    /// The first hangup cause seen: the one that ended the call, with
    /// Asterisk's text for it.
    cause: Option<(Option<HangupCause>, String)>,
}

fn run() -> Result<(), Box<dyn Error>> {
    let fake = FakeAsterisk::builder()
        .call_duration(Duration::from_millis(500))
        .originate_outcome("busy", Outcome::Busy)
        .originate_outcome("away", Outcome::NoAnswer);
    let target = common::Target::from_env_or(fake)?;
    let login = target.login.clone().events("call");
    let ami = Service::new(target.config.clone(), login, ServiceOptions::default());
    // Subscribed before start: calls already in progress at login are seen too.
    let call_events = ami.subscribe_events(Filter::events([
        "Newchannel",
        "NewCallerid",
        "DialBegin",
        "DialEnd",
        "BridgeEnter",
        "Hangup",
    ]));
    ami.start()?;
    // On the fake, make some traffic to watch: and stop after it.
    let demo_calls = if target.is_fake() { place_demo_calls(&target)? } else { 0 };
    let limit = (target.is_fake() || common::has_time_limit()).then(|| common::time_limit(Duration::from_secs(30)));
    let ended = watch(&call_events, limit, demo_calls);
    println!("{ended} call(s) ended while watching; {} event(s) dropped", call_events.dropped());
    ami.close();
    Ok(())
}

/// Prints each call as it ends, until `limit` (if any) or `stop_after`
/// calls (if not 0). Returns the number of calls printed.
fn watch(events: &TypedSubscription<Event>, limit: Option<Duration>, stop_after: usize) -> usize {
    let start = Instant::now();
    let until = limit.map(|l| start + l);
    let mut calls: HashMap<String, Call> = HashMap::new();
    let mut ended = 0;
    loop {
        let next = match until {
            Some(t) => events.recv_timeout(t.saturating_duration_since(Instant::now())),
            None => events.recv().map(Some),
        };
        let event = match next {
            Ok(Some(Typed::Event(e))) => e,
            Ok(Some(Typed::ConnectionLost { reason })) => {
                println!("connection lost ({reason}): reconnecting; calls in progress may be missed");
                continue;
            }
            Ok(Some(Typed::ConnectionRestored)) => {
                println!("connection restored");
                continue;
            }
            Ok(Some(Typed::Lagged { dropped })) => {
                println!("fell behind: {dropped} events dropped here; the calls they touched may be off");
                continue;
            }
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return ended,
        };
        match event {
            Event::Newchannel(e) => {
                let call = calls.entry(e.linkedid().unwrap_or_default().into_owned()).or_default();
                let channel = e.channel().unwrap_or_default().into_owned();
                if call.channels.is_empty() {
                    call.first_channel = channel.clone();
                    call.caller = known(e.caller_id_num());
                }
                call.channels.push(channel);
            }
            // The caller ID may be set after the channel is created.
            Event::NewCallerid(e) => {
                if let Some(call) = calls.get_mut(e.linkedid().unwrap_or_default().as_ref()) {
                    if call.caller.is_none() && e.channel().is_some_and(|c| c == call.first_channel) {
                        call.caller = known(e.caller_id_num());
                    }
                }
            }
            Event::DialBegin(e) => {
                let id = e.linkedid().or_else(|| e.dest_linkedid()).unwrap_or_default().into_owned();
                let callee = e.dial_string().filter(|d| !d.is_empty()).or_else(|| e.dest_caller_id_num());
                calls.entry(id).or_default().callee = known(callee);
            }
            Event::DialEnd(e) => {
                let id = e.linkedid().or_else(|| e.dest_linkedid()).unwrap_or_default().into_owned();
                calls.entry(id).or_default().dial_status = e.dial_status().map(|s| s.to_string());
            }
            Event::BridgeEnter(e) => {
                let call = calls.entry(e.linkedid().unwrap_or_default().into_owned()).or_default();
                call.answered.get_or_insert_with(Instant::now);
            }
            Event::Hangup(e) => {
                let id = e.linkedid().unwrap_or_default().into_owned();
                let Some(call) = calls.get_mut(&id) else { continue };
                let channel = e.channel().unwrap_or_default();
                call.channels.retain(|c| *c != channel);
                if call.cause.is_none() {
                    call.cause = Some((e.cause(), e.cause_txt().unwrap_or_default().into_owned()));
                }
                if call.channels.is_empty() {
                    let call = calls.remove(&id).expect("present");
                    println!("+{:.1}s  {}", start.elapsed().as_secs_f64(), describe(&call));
                    ended += 1;
                    if ended == stop_after {
                        return ended;
                    }
                }
            }
            _ => {}
        }
    }
}

/// `100 -> 200  ANSWER  talked 0:41  Normal Clearing (16)`.
fn describe(call: &Call) -> String {
    let caller = call.caller.as_deref().unwrap_or("unknown caller");
    // Without a Dial (a failed Originate, say), the channel says who was called.
    let callee = call.callee.as_deref().unwrap_or(&call.first_channel);
    let status = call.dial_status.as_deref().unwrap_or("no dial");
    let mut line = format!("{caller} -> {callee}  {status}");
    if let Some(t) = call.answered {
        let secs = t.elapsed().as_secs();
        line.push_str(&format!("  talked {}:{:02}", secs / 60, secs % 60));
    }
    match &call.cause {
        Some((Some(cause), text)) => line.push_str(&format!("  {text} ({}, {cause})", cause.code())),
        Some((None, text)) => line.push_str(&format!("  {text}")),
        None => {}
    }
    line
}

/// A caller ID number, unless empty or `<unknown>`.
fn known(num: Option<Cow<'_, str>>) -> Option<String> {
    num.filter(|n| !n.is_empty() && n != "<unknown>").map(Cow::into_owned)
}

/// For the fake: an answered call (it ends after half a second), a busy
/// one and an unanswered one, placed from a second connection.
fn place_demo_calls(target: &common::Target) -> Result<usize, ami_actions::Error> {
    let mut ami = target.session(&target.login.clone().events_off())?;
    let numbers = ["200", "busy", "away"];
    for number in numbers {
        let call = actions::Originate::application(format!("Local/{number}@demo"), "Wait", "10")
            .caller_id("\"Alice\" <100>")
            .async_(true);
        ami.send(&call)?;
    }
    ami.logoff()?;
    Ok(numbers.len())
}
