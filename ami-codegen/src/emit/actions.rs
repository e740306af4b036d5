//! One struct per action: required parameters are `new` arguments, optional
//! ones builder methods, repeated ones `Vec`s filled by repeated calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::enums::emit_enum;
use crate::model::{Action, Param, ParamKind, Spec};

const SECRET_PARAMS: &[&str] = &["secret", "key", "password", "newpassword"];

fn field_type(p: &Param) -> TokenStream {
    let base = match p.kind() {
        ParamKind::Text => quote!(String),
        ParamKind::Bool(..) => quote!(bool),
        ParamKind::Enum => {
            let e = format_ident!("{}", p.enum_ident);
            quote!(#e)
        }
    };
    if p.multiple && p.kind() == ParamKind::Text {
        quote!(Vec<#base>)
    } else if p.required {
        base
    } else {
        quote!(Option<#base>)
    }
}

/// The argument type of `new` / a builder method, and how to store it.
fn arg(p: &Param) -> (TokenStream, TokenStream) {
    match p.kind() {
        ParamKind::Text => (quote!(impl Into<String>), quote!(value.into())),
        ParamKind::Bool(..) => (quote!(bool), quote!(value)),
        ParamKind::Enum => {
            let e = format_ident!("{}", p.enum_ident);
            (quote!(impl Into<#e>), quote!(value.into()))
        }
    }
}

fn write_stmt(p: &Param) -> TokenStream {
    let key = &p.name;
    let f = format_ident!("{}", p.ident);
    match (p.kind(), p.required, p.multiple) {
        (ParamKind::Text, _, true) => quote!(typed::put_all(w, #key, &self.#f);),
        (ParamKind::Text, true, false) => quote!(w.header(#key, &self.#f);),
        (ParamKind::Text, false, false) => quote!(w.header_opt(#key, self.#f.as_deref());),
        (ParamKind::Bool(t, n), true, _) => quote!(typed::put_bool(w, #key, Some(self.#f), #t, #n);),
        (ParamKind::Bool(t, n), false, _) => quote!(typed::put_bool(w, #key, self.#f, #t, #n);),
        (ParamKind::Enum, true, _) => quote!(w.header(#key, self.#f.as_str());),
        (ParamKind::Enum, false, _) => {
            let e = format_ident!("{}", p.enum_ident);
            quote!(w.header_opt(#key, self.#f.as_ref().map(#e::as_str));)
        }
    }
}

fn action_doc(spec: &Spec, a: &Action) -> Vec<String> {
    let mut l = Vec::new();
    match &a.prose.synopsis {
        Some(s) => l.push(format!("`{}`: {s}", a.name)),
        None => l.push(format!("The `{}` action.", a.name)),
    }
    if let Some(d) = &a.prose.description {
        l.push(String::new());
        l.extend(docs::prose_lines(d));
    }
    l.push(String::new());
    let url = docs::doc_url(spec, "AMI_Actions", &a.name, a.releases);
    if let Some(list) = &a.list {
        let items: Vec<String> = list
            .items
            .iter()
            .map(|i| match spec.event(i) {
                Some(e) => format!("[`{}`](crate::events::{})", e.name, e.ident),
                None => format!("`{i}`"),
            })
            .collect();
        let complete = match spec.event(&list.complete) {
            Some(e) => format!("[`{}`](crate::events::{})", e.name, e.ident),
            None => format!("`{}`", list.complete),
        };
        l.push(format!("- Answers with a list: {} items, then {complete}.", items.join(", ")));
        if let Some(c) = &list.condition {
            l.push(format!("  The list comes {c}."));
        }
        if let crate::model::Origin::Fixup(f) = list.origin {
            l.push(format!("  Asterisk's XML does not declare this list (fixup `{f}`)."));
        }
    }
    if let Some(f) = &a.follow_up {
        let event = match spec.event(&f.event) {
            Some(e) => format!("[`{}`](crate::events::{})", e.name, e.ident),
            None => format!("`{}`", f.event),
        };
        l.push(format!(
            "- After its response the server sends one {event} event with the same ActionID; it is not part of \
             the response: it arrives with the events (`next_event`, a subscription)."
        ));
        if let crate::model::Origin::Fixup(f) = f.origin {
            l.push(format!("  Asterisk's XML does not declare it (fixup `{f}`)."));
        }
    }
    if let Some(r) = &a.response {
        let fields: Vec<String> = r.fields.iter().flat_map(|f| f.wire_patterns()).map(|p| format!("`{p}`")).collect();
        l.push(format!(
            "- Its success carries {}: read them with [`responses::{}`](crate::responses::{}) \
             (`response.typed_for(&action)`).",
            fields.join(", "),
            r.ident,
            r.ident
        ));
    }
    l.extend(docs::item_facts(spec, &a.since, a.releases, Some(url)));
    if !a.modules.is_empty() {
        l.push(format!("- Module: {}", a.modules.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")));
    }
    for n in &a.notes {
        l.push(format!("- {n}"));
    }
    l
}

/// Tokens for one action: its enums, struct, builder, `Action` impl.
pub fn emit_action(spec: &Spec, a: &Action, index: usize) -> TokenStream {
    let name = &a.name;
    let ident = format_ident!("{}", a.ident);
    let doc = docs::attrs(&action_doc(spec, a));
    let index_lit = proc_macro2::Literal::usize_unsuffixed(index);
    let mut enums = TokenStream::new();
    let mut fields = TokenStream::new();
    let mut new_args = TokenStream::new();
    let mut new_inits = TokenStream::new();
    let mut builders = TokenStream::new();
    let mut writes = TokenStream::new();
    let mut debug_fields = TokenStream::new();
    let mut has_required = false;
    for p in &a.params {
        let f = format_ident!("{}", p.ident);
        let ty = field_type(p);
        let kind = p.kind();
        if kind == ParamKind::Enum {
            let edoc = vec![format!("Values of the `{}` parameter of [`{}`].", p.name, a.ident)];
            enums.extend(emit_enum(&p.enum_ident, &edoc, &p.values));
        }
        let enum_path = format!("[`{}`]", p.enum_ident);
        let pdoc = docs::attrs(&docs::param_lines(spec, a.releases, p, true, &enum_path));
        fields.extend(quote!(#pdoc pub #f: #ty,));
        let (arg_ty, store) = arg(p);
        if p.required {
            has_required = true;
            new_args.extend(quote!(#f: #arg_ty,));
            if p.multiple && kind == ParamKind::Text {
                new_inits.extend(quote!(#f: vec![#f.into()],));
            } else {
                let store_f = match kind {
                    ParamKind::Bool(..) => quote!(#f),
                    _ => quote!(#f.into()),
                };
                new_inits.extend(quote!(#f: #store_f,));
            }
        } else {
            if p.multiple && kind == ParamKind::Text {
                new_inits.extend(quote!(#f: Vec::new(),));
                let bdoc = docs::attrs(&[format!("Adds a `{}` header (call again for more).", p.name)]);
                builders.extend(quote! {
                    #bdoc
                    pub fn #f(mut self, value: #arg_ty) -> Self { self.#f.push(#store); self }
                });
            } else {
                new_inits.extend(quote!(#f: None,));
                let bdoc = docs::attrs(&[format!("Sets the `{}` header.", p.name)]);
                builders.extend(quote! {
                    #bdoc
                    pub fn #f(mut self, value: #arg_ty) -> Self { self.#f = Some(#store); self }
                });
            }
        }
        writes.extend(write_stmt(p));
        if SECRET_PARAMS.contains(&p.name.to_ascii_lowercase().as_str()) {
            let fname = &p.ident;
            debug_fields.extend(quote!(.field(#fname, &"<redacted>")));
        } else {
            let fname = &p.ident;
            debug_fields.extend(quote!(.field(#fname, &self.#f)));
        }
    }
    let secret = a.params.iter().any(|p| SECRET_PARAMS.contains(&p.name.to_ascii_lowercase().as_str()));
    let mut derives = vec![quote!(Clone), quote!(PartialEq), quote!(Eq)];
    if !secret {
        derives.insert(0, quote!(Debug));
    }
    if !has_required {
        derives.push(quote!(Default));
    }
    let debug_impl = if secret {
        quote! {
            impl fmt::Debug for #ident {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.debug_struct(#name) #debug_fields .field("extra_headers", &self.extra_headers).finish()
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let new_doc = if has_required {
        docs::attrs(&["The action with its required parameters; set optional ones with the builder methods.".into()])
    } else {
        docs::attrs(&["The action with no parameters set.".into()])
    };
    let header_doc = if a.free_headers {
        "Adds a header of your own (the action takes any number)."
    } else {
        "Adds a header the documentation does not list (e.g. one a newer Asterisk accepts)."
    };
    let header_doc = docs::attrs(&[header_doc.to_string()]);
    let list_impl = match &a.list {
        Some(list) => {
            let item_ty = if list.items.len() == 1 {
                match spec.event(&list.items[0]) {
                    Some(e) => {
                        let e = format_ident!("{}", e.ident);
                        quote!(crate::events::#e)
                    }
                    None => quote!(crate::Event),
                }
            } else {
                quote!(crate::Event)
            };
            let items = &list.items;
            let complete = &list.complete;
            quote! {
                impl typed::ListAction for #ident {
                    type Item = #item_ty;
                    const ITEMS: &'static [&'static str] = &[#(#items),*];
                    const COMPLETE: &'static str = #complete;
                }
            }
        }
        None => TokenStream::new(),
    };
    let expects_response = if a.empty_answer {
        quote!(
            fn expects_response(&self) -> bool {
                false
            }
        )
    } else {
        TokenStream::new()
    };
    quote! {
        #enums
        #doc
        #[derive(#(#derives),*)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub struct #ident {
            #fields
            /// Further headers, sent after the documented ones.
            pub extra_headers: Vec<(String, String)>,
        }
        #debug_impl
        impl #ident {
            #new_doc
            pub fn new(#new_args) -> Self {
                Self { #new_inits extra_headers: Vec::new() }
            }
            #builders
            #header_doc
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.extra_headers.push((name.into(), value.into()));
                self
            }
        }
        impl Action for #ident {
            fn action_name(&self) -> &str { #name }
            fn write_params(&self, w: &mut ActionWriter<'_>) {
                #writes
                typed::put_extra(w, &self.extra_headers);
            }
            #expects_response
        }
        __ami_action!(#ident, #name, #index_lit);
        #list_impl
    }
}

/// The `actions` module body.
pub fn emit(spec: &Spec) -> TokenStream {
    let secret_used = spec
        .actions
        .iter()
        .any(|a| a.params.iter().any(|p| SECRET_PARAMS.contains(&p.name.to_ascii_lowercase().as_str())));
    let mut out = if secret_used {
        quote!(
            use std::fmt;
        )
    } else {
        TokenStream::new()
    };
    out.extend(quote! {
        use ami_core::typed;
        use ami_core::{Action, ActionWriter};
    });
    for (i, a) in spec.actions.iter().enumerate() {
        out.extend(emit_action(spec, a, i));
    }
    out
}
