//! The cloud centre's documents: 党内统计年报 (every table of figures, then the table by unit)
//! and 党建工作月报 / 季报 / 年报 (the period's figures against the one before).

use axum::response::Response;
use dangjian_domain::dues::fen_to_yuan;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::stats::annual::PartyStatistics;
use dangjian_service::stats::work_report::{Figure, FigureKind, WorkReport};

use crate::export::{CHILD_HEADERS, child_figures};

/// n of the whole, as a share for the printed table.
fn share(n: i64, whole: i64) -> String {
    if whole > 0 {
        format!("{:.1}%", n as f64 * 100.0 / whole as f64)
    } else {
        String::new()
    }
}

pub async fn party_statistics(s: &PartyStatistics) -> Result<Response, ServiceError> {
    let title = format!("党内统计年报（{} 年）", s.year);
    let mut d = Doc::new(&s.org_title, &title, &super::today());
    d.heading("党内统计年报", 20.0);
    d.heading(&format!("{} 年", s.year), 13.0);
    d.paragraph(&format!("党组织：{}", s.org_title));
    d.paragraph(&format!(
        "党员 {} 名。各项取自党员和组织的登记，截至生成日期；年龄、党龄按 {} 年计算。",
        s.members(),
        s.year
    ));
    let members = s.members();
    let columns = super::columns(&[("项目", 3.0), ("数量", 1.0), ("占党员总数", 1.2)]);
    for t in &s.tables {
        d.heading(&t.title, 12.0);
        let org_table = t.title.contains("党组织");
        let rows: Vec<Vec<String>> = t
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.label.clone(),
                    l.n.to_string(),
                    if org_table {
                        String::new()
                    } else {
                        share(l.n, members)
                    },
                ]
            })
            .collect();
        d.table(&columns, &rows);
    }
    if !s.children.is_empty() {
        d.heading("表十一 党员情况（按下级单位）", 12.0);
        let spec: Vec<(&str, f32)> = CHILD_HEADERS
            .iter()
            .enumerate()
            .map(|(i, h)| (*h, if i == 0 { 3.0 } else { 1.0 }))
            .collect();
        let rows: Vec<Vec<String>> = s
            .children
            .iter()
            .map(|c| {
                std::iter::once(c.org.name.clone())
                    .chain(child_figures(c).iter().map(i64::to_string))
                    .collect()
            })
            .collect();
        d.compact_table(&super::columns(&spec), &rows);
        d.bars(
            &s.children
                .iter()
                .map(|c| (c.org.name.clone(), c.members))
                .collect::<Vec<_>>(),
        );
    }
    let name = format!("党内统计年报-{}-{}.pdf", s.org_title, s.year);
    super::download(&name, d).await
}

/// A figure's value as read: a count, 元, or a percentage; — when unknown.
pub fn figure_text(kind: FigureKind, v: Option<i64>) -> String {
    match (kind, v) {
        (_, None) => "—".into(),
        (FigureKind::Count, Some(n)) => n.to_string(),
        (FigureKind::Fen, Some(f)) => format!("{} 元", fen_to_yuan(f)),
        (FigureKind::Permille, Some(p)) => format!("{:.1}%", p as f64 / 10.0),
    }
}

/// The change from the period before: +3, -12.00 元, +2.1 个百分点, 持平 (an ASCII minus: the
/// embedded font has no U+2212).
pub fn change_text(f: &Figure) -> String {
    let Some(d) = f.change() else {
        return "—".into();
    };
    if d == 0 {
        return "持平".into();
    }
    let sign = if d > 0 { "+" } else { "-" };
    let a = d.abs();
    match f.kind {
        FigureKind::Count => format!("{sign}{a}"),
        FigureKind::Fen => format!("{sign}{} 元", fen_to_yuan(a)),
        FigureKind::Permille => format!("{sign}{:.1} 个百分点", a as f64 / 10.0),
    }
}

