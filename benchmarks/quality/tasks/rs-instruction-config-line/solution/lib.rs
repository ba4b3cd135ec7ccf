//! A minimal `key = value` configuration format for the sync daemon.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Config {
    values: HashMap<String, String>,
}

pub fn parse_line(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
        return None;
    }
    let (key, value) = line.split_once('=')?;
    Some((key.trim().to_string(), value.trim().to_string()))
}

impl Config {
    pub fn parse(text: &str) -> Config {
        let mut config = Config::default();
        for line in text.lines() {
            if let Some((key, value)) = parse_line(line) {
                config.values.insert(key, value);
            }
        }
        config
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn get_u32(&self, key: &str, default: u32) -> u32 {
        self.get(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    pub fn get_bool(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "yes" | "on" | "1"))
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }
}
