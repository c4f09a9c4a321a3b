//! What the pages and the API show of organizational life: meetings, their files, the rules that require them, check-ins and the yearly review.

use dangjian_store::checkin::CheckinRow;
use dangjian_store::life::{FileRow, MeetingRow, RuleRow};
use dangjian_store::review::{EntryRow, ReviewRow};

use crate::model::read_model;

read_model! {
    /// A meeting as recorded, with its attendance figures.
    pub struct Meeting from MeetingRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        /// For a party-group meeting: the group that met.
        pub group_id: Option<i64>,
        pub group_name: Option<String>,
        pub kind: String,
        pub held_on: String,
        pub starts_at: String,
        pub place: String,
        pub topic: String,
        pub host: String,
        pub lecturer: String,
        pub agenda: String,
        pub minutes: String,
        pub decisions: String,
        pub due_month: String,
        pub on_time: bool,
        pub expected: i64,
        pub present: i64,
        pub quorum: Option<bool>,
        /// Study time each member present is credited with (党史学习教育).
        pub study_minutes: i64,
    }
}

read_model! {
    /// A file kept with a meeting's minutes (its bytes are read separately).
    pub struct MeetingFile from FileRow {
        pub id: i64,
        pub meeting_id: i64,
        pub name: String,
        pub mime: String,
        pub size: i64,
    }
}

read_model! {
    /// A rule that requires meetings of a kind from a kind of organization.
    pub struct MeetingRule from RuleRow {
        pub id: i64,
        pub org_kind: String,
        pub meeting_kind: String,
        pub period: String,
        pub times: i64,
        pub fixed_day: Option<i64>,
        pub effective_from: String,
    }
}

read_model! {
    /// A self check-in opened by a meeting's host, with its code.
    pub struct Checkin from CheckinRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub kind: String,
        pub topic: String,
        pub code: String,
        /// Epoch milliseconds.
        pub opens_at: i64,
        pub closes_at: i64,
        pub meeting_id: Option<i64>,
    }
}

read_model! {
    /// A branch's yearly review of its members (民主评议党员).
    pub struct Review from ReviewRow {
        pub id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub year: i64,
        pub decided_on: Option<String>,
    }
}

read_model! {
    /// One member's entry in a review.
    pub struct ReviewEntry from EntryRow {
        pub member_id: i64,
        pub name: String,
        pub status: String,
        pub self_evaluation: String,
        pub peer_score: Option<i64>,
        pub votes_for: Option<i64>,
        pub proposed: Option<String>,
        pub grade: Option<String>,
    }
}
