//! Facts-only extraction of Asterisk's manager documentation.
//!
//! Asterisk ships its documentation as one `core-en_US.xml` (GPL-2.0 text). The
//! project does not copy that text. [`extract`] reads an upstream file and writes
//! the project's own document in the same XML format, keeping only the facts the
//! generator needs: the names of actions, events and their parameters, the
//! `required` / `multiple` / `default` attributes, enum value names,
//! since-versions, event classes, list responses, includes and the snapshot
//! macros. Every piece of prose is dropped.
//!
//! The output is deterministic (the same input gives byte-identical output),
//! pretty-printed with one element per line and two spaces per level, and keeps
//! the upstream order of elements and attributes, so diffs between releases stay
//! readable. Duplicates (each `Voicemail*` action three times, one per voicemail
//! module; the `VarSet` event three times, `VoicemailPasswordChange` twice) are
//! kept as upstream has them: the generator merges them by name, so a reader of
//! `spec/` sees the same structure as in a full `core-en_US.xml`.
//!
//! # Decision table
//!
//! Element by element, as `appdocsxml.dtd` lists them. "Keep" copies the element
//! with all its attributes (attributes are names, flags and defaults, never
//! prose) and filters its children by the same table; text is dropped
//! everywhere except where the table says it is a fact.
//!
//! | element | decision | why |
//! |---|---|---|
//! | `docs` | keep, with `xmlns:xi` only | root; the XInclude prefix must stay bound |
//! | `manager` | keep | an action (`name`, `language`, `module`) |
//! | `managerEvent` | keep, at top level and inside `responses` | an event; ten exist only inside `responses` |
//! | `managerEventInstance` | keep | carries the event `class` (and `module`) |
//! | `since`, `version` | keep, `version` text kept | since-versions are facts |
//! | `syntax` | keep | holds the parameters |
//! | `parameter` | keep | name, required, multiple, default, ... |
//! | `enumlist`, `enum` | keep | allowed value names (`enum name`) |
//! | `optionlist`, `option`, `argument` | keep | option and argument names (unused by AMI today) |
//! | `channel_snapshot`, `bridge_snapshot` | keep, empty, with `prefix` | field-list macros the generator expands |
//! | `responses`, `list-elements` | keep | which events answer a list action |
//! | `xi:include` | depends on its target, see below | |
//! | `synopsis`, `description`, `para`, `note`, `warning`, `example`, `variablelist`, `variable`, `value`, `literal`, `emphasis`, `filename`, `replaceable`, `directory`, `astcli` | drop with content | prose |
//! | `see-also`, `ref` | drop | cross references for readers, no typing facts |
//! | `info` | drop | technology-specific prose blocks |
//! | `xi:fallback` | drop | replacement content, prose if anything |
//! | `module`, `application`, `function`, `agi`, `configInfo` and their children | drop | not AMI |
//! | `configFile`, `configObject`, `configOption`, `configOptionToEnum`, `dataType`, `category`, `matchInfo`, `field`, `documentationtype` | drop | configuration docs, not AMI |
//! | anything else | error | a new DTD element needs a decision here |
//!
//! Comments, processing instructions, CDATA, the `DOCTYPE` (the DTD is upstream
//! text and is not shipped) and the stylesheet instruction are dropped: the
//! input is read by the generator's own parser ([`ami_codegen::parse`]), which
//! keeps elements, attributes and text only.
//!
//! An `xi:include` is classified by its `xpointer`, read by the generator's
//! own [`ami_codegen::xpointer`]:
//!
//! - ending in prose (`.../para[2]`, `.../synopsis/node()`, `.../text()`, any
//!   prose element above) or pointing into `/docs/info`: dropped with the prose;
//! - pointing into a `manager` or `managerEvent` through kept elements only
//!   (parameters, parameter sets, `enumlist`, whole events): kept verbatim, the
//!   generator resolves it against the same document (this keeps the one
//!   relative `xpointer(docs/...)` upstream has);
//! - pointing at structure outside what is kept (PJSIPHangup's `Cause` comes from
//!   `/docs/application[@name='PJSIPHangup']`): replaced by a facts-only copy of
//!   its target, preceded by a comment naming the original `xpointer`, so that
//!   no include in `spec/` dangles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ami_codegen::parse::{Doc, Node, NodeId};
use ami_codegen::xpointer::{self, Step, Test};

/// The Asterisk releases whose extraction is committed in `spec/`.
pub const RELEASES: &[&str] = &["20.20.1", "21.12.3", "22.10.1", "23.4.1"];

