//! Typed answers the way a real server gives them: the fake Asterisk replays
//! the answers recorded from Asterisk 22.10.1 (the every-action transcripts)
//! to typed actions, and the typed views read them: list items and
//! completions, follow-up events, typed responses, and the answer that is
//! only an empty line.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ami_actions::list::ResponseExt;
use ami_actions::service::{Service, ServiceOptions};
use ami_actions::testkit::FakeAsterisk;
use ami_actions::typed::{ActionType, ResponseAction};
use ami_actions::{actions, events, Action, Client, Config, Event, Login, Message, Response, Session};

/// Every answer of the transcripts: `(action, the messages answering one
/// request: its response and the events carrying its ActionID)`, in order.
fn recorded() -> Vec<(String, Vec<Message>)> {
    let mut out = Vec::new();
    for r in support::recordings() {
        let mut order = Vec::new();
        let mut answers: BTreeMap<String, (String, Vec<Message>)> = BTreeMap::new();
        for m in support::requests(&r.client_bytes()) {
            if let (Some(id), Some(action)) = (m.action_id(), m.get_str("Action")) {
                order.push(id.to_string());
                answers.insert(id.into_owned(), (action.into_owned(), Vec::new()));
            }
        }
        for m in support::messages(&r.server_bytes()) {
            if let Some(a) = m.action_id().and_then(|id| answers.get_mut(id.as_ref())) {
                a.1.push(m);
            }
        }
        out.extend(order.iter().filter_map(|id| answers.remove(id)));
    }
    out
}

/// The first recorded answer to `action` that `pick` accepts.
fn answer_to(all: &[(String, Vec<Message>)], action: &str, pick: impl Fn(&[Message]) -> bool) -> Vec<Message> {
    all.iter()
        .find(|(a, msgs)| a == action && pick(msgs))
        .map(|(_, msgs)| msgs.clone())
        .unwrap_or_else(|| panic!("no such recorded answer to {action}"))
}

fn success(msgs: &[Message]) -> bool {
    msgs.first().is_some_and(|m| m.response().as_deref() == Some("Success"))
}

/// `msg` with its ActionID replaced by the request's.
fn with_id(msg: &Message, req: &Message) -> Message {
    let id = req.action_id().unwrap_or_default().into_owned();
    Message::from_pairs(msg.headers().filter(|h| !h.is_bare_line()).map(|h| {
        let value = if h.is("ActionID") { id.as_bytes() } else { h.value().unwrap_or_default() };
        (h.name(), value)
    }))
}