pub async fn work_report(r: &WorkReport) -> Result<Response, ServiceError> {
    let title = format!("党建工作{}（{}）", r.report_name, r.period_label);
    let mut d = Doc::new(&r.org_title, &title, &super::today());
    d.heading(&format!("党建工作{}", r.report_name), 20.0);
    d.heading(&r.period_label, 13.0);
    d.paragraph(&format!("党组织：{}", r.org_title));
    d.paragraph(&format!(
        "党员 {} 名。本报告各项数据取自平台各模块的登记，与{}相比较；不需另行填报。",
        r.members, r.previous_label
    ));
    d.heading("一、主要数据", 13.0);
    let rows: Vec<Vec<String>> = r
        .figures
        .iter()
        .map(|f| {
            vec![
                f.section.to_string(),
                f.label.to_string(),
                figure_text(f.kind, f.now),
                figure_text(f.kind, f.before),
                change_text(f),
                f.source.to_string(),
            ]
        })
        .collect();
    d.compact_table(
        &super::columns(&[
            ("模块", 1.3),
            ("指标", 2.0),
            ("本期", 1.3),
            ("上期", 1.3),
            ("变化", 1.5),
            ("数据来源", 2.4),
        ]),
        &rows,
    );
    if !r.children.is_empty() {
        d.heading("二、下级单位情况", 13.0);
        let rows: Vec<Vec<String>> = r
            .children
            .iter()
            .map(|c| {
                vec![
                    c.org.name.clone(),
                    figure_text(FigureKind::Permille, c.life_permille),
                    fen_to_yuan(c.dues_paid_fen),
                    c.deeds.to_string(),
                    c.requests.to_string(),
                ]
            })
            .collect();
        d.table(
            &super::columns(&[
                ("单位", 3.0),
                ("三会一课落实率", 1.6),
                ("党费（元）", 1.4),
                ("好事实事", 1.1),
                ("群众诉求", 1.1),
            ]),
            &rows,
        );
        d.paragraph("三会一课落实率（%）：");
        d.bars(
            &r.children
                .iter()
                .map(|c| (c.org.name.clone(), (c.life_permille.unwrap_or(0) + 5) / 10))
                .collect::<Vec<_>>(),
        );
    }
    d.heading("三、未按要求开展组织生活的支部", 13.0);
    if r.behind.is_empty() {
        d.paragraph("本期各支部均按要求开展了组织生活。");
    } else {
        let rows: Vec<Vec<String>> = r
            .behind
            .iter()
            .map(|b| {
                vec![
                    b.place.clone(),
                    b.missed.to_string(),
                    b.required.to_string(),
                ]
            })
            .collect();
        d.table(
            &super::columns(&[("支部", 4.0), ("缺开", 1.0), ("应开", 1.0)]),
            &rows,
        );
    }
    d.heading("四、需要跟进的事项", 13.0);
    let rows: Vec<Vec<String>> = r
        .actions
        .iter()
        .map(|a| vec![a.label.to_string(), a.n.to_string()])
        .collect();
    d.table(&super::columns(&[("事项", 4.0), ("数量", 1.0)]), &rows);
    let name = format!("党建工作{}-{}-{}.pdf", r.report_name, r.org_title, r.period);
    super::download(&name, d).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(kind: FigureKind, now: i64, before: i64) -> Figure {
        Figure {
            section: "党费",
            label: "党费收缴",
            kind,
            now: Some(now),
            before: Some(before),
            source: "党费缴纳登记",
        }
    }

    #[test]
    fn changes_read_in_their_units_and_print_in_the_font() {
        let cases = [
            (figure(FigureKind::Count, 3, 5), "-2"),
            (figure(FigureKind::Fen, 150_000, 100_000), "+500.00 元"),
            (figure(FigureKind::Permille, 804, 700), "+10.4 个百分点"),
            (figure(FigureKind::Permille, 700, 804), "-10.4 个百分点"),
            (figure(FigureKind::Count, 4, 4), "持平"),
        ];
        for (f, text) in &cases {
            let shown = change_text(f);
            assert_eq!(shown, *text);
            assert!(dangjian_report::pdf::printable(&shown), "{shown}");
        }
        assert_eq!(figure_text(FigureKind::Permille, Some(875)), "87.5%");
        assert_eq!(figure_text(FigureKind::Fen, Some(1234)), "12.34 元");
        assert_eq!(figure_text(FigureKind::Count, None), "—");
        assert!(dangjian_report::pdf::printable("—"));
    }
}