/// The namespace bound to the `xi` prefix on the root element.
const XINCLUDE_NS: &str = "http://www.w3.org/2001/XInclude";

/// File name of a release's extraction in `spec/`, e.g. `asterisk-22.10.1.xml`.
pub fn spec_file_name(release: &str) -> String {
    format!("asterisk-{release}.xml")
}

/// Path of a release's upstream `core-en_US.xml` in a directory laid out like
/// `shared/spec-upstream` (`<dir>/asterisk-<release>/core-en_US.xml`).
pub fn upstream_file(upstream_dir: &Path, release: &str) -> PathBuf {
    upstream_dir.join(format!("asterisk-{release}")).join("core-en_US.xml")
}

/// Distinct action and event names in a documentation file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManagerNames {
    /// Names of `<manager>` elements (actions).
    pub actions: BTreeSet<String>,
    /// Names of `<managerEvent>` elements (events), including those defined only
    /// inside an action's `<responses>`.
    pub events: BTreeSet<String>,
}

/// Collects the distinct action and event names of an upstream or extracted
/// file: every `<manager>` and `<managerEvent>` anywhere in it.
pub fn manager_names(doc: &Doc) -> ManagerNames {
    let mut names = ManagerNames::default();
    for id in 0..doc.nodes.len() {
        let set = match doc.name(id) {
            Some("manager") => &mut names.actions,
            Some("managerEvent") => &mut names.events,
            _ => continue,
        };
        set.extend(doc.attr(id, "name").map(str::to_owned));
    }
    names
}

/// Extracts the facts-only manager documentation from an upstream
/// `core-en_US.xml`. `release` (e.g. `22.10.1`) is named in the header comment.
pub fn extract(doc: &Doc, release: &str) -> Result<String, String> {
    check_release(release)?;
    let root = doc.name(doc.root).unwrap_or_default();
    if root != "docs" {
        return Err(format!("root element is <{root}>, expected Asterisk's <docs>"));
    }
    let mut body = String::new();
    for &item in doc.children(doc.root) {
        if doc.is(item, "manager") || doc.is(item, "managerEvent") {
            Walk { doc, item, inlining: false }.element(item, "docs", 1, &mut body)?;
        }
    }
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Asterisk {release} manager documentation, facts only: \
         names, required / multiple / default, enum names, since versions, event classes, list responses, includes \
         and snapshot macros. No upstream prose. -->\n<!-- Generated by the project tool ami-spec-extract (crate \
         ami-codegen) from core-en_US.xml of Asterisk release {release}. Do not edit by hand: spec/README.md gives \
         the command that regenerates it. -->\n"
    );
    write_element(&mut out, 0, "docs", &[("xmlns:xi".to_owned(), XINCLUDE_NS.to_owned())], "", &body);
    Ok(out)
}

