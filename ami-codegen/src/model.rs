//! The generator's model: plain data, no XML and no Rust tokens.
//!
//! Parsing fills it for one file; the resolve passes expand snapshot macros
//! and merge duplicates and releases; fixups patch it; the names pass fills
//! in the Rust identifiers; the emitters read it.

/// A set of releases, as bits over [`Spec::releases`] (at most 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Releases(pub u64);

impl Releases {
    /// The set holding only release `i`.
    pub fn one(i: usize) -> Releases {
        Releases(1 << i)
    }

    /// Every release of `n`.
    pub fn all(n: usize) -> Releases {
        Releases(if n >= 64 { u64::MAX } else { (1u64 << n) - 1 })
    }

    /// Whether release `i` is in the set.
    pub fn has(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    /// Union.
    pub fn union(self, o: Releases) -> Releases {
        Releases(self.0 | o.0)
    }

    /// Whether every release of `other` is in `self`.
    pub fn covers(self, other: Releases) -> bool {
        self.0 & other.0 == other.0
    }

    /// Indices in the set, ascending.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..64).filter(move |&i| self.has(i))
    }
}

/// The whole spec: every action and event of every release read.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Release labels in ascending order, e.g. `22.10.1` (or `custom`).
    pub releases: Vec<String>,
    /// Actions sorted by name.
    pub actions: Vec<Action>,
    /// Events sorted by name.
    pub events: Vec<Event>,
    /// Shared enums (snapshot macro fields), by type name.
    pub shared_enums: Vec<SharedEnum>,
}

/// Where a definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Asterisk's XML documentation.
    #[default]
    Xml,
    /// Added by the named fixup (seen on the wire, missing from the XML).
    Fixup(&'static str),
}

/// One AMI action.
#[derive(Debug, Clone, Default)]
pub struct Action {
    /// The AMI name.
    pub name: String,
    /// `since` versions, sorted, deduplicated.
    pub since: Vec<String>,
    /// Releases that document it.
    pub releases: Releases,
    /// Modules that document it (e.g. `builtin`, `app_queue`).
    pub modules: Vec<String>,
    /// Parameters in order, `ActionID` excluded.
    pub params: Vec<Param>,
    /// The event list it answers with.
    pub list: Option<ListResponse>,
    /// The one event the server sends after the response, for an action
    /// whose answer is not a list (`FAXStats` -> `FAXStats`).
    pub follow_up: Option<FollowUp>,
    /// The data headers of its successful response, when known (none of
    /// them are in Asterisk's XML: fixups add what the wire shows).
    pub response: Option<ResponseSpec>,
    /// Whether the server answers with a bare empty line instead of a
    /// message (no `Response`, no `ActionID`): the client must not wait.
    pub empty_answer: bool,
    /// Upstream prose (only kept when generating with prose).
    pub prose: Prose,
    /// Facts added by fixups, as rustdoc lines.
    pub notes: Vec<String>,
    /// Numbered groups of parameters (the [`crate::resolve::numbered`] pass):
    /// each becomes one repeated item type.
    pub groups: Vec<NumberedGroup>,
    /// XML (every action so far).
    pub origin: Origin,
    /// Parameters of which exactly one group must be given (set by a fixup).
    pub choice: Option<Choice>,
    /// Rust type name (set by the names pass).
    pub ident: String,
}

/// Optional parameters of an action that form groups, one of which the
/// action needs (Originate's destination: an extension or an application).
/// Each group becomes a constructor, and the group a required enum field,
/// so an action without one does not compile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// What is chosen, e.g. `destination`: the field's name.
    pub name: String,
    /// The groups.
    pub alternatives: Vec<Alternative>,
    /// The fixup that declared it.
    pub origin: Origin,
    /// Rust name of the field (names pass).
    pub field_ident: String,
    /// Rust type name of the enum (names pass).
    pub ident: String,
}

/// How the headers of a numbered group are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// `Stem-000000`, `Stem-000001`...
    Dashed,
    /// `Stem(0)`, `Stem(1)`...
    Parenthesised,
}

