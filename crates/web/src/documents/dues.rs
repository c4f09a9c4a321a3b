//! 党费收缴台账: a branch's year, one member a line, the twelve months side by side.

use axum::response::Response;
use dangjian_domain::dues::fen_to_yuan;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::dues::book::{DuesBook, DuesCell};

fn cell(c: &DuesCell) -> String {
    match c {
        DuesCell::Paid { fen, .. } => fen_to_yuan(*fen),
        DuesCell::Owed(_) => "未缴".into(),
        DuesCell::NotDue => "—".into(),
    }
}

/// `2026-03` as `3`.
fn month_no(m: &str) -> &str {
    m.get(5..).unwrap_or(m).trim_start_matches('0')
}

/// Each month's payments with their dates: a payment's day tells a month paid on time from one
/// paid back later, which inspections ask about.
fn paid_on_lines(b: &DuesBook) -> Vec<Vec<String>> {
    b.lines
        .iter()
        .filter_map(|l| {
            let paid: Vec<String> = l
                .months
                .iter()
                .zip(&b.months)
                .filter_map(|(c, m)| match c {
                    DuesCell::Paid { on, .. } => Some(format!("{}月 {on}", month_no(m))),
                    _ => None,
                })
                .collect();
            let owed: Vec<String> = l
                .months
                .iter()
                .zip(&b.months)
                .filter_map(|(c, m)| match c {
                    DuesCell::Owed(fen) => Some(match fen {
                        Some(f) => format!("{}月 {} 元", month_no(m), fen_to_yuan(*f)),
                        None => format!("{}月（未定基数）", month_no(m)),
                    }),
                    _ => None,
                })
                .collect();
            (!paid.is_empty() || !owed.is_empty())
                .then(|| vec![l.name.clone(), paid.join("；"), owed.join("；")])
        })
        .collect()
}

/// 党费收缴台账 of one branch and year.
pub async fn dues_book(b: &DuesBook) -> Result<Response, ServiceError> {
    let title = format!("党费收缴台账（{} 年度）", b.year);
    let mut d = Doc::new(&b.org_title, &title, &super::today()).landscape();
    d.heading("党费收缴台账", 20.0);
    d.heading(&format!("{} 年度", b.year), 13.0);
    d.paragraph(&format!("党组织：{}", b.org_title));
    let owed = b
        .lines
        .iter()
        .flat_map(|l| &l.months)
        .filter(|c| matches!(c, DuesCell::Owed(_)))
        .count();
    d.paragraph(&format!(
        "共 {} 名党员，{} 个月。应缴 {} 元，实缴 {} 元，未缴 {owed} 人次。金额单位：元；“未缴”为当月应缴而未登记缴纳，“—”为当月尚未入党或不需缴纳。各项均取自党费缴纳登记。",
        b.lines.len(),
        b.months.len(),
        fen_to_yuan(b.due_fen()),
        fen_to_yuan(b.paid_fen()),
    ));
    let month_titles: Vec<String> = (1..=12).map(|m| format!("{m}月")).collect();
    let mut spec: Vec<(&str, f32)> = vec![("姓名", 1.8), ("类别", 1.6), ("月标准", 1.3)];
    spec.extend(month_titles.iter().map(|t| (t.as_str(), 1.25)));
    spec.push(("合计", 1.6));
    let columns = super::columns(&spec);
    let mut rows: Vec<Vec<String>> = b
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![
                l.name.clone(),
                l.category_label.to_string(),
                l.standard_fen.map(fen_to_yuan).unwrap_or_default(),
            ];
            row.extend((0..12).map(|i| l.months.get(i).map(cell).unwrap_or_default()));
            row.push(fen_to_yuan(l.paid_fen));
            row
        })
        .collect();
    let mut total = vec!["合计".to_string(), String::new(), String::new()];
    total.extend((0..12).map(|i| {
        b.paid_by_month
            .get(i)
            .map(|f| fen_to_yuan(*f))
            .unwrap_or_default()
    }));
    total.push(fen_to_yuan(b.paid_fen()));
    rows.push(total);
    d.compact_table(&columns, &rows);
    let dated = paid_on_lines(b);
    if !dated.is_empty() {
        d.heading("缴纳日期与未缴月份", 13.0);
        d.table(
            &super::columns(&[("姓名", 1.0), ("缴纳日期", 4.0), ("未缴月份", 2.5)]),
            &dated,
        );
    }
    let name = format!("党费收缴台账-{}-{}.pdf", b.org_title, b.year);
    super::download(&name, d).await
}
