//! 三会一课记录本: the meetings an organization held in a year, each with its date, place,
//! host, who came and who did not (and why), its topic and its minutes, as inspections read
//! them. Built from the meetings as recorded; nobody copies them into a book again.

use dangjian_domain::life::MeetingKind;

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

impl App {
    /// The book of an organization that holds members, for a year. Who was absent is a
    /// particular: staff who list the branch's particulars only (403). Audited as an export.
    pub async fn record_book(&self, actor: &Actor, q: &BookQuery) -> ServiceResult<RecordBook> {
        let book = self
            .book_of(actor, q, crate::members::policy::check_list_particulars)
            .await?;
        let (o, year) = (book.org, book.year);
        let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
        let mut conn = self.db.conn().await?;
        let rows = store::meetings_held(&mut conn, &o.path, (&from, &to)).await?;
        let mut meetings = Vec::with_capacity(rows.len());
        for row in rows {
            let meeting = Meeting::from(row);
            let attendance = store::attendance(&mut conn, meeting.id).await?;
            let excused = attendance
                .iter()
                .filter(|(_, _, status, _)| status == "excused")
                .map(|(_, name, _, reason)| (name.clone(), reason.clone()))
                .collect();
            let absent = attendance
                .iter()
                .filter(|(_, _, status, _)| status == "absent")
                .map(|(_, name, _, _)| name.clone())
                .collect();
            meetings.push(BookMeeting {
                kind_label: MeetingKind::parse(&meeting.kind)
                    .map_or(meeting.kind.clone(), |k| k.label().to_string()),
                meeting,
                excused,
                absent,
            });
        }
        drop(conn);
        self.audit_export(actor, "三会一课记录本", o.id, meetings.len(), None)
            .await?;
        Ok(RecordBook {
            org_id: o.id,
            org_title: book.title,
            year,
            meetings,
        })
    }
}
