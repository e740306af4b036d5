//! Checks an action typed on the command line against the generated
//! metadata (`ami_actions::meta`) and builds it, before any connection is
//! made: unknown action or parameter (with suggestions), missing required
//! parameter, a parameter given twice that may not repeat, a value outside
//! an enumeration, and anything the server would refuse or cut (CR, LF,
//! NUL, over-long lines, too many lines).

use ami_actions::ami_core::encode_action;
use ami_actions::meta;
use ami_actions::typed::{parse_bool, ActionInfo, ParamInfo, ParamKind};
use ami_actions::RawAction;

use crate::args::SendArgs;
use crate::failure::Failure;
use crate::suggest;

/// A checked action, ready to send.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The action, with the documented spelling of its name and parameters.
    pub action: RawAction,
    /// Its metadata (`None` for an unknown action sent with `--raw`).
    pub info: Option<&'static ActionInfo>,
}

/// Actions the command does itself.
const OWN_ACTIONS: &[&str] = &["Login", "Challenge"];

/// Checks `args` and builds the action. With `--raw`, the name and the
/// parameters are taken as typed and only what could not be sent safely is
/// refused.
pub fn check(args: &SendArgs) -> Result<Checked, Failure> {
    let info = meta::action(&args.action);
    if let Some(own) = OWN_ACTIONS.iter().find(|a| a.eq_ignore_ascii_case(&args.action)) {
        if !args.raw {
            return Err(Failure::usage(format!(
                "{own} is done by the ami command itself: give --user, --md5 and AMI_SECRET or --secret-file"
            )));
        }
    }
    // The ActionID is the client's (unique per connection), raw or not.
    if args.params.iter().any(|(k, _)| k.eq_ignore_ascii_case("ActionID")) {
        return Err(Failure::usage("ActionID is set by the ami command (each connection gets unique ones)"));
    }
    let mut checked = match (info, args.raw) {
        (_, true) => {
            let name = info.map_or(args.action.as_str(), |i| i.name);
            let mut action = RawAction::new(name);
            for (k, v) in &args.params {
                action.push(k.as_str(), v.as_str());
            }
            Checked { action, info }
        }
        (None, false) => {
            let close = suggest::closest(&args.action, meta::ACTIONS.iter().map(|a| a.name), 3);
            return Err(Failure::usage(format!(
                "unknown action {:?}{}; `ami actions` lists them all, --raw sends it anyway",
                args.action,
                suggest::did_you_mean(&close)
            )));
        }
        (Some(info), false) => Checked { action: build(info, &args.params)?, info: Some(info) },
    };
    // An action answered by a bare empty line (IAXnetstats) is not waited for.
    if checked.info.is_some_and(|i| !i.expects_response) {
        checked.action = checked.action.no_response();
    }
    // What the server would refuse or cut, checked before connecting: the
    // client's ActionID takes one line of about this length.
    let mut wire = Vec::new();
    encode_action(&checked.action, Some("0123456789abcdef-1"), &mut wire)
        .map_err(|e| Failure::usage(format!("cannot send {}: {e}", checked.action.name())))?;
    Ok(checked)
}

fn build(info: &'static ActionInfo, params: &[(String, String)]) -> Result<RawAction, Failure> {
    let mut action = RawAction::new(info.name);
    let mut seen: Vec<&'static str> = Vec::new();
    // Numbered members already given, with their item number.
    let mut numbered_seen: Vec<(&'static str, usize)> = Vec::new();
    let free_headers = info.takes_free_headers();
    for (key, value) in params {
        let Some((param, number)) = find_param(info, key) else {
            if free_headers {
                action.push(key.as_str(), value.as_str());
                continue;
            }
            let close = suggest::closest(key, info.params.iter().map(|p| p.name), 3);
            return Err(Failure::usage(format!(
                "{} has no parameter {key:?}{}; `ami help {}` lists them, --raw sends it anyway",
                info.name,
                suggest::did_you_mean(&close),
                info.name
            )));
        };
        // A numbered member keeps the number typed; others take the documented spelling.
        let key = match (param.numbered, number) {
            (Some(n), Some(i)) => {
                if numbered_seen.contains(&(param.name, i)) {
                    return Err(Failure::usage(format!("{} given twice", n.header(i))));
                }
                numbered_seen.push((param.name, i));
                n.header(i)
            }
            _ => param.name.to_string(),
        };
        if seen.contains(&param.name) {
            if !param.multiple && param.numbered.is_none() {
                return Err(Failure::usage(format!(
                    "{} given twice; only {} may repeat",
                    param.name,
                    repeatable(info)
                )));
            }
        } else {
            seen.push(param.name);
        }
        check_value(info, param, value)?;
        action.push(key, value.as_str());
    }
    let missing: Vec<&str> =
        info.params.iter().filter(|p| p.required && !seen.contains(&p.name)).map(|p| p.name).collect();
    if !missing.is_empty() {
        let example: Vec<String> = missing.iter().map(|m| format!("{m}=...")).collect();
        return Err(Failure::usage(format!(
            "{} needs {} (ami {} {})",
            info.name,
            missing.join(", "),
            info.name,
            example.join(" ")
        )));
    }
    Ok(action)
}

/// The parameter `key` names, as the metadata says: the same name ignoring
/// case, or, for a member of a numbered group, its stem numbered the way the
/// group numbers (then with the item number). Free-header placeholders are
/// never matched by name: any name not documented goes to them.
fn find_param(info: &'static ActionInfo, key: &str) -> Option<(&'static ParamInfo, Option<usize>)> {
    info.params.iter().filter(|p| !p.free_headers).find_map(|p| match p.numbered {
        Some(n) => n.index_of(key).map(|i| (p, Some(i))),
        None => p.name.eq_ignore_ascii_case(key).then_some((p, None)),
    })
}

fn repeatable(info: &ActionInfo) -> String {
    let names: Vec<&str> = info.params.iter().filter(|p| p.multiple).map(|p| p.name).collect();
    if names.is_empty() {
        format!("no parameter of {}", info.name)
    } else {
        names.join(", ")
    }
}

/// The documented values of a parameter the metadata types as an enum or a
/// boolean; `None` for free text (the generator's fixups turned documented
/// placeholders such as `Response code` into free text).
pub fn closed_values(param: &ParamInfo) -> Option<&'static [&'static str]> {
    (param.kind != ParamKind::Text && !param.values.is_empty()).then_some(param.values)
}

