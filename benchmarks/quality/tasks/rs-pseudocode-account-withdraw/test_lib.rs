#[path = "lib.rs"]
mod lib;
use lib::*;

fn funded(amount: u64) -> Account {
    let mut account = Account::new("ada");
    account.deposit(amount).unwrap();
    account
}

#[test]
fn withdraw_reduces_the_balance_and_is_recorded() {
    let mut account = funded(100);
    assert_eq!(account.withdraw(30), Ok(70));
    assert_eq!(account.withdraw(70), Ok(0));
    assert_eq!(account.history(), &[Entry::Deposit(100), Entry::Withdrawal(30), Entry::Withdrawal(70)]);
}

#[test]
fn overdrawing_is_refused_and_changes_nothing() {
    let mut account = funded(50);
    assert_eq!(account.withdraw(51), Err(TxError::Insufficient { balance: 50, requested: 51 }));
    assert_eq!(account.balance(), 50);
    assert_eq!(account.history().len(), 1);
}

#[test]
fn zero_amounts_and_frozen_accounts_are_refused() {
    let mut account = funded(50);
    assert_eq!(account.withdraw(0), Err(TxError::ZeroAmount));
    account.freeze();
    assert_eq!(account.withdraw(10), Err(TxError::Frozen));
    assert_eq!(account.balance(), 50);
}
