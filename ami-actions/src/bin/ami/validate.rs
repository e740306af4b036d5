//! Checks an action typed on the command line against the generated
//! metadata (`ami_actions::meta`) and builds it, before any connection is
//! made: unknown action or parameter (with suggestions), missing required
//! parameter, a parameter given twice that may not repeat, a value outside
//! an enumeration, and anything the server would refuse or cut (CR, LF,
//! NUL, over-long lines, too many lines).

use ami_actions::ami_core::encode_action;
use ami_actions::meta;
use ami_actions::typed::{parse_bool, ActionInfo, ParamInfo};
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
    let free_form = info.params.iter().any(is_free_form);
    for (key, value) in params {
        let Some(param) = info.params.iter().find(|p| !is_free_form(p) && name_matches(p, key)) else {
            if free_form {
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
        // Numbered parameters (`Action-000000`, `UnitAmount(0)`) keep the
        // number typed; others take the documented spelling.
        let key = if is_numbered(param) { key.as_str() } else { param.name };
        if seen.contains(&param.name) {
            if !param.multiple && !is_numbered(param) {
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

fn repeatable(info: &ActionInfo) -> String {
    let names: Vec<&str> = info.params.iter().filter(|p| p.multiple).map(|p| p.name).collect();
    if names.is_empty() {
        format!("no parameter of {}", info.name)
    } else {
        names.join(", ")
    }
}

/// Whether `key` names `param`: the same name ignoring case, or for a
/// numbered parameter the same stem with any number.
fn name_matches(param: &ParamInfo, key: &str) -> bool {
    if param.name.eq_ignore_ascii_case(key) {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(stem) = param.name.strip_suffix("-000000") {
        // UpdateConfig: Action-000000, Cat-000001, ...
        return key.len() == param.name.len()
            && key[..stem.len()].eq_ignore_ascii_case(stem)
            && key.as_bytes()[stem.len()] == b'-'
            && digits(&key[stem.len() + 1..]);
    }
    if let Some(stem) = param.name.strip_suffix("(0)") {
        // AOCMessage: UnitAmount(0), UnitType(1), ...
        return key.len() > stem.len() + 2
            && key.is_char_boundary(stem.len())
            && key[..stem.len()].eq_ignore_ascii_case(stem)
            && key[stem.len()..].starts_with('(')
            && key.ends_with(')')
            && digits(&key[stem.len() + 1..key.len() - 1]);
    }
    false
}

/// `Action-000000` or `UnitAmount(0)`: one parameter per number.
fn is_numbered(param: &ParamInfo) -> bool {
    param.name.ends_with("-000000") || param.name.ends_with("(0)")
}

/// `UserEvent`'s `Header1`: the documentation's stand-in for any header.
fn is_free_form(param: &ParamInfo) -> bool {
    let n = param.name;
    n.len() > 6 && n[..6].eq_ignore_ascii_case("Header") && n[6..].bytes().all(|b| b.is_ascii_digit())
}

/// The documented values, unless they are a placeholder rather than a
/// closed set (`Response code`, `system,call,log,...`).
pub fn closed_values(param: &ParamInfo) -> Option<&'static [&'static str]> {
    let placeholder = param.values.iter().any(|v| v.contains(char::is_whitespace) || v.contains("..."));
    (!param.values.is_empty() && !placeholder).then_some(param.values)
}

/// Whether the documented values are a boolean (`true`/`false`, `yes`/`no`):
/// Asterisk reads those with `ast_true`, so `1`, `on`, `yes`... are fine.
fn is_boolean(values: &[&str]) -> bool {
    values.len() == 2 && values.iter().all(|v| parse_bool(v.as_bytes()).is_some())
}

fn check_value(info: &ActionInfo, param: &ParamInfo, value: &str) -> Result<(), Failure> {
    let Some(values) = closed_values(param) else { return Ok(()) };
    let ok = values.iter().any(|v| v.eq_ignore_ascii_case(value.trim()))
        || (is_boolean(values) && parse_bool(value.as_bytes()).is_some());
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
