//! What successful responses carry. Asterisk's XML documents no response
//! headers at all; these tables hold the headers a 22.10.1 server sent
//! (`../shared/spec-upstream/transcripts`, the README's table of every
//! answer), and the generator turns each into a typed response view.
//!
//! It also notes the actions that answer `Response: Success` although they
//! did nothing, so their docs warn about it.

use crate::model::{Origin, ResponseField, ResponseShape, ResponseSpec, Spec};

/// One header (or family of headers) of a response, const-friendly.
#[derive(Debug, Clone, Copy)]
pub(super) enum F {
    /// Once, free text.
    One(&'static str),
    /// Once, a yes/no.
    Flag(&'static str),
    /// Once, free text, with the accessor's name (for names heck mangles).
    OneAs(&'static str, &'static str),
    /// Once, a yes/no, with the accessor's name.
    FlagAs(&'static str, &'static str),
    /// `Name-000000`, `Name-000001`...; the accessor's name.
    Numbered(&'static str, &'static str),
    /// `Name-<i>-000000`... within the numbered field before it; the accessor's name.
    NumberedWithin(&'static str, &'static str),
    /// A header opening a group of the second one; the accessor's name.
    Grouped(&'static str, &'static str, &'static str),
    /// Every other header; a label for docs and the accessor's name.
    Others(&'static str, &'static str),
}

impl F {
    fn field(self) -> ResponseField {
        let hinted = |name: &str, shape, hint: &str| ResponseField {
            ident_hint: Some(hint.to_string()),
            ..ResponseField::new(name, shape)
        };
        match self {
            F::One(n) => ResponseField::new(n, ResponseShape::One),
            F::Flag(n) => ResponseField::new(n, ResponseShape::Flag),
            F::OneAs(n, hint) => hinted(n, ResponseShape::One, hint),
            F::FlagAs(n, hint) => hinted(n, ResponseShape::Flag, hint),
            F::Numbered(n, hint) => hinted(n, ResponseShape::Numbered, hint),
            F::NumberedWithin(n, hint) => hinted(n, ResponseShape::NumberedWithin, hint),
            F::Grouped(n, member, hint) => hinted(n, ResponseShape::Grouped(member.to_string()), hint),
            F::Others(label, hint) => hinted(label, ResponseShape::Others, hint),
        }
    }
}

/// Declares what `action`'s successful response carries.
pub(super) fn wire_response(spec: &mut Spec, fixup: &'static str, action: &str, fields: &[F]) -> Result<(), String> {
    let a = spec.action_mut(action).ok_or_else(|| format!("no action {action}"))?;
    if a.response.is_some() {
        return Err(format!("{action} declares its response now"));
    }
    if a.list.is_some() {
        return Err(format!("{action} answers with a list"));
    }
    a.response = Some(ResponseSpec {
        fields: fields.iter().map(|f| f.field()).collect(),
        origin: Origin::Fixup(fixup),
        ident: String::new(),
    });
    Ok(())
}

pub(super) const CHALLENGE: &[F] = &[F::One("Challenge")];

pub(super) const CORE_SETTINGS: &[F] = &[
    F::OneAs("AMIversion", "ami_version"),
    F::One("AsteriskVersion"),
    F::One("SystemName"),
    F::One("CoreMaxCalls"),
    F::One("CoreMaxLoadAvg"),
    F::One("CoreRunUser"),
    F::One("CoreRunGroup"),
    F::One("CoreMaxFilehandles"),
    F::Flag("CoreRealTimeEnabled"),
    F::FlagAs("CoreCDRenabled", "core_cdr_enabled"),
    F::FlagAs("CoreHTTPenabled", "core_http_enabled"),
    F::Flag("SoundsSearchCustomDir"),
];

pub(super) const CORE_STATUS: &[F] = &[
    F::One("CoreStartupDate"),
    F::One("CoreStartupTime"),
    F::One("CoreReloadDate"),
    F::One("CoreReloadTime"),
    F::One("CoreCurrentCalls"),
    F::One("CoreProcessedCalls"),
];

pub(super) const EVENTS: &[F] = &[F::Flag("Events")];

pub(super) const EXTENSION_STATE: &[F] =
    &[F::One("Exten"), F::One("Context"), F::One("Hint"), F::One("Status"), F::One("StatusText")];

pub(super) const GET_CONFIG: &[F] = &[F::Numbered("Category", "categories"), F::NumberedWithin("Line", "lines")];

pub(super) const GET_CONFIG_JSON: &[F] = &[F::One("JSON")];

pub(super) const GETVAR: &[F] = &[F::One("Variable"), F::One("Value")];

pub(super) const LIST_CATEGORIES: &[F] = &[F::Numbered("Category", "categories")];

pub(super) const LIST_COMMANDS: &[F] = &[F::Others("Action", "commands")];

pub(super) const MAILBOX_COUNT: &[F] =
    &[F::One("Mailbox"), F::One("UrgMessages"), F::One("NewMessages"), F::One("OldMessages")];

pub(super) const MAILBOX_STATUS: &[F] = &[F::One("Mailbox"), F::One("Waiting")];

pub(super) const MIX_MONITOR: &[F] = &[F::One("MixMonitorID")];

pub(super) const MODULE_CHECK: &[F] = &[F::One("Version")];

pub(super) const PING: &[F] = &[F::One("Ping"), F::One("Timestamp")];

pub(super) const PRESENCE_STATE: &[F] = &[F::One("State")];

pub(super) const QUEUE_RULE: &[F] = &[F::Grouped("RuleList", "Rule", "rule_lists")];

/// `(action, what its success does not prove, where it was seen)`.
const HOLLOW: &[(&str, &str, &str)] = &[
    ("Atxfer", "on a channel that is not bridged: the action only queues the transfer's DTMF, so the answer says nothing about the transfer", "12_every_action_b"),
    ("CancelAtxfer", "on a channel that is not bridged: the action only queues DTMF", "12_every_action_b"),
    ("MailboxCount", "for a mailbox that does not exist, with zero counts: zeros do not prove the mailbox exists", "12_every_action_c"),
    ("MailboxStatus", "for a mailbox that does not exist, with `Waiting: 0`", "12_every_action_c"),
    ("PlayMF", "for a digit that is not an MF digit", "12_every_action_a"),
    ("QueueReload", "for a queue that does not exist", "12_every_action_b"),
    ("VoicemailForward", "for a message ID that does not exist: only its `Message` (`Message forward failed`) says so", "12_every_action_c"),
    ("VoicemailMove", "for a message ID that does not exist: only its `Message` (`Message move failed`) says so", "12_every_action_c"),
    ("VoicemailRemove", "for a message ID that does not exist: only its `Message` (`Message remove failed`) says so", "12_every_action_c"),
];

pub(super) fn success_without_effect(spec: &mut Spec) -> Result<(), String> {
    let mut done = 0;
    for &(action, when, evidence) in HOLLOW {
        let Some(a) = spec.action_mut(action) else { continue };
        a.notes.push(format!(
            "Asterisk 22.10.1 answers `Response: Success` even {when} (seen in `{evidence}`; fixup `success_without_effect`)."
        ));
        done += 1;
    }
    if done == 0 {
        Err("none of the actions is defined".into())
    } else {
        Ok(())
    }
}
