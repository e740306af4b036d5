//! Numbered groups: the one place that reads a parameter name as "one
//! header per item, numbered".
//!
//! Asterisk documents a parameter sent once per item of a list by the name
//! of its first item: `Action-000000` (`UpdateConfig`: six digits after a
//! dash) or `UnitAmount(0)` (`AOCMessage`). This pass finds those names,
//! marks each such parameter with its stem and numbering, and gathers the
//! parameters of one action numbered the same way into one
//! [`NumberedGroup`], named `item` until a fixup names it better. Nothing
//! after this pass looks at name patterns: the emitters and the metadata
//! read [`Param::numbered`] and [`crate::model::Action::groups`].

use crate::model::{Numbered, NumberedGroup, Numbering, Origin, Param, Spec};

/// The group name a pass-made group gets until a fixup names it.
pub const DEFAULT_GROUP: &str = "item";

/// The stem and numbering of a documented parameter name standing for item
/// 0 of a numbered group: `Action-000000` -> (`Action`, dashed),
/// `UnitAmount(0)` -> (`UnitAmount`, parenthesised).
pub fn numbering_of(name: &str) -> Option<(&str, Numbering)> {
    if let Some(stem) = name.strip_suffix("-000000") {
        return (!stem.is_empty()).then_some((stem, Numbering::Dashed));
    }
    if let Some(stem) = name.strip_suffix("(0)") {
        return (!stem.is_empty()).then_some((stem, Numbering::Parenthesised));
    }
    None
}

/// Marks numbered parameters and builds each action's groups.
pub fn apply(spec: &mut Spec) {
    for a in &mut spec.actions {
        let mut groups: Vec<NumberedGroup> = Vec::new();
        for p in &mut a.params {
            let Some((stem, numbering)) = numbering_of(&p.name) else { continue };
            p.numbered = Some(Numbered { group: DEFAULT_GROUP.into(), stem: stem.to_string(), numbering });
            match groups.iter_mut().find(|g| g.numbering == numbering) {
                Some(g) => g.params.push(p.name.clone()),
                None => groups.push(NumberedGroup {
                    name: DEFAULT_GROUP.into(),
                    numbering,
                    params: vec![p.name.clone()],
                    required: Vec::new(),
                    origin: Origin::Xml,
                    ident: String::new(),
                    field_ident: String::new(),
                    method_ident: String::new(),
                    selector: None,
                    ctors: Vec::new(),
                }),
            }
        }
        // Two groups of one action would share the default name.
        if groups.len() > 1 {
            for g in &mut groups {
                let suffix = match g.numbering {
                    Numbering::Dashed => "dashed_item",
                    Numbering::Parenthesised => "paren_item",
                };
                g.name = suffix.into();
                for p in a.params.iter_mut().filter(|p| g.params.contains(&p.name)) {
                    if let Some(n) = &mut p.numbered {
                        n.group = suffix.into();
                    }
                }
            }
        }
        a.groups = groups;
    }
}

impl NumberedGroup {
    /// Whether `p` belongs to this group.
    pub fn has(&self, p: &Param) -> bool {
        self.params.iter().any(|n| n == &p.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;

    #[test]
    fn numbered_names_are_read_once_here() {
        assert_eq!(numbering_of("Action-000000"), Some(("Action", Numbering::Dashed)));
        assert_eq!(numbering_of("UnitAmount(0)"), Some(("UnitAmount", Numbering::Parenthesised)));
        assert_eq!(numbering_of("Header1"), None);
        assert_eq!(numbering_of("Action-1"), None);
        assert_eq!(numbering_of("-000000"), None);
    }

    #[test]
    fn groups_gather_members() {
        let mut spec = Spec::default();
        spec.actions.push(Action {
            name: "UpdateConfig".into(),
            params: vec![Param::named("SrcFilename"), Param::named("Action-000000"), Param::named("Cat-000000")],
            ..Action::default()
        });
        apply(&mut spec);
        let a = &spec.actions[0];
        assert_eq!(a.groups.len(), 1);
        assert_eq!(a.groups[0].params, ["Action-000000", "Cat-000000"]);
        assert_eq!(a.params[0].numbered, None);
        assert_eq!(a.params[2].numbered.as_ref().map(|n| n.stem.as_str()), Some("Cat"));
    }
}
