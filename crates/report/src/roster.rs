//! Reading a roster someone filled in Excel or WPS: one sheet, a header row, one record a row.
//! Everything a person can do to a spreadsheet arrives here, so nothing in it may panic and
//! every refusal says in Chinese what to change.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use time::{Date, Duration, Month};

/// One data row: its row number as Excel shows it, and its cells as trimmed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<String>,
    /// Columns whose cell holds a formula rather than a typed value.
    pub formulas: Vec<usize>,
    /// Columns whose cell Excel stored as a number (long ID numbers lose digits that way).
    pub numbers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotXlsx,
    TooLarge,
    NoSheet(String),
    Empty,
    MergedHeader,
    BadHeader { expected: String, found: String },
    TooManyRows(usize),
}

impl ReadError {
    pub fn message(&self) -> String {
        match self {
            ReadError::NotXlsx => {
                "文件不是有效的 xlsx 文件（请用 Excel 或 WPS 另存为 .xlsx 后再上传）".into()
            }
            ReadError::TooLarge => "文件解压后过大，请拆分后分批导入".into(),
            ReadError::NoSheet(s) => format!("文件中没有名为“{s}”的工作表，请使用下载的模板"),
            ReadError::Empty => "工作表中没有数据".into(),
            ReadError::MergedHeader => "表头不能有合并单元格，请使用下载的模板".into(),
            ReadError::BadHeader { expected, found } => {
                format!("第 1 行表头应为“{expected}”，实际为“{found}”，请使用下载的模板")
            }
            ReadError::TooManyRows(max) => {
                format!("一次最多导入 {max} 行，请拆分后分批导入")
            }
        }
    }
}

/// How much the archive may inflate to: a 100,000-row roster is about 60 MB of sheet XML.
const MAX_INFLATED: u64 = 300 * 1024 * 1024;

/// Refuses what is not a zip archive, or one that would inflate beyond reason.
fn check_archive(bytes: &[u8]) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| ReadError::NotXlsx)?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_INFLATED {
        return Err(ReadError::TooLarge);
    }
    Ok(())
}

/// Reads sheet `sheet` (or, when there is none by that name and only one sheet, that one),
/// checks that its first row holds `headers`, and returns its rows, empty ones left out.
pub fn read(
    bytes: &[u8],
    sheet: &str,
    headers: &[&str],
    max_rows: usize,
) -> Result<Vec<Row>, ReadError> {
    // calamine 0.30 panics on some malformed sheets (a dimension such as `B5:A1` underflows
    // in `get_dimension`; found by fuzzing): whatever it does with a file a person uploaded
    // ends in a refusal, not in a failed request.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_checked(bytes, sheet, headers, max_rows)
    }))
    .unwrap_or(Err(ReadError::NotXlsx))
}

