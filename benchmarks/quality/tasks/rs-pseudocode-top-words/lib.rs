//! Keyword summaries for support tickets: the most frequent words in a text.

use std::collections::HashMap;

pub const STOP_WORDS: [&str; 8] = ["a", "an", "and", "in", "is", "of", "the", "to"];

/// Lower-cased words: runs of letters, digits and apostrophes.
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|word| word.trim_matches('\'').to_lowercase())
        .filter(|word| !word.is_empty())
        .collect()
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

pub fn top_words(text: &str, limit: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    // count every token from tokenize(text) that is not a stop word
    // collect the counts into a vector of (word, count) pairs
    // sort it by count, highest first, and alphabetically when counts are equal
    // keep at most `limit` pairs and return them
}

pub fn keyword_line(text: &str) -> String {
    top_words(text, 3)
        .into_iter()
        .map(|(word, count)| format!("{word} ({count})"))
        .collect::<Vec<_>>()
        .join(", ")
}
