#[path = "lib.rs"]
mod lib;
use lib::*;

const SOURCE: &str = include_str!("lib.rs");

#[test]
fn levenshtein_has_a_doc_comment() {
    let lines: Vec<&str> = SOURCE.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with("pub fn levenshtein("))
        .expect("levenshtein is still declared");
    let mut start = at;
    while start > 0 && lines[start - 1].trim_start().starts_with("///") {
        start -= 1;
    }
    assert!(start < at, "a /// doc comment directly above levenshtein");
    let words = lines[start..at].join(" ").replace("///", " ");
    assert!(words.split_whitespace().count() >= 3, "the doc comment says something");
}

#[test]
fn the_other_items_are_unchanged() {
    for expected in [
        "/// Lower-cases a name and drops the separators `-` and `_`.\npub fn normalize(name: &str) -> String {\n",
        "/// The known command closest to `typed`, if it is within `MAX_DISTANCE` edits.\npub fn suggest<'a>(",
        "/// The largest edit distance still offered as a suggestion.\npub const MAX_DISTANCE: usize = 2;\n",
    ] {
        assert!(SOURCE.contains(expected), "{expected}");
    }
}

#[test]
fn levenshtein_behaves_as_before() {
    assert_eq!(levenshtein("kitten", "sitting"), 3);
    assert_eq!(levenshtein("", "abc"), 3);
    assert_eq!(levenshtein("größe", "grösse"), 2);
    assert_eq!(suggest("Comit", &["commit", "config", "clone"]), Some("commit"));
}
