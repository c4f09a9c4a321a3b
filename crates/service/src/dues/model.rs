//! What the pages and the API show of dues: standards, payments, the ledger, reductions and who is behind.

use dangjian_store::dues::{BaseRow, LedgerRow, PaymentRow, ReductionRow, StandingRow};

use crate::model::read_model;

read_model! {
    /// A member's income base from a month on.
    pub struct DuesBase from BaseRow {
        pub from_month: String,
        pub base_fen: i64,
    }
}

read_model! {
    /// One month's payment by a member.
    pub struct Payment from PaymentRow {
        pub id: i64,
        pub member_id: i64,
        pub org_id: i64,
        pub month: String,
        pub due_fen: i64,
        pub paid_fen: i64,
        pub paid_on: String,
        pub method: String,
    }
}

read_model! {
    /// A reduction or exemption, proposed by the branch and decided above it.
    pub struct ReductionRecord from ReductionRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub org_path: String,
        pub from_month: String,
        pub to_month: String,
        pub monthly_fen: i64,
        pub reason: String,
        pub state: String,
        pub note: String,
    }
}

read_model! {
    /// How far a member has paid (arrears and lapse lists).
    pub struct Standing from StandingRow {
        pub member_id: i64,
        pub name: String,
        pub org_id: i64,
        pub org_name: String,
        pub org_path: String,
        pub join_date: String,
        pub paid_months: i64,
        pub last_paid: Option<String>,
        /// `YYYY-MM-DD` of the last meeting attended (lapse lists only).
        pub last_present: Option<String>,
    }
}

/// One member's line of a branch's ledger for a month.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MemberMonth {
    pub member_id: i64,
    pub name: String,
    pub category: String,
    pub status: String,
    pub join_date: String,
    /// The base in force that month.
    pub base_fen: Option<i64>,
    /// An approved reduction covering that month.
    pub reduced_fen: Option<i64>,
    pub payment: Option<Payment>,
}

#[allow(exported_private_dependencies)]
impl From<LedgerRow> for MemberMonth {
    fn from(r: LedgerRow) -> Self {
        MemberMonth {
            member_id: r.member_id,
            name: r.name,
            category: r.category,
            status: r.status,
            join_date: r.join_date,
            base_fen: r.base_fen,
            reduced_fen: r.reduced_fen,
            payment: r.payment.map(Payment::from),
        }
    }
}
