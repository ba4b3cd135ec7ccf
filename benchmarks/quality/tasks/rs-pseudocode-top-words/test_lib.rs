#[path = "lib.rs"]
mod lib;
use lib::*;

fn pairs(items: &[(&str, usize)]) -> Vec<(String, usize)> {
    items.iter().map(|(word, count)| (word.to_string(), *count)).collect()
}

#[test]
fn counts_words_without_stop_words() {
    let text = "The printer is jammed. Printer jammed again, and the tray is empty.";
    assert_eq!(top_words(text, 2), pairs(&[("jammed", 2), ("printer", 2)]));
}

#[test]
fn ties_are_alphabetical_and_limit_applies() {
    let text = "zeta beta alpha beta zeta gamma";
    assert_eq!(top_words(text, 3), pairs(&[("beta", 2), ("zeta", 2), ("alpha", 1)]));
    assert_eq!(top_words(text, 10).len(), 4);
    assert_eq!(top_words(text, 0), pairs(&[]));
}

#[test]
fn keyword_line_uses_the_top_three() {
    assert_eq!(keyword_line("Can't log in. Login page can't load; page is blank"), "can't (2), page (2), blank (1)");
}
