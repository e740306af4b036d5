//! LiveState over real streams, against the fake Asterisk, and under
//! shuffled event orders.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ami_actions::live::{Change, LiveOptions, LiveState};
use ami_actions::service::{Backoff, Service, ServiceOptions};
use ami_actions::testkit::FakeAsterisk;
use ami_actions::{Config, Event, Login, Message, RawAction};

const WAIT: Duration = Duration::from_secs(10);

fn events_of(stream: &[u8]) -> Vec<Message> {
    support::messages(stream).into_iter().filter(|m| m.event_name().is_some()).collect()
}

/// Records every change.
fn recorder(live: &LiveState) -> Arc<Mutex<Vec<Change>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    live.on_change(move |c| s.lock().unwrap().push(c.clone()));
    seen
}

#[test]
fn the_corpus_slice_ends_empty_and_every_call_has_its_cause() {
    let live = LiveState::new(LiveOptions::default());
    let changes = recorder(&live);
    let events = events_of(&support::corpus());
    let mut peak_channels = 0;
    for e in &events {
        live.apply(&Event::from(e.clone()));
        peak_channels = peak_channels.max(live.snapshot().channels.len());
    }
    let end = live.snapshot();
    assert_eq!((end.channels.len(), end.bridges.len(), end.calls.len()), (0, 0, 0), "{live:?}");
    let changes = changes.lock().unwrap();
    let started = changes.iter().filter(|c| matches!(c, Change::CallStarted(_))).count();
    let ended: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CallEnded(call) => Some(call.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(started, 144, "the slice holds 144 whole calls");
    assert_eq!(ended.len(), 144);
    for call in &ended {
        assert!(call.cause.is_some(), "call {} ended without a cause", call.linkedid);
        assert!(call.ended.is_some() && call.channels.is_empty());
        assert!(call.channels_seen >= 2, "{call:?}");
    }
    assert!(peak_channels > 0);
}

/// A tiny deterministic generator (no dependency needed for shuffling).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The key that orders a channel's own events: its uniqueid (events
/// without one belong to no channel and may move freely).
fn channel_of(m: &Message) -> Option<String> {
    m.get_str("Uniqueid").map(|u| u.into_owned())
}

/// Interleaves the events of different channels at random while keeping
/// each channel's own events in order (what the protocol allows).
fn shuffle_keeping_channel_order(events: &[Message], rng: &mut Rng) -> Vec<Message> {
    let mut queues: BTreeMap<String, Vec<Message>> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        let key = channel_of(e).unwrap_or_else(|| format!("~{i}"));
        queues.entry(key).or_default().push(e.clone());
    }
    let mut queues: Vec<Vec<Message>> = queues
        .into_values()
        .map(|mut q| {
            q.reverse();
            q
        })
        .collect();
    let mut out = Vec::with_capacity(events.len());
    while !queues.is_empty() {
        let i = rng.below(queues.len());
        out.push(queues[i].pop().unwrap());
        if queues[i].is_empty() {
            queues.swap_remove(i);
        }
    }
    out
}

/// Checks the state after each event: it never panics, and a channel whose
/// Hangup was applied is never in it.
fn replay_checked(events: &[Message]) {
    let live = LiveState::new(LiveOptions::default());
    let mut hung_up = HashSet::new();
    for e in events {
        live.apply(&Event::from(e.clone()));
        if e.event_name().as_deref() == Some("Hangup") {
            hung_up.insert(channel_of(e).unwrap_or_default());
        }
        let snap = live.snapshot();
        if let Some(ghost) = snap.channels.keys().find(|u| hung_up.contains(*u)) {
            panic!("channel {ghost} is still there after its Hangup");
        }
        for b in snap.bridges.values() {
            assert!(b.channels.iter().all(|u| !hung_up.contains(u)), "a hung-up channel is still in bridge {b:?}");
        }
    }
}

#[test]
fn any_prefix_and_any_allowed_order_of_the_transcripts_and_the_corpus() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut streams: Vec<Vec<Message>> = support::transcripts().iter().map(|(_, b)| events_of(b)).collect();
    // The corpus slice, cut into pieces so that many start mid-call
    // (channels that existed before the stream began).
    let corpus = events_of(&support::corpus());
    for start in [0, 137, 1_000, 2_500, 4_321] {
        streams.push(corpus[start..(start + 1_500).min(corpus.len())].to_vec());
    }
    for events in &streams {
        for _ in 0..3 {
            let shuffled = shuffle_keeping_channel_order(events, &mut rng);
            let cut = rng.below(shuffled.len() + 1);
            replay_checked(&shuffled[..cut]);
        }
        replay_checked(events);
    }
}

