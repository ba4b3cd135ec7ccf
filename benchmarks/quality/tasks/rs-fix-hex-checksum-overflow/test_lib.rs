#[path = "lib.rs"]
mod lib;
use lib::*;

#[test]
fn checksum_of_a_long_data_record() {
    let bytes = [
        0x10, 0x01, 0x00, 0x00, 0x21, 0x46, 0x01, 0x36, 0x01, 0x21, 0x47, 0x01, 0x36, 0x00, 0x7E,
        0xFE, 0x09, 0xD2, 0x19, 0x01,
    ];
    assert_eq!(checksum(&bytes), 0x40);
}

#[test]
fn short_records_and_empty_input() {
    assert_eq!(checksum(&[0x03, 0x00, 0x30, 0x00, 0x02, 0x33, 0x7A]), 0x1E);
    assert_eq!(checksum(&[0x00, 0x00, 0x00, 0x01]), 0xFF);
    assert_eq!(checksum(&[]), 0x00);
}

#[test]
fn records_round_trip() {
    let line = ":10010000214601360121470136007EFE09D2190140";
    let record = Record::parse(line).unwrap();
    assert_eq!(record.address, 0x0100);
    assert_eq!(record.kind, RecordType::Data);
    assert_eq!(record.encode(), line);
    assert_eq!(Record::parse(":00000001FF").unwrap().kind, RecordType::EndOfFile);
}
