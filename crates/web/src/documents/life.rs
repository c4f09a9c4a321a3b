//! 三会一课记录本.

use axum::response::Response;
use dangjian_report::pdf::Doc;
use dangjian_service::ServiceError;
use dangjian_service::life::record_book::{BookMeeting, RecordBook};

fn with_reasons(people: &[(String, String)]) -> String {
    people
        .iter()
        .map(|(name, reason)| {
            if reason.is_empty() {
                name.clone()
            } else {
                format!("{name}（{reason}）")
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn meeting_rows(m: &BookMeeting) -> Vec<Vec<String>> {
    let mt = &m.meeting;
    let mut rows = Vec::new();
    let mut row = |k: &str, v: String| {
        if !v.trim().is_empty() {
            rows.push(vec![k.to_string(), v]);
        }
    };
    let kind = match &mt.group_name {
        Some(g) => format!("{}（{g}）", m.kind_label),
        None => m.kind_label.clone(),
    };
    row("会议类型", kind);
    row("时间", format!("{} {}", mt.held_on, mt.starts_at));
    row("地点", mt.place.clone());
    row("主持人", mt.host.clone());
    row("授课人", mt.lecturer.clone());
    let mut attendance = format!("应到 {} 人，实到 {} 人", mt.expected, mt.present);
    if !m.excused.is_empty() {
        attendance.push_str(&format!("；请假：{}", with_reasons(&m.excused)));
    }
    if !m.absent.is_empty() {
        attendance.push_str(&format!("；缺席：{}", m.absent.join("、")));
    }
    row("出席情况", attendance);
    row("会议主题", mt.topic.clone());
    row("议程", mt.agenda.clone());
    row("会议记录", mt.minutes.clone());
    row("决定事项", mt.decisions.clone());
    rows
}

/// 三会一课记录本 of one organization and year.
pub async fn record_book(b: &RecordBook) -> Result<Response, ServiceError> {
    let title = format!("三会一课记录本（{} 年度）", b.year);
    let mut d = Doc::new(&b.org_title, &title, &super::today());
    d.heading("三会一课记录本", 22.0);
    d.heading(&format!("{} 年度", b.year), 14.0);
    d.paragraph(&format!("党组织：{}", b.org_title));
    d.paragraph(&format!(
        "本年度登记会议 {} 次。各次会议的时间、地点、主持人、出席情况、主题和记录均取自会议登记，未经另行填写。",
        b.meetings.len()
    ));
    if b.meetings.is_empty() {
        d.paragraph("本年度没有登记的会议。");
    }
    let columns = super::columns(&[("项目", 1.0), ("内容", 4.2)]);
    for (i, m) in b.meetings.iter().enumerate() {
        d.heading(
            &format!("{}．{}（{}）", i + 1, m.kind_label, m.meeting.held_on),
            13.0,
        );
        d.table(&columns, &meeting_rows(m));
    }
    let name = format!("三会一课记录本-{}-{}.pdf", b.org_title, b.year);
    super::download(&name, d).await
}
