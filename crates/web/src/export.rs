//! Tables the pages show, as xlsx downloads.

use axum::response::Response;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::life::{Attendance, Compliance};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn tally_cells(t: &dangjian_domain::life::Tally, rate: Option<f64>) -> Vec<Cell> {
    vec![
        Cell::Int(t.required),
        Cell::Int(t.met),
        Cell::Int(t.on_time),
        Cell::Rate(rate),
    ]
}

fn attendance_cells(a: &Attendance) -> [Cell; 3] {
    [
        Cell::Int(a.expected),
        Cell::Int(a.present),
        Cell::Rate(a.rate),
    ]
}

fn headers(first: &str) -> Vec<String> {
    [first, "应开", "已开", "按时", "落实率"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}

/// The compliance of an org for a period: the children ranked, each kind, and the
/// branches behind, one sheet each.
pub fn compliance(c: &Compliance) -> Result<Response, ServiceError> {
    let span = format!("{} 至 {}", c.from, c.to);
    let mut children = Table {
        sheet: "下级组织".into(),
        title: format!("{} 组织生活落实情况（{span}）", c.org.name),
        headers: headers("组织")
            .into_iter()
            .chain(["应到人次", "实到人次", "出勤率"].map(String::from))
            .collect(),
        rows: Vec::new(),
    };
    children.rows.push(
        [Cell::Text(format!("{}（合计）", c.org.name))]
            .into_iter()
            .chain(tally_cells(&c.total, c.rate))
            .chain(attendance_cells(&c.attendance))
            .collect(),
    );
    for ch in &c.children {
        children.rows.push(
            [Cell::Text(ch.org.name.clone())]
                .into_iter()
                .chain(tally_cells(&ch.tally, ch.rate))
                .chain(attendance_cells(&ch.attendance))
                .collect(),
        );
    }
    let by_kind = Table {
        sheet: "各类会议".into(),
        title: format!("{} 各类会议（{span}）", c.org.name),
        headers: headers("会议"),
        rows: c
            .by_kind
            .iter()
            .map(|k| {
                [Cell::Text(k.label.into())]
                    .into_iter()
                    .chain(tally_cells(&k.tally, k.rate))
                    .collect()
            })
            .collect(),
    };
    let behind = Table {
        sheet: "落后支部".into(),
        title: format!("{} 未按要求落实的支部（{span}）", c.org.name),
        headers: vec!["支部".into(), "缺开".into(), "当月应开".into()],
        rows: c
            .behind
            .iter()
            .map(|b| {
                vec![
                    Cell::Text(b.org.name.clone()),
                    Cell::Int(b.missed),
                    Cell::Int(b.required),
                ]
            })
            .collect(),
    };
    let bytes = dangjian_report::xlsx(&[children, by_kind, behind])
        .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
    let name = format!("组织生活落实情况-{}-{}.xlsx", c.org.name, c.to);
    Ok(crate::pages::download(&name, XLSX, false, bytes))
}
