//! With the `log` feature, connection events are logged and secrets never are.
#![cfg(feature = "log")]

use std::sync::Mutex;
use std::time::Duration;

use ami_core::service::{Backoff, Filter, Incoming, Service, ServiceOptions};
use ami_core::testkit::FakeAsterisk;
use ami_core::{Client, Config, Login};

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        self.0.lock().unwrap().push(format!("{} {}", record.level(), record.args()));
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn logs_connection_events_but_never_secrets() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let fake = FakeAsterisk::builder().auth_failure_delay(Duration::from_millis(10)).start().unwrap();
    let config = Config::new("127.0.0.1", fake.addr().port());

    let _ = Client::connect(&config).unwrap().login(&Login::new("admin", "hunter2-wrong"));
    let options = ServiceOptions::default()
        .reconnect(Some(Backoff { initial: Duration::from_millis(10), max: Duration::from_millis(50) }));
    let ami = Service::new(config, Login::new("admin", "admin-secret").md5(), options);
    let all = ami.subscribe(Filter::all());
    ami.start().unwrap();
    fake.kill_connections();
    loop {
        match all.recv_timeout(Duration::from_secs(10)).unwrap().expect("reconnect within 10 s") {
            Incoming::ConnectionRestored => break,
            _ => continue,
        }
    }
    ami.ping().unwrap();

    let logs = LOGS.0.lock().unwrap().join("\n");
    assert!(logs.contains("login as admin failed: login refused"), "{logs}");
    assert!(logs.contains("lost"), "{logs}");
    assert!(logs.contains("reconnected to 127.0.0.1"), "{logs}");
    assert!(logs.contains("sent Ping (ActionID"), "{logs}");
    for secret in ["hunter2-wrong", "admin-secret"] {
        assert!(!logs.contains(secret), "a secret reached the log:\n{logs}");
    }
}
