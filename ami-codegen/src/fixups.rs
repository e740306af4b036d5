//! Known gaps and mistakes in Asterisk's XML, patched in one place.
//!
//! Each fixup is one function over the merged [`Spec`] with the reason it
//! exists. It returns `Err` when it found nothing to patch: the upstream bug
//! is fixed, or the file at hand does not have the definition. A build from
//! a user's own file (`AMI_SPEC`) tolerates that; the project's tests
//! require every fixup to apply to the supported releases, so a fixup that
//! no longer applies is noticed and removed.

use crate::model::{Alternative, Choice, EnumValue, Origin, Param, Spec};

mod lists;
mod responses;

/// A fixup declaring a list seen on the wire: its name, the table in
/// [`lists`] and the reason with its evidence.
macro_rules! wire_list {
    ($name:literal, $table:ident, $reason:literal) => {
        Fixup { name: $name, reason: $reason, apply: |s| lists::wire_list(s, $name, &lists::$table) }
    };
}

/// A fixup declaring the data headers of an action's response: its name,
/// the action, the table in [`responses`] and the evidence.
macro_rules! wire_response {
    ($name:literal, $action:literal, $table:ident, $evidence:literal) => {
        Fixup {
            name: $name,
            reason: concat!("the XML documents no response headers; ", $action, "'s success carries data. ", $evidence),
            apply: |s| responses::wire_response(s, $name, $action, responses::$table),
        }
    };
}

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
        name: "update_config_options_is_free_text",
        reason: "UpdateConfig's Options-000000 nests the options of each Action value inside enumlists (NewCat: \
                 allowdups, template, inherit=...; Insert: catfilter=...); read flat, it is an enum of the one \
                 value `NewCat`. It is a comma-separated option list: free text",
        apply: update_config_options_is_free_text,
    },
    Fixup {
        name: "update_config_changes",
        reason: "UpdateConfig's numbered parameters are one change per number; the server reads changes from \
                 Action-000000 up and stops at the first number without an Action, and refuses a change without \
                 a Cat (main/manager.c, handle_updates, of 22.10.1). Evidence: 12_every_action_c, three changes \
                 (NewCat, Append, Append) numbered 000000 to 000002",
        apply: update_config_changes,
    },
    Fixup {
        name: "aoc_message_units",
        reason: "AOCMessage's UnitAmount(N) and UnitType(N) are one charging unit per number; the server reads \
                 units from 0 up and stops at the first number without a UnitAmount (main/manager.c, \
                 action_aocmessage, of 22.10.1). Evidence: 12_every_action_a, `UnitAmount(0): 3`, `UnitType(0): 1`",
        apply: aoc_message_units,
    },
    Fixup {
        name: "wire_only_events",
        reason: "events sent in lists that the XML does not document: DBGetResponse, DBGetComplete, QueueMember, \
                 QueueStatusComplete, ChannelHungup, ChannelsHungupListComplete. Evidence: 02_admin_basic_events_off \
                 and 12_every_action_c (DBGet), 12_every_action_b (QueueStatus), 12_every_action_a (Hangup /regex/)",
        apply: lists::wire_only_events,
    },
    Fixup {
        name: "queue_status_list",
        reason: "QueueStatus answers with a list the XML does not declare. Evidence: 12_every_action_b, \
                 QueueParams/QueueMember/QueueEntry items (5, 3, none), then QueueStatusComplete",
        apply: lists::queue_status_list,
    },
    Fixup {
        name: "db_get_list",
        reason: "DBGet answers with a list the XML does not declare. Evidence: 02_admin_basic_events_off and \
                 12_every_action_c, one DBGetResponse, then DBGetComplete",
        apply: lists::db_get_list,
    },
    Fixup {
        name: "hangup_regex_list",
        reason: "Hangup with a /regex/ channel answers with a list the XML does not declare. Evidence: \
                 12_every_action_a, ChannelHungup x1 (none when nothing matches), then ChannelsHungupListComplete; \
                 by name or Uniqueid the answer is plain",
        apply: lists::hangup_regex_list,
    },
    Fixup {
        name: "agents_list",
        reason: "Agents answers with a list the XML does not declare. Evidence: 12_every_action_b, \
                 `EventList: start`, no items (no agents configured), then AgentsComplete",
        apply: lists::agents_list,
    },
    Fixup {
        name: "fax_sessions_list",
        reason: "FAXSessions answers with a list the XML does not declare. Evidence: 12_every_action_c, \
                 `EventList: Start`, no items (no fax sessions), then FAXSessionsComplete with Total",
        apply: lists::fax_sessions_list,
    },
    Fixup {
        name: "mwi_get_list",
        reason: "MWIGet answers with a list the XML does not declare; the XML documents its MWIGet and \
                 MWIGetComplete events (the capture server has no MWIGet action)",
        apply: lists::mwi_get_list,
    },
    wire_list!(
        "bridge_list_list",
        BRIDGE_LIST,
        "BridgeList answers with a list the XML does not declare. Evidence: 12_every_action_b, five requests: \
         `EventList: start`, then 1, 5, 0, 3 and 1 BridgeListItem events, then BridgeListComplete"
    ),
    wire_list!(
        "bridge_technology_list_list",
        BRIDGE_TECHNOLOGY_LIST,
        "BridgeTechnologyList answers with a list the XML does not declare. Evidence: 12_every_action_b, \
         BridgeTechnologyListItem x4, then BridgeTechnologyListComplete"
    ),
    wire_list!(
        "confbridge_list_list",
        CONFBRIDGE_LIST,
        "ConfbridgeList answers with a list the XML does not declare (it documents the item event only). \
         Evidence: 12_every_action_b, ConfbridgeList x2, then ConfbridgeListComplete"
    ),
    wire_list!(
        "confbridge_list_rooms_list",
        CONFBRIDGE_LIST_ROOMS,
        "ConfbridgeListRooms answers with a list the XML does not declare (it documents the item event only). \
         Evidence: 12_every_action_b, ConfbridgeListRooms x1, then ConfbridgeListRoomsComplete"
    ),
    wire_list!(
        "core_show_channel_map_list",
        CORE_SHOW_CHANNEL_MAP,
        "CoreShowChannelMap answers with a list the XML does not declare (it documents the completion event \
         only). Evidence: 12_every_action_a, no items for a channel that is not bridged; 12_every_action_b, \
         CoreShowChannelMap x2 for a bridged one; then CoreShowChannelMapComplete"
    ),
    wire_list!(
        "db_get_tree_list",
        DB_GET_TREE,
        "DBGetTree answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         DBGetTreeResponse x3, x1 and none, then DBGetTreeComplete"
    ),
    wire_list!(
        "iax_peers_list",
        IAX_PEERS,
        "IAXpeers answers with a list the XML does not declare. Evidence: 12_every_action_c, `EventList: start`, \
         no items (no peers configured), then PeerlistComplete; the item event is the PeerEntry that \
         channels/chan_iax2.c of 22.10.1 writes"
    ),
    wire_list!(
        "iax_peerlist_list",
        IAX_PEERLIST,
        "IAXpeerlist answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         `EventList: start`, no items (no peers configured), then PeerlistComplete; the item event is the \
         PeerEntry that channels/chan_iax2.c of 22.10.1 writes"
    ),
    wire_list!(
        "iax_registry_list",
        IAX_REGISTRY,
        "IAXregistry answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         `EventList: start`, no items (no registrations), then RegistrationsComplete; the item event is the \
         RegistryEntry that channels/chan_iax2.c of 22.10.1 writes"
    ),
    wire_list!(
        "parked_calls_list",
        PARKED_CALLS,
        "ParkedCalls answers with a list the XML does not declare (it documents the item event only). \
         Evidence: 12_every_action_b, ParkedCall x1 (twice), then ParkedCallsComplete with Total"
    ),
    wire_list!(
        "parkinglots_list",
        PARKINGLOTS,
        "Parkinglots answers with a list the XML does not declare. Evidence: 12_every_action_b, Parkinglot x2, \
         then ParkinglotsComplete"
    ),
    wire_list!(
        "queue_summary_list",
        QUEUE_SUMMARY,
        "QueueSummary answers with a list the XML does not declare. Evidence: 12_every_action_b, \
         QueueSummary events x2 and x1, then QueueSummaryComplete"
    ),
    wire_list!(
        "show_dial_plan_list",
        SHOW_DIAL_PLAN,
        "ShowDialPlan answers with a list the XML does not declare. Evidence: 12_every_action_c, ListDialplan \
         x4 and x1, then ShowDialPlanComplete with ListExtensions, ListPriorities and ListContexts"
    ),
    wire_list!(
        "voicemail_users_list_list",
        VOICEMAIL_USERS_LIST,
        "VoicemailUsersList answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         VoicemailUserEntry x3, then VoicemailUserEntryComplete"
    ),
    wire_list!(
        "voicemail_user_status_list",
        VOICEMAIL_USER_STATUS,
        "VoicemailUserStatus answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         VoicemailUserDetail x1, then VoicemailUserDetailComplete; an unknown mailbox gets a plain response"
    ),
    wire_list!(
        "voicemail_box_summary_list",
        VOICEMAIL_BOX_SUMMARY,
        "VoicemailBoxSummary answers with a list the XML does not declare. Evidence: 12_every_action_c, \
         `EventList: start`, no items (an empty mailbox), then VoicemailBoxDetailComplete; an unknown mailbox \
         gets a plain response; the item event is the VoicemailBoxDetail that apps/app_voicemail.c of \
         22.10.1 writes"
    ),
    Fixup {
        name: "fax_stats_follow_up",
        reason: "FAXStats is not a list but sends one FAXStats event after its response. Evidence: \
                 12_every_action_c, `Message: FAXStats event will follow`, then FAXStats with the ActionID",
        apply: |s| lists::follow_up(s, "fax_stats_follow_up", "FAXStats", &lists::FAX_STATS_EVENT),
    },
    Fixup {
        name: "wait_event_follow_up",
        reason: "WaitEvent is not a list but sends WaitEventComplete after its response, an event the XML does \
                 not document. Evidence: 12_every_action_a, `Message: Waiting for Event completed.`, then \
                 WaitEventComplete with the ActionID",
        apply: |s| lists::follow_up(s, "wait_event_follow_up", "WaitEvent", &lists::WAIT_EVENT_COMPLETE),
    },
    Fixup {
        name: "iax_netstats_empty_answer",
        reason: "IAXnetstats answers with a bare empty line, not a message. Evidence: 12_every_action_c, \
                 the only bytes answering it are b'\\r\\n': no Response, no ActionID",
        apply: lists::iax_netstats_empty_answer,
    },
    Fixup {
        name: "pjsip_lists_unverified",
        reason: "the PJSIP lists come from the XML alone: the capture server has no res_pjsip, so no transcript \
                 shows them; their docs say so",
        apply: lists::pjsip_lists_unverified,
    },
    wire_response!("challenge_response", "Challenge", CHALLENGE, "Evidence: 03_challenge_md5, 12_every_action_a"),
    wire_response!(
        "core_settings_response",
        "CoreSettings",
        CORE_SETTINGS,
        "Evidence: 02_admin_basic_events_off, 12_every_action_a"
    ),
    wire_response!(
        "core_status_response",
        "CoreStatus",
        CORE_STATUS,
        "Evidence: 02_admin_basic_events_off, 12_every_action_a"
    ),
    wire_response!("events_response", "Events", EVENTS, "Evidence: 12_every_action_a (`Events: On` / `Off`)"),
    wire_response!(
        "extension_state_response",
        "ExtensionState",
        EXTENSION_STATE,
        "Evidence: 02_admin_basic_events_off, 12_every_action_c"
    ),
    wire_response!(
        "get_config_response",
        "GetConfig",
        GET_CONFIG,
        "Evidence: 12_every_action_c (`Category-000000`, `Line-000000-000000`...)"
    ),
    wire_response!("get_config_json_response", "GetConfigJSON", GET_CONFIG_JSON, "Evidence: 12_every_action_c"),
    wire_response!("getvar_response", "Getvar", GETVAR, "Evidence: 02_admin_basic_events_off, 12_every_action_a"),
    wire_response!(
        "list_categories_response",
        "ListCategories",
        LIST_CATEGORIES,
        "Evidence: 12_every_action_c (`Category-000000`...)"
    ),
    wire_response!(
        "list_commands_response",
        "ListCommands",
        LIST_COMMANDS,
        "Evidence: 02_admin_basic_events_off, 12_every_action_a (one `<Action>: <synopsis>  (Priv: ...)` header \
         per action)"
    ),
    wire_response!("mailbox_count_response", "MailboxCount", MAILBOX_COUNT, "Evidence: 12_every_action_c"),
    wire_response!("mailbox_status_response", "MailboxStatus", MAILBOX_STATUS, "Evidence: 12_every_action_c"),
    wire_response!("mix_monitor_response", "MixMonitor", MIX_MONITOR, "Evidence: 12_every_action_a"),
    wire_response!("module_check_response", "ModuleCheck", MODULE_CHECK, "Evidence: 12_every_action_c"),
    wire_response!("ping_response", "Ping", PING, "Evidence: 02_admin_basic_events_off, 12_every_action_a"),
    wire_response!("presence_state_response", "PresenceState", PRESENCE_STATE, "Evidence: 12_every_action_c"),
    wire_response!(
        "queue_rule_response",
        "QueueRule",
        QUEUE_RULE,
        "Evidence: 12_every_action_b (`RuleList` headers, each followed by its `Rule` lines)"
    ),
    Fixup {
        name: "success_without_effect",
        reason: "some actions answer `Response: Success` when they did nothing (unknown mailbox, queue or \
                 message); the XML does not say so. Evidence: 12_every_action_a/b/c, see each action's note",
        apply: responses::success_without_effect,
    },
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

