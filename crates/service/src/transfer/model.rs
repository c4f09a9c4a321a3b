//! What the pages and the API show of transfers and of a member's organizations over time.

use dangjian_store::transfer::{MembershipRow, TransferRow};

use crate::model::read_model;

read_model! {
    /// A transfer of a member's organization relation, with its letter and its steps' times.
    pub struct Transfer from TransferRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub kind: String,
        pub state: String,
        pub from_org_id: Option<i64>,
        pub from_org_name: Option<String>,
        pub from_path: String,
        pub to_org_id: Option<i64>,
        pub to_org_name: Option<String>,
        pub to_path: String,
        pub outside_org: String,
        pub letter_no: String,
        pub valid_until: Option<String>,
        pub dues_paid_to: Option<String>,
        pub reason: String,
        pub note: String,
        /// Epoch milliseconds.
        pub requested_at: i64,
        pub decided_at: Option<i64>,
        pub done_at: Option<i64>,
    }
}

read_model! {
    /// A period of a member in one organization.
    pub struct Membership from MembershipRow {
        pub org_id: Option<i64>,
        pub org_name: String,
        pub from_date: String,
        pub to_date: Option<String>,
        pub transfer_id: Option<i64>,
    }
}
