//! Serde for generated types (feature `serde`).
//!
//! Events serialize as the one JSON shape of [`ami_core::json`] (what
//! `ami --json` prints): a map of header name to value, a repeated header as
//! an array of its values, colon-less lines under `_lines`, and the exact
//! bytes under `_raw` when the rest would not rebuild them. Deserializing
//! goes through [`ami_core::json::from_fields`], so every event comes back
//! byte for byte. Enums serialize as their wire text.

use std::borrow::Cow;
use std::fmt;

use ami_core::json::{self, Value};
use ami_core::typed::{AmiEnum, EventType};
use ami_core::Message;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize_message<S: Serializer>(msg: &Message, s: S) -> Result<S::Ok, S::Error> {
    let fields = json::fields(msg);
    let mut map = s.serialize_map(Some(fields.len()))?;
    for (key, value) in &fields {
        match value {
            Value::One(v) => map.serialize_entry(key, v)?,
            Value::Many(vs) => map.serialize_entry(key, vs)?,
        }
    }
    map.end()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = Message;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of AMI header names to a value or an array of values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Message, A::Error> {
        let mut fields: Vec<(String, Value<'static>)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, OneOrMany>()? {
            let v = match v {
                OneOrMany::One(v) => Value::One(Cow::Owned(v)),
                OneOrMany::Many(vs) => Value::Many(vs.into_iter().map(Cow::Owned).collect()),
            };
            fields.push((k, v));
        }
        json::from_fields(fields).map_err(de::Error::custom)
    }
}

pub(crate) fn deserialize_message<'de, D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
    d.deserialize_map(MessageVisitor)
}

pub(crate) fn deserialize_event<'de, D: Deserializer<'de>, T: EventType>(d: D) -> Result<T, D::Error> {
    let msg = deserialize_message(d)?;
    if ami_core::typed::is_event(&msg, T::NAME) {
        Ok(T::from_message_unchecked(msg))
    } else {
        Err(de::Error::custom(format_args!("not a {} event", T::NAME)))
    }
}

pub(crate) fn deserialize_enum<'de, D: Deserializer<'de>, T: AmiEnum>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    Ok(T::from_value(&s))
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl serde::Serialize for crate::Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_message(self.message(), s)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for crate::Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(crate::Event::from(deserialize_message(d)?))
    }
}
