//! Tables as xlsx files: a title row, a bold header, then the rows; numbers stay numbers so
//! that a town can sum and sort them in Excel or WPS.

pub mod pdf;
pub mod roster;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

pub use rust_xlsxwriter::XlsxError as WriteError;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share shown as a percentage (0.5 → 50.0%); `None` leaves the cell empty.
    Rate(Option<f64>),
}

/// A table for one sheet.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub sheet: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes the tables as the sheets of one workbook.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&t.sheet)?;
        sheet.write_string_with_format(0, 0, &t.title, &bold)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(2, col(c), h, &bold)?;
            sheet.set_column_width(col(c), if c == 0 { 28 } else { 12 })?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 3).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => sheet.write_string(r, col(c), s)?,
                    Cell::Int(n) => sheet.write_number(r, col(c), *n as f64)?,
                    Cell::Rate(Some(x)) => {
                        sheet.write_number_with_format(r, col(c), *x, &percent)?
                    }
                    Cell::Rate(None) => sheet,
                };
            }
        }
        sheet.set_freeze_panes(3, 1)?;
    }
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_reads_back_with_its_title_headers_and_numbers() {
        let t = Table {
            sheet: "组织生活".into(),
            title: "白涛街道 2026 年组织生活落实情况".into(),
            headers: vec!["组织".into(), "应开".into(), "落实率".into()],
            rows: vec![vec![
                Cell::Text("白涛村党支部".into()),
                Cell::Int(12),
                Cell::Rate(Some(0.75)),
            ]],
        };
        let bytes = xlsx(&[t]).expect("xlsx");
        assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx is a zip archive");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("readable");
        let range = calamine::Reader::worksheet_range(&mut book, "组织生活").expect("sheet");
        let text = |r: u32, c: u32| range.get_value((r, c)).map(ToString::to_string);
        assert_eq!(
            text(0, 0).as_deref(),
            Some("白涛街道 2026 年组织生活落实情况")
        );
        assert_eq!(text(2, 1).as_deref(), Some("应开"));
        assert_eq!(text(3, 0).as_deref(), Some("白涛村党支部"));
        assert_eq!(range.get_value((3, 1)), Some(&calamine::Data::Float(12.0)));
        assert_eq!(range.get_value((3, 2)), Some(&calamine::Data::Float(0.75)));
    }

    #[test]
    fn bad_sheet_names_are_errors_not_panics() {
        let t = Table {
            sheet: "a/b".into(),
            ..Default::default()
        };
        assert!(xlsx(&[t]).is_err());
    }
}