fn check_value(info: &ActionInfo, param: &ParamInfo, value: &str) -> Result<(), Failure> {
    let Some(values) = closed_values(param) else { return Ok(()) };
    // A boolean is read with `ast_true`, so `1`, `on`, `yes`... are fine.
    let ok = values.iter().any(|v| v.eq_ignore_ascii_case(value.trim()))
        || (param.kind == ParamKind::Bool && parse_bool(value.as_bytes()).is_some());
    if ok {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "{} {}: {value:?} is not one of {}; --raw sends it anyway",
        info.name,
        param.name,
        values.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(action: &str, params: &[(&str, &str)]) -> SendArgs {
        SendArgs {
            action: action.into(),
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            raw: false,
            no_wait: false,
        }
    }

    fn headers(c: &Checked) -> Vec<(&str, &str)> {
        c.action.headers().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    fn err(action: &str, params: &[(&str, &str)]) -> String {
        check(&args(action, params)).unwrap_err().message
    }

    #[test]
    fn names_are_matched_ignoring_case_and_sent_as_documented() {
        let c = check(&args("coreshowchannels", &[])).unwrap();
        assert_eq!(c.action.name(), "CoreShowChannels");
        let c =
            check(&args("originate", &[("channel", "PJSIP/100"), ("variable", "A=1"), ("Variable", "B=2")])).unwrap();
        assert_eq!(headers(&c), [("Channel", "PJSIP/100"), ("Variable", "A=1"), ("Variable", "B=2")]);
    }

    #[test]
    fn unknown_action_suggests() {
        let e = err("CoreShowChanels", &[]);
        assert!(e.contains("unknown action") && e.contains("CoreShowChannels"), "{e}");
    }

    #[test]
    fn unknown_parameter_suggests() {
        let e = err("Hangup", &[("Chanel", "x")]);
        assert!(e.contains("no parameter \"Chanel\"") && e.contains("did you mean Channel"), "{e}");
    }

    #[test]
    fn missing_required_parameter() {
        let e = err("Hangup", &[]);
        assert!(e.contains("Hangup needs Channel"), "{e}");
    }

    #[test]
    fn enum_values_and_booleans() {
        let e = err("MuteAudio", &[("Channel", "x"), ("Direction", "sideways"), ("State", "on")]);
        assert!(e.contains("\"sideways\" is not one of in, out, all"), "{e}");
        assert!(check(&args("MuteAudio", &[("Channel", "x"), ("Direction", "IN"), ("State", "on")])).is_ok());
        assert!(check(&args("Originate", &[("Channel", "x"), ("Async", "yes")])).is_ok());
        assert!(err("Originate", &[("Channel", "x"), ("Async", "maybe")]).contains("true, false"));
    }

    #[test]
    fn placeholders_are_free_text() {
        // PJSIPHangup's Cause lists "Response code", "Response code name".
        assert!(check(&args("PJSIPHangup", &[("Channel", "PJSIP/1-1"), ("Cause", "486")])).is_ok());
    }

    #[test]
    fn repeats_only_where_documented() {
        let e = err("Hangup", &[("Channel", "a"), ("Channel", "b")]);
        assert!(e.contains("Channel given twice"), "{e}");
    }

    #[test]
    fn numbered_and_free_form_parameters() {
        let c = check(&args(
            "UpdateConfig",
            &[
                ("SrcFilename", "a.conf"),
                ("DstFilename", "a.conf"),
                ("Action-000000", "NewCat"),
                ("Cat-000000", "x"),
                ("Action-000001", "Append"),
            ],
        ))
        .unwrap();
        assert_eq!(headers(&c)[4], ("Action-000001", "Append"));
        assert!(err("UpdateConfig", &[("SrcFilename", "a"), ("DstFilename", "b"), ("Action-1", "NewCat")])
            .contains("no parameter"));
        let c = check(&args("UserEvent", &[("UserEvent", "Note"), ("Anything", "goes"), ("More", "too")])).unwrap();
        assert_eq!(headers(&c)[1], ("Anything", "goes"));
    }

    #[test]
    fn numbered_and_free_params_come_from_the_metadata() {
        // Every parameter the metadata flags numbered is accepted under its
        // header for any item number, and sent with the number as typed.
        let mut numbered = 0;
        for info in meta::ACTIONS {
            let required: Vec<(String, String)> =
                info.params.iter().filter(|p| p.required).map(|p| (p.name.to_string(), value_for(p))).collect();
            for p in info.params.iter().filter(|p| p.numbered.is_some()) {
                let n = p.numbered.unwrap();
                assert_eq!(n.index_of(p.name), Some(0), "{} {}: documented name is item 0", info.name, p.name);
                for i in [0, 7, 12] {
                    let mut params = required.clone();
                    params.push((n.header(i).to_ascii_lowercase(), value_for(p)));
                    let built = build(info, &params).unwrap_or_else(|e| panic!("{}: {}", info.name, e.message));
                    assert!(built.headers().iter().any(|(k, _)| *k == n.header(i)), "{} {}", info.name, n.header(i));
                }
                numbered += 1;
            }
            // A free-header placeholder: any name goes through as given.
            if info.params.iter().any(|p| p.free_headers) {
                let mut params = required.clone();
                params.push(("X-My-Own".into(), "1".into()));
                let built = build(info, &params).unwrap();
                assert!(built.headers().iter().any(|(k, v)| k == "X-My-Own" && v == "1"));
            }
        }
        assert!(numbered >= 9, "UpdateConfig's 7 and AOCMessage's 2 numbered parameters: {numbered}");
        let ue = meta::action("UserEvent").unwrap();
        assert!(ue.takes_free_headers());
        assert!(!meta::action("Hangup").unwrap().takes_free_headers());
    }

    fn value_for(p: &ParamInfo) -> String {
        p.values.first().map_or("x", |v| v).to_string()
    }

    #[test]
    fn aoc_units_are_numbered_in_parentheses() {
        let c = check(&args(
            "AOCMessage",
            &[("Channel", "x"), ("MsgType", "E"), ("UnitAmount(0)", "3"), ("UnitType(0)", "1"), ("UnitAmount(1)", "4")],
        ))
        .unwrap();
        assert_eq!(&headers(&c)[2..], [("UnitAmount(0)", "3"), ("UnitType(0)", "1"), ("UnitAmount(1)", "4")]);
        assert!(err("AOCMessage", &[("MsgType", "E"), ("UnitAmount-000000", "3")]).contains("no parameter"));
        let e = err(
            "UpdateConfig",
            &[("SrcFilename", "a"), ("DstFilename", "b"), ("Cat-000001", "x"), ("Cat-000001", "y")],
        );
        assert!(e.contains("Cat-000001 given twice"), "{e}");
    }

    #[test]
    fn what_the_client_does_itself_is_refused() {
        assert!(err("Login", &[("Username", "a")]).contains("done by the ami command"));
        assert!(err("Ping", &[("ActionID", "1")]).contains("ActionID is set by the ami command"));
        let mut raw = args("Ping", &[("actionid", "1")]);
        raw.raw = true;
        assert!(check(&raw).unwrap_err().message.contains("ActionID is set by the ami command"));
    }

    #[test]
    fn unsafe_values_are_refused_before_connecting() {
        let e = err("Hangup", &[("Channel", "x\r\nAction: Command")]);
        assert!(e.contains("0x0d"), "{e}");
        let long = "x".repeat(2000);
        assert!(err("Hangup", &[("Channel", long.as_str())]).contains("at most"));
    }

    #[test]
    fn raw_sends_as_typed() {
        let mut a = args("MadeUp", &[("Foo", "bar")]);
        a.raw = true;
        let c = check(&a).unwrap();
        assert_eq!(c.action.name(), "MadeUp");
        assert!(c.info.is_none());
        let mut a = args("hangup", &[("Chanel", "x")]);
        a.raw = true;
        assert_eq!(check(&a).unwrap().action.name(), "Hangup");
        let mut a = args("Hangup", &[("Channel", "a\nb")]);
        a.raw = true;
        assert!(check(&a).is_err(), "CR/LF/NUL are refused even with --raw");
    }
}
