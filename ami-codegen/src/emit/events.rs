//! One struct per event (a typed view over the message), and the `Event`
//! enum that dispatches on the `Event` header.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::enums::emit_enum;
use crate::model::{Event, Origin, Param, ParamKind, Spec, ValueKind};

/// The return type and the `ami_core::typed` reader of a typed accessor.
fn reader(kind: ValueKind) -> (TokenStream, &'static str) {
    match kind {
        ValueKind::Unsigned => (quote!(u64), "unsigned_field"),
        ValueKind::Signed => (quote!(i64), "signed_field"),
        ValueKind::Decimal => (quote!(f64), "decimal_field"),
        ValueKind::Seconds => (quote!(Duration), "seconds_field"),
        ValueKind::Milliseconds => (quote!(Duration), "millis_field"),
        ValueKind::Microseconds => (quote!(Duration), "micros_field"),
        ValueKind::Hms => (quote!(Duration), "hms_field"),
        ValueKind::UnixTime => (quote!(SystemTime), "unix_time_field"),
        ValueKind::IsoTime => (quote!(SystemTime), "iso_time_field"),
        ValueKind::WallClock => (quote!(WallClock), "wall_clock_field"),
        ValueKind::HangupCause => (quote!(HangupCause), "cause_field"),
        ValueKind::Priority => (quote!(Priority), "priority_field"),
    }
}

/// The doc line saying how a typed accessor reads its header.
fn typed_doc(kind: ValueKind, key: &str) -> String {
    let how = match kind {
        ValueKind::Unsigned => "an unsigned integer",
        ValueKind::Signed => "an integer",
        ValueKind::Decimal => "a decimal number",
        ValueKind::Seconds => "a duration given in seconds",
        ValueKind::Milliseconds => "a duration given in milliseconds",
        ValueKind::Microseconds => "a duration given in microseconds",
        ValueKind::Hms => "a duration written `H:MM:SS`",
        ValueKind::UnixTime => "a time given in Unix seconds (`0`, never, is `None`)",
        ValueKind::IsoTime => "a time written in ISO 8601 with its UTC offset",
        ValueKind::WallClock => "the server's local date and time ([`WallClock`]: no zone)",
        ValueKind::HangupCause => "a Q.850 hangup cause ([`HangupCause`])",
        ValueKind::Priority => "a dialplan priority ([`Priority`]: a number or a label)",
    };
    format!("Read as {how}; `None` when empty, a placeholder or unreadable. As sent: `message().get_str(\"{key}\")`.")
}

/// The typed kind of an event header, if its accessor is typed.
pub(crate) fn typed_kind(p: &Param) -> Option<ValueKind> {
    if p.kind() == ParamKind::Text {
        p.value_kind
    } else {
        None
    }
}

fn event_doc(spec: &Spec, e: &Event) -> Vec<String> {
    let mut l = Vec::new();
    match &e.prose.synopsis {
        Some(s) => l.push(format!("`{}`: {s}", e.name)),
        None => l.push(format!("The `{}` event.", e.name)),
    }
    if let Some(d) = &e.prose.description {
        l.push(String::new());
        l.extend(docs::prose_lines(d));
    }
    l.push(String::new());
    if !e.classes.is_empty() {
        let c: Vec<String> = e.classes.iter().map(|c| format!("`{}` (`{c}`)", docs::class_name(c))).collect();
        l.push(format!("- Class: {}", c.join(", ")));
    }
    let answers: Vec<String> = spec
        .actions
        .iter()
        .filter(|a| {
            a.list
                .as_ref()
                .is_some_and(|li| li.items.iter().chain([&li.complete]).any(|n| n.eq_ignore_ascii_case(&e.name)))
        })
        .map(|a| format!("[`{}`](crate::actions::{})", a.name, a.ident))
        .collect();
    if !answers.is_empty() {
        l.push(format!("- Sent in the list answering {}.", answers.join(", ")));
    }
    let follows: Vec<String> = spec
        .actions
        .iter()
        .filter(|a| a.follow_up.as_ref().is_some_and(|f| f.event.eq_ignore_ascii_case(&e.name)))
        .map(|a| format!("[`{}`](crate::actions::{})", a.name, a.ident))
        .collect();
    if !follows.is_empty() {
        l.push(format!("- Sent after the response to {}, with its ActionID.", follows.join(", ")));
    }
    let url = docs::has_page(&e.origin).then(|| docs::doc_url(spec, "AMI_Events", &e.name, e.releases));
    l.extend(docs::item_facts(spec, &e.since, e.releases, url));
    for n in &e.notes {
        l.push(format!("- {n}"));
    }
    l.push("- Every header, documented or not, stays reachable through `message()`.".into());
    l
}

