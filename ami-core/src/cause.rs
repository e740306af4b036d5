//! The hangup cause: an ITU-T Q.850 cause code, as Asterisk sends it in the
//! `Cause` header of `Hangup`, `HangupRequest` and `SoftHangupRequest`.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Declares the named causes once: variant, code, Asterisk's name.
macro_rules! causes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal;)*) => {
        /// A hangup cause: an ITU-T Q.850 cause code, named when Asterisk
        /// names it (`include/asterisk/causes.h`), [`HangupCause::Other`]
        /// for any other code.
        ///
        /// Compare causes by code: `HangupCause::Other(16)` equals
        /// [`HangupCause::NormalClearing`] (and hashes the same).
        /// [`Display`](fmt::Display) writes Asterisk's name
        /// (`NORMAL_CLEARING`), or the number for a code it does not name;
        /// the text Asterisk sends beside it is the event's `Cause-txt`.
        ///
        /// ```
        /// use ami_core::HangupCause;
        ///
        /// let c = HangupCause::from_code(17);
        /// assert_eq!(c, HangupCause::UserBusy);
        /// assert_eq!(c.code(), 17);
        /// assert_eq!(c.to_string(), "USER_BUSY");
        /// assert_eq!("user_busy".parse::<HangupCause>(), Ok(HangupCause::UserBusy));
        /// assert_eq!("17".parse::<HangupCause>(), Ok(HangupCause::UserBusy));
        /// assert_eq!(HangupCause::from_code(200), HangupCause::Other(200));
        /// assert_eq!(HangupCause::from_code(200).name(), None);
        /// ```
        #[derive(Debug, Clone, Copy)]
        #[non_exhaustive]
        pub enum HangupCause {
            $($(#[$doc])* $variant,)*
            /// A code Asterisk does not name.
            Other(u16),
        }

        impl HangupCause {
            /// The cause for a code: the named variant when there is one.
            pub fn from_code(code: u16) -> HangupCause {
                match code {
                    $($code => HangupCause::$variant,)*
                    other => HangupCause::Other(other),
                }
            }

            /// The numeric code, as sent in `Cause`.
            pub fn code(self) -> u16 {
                match self {
                    $(HangupCause::$variant => $code,)*
                    HangupCause::Other(c) => c,
                }
            }

            /// Asterisk's name for the code (`NORMAL_CLEARING`), as the
            /// `HANGUPCAUSE` dialplan function and Asterisk's logs spell
            /// it; `None` for a code Asterisk does not name.
            pub fn name(self) -> Option<&'static str> {
                match HangupCause::from_code(self.code()) {
                    $(HangupCause::$variant => Some($name),)*
                    HangupCause::Other(_) => None,
                }
            }

            /// The cause named `name` (ASCII case-insensitive, with or
            /// without the `AST_CAUSE_` prefix), including Asterisk's
            /// aliases `BUSY`, `NORMAL`, `NOANSWER`, `CONGESTION`,
            /// `FAILURE`, `UNREGISTERED` and `NOSUCHDRIVER`.
            pub fn from_name(name: &str) -> Option<HangupCause> {
                let n = name.trim();
                let n = if n.len() > 10 && n[..10].eq_ignore_ascii_case("AST_CAUSE_") { &n[10..] } else { n };
                $(if n.eq_ignore_ascii_case($name) {
                    return Some(HangupCause::$variant);
                })*
                let alias = match n.to_ascii_uppercase().as_str() {
                    "BUSY" => 17,
                    "FAILURE" => 38,
                    "NORMAL" => 16,
                    "NOANSWER" => 19,
                    "CONGESTION" => 34,
                    "UNREGISTERED" => 20,
                    "NOSUCHDRIVER" => 66,
                    _ => return None,
                };
                Some(HangupCause::from_code(alias))
            }
        }
    };
}

