//! Customer accounts for a prepaid card: deposits, withdrawals and an audit trail.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum TxError {
    ZeroAmount,
    Frozen,
    Insufficient { balance: u64, requested: u64 },
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::ZeroAmount => write!(f, "amount must be positive"),
            TxError::Frozen => write!(f, "account is frozen"),
            TxError::Insufficient { balance, requested } => {
                write!(f, "balance {balance} is less than {requested}")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Deposit(u64),
    Withdrawal(u64),
}

pub struct Account {
    pub owner: String,
    balance: u64,
    frozen: bool,
    history: Vec<Entry>,
}

impl Account {
    pub fn new(owner: &str) -> Self {
        Account { owner: owner.to_string(), balance: 0, frozen: false, history: Vec::new() }
    }

    pub fn balance(&self) -> u64 {
        self.balance
    }

    pub fn history(&self) -> &[Entry] {
        &self.history
    }

    pub fn freeze(&mut self) {
        self.frozen = true;
    }

    pub fn deposit(&mut self, amount: u64) -> Result<u64, TxError> {
        if amount == 0 {
            return Err(TxError::ZeroAmount);
        }
        if self.frozen {
            return Err(TxError::Frozen);
        }
        self.balance += amount;
        self.history.push(Entry::Deposit(amount));
        Ok(self.balance)
    }

    pub fn withdraw(&mut self, amount: u64) -> Result<u64, TxError> {
        if amount == 0 {
            return Err(TxError::ZeroAmount);
        }
        if self.frozen {
            return Err(TxError::Frozen);
        }
        if amount > self.balance {
            return Err(TxError::Insufficient { balance: self.balance, requested: amount });
        }
        self.balance -= amount;
        self.history.push(Entry::Withdrawal(amount));
        Ok(self.balance)
    }
}
