//! A document laid out into A4 pages before any byte of PDF is written: headings,
//! paragraphs, tables and bars flow down the page; a table row that does not fit starts a new
//! page that repeats the table's header; a heading never stays alone at the foot of a page.
//! Only once the page count is known is each page given its running head (the organization,
//! the date) and its foot (the document, 第 N 页 / 共 M 页).

use super::font::FACE;
use super::lines::break_lines;

/// A4 upright, in points.
const A4: (f32, f32) = (595.0, 842.0);
const MARGIN_X: f32 = 56.0;
const TOP: f32 = 72.0;
/// From the foot of the page to the last line of the body.
const FOOT: f32 = 64.0;
const BODY: f32 = 10.5;
const SMALL: f32 = 8.0;
const LEADING: f32 = 1.55;
const CELL_PAD: f32 = 3.0;

/// One mark on a page, in points from the top left; a text's `y` is its baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    /// A filled box (a bar, a header's shade), grey level 0 (black) – 255 (white).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
}

/// A column of a table: its title and its share of the width.
pub struct Column<'a> {
    pub title: &'a str,
    pub share: f32,
}

/// A document being laid out.
pub struct Doc {
    /// The running head: whose document, which one, made when.
    pub org: String,
    pub title: String,
    pub date: String,
    /// The page's width and height in points.
    pub size: (f32, f32),
    pages: Vec<Vec<Mark>>,
    y: f32,
}

/// The width of a text at a size, in points.
pub fn width_of(text: &str, size: f32) -> f32 {
    text.chars().map(|c| FACE.advance(c)).sum::<f32>() * size
}

fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    break_lines(text, width, |c| FACE.advance(c) * size)
}

