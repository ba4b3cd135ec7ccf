//! Intel HEX records for the firmware uploader: encoding, parsing and checksums.

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecordType {
    Data,
    EndOfFile,
    ExtendedLinearAddress,
}

impl RecordType {
    fn code(self) -> u8 {
        match self {
            RecordType::Data => 0x00,
            RecordType::EndOfFile => 0x01,
            RecordType::ExtendedLinearAddress => 0x04,
        }
    }

    fn from_code(code: u8) -> Option<RecordType> {
        match code {
            0x00 => Some(RecordType::Data),
            0x01 => Some(RecordType::EndOfFile),
            0x04 => Some(RecordType::ExtendedLinearAddress),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub address: u16,
    pub kind: RecordType,
    pub data: Vec<u8>,
}

#[derive(Debug, PartialEq)]
pub enum HexError {
    MissingColon,
    BadHex,
    BadLength,
    UnknownType(u8),
    Checksum { expected: u8, found: u8 },
}

/// The two's complement of the sum of all bytes, as stored at the end of a record.
pub fn checksum(bytes: &[u8]) -> u8 {
    let mut sum: u8 = 0;
    for &byte in bytes {
        sum += byte;
    }
    sum.wrapping_neg()
}

fn decode_hex(text: &str) -> Result<Vec<u8>, HexError> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return Err(HexError::BadHex);
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| HexError::BadHex))
        .collect()
}

impl Record {
    fn bytes(&self) -> Vec<u8> {
        let [high, low] = self.address.to_be_bytes();
        let mut bytes = vec![self.data.len() as u8, high, low, self.kind.code()];
        bytes.extend_from_slice(&self.data);
        bytes
    }

    pub fn encode(&self) -> String {
        let bytes = self.bytes();
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!(":{hex}{:02X}", checksum(&bytes))
    }

    pub fn parse(line: &str) -> Result<Record, HexError> {
        let body = line.trim().strip_prefix(':').ok_or(HexError::MissingColon)?;
        let bytes = decode_hex(body)?;
        if bytes.len() < 5 || bytes.len() != bytes[0] as usize + 5 {
            return Err(HexError::BadLength);
        }
        let (content, last) = bytes.split_at(bytes.len() - 1);
        let expected = checksum(content);
        if expected != last[0] {
            return Err(HexError::Checksum { expected, found: last[0] });
        }
        let kind = RecordType::from_code(content[3]).ok_or(HexError::UnknownType(content[3]))?;
        let address = u16::from_be_bytes([content[1], content[2]]);
        Ok(Record { address, kind, data: content[4..].to_vec() })
    }
}
