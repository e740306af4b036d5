//! Rust identifiers from AMI names: the one place that decides them.
//!
//! - Types keep the AMI spelling when it already is a Rust type name
//!   (`DBGet`, `PJSIPShowEndpoints`, `NewExten`), so the docs and the code
//!   read the same; other names go through heck (`AOC-D` -> `AocD`).
//! - Fields and methods are heck snake case, with the odd characters as
//!   word breaks (`Cause-txt` -> `cause_txt`, `UnitAmount(0)` ->
//!   `unit_amount_0`, `Action-000000` -> `action_000000`), keywords get a
//!   trailing underscore (`Async` -> `async_`, `Type` -> `type_`), and a
//!   leading digit gets an `n` (`100rel` -> `n100rel`).
//! - Enum variants are upper camel case from the value (`Dialing Offhook`
//!   -> `DialingOffhook`, `-2` -> `Minus2`, `1/1000` -> `V1_1000`).
//! - [`Scope`] hands out names within one namespace and never gives the
//!   same one twice: a clash gets a numeric suffix and is recorded.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::model::{ParamKind, Spec};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "gen",
];

fn is_plain_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

fn fix_start_and_keywords(mut s: String, digit_prefix: &str) -> String {
    if s.is_empty() {
        s = "unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A type name from an AMI action or event name.
pub fn type_name(ami: &str) -> String {
    if is_plain_type_name(ami) && ami != "Self" {
        return ami.to_string();
    }
    fix_start_and_keywords(ami.to_upper_camel_case(), "N")
}

/// A type name part from a parameter name (for enum types: owner + this).
pub fn type_part(ami: &str) -> String {
    if is_plain_type_name(ami) {
        return ami.to_string();
    }
    ami.to_upper_camel_case()
}

/// A field or method name from an AMI parameter or header name.
pub fn snake_name(ami: &str) -> String {
    fix_start_and_keywords(ami.to_snake_case(), "n")
}

/// An enum variant name from a documented value.
pub fn variant_name(value: &str) -> String {
    let mut s = String::new();
    let trimmed = value.trim();
    let negative = trimmed.starts_with('-') && trimmed[1..].starts_with(|c: char| c.is_ascii_digit());
    let mut prev_digit = false;
    for word in trimmed.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let camel = word.to_upper_camel_case();
        let camel = if camel.is_empty() { word.to_string() } else { camel };
        if prev_digit && camel.starts_with(|c: char| c.is_ascii_digit()) {
            s.push('_');
        }
        prev_digit = camel.ends_with(|c: char| c.is_ascii_digit());
        s.push_str(&camel);
    }
    if negative {
        s.insert_str(0, "Minus");
    }
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// Hands out unique identifiers within one namespace.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeMap<String, String>,
    /// `(wanted, given, what)` for every clash resolved by a suffix.
    pub clashes: Vec<(String, String, String)>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        let mut s = Scope::default();
        for r in reserved {
            s.taken.insert(r.to_string(), "(reserved)".into());
        }
        s
    }

    /// Takes `wanted`, or `wanted` + `alt` when taken, or a numbered form.
    pub fn claim_or(&mut self, wanted: &str, alt: &str, what: &str) -> String {
        if !self.taken.contains_key(wanted) {
            self.taken.insert(wanted.to_string(), what.to_string());
            return wanted.to_string();
        }
        let alt_name = format!("{wanted}{alt}");
        if !alt.is_empty() && !self.taken.contains_key(&alt_name) {
            self.taken.insert(alt_name.clone(), what.to_string());
            self.clashes.push((wanted.to_string(), alt_name.clone(), what.to_string()));
            return alt_name;
        }
        self.claim(wanted, what)
    }

    /// Takes `wanted`, or the first free `wanted2`, `wanted3`, ...
    pub fn claim(&mut self, wanted: &str, what: &str) -> String {
        if !self.taken.contains_key(wanted) {
            self.taken.insert(wanted.to_string(), what.to_string());
            return wanted.to_string();
        }
        let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        let given = (2..).map(|i| format!("{wanted}{sep}{i}")).find(|n| !self.taken.contains_key(n)).unwrap();
        self.taken.insert(given.clone(), what.to_string());
        self.clashes.push((wanted.to_string(), given.clone(), what.to_string()));
        given
    }
}

/// Names reserved on action types (constructor, escape hatch, trait methods).
pub const ACTION_RESERVED: &[&str] =
    &["new", "header", "extra_headers", "info", "action_name", "write_params", "action_id", "with_action_id"];
