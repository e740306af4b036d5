//! `ami actions` and `ami help <Action>`: what the generated metadata knows,
//! without connecting.

use ami_actions::meta;
use ami_actions::typed::{ActionInfo, ParamInfo};

use crate::failure::Failure;
use crate::output::{Format, Printer};
use crate::suggest;
use crate::validate;
use ami_actions::json;

/// Lists every action with its since-versions and the releases that have it.
pub fn actions(printer: &mut Printer) -> Result<(), Failure> {
    let mut out = Vec::new();
    match printer.format() {
        Format::Json => {
            json::write_array(&mut out, meta::ACTIONS, |out, a| {
                out.extend_from_slice(b"{\"name\":");
                json::write_str(out, a.name);
                out.extend_from_slice(b",\"since\":");
                json::write_str_array(out, a.since.iter().copied());
                out.extend_from_slice(b",\"releases\":");
                json::write_str_array(out, a.releases.iter().copied());
                out.push(b'}');
            });
            out.push(b'\n');
        }
        Format::Text => {
            let width = meta::ACTIONS.iter().map(|a| a.name.len()).max().unwrap_or(0);
            let since_width = meta::ACTIONS.iter().map(|a| a.since.join(", ").len()).max().unwrap_or(0);
            out.extend_from_slice(
                format!(
                    "{} actions. Releases covered: {} (\"all\" below).\n{:width$}  {:since_width$}  releases\n",
                    meta::ACTIONS.len(),
                    meta::RELEASES.join(", "),
                    "action",
                    "since",
                )
                .as_bytes(),
            );
            for a in meta::ACTIONS {
                let line =
                    format!("{:width$}  {:since_width$}  {}\n", a.name, a.since.join(", "), releases(a.releases));
                out.extend_from_slice(line.as_bytes());
            }
        }
    }
    printer.raw(&out).map_err(Failure::output)
}

/// Describes one action: parameters, what it answers with, releases.
pub fn help(printer: &mut Printer, name: &str) -> Result<(), Failure> {
    let Some(info) = meta::action(name) else {
        let close = suggest::closest(name, meta::ACTIONS.iter().map(|a| a.name), 3);
        return Err(Failure::usage(format!(
            "unknown action {name:?}{}; `ami actions` lists them all",
            suggest::did_you_mean(&close)
        )));
    };
    let out = match printer.format() {
        Format::Json => help_json(info),
        Format::Text => help_text(info).into_bytes(),
    };
    printer.raw(&out).map_err(Failure::output)
}

fn releases(r: &[&str]) -> String {
    if r == meta::RELEASES {
        "all".to_string()
    } else {
        r.join(", ")
    }
}

fn help_text(info: &ActionInfo) -> String {
    let mut s = format!("{} (since {}; releases: {})\n", info.name, info.since.join(", "), releases(info.releases));
    if !info.synopsis.is_empty() {
        s.push_str(&format!("{}\n", info.synopsis));
    }
    if !info.doc_url.is_empty() {
        s.push_str(&format!("{}\n", info.doc_url));
    }
    s.push('\n');
    if info.params.is_empty() {
        s.push_str("Parameters: none.\n");
    } else {
        s.push_str("Parameters (ActionID is set by the ami command):\n");
        let width = info.params.iter().map(|p| p.name.len()).max().unwrap_or(0);
        for p in info.params {
            let notes = param_notes(info, p);
            s.push_str(format!("  {:width$}  {}", p.name, notes.join("; ")).trim_end());
            s.push('\n');
        }
    }
    s.push('\n');
    match &info.list {
        Some(list) => {
            s.push_str(&format!("Answers with a list: {} event(s), then {}.\n", list.items.join(", "), list.complete));
            if !list.condition.is_empty() {
                s.push_str(&format!("  {}\n", list.condition));
            }
            s.push_str("  ami prints every item (--json: one array of the items).\n");
        }
        None if !info.expects_response => s.push_str(
            "Answers with a bare empty line, not a message (no Response, no ActionID):\n  \
             ami sends it and returns at once, printing nothing.\n",
        ),
        None => s.push_str("Answers with one response.\n"),
    }
    if !info.response_fields.is_empty() {
        s.push_str(&format!("  Its success carries: {}.\n", info.response_fields.join(", ")));
    }
    if let Some(event) = info.follow_up {
        s.push_str(&format!(
            "Then the server sends one {event} event with the same ActionID; ami waits for it and prints it.\n"
        ));
    }
    if info.name == "Command" {
        s.push_str("  ami prints the command's output lines as plain text (--json: the response).\n");
    }
    if info.name == "Originate" {
        s.push_str(
            "With Async=true the call's outcome comes later, in an OriginateResponse event\n\
             (Reason 0 failed, 1 hung up, 3 no answer, 4 answered, 5 busy, 8 congestion);\n\
             ami waits for it and exits 1 if the call failed (--no-wait: do not wait).\n",
        );
    }
    let required: Vec<String> = info.params.iter().filter(|p| p.required).map(|p| format!("{}=...", p.name)).collect();
    s.push_str(&format!("\nUsage: ami {} {}\n", info.name, required.join(" ")).replace(" \n", "\n"));
    s
}

