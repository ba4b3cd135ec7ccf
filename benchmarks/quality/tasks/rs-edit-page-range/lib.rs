//! Page selections for the print dialog: "1-3, 5, 8-10".

#[derive(Debug, Clone, PartialEq)]
pub enum PageError {
    Empty,
    NotANumber(String),
    Zero,
    Backwards(u32, u32),
    PastEnd { page: u32, count: u32 },
}

pub fn parse_number(text: &str) -> Result<u32, PageError> {
    let text = text.trim();
    let page: u32 = text.parse().map_err(|_| PageError::NotANumber(text.to_string()))?;
    if page == 0 {
        return Err(PageError::Zero);
    }
    Ok(page)
}

pub fn parse_range(part: &str) -> Result<(u32, u32), PageError> {
    let part = part.trim();
    if part.is_empty() {
        return Err(PageError::Empty);
    }
    match part.split_once('-') {
        Some((start, end)) => {
            let start = parse_number(start)?;
            let end = parse_number(end)?;
            Ok((start, end))
        }
        None => {
            let page = parse_number(part)?;
            Ok((page, page))
        }
    }
}

pub fn parse_pages(spec: &str, count: u32) -> Result<Vec<u32>, PageError> {
    let mut pages = Vec::new();
    for part in spec.split(',') {
        let (start, end) = parse_range(part)?;
        if end > count {
            return Err(PageError::PastEnd { page: end, count });
        }
        for page in start..=end {
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
    }
    Ok(pages)
}