/// Tokens for one event type.
pub fn emit_event(spec: &Spec, e: &Event, index: usize) -> TokenStream {
    let ident = format_ident!("{}", e.ident);
    let name = &e.name;
    let doc = docs::attrs(&event_doc(spec, e));
    let index_lit = Literal::usize_unsuffixed(index);
    let mut enums = TokenStream::new();
    let mut accessors = TokenStream::new();
    for p in &e.fields {
        let f = format_ident!("{}", p.ident);
        let key = &p.name;
        let enum_path = format!("[`{}`]", p.enum_ident);
        let mut lines = docs::param_lines(spec, e.releases, p, false, &enum_path);
        if let Some(kind) = typed_kind(p) {
            lines.insert(1, typed_doc(kind, key));
        }
        let pdoc = docs::attrs(&lines);
        let body = match p.kind() {
            ParamKind::Text => match typed_kind(p) {
                Some(kind) => {
                    let (ty, f_name) = reader(kind);
                    let reader = format_ident!("{}", f_name);
                    quote! {
                        pub fn #f(&self) -> Option<#ty> { typed::#reader(&self.msg, #key) }
                    }
                }
                None => quote! {
                    pub fn #f(&self) -> Option<Cow<'_, str>> { typed::field(&self.msg, #key) }
                },
            },
            ParamKind::Bool(..) => quote! {
                pub fn #f(&self) -> Option<bool> { typed::bool_field(&self.msg, #key) }
            },
            ParamKind::Enum => {
                let et = format_ident!("{}", p.enum_ident);
                if p.shared_enum.is_none() {
                    let edoc = vec![format!("Values of the `{}` header of [`{}`].", p.name, e.ident)];
                    enums.extend(emit_enum(&p.enum_ident, &edoc, &p.values));
                }
                quote! {
                    pub fn #f(&self) -> Option<#et> { typed::parse_field(&self.msg, #key) }
                }
            }
        };
        accessors.extend(quote!(#pdoc #body));
    }
    quote! {
        #enums
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #ident {
            msg: Message,
        }
        impl #ident {
            #accessors
        }
        __ami_event!(#ident, #name, #index_lit);
    }
}

/// The `events` module body.
pub fn emit(spec: &Spec) -> TokenStream {
    let fields = || spec.events.iter().flat_map(|e| &e.fields);
    let text_used = fields().any(|p| p.kind() == ParamKind::Text && typed_kind(p).is_none());
    let mut out = if text_used {
        quote!(
            use std::borrow::Cow;
        )
    } else {
        TokenStream::new()
    };
    let used = |k: &[ValueKind]| fields().any(|p| typed_kind(p).is_some_and(|x| k.contains(&x)));
    let mut time = Vec::new();
    if used(&[ValueKind::Seconds, ValueKind::Milliseconds, ValueKind::Microseconds, ValueKind::Hms]) {
        time.push(format_ident!("Duration"));
    }
    if used(&[ValueKind::UnixTime, ValueKind::IsoTime]) {
        time.push(format_ident!("SystemTime"));
    }
    if !time.is_empty() {
        out.extend(quote!(use std::time::{#(#time),*};));
    }
    let mut core = Vec::new();
    for (kind, name) in [
        (ValueKind::HangupCause, "HangupCause"),
        (ValueKind::Priority, "Priority"),
        (ValueKind::WallClock, "WallClock"),
    ] {
        if used(&[kind]) {
            core.push(format_ident!("{}", name));
        }
    }
    out.extend(quote! {
        use ami_core::typed;
        use ami_core::Message;
    });
    if !core.is_empty() {
        out.extend(quote!(use ami_core::{#(#core),*};));
    }
    for s in &spec.shared_enums {
        let used =
            spec.events.iter().any(|e| e.fields.iter().any(|p| p.enum_ident == s.ident && p.shared_enum.is_some()));
        if used {
            let doc = vec![format!("Values of the `{}` header of channel and bridge snapshots (any prefix).", s.field)];
            out.extend(emit_enum(&s.ident, &doc, &s.values));
        }
    }
    for (i, e) in spec.events.iter().enumerate() {
        out.extend(emit_event(spec, e, i));
    }
    out
}

/// The `Event` enum and its dispatch table.
pub fn emit_enum_type(spec: &Spec) -> TokenStream {
    let mut variants = TokenStream::new();
    let mut arms = TokenStream::new();
    let mut msg_arms = TokenStream::new();
    let mut into_arms = TokenStream::new();
    let mut name_arms = TokenStream::new();
    let mut typed_fields = TokenStream::new();
    let mut typed_arms = TokenStream::new();
    let mut typed_n = 0usize;
    let mut lower: Vec<String> = Vec::new();
    for (i, e) in spec.events.iter().enumerate() {
        for p in &e.fields {
            let Some(kind) = typed_kind(p) else { continue };
            let (v, n, key) = (format_ident!("{}", e.ident), &e.name, &p.name);
            let f = format_ident!("{}", p.ident);
            let k = format_ident!("{}", format!("{kind:?}"));
            let ti = Literal::usize_unsuffixed(typed_n);
            typed_n += 1;
            typed_fields.extend(quote! {
                typed::TypedField::new(#n, #key, typed::ValueKind::#k, #ti, Event::read_typed),
            });
            typed_arms.extend(quote! {
                (Event::#v(x), #ti) => x.#f().map(typed::Value::from),
            });
        }
        let v = format_ident!("{}", e.ident);
        let vdoc = docs::attrs(&[format!("[`events::{}`]", e.ident)]);
        variants.extend(quote!(#vdoc #v(events::#v),));
        let idx = Literal::usize_unsuffixed(i);
        arms.extend(quote!(Some(#idx) => Event::#v(typed::EventType::from_message_unchecked(msg)),));
        msg_arms.extend(quote!(Event::#v(e) => typed::EventType::message(e),));
        into_arms.extend(quote!(Event::#v(e) => typed::EventType::into_message(e),));
        let n = &e.name;
        name_arms.extend(quote!(Event::#v(_) => Some(#n),));
        lower.push(e.name.to_ascii_lowercase());
    }
    debug_assert!(lower.windows(2).all(|w| w[0] < w[1]), "events must be sorted by lower-case name");
    let count = spec.events.len();
    let origin_note = if spec.events.iter().any(|e| e.origin != Origin::Xml) {
        " A few (marked in their docs) are not in Asterisk's XML but are sent by it."
    } else {
        ""
    };
    let doc = docs::attrs(&[
        format!("Every event this build knows ({count} types), and `Unknown` for the rest.{origin_note}"),
        String::new(),
        "`Event::from(message)` never fails: the type is chosen by the `Event` header, compared".into(),
        "ASCII case-insensitively (the XML says `NewExten`, the wire `Newexten`).".into(),
    ]);
    quote! {
        use ami_core::typed;
        use ami_core::Message;
        use crate::events;

        /// Lower-case event names, sorted, for [`typed::event_index`].
        const EVENT_NAMES: &[&str] = &[#(#lower),*];

        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Event {
            #variants
            /// An event this build has no type for (or a message without `Event`).
            Unknown(Message),
        }

        impl From<Message> for Event {
            /// Picks the typed variant from the `Event` header; anything else is `Unknown`.
            fn from(msg: Message) -> Event {
                match typed::event_index(&msg, EVENT_NAMES) {
                    #arms
                    _ => Event::Unknown(msg),
                }
            }
        }

        impl Event {
            /// The message, for raw access to every header.
            pub fn message(&self) -> &Message {
                match self {
                    #msg_arms
                    Event::Unknown(m) => m,
                }
            }

            /// Gives the message back.
            pub fn into_message(self) -> Message {
                match self {
                    #into_arms
                    Event::Unknown(m) => m,
                }
            }

            /// The documented name of the variant's event; `None` for `Unknown`.
            pub fn type_name(&self) -> Option<&'static str> {
                match self {
                    #name_arms
                    Event::Unknown(_) => None,
                }
            }

            /// Whether no type matched.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Event::Unknown(_))
            }

            /// Every documented header whose accessor returns a number, duration,
            /// time, hangup cause or priority instead of text: the event, the header,
            /// how it is read; [`typed::TypedField::read`] calls the generated
            /// accessor itself.
            pub const TYPED_FIELDS: &'static [typed::TypedField<Event>] = &[#typed_fields];

            /// Calls the typed accessor of entry `index` of [`Event::TYPED_FIELDS`].
            fn read_typed(&self, index: usize) -> Option<typed::Value> {
                match (self, index) {
                    #typed_arms
                    _ => None,
                }
            }

            /// Header `field` (ASCII case-insensitive) read by its typed accessor,
            /// for headers of this event type listed in [`Event::TYPED_FIELDS`];
            /// `None` for other headers, a missing header, a placeholder or text that
            /// does not parse. The text as sent: `message().get_str(field)`.
            pub fn typed_value(&self, field: &str) -> Option<typed::Value> {
                typed::find_typed_field(Event::TYPED_FIELDS, self.type_name()?, field)?.read(self)
            }

            /// The `Timestamp` header (Unix time with microseconds) that Asterisk
            /// adds to every event when `manager.conf` says `timestampevents = yes`.
            pub fn timestamp(&self) -> Option<std::time::SystemTime> {
                typed::unix_time_field(self.message(), "Timestamp")
            }
        }
    }
}