fn fast() -> ServiceOptions {
    ServiceOptions::default()
        .reconnect(Some(Backoff { initial: Duration::from_millis(20), max: Duration::from_millis(100) }))
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let until = Instant::now() + WAIT;
    while !ok() {
        assert!(Instant::now() < until, "{what} within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn follows_a_service_seeds_and_reports_what_changed_while_the_link_was_down() {
    let fake = FakeAsterisk::start().unwrap();
    let config = Config::new("127.0.0.1", fake.addr().port());
    // Two calls up before the state starts: it learns them from the seed.
    let mut setup = ami_actions::Client::connect(&config).unwrap().login(&Login::new("admin", "admin-secret")).unwrap();
    for exten in ["201", "202"] {
        let call = RawAction::new("Originate")
            .header("Channel", format!("Local/{exten}@test"))
            .header("Application", "Wait")
            .header("Async", "true");
        setup.originate(&call, Some(WAIT)).unwrap();
    }
    let ami = Service::new(config, Login::new("admin", "admin-secret"), fast());
    let live = LiveState::new(LiveOptions::default());
    let changes = recorder(&live);
    let follower = live.follow(&ami);
    ami.start().unwrap();
    wait_until("the seed", || live.last_seed().is_some() && live.snapshot().calls.len() == 2);
    let seeded = live.snapshot();
    assert_eq!(seeded.channels.len(), 4, "two Local calls, two halves each: {seeded:?}");
    let report = live.last_seed().unwrap();
    assert!(report.seeded.iter().any(|(a, n)| a == "CoreShowChannels" && *n == 4), "{report:?}");

    // The link drops; meanwhile one call ends and another starts.
    fake.stop_listening();
    fake.kill_connections();
    wait_until("the link to drop", || !ami.is_connected());
    let first = fake.channels()[0].clone();
    assert!(fake.hangup(&first));
    let placed = setup.originate(
        &RawAction::new("Originate")
            .header("Channel", "Local/203@test")
            .header("Application", "Wait")
            .header("Async", "true"),
        Some(WAIT),
    );
    // (`setup` was cut off too: it only needs to have tried.)
    drop(placed);
    fake.start_listening().unwrap();
    wait_until("the resync", || changes.lock().unwrap().iter().any(|c| matches!(c, Change::Resynced { .. })));
    let resync = changes
        .lock()
        .unwrap()
        .iter()
        .find_map(|c| match c {
            Change::Resynced { ended, started } => Some((ended.len(), started.len())),
            _ => None,
        })
        .unwrap();
    assert_eq!(resync.0, 1, "the call that ended while the link was down is reported");
    let now = live.snapshot();
    assert_eq!(now.calls.len(), 1 + resync.1, "{now:?}");
    ami.close();
    follower.join().unwrap();
}

/// The snapshot, written down canonically: calls (their channel names),
/// bridges (their channel names), queues (members, callers). Channel names
/// stand for uniqueids so that expectations read like the dial plan.
fn render(s: &ami_actions::live::Snapshot) -> String {
    let name = |u: &String| s.channels.get(u).map_or_else(|| format!("?{u}"), |c| c.name.clone());
    let mut lines = Vec::new();
    let mut calls: Vec<String> = s
        .calls
        .values()
        .map(|c| {
            let mut names: Vec<String> = c.channels.iter().map(name).collect();
            names.sort();
            format!("call [{}]", names.join(" "))
        })
        .collect();
    calls.sort();
    lines.extend(calls);
    let mut bridges: Vec<String> = s
        .bridges
        .values()
        .map(|b| {
            let mut names: Vec<String> = b.channels.iter().map(name).collect();
            names.sort();
            format!("bridge [{}]", names.join(" "))
        })
        .collect();
    bridges.sort();
    lines.extend(bridges);
    for q in s.queues.values() {
        let members: Vec<String> =
            q.members.values().map(|m| format!("{}{}", m.interface, if m.paused { " paused" } else { "" })).collect();
        let callers: Vec<String> = q.callers.iter().map(|c| format!("{}.{}", c.position, c.channel)).collect();
        lines.push(format!("queue {} members [{}] callers [{}]", q.name, members.join(", "), callers.join(", ")));
    }
    lines.join("\n")
}

/// Waits until the live state reads `want` (and agrees with the fake's own
/// channel list), then returns. Fails with both views after WAIT.
fn expect_state(live: &LiveState, fake: &FakeAsterisk, step: &str, want: &str) {
    let until = Instant::now() + WAIT;
    loop {
        let snap = live.snapshot();
        let mut have: Vec<String> = snap.channels.values().map(|c| c.name.clone()).collect();
        let mut truth = fake.channels();
        have.sort();
        truth.sort();
        let got = render(&snap);
        if got == want && have == truth {
            return;
        }
        assert!(Instant::now() < until, "{step}:\nwant:\n{want}\ngot:\n{got}\nthe fake's channels: {truth:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_scripted_day_originate_dial_bridge_transfer_queue_hang_up() {
    let fake = FakeAsterisk::builder()
        .queue_member("support", "Local/agent1@agents", "Agent 1")
        .extension("test", "777", "Wait", "60")
        .start()
        .unwrap();
    let config = Config::new("127.0.0.1", fake.addr().port());
    let ami = Service::new(config, Login::new("admin", "admin-secret"), fast());
    let live = LiveState::new(LiveOptions::default());
    let follower = live.follow(&ami);
    ami.start().unwrap();
    let originate = |exten: &str| {
        let call = RawAction::new("Originate")
            .header("Channel", format!("Local/{exten}@test"))
            .header("Application", "Wait")
            .header("Async", "true");
        ami.originate(&call, Some(WAIT)).unwrap()
    };

    // An empty server: one queue, one member, nobody waiting.
    expect_state(&live, &fake, "start", "queue support members [Local/agent1@agents] callers []");

    // Originate: one call, its two Local halves.
    originate("100");
    expect_state(
        &live,
        &fake,
        "originate",
        "call [Local/100@test-00000000;1 Local/100@test-00000000;2]\n\
         queue support members [Local/agent1@agents] callers []",
    );

    // The ;2 half dials PJSIP/200: the callee joins the call, both bridged.
    let callee = fake.dial("Local/100@test-00000000;2", "PJSIP/200").unwrap();
    expect_state(
        &live,
        &fake,
        "dial",
        &format!(
            "call [Local/100@test-00000000;1 Local/100@test-00000000;2 {callee}]\n\
             bridge [Local/100@test-00000000;2 {callee}]\n\
             queue support members [Local/agent1@agents] callers []"
        ),
    );

    // The callee transfers its peer (the ;2 half) to 777 and hangs up: the
    // bridge goes, the caller's two halves stay.
    ami.send(
        &RawAction::new("BlindTransfer")
            .header("Channel", callee.as_str())
            .header("Exten", "777")
            .header("Context", "test"),
    )
    .unwrap();
    expect_state(
        &live,
        &fake,
        "blind transfer",
        "call [Local/100@test-00000000;1 Local/100@test-00000000;2]\n\
         queue support members [Local/agent1@agents] callers []",
    );

    // A second call waits in the queue while its only member is paused.
    ami.send(
        &RawAction::new("QueuePause")
            .header("Queue", "support")
            .header("Interface", "Local/agent1@agents")
            .header("Paused", "true"),
    )
    .unwrap();
    let second = originate("200").channel().unwrap().into_owned(); // its ;1 half
    let second_2 = second.replace(";1", ";2");
    assert!(fake.enqueue("support", &second));
    expect_state(
        &live,
        &fake,
        "queued",
        &format!(
            "call [Local/100@test-00000000;1 Local/100@test-00000000;2]\n\
             call [{second} {second_2}]\n\
             queue support members [Local/agent1@agents paused] callers [1.{second}]"
        ),
    );

    // The member comes back and takes the call: the caller leaves the queue
    // and is bridged with the member's channel, which joins its call.
    ami.send(
        &RawAction::new("QueuePause")
            .header("Queue", "support")
            .header("Interface", "Local/agent1@agents")
            .header("Paused", "false"),
    )
    .unwrap();
    let until = Instant::now() + WAIT;
    let agent = loop {
        if let Some(a) = fake.channels().into_iter().find(|c| c.starts_with("Local/agent1@agents") && c.ends_with(";1"))
        {
            break a;
        }
        assert!(Instant::now() < until, "the member was never called: {:?}", fake.channels());
        std::thread::sleep(Duration::from_millis(10));
    };
    let agent_2 = agent.replace(";1", ";2");
    let mut members = [second.clone(), second_2.clone(), agent.clone(), agent_2.clone()];
    members.sort();
    let mut bridged = [second.clone(), agent.clone()];
    bridged.sort();
    expect_state(
        &live,
        &fake,
        "answered by the member",
        &format!(
            "call [Local/100@test-00000000;1 Local/100@test-00000000;2]\n\
             call [{}]\n\
             bridge [{}]\n\
             queue support members [Local/agent1@agents] callers []",
            members.join(" "),
            bridged.join(" ")
        ),
    );
    let snap = live.snapshot();
    assert_eq!(snap.queues["support"].answered, 1);
    let call = snap.call_of(&second).unwrap();
    assert!(call.answered.is_some() && call.ended.is_none());

    // Hang everything up: nothing is left.
    for c in fake.channels() {
        fake.hangup(&c);
    }
    expect_state(&live, &fake, "all hung up", "queue support members [Local/agent1@agents] callers []");
    ami.close();
    follower.join().unwrap();
}
