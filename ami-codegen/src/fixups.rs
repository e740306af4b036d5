//! Known gaps and mistakes in Asterisk's XML, patched in one place.
//!
//! Each fixup is one function over the merged [`Spec`] with the reason it
//! exists. It returns `Err` when it found nothing to patch: the upstream bug
//! is fixed, or the file at hand does not have the definition. A build from
//! a user's own file (`AMI_SPEC`) tolerates that; the project's tests
//! require every fixup to apply to the supported releases, so a fixup that
//! no longer applies is noticed and removed.

use crate::model::{Alternative, Choice, EnumValue, Event, ListResponse, Origin, Param, Spec};

/// One patch over the model.
pub struct Fixup {
    /// Short name, used in notes and test output.
    pub name: &'static str,
    /// Why it is needed.
    pub reason: &'static str,
    /// The patch. `Err` says why it did not apply.
    pub apply: fn(&mut Spec) -> Result<(), String>,
}

/// What one fixup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The fixup's name.
    pub name: &'static str,
    /// `Ok` when it applied, else why not.
    pub result: Result<(), String>,
}

/// Every fixup, in the order they run.
pub const FIXUPS: &[Fixup] = &[
    Fixup {
        name: "event_mask_is_free_text",
        reason: "Events' EventMask lists `on`, `off` and the placeholder `system,call,log,...`: any class list is valid",
        apply: event_mask_is_free_text,
    },
    Fixup {
        name: "login_events_is_free_text",
        reason: "Login's Events reuses EventMask's placeholder list: any class list is valid",
        apply: login_events_is_free_text,
    },
    Fixup {
        name: "pjsip_hangup_cause_is_free_text",
        reason: "PJSIPHangup's Cause lists the placeholders `Response code` and `Response code name`, not values",
        apply: pjsip_hangup_cause_is_free_text,
    },
    Fixup {
        name: "filter_match_criteria_is_free_text",
        reason: "Filter's MatchCriteria values are syntax patterns, not a closed set",
        apply: filter_match_criteria_is_free_text,
    },
    Fixup {
        name: "module_load_module_is_free_text",
        reason: "ModuleLoad's Module lists the built-in subsystems only; any loadable module name is valid",
        apply: module_load_module_is_free_text,
    },
    Fixup {
        name: "variable_is_repeated",
        reason: "the Variable parameter of Originate, MessageSend, PJSIPNotify and SIPnotify may be sent several times, which the XML does not mark",
        apply: variable_is_repeated,
    },
    Fixup {
        name: "originate_flags_are_bool",
        reason: "Originate's Async and EarlyMedia are booleans (read with ast_true) but documented as free text",
        apply: originate_flags_are_bool,
    },
    Fixup {
        name: "originate_destination",
        reason: "an Originate goes to a dialplan extension (Context, Exten, Priority) or to an application (Application, Data); the XML marks all five optional, so an Originate going nowhere would compile",
        apply: originate_destination,
    },
    Fixup {
        name: "user_event_free_headers",
        reason: "UserEvent documents `HeaderN` as a placeholder for any number of headers of the caller's choosing",
        apply: user_event_free_headers,
    },
    Fixup {
        name: "wire_only_events",
        reason: "events sent in lists that the XML does not document: DBGetResponse, DBGetComplete, QueueMember, QueueStatusComplete, ChannelHungup, ChannelsHungupListComplete",
        apply: wire_only_events,
    },
    Fixup { name: "queue_status_list", reason: "QueueStatus answers with a list the XML does not declare", apply: queue_status_list },
    Fixup { name: "db_get_list", reason: "DBGet answers with a list the XML does not declare", apply: db_get_list },
    Fixup {
        name: "hangup_regex_list",
        reason: "Hangup with a /regex/ channel answers with a list the XML does not declare",
        apply: hangup_regex_list,
    },
    Fixup { name: "agents_list", reason: "Agents answers with a list the XML does not declare", apply: agents_list },
    Fixup {
        name: "fax_sessions_list",
        reason: "FAXSessions answers with a list the XML does not declare",
        apply: fax_sessions_list,
    },
    Fixup { name: "mwi_get_list", reason: "MWIGet answers with a list the XML does not declare", apply: mwi_get_list },
    Fixup {
        name: "originate_response_reason",
        reason: "OriginateResponse's Reason codes are not documented: 0 failed, 1 hung up, 3 no answer, 4 answered, 5 busy, 8 congestion; ami_core::OriginateReason is their one typed reading",
        apply: originate_response_reason,
    },
];

/// Runs every fixup.
pub fn apply_all(spec: &mut Spec) -> Vec<Outcome> {
    FIXUPS.iter().map(|f| Outcome { name: f.name, result: (f.apply)(spec) }).collect()
}

