//! 三会一课记录本: the meetings an organization held in a year, each with its date, place,
//! host, who came and who did not (and why), its topic and its minutes, as inspections read
//! them. Built from the meetings as recorded; nobody copies them into a book again.

use std::collections::HashMap;

use dangjian_domain::life::MeetingKind;
use dangjian_report::pdf::{Column, Doc};
use dangjian_store::Conn;

use super::Meeting;
use super::store;
use crate::book::BookQuery;
use crate::{Actor, App, ServiceResult};

/// One meeting of the book, with those who did not come.
#[derive(Debug)]
pub struct BookMeeting {
    pub meeting: Meeting,
    /// 会议类型, as the book names it.
    pub kind_label: String,
    /// Excused (请假), with the reason given.
    pub excused: Vec<(String, String)>,
    /// Absent (缺席).
    pub absent: Vec<String>,
}

/// A year's book of one organization.
#[derive(Debug)]
pub struct RecordBook {
    pub org_id: i64,
    /// The organization named with its parents below the district.
    pub org_title: String,
    pub year: i32,
    pub meetings: Vec<BookMeeting>,
}

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

impl RecordBook {
    /// The book's pages: its title, then each meeting as a table of its facts. A file of
    /// several books starts each on a new page.
    pub fn write_into(&self, d: &mut Doc) {
        d.heading("三会一课记录本", 22.0);
        d.heading(&format!("{} 年度", self.year), 14.0);
        d.paragraph(&format!("党组织：{}", self.org_title));
        d.paragraph(&format!(
            "本年度登记会议 {} 次。各次会议的时间、地点、主持人、出席情况、主题和记录均取自会议登记，未经另行填写。",
            self.meetings.len()
        ));
        if self.meetings.is_empty() {
            d.paragraph("本年度没有登记的会议。");
        }
        let columns = [
            Column {
                title: "项目",
                share: 1.0,
            },
            Column {
                title: "内容",
                share: 4.2,
            },
        ];
        for (i, m) in self.meetings.iter().enumerate() {
            d.heading(
                &format!("{}．{}（{}）", i + 1, m.kind_label, m.meeting.held_on),
                13.0,
            );
            d.table(&columns, &meeting_rows(m));
        }
    }
}

/// The book of one organization that holds members, as recorded, for a year.
pub(crate) async fn read_book(
    conn: &mut Conn,
    (org_id, path): (i64, &str),
    org_title: String,
    year: i32,
) -> ServiceResult<RecordBook> {
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let rows = store::meetings_held(conn, path, (&from, &to)).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut missing: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for (meeting, name, status, reason) in store::not_present(conn, &ids).await? {
        missing
            .entry(meeting)
            .or_default()
            .push((name, status, reason));
    }
    let meetings = rows
        .into_iter()
        .map(|row| {
            let meeting = Meeting::from(row);
            let away = missing.remove(&meeting.id).unwrap_or_default();
            let (mut excused, mut absent) = (Vec::new(), Vec::new());
            for (name, status, reason) in away {
                if status == "excused" {
                    excused.push((name, reason));
                } else {
                    absent.push(name);
                }
            }
            BookMeeting {
                kind_label: MeetingKind::parse(&meeting.kind)
                    .map_or(meeting.kind.clone(), |k| k.label().to_string()),
                excused,
                absent,
                meeting,
            }
        })
        .collect();
    Ok(RecordBook {
        org_id,
        org_title,
        year,
        meetings,
    })
}

impl App {
    /// The book of an organization that holds members, for a year. Who was absent is a
    /// particular: staff who list the branch's particulars only (403). Audited as an export.
    pub async fn record_book(&self, actor: &Actor, q: &BookQuery) -> ServiceResult<RecordBook> {
        let book = self
            .book_of(actor, q, crate::members::policy::check_list_particulars)
            .await?;
        let mut conn = self.db.conn().await?;
        let b = read_book(
            &mut conn,
            (book.org.id, &book.org.path),
            book.title,
            book.year,
        )
        .await?;
        drop(conn);
        self.audit_export(actor, "三会一课记录本", b.org_id, b.meetings.len(), None)
            .await?;
        Ok(b)
    }
}