/// Names reserved on response types (raw access, trait methods).
pub const RESPONSE_RESERVED: &[&str] = &["response", "into_response", "message", "from_response", "info", "new"];
/// Names reserved on event types (raw access, trait methods).
pub const EVENT_RESERVED: &[&str] =
    &["message", "into_message", "from_message", "from_message_unchecked", "info", "new"];

/// Fills in every Rust identifier of the spec. Returns the clashes that
/// were resolved by renaming, as `(wanted, given, what)`.
pub fn assign(spec: &mut Spec) -> Vec<(String, String, String)> {
    let mut clashes = Vec::new();
    let mut action_types = Scope::default();
    for a in &mut spec.actions {
        a.ident = action_types.claim(&type_name(&a.name), &format!("action {}", a.name));
    }
    let mut event_types = Scope::with_reserved(&["Unknown", "Event"]);
    for s in &mut spec.shared_enums {
        s.ident = event_types.claim(&s.ident, &format!("shared enum {}", s.field));
        assign_variants(&mut s.values, &mut clashes, &s.ident);
    }
    for e in &mut spec.events {
        e.ident = event_types.claim(&type_name(&e.name), &format!("event {}", e.name));
    }
    for a in &mut spec.actions {
        let mut members = Scope::with_reserved(ACTION_RESERVED);
        // A choice's field and constructors first; its parameters live in
        // the enum's variants, a namespace of their own.
        if let Some(c) = &mut a.choice {
            c.field_ident = members.claim_or(&snake_name(&c.name), "_choice", &format!("{} choice", a.name));
            c.ident = action_types.claim(&format!("{}{}", a.ident, type_part(&c.name)), &format!("choice {}", a.name));
            let mut variants = Scope::default();
            for alt in &mut c.alternatives {
                alt.ctor_ident = members.claim(&snake_name(&alt.name), &format!("{} constructor", a.name));
                alt.ident = variants.claim(&type_part(&alt.name), &format!("{}::{}", c.ident, alt.name));
            }
        }
        // A numbered group: its `Vec` field and builder on the action, its
        // item type; its members are the item's fields, named by their stem.
        for g in &mut a.groups {
            let what = format!("{} group {}", a.name, g.name);
            g.field_ident = members.claim_or(&format!("{}s", snake_name(&g.name)), "_items", &what);
            g.method_ident = members.claim_or(&snake_name(&g.name), "_item", &what);
            g.ident = action_types.claim(&format!("{}{}", a.ident, type_part(&g.name)), &what);
            let mut item = Scope::with_reserved(&["new", "write"]);
            for p in a.params.iter_mut().filter(|p| g.params.contains(&p.name)) {
                let stem = p.numbered.as_ref().map_or(p.name.clone(), |n| n.stem.clone());
                p.ident = item.claim_or(&snake_name(&stem), "_param", &format!("{}.{}", g.ident, p.name));
                if p.kind() == ParamKind::Enum {
                    let wanted = format!("{}{}", a.ident, type_part(&stem));
                    p.enum_ident = action_types.claim(&wanted, &format!("enum {}.{}", a.name, p.name));
                    let id = p.enum_ident.clone();
                    assign_variants(&mut p.values, &mut clashes, &id);
                    if g.selector.is_none() && g.required.contains(&p.name) {
                        g.selector = Some(p.name.clone());
                        g.ctors = p
                            .values
                            .iter()
                            .map(|v| {
                                let ctor = item.claim(&snake_name(&v.ident), &format!("{} constructor", g.ident));
                                (v.name.clone(), ctor)
                            })
                            .collect();
                    }
                }
            }
            clashes.append(&mut item.clashes);
        }
        let choice = a.choice.clone();
        let groups = a.groups.clone();
        for p in &mut a.params {
            if groups.iter().any(|g| g.has(p)) {
                continue;
            }
            if choice.as_ref().is_some_and(|c| c.has(&p.name)) {
                p.ident = snake_name(&p.name);
                if p.kind() == ParamKind::Enum {
                    let wanted = format!("{}{}", a.ident, type_part(&p.name));
                    p.enum_ident = action_types.claim(&wanted, &format!("enum {}.{}", a.name, p.name));
                    let id = p.enum_ident.clone();
                    assign_variants(&mut p.values, &mut clashes, &id);
                }
                continue;
            }
            p.ident = members.claim_or(&snake_name(&p.name), "_param", &format!("{}.{}", a.name, p.name));
            if p.kind() == ParamKind::Enum {
                let wanted = format!("{}{}", a.ident, type_part(&p.name));
                p.enum_ident = action_types.claim(&wanted, &format!("enum {}.{}", a.name, p.name));
                let id = p.enum_ident.clone();
                assign_variants(&mut p.values, &mut clashes, &id);
            }
        }
        clashes.append(&mut members.clashes);
    }
    // Responses live in their own module, one per action, named like it.
    for a in &mut spec.actions {
        let Some(r) = &mut a.response else { continue };
        r.ident = a.ident.clone();
        let mut members = Scope::with_reserved(RESPONSE_RESERVED);
        for f in &mut r.fields {
            let wanted = f.ident_hint.clone().unwrap_or_else(|| snake_name(&f.name));
            f.ident = members.claim_or(&wanted, "_field", &format!("{} response.{}", a.name, f.name));
        }
        clashes.append(&mut members.clashes);
    }
    let shared: Vec<(String, String)> = spec.shared_enums.iter().map(|s| (s.field.clone(), s.ident.clone())).collect();
    for e in &mut spec.events {
        let mut members = Scope::with_reserved(EVENT_RESERVED);
        for p in &mut e.fields {
            p.ident = members.claim_or(&snake_name(&p.name), "_field", &format!("{}.{}", e.name, p.name));
            if p.kind() == ParamKind::Enum {
                if let Some(s) = &p.shared_enum {
                    p.enum_ident = shared.iter().find(|(f, _)| f == s).map(|(_, i)| i.clone()).unwrap_or_default();
                } else {
                    let wanted = format!("{}{}", e.ident, type_part(&p.name));
                    p.enum_ident = event_types.claim(&wanted, &format!("enum {}.{}", e.name, p.name));
                    let id = p.enum_ident.clone();
                    assign_variants(&mut p.values, &mut clashes, &id);
                }
            }
        }
        clashes.append(&mut members.clashes);
    }
    clashes.append(&mut action_types.clashes);
    clashes.append(&mut event_types.clashes);
    clashes
}

