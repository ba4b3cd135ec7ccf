#[path = "lib.rs"]
mod lib;
use lib::*;

fn pair(key: &str, value: &str) -> Option<(String, String)> {
    Some((key.to_string(), value.to_string()))
}

#[test]
fn keys_and_values_are_trimmed() {
    assert_eq!(parse_line("  interval = 30 "), pair("interval", "30"));
    assert_eq!(parse_line("target=\t/srv/backup"), pair("target", "/srv/backup"));
}

#[test]
fn comments_and_blank_lines_are_ignored() {
    assert_eq!(parse_line("# interval = 10"), None);
    assert_eq!(parse_line("   ; retries=3"), None);
    assert_eq!(parse_line("   "), None);
}

#[test]
fn a_whole_file() {
    let config = Config::parse("# sync daemon\nretries = 5\n\n; verbose = no\nverbose = yes\nnoise\n");
    assert_eq!(config.len(), 2);
    assert_eq!(config.get_u32("retries", 1), 5);
    assert!(config.get_bool("verbose"));
}
