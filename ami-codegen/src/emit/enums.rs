//! Enumerated parameters: one Rust enum each, with an `Other` escape for
//! values a newer server sends.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use crate::model::EnumValue;

/// Tokens for one enum.
pub fn emit_enum(ident: &str, doc: &[String], values: &[EnumValue]) -> TokenStream {
    let ty = format_ident!("{}", ident);
    let mut doc = doc.to_vec();
    doc.push(String::new());
    doc.push("Unknown values are kept in `Other`; matching is ASCII case-insensitive.".into());
    let doc = docs::attrs(&doc);
    let mut variants = TokenStream::new();
    let mut as_str = TokenStream::new();
    let mut from = TokenStream::new();
    let names: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    for (i, v) in values.iter().enumerate() {
        let var = format_ident!("{}", v.ident);
        let wire = &v.name;
        let mut vdoc = vec![format!("`{wire}`")];
        if let Some(d) = &v.doc {
            vdoc[0].push_str(": ");
            let mut lines = docs::prose_lines(d);
            if !lines.is_empty() {
                vdoc[0].push_str(&lines.remove(0));
            }
            vdoc.extend(lines);
        }
        let vdoc = docs::attrs(&vdoc);
        variants.extend(quote!(#vdoc #var,));
        as_str.extend(quote!(#ty::#var => #wire,));
        let idx = Literal::usize_unsuffixed(i);
        from.extend(quote!(Some(#idx) => #ty::#var,));
    }
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ty {
            #variants
            /// A value not documented here, as sent.
            Other(String),
        }
        impl #ty {
            /// The documented values, as sent on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#names),*];
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #as_str
                    #ty::Other(s) => s,
                }
            }
        }
        impl From<&str> for #ty {
            fn from(value: &str) -> Self {
                match typed::enum_index(value, Self::VALUES) {
                    #from
                    _ => #ty::Other(value.to_string()),
                }
            }
        }
        __ami_enum!(#ty);
    }
}
