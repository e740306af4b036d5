//! Queue status: callers waiting and agents, per queue.
//!
//! `QueueStatus` answers with a list that mixes three event types:
//! `QueueParams` (one per queue), `QueueMember` (its agents) and
//! `QueueEntry` (its waiting callers). The example reads them through the
//! generated `Event` enum and prints one block per queue.
//!
//! ```sh
//! cargo run --example queue_status               # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... cargo run --example queue_status -- support
//! ```
//!
//! Against the fake Asterisk, the example replaces its `QueueStatus` with
//! a canned answer (two busy queues), with `FakeAsterisk::on_action`, the
//! way a test of your own code scripts an answer. (The fake also keeps
//! queues of its own, with members and callers: `Builder::queue`.)

mod common;

use std::env;
use std::error::Error;
use std::process::ExitCode;

use ami_actions::testkit::response;
use ami_actions::{actions, Event, Message};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("queue_status: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let target = common::Target::from_env()?;
    if let Some(fake) = &target.fake {
        fake.on_action("QueueStatus", demo_queues);
    }
    let mut ami = target.session(&target.login.clone().events_off())?;
    let mut action = actions::QueueStatus::new();
    if let Some(queue) = env::args().nth(1) {
        action = action.queue(queue);
    }
    let status = ami.send(&action)?;
    if status.items().is_empty() {
        println!("no queues");
    }
    for item in status.items() {
        match Event::from(item.clone()) {
            // Asterisk's XML does not document QueueParams' `Queue` header;
            // every header stays reachable through `message()`.
            Event::QueueParams(q) => println!(
                "{}: {} waiting, {} answered, {} abandoned, average hold {} s",
                q.message().get_str("Queue").unwrap_or_default(),
                q.calls().unwrap_or_default(),
                q.completed().unwrap_or_default(),
                q.abandoned().unwrap_or_default(),
                q.holdtime().unwrap_or_default().as_secs(),
            ),
            Event::QueueMember(m) => println!(
                "  agent  {:<20} {}{}, {} calls taken",
                m.name().unwrap_or_default(),
                device_state(m.status().as_deref().unwrap_or_default()),
                if m.paused().as_deref() == Some("1") { ", paused" } else { "" },
                m.calls_taken().unwrap_or_default(),
            ),
            Event::QueueEntry(e) => println!(
                "  caller #{} {} ({}) waiting {} s",
                e.position().unwrap_or_default(),
                e.caller_id_num().unwrap_or_default(),
                e.caller_id_name().unwrap_or_default(),
                e.wait().unwrap_or_default().as_secs(),
            ),
            other => println!("  ({} event)", other.message().event_name().unwrap_or_default()),
        }
    }
    ami.logoff()?;
    Ok(())
}

/// A QueueMember's `Status` (a device state number) in words.
fn device_state(code: &str) -> &'static str {
    match code {
        "1" => "available",
        "2" => "in use",
        "3" => "busy",
        "4" => "invalid",
        "5" => "unavailable",
        "6" => "ringing",
        "7" => "ringing, in use",
        "8" => "on hold",
        _ => "unknown state",
    }
}

/// The fake's answer to `QueueStatus`: two queues, as Asterisk 22 words it.
fn demo_queues(req: &Message) -> Vec<Message> {
    let id = req.action_id().unwrap_or_default().into_owned();
    let event = |pairs: &[(&str, &str)]| Message::from_pairs(pairs.iter().copied().chain([("ActionID", id.as_str())]));
    let params = |queue: &str, calls: &str, done: &str, gone: &str| {
        event(&[
            ("Event", "QueueParams"),
            ("Queue", queue),
            ("Max", "0"),
            ("Strategy", "ringall"),
            ("Calls", calls),
            ("Holdtime", "12"),
            ("TalkTime", "95"),
            ("Completed", done),
            ("Abandoned", gone),
        ])
    };
    let member = |queue: &str, name: &str, status: &str, paused: &str, taken: &str| {
        event(&[
            ("Event", "QueueMember"),
            ("Queue", queue),
            ("Name", name),
            ("Location", "PJSIP/agent"),
            ("Status", status),
            ("Paused", paused),
            ("CallsTaken", taken),
        ])
    };
    vec![
        response(req, "Success", &[("EventList", "start"), ("Message", "Queue status will follow")]),
        params("support", "1", "42", "3"),
        member("support", "Ann", "2", "0", "17"),
        member("support", "Bob", "1", "1", "9"),
        event(&[
            ("Event", "QueueEntry"),
            ("Queue", "support"),
            ("Position", "1"),
            ("Channel", "PJSIP/trunk-00000009"),
            ("CallerIDNum", "0611223344"),
            ("CallerIDName", "Jane Roe"),
            ("Wait", "37"),
        ]),
        params("sales", "0", "7", "0"),
        member("sales", "Cid", "5", "0", "2"),
        event(&[("Event", "QueueStatusComplete"), ("EventList", "Complete"), ("ListItems", "6")]),
    ]
}