fn check_release(release: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
    if release.is_empty() || !release.chars().all(allowed) || release.contains("--") || release.ends_with('-') {
        return Err(format!("invalid release label {release:?}: use letters, digits, '.', '_', '+' and single '-'"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The decision table.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Copy the element and its attributes; drop its text.
    Keep,
    /// Copy the element, its attributes and its (trimmed) text.
    KeepText,
    /// `xi:include`: classified by target.
    Include,
    /// Drop the element and everything inside it.
    Drop,
}

fn rule(element: &str) -> Option<Rule> {
    Some(match element {
        "manager"
        | "managerEvent"
        | "managerEventInstance"
        | "since"
        | "syntax"
        | "parameter"
        | "enumlist"
        | "enum"
        | "optionlist"
        | "option"
        | "argument"
        | "channel_snapshot"
        | "bridge_snapshot"
        | "responses"
        | "list-elements" => Rule::Keep,
        "version" => Rule::KeepText,
        "xi:include" => Rule::Include,
        _ if is_prose(element) || is_not_ami(element) => Rule::Drop,
        _ => return None,
    })
}

/// Elements whose content is prose or reader-oriented cross references.
fn is_prose(element: &str) -> bool {
    matches!(
        element,
        "synopsis"
            | "description"
            | "para"
            | "note"
            | "warning"
            | "example"
            | "variablelist"
            | "variable"
            | "value"
            | "literal"
            | "emphasis"
            | "filename"
            | "replaceable"
            | "directory"
            | "astcli"
            | "see-also"
            | "ref"
            | "info"
            | "xi:fallback"
    )
}

/// DTD elements that document other things than AMI.
fn is_not_ami(element: &str) -> bool {
    matches!(
        element,
        "module"
            | "depend"
            | "use"
            | "conflict"
            | "defaultenabled"
            | "support_level"
            | "replacement"
            | "deprecated_in"
            | "removed_in"
            | "application"
            | "function"
            | "agi"
            | "configInfo"
            | "configFile"
            | "configObject"
            | "configOption"
            | "configOptionToEnum"
            | "dataType"
            | "category"
            | "matchInfo"
            | "field"
            | "documentationtype"
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Points at prose: drop the include.
    Prose,
    /// Points into a kept `manager` / `managerEvent`: keep the include.
    Internal,
    /// Points at structure outside the kept elements: inline its target.
    External,
}

fn classify(steps: &[Step]) -> Result<Target, String> {
    let names: Vec<Option<&str>> = steps.iter().map(Step::name).collect();
    if names.len() < 2 || names[0] != Some("docs") || names[1].is_none() {
        return Err("the path does not start at /docs/<element>".to_owned());
    }
    let prose_end = match &steps[steps.len() - 1].test {
        Test::Name(name) => is_prose(name),
        Test::AnyNode | Test::Text => true,
    };
    if names[1] == Some("info") || prose_end {
        return Ok(Target::Prose);
    }
    let kept = |name: &Option<&str>| matches!(name.and_then(rule), Some(Rule::Keep | Rule::KeepText));
    if matches!(names[1], Some("manager" | "managerEvent")) && names[1..].iter().all(kept) {
        return Ok(Target::Internal);
    }
    Ok(Target::External)
}

// ---------------------------------------------------------------------------
// The walk over one top-level action or event, and the pretty-printer.

struct Walk<'d> {
    doc: &'d Doc,
    /// The top-level `manager` or `managerEvent`, for errors.
    item: NodeId,
    /// Inside the copy of an external include's target.
    inlining: bool,
}

impl Walk<'_> {
    /// One element and its subtree, by the decision table, at `depth`.
    fn element(&self, id: NodeId, parent: &str, depth: usize, out: &mut String) -> Result<(), String> {
        // Text outside `version` is prose.
        let Node::Element { name, attrs, children } = &self.doc.nodes[id] else { return Ok(()) };
        let rule = rule(name).ok_or_else(|| {
            let item = self.doc.name(self.item).unwrap_or_default();
            let item_name = self.doc.attr(self.item, "name").unwrap_or_default();
            format!(
                "element <{name}> inside <{parent}> (in <{item} name=\"{item_name}\">) is not in the extraction's \
                 decision table (ami-codegen/src/bin/ami-spec-extract/extract.rs): decide whether it is a fact or prose"
            )
        })?;
        match rule {
            Rule::Drop => Ok(()),
            // An `xi:fallback` inside is replacement prose: dropped.
            Rule::Include => self.include(id, parent, depth, out),
            Rule::Keep | Rule::KeepText => {
                let mut inner = String::new();
                for &child in children {
                    self.element(child, name, depth + 1, &mut inner)?;
                }
                let text: String = match rule {
                    Rule::KeepText => children
                        .iter()
                        .filter_map(|&c| match &self.doc.nodes[c] {
                            Node::Text(text) => Some(text.as_str()),
                            Node::Element { .. } => None,
                        })
                        .collect(),
                    _ => String::new(),
                };
                let text = text.trim();
                if !text.is_empty() && !inner.is_empty() {
                    return Err(format!("<{name}> mixes text and elements"));
                }
                write_element(out, depth, name, attrs, &escape(text, false), &inner);
                Ok(())
            }
        }
    }

    fn include(&self, id: NodeId, parent: &str, depth: usize, out: &mut String) -> Result<(), String> {
        let xpointer = match (self.doc.attr(id, "xpointer"), self.doc.attr(id, "href")) {
            (Some(xpointer), None) => xpointer,
            _ => return Err("xi:include of another document (href, or no xpointer) is not supported".to_owned()),
        };
        let steps = xpointer::parse(xpointer)?;
        match classify(&steps).map_err(|reason| format!("unsupported xi:include {xpointer:?}: {reason}"))? {
            Target::Prose => Ok(()),
            Target::Internal => {
                let Node::Element { name, attrs, .. } = &self.doc.nodes[id] else { unreachable!("an element") };
                write_element(out, depth, name, attrs, "", "");
                Ok(())
            }
            Target::External if self.inlining => Err(format!(
                "unsupported xi:include {xpointer:?}: an inlined include target itself includes structure from outside"
            )),
            Target::External => {
                let targets = xpointer::select(self.doc, &steps, |_| false).unwrap_or_default();
                if targets.is_empty() {
                    return Err(format!(
                        "xi:include {xpointer:?} points outside the manager documentation and its target is missing"
                    ));
                }
                if xpointer.contains("--") || xpointer.ends_with('-') {
                    return Err(format!("xpointer {xpointer:?} cannot go into an XML comment"));
                }
                out.push_str(&format!("{}<!-- inlined by ami-spec-extract: {xpointer} -->\n", "  ".repeat(depth)));
                let inline = Walk { inlining: true, ..*self };
                targets.iter().try_for_each(|&target| inline.element(target, parent, depth, out))
            }
        }
    }
}

/// One element on its own line(s) at `depth`, two spaces a level: `<x/>`
/// when it has neither `text` (escaped) nor `inner` lines, `<x>text</x>`, or
/// `<x>`, `inner`, `</x>`.
fn write_element(out: &mut String, depth: usize, name: &str, attrs: &[(String, String)], text: &str, inner: &str) {
    let indent = "  ".repeat(depth);
    out.push_str(&format!("{indent}<{name}"));
    for (key, value) in attrs {
        out.push_str(&format!(" {key}=\"{}\"", escape(value, true)));
    }
    match (text, inner) {
        ("", "") => out.push_str("/>\n"),
        (text, "") => out.push_str(&format!(">{text}</{name}>\n")),
        (_, inner) => out.push_str(&format!(">\n{inner}{indent}</{name}>\n")),
    }
}

/// Escapes text (`attribute == false`) or a double-quoted attribute value.
/// Apostrophes stay literal so xpointers read as upstream writes them.
fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(xml: &str, release: &str) -> Result<String, String> {
        super::extract(&Doc::parse(xml, Path::new("t.xml")).map_err(|e| e.to_string())?, release)
    }

    fn manager_names(xml: &str) -> ManagerNames {
        super::manager_names(&Doc::parse(xml, Path::new("t.xml")).unwrap())
    }

    /// A hand-written document in Asterisk's format: one of each construct,
    /// with made-up prose that must disappear.
    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE docs SYSTEM "appdocsxml.dtd">
<?xml-stylesheet type="text/xsl" href="appdocsxml.xslt"?>
<docs xmlns:xi="http://www.w3.org/2001/XInclude">
<module language="en_US" name="mod_sample"><depend>other</depend></module>
<application name="Ring" language="en_US" module="app_ring">
  <synopsis>PROSE app synopsis</synopsis>
  <syntax>
    <parameter name="Tone" required="true">
      <para>PROSE tone text</para>
      <enumlist><enum name="loud"><para>PROSE loud</para></enum><enum name="soft"/></enumlist>
    </parameter>
  </syntax>
</application>
<info name="SampleInfo" language="en_US" tech="X"><para>PROSE info</para></info>
<manager name="Login" language="en_US">
  <since><version>12.0.0</version></since>
  <synopsis>PROSE login synopsis</synopsis>
  <syntax>
    <parameter name="ActionID"><para>PROSE action id</para></parameter>
    <parameter name="Mode" default="a&amp;b &quot;c&quot;" multiple="yes">
      <para>PROSE mode <literal>lit</literal> and <replaceable>rep</replaceable></para>
      <note><para>PROSE note</para></note>
      <enumlist>
        <enum name="on"><para>PROSE on</para></enum>
        <enum name="off"/>
      </enumlist>
      <xi:include xpointer="xpointer(/docs/info[@name='SampleInfo'])" />
    </parameter>
  </syntax>
  <description><para>PROSE description</para></description>
  <see-also><ref type="manager">Logoff</ref></see-also>
</manager>
<manager name="RingAll" language="en_US" module="app_ring">
  <since>
    <version>20.1.0</version>
    <version>18.5.0</version>
  </since>
  <synopsis>PROSE</synopsis>
  <syntax>
    <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID'])" />
    <xi:include xpointer="xpointer(/docs/application[@name='Ring']/syntax/parameter[@name='Tone'])" />
    <parameter name="Extra">
      <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='Mode']/para[1])" />
      <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='Mode']/enumlist)" />
    </parameter>
  </syntax>
  <responses>
    <list-elements>
      <managerEvent language="en_US" name="RingEntry">
        <managerEventInstance class="EVENT_FLAG_COMMAND">
          <synopsis>PROSE entry</synopsis>
          <syntax><channel_snapshot/><parameter name="Count"><para>PROSE count</para></parameter></syntax>
        </managerEventInstance>
      </managerEvent>
    </list-elements>
    <managerEvent language="en_US" name="RingAllComplete">
      <managerEventInstance class="EVENT_FLAG_COMMAND">
        <synopsis>PROSE complete</synopsis>
        <syntax><parameter name="ListItems"/></syntax>
      </managerEventInstance>
    </managerEvent>
  </responses>