fn param_notes(info: &ActionInfo, p: &ParamInfo) -> Vec<String> {
    let mut notes = Vec::new();
    if p.required {
        notes.push("required".to_string());
    }
    if p.multiple {
        notes.push("may repeat".to_string());
    }
    if let Some(d) = p.default {
        notes.push(format!("default {d}"));
    }
    match validate::closed_values(p) {
        Some(values) => notes.push(format!("one of: {}", values.join(", "))),
        None if !p.values.is_empty() => notes.push(format!("e.g. {}", p.values.join(", "))),
        None => {}
    }
    if let Some(n) = p.numbered {
        notes.push(format!("numbered ({}): one per {}, counting from 0", n.pattern(), n.group));
    }
    if p.free_headers {
        notes.push("stands for any header: ami sends every Key=Value as given".to_string());
    }
    if p.releases != info.releases {
        notes.push(format!("only in {}", p.releases.join(", ")));
    }
    notes
}

fn help_json(info: &ActionInfo) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"name\":");
    json::write_str(&mut out, info.name);
    out.extend_from_slice(b",\"since\":");
    json::write_str_array(&mut out, info.since.iter().copied());
    out.extend_from_slice(b",\"releases\":");
    json::write_str_array(&mut out, info.releases.iter().copied());
    out.extend_from_slice(b",\"doc_url\":");
    json::write_str(&mut out, info.doc_url);
    out.extend_from_slice(b",\"params\":[");
    for (i, p) in info.params.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"name\":");
        json::write_str(&mut out, p.name);
        out.extend_from_slice(
            format!(",\"required\":{},\"multiple\":{},\"default\":", p.required, p.multiple).as_bytes(),
        );
        match p.default {
            Some(d) => json::write_str(&mut out, d),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"values\":");
        json::write_str_array(&mut out, p.values.iter().copied());
        out.extend_from_slice(b",\"releases\":");
        json::write_str_array(&mut out, p.releases.iter().copied());
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"list\":");
    match &info.list {
        Some(l) => {
            out.extend_from_slice(b"{\"items\":");
            json::write_str_array(&mut out, l.items.iter().copied());
            out.extend_from_slice(b",\"complete\":");
            json::write_str(&mut out, l.complete);
            out.extend_from_slice(b",\"condition\":");
            json::write_str(&mut out, l.condition);
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"follow_up\":");
    match info.follow_up {
        Some(e) => json::write_str(&mut out, e),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"response_fields\":");
    json::write_str_array(&mut out, info.response_fields.iter().copied());
    out.extend_from_slice(format!(",\"expects_response\":{}", info.expects_response).as_bytes());
    out.extend_from_slice(b"}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_text_shows_parameters_and_answers() {
        let t = help_text(meta::action("Originate").unwrap());
        assert!(t.contains("Channel") && t.contains("required"), "{t}");
        assert!(t.contains("Variable") && t.contains("may repeat"));
        assert!(t.contains("default 30000"));
        assert!(t.contains("one of: true, false"));
        assert!(t.contains("OriginateResponse"));
        assert!(t.contains("Usage: ami Originate Channel=..."));
        let t = help_text(meta::action("CoreShowChannels").unwrap());
        assert!(t.contains("CoreShowChannel event(s), then CoreShowChannelsComplete"), "{t}");
    }

    #[test]
    fn help_text_names_lists_follow_ups_and_data_from_the_wire() {
        let t = help_text(meta::action("ConfbridgeList").unwrap());
        assert!(t.contains("ConfbridgeList event(s), then ConfbridgeListComplete"), "{t}");
        assert!(!t.contains("Answers with one response."), "{t}");
        let t = help_text(meta::action("FAXStats").unwrap());
        assert!(t.contains("Answers with one response.") && t.contains("one FAXStats event"), "{t}");
        let t = help_text(meta::action("WaitEvent").unwrap());
        assert!(t.contains("one WaitEventComplete event"), "{t}");
        let t = help_text(meta::action("IAXnetstats").unwrap());
        assert!(t.contains("bare empty line") && !t.contains("one response"), "{t}");
        let t = help_text(meta::action("Getvar").unwrap());
        assert!(t.contains("Its success carries: Variable, Value."), "{t}");
        // Every list names its item and completion events.
        for a in meta::ACTIONS {
            let t = help_text(a);
            if let Some(list) = &a.list {
                assert!(t.contains(list.complete) && list.items.iter().all(|i| t.contains(i)), "{t}");
            }
        }
    }

    #[test]
    fn help_json_parses() {
        let j = help_json(meta::action("Hangup").unwrap());
        let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
        assert_eq!(v["name"], "Hangup");
        assert_eq!(v["params"][0]["name"], "Channel");
        assert_eq!(v["params"][0]["required"], true);
        assert_eq!(v["list"]["complete"], "ChannelsHungupListComplete");
        assert_eq!(v["follow_up"], serde_json::Value::Null);
        assert_eq!(v["expects_response"], true);
        let v: serde_json::Value = serde_json::from_slice(&help_json(meta::action("FAXStats").unwrap())).unwrap();
        assert_eq!(v["follow_up"], "FAXStats");
        let v: serde_json::Value = serde_json::from_slice(&help_json(meta::action("CoreStatus").unwrap())).unwrap();
        assert_eq!(v["response_fields"][4], "CoreCurrentCalls");
        let v: serde_json::Value = serde_json::from_slice(&help_json(meta::action("IAXnetstats").unwrap())).unwrap();
        assert_eq!(v["expects_response"], false);
    }
}
