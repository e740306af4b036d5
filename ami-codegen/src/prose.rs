//! Upstream documentation prose to Markdown for rustdoc.
//!
//! Only used when generating from a full upstream file (`AMI_SPEC`): the
//! project's own `spec/` files carry no prose. Text is escaped so that
//! rustdoc sees no stray HTML tags or intra-doc links.

use crate::parse::{collapse_ws, Doc, Node, NodeId};

/// Escapes Markdown and HTML-significant characters in plain text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '*' | '_' | '[' | ']' | '`' | '#' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Inline text of `id`: code-like elements become code spans.
pub fn inline(doc: &Doc, id: NodeId) -> String {
    let mut out = String::new();
    inline_into(doc, id, &mut out);
    let mut s = collapse_ws(&out);
    for p in [".", ",", ";", ":", ")", "!", "?"] {
        s = s.replace(&format!(" {p}"), p);
    }
    s.replace("( ", "(")
}

fn code_span(text: &str) -> String {
    let t = collapse_ws(text);
    if t.is_empty() {
        return String::new();
    }
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

fn inline_into(doc: &Doc, id: NodeId, out: &mut String) {
    for &c in doc.children(id) {
        match &doc.nodes[c] {
            Node::Text(t) => out.push_str(&escape(t)),
            Node::Element { name, .. } => match name.as_str() {
                "literal" | "variable" | "filename" | "directory" | "astcli" | "ref" => {
                    out.push(' ');
                    out.push_str(&code_span(&doc.text(c)));
                    out.push(' ');
                }
                "replaceable" | "emphasis" => {
                    let t = collapse_ws(&doc.text(c));
                    if !t.is_empty() {
                        out.push_str(&format!(" *{}* ", escape(&t)));
                    }
                }
                _ => inline_into(doc, c, out),
            },
        }
    }
}

/// Block-level Markdown for the children of `id` (paragraphs, notes,
/// lists, examples), skipping the element names in `skip`.
pub fn blocks(doc: &Doc, id: NodeId, skip: &[&str]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for &c in doc.children(id) {
        let Some(name) = doc.name(c) else {
            let t = inline_text(doc, c);
            if !t.is_empty() {
                parts.push(t);
            }
            continue;
        };
        if skip.contains(&name) {
            continue;
        }
        match name {
            "para" => push_nonempty(&mut parts, inline(doc, c)),
            "note" | "warning" => {
                let label = if name == "note" { "Note" } else { "Warning" };
                if let Some(b) = blocks(doc, c, &[]) {
                    parts.push(format!("**{label}:** {b}"));
                }
            }
            "enumlist" | "variablelist" | "optionlist" => {
                let mut items = Vec::new();
                for &e in doc.children(c) {
                    let Some(n) = doc.attr(e, "name") else { continue };
                    let body = blocks(doc, e, &["enumlist", "parameter"]).unwrap_or_default().replace("\n\n", " ");
                    items.push(format!(
                        "- {}{}",
                        code_span(n),
                        if body.is_empty() { String::new() } else { format!(": {body}") }
                    ));
                }
                if !items.is_empty() {
                    parts.push(items.join("\n"));
                }
            }
            "example" => {
                let text = doc.text(c);
                let lines: Vec<&str> = text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
                if !lines.is_empty() {
                    let indent = lines.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
                    let body: Vec<&str> = lines.iter().map(|l| &l[indent.min(l.len())..]).collect();
                    parts.push(format!("```text\n{}\n```", body.join("\n").replace("```", "'''")));
                }
            }
            "synopsis" | "since" | "syntax" | "see-also" | "responses" | "parameter" | "argument" => {}
            _ => {
                if let Some(b) = blocks(doc, c, skip) {
                    parts.push(b);
                }
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn inline_text(doc: &Doc, id: NodeId) -> String {
    match &doc.nodes[id] {
        Node::Text(t) => collapse_ws(&escape(t)),
        _ => String::new(),
    }
}

fn push_nonempty(parts: &mut Vec<String>, s: String) {
    if !s.is_empty() {
        parts.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn markdown_from_docbook_like_prose() {
        let xml = "<d><para>Use <literal>Async</literal> for <replaceable>x</replaceable> &lt;b&gt; [1]</para>\
                   <note><para>careful_now</para></note><enumlist><enum name=\"4\"><para>answered</para></enum></enumlist></d>";
        let doc = Doc::parse(xml, Path::new("t")).unwrap();
        let md = blocks(&doc, doc.root, &[]).unwrap();
        assert_eq!(md, "Use `Async` for *x* &lt;b&gt; \\[1\\]\n\n**Note:** careful\\_now\n\n- `4`: answered");
    }
}