causes! {
    /// 0: no cause was set (`AST_CAUSE_NOTDEFINED`; not a Q.850 code).
    NotDefined = 0, "NOTDEFINED";
    /// 1: unallocated (unassigned) number.
    Unallocated = 1, "UNALLOCATED";
    /// 2: no route to the specified transit network.
    NoRouteTransitNet = 2, "NO_ROUTE_TRANSIT_NET";
    /// 3: no route to destination.
    NoRouteDestination = 3, "NO_ROUTE_DESTINATION";
    /// 5: misdialled trunk prefix.
    MisdialledTrunkPrefix = 5, "MISDIALLED_TRUNK_PREFIX";
    /// 6: channel unacceptable.
    ChannelUnacceptable = 6, "CHANNEL_UNACCEPTABLE";
    /// 7: call awarded and being delivered in an established channel.
    CallAwardedDelivered = 7, "CALL_AWARDED_DELIVERED";
    /// 8: preemption.
    PreEmpted = 8, "PRE_EMPTED";
    /// 14: ported number.
    NumberPortedNotHere = 14, "NUMBER_PORTED_NOT_HERE";
    /// 16: normal call clearing.
    NormalClearing = 16, "NORMAL_CLEARING";
    /// 17: user busy.
    UserBusy = 17, "USER_BUSY";
    /// 18: no user responding.
    NoUserResponse = 18, "NO_USER_RESPONSE";
    /// 19: no answer from user (user alerted).
    NoAnswer = 19, "NO_ANSWER";
    /// 20: subscriber absent.
    SubscriberAbsent = 20, "SUBSCRIBER_ABSENT";
    /// 21: call rejected.
    CallRejected = 21, "CALL_REJECTED";
    /// 22: number changed.
    NumberChanged = 22, "NUMBER_CHANGED";
    /// 23: redirected to a new destination.
    RedirectedToNewDestination = 23, "REDIRECTED_TO_NEW_DESTINATION";
    /// 26: answered elsewhere (non-selected user clearing).
    AnsweredElsewhere = 26, "ANSWERED_ELSEWHERE";
    /// 27: destination out of order.
    DestinationOutOfOrder = 27, "DESTINATION_OUT_OF_ORDER";
    /// 28: invalid number format (address incomplete).
    InvalidNumberFormat = 28, "INVALID_NUMBER_FORMAT";
    /// 29: facility rejected.
    FacilityRejected = 29, "FACILITY_REJECTED";
    /// 30: response to STATUS ENQUIRY.
    ResponseToStatusEnquiry = 30, "RESPONSE_TO_STATUS_ENQUIRY";
    /// 31: normal, unspecified.
    NormalUnspecified = 31, "NORMAL_UNSPECIFIED";
    /// 34: no circuit/channel available (Asterisk's `CONGESTION`).
    NormalCircuitCongestion = 34, "NORMAL_CIRCUIT_CONGESTION";
    /// 38: network out of order (Asterisk's `FAILURE`).
    NetworkOutOfOrder = 38, "NETWORK_OUT_OF_ORDER";
    /// 41: temporary failure.
    NormalTemporaryFailure = 41, "NORMAL_TEMPORARY_FAILURE";
    /// 42: switching equipment congestion.
    SwitchCongestion = 42, "SWITCH_CONGESTION";
    /// 43: access information discarded.
    AccessInfoDiscarded = 43, "ACCESS_INFO_DISCARDED";
    /// 44: requested circuit/channel not available.
    RequestedChanUnavail = 44, "REQUESTED_CHAN_UNAVAIL";
    /// 50: requested facility not subscribed.
    FacilityNotSubscribed = 50, "FACILITY_NOT_SUBSCRIBED";
    /// 52: outgoing calls barred.
    OutgoingCallBarred = 52, "OUTGOING_CALL_BARRED";
    /// 54: incoming calls barred.
    IncomingCallBarred = 54, "INCOMING_CALL_BARRED";
    /// 57: bearer capability not authorized.
    BearerCapabilityNotAuth = 57, "BEARERCAPABILITY_NOTAUTH";
    /// 58: bearer capability not presently available.
    BearerCapabilityNotAvail = 58, "BEARERCAPABILITY_NOTAVAIL";
    /// 65: bearer capability not implemented.
    BearerCapabilityNotImpl = 65, "BEARERCAPABILITY_NOTIMPL";
    /// 66: channel type not implemented.
    ChanNotImplemented = 66, "CHAN_NOT_IMPLEMENTED";
    /// 69: requested facility not implemented.
    FacilityNotImplemented = 69, "FACILITY_NOT_IMPLEMENTED";
    /// 81: invalid call reference value.
    InvalidCallReference = 81, "INVALID_CALL_REFERENCE";
    /// 88: incompatible destination.
    IncompatibleDestination = 88, "INCOMPATIBLE_DESTINATION";
    /// 95: invalid message, unspecified.
    InvalidMsgUnspecified = 95, "INVALID_MSG_UNSPECIFIED";
    /// 96: mandatory information element is missing.
    MandatoryIeMissing = 96, "MANDATORY_IE_MISSING";
    /// 97: message type non-existent or not implemented.
    MessageTypeNonexist = 97, "MESSAGE_TYPE_NONEXIST";
    /// 98: message not compatible with call state, or message type non-existent or not implemented.
    WrongMessage = 98, "WRONG_MESSAGE";
    /// 99: information element non-existent or not implemented.
    IeNonexist = 99, "IE_NONEXIST";
    /// 100: invalid information element contents.
    InvalidIeContents = 100, "INVALID_IE_CONTENTS";
    /// 101: message not compatible with call state.
    WrongCallState = 101, "WRONG_CALL_STATE";
    /// 102: recovery on timer expiry.
    RecoveryOnTimerExpire = 102, "RECOVERY_ON_TIMER_EXPIRE";
    /// 103: parameter non-existent or not implemented, passed on.
    MandatoryIeLengthError = 103, "MANDATORY_IE_LENGTH_ERROR";
    /// 111: protocol error, unspecified.
    ProtocolError = 111, "PROTOCOL_ERROR";
    /// 127: interworking, unspecified.
    Interworking = 127, "INTERWORKING";
}