fn free_text(spec: &mut Spec, action: &str, param: &str, fixup: &'static str) -> Result<(), String> {
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    let p = a.param_mut(param).ok_or_else(|| format!("{action} has no parameter {param}"))?;
    if p.values.is_empty() {
        return Err(format!("{action}.{param} is already free text"));
    }
    p.origin = Origin::Fixup(fixup);
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
            p.origin = Origin::Fixup("variable_is_repeated");
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
            p.origin = Origin::Fixup("originate_flags_are_bool");
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
    // `Header1` and `HeaderN` are two examples of one thing: any header.
    let before = a.params.len();
    a.params.retain(|p| !p.name.eq_ignore_ascii_case("Header1"));
    if a.params.len() == before {
        return Err("UserEvent has no Header1 parameter".into());
    }
    let p = a.param_mut("HeaderN").ok_or("UserEvent has no HeaderN parameter")?;
    p.free_headers = true;
    p.origin = Origin::Fixup("user_event_free_headers");
    a.notes.push(
        "Any number of headers of your own go with `.header(name, value)` (fixup `user_event_free_headers`).".into(),
    );
    Ok(())
}

fn update_config_options_is_free_text(spec: &mut Spec) -> Result<(), String> {
    let a = spec.action_mut("UpdateConfig").ok_or("no action UpdateConfig")?;
    let p = a.param_mut("Options-000000").ok_or("UpdateConfig has no Options-000000 parameter")?;
    if p.values.len() != 1 {
        return Err("UpdateConfig's Options-000000 is not the one-value enum any more".into());
    }
    p.values.clear();
    p.origin = Origin::Fixup("update_config_options_is_free_text");
    p.notes.push(
        "Free text: comma-separated options, e.g. `allowdups`, `template`, `inherit=...` (NewCat), \
         `catfilter=...` (fixup `update_config_options_is_free_text`)."
            .into(),
    );
    Ok(())
}