impl Doc {
    pub fn new(org: &str, title: &str, date: &str) -> Doc {
        Doc {
            org: org.into(),
            title: title.into(),
            date: date.into(),
            size: A4,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    /// The pages turned sideways, for ledgers whose twelve months stand side by side.
    pub fn landscape(mut self) -> Doc {
        self.size = (A4.1, A4.0);
        self
    }

    fn bottom(&self) -> f32 {
        self.size.1 - FOOT
    }

    /// The width between the margins.
    fn full(&self) -> f32 {
        self.size.0 - 2.0 * MARGIN_X
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn marks(&mut self) -> &mut Vec<Mark> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Room for `h` more points on this page, else a new page (unless this one is empty).
    fn room(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > TOP {
            self.new_page();
        }
    }

    /// What follows starts on a new page (unless this one is still empty): one document of
    /// a file of several.
    pub fn page_break(&mut self) {
        if self.y > TOP {
            self.new_page();
        }
    }

    /// A centred heading, kept on the page of the four lines after it.
    pub fn heading(&mut self, text: &str, size: f32) {
        let lines = wrap(text, self.full(), size);
        self.room(size * 1.4 * lines.len() as f32 + size * 0.8 + 4.0 * BODY * LEADING);
        for l in lines {
            self.y += size * 1.4;
            let (x, y) = ((self.size.0 - width_of(&l, size)) / 2.0, self.y);
            self.marks().push(Mark::Text {
                x,
                y,
                size,
                text: l,
            });
        }
        self.y += size * 0.8;
    }

    pub fn paragraph(&mut self, text: &str) {
        for l in wrap(text, self.full(), BODY) {
            self.room(BODY * LEADING);
            self.y += BODY * LEADING;
            let y = self.y;
            self.marks().push(Mark::Text {
                x: MARGIN_X,
                y,
                size: BODY,
                text: l,
            });
        }
        self.y += BODY * 0.6;
    }

    /// A table whose header is repeated at the top of every page it runs onto; a cell wraps
    /// within its column and a row is as tall as its tallest cell.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        self.table_at(columns, rows, BODY);
    }

    /// A table of many narrow columns (a year's months side by side) in a smaller type.
    pub fn compact_table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        self.table_at(columns, rows, SMALL);
    }

    fn table_at(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        let total: f32 = columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        let full = self.full();
        let widths: Vec<f32> = columns.iter().map(|c| c.share / total * full).collect();
        let cells_of = |cells: &[String]| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(t, w)| wrap(t, w - 2.0 * CELL_PAD, size))
                .collect()
        };
        let height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * size * LEADING
                + 2.0 * CELL_PAD
        };
        let titles: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
        let head = cells_of(&titles);
        let head_h = height(&head);
        let mut header_due = true;
        for row in rows {
            let cells = cells_of(row);
            let h = height(&cells);
            let needed = if header_due { head_h + h } else { h };
            if self.y + needed > self.bottom() && self.y > TOP {
                self.new_page();
                header_due = true;
            }
            if header_due {
                self.row(&widths, &head, (head_h, size), true);
                header_due = false;
            }
            self.row(&widths, &cells, (h, size), false);
        }
        if rows.is_empty() {
            self.room(head_h);
            self.row(&widths, &head, (head_h, size), true);
        }
        self.y += BODY;
    }

    /// One row of cells; `h` its height, `size` its type.
    fn row(&mut self, widths: &[f32], cells: &[Vec<String>], (h, size): (f32, f32), shaded: bool) {
        let top = self.y;
        let right = MARGIN_X + widths.iter().sum::<f32>();
        let mut marks = Vec::new();
        if shaded {
            marks.push(Mark::Fill {
                x: MARGIN_X,
                y: top,
                w: right - MARGIN_X,
                h,
                grey: 230,
            });
        }
        for y in [top, top + h] {
            marks.push(Mark::Line {
                x1: MARGIN_X,
                y1: y,
                x2: right,
                y2: y,
            });
        }
        let mut x = MARGIN_X;
        for (lines, w) in cells.iter().zip(widths) {
            marks.push(Mark::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: top + h,
            });
            for (i, l) in lines.iter().enumerate() {
                marks.push(Mark::Text {
                    x: x + CELL_PAD,
                    y: top + CELL_PAD + size * LEADING * (i as f32 + 1.0) - size * 0.4,
                    size,
                    text: l.clone(),
                });
            }
            x += w;
        }
        marks.push(Mark::Line {
            x1: right,
            y1: top,
            x2: right,
            y2: top + h,
        });
        self.marks().extend(marks);
        self.y = top + h;
    }

    /// Horizontal bars of labelled counts, the largest across the page.
    pub fn bars(&mut self, items: &[(String, i64)]) {
        let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f32;
        let label_w = 120.0;
        let full = self.full() - label_w - 50.0;
        for (label, n) in items {
            self.room(BODY * 1.8);
            let y = self.y;
            let w = full * (*n as f32) / max;
            let marks = self.marks();
            marks.push(Mark::Text {
                x: MARGIN_X,
                y: y + BODY,
                size: BODY,
                text: label.clone(),
            });
            marks.push(Mark::Fill {
                x: MARGIN_X + label_w,
                y: y + 1.0,
                w,
                h: BODY,
                grey: 90,
            });
            marks.push(Mark::Text {
                x: MARGIN_X + label_w + w + 4.0,
                y: y + BODY,
                size: BODY,
                text: n.to_string(),
            });
            self.y += BODY * 1.8;
        }
        self.y += BODY;
    }

    /// Every page with its running head (the organization, the date) and its foot (the
    /// document, 第 N 页 / 共 M 页).
    pub fn finished_pages(&self) -> Vec<Vec<Mark>> {
        let n = self.pages.len();
        let date = format!("生成日期：{}", self.date);
        let (w, h) = self.size;
        let date_x = w - MARGIN_X - width_of(&date, 9.0);
        let org = fit_tail(&self.org, date_x - MARGIN_X - 12.0, 9.0);
        self.pages
            .iter()
            .enumerate()
            .map(|(i, marks)| {
                let mut all = marks.clone();
                let foot = format!("{} · 第 {} 页 / 共 {n} 页", self.title, i + 1);
                all.extend([
                    Mark::Text {
                        x: MARGIN_X,
                        y: 40.0,
                        size: 9.0,
                        text: org.clone(),
                    },
                    Mark::Text {
                        x: date_x,
                        y: 40.0,
                        size: 9.0,
                        text: date.clone(),
                    },
                    Mark::Line {
                        x1: MARGIN_X,
                        y1: 46.0,
                        x2: w - MARGIN_X,
                        y2: 46.0,
                    },
                    Mark::Text {
                        x: (w - width_of(&foot, 9.0)) / 2.0,
                        y: h - 36.0,
                        size: 9.0,
                        text: foot,
                    },
                ]);
                all
            })
            .collect()
    }
}

