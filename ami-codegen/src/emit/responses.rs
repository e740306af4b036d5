//! One struct per action whose success carries data: a typed view over the
//! `Response`, an accessor per header (or family of headers) the server
//! sends, each one call into `ami_core::typed`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::model::{Action, Origin, ResponseShape, ResponseSpec, Spec};

fn response_doc(spec: &Spec, a: &Action, r: &ResponseSpec) -> Vec<String> {
    let mut l = vec![
        format!(
            "The response to [`{}`](crate::actions::{}): a typed view of the headers its success carries.",
            a.name, a.ident
        ),
        String::new(),
    ];
    match r.origin {
        Origin::Xml => {}
        Origin::Fixup(f) => l.push(format!(
            "- Asterisk's XML documents no response headers: these are the ones a 22.10.1 server sent (fixup `{f}`)."
        )),
    }
    l.push(format!(
        "- From a [`Response`]: `response.typed_for(&action)` or `response.typed::<responses::{}>()` \
         ([`ResponseExt`](crate::list::ResponseExt)).",
        r.ident
    ));
    if let Some(n) = docs::releases_note(spec, a.releases) {
        l.push(format!("- {n}"));
    }
    l.push("- Every header, listed or not, stays reachable through `response()` and `message()`.".into());
    l
}

/// Tokens for one response type.
pub fn emit_response(spec: &Spec, a: &Action, r: &ResponseSpec) -> TokenStream {
    let ident = format_ident!("{}", r.ident);
    let name = &a.name;
    let doc = docs::attrs(&response_doc(spec, a, r));
    let mut accessors = TokenStream::new();
    let mut numbered: Option<String> = None;
    for f in &r.fields {
        let m = format_ident!("{}", f.ident);
        let key = &f.name;
        let (lines, body) = match &f.shape {
            ResponseShape::One => (
                vec![format!("`{key}` header.")],
                quote!(pub fn #m(&self) -> Option<Cow<'_, str>> { typed::field(self.response.message(), #key) }),
            ),
            ResponseShape::Flag => (
                vec![format!("`{key}` header, read as yes or no (`None` when missing or neither).")],
                quote!(pub fn #m(&self) -> Option<bool> { typed::bool_field(self.response.message(), #key) }),
            ),
            ResponseShape::Repeated => (
                vec![format!("Every `{key}` header, in order.")],
                quote!(pub fn #m(&self) -> Vec<Cow<'_, str>> { typed::fields(self.response.message(), #key) }),
            ),
            ResponseShape::Numbered => {
                numbered = Some(f.ident.clone());
                (
                    vec![format!("The numbered `{key}-NNNNNN` headers (`{key}-000000`, `{key}-000001`...), in order.")],
                    quote!(pub fn #m(&self) -> Vec<Cow<'_, str>> { typed::numbered(self.response.message(), #key) }),
                )
            }
            ResponseShape::NumberedWithin => {
                let of = match &numbered {
                    Some(n) => format!("entry `index` of [`{n}`](Self::{n})"),
                    None => "entry `index`".to_string(),
                };
                (
                    vec![format!("The `{key}-NNNNNN-NNNNNN` headers of {of}, in order.")],
                    quote!(pub fn #m(&self, index: usize) -> Vec<Cow<'_, str>> {
                        typed::numbered_within(self.response.message(), #key, index)
                    }),
                )
            }
            ResponseShape::Grouped(member) => (
                vec![format!("Each `{key}` header with the `{member}` headers that follow it, in order.")],
                quote!(pub fn #m(&self) -> Vec<(Cow<'_, str>, Vec<Cow<'_, str>>)> {
                    typed::grouped(self.response.message(), #key, #member)
                }),
            ),
            ResponseShape::Others => (
                vec![format!(
                    "Every header but `Response`, `ActionID` and `Message`, as `(name, value)` in order (one per {}).",
                    key.to_ascii_lowercase()
                )],
                quote!(pub fn #m(&self) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
                    typed::other_fields(self.response.message())
                }),
            ),
        };
        let fdoc = docs::attrs(&lines);
        accessors.extend(quote!(#fdoc #body));
    }
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct #ident {
            response: Response,
        }
        impl #ident {
            #accessors
        }
        __ami_response!(#ident, #name);
    }
}

/// The `responses` module body.
pub fn emit(spec: &Spec) -> TokenStream {
    let with: Vec<(&Action, &ResponseSpec)> =
        spec.actions.iter().filter_map(|a| a.response.as_ref().map(|r| (a, r))).collect();
    if with.is_empty() {
        return TokenStream::new();
    }
    let text_used = with.iter().any(|(_, r)| r.fields.iter().any(|f| f.shape != ResponseShape::Flag));
    let mut out = if text_used {
        quote!(
            use std::borrow::Cow;
        )
    } else {
        TokenStream::new()
    };
    out.extend(quote! {
        use ami_core::typed;
        use ami_core::Response;
    });
    for (a, r) in with {
        out.extend(emit_response(spec, a, r));
    }
    out
}