fn read_checked(
    bytes: &[u8],
    sheet: &str,
    headers: &[&str],
    max_rows: usize,
) -> Result<Vec<Row>, ReadError> {
    check_archive(bytes)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ReadError::NotXlsx)?;
    let names = book.sheet_names();
    let name = match names.iter().find(|n| n.trim() == sheet) {
        Some(n) => n.clone(),
        None if names.len() == 1 => names[0].clone(),
        None => return Err(ReadError::NoSheet(sheet.into())),
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|_| ReadError::NotXlsx)?;
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return Err(ReadError::Empty);
    };
    let top = start.0;
    if book.load_merged_regions().is_ok()
        && book
            .merged_regions_by_sheet(&name)
            .iter()
            .any(|(_, _, d)| d.start.0 <= top && top <= d.end.0)
    {
        return Err(ReadError::MergedHeader);
    }
    let width = headers.len();
    let col = |c: usize| u32::try_from(c).unwrap_or(u32::MAX);
    let found: Vec<String> = (0..width)
        .map(|c| range.get_value((top, col(c))).map(text).unwrap_or_default())
        .collect();
    if found.iter().zip(headers).any(|(f, h)| f != h) {
        return Err(ReadError::BadHeader {
            expected: headers.join("、"),
            found: found.join("、"),
        });
    }
    let rows_in_sheet = (end.0 - top) as usize;
    if rows_in_sheet > max_rows {
        // Trailing empty rows do not count; look before refusing.
        let filled = (top + 1..=end.0)
            .filter(|r| (0..width).any(|c| !cell_empty(range.get_value((*r, col(c))))))
            .count();
        if filled > max_rows {
            return Err(ReadError::TooManyRows(max_rows));
        }
    }
    let formulas = book.worksheet_formula(&name).ok();
    let mut out = Vec::new();
    for r in top + 1..=end.0 {
        let values: Vec<Option<&Data>> = (0..width).map(|c| range.get_value((r, col(c)))).collect();
        if values.iter().all(|v| cell_empty(*v)) {
            continue;
        }
        let formula_cols = (0..width)
            .filter(|c| {
                formulas
                    .as_ref()
                    .and_then(|f| f.get_value((r, col(*c))))
                    .is_some_and(|f| !f.is_empty())
            })
            .collect();
        out.push(Row {
            line: r + 1,
            cells: values
                .iter()
                .map(|v| v.map(text).unwrap_or_default())
                .collect(),
            formulas: formula_cols,
            numbers: values
                .iter()
                .enumerate()
                .filter(|(_, v)| matches!(v, Some(Data::Float(_) | Data::Int(_))))
                .map(|(c, _)| c)
                .collect(),
        });
    }
    Ok(out)
}

fn cell_empty(v: Option<&Data>) -> bool {
    v.is_none_or(|d| text(d).is_empty())
}

/// A cell as the text a person meant: numbers without a trailing ".0", dates as YYYY-MM-DD,
/// full-width letters and digits as ASCII, surrounding spaces (also full-width) removed.
pub fn text(d: &Data) -> String {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => normalize(s),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) => serial_date(dt.as_f64()).unwrap_or_default(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Full-width ASCII (U+FF01..U+FF5E) to ASCII, the ideographic space to a space, trimmed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// An Excel serial day (1 = 1900-01-01, with Excel's phantom 1900-02-29) as YYYY-MM-DD.
pub fn serial_date(serial: f64) -> Option<String> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let base = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    // Serials before 1900-03-01 are one day off because of the phantom leap day.
    let d = base.checked_add(Duration::days(if days < 61 { days + 1 } else { days }))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        d.month() as u8,
        d.day()
    ))
}

/// A date typed as text in the usual ways (2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日,
/// 20210305) or as a bare serial number, as YYYY-MM-DD; anything else is returned as typed
/// so that the validator explains it.
pub fn loose_date(s: &str) -> String {
    let s = normalize(s);
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]);
    }
    if (4..=6).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_digit())
        && let Some(d) = s.parse::<f64>().ok().and_then(serial_date)
    {
        return d;
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d]
            if y.len() == 4
                && [y, m, d]
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_digit()))
                && m.len() <= 2
                && d.len() <= 2 =>
        {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => s,
    }
}