fn free_text(spec: &mut Spec, action: &str, param: &str, fixup: &str) -> Result<(), String> {
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    let p = a.param_mut(param).ok_or_else(|| format!("{action} has no parameter {param}"))?;
    if p.values.is_empty() {
        return Err(format!("{action}.{param} is already free text"));
    }
    let listed: Vec<String> = p.values.drain(..).map(|v| format!("`{}`", v.name)).collect();
    p.notes.push(format!("Free text (fixup `{fixup}`); documented examples: {}.", listed.join(", ")));
    Ok(())
}

fn event_mask_is_free_text(spec: &mut Spec) -> Result<(), String> {
    free_text(spec, "Events", "EventMask", "event_mask_is_free_text")
}

fn login_events_is_free_text(spec: &mut Spec) -> Result<(), String> {
    free_text(spec, "Login", "Events", "login_events_is_free_text")
}

fn pjsip_hangup_cause_is_free_text(spec: &mut Spec) -> Result<(), String> {
    free_text(spec, "PJSIPHangup", "Cause", "pjsip_hangup_cause_is_free_text")
}

fn filter_match_criteria_is_free_text(spec: &mut Spec) -> Result<(), String> {
    free_text(spec, "Filter", "MatchCriteria", "filter_match_criteria_is_free_text")
}

fn module_load_module_is_free_text(spec: &mut Spec) -> Result<(), String> {
    free_text(spec, "ModuleLoad", "Module", "module_load_module_is_free_text")
}

fn variable_is_repeated(spec: &mut Spec) -> Result<(), String> {
    let mut done = Vec::new();
    for action in ["Originate", "MessageSend", "PJSIPNotify", "SIPnotify"] {
        let Some(p) = spec.action_mut(action).and_then(|a| a.param_mut("Variable")) else { continue };
        if !p.multiple {
            p.multiple = true;
            p.notes.push(
                "May be given several times; each value is sent as its own header (fixup `variable_is_repeated`)."
                    .into(),
            );
            done.push(action);
        }
    }
    if done.is_empty() {
        Err("no Variable parameter left to mark".into())
    } else {
        Ok(())
    }
}

fn originate_flags_are_bool(spec: &mut Spec) -> Result<(), String> {
    let a = spec.action_mut("Originate").ok_or("no action Originate")?;
    let mut done = 0;
    for name in ["Async", "EarlyMedia"] {
        let Some(p) = a.param_mut(name) else { continue };
        if p.values.is_empty() {
            p.values =
                ["true", "false"].iter().map(|v| EnumValue { name: v.to_string(), ..EnumValue::default() }).collect();
            p.notes.push("A boolean, sent as `true` / `false` (fixup `originate_flags_are_bool`).".into());
            done += 1;
        }
    }
    if done == 0 {
        Err("Originate's Async and EarlyMedia are not free text any more".into())
    } else {
        Ok(())
    }
}

fn originate_destination(spec: &mut Spec) -> Result<(), String> {
    declare_choice(
        spec,
        "Originate",
        "destination",
        &[
            ("exten", "to a dialplan extension", &["Context", "Exten", "Priority"]),
            ("application", "to an application, with its data", &["Application", "Data"]),
        ],
        "originate_destination",
    )
}

/// Declares that `action` needs exactly one of `alternatives`: `(name,
/// what it means, its parameters)`. Each parameter must exist and be
/// optional and single.
fn declare_choice(
    spec: &mut Spec,
    action: &str,
    name: &str,
    alternatives: &[(&str, &str, &[&str])],
    fixup: &'static str,
) -> Result<(), String> {
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    if a.choice.is_some() {
        return Err(format!("{action} has a choice already"));
    }
    for (_, _, params) in alternatives {
        for p in *params {
            let param = a.param_mut(p).ok_or_else(|| format!("{action} has no parameter {p}"))?;
            if param.required || param.multiple {
                return Err(format!("{action}.{p} is required or repeated now: not part of a choice"));
            }
        }
    }
    a.choice = Some(Choice {
        name: name.to_string(),
        alternatives: alternatives
            .iter()
            .map(|(n, doc, params)| Alternative {
                name: n.to_string(),
                doc: doc.to_string(),
                params: params.iter().map(|p| p.to_string()).collect(),
                ..Alternative::default()
            })
            .collect(),
        origin: Origin::Fixup(fixup),
        ..Choice::default()
    });
    Ok(())
}

fn user_event_free_headers(spec: &mut Spec) -> Result<(), String> {
    let a = spec.action_mut("UserEvent").ok_or("no action UserEvent")?;
    let before = a.params.len();
    a.params.retain(|p| !p.name.eq_ignore_ascii_case("HeaderN"));
    if a.params.len() == before {
        return Err("UserEvent has no HeaderN parameter".into());
    }
    a.free_headers = true;
    a.notes.push(
        "Any number of headers of your own go with `.header(name, value)` (fixup `user_event_free_headers`).".into(),
    );
    Ok(())
}