/// A parameter's place in a numbered group: sent once per item, under its
/// stem numbered by the item's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// The group's name ([`NumberedGroup::name`]).
    pub group: String,
    /// The header name without its number (`Action`, `UnitAmount`).
    pub stem: String,
    /// How the number is written.
    pub numbering: Numbering,
}

/// Parameters sent once per item of a list, numbered by the item's position
/// (`UpdateConfig`'s `Action-000000`, `Cat-000000`...; `AOCMessage`'s
/// `UnitAmount(0)`, `UnitType(0)`). Becomes one item type and a `Vec` of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedGroup {
    /// What one item is, e.g. `change`: the builder method's name.
    pub name: String,
    /// How the numbers are written.
    pub numbering: Numbering,
    /// Its members' documented names (`Action-000000`), in documented order.
    pub params: Vec<String>,
    /// The members every item needs (an item constructor's arguments), by
    /// documented name; set by fixups from what the server refuses.
    pub required: Vec<String>,
    /// The pass or fixup that named it and chose what it requires.
    pub origin: Origin,
    /// Rust type name of one item (names pass).
    pub ident: String,
    /// Rust field name of the `Vec` of items (names pass).
    pub field_ident: String,
    /// Rust name of the action's builder method adding one item (names pass).
    pub method_ident: String,
    /// The selector: the first required member with documented values,
    /// whose values each get an item constructor (names pass).
    pub selector: Option<String>,
    /// The item constructors, one per value of the selector:
    /// `(value, Rust name)` (names pass).
    pub ctors: Vec<(String, String)>,
}

/// One group of a [`Choice`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alternative {
    /// Its name, e.g. `exten`: the constructor's name.
    pub name: String,
    /// What it means, one line of rustdoc (e.g. `to a dialplan extension`).
    pub doc: String,
    /// Its parameters (AMI names), in the constructor's order.
    pub params: Vec<String>,
    /// Rust name of the constructor (names pass).
    pub ctor_ident: String,
    /// Rust name of the enum variant (names pass).
    pub ident: String,
}

impl Choice {
    /// Whether `param` (an AMI name) belongs to one of the groups.
    pub fn has(&self, param: &str) -> bool {
        self.alternatives.iter().any(|a| a.params.iter().any(|p| p.eq_ignore_ascii_case(param)))
    }
}

/// One AMI event.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// The event name as documented (`NewExten`; the wire says `Newexten`).
    pub name: String,
    /// `since` versions.
    pub since: Vec<String>,
    /// Releases that document it.
    pub releases: Releases,
    /// `EVENT_FLAG_*` classes, as written.
    pub classes: Vec<String>,
    /// Modules that raise it.
    pub modules: Vec<String>,
    /// Documented headers in order.
    pub fields: Vec<Param>,
    /// Upstream prose.
    pub prose: Prose,
    /// Facts added by fixups.
    pub notes: Vec<String>,
    /// XML or fixup.
    pub origin: Origin,
    /// Rust type name (set by the names pass).
    pub ident: String,
}

/// Synopsis and description from upstream, as Markdown; empty without prose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    /// One line.
    pub synopsis: Option<String>,
    /// Paragraphs.
    pub description: Option<String>,
}

/// An action parameter or an event header.
#[derive(Debug, Clone, Default)]
pub struct Param {
    /// The header name.
    pub name: String,
    /// Required (actions): in every release that has the owner.
    pub required: bool,
    /// Sent as repeated headers.
    pub multiple: bool,
    /// Documented default.
    pub default: Option<String>,
    /// Documented values; empty means free text.
    pub values: Vec<EnumValue>,
    /// Releases that document it.
    pub releases: Releases,
    /// Upstream prose for it.
    pub doc: Option<String>,
    /// Facts added by fixups.
    pub notes: Vec<String>,
    /// Before expansion: a snapshot macro use standing for several fields.
    pub snapshot: Option<SnapshotUse>,
    /// After expansion: the shared enum type the values belong to.
    pub shared_enum: Option<String>,
    /// Rust field or method name (names pass).
    pub ident: String,
    /// Rust enum type name when [`Param::kind`] is `Enum` (names pass).
    pub enum_ident: String,
    /// After snapshot expansion: the snapshot field this header stands for,
    /// without its prefix (`ChannelState` for `DestChannelState`).
    pub snapshot_field: Option<String>,
    /// How the accessor reads a free-text header that holds a number,
    /// duration, time, hangup cause or priority (the kinds pass,
    /// [`crate::kinds`]); `None` for text.
    pub value_kind: Option<ValueKind>,
    /// Its place in a numbered group (actions; [`crate::resolve::numbered`]).
    pub numbered: Option<Numbered>,
    /// It stands for any number of headers of the caller's own choosing
    /// (`UserEvent`'s `HeaderN`): no field, no builder; `header(name, value)`.
    pub free_headers: bool,
    /// XML, or the last fixup that added or changed it.
    pub origin: Origin,
}

