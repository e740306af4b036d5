//! quick-xml in: the whole document as a small arena tree.
//!
//! Nodes live in one `Vec` and refer to their children by index, so the
//! include pass can splice a shared subtree into several places without
//! copying it. The tree keeps element names as written (`xi:include`),
//! attributes, and text; comments, processing instructions and the doctype
//! are dropped.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::Error;

/// Index of a node in [`Doc::nodes`].
pub type NodeId = usize;

/// One element or text node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element with its attributes and children.
    Element {
        /// The qualified name as written, e.g. `parameter` or `xi:include`.
        name: String,
        /// Attributes in document order, values unescaped.
        attrs: Vec<(String, String)>,
        /// Child nodes in document order.
        children: Vec<NodeId>,
    },
    /// Character data, unescaped.
    Text(String),
}

/// A parsed XML document.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Every node; the root element is [`Doc::root`].
    pub nodes: Vec<Node>,
    /// The document element (`docs` in Asterisk's files).
    pub root: NodeId,
}

impl Doc {
    /// Parses XML text. `path` only labels errors.
    pub fn parse(text: &str, path: &Path) -> Result<Doc, Error> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().trim_text(false);
        let mut doc = Doc::default();
        // A virtual document node holds the root element.
        doc.nodes.push(Node::Element { name: String::new(), attrs: Vec::new(), children: Vec::new() });
        let mut stack: Vec<NodeId> = vec![0];
        let err = |reader: &Reader<&[u8]>, message: String| Error::Xml {
            path: path.to_path_buf(),
            position: reader.buffer_position(),
            message,
        };
        loop {
            let event = reader.read_event().map_err(|e| err(&reader, e.to_string()))?;
            match event {
                Event::Start(e) => {
                    let id = doc.push_element(&e, *stack.last().unwrap()).map_err(|m| err(&reader, m))?;
                    stack.push(id);
                }
                Event::Empty(e) => {
                    doc.push_element(&e, *stack.last().unwrap()).map_err(|m| err(&reader, m))?;
                }
                Event::End(_) => {
                    stack.pop();
                    if stack.is_empty() {
                        return Err(err(&reader, "unbalanced end tag".into()));
                    }
                }
                Event::Text(t) => {
                    let text = match t.unescape() {
                        Ok(s) => s.into_owned(),
                        Err(_) => String::from_utf8_lossy(&t).into_owned(),
                    };
                    doc.push_text(text, *stack.last().unwrap());
                }
                Event::CData(t) => {
                    let text = String::from_utf8_lossy(&t).into_owned();
                    doc.push_text(text, *stack.last().unwrap());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if stack.len() != 1 {
            return Err(err(&reader, "document ends inside an element".into()));
        }
        doc.root = doc
            .children(0)
            .iter()
            .copied()
            .find(|&c| matches!(doc.nodes[c], Node::Element { .. }))
            .ok_or_else(|| err(&reader, "no root element".into()))?;
        Ok(doc)
    }

    fn push_element(&mut self, e: &BytesStart<'_>, parent: NodeId) -> Result<NodeId, String> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            attrs.push((key, value));
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Element { name, attrs, children: Vec::new() });
        self.children_mut(parent).push(id);
        Ok(id)
    }

    fn push_text(&mut self, text: String, parent: NodeId) {
        let id = self.nodes.len();
        self.nodes.push(Node::Text(text));
        self.children_mut(parent).push(id);
    }

    /// Children of an element (empty for text).
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[id] {
            Node::Element { children, .. } => children,
            Node::Text(_) => &[],
        }
    }

    /// Mutable children of an element.
    pub fn children_mut(&mut self, id: NodeId) -> &mut Vec<NodeId> {
        match &mut self.nodes[id] {
            Node::Element { children, .. } => children,
            Node::Text(_) => panic!("text node has no children"),
        }
    }

    /// The element name, or `None` for text.
    pub fn name(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id] {
            Node::Element { name, .. } => Some(name),
            Node::Text(_) => None,
        }
    }

    /// Whether `id` is an element called `name`.
    pub fn is(&self, id: NodeId, name: &str) -> bool {
        self.name(id) == Some(name)
    }

    /// An attribute value.
    pub fn attr(&self, id: NodeId, key: &str) -> Option<&str> {
        match &self.nodes[id] {
            Node::Element { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }

    /// Child elements called `name`.
    pub fn elements<'a>(&'a self, id: NodeId, name: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.children(id).iter().copied().filter(move |&c| self.is(c, name))
    }

    /// The first child element called `name`.
    pub fn element(&self, id: NodeId, name: &str) -> Option<NodeId> {
        self.elements(id, name).next()
    }

    /// All text below `id`, concatenated.
    pub fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        self.collect_text(id, &mut out);
        out
    }

    fn collect_text(&self, id: NodeId, out: &mut String) {
        match &self.nodes[id] {
            Node::Text(t) => out.push_str(t),
            Node::Element { children, .. } => children.iter().for_each(|&c| self.collect_text(c, out)),
        }
    }

    /// Text below `id` with runs of white space collapsed to one space.
    pub fn text_trimmed(&self, id: NodeId) -> String {
        collapse_ws(&self.text(id))
    }
}

/// Collapses runs of white space to one space and trims the ends.
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_elements_attributes_and_text() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE docs SYSTEM "x.dtd"><docs xmlns:xi="http://www.w3.org/2001/XInclude">
            <!-- c --><manager name="A&amp;B"><synopsis>x &lt; y</synopsis><xi:include xpointer="p"/></manager></docs>"#;
        let d = Doc::parse(xml, Path::new("t.xml")).unwrap();
        assert!(d.is(d.root, "docs"));
        let m = d.element(d.root, "manager").unwrap();
        assert_eq!(d.attr(m, "name"), Some("A&B"));
        assert_eq!(d.text_trimmed(d.element(m, "synopsis").unwrap()), "x < y");
        assert!(d.element(m, "xi:include").is_some());
    }

    #[test]
    fn reports_position_on_bad_xml() {
        let e = Doc::parse("<docs><a></docs>", Path::new("bad.xml")).unwrap_err();
        assert!(e.to_string().starts_with("bad.xml: invalid XML"), "{e}");
    }
}
