//! What the pages and the API show of organizational life: meetings, their files, the rules that require them, check-ins and the yearly review.

use dangjian_store::life::checkin::CheckinRow;
use dangjian_store::life::review::{EntryRow, ReviewRow};
use dangjian_store::life::{FileRow, MeetingRow, RuleRow};

use crate::model::read_model;

read_model! {
    /// A meeting as recorded, with its attendance figures.
    pub struct Meeting from MeetingRow {
        pub id: i64,
        /// The branch that held it.
        pub org_id: i64,
        /// The branch's name; in a list, with its parents below the reader's scope
        /// ("白涛街道党工委 / 桂黄社区党总支 / 第二党支部").
        pub org_name: String,
        /// For a party-group meeting: the group that met.
        pub group_id: Option<i64>,
        /// Name of that group.
        pub group_name: Option<String>,
        pub kind: String,
        /// Date held 召开日期.
        pub held_on: String,
        /// Start time as typed (e.g. `09:00`), may be empty.
        pub starts_at: String,
        /// Place 地点.
        pub place: String,
        /// Topic 会议主题.
        pub topic: String,
        /// Chair 主持人.
        pub host: String,
        /// Lecturer 授课人 (party lectures).
        pub lecturer: String,
        /// Agenda 议程.
        pub agenda: String,
        /// Minutes 会议记录.
        pub minutes: String,
        /// Decisions 决定事项.
        pub decisions: String,
        /// `YYYY-MM`: the last month of the period the meeting fulfils (its `for_period`),
        /// where its requirement is due and where it is counted.
        pub due_month: String,
        /// Held inside the period it fulfils and, if the rule has a fixed day, on that day. A
        /// meeting recorded for an earlier period (补开) counts as held but not on time.
        pub on_time: bool,
        /// 应到: the branch's members when the meeting was recorded.
        pub expected: i64,
        /// 实到: members recorded present.
        pub present: i64,
        /// For `general_meeting` and `committee_meeting`: whether more than half of the
        /// branch's full members (正式党员) were present. `false` does not stop the recording; the
        /// pages show the warning 不足法定人数. Null for kinds that need no quorum.
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
        /// The file name as uploaded, without any directory part or control characters, at most
        /// 100 characters.
        pub name: String,
        /// Content type, from the extension confirmed by the content.
        pub mime: String,
        /// Bytes.
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
        /// The branch holding the meeting.
        pub org_id: i64,
        /// The branch's name.
        pub org_name: String,
        /// The branch's materialized path.
        pub org_path: String,
        pub kind: String,
        /// Topic 会议主题.
        pub topic: String,
        /// Check-in code 签到码: six digits, unique among the windows not yet closed.
        pub code: String,
        /// Epoch milliseconds.
        pub opens_at: i64,
        /// Epoch milliseconds: when the code stops working (`opens_at` + `minutes`, or earlier:
        /// the moment a meeting was recorded from the window).
        pub closes_at: i64,
        /// The meeting recorded from this window (POST /meetings with `checkin_id`); null until
        /// then, and again if that meeting is deleted.
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
        /// Name 姓名 (as the registry has it now).
        pub name: String,
        pub status: String,
        /// Self-evaluation 个人自评, trimmed; empty until written.
        pub self_evaluation: String,
        /// Peer evaluation score 互评得分, 0–100; null until recorded.
        pub peer_score: Option<i64>,
        /// Votes received in the democratic vote 民主测评得票数; null until recorded.
        pub votes_for: Option<i64>,
        /// Grade proposed by the branch committee 支委会建议等次, as a code; null until proposed.
        pub proposed: Option<String>,
        /// Grade decided by the general meeting 评定等次; null until the decision.
        pub grade: Option<String>,
    }
}