/// `(event, fields, action whose releases it takes)`
const WIRE_ONLY: &[(&str, &[&str], &str)] = &[
    ("DBGetResponse", &["Family", "Key", "Val"], "DBGet"),
    ("DBGetComplete", &["EventList", "ListItems"], "DBGet"),
    (
        "QueueMember",
        &[
            "Queue",
            "Name",
            "Location",
            "StateInterface",
            "Membership",
            "Penalty",
            "CallsTaken",
            "LastCall",
            "LastPause",
            "LoginTime",
            "InCall",
            "Status",
            "Paused",
            "PausedReason",
            "Wrapuptime",
        ],
        "QueueStatus",
    ),
    ("QueueStatusComplete", &["EventList", "ListItems"], "QueueStatus"),
    ("ChannelHungup", &["Channel"], "Hangup"),
    ("ChannelsHungupListComplete", &["EventList", "ListItems"], "Hangup"),
];

fn wire_only_events(spec: &mut Spec) -> Result<(), String> {
    let mut added = 0;
    for &(name, fields, action) in WIRE_ONLY {
        if spec.event(name).is_some() {
            continue;
        }
        let Some(releases) = spec.actions.iter().find(|a| a.name == action).map(|a| a.releases) else { continue };
        let fields = fields.iter().map(|f| Param { releases, ..Param::named(f) }).collect();
        spec.events.push(Event {
            name: name.to_string(),
            releases,
            fields,
            origin: Origin::Fixup("wire_only_events"),
            notes: vec![format!(
                "Sent as part of the answer to the `{action}` action; Asterisk's XML does not document it (fixup `wire_only_events`)."
            )],
            ..Event::default()
        });
        added += 1;
    }
    spec.events.sort_by_key(|e| (e.name.to_ascii_lowercase(), e.name.clone()));
    if added == 0 {
        Err("every wire-only event is documented now, or their actions are missing".into())
    } else {
        Ok(())
    }
}

fn add_list(
    spec: &mut Spec,
    action: &str,
    items: &[&str],
    complete: &str,
    condition: Option<&str>,
    fixup: &'static str,
) -> Result<(), String> {
    let missing: Vec<&str> = items.iter().chain([&complete]).copied().filter(|e| spec.event(e).is_none()).collect();
    if !missing.is_empty() {
        return Err(format!("events {missing:?} are not defined"));
    }
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    if a.list.is_some() {
        return Err(format!("{action} declares its list response now"));
    }
    a.list = Some(ListResponse {
        items: items.iter().map(|s| s.to_string()).collect(),
        complete: complete.to_string(),
        condition: condition.map(str::to_string),
        origin: Origin::Fixup(fixup),
    });
    Ok(())
}

fn queue_status_list(spec: &mut Spec) -> Result<(), String> {
    add_list(
        spec,
        "QueueStatus",
        &["QueueParams", "QueueMember", "QueueEntry"],
        "QueueStatusComplete",
        None,
        "queue_status_list",
    )
}

fn db_get_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "DBGet", &["DBGetResponse"], "DBGetComplete", None, "db_get_list")
}

fn hangup_regex_list(spec: &mut Spec) -> Result<(), String> {
    add_list(
        spec,
        "Hangup",
        &["ChannelHungup"],
        "ChannelsHungupListComplete",
        Some("only when Channel is a regular expression between slashes, e.g. `/^PJSIP\\/100-.*$/`; otherwise a plain response"),
        "hangup_regex_list",
    )
}

fn agents_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "Agents", &["Agents"], "AgentsComplete", None, "agents_list")
}

fn fax_sessions_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "FAXSessions", &["FAXSessionsEntry"], "FAXSessionsComplete", None, "fax_sessions_list")
}

fn mwi_get_list(spec: &mut Spec) -> Result<(), String> {
    add_list(spec, "MWIGet", &["MWIGet"], "MWIGetComplete", None, "mwi_get_list")
}

fn originate_response_reason(spec: &mut Spec) -> Result<(), String> {
    let e = spec.event_mut("OriginateResponse").ok_or("no event OriginateResponse")?;
    let all = e.releases;
    let p = match e.fields.iter_mut().find(|p| p.name.eq_ignore_ascii_case("Reason")) {
        Some(p) => p,
        None => {
            e.fields.push(Param { releases: all, ..Param::named("Reason") });
            e.fields.last_mut().unwrap()
        }
    };
    if !p.values.is_empty() {
        return Err("OriginateResponse's Reason is documented now".into());
    }
    // Free text here: the codes have one typed reading, in ami-core, shared
    // by `originate()`, the `ami` command and the fake Asterisk.
    p.notes.push(
        "A numeric code, not in Asterisk's XML: 0 failed (no such extension, bad channel), 1 hung up, \
         3 no answer, 4 answered, 5 busy, 8 congestion. Typed: `ami_core::OriginateReason` \
         (fixup `originate_response_reason`)."
            .into(),
    );
    e.notes.push(
        "How the call went: `ami_core::OriginateOutcome::new(event.into_message())` (`Response` decides; \
         a `Uniqueid` of `<unknown>` or `<null>` only means no channel). `Session::originate` and \
         `Service::originate` wait for it (fixup `originate_response_reason`)."
            .into(),
    );
    Ok(())
}
