//! Checks against a real Asterisk (../shared/tools/real-asterisk builds
//! one); `#[ignore]`d, run with
//!
//!     AMI_REAL_ASTERISK=127.0.0.1:5038 cargo test -p ami-actions --all-features --test real_asterisk -- --ignored

use std::time::{Duration, Instant};

use ami_actions::live::{LiveOptions, LiveState};
use ami_actions::service::{Service, ServiceOptions};
use ami_actions::{Config, Login, RawAction};

fn server() -> Config {
    let addr = std::env::var("AMI_REAL_ASTERISK").expect("set AMI_REAL_ASTERISK=host:port");
    let (host, port) = addr.rsplit_once(':').expect("host:port");
    Config::new(host, port.parse().expect("a port"))
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < until, "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Three Local calls that stay up show as three calls of two channels each,
/// and none once they are hung up.
#[test]
#[ignore = "needs a real Asterisk: AMI_REAL_ASTERISK=host:port"]
fn three_local_calls_then_none() {
    let ami = Service::new(server(), Login::new("admin", "admin-secret"), ServiceOptions::default());
    let live = LiveState::new(LiveOptions::default());
    live.follow(&ami);
    ami.start().unwrap();
    wait_until("the seed", || live.last_seed().is_some());
    let before = live.snapshot().calls.len();
    let mut placed = Vec::new();
    for _ in 0..3 {
        let call = RawAction::new("Originate")
            .header("Channel", "Local/200@test")
            .header("Application", "Wait")
            .header("Data", "30")
            .header("Async", "true");
        let outcome = ami.originate(&call, Some(Duration::from_secs(20))).unwrap();
        assert!(outcome.is_success());
        placed.push(outcome.channel().unwrap().into_owned());
    }
    wait_until("three calls of two channels", || {
        let s = live.snapshot();
        s.calls.len() == before + 3 && placed.iter().all(|c| s.call_of(c).is_some_and(|call| call.channels.len() == 2))
    });
    for c in &placed {
        ami.send(&RawAction::new("Hangup").header("Channel", c.as_str())).unwrap();
    }
    wait_until("no call left", || {
        let s = live.snapshot();
        s.calls.len() == before && placed.iter().all(|c| s.channel_by_name(c).is_none())
    });
    ami.close();
}
