//! Static metadata tables: every action's parameters and list events,
//! every event's fields, and which releases have them. Compact: release
//! lists are shared constants.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::model::{Numbering, Origin, ParamKind, Releases, Spec};

struct ReleaseConsts {
    sets: Vec<Releases>,
}

impl ReleaseConsts {
    fn id(&mut self, r: Releases) -> proc_macro2::Ident {
        let i = match self.sets.iter().position(|&x| x == r) {
            Some(i) => i,
            None => {
                self.sets.push(r);
                self.sets.len() - 1
            }
        };
        format_ident!("R{}", i)
    }
}

/// An [`Origin`] as a metadata value.
fn origin(o: Origin) -> TokenStream {
    match o {
        Origin::Xml => quote!(Origin::Xml),
        Origin::Fixup(f) => quote!(Origin::Fixup(#f)),
    }
}

/// The `meta` module body.
pub fn emit(spec: &Spec) -> TokenStream {
    let mut rc = ReleaseConsts { sets: Vec::new() };
    let mut actions = TokenStream::new();
    for a in &spec.actions {
        let name = &a.name;
        let since = &a.since;
        let rel = rc.id(a.releases);
        let mut params = TokenStream::new();
        for p in &a.params {
            let pn = &p.name;
            let required = p.required;
            let multiple = p.multiple;
            let default = match &p.default {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            let values: Vec<&str> = match p.kind() {
                ParamKind::Text => Vec::new(),
                _ => p.values.iter().map(|v| v.name.as_str()).collect(),
            };
            let pr = rc.id(p.releases);
            let kind = match p.kind() {
                ParamKind::Text => quote!(ParamKind::Text),
                ParamKind::Bool(..) => quote!(ParamKind::Bool),
                ParamKind::Enum => quote!(ParamKind::Enum),
            };
            let numbered = match &p.numbered {
                Some(n) => {
                    let (group, stem) = (&n.group, &n.stem);
                    let numbering = match n.numbering {
                        Numbering::Dashed => quote!(Numbering::Dashed),
                        Numbering::Parenthesised => quote!(Numbering::Parenthesised),
                    };
                    quote!(Some(Numbered { group: #group, stem: #stem, numbering: #numbering }))
                }
                None => quote!(None),
            };
            let free = p.free_headers;
            let origin = origin(p.origin);
            params.extend(quote!(ParamInfo {
                name: #pn, required: #required, multiple: #multiple, default: #default, values: &[#(#values),*],
                releases: #pr, kind: #kind, numbered: #numbered, free_headers: #free, origin: #origin
            },));
        }
        let list = match &a.list {
            Some(l) => {
                let items = &l.items;
                let complete = &l.complete;
                let cond = l.condition.clone().unwrap_or_default();
                quote!(Some(ListInfo { items: &[#(#items),*], complete: #complete, condition: #cond }))
            }
            None => quote!(None),
        };
        let follow_up = match &a.follow_up {
            Some(f) => {
                let e = &f.event;
                quote!(Some(#e))
            }
            None => quote!(None),
        };
        let response: Vec<String> =
            a.response.iter().flat_map(|r| r.fields.iter().flat_map(|f| f.wire_patterns())).collect();
        let expects_response = !a.empty_answer;
        let synopsis = a.prose.synopsis.clone().unwrap_or_default();
        let url = docs::doc_url(spec, "AMI_Actions", &a.name, a.releases);
        let a_origin = origin(a.origin);
        actions.extend(quote! {
            ActionInfo {
                name: #name, since: &[#(#since),*], releases: #rel, params: &[#params], list: #list,
                follow_up: #follow_up, response_fields: &[#(#response),*], expects_response: #expects_response,
                synopsis: #synopsis, doc_url: #url, origin: #a_origin,
            },
        });
    }
    let mut events = TokenStream::new();
    for e in &spec.events {
        let name = &e.name;
        let since = &e.since;
        let classes: Vec<String> = e.classes.iter().map(|c| docs::class_name(c)).collect();
        let rel = rc.id(e.releases);
        let fields: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
        let synopsis = e.prose.synopsis.clone().unwrap_or_default();
        let url = if e.origin == Origin::Xml {
            docs::doc_url(spec, "AMI_Events", &e.name, e.releases)
        } else {
            String::new()
        };
        let e_origin = origin(e.origin);
        events.extend(quote! {
            EventInfo { name: #name, classes: &[#(#classes),*], since: &[#(#since),*], releases: #rel, fields: &[#(#fields),*], synopsis: #synopsis, doc_url: #url, origin: #e_origin },
        });
    }
    let mut consts = TokenStream::new();
    for (i, set) in rc.sets.iter().enumerate() {
        let id = format_ident!("R{}", i);
        let names: Vec<&str> = set.indices().map(|i| spec.releases[i].as_str()).collect();
        consts.extend(quote!(const #id: &[&str] = &[#(#names),*];));
    }
    let releases = &spec.releases;
    quote! {
        use ami_core::typed::{self, ActionInfo, EventInfo, ListInfo, Numbered, Numbering, Origin, ParamInfo, ParamKind};

        /// The Asterisk releases these types were generated from, oldest first.
        pub static RELEASES: &[&str] = &[#(#releases),*];

        #consts

        /// Every action, sorted by name.
        pub static ACTIONS: &[ActionInfo] = &[#actions];

        /// Every event, sorted by name (ASCII case-insensitively).
        pub static EVENTS: &[EventInfo] = &[#events];

        /// The action called `name` (ASCII case-insensitive).
        pub fn action(name: &str) -> Option<&'static ActionInfo> {
            typed::find_info(ACTIONS, name, |a: &ActionInfo| a.name)
        }

        /// The event called `name` (ASCII case-insensitive).
        pub fn event(name: &str) -> Option<&'static EventInfo> {
            typed::find_info(EVENTS, name, |e: &EventInfo| e.name)
        }
    }
}
