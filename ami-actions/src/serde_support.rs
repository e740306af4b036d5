//! Serde for generated types (feature `serde`).
//!
//! Events serialize as a map of header name to value, a repeated header as
//! an array of its values in order (the shape `ami events --json` prints).
//! Enums serialize as their wire text.

use std::fmt;

use ami_core::typed::{AmiEnum, EventType};
use ami_core::Message;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize_message<S: Serializer>(msg: &Message, s: S) -> Result<S::Ok, S::Error> {
    let mut keys: Vec<String> = Vec::new();
    for h in msg.headers() {
        let k = h.name_str();
        if !keys.iter().any(|x| *x == k) {
            keys.push(k.into_owned());
        }
    }
    let mut map = s.serialize_map(Some(keys.len()))?;
    for k in &keys {
        let values: Vec<String> =
            msg.headers().filter(|h| h.name_str() == k.as_str()).map(|h| h.value_str().into_owned()).collect();
        if values.len() == 1 {
            map.serialize_entry(k, &values[0])?;
        } else {
            map.serialize_entry(k, &values)?;
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
        let mut pairs: Vec<(String, String)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, OneOrMany>()? {
            match v {
                OneOrMany::One(v) => pairs.push((k, v)),
                OneOrMany::Many(vs) => pairs.extend(vs.into_iter().map(|v| (k.clone(), v))),
            }
        }
        Ok(Message::from_pairs(pairs))
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

impl serde::Serialize for crate::Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_message(self.message(), s)
    }
}

impl<'de> Deserialize<'de> for crate::Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(crate::Event::from_message(deserialize_message(d)?))
    }
}