fn assign_variants(values: &mut [crate::model::EnumValue], clashes: &mut Vec<(String, String, String)>, owner: &str) {
    let mut scope = Scope::with_reserved(&["Other"]);
    for v in values {
        let wanted = v.ident_hint.clone().unwrap_or_else(|| variant_name(&v.name));
        v.ident = scope.claim_or(&wanted, "Value", &format!("{owner}::{}", v.name));
    }
    clashes.append(&mut scope.clashes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_names() {
        assert_eq!(snake_name("Async"), "async_");
        assert_eq!(snake_name("Type"), "type_");
        assert_eq!(snake_name("Match"), "match_");
        assert_eq!(snake_name("Cause-txt"), "cause_txt");
        assert_eq!(snake_name("UnitAmount(0)"), "unit_amount_0");
        assert_eq!(snake_name("Action-000000"), "action_000000");
        assert_eq!(snake_name("CID-CallingPres"), "cid_calling_pres");
        assert_eq!(snake_name("CallerIDNum"), "caller_id_num");
        assert_eq!(snake_name("100rel"), "n100rel");
        assert_eq!(snake_name("Content-Type"), "content_type");
        assert_eq!(type_name("DBGet"), "DBGet");
        assert_eq!(type_name("PJSIPShowEndpoints"), "PJSIPShowEndpoints");
        assert_eq!(type_name("AOC-D"), "AocD");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_part("Cause-txt"), "CauseTxt");
    }

    #[test]
    fn variants() {
        assert_eq!(variant_name("Dialing Offhook"), "DialingOffhook");
        assert_eq!(variant_name("Pre-ring"), "PreRing");
        assert_eq!(variant_name("-2"), "Minus2");
        assert_eq!(variant_name("1/1000"), "V1_1000");
        assert_eq!(variant_name("200(SR)"), "V200Sr");
        assert_eq!(variant_name("InUse&Ringing"), "InUseRinging");
        assert_eq!(variant_name("NO ANSWER"), "NoAnswer");
        assert_eq!(variant_name("G.711"), "G711");
        assert_eq!(variant_name("MD5"), "Md5");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn scope_never_repeats() {
        let mut s = Scope::with_reserved(&["message"]);
        assert_eq!(s.claim_or("message", "_field", "Message"), "message_field");
        assert_eq!(s.claim("bridge_id", "BridgeID"), "bridge_id");
        assert_eq!(s.claim("bridge_id", "BridgeId"), "bridge_id2");
        assert_eq!(s.claim("unit_0", "x"), "unit_0");
        assert_eq!(s.claim("unit_0", "y"), "unit_0_2");
        assert_eq!(s.clashes.len(), 3);
    }
}
