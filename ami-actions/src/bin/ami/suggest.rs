//! "Did you mean": the known names closest to a mistyped one.

/// Up to `max` names from `candidates` close to `word`, closest first:
/// within a small edit distance (ignoring ASCII case), or containing the
/// word (for words of four letters or more).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<&'a str> {
    let w = word.to_ascii_lowercase();
    let limit = (w.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_ascii_lowercase();
            let d = distance(&w, &lc);
            if d <= limit {
                Some((d, c))
            } else if w.len() >= 4 && lc.contains(&w) {
                // A part of the name: ranked after the close spellings.
                Some((limit + 1 + lc.len() - w.len(), c))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// " (did you mean A, B or C?)", or "" when nothing is close.
pub fn did_you_mean(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}

/// Levenshtein distance, counting an adjacent swap as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("hangup", "hnagup"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn close_spellings_first_then_parts() {
        let names = ["CoreShowChannels", "CoreShowChannelMap", "Hangup", "Originate", "Status", "ShowDialPlan"];
        assert_eq!(closest("coreshowchanels", names, 3), ["CoreShowChannels"]);
        assert_eq!(closest("Hnagup", names, 3), ["Hangup"]);
        assert_eq!(closest("channel", names, 3), ["CoreShowChannels", "CoreShowChannelMap"]);
        assert!(closest("Zzzzzzzz", names, 3).is_empty());
    }

    #[test]
    fn sentence() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["A"]), " (did you mean A?)");
        assert_eq!(did_you_mean(&["A", "B", "C"]), " (did you mean A, B or C?)");
    }
}
