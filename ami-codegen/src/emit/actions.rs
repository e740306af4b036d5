//! One struct per action: required parameters are `new` arguments, optional
//! ones builder methods, repeated ones `Vec`s filled by repeated calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::enums::emit_enum;
use crate::model::{Action, Choice, NumberedGroup, Numbering, Param, ParamKind, Spec};

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
    if let Some(c) = &a.choice {
        l.push(choice_doc(a, c));
    }
    for n in &a.notes {
        l.push(format!("- {n}"));
    }
    l
}

/// The struct doc line about a choice: its constructors.
fn choice_doc(a: &Action, c: &Choice) -> String {
    let ctors: Vec<String> = c
        .alternatives
        .iter()
        .map(|alt| {
            let params: Vec<String> = alt.params.iter().map(|p| format!("`{p}`")).collect();
            format!("[`{}::{}`](Self::{}) ({})", a.ident, alt.ctor_ident, alt.ctor_ident, params.join(", "))
        })
        .collect();
    let origin = match c.origin {
        crate::model::Origin::Fixup(f) => format!(" (fixup `{f}`)"),
        crate::model::Origin::Xml => String::new(),
    };
    format!(
        "- Its {} is required: build it with {}, or [`new`](Self::new) with the [`{}`]{origin}.",
        c.name,
        ctors.join(" or "),
        c.ident
    )
}

/// Why an action is deprecated: the newest release this build covers no
/// longer has it. Names the release that removed it (the first covered
/// release after the last one that has it) and those that still have it.
/// `None` when the newest release has it, or the build covers one release.
pub fn removed_in(spec: &Spec, a: &Action) -> Option<String> {
    let newest = spec.releases.len().checked_sub(1)?;
    if newest == 0 || a.releases.has(newest) {
        return None;
    }
    let last = a.releases.indices().last()?;
    let removed = spec.releases.get(last + 1)?;
    let major = removed.split('.').next().filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
    let gone: Vec<&str> = (last + 1..spec.releases.len()).map(|i| spec.releases[i].as_str()).collect();
    let kept: Vec<&str> = a.releases.indices().map(|i| spec.releases[i].as_str()).collect();
    Some(format!(
        "Asterisk {} removed the {} action (not in {}); it still works with servers that have it ({})",
        major.unwrap_or(removed),
        a.name,
        gone.join(", "),
        kept.join(", ")
    ))
}