</manager>
<managerEvent language="en_US" name="Rang">
  <managerEventInstance class="EVENT_FLAG_CALL">
    <since><version>20.1.0</version></since>
    <synopsis>PROSE rang <xi:include xpointer="xpointer(/docs/manager[@name='Login']/synopsis/node())"/></synopsis>
    <syntax>
      <channel_snapshot prefix="Dest"/>
      <bridge_snapshot/>
      <xi:include xpointer="xpointer(docs/managerEvent[@name='RingEntry']/managerEventInstance/syntax/parameter[@name='Count'])" />
    </syntax>
    <description><para>PROSE <variable>VAR</variable></para><example title="PROSE">same = n,Ring()</example></description>
    <see-also><ref type="managerEvent">RingEntry</ref></see-also>
  </managerEventInstance>
</managerEvent>
<configInfo name="cfg" language="en_US"><synopsis>PROSE cfg</synopsis></configInfo>
</docs>
"#;

    const EXPECTED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- Asterisk 1.2.3 manager documentation, facts only: names, required / multiple / default, enum names, since versions, event classes, list responses, includes and snapshot macros. No upstream prose. -->
<!-- Generated by the project tool ami-spec-extract (crate ami-codegen) from core-en_US.xml of Asterisk release 1.2.3. Do not edit by hand: spec/README.md gives the command that regenerates it. -->
<docs xmlns:xi="http://www.w3.org/2001/XInclude">
  <manager name="Login" language="en_US">
    <since>
      <version>12.0.0</version>
    </since>
    <syntax>
      <parameter name="ActionID"/>
      <parameter name="Mode" default="a&amp;b &quot;c&quot;" multiple="yes">
        <enumlist>
          <enum name="on"/>
          <enum name="off"/>
        </enumlist>
      </parameter>
    </syntax>
  </manager>
  <manager name="RingAll" language="en_US" module="app_ring">
    <since>
      <version>20.1.0</version>
      <version>18.5.0</version>
    </since>
    <syntax>
      <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID'])"/>
      <!-- inlined by ami-spec-extract: xpointer(/docs/application[@name='Ring']/syntax/parameter[@name='Tone']) -->
      <parameter name="Tone" required="true">
        <enumlist>
          <enum name="loud"/>
          <enum name="soft"/>
        </enumlist>
      </parameter>
      <parameter name="Extra">
        <xi:include xpointer="xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='Mode']/enumlist)"/>
      </parameter>
    </syntax>
    <responses>
      <list-elements>
        <managerEvent language="en_US" name="RingEntry">
          <managerEventInstance class="EVENT_FLAG_COMMAND">
            <syntax>
              <channel_snapshot/>
              <parameter name="Count"/>
            </syntax>
          </managerEventInstance>
        </managerEvent>
      </list-elements>
      <managerEvent language="en_US" name="RingAllComplete">
        <managerEventInstance class="EVENT_FLAG_COMMAND">
          <syntax>
            <parameter name="ListItems"/>
          </syntax>
        </managerEventInstance>
      </managerEvent>
    </responses>
  </manager>
  <managerEvent language="en_US" name="Rang">
    <managerEventInstance class="EVENT_FLAG_CALL">
      <since>
        <version>20.1.0</version>
      </since>
      <syntax>
        <channel_snapshot prefix="Dest"/>
        <bridge_snapshot/>
        <xi:include xpointer="xpointer(docs/managerEvent[@name='RingEntry']/managerEventInstance/syntax/parameter[@name='Count'])"/>
      </syntax>
    </managerEventInstance>
  </managerEvent>
