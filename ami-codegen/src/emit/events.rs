//! One struct per event (a typed view over the message), and the `Event`
//! enum that dispatches on the `Event` header.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::enums::emit_enum;
use crate::model::{Event, Origin, ParamKind, Spec};

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
        let pdoc = docs::attrs(&docs::param_lines(spec, e.releases, p, false, &enum_path));
        let body = match p.kind() {
            ParamKind::Text => quote! {
                pub fn #f(&self) -> Option<Cow<'_, str>> { typed::field(&self.msg, #key) }
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
    let text_used = spec.events.iter().any(|e| e.fields.iter().any(|p| p.kind() == ParamKind::Text));
    let mut out = if text_used {
        quote!(
            use std::borrow::Cow;
        )
    } else {
        TokenStream::new()
    };
    out.extend(quote! {
        use ami_core::typed;
        use ami_core::Message;
    });
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
    let mut lower: Vec<String> = Vec::new();
    for (i, e) in spec.events.iter().enumerate() {
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
        "[`Event::from_message`] never fails: the type is chosen by the `Event` header, compared".into(),
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

        impl Event {
            /// Picks the typed variant from the `Event` header; anything else is `Unknown`.
            pub fn from_message(msg: Message) -> Event {
                match typed::event_index(&msg, EVENT_NAMES) {
                    #arms
                    _ => Event::Unknown(msg),
                }
            }

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
        }
    }
}
