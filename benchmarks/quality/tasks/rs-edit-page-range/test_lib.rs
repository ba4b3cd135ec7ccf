#[path = "lib.rs"]
mod lib;
use lib::*;

#[test]
fn a_backwards_range_is_an_error() {
    assert_eq!(parse_range("9-4"), Err(PageError::Backwards(9, 4)));
    assert_eq!(parse_range(" 12 - 11 "), Err(PageError::Backwards(12, 11)));
}

#[test]
fn a_print_spec_with_a_backwards_range_is_refused() {
    assert_eq!(parse_pages("1, 7-5", 10), Err(PageError::Backwards(7, 5)));
}

#[test]
fn forward_ranges_and_single_pages_still_work() {
    assert_eq!(parse_range("3-3"), Ok((3, 3)));
    assert_eq!(parse_pages("1-3, 5, 2", 10), Ok(vec![1, 2, 3, 5]));
    assert_eq!(parse_range("x-2"), Err(PageError::NotANumber("x".to_string())));
}
