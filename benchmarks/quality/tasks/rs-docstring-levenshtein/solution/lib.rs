//! "Did you mean …?" suggestions for mistyped command names.

/// The largest edit distance still offered as a suggestion.
pub const MAX_DISTANCE: usize = 2;

/// Lower-cases a name and drops the separators `-` and `_`.
pub fn normalize(name: &str) -> String {
    name.chars().filter(|c| *c != '-' && *c != '_').flat_map(char::to_lowercase).collect()
}

/// The edit distance between `a` and `b`: the fewest single-character insertions,
/// deletions and substitutions that turn one into the other.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = if ca == cb { 0 } else { 1 };
            let best = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
            current.push(best);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The known command closest to `typed`, if it is within `MAX_DISTANCE` edits.
pub fn suggest<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    let typed = normalize(typed);
    known
        .iter()
        .map(|name| (levenshtein(&typed, &normalize(name)), *name))
        .filter(|(distance, _)| *distance <= MAX_DISTANCE)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}