</docs>
"#;

    #[test]
    fn drops_prose_and_keeps_facts() {
        let out = extract(SAMPLE, "1.2.3").unwrap();
        assert_eq!(out, EXPECTED, "got:\n{out}");
        assert!(!out.contains("PROSE"));
    }

    #[test]
    fn output_is_deterministic_and_a_fixed_point_for_names() {
        let once = extract(SAMPLE, "1.2.3").unwrap();
        assert_eq!(once, extract(SAMPLE, "1.2.3").unwrap());
        assert_eq!(manager_names(SAMPLE), manager_names(&once));
        // Extracting the extraction changes nothing but the inlining comment.
        let twice = extract(&once, "1.2.3").unwrap();
        let without_comment: String =
            once.lines().filter(|l| !l.contains("inlined by")).map(|l| format!("{l}\n")).collect();
        assert_eq!(twice, without_comment);
    }

    #[test]
    fn counts_names_including_response_only_events() {
        let names = manager_names(SAMPLE);
        assert_eq!(names.actions.iter().collect::<Vec<_>>(), ["Login", "RingAll"]);
        assert_eq!(names.events.iter().collect::<Vec<_>>(), ["Rang", "RingAllComplete", "RingEntry"]);
    }

    #[test]
    fn classifies_includes() {
        let c = |x: &str| classify(&xpointer::parse(x).unwrap());
        let internal = Ok(Target::Internal);
        assert_eq!(c("xpointer(/docs/manager[@name='Login']/syntax/parameter[@name='ActionID'])"), internal);
        assert_eq!(c("xpointer(/docs/managerEvent[@name='A']/managerEventInstance/syntax/parameter)"), internal);
        assert_eq!(
            c("xpointer(/docs/managerEvent[@name='R']/managerEventInstance/syntax/parameter[contains(@name, 'X')])"),
            internal
        );
        assert_eq!(c("xpointer(/docs/managerEvent[@name='A'])"), internal);
        let prose = Ok(Target::Prose);
        assert_eq!(c("xpointer(/docs/manager[@name='A']/syntax/parameter[@name='B']/para[2])"), prose);
        assert_eq!(c("xpointer(/docs/manager[@name='A']/synopsis/node())"), prose);
        assert_eq!(c("xpointer(/docs/manager[@name='A']/syntax/parameter[@name='B']/text())"), prose);
        assert_eq!(c("xpointer(/docs/info[@name='CHANNEL'])"), prose);
        let external = Ok(Target::External);
        assert_eq!(c("xpointer(/docs/application[@name='A']/syntax/parameter[@name='B'])"), external);
        assert_eq!(c("xpointer(/docs/application[@name='A']/syntax/parameter[2])"), external);
        assert_eq!(c("xpointer(/docs/manager[@name='A']/description/enumlist)"), external);
        assert!(c("xpointer(/manager[@name='A'])").is_err());
        assert!(c("xpointer(/docs/node())").is_err());
    }

    #[test]
    fn rejects_bad_input() {
        let err = |xml: &str, release: &str| extract(xml, release).unwrap_err();
        assert!(err("<other/>", "1.0").contains("root element is <other>"));
        assert!(err("", "1.0").contains("no root element"));
        assert!(err("<docs><manager name='A'>", "1.0").contains("invalid XML"));
        assert!(err("<docs>\n<manager name='A'></managerEvent></docs>", "1.0").contains("invalid XML"));
        for release in ["", "1.0--x", "1.0-", "1 0", "<x>"] {
            assert!(err("<docs/>", release).starts_with("invalid release label"));
        }
    }

    #[test]
    fn unknown_elements_need_a_decision() {
        let err = extract("<docs>\n<manager name='A'><syntax><novelty/></syntax></manager></docs>", "1.0").unwrap_err();
        assert!(err.starts_with("element <novelty> inside <syntax> (in <manager name=\"A\">)"), "{err}");
        // Unknown elements outside the manager documentation are simply dropped.
        assert!(extract("<docs><novelty><x/></novelty></docs>", "1.0").is_ok());
    }

    #[test]
    fn external_includes_must_resolve() {
        let doc = r#"<docs xmlns:xi="http://www.w3.org/2001/XInclude"><manager name="A"><syntax>
            <xi:include xpointer="xpointer(/docs/application[@name='Gone']/syntax/parameter[@name='P'])"/>
            </syntax></manager></docs>"#;
        assert!(extract(doc, "1.0").unwrap_err().contains("its target is missing"));
    }

    #[test]
    fn empty_docs() {
        let out = extract("<docs/>", "9").unwrap();
        assert!(out.ends_with("<docs xmlns:xi=\"http://www.w3.org/2001/XInclude\"/>\n"), "{out}");
    }
}
