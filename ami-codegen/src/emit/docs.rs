//! Rustdoc text: AMI names, since-versions, releases, classes, links.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Origin, Param, ParamKind, Releases, Spec};

/// `#[doc = " line"]` attributes, one per line.
pub fn attrs(lines: &[String]) -> TokenStream {
    let mut out = TokenStream::new();
    for l in lines {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        out.extend(quote!(#[doc = #text]));
    }
    out
}

/// Splits prose into lines.
pub fn prose_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_string()).collect()
}

/// Which releases of this build have an item, when that is not every one.
pub fn releases_note(spec: &Spec, set: Releases) -> Option<String> {
    if spec.releases.len() <= 1 {
        return None;
    }
    let names = |s: Releases| s.indices().map(|i| spec.releases[i].as_str()).collect::<Vec<_>>().join(", ");
    if set.covers(spec.all_releases()) {
        Some(format!("Releases: all this build covers ({}).", names(set)))
    } else {
        let missing = Releases(spec.all_releases().0 & !set.0);
        Some(format!("Releases: only {} (not in {}).", names(set), names(missing)))
    }
}

/// `Asterisk_22_Documentation` style folder for a release label.
fn doc_folder(spec: &Spec, set: Releases) -> String {
    let newest = spec.releases.len().saturating_sub(1);
    if set.has(newest) || spec.releases.is_empty() {
        return "Latest_API".into();
    }
    let label = set.indices().last().map(|i| spec.releases[i].as_str()).unwrap_or("");
    match label.split('.').next().filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit())) {
        Some(major) => format!("Asterisk_{major}_Documentation"),
        None => "Latest_API".into(),
    }
}

/// The docs.asterisk.org page of an action or event.
pub fn doc_url(spec: &Spec, section: &str, name: &str, set: Releases) -> String {
    format!("https://docs.asterisk.org/{}/API_Documentation/{section}/{name}/", doc_folder(spec, set))
}

/// `EVENT_FLAG_CALL` -> `call`.
pub fn class_name(flag: &str) -> String {
    flag.strip_prefix("EVENT_FLAG_").unwrap_or(flag).to_ascii_lowercase()
}

/// Facts about one parameter or header, as doc lines.
pub fn param_lines(spec: &Spec, owner: Releases, p: &Param, is_action: bool, enum_path: &str) -> Vec<String> {
    let mut facts = vec![format!("`{}` header", p.wire_pattern())];
    if is_action {
        facts.push(if p.required { "required".into() } else { "optional".into() });
    }
    if p.numbered.is_some() {
        facts.push("numbered by the item's position".into());
    }
    if p.multiple {
        facts.push("may repeat".into());
    }
    let mut lines = vec![format!("{}.", facts.join(", "))];
    if let Some(d) = &p.default {
        lines.push(format!("Default: `{d}`."));
    }
    match p.kind() {
        ParamKind::Bool(t, f) => lines.push(format!("Sent and read as `{t}` / `{f}`.")),
        ParamKind::Enum => {
            let vals: Vec<String> = p.values.iter().map(|v| format!("`{}`", v.name)).collect();
            lines.push(format!("Values ({}): {}.", enum_path, vals.join(", ")));
        }
        ParamKind::Text => {}
    }
    if !owner.covers(p.releases) || p.releases != owner {
        if let Some(r) = releases_note(spec, p.releases) {
            lines.push(r);
        }
    }
    lines.extend(p.notes.iter().cloned());
    if let Some(d) = &p.doc {
        lines.push(String::new());
        lines.extend(prose_lines(d));
    }
    lines
}

/// Common trailer: since, releases, page.
pub fn item_facts(spec: &Spec, since: &[String], set: Releases, url: Option<String>) -> Vec<String> {
    let mut l = Vec::new();
    if !since.is_empty() {
        l.push(format!("- Since: {}", since.join(", ")));
    }
    if let Some(r) = releases_note(spec, set) {
        l.push(format!("- {r}"));
    }
    if let Some(u) = url {
        l.push(format!("- Asterisk documentation: <{u}>"));
    }
    l
}

/// Whether an item comes from the XML (and so has a page upstream).
pub fn has_page(origin: &Origin) -> bool {
    *origin == Origin::Xml
}