/// A roster as the template lays it out: the header on row 1, every cell text (so that ID
/// numbers keep their digits when someone edits and saves the file), and a sheet of notes.
pub fn write(
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
    notes: &[&str],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let as_text = Format::new().set_num_format("@");
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold)?;
        ws.set_column_format(c, &as_text)?;
        ws.set_column_width(c, if h.chars().count() > 4 { 20 } else { 12 })?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r, u16::try_from(c).unwrap_or(u16::MAX), v, &as_text)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !notes.is_empty() {
        let ns = book.add_worksheet();
        ns.set_name("填写说明")?;
        ns.set_column_width(0, 100)?;
        for (r, n) in notes.iter().enumerate() {
            ns.write_string(u32::try_from(r).unwrap_or(u32::MAX), 0, *n)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file the fuzzer made, on which calamine panics: refused like any broken file.
    #[test]
    fn a_sheet_that_makes_the_reader_panic_is_refused() {
        let bytes = include_bytes!("../tests/data/dimension_backwards.xlsx");
        let headers = ["姓名", "身份证号"];
        assert_eq!(
            read(bytes, "党员名册", &headers, 1_000).err(),
            Some(ReadError::NotXlsx)
        );
    }

    #[test]
    fn people_type_dates_many_ways() {
        for typed in [
            "1985-03-17",
            "1985/3/17",
            "1985.3.17",
            "1985年3月17日",
            "19850317",
            " 1985-03-17 ",
            "１９８５－０３－１７",
            "31123",
        ] {
            assert_eq!(loose_date(typed), "1985-03-17", "{typed}");
        }
        assert_eq!(loose_date("去年"), "去年");
        assert_eq!(
            loose_date("1985-13-45"),
            "1985-13-45",
            "left for the validator"
        );
    }

    #[test]
    fn serials_follow_excel() {
        assert_eq!(serial_date(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(serial_date(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(serial_date(44_197.0).as_deref(), Some("2021-01-01"));
        assert_eq!(serial_date(0.0), None);
        assert_eq!(serial_date(f64::NAN), None);
    }

    #[test]
    fn full_width_and_spaces_are_normalized() {
        assert_eq!(
            normalize("　５００１０２１９８５０３１７００１Ｘ "),
            "50010219850317001X"
        );
        assert_eq!(text(&Data::Float(13800138000.0)), "13800138000");
        assert_eq!(text(&Data::Empty), "");
    }

    #[test]
    fn a_written_roster_reads_back() {
        let headers = ["姓名", "身份证号"];
        let rows = vec![
            vec!["张三".to_string(), "500102198503170013".to_string()],
            vec![String::new(), String::new()],
            vec![
                "李四".to_string(),
                "５００１０２１９８５０３１７００１３".to_string(),
            ],
        ];
        let bytes = write("党员名册", &headers, &rows, &["说明"]).expect("xlsx");
        let read_back = read(&bytes, "党员名册", &headers, 10).expect("rows");
        assert_eq!(read_back.len(), 2, "the empty row is left out");
        assert_eq!(read_back[0].line, 2);
        assert_eq!(read_back[0].cells, ["张三", "500102198503170013"]);
        assert_eq!(read_back[1].line, 4);
        assert_eq!(read_back[1].cells[1], "500102198503170013");
        assert_eq!(
            read(&bytes, "党员名册", &["姓名", "手机号"], 10),
            Err(ReadError::BadHeader {
                expected: "姓名、手机号".into(),
                found: "姓名、身份证号".into()
            })
        );
        assert_eq!(
            read(&bytes, "党员名册", &headers, 1),
            Err(ReadError::TooManyRows(1))
        );
        assert_eq!(
            read(&bytes, "名册", &headers, 10),
            Err(ReadError::NoSheet("名册".into())),
            "two sheets and none by that name"
        );
    }

    #[test]
    fn merged_headers_and_formulas_are_seen() {
        use rust_xlsxwriter::{Format, Formula, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("党员名册").expect("name");
        ws.merge_range(0, 0, 0, 1, "姓名", &Format::new())
            .expect("merge");
        let merged = book.save_to_buffer().expect("xlsx");
        assert_eq!(
            read(&merged, "党员名册", &["姓名", "身份证号"], 10),
            Err(ReadError::MergedHeader)
        );

        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "姓名").expect("h");
        ws.write_string(0, 1, "年龄").expect("h");
        ws.write_string(1, 0, "张三").expect("v");
        ws.write_formula(1, 1, Formula::new("=1+1").set_result("2"))
            .expect("f");
        let with_formula = book.save_to_buffer().expect("xlsx");
        let rows = read(&with_formula, "Sheet1", &["姓名", "年龄"], 10).expect("rows");
        assert_eq!(rows[0].formulas, [1]);
    }

    #[test]
    fn what_is_not_an_xlsx_is_refused() {
        assert_eq!(read(b"not a zip", "s", &["a"], 10), Err(ReadError::NotXlsx));
        assert_eq!(read(&[], "s", &["a"], 10), Err(ReadError::NotXlsx));
    }
}