impl HangupCause {
    /// Reads the code as Asterisk writes it (`16`); `None` for anything
    /// that is not a number from 0 to 65535.
    pub fn parse_code(value: &str) -> Option<HangupCause> {
        let v = value.trim();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        v.parse::<u16>().ok().map(HangupCause::from_code)
    }

    /// Whether this is one of the normal endings: 16 (normal clearing) or
    /// 31 (normal, unspecified).
    pub fn is_normal(self) -> bool {
        matches!(self.code(), 16 | 31)
    }
}

impl PartialEq for HangupCause {
    fn eq(&self, other: &HangupCause) -> bool {
        self.code() == other.code()
    }
}

impl Eq for HangupCause {}

impl Hash for HangupCause {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl PartialOrd for HangupCause {
    fn partial_cmp(&self, other: &HangupCause) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HangupCause {
    fn cmp(&self, other: &HangupCause) -> std::cmp::Ordering {
        self.code().cmp(&other.code())
    }
}

impl From<u16> for HangupCause {
    fn from(code: u16) -> HangupCause {
        HangupCause::from_code(code)
    }
}

impl From<HangupCause> for u16 {
    fn from(c: HangupCause) -> u16 {
        c.code()
    }
}

impl fmt::Display for HangupCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.code()),
        }
    }
}

/// The error of parsing a [`HangupCause`] from text that is neither a code
/// nor a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseCauseError(String);

impl fmt::Display for ParseCauseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a hangup cause code or name: {:?}", self.0)
    }
}

impl std::error::Error for ParseCauseError {}

impl FromStr for HangupCause {
    type Err = ParseCauseError;

    /// A code (`17`) or a name (`USER_BUSY`, `busy`; see
    /// [`HangupCause::from_name`]).
    fn from_str(s: &str) -> Result<HangupCause, ParseCauseError> {
        HangupCause::parse_code(s).or_else(|| HangupCause::from_name(s)).ok_or_else(|| ParseCauseError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in 0..=u16::MAX {
            let c = HangupCause::from_code(code);
            assert_eq!(c.code(), code);
            if let Some(n) = c.name() {
                assert_eq!(HangupCause::from_name(n), Some(c), "{n}");
                assert_eq!(n.parse::<HangupCause>(), Ok(c));
                assert_eq!(c.to_string(), n);
                assert!(!matches!(c, HangupCause::Other(_)));
            } else {
                assert_eq!(c, HangupCause::Other(code));
                assert_eq!(c.to_string(), code.to_string());
            }
        }
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(HangupCause::from_code(16), HangupCause::NormalClearing);
        assert_eq!(HangupCause::from_code(19).name(), Some("NO_ANSWER"));
        assert_eq!(HangupCause::from_name("AST_CAUSE_NO_ANSWER"), Some(HangupCause::NoAnswer));
        assert_eq!(HangupCause::from_name("congestion"), Some(HangupCause::NormalCircuitCongestion));
        assert_eq!(HangupCause::from_name("Busy"), Some(HangupCause::UserBusy));
        assert_eq!(HangupCause::from_name("NOSUCHDRIVER"), Some(HangupCause::ChanNotImplemented));
        assert_eq!(HangupCause::from_name("nonsense"), None);
        assert_eq!(HangupCause::Other(16), HangupCause::NormalClearing);
        assert!(HangupCause::NormalClearing.is_normal());
        assert!(!HangupCause::UserBusy.is_normal());
        let mut set = std::collections::HashSet::new();
        set.insert(HangupCause::Other(17));
        assert!(set.contains(&HangupCause::UserBusy));
    }

    #[test]
    fn parse_code_rejects_malformed() {
        assert_eq!(HangupCause::parse_code("16"), Some(HangupCause::NormalClearing));
        assert_eq!(HangupCause::parse_code(" 0 "), Some(HangupCause::NotDefined));
        assert_eq!(HangupCause::parse_code("65535"), Some(HangupCause::Other(65535)));
        for bad in ["", " ", "-1", "+16", "16a", "1 6", "65536", "0x10", "NORMAL_CLEARING", "16.0"] {
            assert_eq!(HangupCause::parse_code(bad), None, "{bad:?}");
        }
        assert!("1 6".parse::<HangupCause>().is_err());
        assert_eq!("".parse::<HangupCause>().unwrap_err().to_string(), "not a hangup cause code or name: \"\"");
    }
}