/// How a typed accessor reads a free-text header (see [`crate::kinds`]);
/// each kind is one reader in `ami_core::typed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueKind {
    /// `u64` (`unsigned_field`).
    Unsigned,
    /// `i64` (`signed_field`).
    Signed,
    /// `f64` (`decimal_field`).
    Decimal,
    /// `Duration` from seconds, whole or decimal (`seconds_field`).
    Seconds,
    /// `Duration` from milliseconds (`millis_field`).
    Milliseconds,
    /// `Duration` from microseconds (`micros_field`).
    Microseconds,
    /// `Duration` from `H:MM:SS` (`hms_field`).
    Hms,
    /// `SystemTime` from Unix seconds; `0` is `None` (`unix_time_field`).
    UnixTime,
    /// `SystemTime` from ISO 8601 with a UTC offset (`iso_time_field`).
    IsoTime,
    /// `WallClock`: date and time in the server's zone (`wall_clock_field`).
    WallClock,
    /// `HangupCause`: a Q.850 code (`cause_field`).
    HangupCause,
    /// `Priority`: a number or a label (`priority_field`).
    Priority,
}

/// `<channel_snapshot prefix="..."/>` or `<bridge_snapshot/>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotUse {
    /// Which macro.
    pub kind: SnapshotKind,
    /// The `prefix` attribute (empty when absent).
    pub prefix: String,
}

/// The two snapshot macros of Asterisk's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKind {
    /// `channel_snapshot`
    Channel,
    /// `bridge_snapshot`
    Bridge,
}

/// One documented value of an enumerated parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnumValue {
    /// The value as sent.
    pub name: String,
    /// Upstream prose for it.
    pub doc: Option<String>,
    /// A Rust variant name chosen by a fixup (e.g. `Answered` for `4`).
    pub ident_hint: Option<String>,
    /// Rust variant name (names pass).
    pub ident: String,
}

/// An enum shared by many events (snapshot fields).
#[derive(Debug, Clone, Default)]
pub struct SharedEnum {
    /// Rust type name.
    pub ident: String,
    /// The field it types (without prefix).
    pub field: String,
    /// The values.
    pub values: Vec<EnumValue>,
}

/// How a parameter is typed in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamKind {
    /// Free text.
    Text,
    /// A two-valued parameter: the spelling of true and of false.
    Bool(String, String),
    /// An enum with an `Other` escape.
    Enum,
}

impl Param {
    /// A free-text parameter called `name`.
    pub fn named(name: &str) -> Param {
        Param { name: name.to_string(), ..Param::default() }
    }

    /// Its header name as the wire shows it: the name, or for a numbered
    /// group member the stem with its numbering (`Cat-NNNNNN`, `UnitAmount(N)`).
    pub fn wire_pattern(&self) -> String {
        match &self.numbered {
            Some(Numbered { stem, numbering: Numbering::Dashed, .. }) => format!("{stem}-NNNNNN"),
            Some(Numbered { stem, numbering: Numbering::Parenthesised, .. }) => format!("{stem}(N)"),
            None => self.name.clone(),
        }
    }