/// A fake that answers each given action with its recorded answer.
fn replaying(answers: Vec<(&'static str, Vec<Message>)>) -> FakeAsterisk {
    let fake = FakeAsterisk::start().unwrap();
    for (action, msgs) in answers {
        let msgs = Arc::new(msgs);
        fake.on_action(action, move |req| msgs.iter().map(|m| with_id(m, req)).collect());
    }
    fake
}

fn config(fake: &FakeAsterisk) -> Config {
    Config::new("127.0.0.1", fake.addr().port())
}

fn session(fake: &FakeAsterisk) -> Session {
    Client::connect(&config(fake)).unwrap().login(&Login::new("admin", "admin-secret").events_off()).unwrap()
}

/// Sends a typed action and gives its typed response.
fn typed<A: ResponseAction + Action>(s: &mut Session, action: &A) -> A::Response {
    s.send(action).unwrap().typed_for(action)
}

#[test]
fn lists_the_xml_does_not_declare_come_typed() {
    let all = recorded();
    let many = |min: usize| move |msgs: &[Message]| msgs.len() > min + 1;
    let fake = replaying(vec![
        ("BridgeList", answer_to(&all, "BridgeList", many(4))),
        ("ConfbridgeList", answer_to(&all, "ConfbridgeList", success)),
        ("ShowDialPlan", answer_to(&all, "ShowDialPlan", many(3))),
        ("VoicemailUsersList", answer_to(&all, "VoicemailUsersList", success)),
        ("IAXpeers", answer_to(&all, "IAXpeers", success)),
        ("ParkedCalls", answer_to(&all, "ParkedCalls", success)),
    ]);
    let mut s = session(&fake);

    let action = actions::BridgeList::new();
    let r = s.send(&action).unwrap();
    let items = r.list_items(&action);
    assert!(items.is_complete() && items.items.len() == 5, "{items:?}");
    assert!(items.items.iter().all(|b| b.bridge_uniqueid().is_some() && b.bridge_technology().is_some()));
    assert_eq!(r.completion_as::<events::BridgeListComplete>().unwrap().list_items(), Some(5));
    assert_eq!(r.list_count_mismatch(), None);

    let action = actions::ConfbridgeList::new("amicatalog");
    let items = s.send(&action).unwrap().list_items(&action);
    assert_eq!(items.items.len(), 2);
    assert!(items.items.iter().all(|u| u.conference().as_deref() == Some("amicatalog")));

    let action = actions::ShowDialPlan::new().context("test").extension("100");
    let r = s.send(&action).unwrap();
    let plan = r.list_items(&action);
    assert_eq!(plan.items.len(), 4);
    assert_eq!(plan.items[0].context().as_deref(), Some("test"));
    let done = r.completion_as::<events::ShowDialPlanComplete>().unwrap();
    assert!(done.list_contexts().is_some() && done.list_extensions().is_some());

    let action = actions::VoicemailUsersList::new();
    let users = s.send(&action).unwrap().list_items(&action);
    assert_eq!(users.items.len(), 3);
    assert!(users.items.iter().all(|u| u.voice_mailbox().is_some() && u.vm_context().is_some()));

    // An empty list: no items, the completion typed.
    let action = actions::IAXpeers::new();
    let r = s.send(&action).unwrap();
    assert!(r.list_items(&action).items.is_empty());
    assert!(r.completion_as::<events::PeerlistComplete>().is_some());

    let action = actions::ParkedCalls::new();
    let r = s.send(&action).unwrap();
    assert_eq!(r.list_items(&action).items.len(), 1);
    assert_eq!(r.completion_as::<events::ParkedCallsComplete>().unwrap().total(), Some(1));
}

#[test]
fn follow_up_events_arrive_after_the_response_and_are_typed() {
    let all = recorded();
    let fake = replaying(vec![
        ("FAXStats", answer_to(&all, "FAXStats", success)),
        ("WaitEvent", answer_to(&all, "WaitEvent", success)),
    ]);
    let mut s = session(&fake);
    let action = actions::FAXStats::new();
    let r = s.send(&action).unwrap();
    assert!(!r.is_list());
    let id = r.message().action_id().unwrap().into_owned();
    match Event::from(s.next_event_timeout(Duration::from_secs(10)).unwrap().expect("the FAXStats event")) {
        Event::FAXStats(e) => {
            assert_eq!(e.message().action_id().as_deref(), Some(id.as_str()));
            assert_eq!(e.current_sessions(), Some(0));
        }
        other => panic!("{other:?}"),
    }
    s.send(&actions::WaitEvent::new("1")).unwrap();
    let ev = Event::from(s.next_event_timeout(Duration::from_secs(10)).unwrap().expect("WaitEventComplete"));
    assert!(matches!(ev, Event::WaitEventComplete(_)), "{ev:?}");
    assert_eq!(actions::FAXStats::info().follow_up, Some("FAXStats"));
}

#[test]
fn responses_with_data_come_typed() {
    let all = recorded();
    let fake = replaying(vec![
        ("CoreStatus", answer_to(&all, "CoreStatus", success)),
        ("CoreSettings", answer_to(&all, "CoreSettings", success)),
        (
            "ExtensionState",
            answer_to(&all, "ExtensionState", |m| success(m) && m[0].contains("Hint") && m[0].get("Hint") != Some(b"")),
        ),
        ("MailboxCount", answer_to(&all, "MailboxCount", success)),
        ("GetConfig", answer_to(&all, "GetConfig", |m| success(m) && m[0].contains("Category-000002"))),
        ("ListCategories", answer_to(&all, "ListCategories", success)),
        ("QueueRule", answer_to(&all, "QueueRule", |m| success(m) && m[0].get_all("RuleList").count() == 2)),
        ("ListCommands", answer_to(&all, "ListCommands", success)),
        ("Challenge", answer_to(&all, "Challenge", success)),
        ("MixMonitor", answer_to(&all, "MixMonitor", success)),
    ]);
    let mut s = session(&fake);

    let st = typed(&mut s, &actions::CoreStatus::new());
    assert!(st.core_current_calls().is_some() && st.core_processed_calls().is_some());
    assert!(st.core_startup_date().is_some());
    let set = typed(&mut s, &actions::CoreSettings::new());
    assert_eq!(set.asterisk_version().as_deref(), Some("22.10.1"));
    assert_eq!(set.ami_version().as_deref(), Some("11.0.0"));
    assert_eq!((set.core_cdr_enabled(), set.core_http_enabled()), (Some(true), Some(false)));
    let ext = typed(&mut s, &actions::ExtensionState::new("2001", "hidden"));
    assert_eq!((ext.hint().as_deref(), ext.status_text().as_deref()), (Some("Custom:hiddenlamp1"), Some("Idle")));
    let mb = typed(&mut s, &actions::MailboxCount::new("1234@default"));
    assert_eq!(mb.new_messages().as_deref(), Some("0"));

    let conf = typed(&mut s, &actions::GetConfig::new("res_parking.conf"));
    let categories = conf.categories();
    assert!(categories.len() >= 3, "{categories:?}");
    let lines: usize = (0..categories.len()).map(|i| conf.lines(i).len()).sum();
    assert!(lines > 0 && conf.lines(categories.len()).is_empty());
    assert!(conf.lines(0).iter().all(|l| l.contains('=')));
    let cats = typed(&mut s, &actions::ListCategories::new("res_parking.conf"));
    assert_eq!(cats.categories().len(), 3);

    let rule = typed(&mut s, &actions::QueueRule::new());
    let rules = rule.rule_lists();
    assert_eq!(
        rules.iter().map(|(name, rules)| (name.as_ref(), rules.len())).collect::<Vec<_>>(),
        [("hiddenrule", 3), ("secondrule", 1)]
    );
    let list = typed(&mut s, &actions::ListCommands::new());
    let commands = list.commands();
    assert_eq!(commands.len(), 116);
    assert!(commands.iter().any(|(name, synopsis)| name == "Ping" && synopsis.contains("Priv:")));

    assert!(typed(&mut s, &actions::Challenge::new("MD5")).challenge().is_some_and(|c| !c.is_empty()));
    assert!(typed(&mut s, &actions::MixMonitor::new("Local/900@test-0000002f;1")).mix_monitor_id().is_some());
}

#[test]
fn typed_responses_work_on_the_fakes_own_answers_and_keep_the_response() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake);
    s.send(&actions::Setvar::new("ANSWER", "42")).unwrap();
    let getvar = actions::Getvar::new("ANSWER");
    let v = typed(&mut s, &getvar);
    assert_eq!((v.variable().as_deref(), v.value().as_deref()), (Some("ANSWER"), Some("42")));
    let response: Response = v.clone().into();
    assert_eq!(&response, v.response());
    assert_eq!(v.message(), response.message());
    let pong: ami_actions::responses::Ping = s.send(&actions::Ping::new()).unwrap().typed();
    assert_eq!(pong.ping().as_deref(), Some("Pong"));
    assert!(pong.timestamp().is_some());
}

/// IAXnetstats is answered by a bare empty line: the typed action returns
/// at once with a client-made response, on a session and on the service.
#[test]
fn iax_netstats_returns_at_once() {
    let fake = FakeAsterisk::start().unwrap();
    let mut s = session(&fake);
    let r = s.send(&actions::IAXnetstats::new()).unwrap();
    assert!(r.is_synthetic() && r.message().is_empty());
    s.ping().unwrap();

    let ami = Service::new(config(&fake), Login::new("admin", "admin-secret").events_off(), ServiceOptions::default());
    ami.start().unwrap();
    let r = ami.send(&actions::IAXnetstats::new()).unwrap();
    assert!(r.is_synthetic());
    ami.ping().unwrap();
    ami.close();
    assert!(!ami_actions::meta::action("IAXnetstats").unwrap().expects_response);
}
