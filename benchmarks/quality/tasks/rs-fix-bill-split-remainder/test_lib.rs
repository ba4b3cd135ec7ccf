#[path = "lib.rs"]
mod lib;
use lib::*;

fn cents(bill: &Bill) -> Vec<u64> {
    bill.shares().iter().map(|share| share.cents).collect()
}

#[test]
fn leftover_cents_go_to_the_first_people() {
    let bill = Bill::new(1000, 0, &["ana", "ben", "cy"]);
    assert_eq!(cents(&bill), vec![334, 333, 333]);
}

#[test]
fn shares_always_add_up_to_the_total() {
    for (subtotal, tip, people) in [(4999, 15, 4), (101, 10, 7), (100, 0, 3), (6000, 20, 6)] {
        let names: Vec<String> = (0..people).map(|i| format!("p{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let bill = Bill::new(subtotal, tip, &refs);
        let shares = cents(&bill);
        assert_eq!(shares.iter().sum::<u64>(), bill.total_cents(), "{subtotal} {tip} {people}");
        assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
    }
}

#[test]
fn receipt_lists_each_share() {
    let bill = Bill::new(2500, 18, &["dana", "eli"]);
    assert_eq!(bill.receipt(), "dana: 14.75\neli: 14.75");
    let bill = Bill::new(2501, 18, &["dana", "eli"]);
    assert_eq!(bill.receipt(), "dana: 14.76\neli: 14.75");
}