/// How to write one parameter's value `v` (an expression of the stored
/// type, by reference for text and enums).
fn write_value(p: &Param, v: TokenStream) -> TokenStream {
    let key = &p.name;
    match p.kind() {
        ParamKind::Text => quote!(w.header(#key, #v);),
        ParamKind::Bool(t, n) => quote!(typed::put_bool(w, #key, Some(*#v), #t, #n);),
        ParamKind::Enum => quote!(w.header(#key, #v.as_str());),
    }
}

/// A choice's enum, its constructors on the action, and how it is written.
struct ChoiceTokens {
    /// The enum.
    item: TokenStream,
    /// One constructor per alternative (inside `impl Action`).
    ctors: TokenStream,
    /// The `match` that writes the chosen group.
    write: TokenStream,
}

fn emit_choice(spec: &Spec, a: &Action, c: &Choice, required: &[(TokenStream, TokenStream)]) -> ChoiceTokens {
    let ty = format_ident!("{}", c.ident);
    let field = format_ident!("{}", c.field_ident);
    let param = |name: &str| a.params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).expect("checked by the fixup");
    let mut variants = TokenStream::new();
    let mut ctors = TokenStream::new();
    let mut arms = TokenStream::new();
    for alt in &c.alternatives {
        let variant = format_ident!("{}", alt.ident);
        let ctor = format_ident!("{}", alt.ctor_ident);
        let params: Vec<&Param> = alt.params.iter().map(|n| param(n)).collect();
        let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
        let mut vfields = TokenStream::new();
        let mut args = TokenStream::new();
        let mut inits = TokenStream::new();
        let mut writes = TokenStream::new();
        let idents: Vec<_> = params.iter().map(|p| format_ident!("{}", p.ident)).collect();
        for (p, f) in params.iter().zip(&idents) {
            let required = Param { required: true, ..(*p).clone() };
            let enum_path = format!("[`{}`]", p.enum_ident);
            let pdoc = docs::attrs(&docs::param_lines(spec, a.releases, &required, true, &enum_path));
            let fty = field_type(&required);
            vfields.extend(quote!(#pdoc #f: #fty,));
            let (arg_ty, _) = arg(p);
            args.extend(quote!(#f: #arg_ty,));
            inits.extend(match p.kind() {
                ParamKind::Bool(..) => quote!(#f,),
                _ => quote!(#f: #f.into(),),
            });
            writes.extend(write_value(p, quote!(#f)));
        }
        let vdoc = docs::attrs(&[format!(
            "{} ({}): [`{}::{}`].",
            capitalise(&alt.doc),
            names.join(", "),
            a.ident,
            alt.ctor_ident
        )]);
        variants.extend(quote!(#vdoc #variant { #vfields },));
        arms.extend(quote!(#ty::#variant { #(#idents),* } => { #writes }));
        let call: Vec<TokenStream> = required.iter().map(|(f, _)| f.clone()).collect();
        let req_args: Vec<TokenStream> = required.iter().map(|(f, t)| quote!(#f: #t)).collect();
        let cdoc = docs::attrs(&[format!(
            "An `{}` {} ({}), with its other required parameters first.",
            a.name,
            alt.doc,
            names.join(", ")
        )]);
        ctors.extend(quote! {
            #cdoc
            pub fn #ctor(#(#req_args,)* #args) -> Self {
                Self::new(#(#call,)* #ty::#variant { #inits })
            }
        });
    }
    let mut edoc = vec![format!("The {} of [`{}`]: one of these is needed.", c.name, a.ident)];
    if let crate::model::Origin::Fixup(f) = c.origin {
        edoc.push(String::new());
        edoc.push(format!("Asterisk's XML marks these parameters optional (fixup `{f}`)."));
    }
    let edoc = docs::attrs(&edoc);
    ChoiceTokens {
        item: quote! {
            #edoc
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
            pub enum #ty { #variants }
        },
        ctors,
        write: quote!(match &self.#field { #arms }),
    }
}

/// A numbered group's item type, and what the action holds and writes.
struct GroupTokens {
    /// The item struct, its constructors, builders and `write`.
    item: TokenStream,
    /// The action's `Vec` field.
    field: TokenStream,
    /// The action's builder method adding one item.
    builder: TokenStream,
    /// The action's `write_params` statement.
    write: TokenStream,
}

fn emit_group(spec: &Spec, a: &Action, g: &NumberedGroup) -> GroupTokens {
    let ty = format_ident!("{}", g.ident);
    let field = format_ident!("{}", g.field_ident);
    let method = format_ident!("{}", g.method_ident);
    let numbering = match g.numbering {
        Numbering::Dashed => quote!(typed::Numbering::Dashed),
        Numbering::Parenthesised => quote!(typed::Numbering::Parenthesised),
    };
    // Members as the item holds them: required in every item when the group says so.
    let members: Vec<Param> = a
        .params
        .iter()
        .filter(|p| g.has(p))
        .map(|p| Param { required: g.required.contains(&p.name), multiple: false, ..p.clone() })
        .collect();
    let mut fields = TokenStream::new();
    let mut new_args = Vec::new();
    let mut new_inits = TokenStream::new();
    let mut builders = TokenStream::new();
    let mut writes = TokenStream::new();
    let mut debug_fields = TokenStream::new();
    let name = &a.name;
    for p in &members {
        let f = format_ident!("{}", p.ident);
        let enum_path = format!("[`{}`]", p.enum_ident);
        let pdoc = docs::attrs(&docs::param_lines(spec, a.releases, p, true, &enum_path));
        let fty = field_type(p);
        fields.extend(quote!(#pdoc pub #f: #fty,));
        let (arg_ty, store) = arg(p);
        let stem = p.numbered.as_ref().map_or(p.name.as_str(), |n| n.stem.as_str());
        if p.required {
            new_args.push(quote!(#f: #arg_ty));
            new_inits.extend(match p.kind() {
                ParamKind::Bool(..) => quote!(#f,),
                _ => quote!(#f: #f.into(),),
            });
        } else {
            new_inits.extend(quote!(#f: None,));
            let bdoc = docs::attrs(&[format!("Sets `{}` for this item.", p.wire_pattern())]);
            builders.extend(quote! {
                #bdoc
                pub fn #f(mut self, value: #arg_ty) -> Self { self.#f = Some(#store); self }
            });
        }
        let value = match (p.kind(), p.required) {
            (ParamKind::Text, true) => quote!(Some(&self.#f)),
            (ParamKind::Text, false) => quote!(self.#f.as_deref()),
            (ParamKind::Enum, true) => quote!(Some(self.#f.as_str())),
            (ParamKind::Enum, false) => {
                let e = format_ident!("{}", p.enum_ident);
                quote!(self.#f.as_ref().map(#e::as_str))
            }
            (ParamKind::Bool(t, n), true) => quote!(Some(if self.#f { #t } else { #n })),
            (ParamKind::Bool(t, n), false) => quote!(self.#f.map(|v| if v { #t } else { #n })),
        };
        writes.extend(quote!(typed::put_numbered(w, #stem, #numbering, n, #value);));
        let (fname, pname) = (&p.ident, &p.name);
        debug_fields.extend(quote!(.field(#fname, typed::shown(#name, #pname, &self.#f))));
    }
    // One constructor per value of the selector, taking the other required members.
    let mut ctors = TokenStream::new();
    if let Some(sel) = members.iter().find(|p| Some(&p.name) == g.selector.as_ref()) {
        let e = format_ident!("{}", sel.enum_ident);
        for (value, ctor) in &g.ctors {
            let Some(v) = sel.values.iter().find(|v| &v.name == value) else { continue };
            let variant = format_ident!("{}", v.ident);
            let ctor = format_ident!("{}", ctor);
            let others: Vec<&Param> = members.iter().filter(|p| p.required && p.name != sel.name).collect();
            let args: Vec<TokenStream> = others
                .iter()
                .map(|p| {
                    let f = format_ident!("{}", p.ident);
                    let t = arg(p).0;
                    quote!(#f: #t)
                })
                .collect();
            let call: Vec<TokenStream> = members
                .iter()
                .filter(|p| p.required)
                .map(|p| {
                    let f = format_ident!("{}", p.ident);
                    if p.name == sel.name {
                        quote!(#e::#variant)
                    } else {
                        quote!(#f)
                    }
                })
                .collect();
            let cdoc = docs::attrs(&[format!("An item with `{}: {value}`.", sel.wire_pattern())]);
            ctors.extend(quote! {
                #cdoc
                pub fn #ctor(#(#args),*) -> Self { Self::new(#(#call),*) }
            });
        }
    }
    let origin = match g.origin {
        crate::model::Origin::Fixup(f) => format!(" (fixup `{f}`)"),
        crate::model::Origin::Xml => String::new(),
    };
    let patterns: Vec<String> = members.iter().map(|p| format!("`{}`", p.wire_pattern())).collect();
    let idoc = docs::attrs(&[
        format!("One {} of [`{}`]: add it with [`{}::{}`].", g.name, a.ident, a.ident, g.method_ident),
        String::new(),
        format!(
            "Item `n` (counting from 0 in the order added) is sent as {}, each numbered `n`{origin}.",
            patterns.join(", ")
        ),
    ]);
    let item = quote! {
        #idoc
        #[derive(Clone, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub struct #ty { #fields }
        impl fmt::Debug for #ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!(#ty)) #debug_fields .finish()
            }
        }
        impl #ty {
            /// The item with its required members; set the others with the builder methods.
            pub fn new(#(#new_args),*) -> Self { Self { #new_inits } }
            #ctors
            #builders
            fn write(&self, w: &mut ActionWriter<'_>, n: usize) { #writes }
        }
    };
    let fdoc = docs::attrs(&[format!("The {}s, sent numbered in this order: see [`{}`].", g.name, g.ident)]);
    let bdoc = docs::attrs(&[format!("Adds one {} (call again for more; numbered in order).", g.name)]);
    GroupTokens {
        item,
        field: quote!(#fdoc pub #field: Vec<#ty>,),
        builder: quote! {
            #bdoc
            pub fn #method(mut self, item: #ty) -> Self { self.#field.push(item); self }
        },
        write: quote!(for (n, item) in self.#field.iter().enumerate() { item.write(w, n); }),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
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
    // A choice: its enum, its constructors (they take every required
    // parameter, as `new` does, then the group's), and how it is written.
    let in_choice = |p: &Param| a.choice.as_ref().is_some_and(|c| c.has(&p.name));
    let required: Vec<(TokenStream, TokenStream)> = a
        .params
        .iter()
        .filter(|p| p.required && !in_choice(p))
        .map(|p| {
            let f = format_ident!("{}", p.ident);
            (quote!(#f), arg(p).0)
        })
        .collect();
    let mut chosen = a.choice.as_ref().map(|c| (c, emit_choice(spec, a, c, &required)));
    let mut choice_write = chosen.as_mut().map(|(_, t)| std::mem::take(&mut t.write));
    let mut groups_done: Vec<&str> = Vec::new();
    for p in &a.params {
        if p.free_headers {
            // Any header: `header(name, value)`, no field of its own.
            continue;
        }
        if let Some(g) = a.groups.iter().find(|g| g.has(p)) {
            if p.kind() == ParamKind::Enum {
                let edoc = vec![format!("Values of the `{}` member of [`{}`].", p.wire_pattern(), g.ident)];
                enums.extend(emit_enum(&p.enum_ident, &edoc, &p.values));
            }
            // The whole group goes where its first parameter would have.
            if !groups_done.contains(&g.name.as_str()) {
                groups_done.push(&g.name);
                let t = emit_group(spec, a, g);
                enums.extend(t.item);
                fields.extend(t.field);
                let fi = format_ident!("{}", g.field_ident);
                new_inits.extend(quote!(#fi: Vec::new(),));
                builders.extend(t.builder);
                writes.extend(t.write);
                let fname = &g.field_ident;
                debug_fields.extend(quote!(.field(#fname, &self.#fi)));
            }
            continue;
        }
        let f = format_ident!("{}", p.ident);
        let ty = field_type(p);
        let kind = p.kind();
        if kind == ParamKind::Enum {
            let edoc = vec![format!("Values of the `{}` parameter of [`{}`].", p.name, a.ident)];
            enums.extend(emit_enum(&p.enum_ident, &edoc, &p.values));
        }
        if let Some((c, _)) = chosen.as_ref().filter(|_| in_choice(p)) {
            // The whole group goes where its first parameter would have.
            if let Some(write) = choice_write.take() {
                let cf = format_ident!("{}", c.field_ident);
                let cty = format_ident!("{}", c.ident);
                let cdoc = docs::attrs(&[format!("The {}: see [`{}`].", c.name, c.ident)]);
                fields.extend(quote!(#cdoc pub #cf: #cty,));
                let fname = &c.field_ident;
                debug_fields.extend(quote!(.field(#fname, &self.#cf)));
                writes.extend(write);
            }
            continue;
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
        // Secrets are hidden by ami-core's one policy, at run time.
        let (fname, pname) = (&p.ident, &p.name);
        debug_fields.extend(quote!(.field(#fname, typed::shown(#name, #pname, &self.#f))));
    }
    // The choice's argument comes last in `new`.
    let mut ctors = TokenStream::new();
    if let Some((c, tokens)) = chosen {
        has_required = true;
        let cf = format_ident!("{}", c.field_ident);
        let cty = format_ident!("{}", c.ident);
        new_args.extend(quote!(#cf: #cty,));
        new_inits.extend(quote!(#cf,));
        enums.extend(tokens.item);
        ctors = tokens.ctors;
    }
    // An action the newest release removed: deprecated for users, not for
    // the code generated around it.
    let (deprecated, allow) = match removed_in(spec, a) {
        Some(note) => (quote!(#[deprecated(note = #note)]), quote!(#[allow(deprecated)])),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let mut derives = vec![quote!(Clone), quote!(PartialEq), quote!(Eq)];
    if !has_required {
        derives.push(quote!(Default));
    }
    let debug_impl = quote! {
        #allow
        impl fmt::Debug for #ident {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(#name) #debug_fields .field("extra_headers", &self.extra_headers).finish()
            }
        }
    };
    let new_doc = if has_required {
        docs::attrs(&["The action with its required parameters; set optional ones with the builder methods.".into()])
    } else {
        docs::attrs(&["The action with no parameters set.".into()])
    };
    let header_doc = if a.params.iter().any(|p| p.free_headers) {
        "Adds a header of your own (the action takes any number): custom headers go through this method."
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
                #allow
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
        #deprecated
        #[derive(#(#derives),*)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub struct #ident {
            #fields
            /// Further headers, sent after the documented ones.
            pub extra_headers: Vec<(String, String)>,
        }
        #debug_impl
        #allow
        impl #ident {
            #new_doc
            pub fn new(#new_args) -> Self {
                Self { #new_inits extra_headers: Vec::new() }
            }
            #ctors
            #builders
            #header_doc
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.extra_headers.push((name.into(), value.into()));
                self
            }
        }
        #allow
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
    let mut out = quote!(
        use std::fmt;
    );
    out.extend(quote! {
        use ami_core::typed;
        use ami_core::{Action, ActionWriter};
    });
    for (i, a) in spec.actions.iter().enumerate() {
        out.extend(emit_action(spec, a, i));
    }
    out
}
