//! Splitting a restaurant bill between friends, in whole cents.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    pub subtotal_cents: u64,
    pub tip_percent: u64,
    pub people: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub struct Share {
    pub name: String,
    pub cents: u64,
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}.{:02}", self.name, self.cents / 100, self.cents % 100)
    }
}

impl Bill {
    pub fn new(subtotal_cents: u64, tip_percent: u64, people: &[&str]) -> Bill {
        Bill {
            subtotal_cents,
            tip_percent,
            people: people.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// Subtotal plus tip, with the tip rounded to the nearest cent.
    pub fn total_cents(&self) -> u64 {
        self.subtotal_cents + (self.subtotal_cents * self.tip_percent + 50) / 100
    }

    /// Everyone's share of the total. The shares add up to the total exactly: the cents
    /// that do not divide evenly go one each to the first people in the list.
    pub fn shares(&self) -> Vec<Share> {
        let total = self.total_cents();
        let count = self.people.len() as u64;
        let base = total / count;
        self.people
            .iter()
            .map(|name| Share { name: name.clone(), cents: base })
            .collect()
    }

    pub fn receipt(&self) -> String {
        let lines: Vec<String> = self.shares().iter().map(|share| share.to_string()).collect();
        lines.join("\n")
    }
}
