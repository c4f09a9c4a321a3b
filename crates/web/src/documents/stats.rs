//! 党内统计年报 as printed: every table of figures, then the table by unit.

use axum::response::Response;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::stats::annual::PartyStatistics;

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
