//! Prints what this build of ami-actions was generated from: the number of
//! actions and events (and how many events come from Asterisk's XML rather
//! than from fixups). `.ci/check-ami-spec.sh` compares these with the file.

fn main() {
    let xml_events = ami_actions::meta::EVENTS.iter().filter(|e| !e.doc_url.is_empty()).count();
    println!("releases {}", ami_actions::meta::RELEASES.join(","));
    println!("actions {}", ami_actions::meta::ACTIONS.len());
    println!("events {}", ami_actions::meta::EVENTS.len());
    println!("xml_events {xml_events}");
}