    /// How this parameter is typed.
    pub fn kind(&self) -> ParamKind {
        if self.values.is_empty() {
            return ParamKind::Text;
        }
        if self.shared_enum.is_none() && self.values.len() == 2 {
            let (a, b) = (&self.values[0].name, &self.values[1].name);
            for (t, f) in [("yes", "no"), ("true", "false"), ("1", "0")] {
                if a.eq_ignore_ascii_case(t) && b.eq_ignore_ascii_case(f) {
                    return ParamKind::Bool(a.clone(), b.clone());
                }
                if b.eq_ignore_ascii_case(t) && a.eq_ignore_ascii_case(f) {
                    return ParamKind::Bool(b.clone(), a.clone());
                }
            }
        }
        ParamKind::Enum
    }
}

/// The event list an action answers with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListResponse {
    /// Item event names.
    pub items: Vec<String>,
    /// Completion event name.
    pub complete: String,
    /// When the list is sent, if not always.
    pub condition: Option<String>,
    /// XML or fixup.
    pub origin: Origin,
}

/// An event sent once after an action's response (not a list).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUp {
    /// The event's name.
    pub event: String,
    /// XML or fixup.
    pub origin: Origin,
}

/// The data a successful response carries: the headers beyond `Response`,
/// `ActionID` and `Message`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseSpec {
    /// The headers, in wire order.
    pub fields: Vec<ResponseField>,
    /// XML or fixup.
    pub origin: Origin,
    /// Rust type name in the `responses` module (names pass; the action's).
    pub ident: String,
}

/// One header (or family of headers) of a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseField {
    /// The header name; for the numbered shapes the part before the numbers.
    pub name: String,
    /// How the header occurs.
    pub shape: ResponseShape,
    /// A Rust accessor name chosen by the fixup (e.g. `categories`).
    pub ident_hint: Option<String>,
    /// Rust accessor name (names pass).
    pub ident: String,
}

/// How a response header occurs, which decides its accessor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ResponseShape {
    /// Once, free text.
    #[default]
    One,
    /// Once, a yes/no (`Yes`, `No`, `On`, `Off`, `1`, `0`...).
    Flag,
    /// Several times under the same name, in order.
    Repeated,
    /// Numbered names: `Name-000000`, `Name-000001`...
    Numbered,
    /// Numbered within the items of the [`ResponseShape::Numbered`] field
    /// before it: `Name-000000-000000` belongs to item 0.
    NumberedWithin,
    /// Opens a group of the named header that follows it (`RuleList`, then
    /// its `Rule` lines).
    Grouped(String),
    /// Every other header, whatever its name (one per action in
    /// `ListCommands`).
    Others,
}

impl ResponseField {
    /// A field of `shape` called `name`.
    pub fn new(name: &str, shape: ResponseShape) -> ResponseField {
        ResponseField { name: name.to_string(), shape, ..ResponseField::default() }
    }

    /// The header names as they look on the wire, for docs and metadata
    /// (`Category-NNNNNN` for numbered names, `<Action>` for any name).
    pub fn wire_patterns(&self) -> Vec<String> {
        match &self.shape {
            ResponseShape::One | ResponseShape::Flag | ResponseShape::Repeated => vec![self.name.clone()],
            ResponseShape::Grouped(member) => vec![self.name.clone(), member.clone()],
            ResponseShape::Numbered => vec![format!("{}-NNNNNN", self.name)],
            ResponseShape::NumberedWithin => vec![format!("{}-NNNNNN-NNNNNN", self.name)],
            ResponseShape::Others => vec![format!("<{}>", self.name)],
        }
    }
}

impl Spec {
    /// The action called `name` (exact).
    pub fn action_mut(&mut self, name: &str) -> Option<&mut Action> {
        self.actions.iter_mut().find(|a| a.name == name)
    }

    /// The event called `name` (ASCII case-insensitive).
    pub fn event(&self, name: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The event called `name` (ASCII case-insensitive).
    pub fn event_mut(&mut self, name: &str) -> Option<&mut Event> {
        self.events.iter_mut().find(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// Every release.
    pub fn all_releases(&self) -> Releases {
        Releases::all(self.releases.len())
    }
}

impl Action {
    /// The parameter called `name` (ASCII case-insensitive).
    pub fn param_mut(&mut self, name: &str) -> Option<&mut Param> {
        self.params.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name))
    }
}
