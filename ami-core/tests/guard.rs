//! Values that crash Asterisk are refused on every path before a byte is
//! written: the fake must never receive them.

mod support;

use support::ami::*;

use ami_core::{EncodeError, Error, RawAction};

fn crashing_filter() -> RawAction {
    RawAction::new("Filter").header("Operation", "Add").header("MatchCriteria", "name_regex").header("Filter", "x")
}

fn filters_received(fake: &ami_core::testkit::FakeAsterisk) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.message.get_str("Action").is_some_and(|a| a.eq_ignore_ascii_case("Filter")))
        .count()
}

fn assert_refused(e: Error) {
    match &e {
        Error::Encode(EncodeError::Refused { action: "Filter", param: "MatchCriteria", reason }) => {
            assert!(reason.contains("name_regex"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_not_sent());
}

#[test]
fn session_refuses_a_crashing_filter_and_goes_on() {
    let fake = ami_core::testkit::FakeAsterisk::start().unwrap();
    let mut s = login(&fake, &admin().events_off());
    assert_refused(s.send(&crashing_filter()).unwrap_err());
    s.ping().unwrap();
    assert_eq!(filters_received(&fake), 0);
}

#[test]
fn service_refuses_a_crashing_filter_and_goes_on() {
    let fake = ami_core::testkit::FakeAsterisk::start().unwrap();
    let (ami, _all) = start(&fake, admin().events_off(), fast_reconnect());
    assert_refused(ami.send(&crashing_filter()).unwrap_err());
    ami.ping().unwrap();
    assert_eq!(filters_received(&fake), 0);
    assert!(ami.is_connected());
}
