//! What the pages and the API show of recruitment: a person's progress and their recorded steps.

use dangjian_store::recruit::{RecruitRow, StepRow};

use crate::model::read_model;

read_model! {
    /// A person on the way to membership, with their stage and next due date.
    pub struct Recruit from RecruitRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub name: String,
        pub gender: String,
        pub ethnicity: String,
        pub birth_date: String,
        pub id_masked: String,
        pub education: String,
        pub category: String,
        pub stage: String,
        pub state: String,
        pub last_step: i64,
        /// The latest date of the next step.
        pub next_due: Option<String>,
        pub extension_months: i64,
        pub member_id: Option<i64>,
        pub note: String,
    }
}

read_model! {
    /// A recorded step of the 25.
    pub struct RecruitStep from StepRow {
        pub step_no: i64,
        pub done_on: String,
        pub document: String,
        pub note: String,
        pub sponsors: String,
        pub hours: Option<i64>,
        pub late: bool,
    }
}
