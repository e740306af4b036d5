//! Hang up calls older than N seconds: the cron job that clears stuck
//! channels.
//!
//! Lists the channels with `CoreShowChannels` (typed list items), and sends
//! `Hangup` for each channel up longer than the limit, once per call (the
//! channels of one call share a Linkedid). A channel that is gone by then
//! (its call ended with its partner's hangup) is not an error.
//!
//! ```sh
//! cargo run --example hangup_old_calls                  # against the embedded fake Asterisk
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... \
//!     cargo run --example hangup_old_calls -- 7200 --dry-run
//! ```

mod common;

use std::collections::HashSet;
use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ami_actions::list::ResponseExt;
use ami_actions::{actions, Session};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hangup_old_calls: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let target = common::Target::from_env()?;
    let args: Vec<String> = env::args().skip(1).collect();
    let dry_run = args.iter().any(|a| a == "--dry-run");
    let max_age: u64 = match args.iter().find(|a| !a.starts_with("--")) {
        Some(n) => n.parse().map_err(|_| format!("not a number of seconds: {n:?}"))?,
        None if target.is_fake() => 1,
        None => 3600,
    };
    if target.is_fake() {
        make_old_and_new_calls(&target)?;
    }

    let mut ami = target.session(&target.login.clone().events_off())?;
    let list = actions::CoreShowChannels::new();
    let channels = ami.send(&list)?.list_items(&list).items;
    println!("{} channel(s) up; hanging up calls older than {max_age} s{}", channels.len(), dry_run_note(dry_run));

    let mut calls_done = HashSet::new();
    for channel in &channels {
        // CoreShowChannel's `Duration` is `HH:MM:SS` on the wire; the accessor reads it.
        let (Some(name), Some(age)) = (channel.channel(), channel.duration().map(|d| d.as_secs())) else {
            continue;
        };
        if age <= max_age {
            continue;
        }
        // One Hangup per call: the other channels of the call go with it.
        let call = channel.linkedid().unwrap_or_else(|| name.clone()).into_owned();
        if !calls_done.insert(call) {
            continue;
        }
        println!("{name}: up {age} s{}", if dry_run { ", would hang up" } else { ", hanging up" });
        if !dry_run {
            hang_up(&mut ami, &name)?;
        }
    }
    println!("{} call(s) {}", calls_done.len(), if dry_run { "to hang up" } else { "hung up" });
    ami.logoff()?;
    Ok(())
}

/// `Hangup` with cause 16 (normal clearing); a channel already gone is fine.
fn hang_up(ami: &mut Session, channel: &str) -> Result<(), ami_actions::Error> {
    match ami.send(&actions::Hangup::new(channel).cause("16")) {
        Ok(_) => Ok(()),
        Err(ami_actions::Error::ActionFailed { message, .. }) if message == "No such channel" => {
            println!("{channel}: already gone");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn dry_run_note(dry_run: bool) -> &'static str {
    if dry_run {
        " (dry run)"
    } else {
        ""
    }
}

/// For the fake: two calls that get old, then a fresh one.
fn make_old_and_new_calls(target: &common::Target) -> Result<(), Box<dyn Error>> {
    let mut ami = target.session(&target.login.clone().events_off())?;
    let call = |name: &str| actions::Originate::application(format!("Local/{name}@demo"), "Wait", "600");
    ami.send(&call("stuck-1"))?;
    ami.send(&call("stuck-2"))?;
    println!("(demo: two calls placed; waiting 2 s for them to get old)");
    thread::sleep(Duration::from_secs(2));
    ami.send(&call("fresh"))?;
    ami.logoff()?;
    Ok(())
}