/// Names the numbered group of `action` whose members include `members`
/// and declares which members every item needs.
fn name_group(
    spec: &mut Spec,
    action: &str,
    fixup: &'static str,
    name: &str,
    members: &[&str],
    required: &[&str],
) -> Result<(), String> {
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    let g = a
        .groups
        .iter_mut()
        .find(|g| members.iter().all(|m| g.params.iter().any(|p| p == m)))
        .ok_or_else(|| format!("{action} has no numbered group with {}", members.join(", ")))?;
    g.name = name.to_string();
    g.required = required.iter().map(|r| r.to_string()).collect();
    g.origin = Origin::Fixup(fixup);
    let group_params = g.params.clone();
    for p in a.params.iter_mut().filter(|p| group_params.contains(&p.name)) {
        if let Some(n) = &mut p.numbered {
            n.group = name.to_string();
        }
    }
    Ok(())
}

fn update_config_changes(spec: &mut Spec) -> Result<(), String> {
    let members = ["Action-000000", "Cat-000000", "Var-000000", "Value-000000", "Match-000000", "Line-000000"];
    name_group(spec, "UpdateConfig", "update_config_changes", "change", &members, &["Action-000000", "Cat-000000"])
}

fn aoc_message_units(spec: &mut Spec) -> Result<(), String> {
    name_group(spec, "AOCMessage", "aoc_message_units", "unit", &["UnitAmount(0)", "UnitType(0)"], &["UnitAmount(0)"])
}

fn originate_response_reason(spec: &mut Spec) -> Result<(), String> {
    let e = spec.event_mut("OriginateResponse").ok_or("no event OriginateResponse")?;
    let all = e.releases;
    let p = match e.fields.iter_mut().find(|p| p.name.eq_ignore_ascii_case("Reason")) {
        Some(p) => p,
        None => {
            e.fields.push(Param {
                releases: all,
                origin: Origin::Fixup("originate_response_reason"),
                ..Param::named("Reason")
            });
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
