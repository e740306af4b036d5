//! Connect, log in, ping, run a CLI command, count channels, print two
//! seconds of events, log off.
//!
//! Without `AMI_HOST` it runs against the embedded fake Asterisk; with
//! `AMI_HOST`, `AMI_PORT`, `AMI_USER`, `AMI_SECRET` (and `AMI_TLS=1`,
//! `AMI_CA_FILE`) against a real server. Exits non-zero if a step fails.
//!
//! ```sh
//! cargo run --example quickstart
//! AMI_HOST=pbx.example.com AMI_USER=admin AMI_SECRET=... cargo run --example quickstart
//! ```

mod common;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ami_core::testkit::FakeAsterisk;
use ami_core::{Client, Config, Login, RawAction};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The fake server (when there is no real one) lives as long as `target`.
    let target = common::Target::from_env_or(FakeAsterisk::builder().call_duration(Duration::from_secs(1)))?;
    if target.is_fake() {
        place_demo_call(&target.config, &target.login)?;
    }
    let (config, login) = (&target.config, &target.login);

    let client = Client::connect(config)?;
    println!("connected: {} (AMI version {})", client.banner().line(), client.banner().version().unwrap_or("unknown"));

    let mut ami = client.login(login)?;
    println!("logged in as {}", ami.username());

    ami.ping()?;
    println!("ping: pong");

    for line in ami.command("core show version")? {
        println!("core show version: {line}");
    }

    let channels = ami.send(&RawAction::new("CoreShowChannels"))?;
    println!("channels: {}", channels.items().len());

    let until = Instant::now() + Duration::from_secs(2);
    let mut seen = 0;
    while let Some(event) = ami.next_event_timeout(until.saturating_duration_since(Instant::now()))? {
        seen += 1;
        let name = event.event_name().unwrap_or_default().into_owned();
        let channel = event.get_str("Channel").map(|c| format!(" {c}")).unwrap_or_default();
        println!("event: {name}{channel}");
    }
    println!("{seen} events in 2 s ({} dropped)", ami.dropped_events());

    ami.logoff()?;
    println!("logged off");
    Ok(())
}

/// Gives the fake something to show: a one-second call, placed from a
/// second connection, that ends while the quickstart watches events.
fn place_demo_call(config: &Config, login: &Login) -> Result<(), ami_core::Error> {
    let mut ami = Client::connect(config)?.login(&login.clone().events_off())?;
    let call = RawAction::new("Originate")
        .header("Channel", "Local/200@demo")
        .header("Application", "Wait")
        .header("Data", "1")
        .header("Async", "true");
    ami.send(&call)?;
    ami.logoff()
}
