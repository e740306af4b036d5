//! Expands the `<channel_snapshot prefix="..."/>` and `<bridge_snapshot/>`
//! macros into the header lists they stand for.
//!
//! Asterisk defines these lists only in `appdocsxml.xslt`, which turns each
//! macro into `parameter` elements named `prefix + field`. The field names
//! and the enumerated values below are those facts, reproduced as code.
//! Every prefixed copy of an enumerated field shares one Rust enum.

use crate::model::{EnumValue, Event, Param, SharedEnum, SnapshotKind};

/// One field of a snapshot macro.
struct SnapField {
    name: &'static str,
    values: &'static [&'static str],
    doc: &'static str,
}

const fn f(name: &'static str, doc: &'static str) -> SnapField {
    SnapField { name, values: &[], doc }
}

/// Fields of `<channel_snapshot/>`, in the order Asterisk sends them.
const CHANNEL: &[SnapField] = &[
    f("Channel", "The channel name."),
    f("ChannelState", "The channel state as a number (see the `ChannelStateDesc` field)."),
    SnapField {
        name: "ChannelStateDesc",
        values: &[
            "Down",
            "Rsrvd",
            "OffHook",
            "Dialing",
            "Ring",
            "Ringing",
            "Up",
            "Busy",
            "Dialing Offhook",
            "Pre-ring",
            "Unknown",
        ],
        doc: "The channel state.",
    },
    f("CallerIDNum", "Caller ID number."),
    f("CallerIDName", "Caller ID name."),
    f("ConnectedLineNum", "Connected line number."),
    f("ConnectedLineName", "Connected line name."),
    f("Language", "The channel's language."),
    f("AccountCode", "The channel's account code."),
    f("Context", "Dialplan context."),
    f("Exten", "Dialplan extension."),
    f("Priority", "Dialplan priority."),
    f("Uniqueid", "The channel's unique id."),
    f("Linkedid", "Unique id of the oldest channel linked to this one."),
];

/// Fields of `<bridge_snapshot/>`.
const BRIDGE: &[SnapField] = &[
    f("BridgeUniqueid", "The bridge's unique id."),
    f("BridgeType", "The bridge type."),
    f("BridgeTechnology", "The bridging technology in use."),
    f("BridgeCreator", "Who created the bridge, if known."),
    f("BridgeName", "The bridge's name as its creator knows it, if any."),
    f("BridgeNumChannels", "Number of channels in the bridge."),
    SnapField { name: "BridgeVideoSourceMode", values: &["none", "talker", "single"], doc: "Video source mode." },
    f("BridgeVideoSource", "Unique id of the channel that is the video source, if any."),
];

fn fields(kind: SnapshotKind) -> &'static [SnapField] {
    match kind {
        SnapshotKind::Channel => CHANNEL,
        SnapshotKind::Bridge => BRIDGE,
    }
}

/// The shared enums the expansion refers to, for the emitter.
pub fn shared_enums() -> Vec<SharedEnum> {
    CHANNEL
        .iter()
        .chain(BRIDGE)
        .filter(|f| !f.values.is_empty())
        .map(|f| SharedEnum {
            ident: f.name.to_string(),
            field: f.name.to_string(),
            values: f.values.iter().map(|v| EnumValue { name: v.to_string(), ..EnumValue::default() }).collect(),
        })
        .collect()
}

/// Replaces every snapshot macro use in the events' fields by its fields.
pub fn expand(events: &mut [Event]) {
    for e in events {
        if !e.fields.iter().any(|p| p.snapshot.is_some()) {
            continue;
        }
        let old = std::mem::take(&mut e.fields);
        for p in old {
            let Some(snap) = &p.snapshot else {
                e.fields.push(p);
                continue;
            };
            for sf in fields(snap.kind) {
                e.fields.push(Param {
                    name: format!("{}{}", snap.prefix, sf.name),
                    values: sf
                        .values
                        .iter()
                        .map(|v| EnumValue { name: v.to_string(), ..EnumValue::default() })
                        .collect(),
                    releases: p.releases,
                    doc: Some(if snap.prefix.is_empty() {
                        sf.doc.to_string()
                    } else {
                        format!("`{}` snapshot: {}", snap.prefix, sf.doc)
                    }),
                    shared_enum: (!sf.values.is_empty()).then(|| sf.name.to_string()),
                    snapshot_field: Some(sf.name.to_string()),
                    ..Param::default()
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Releases, SnapshotUse};

    #[test]
    fn prefix_applies_to_every_field() {
        let snap = |kind, prefix: &str| Param {
            snapshot: Some(SnapshotUse { kind, prefix: prefix.into() }),
            releases: Releases::one(0),
            ..Param::default()
        };
        let mut ev = vec![Event {
            name: "DialBegin".into(),
            fields: vec![
                snap(SnapshotKind::Channel, ""),
                snap(SnapshotKind::Channel, "Dest"),
                Param::named("DialString"),
            ],
            ..Event::default()
        }];
        expand(&mut ev);
        let names: Vec<_> = ev[0].fields.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 29);
        assert_eq!(names[0], "Channel");
        assert_eq!(names[14], "DestChannel");
        assert_eq!(names[16], "DestChannelStateDesc");
        assert_eq!(ev[0].fields[16].shared_enum.as_deref(), Some("ChannelStateDesc"));
        assert_eq!(names[28], "DialString");
        let mut b = vec![Event { fields: vec![snap(SnapshotKind::Bridge, "To")], ..Event::default() }];
        expand(&mut b);
        assert_eq!(b[0].fields.len(), 8);
        assert_eq!(b[0].fields[6].name, "ToBridgeVideoSourceMode");
    }
}
