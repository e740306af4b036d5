//! `visit.rs`: a function that calls every accessor of a typed event and
//! hands each result to a `Visitor` trait, defined in the same file.
//!
//! No part of `ami-actions` includes it: its tests (`tests/decode.rs`,
//! over the corpus and the transcripts) and the `typed_event` fuzz target
//! do, to check every generated accessor against the raw message. Paths
//! name `ami_actions`, so it compiles wherever that crate is a dependency.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::events::typed_kind;
use crate::model::{ParamKind, Spec};

/// Tokens of `visit.rs`.
pub fn emit(spec: &Spec) -> TokenStream {
    let mut arms = TokenStream::new();
    for e in &spec.events {
        let v = format_ident!("{}", e.ident);
        let fields = e.fields.iter().map(|p| &p.name);
        let mut calls = TokenStream::new();
        for p in &e.fields {
            let (f, key) = (format_ident!("{}", p.ident), &p.name);
            calls.extend(match (p.kind(), typed_kind(p)) {
                (ParamKind::Text, Some(kind)) => {
                    let k = format_ident!("{}", format!("{kind:?}"));
                    quote!(v.value(#key, typed::ValueKind::#k, e.#f().map(typed::Value::from));)
                }
                (ParamKind::Text, None) => quote!(v.text(#key, e.#f());),
                (ParamKind::Bool(..), _) => quote!(v.boolean(#key, e.#f());),
                (ParamKind::Enum, _) => {
                    let et = format_ident!("{}", p.enum_ident);
                    quote! {
                        v.enumerated(#key, events::#et::VALUES, e.#f().map(|x| {
                            let text = AmiEnum::as_str(&x).to_owned();
                            let back = <events::#et as AmiEnum>::from_value(&text) == x;
                            (text, back)
                        }));
                    }
                }
            });
        }
        arms.extend(quote! {
            Event::#v(e) => {
                v.event(<events::#v as EventType>::NAME, <events::#v as EventType>::info(), &[#(#fields),*], e.message(), EventType::message(e));
                #calls
                v.own_type(<events::#v as FromMessage>::from_message(e.message().clone()).map(EventType::into_message));
                true
            }
        });
    }
    let count = Literal::usize_unsuffixed(spec.events.len());
    quote! {
        use std::borrow::Cow;

        use ami_actions::typed::{self, AmiEnum, EventInfo, EventType, FromMessage};
        use ami_actions::{events, Event, Message};

        /// Receives every accessor result of one typed event.
        pub trait Visitor {
            /// The variant's type: its `NAME`, its metadata entry, the documented
            /// headers it has accessors for, and the message as seen through the
            /// inherent `message()` and through `EventType::message()`.
            fn event(&mut self, name: &'static str, info: &'static EventInfo, fields: &[&str], msg: &Message, trait_msg: &Message);
            /// A text accessor.
            fn text(&mut self, field: &'static str, value: Option<Cow<'_, str>>);
            /// A yes/no accessor.
            fn boolean(&mut self, field: &'static str, value: Option<bool>);
            /// An enum accessor: the documented values, and the value's `as_str()`
            /// with whether `from_value(as_str())` gives the same value back.
            fn enumerated(&mut self, field: &'static str, values: &'static [&'static str], value: Option<(String, bool)>);
            /// A number, duration, time, hangup cause or priority accessor.
            fn value(&mut self, field: &'static str, kind: typed::ValueKind, value: Option<typed::Value>);
            /// `FromMessage::from_message` of the variant's own type on a clone of the message.
            fn own_type(&mut self, result: Result<Message, Message>);
        }

        /// Calls every accessor of `ev`; `false` for `Event::Unknown`.
        #[allow(clippy::all)]
        pub fn visit(ev: &Event, v: &mut dyn Visitor) -> bool {
            match ev {
                #arms
                _ => false,
            }
        }

        /// Number of event types [`visit`] knows.
        pub const VISITED_EVENTS: usize = #count;
    }
}
