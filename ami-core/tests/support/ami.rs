//! Connecting to the fake Asterisk, for the client, service and fault tests.

use std::time::{Duration, Instant};

use ami_core::service::{Backoff, Filter, Incoming, Service, ServiceOptions, Subscription};
use ami_core::testkit::{response, FakeAsterisk};
use ami_core::{Client, Config, Login, Message, Session};

/// How long a test waits for anything before failing.
pub const WAIT: Duration = Duration::from_secs(10);

pub fn config(fake: &FakeAsterisk) -> Config {
    Config::new("127.0.0.1", fake.addr().port())
}

pub fn admin() -> Login {
    Login::new("admin", "admin-secret")
}

pub fn login(fake: &FakeAsterisk, login: &Login) -> Session {
    Client::connect(&config(fake)).unwrap().login(login).unwrap()
}

/// Every event already queued on a session (none may be a gap).
pub fn drain(s: &mut Session) -> Vec<Message> {
    std::iter::from_fn(|| s.next_event_timeout(Duration::ZERO).unwrap()).collect()
}

pub fn event_names(events: impl Iterator<Item = Message>) -> Vec<String> {
    events.map(|e| e.event_name().unwrap_or_default().into_owned()).collect()
}

/// The next event called `name` on a session, skipping others.
pub fn next_event_named(s: &mut Session, name: &str) -> Message {
    loop {
        let e = s.next_event_timeout(WAIT).unwrap().unwrap_or_else(|| panic!("no {name} event"));
        if e.event_name().as_deref() == Some(name) {
            return e;
        }
    }
}

/// The options users get (keepalive on, the default queue bounds and
/// policy), reconnecting quickly so that tests do not wait on the backoff.
pub fn fast_reconnect() -> ServiceOptions {
    ServiceOptions::default()
        .reconnect(Some(Backoff { initial: Duration::from_millis(20), max: Duration::from_millis(200) }))
}

/// A started service with a catch-all subscription made before the login.
pub fn start(fake: &FakeAsterisk, login: Login, options: ServiceOptions) -> (Service, Subscription) {
    let ami = Service::new(config(fake), login, options);
    let all = ami.subscribe(Filter::all());
    ami.start().unwrap();
    (ami, all)
}

/// Waits for the first item `pick` accepts, skipping others.
pub fn wait_for<T>(sub: &Subscription, what: &str, pick: impl Fn(&Incoming) -> Option<T>) -> T {
    let until = Instant::now() + WAIT;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        if let Some(item) = sub.recv_timeout(left).unwrap() {
            if let Some(t) = pick(&item) {
                return t;
            }
        }
    }
    panic!("no {what} within {WAIT:?}");
}

pub fn is_event(name: &'static str) -> impl Fn(&Incoming) -> Option<Message> {
    move |i| i.event().filter(|e| e.event_name().as_deref() == Some(name)).cloned()
}

pub fn lost(i: &Incoming) -> Option<String> {
    match i {
        Incoming::ConnectionLost { reason } => Some(reason.clone()),
        _ => None,
    }
}

pub fn restored(i: &Incoming) -> Option<()> {
    matches!(i, Incoming::ConnectionRestored).then_some(())
}

/// Teaches the fake an `Echo` action that answers with the `Value` it got.
pub fn echo(fake: &FakeAsterisk) {
    fake.on_action("Echo", |req| {
        let value = req.get_str("Value").unwrap_or_default().into_owned();
        vec![response(req, "Success", &[("Value", &value)])]
    });
}

/// A fake Asterisk speaking TLS with a fresh `localhost` certificate, and
/// the PEM of the CA that signed it.
#[cfg(all(feature = "tls", target_os = "linux"))]
pub fn tls_fake() -> (FakeAsterisk, Vec<u8>) {
    let (identity, ca) = super::certs::localhost_identity();
    (FakeAsterisk::builder().tls(identity).start().unwrap(), ca)
}