/// A name cut from the front to fit a width: the end of "town / village / branch" names the
/// organization itself.
fn fit_tail(text: &str, width: f32, size: f32) -> String {
    if width_of(text, size) <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = width_of("…", size);
    for ch in text.chars().rev() {
        used += FACE.advance(ch) * size;
        if used > width {
            break;
        }
        kept.push(ch);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &[Mark]) -> Vec<&str> {
        page.iter()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let mut d = Doc::new("第三党支部", "出席情况", "2026-12-08");
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| vec![i.to_string(), format!("党员{i}")])
            .collect();
        let cols = [
            Column {
                title: "序号",
                share: 1.0,
            },
            Column {
                title: "姓名",
                share: 3.0,
            },
        ];
        d.table(&cols, &rows);
        let pages = d.finished_pages();
        assert!(pages.len() >= 5, "{} pages", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let t = texts(p);
            assert_eq!(t.iter().filter(|x| **x == "姓名").count(), 1, "page {i}");
            let foot = format!("出席情况 · 第 {} 页 / 共 {} 页", i + 1, pages.len());
            assert!(t.contains(&foot.as_str()), "page {i}: {t:?}");
            assert!(t.contains(&"生成日期：2026-12-08"));
            for m in p {
                if let Mark::Text { y, .. } = m {
                    assert!(*y <= A4.1 - 30.0, "page {i}: below the foot");
                }
            }
        }
        let all: Vec<&str> = pages.iter().flat_map(|p| texts(p)).collect();
        assert!(all.contains(&"党员199"), "every row is there");
    }

    #[test]
    fn a_long_name_at_the_head_keeps_its_end() {
        let long = "白涛街道党工委 / 桂黄社区党总支 / ".repeat(4) + "第三党支部";
        let fitted = fit_tail(&long, 200.0, 9.0);
        assert!(
            fitted.starts_with('…') && fitted.ends_with("第三党支部"),
            "{fitted}"
        );
        assert!(width_of(&fitted, 9.0) <= 200.0);
        assert_eq!(fit_tail("第三党支部", 200.0, 9.0), "第三党支部");
    }

    #[test]
    fn a_landscape_compact_table_holds_a_year_of_amounts_on_one_line_each() {
        let mut titles = vec!["姓名".to_string(), "类别".into(), "月标准".into()];
        titles.extend((1..=12).map(|m| format!("{m}月")));
        titles.push("合计".into());
        let cols: Vec<Column> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| Column {
                title: t,
                share: [1.8, 1.6, 1.3].get(i).copied().unwrap_or(1.25),
            })
            .collect();
        let mut row = vec!["欧阳晓明".to_string(), "农牧渔民".into(), "112.50".into()];
        row.extend((0..12).map(|_| "112.50".to_string()));
        row.push("1350.00".into());
        let mut d = Doc::new("支部", "党费收缴台账", "2026-12-08").landscape();
        d.compact_table(&cols, std::slice::from_ref(&row));
        let t = texts(&d.pages[0]);
        for cell in &row {
            assert!(t.contains(&cell.as_str()), "{cell} unbroken: {t:?}");
        }
        let mut upright = Doc::new("支部", "党费收缴台账", "2026-12-08");
        upright.table(&cols, std::slice::from_ref(&row));
        assert!(
            !texts(&upright.pages[0]).contains(&"112.50"),
            "upright in the body's type they would break"
        );
        assert_eq!(d.size, (842.0, 595.0));
    }

    #[test]
    fn a_page_break_starts_a_page_once() {
        let mut d = Doc::new("镇", "记录本", "2026-12-08");
        d.page_break();
        assert_eq!(d.page_count(), 1, "an empty page stays");
        d.paragraph("第一本");
        d.page_break();
        d.page_break();
        d.paragraph("第二本");
        assert_eq!(d.page_count(), 2);
        assert_eq!(texts(&d.pages[1]), ["第二本"]);
    }

    #[test]
    fn a_heading_is_not_left_at_the_foot_of_a_page() {
        let mut d = Doc::new("支部", "记录本", "2026-12-08");
        while d.y < d.bottom() - 40.0 {
            d.paragraph("正文");
        }
        d.heading("第 9 次会议", 13.0);
        assert_eq!(d.page_count(), 2);
        assert_eq!(texts(&d.pages[1]), ["第 9 次会议"]);
    }
}
