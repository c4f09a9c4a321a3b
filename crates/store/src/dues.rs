//! 党费 in SQL: income bases by month, the ledger of payments, and reductions.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::bulk::{Insert, Ty, Val};
use crate::row::row;
use crate::sql::now_ms;

pub async fn set_base(
    conn: &mut AnyConnection,
    member_id: i64,
    from_month: &str,
    base_fen: i64,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dues_base (member_id, from_month, base_fen, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (member_id, from_month) DO UPDATE SET base_fen = excluded.base_fen, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(member_id)
    .bind(from_month)
    .bind(base_fen)
    .bind(by)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Bases of many members at once (the demo, imports): `(member_id, from_month, base_fen)`.
pub async fn set_bases_bulk(conn: &mut AnyConnection, rows: &[(i64, String, i64)]) -> Result<()> {
    let now = now_ms();
    const BASES: Insert = Insert {
        table: "dues_base",
        columns: &[
            ("member_id", Ty::Int),
            ("from_month", Ty::Text),
            ("base_fen", Ty::Int),
            ("set_at", Ty::Int),
        ],
        suffix: "",
    };
    BASES
        .rows(
            conn,
            rows.iter().map(|(m, month, base)| -> [Val<'_>; 4] {
                [(*m).into(), month.into(), (*base).into(), now.into()]
            }),
        )
        .await?;
    Ok(())
}

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BaseRow {
        pub from_month: String,
        pub base_fen: i64,
    }
}

/// A member's bases, newest first.
pub async fn bases(conn: &mut AnyConnection, member_id: i64) -> Result<Vec<BaseRow>> {
    let rows = sqlx::query(
        "SELECT from_month, base_fen FROM dues_base WHERE member_id = $1 ORDER BY from_month DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(BaseRow::read).collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct PaymentRow {
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

/// A member's payments, newest month first.
pub async fn payments(
    conn: &mut AnyConnection,
    member_id: i64,
    limit: i64,
) -> Result<Vec<PaymentRow>> {
    let rows = sqlx::query(
        "SELECT id, member_id, org_id, month, due_fen, paid_fen, paid_on, method FROM dues_payment \
         WHERE member_id = $1 ORDER BY month DESC LIMIT $2",
    )
    .bind(member_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(PaymentRow::read).collect()
}

/// A member's payments for the months `from..=to`.
pub async fn payments_between(
    conn: &mut AnyConnection,
    member_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<PaymentRow>> {
    let rows = sqlx::query(
        "SELECT id, member_id, org_id, month, due_fen, paid_fen, paid_on, method FROM dues_payment \
         WHERE member_id = $1 AND month >= $2 AND month <= $3 ORDER BY month",
    )
    .bind(member_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    rows.iter().map(PaymentRow::read).collect()
}

/// The last month a member has paid for.
pub async fn paid_up_to(conn: &mut AnyConnection, member_id: i64) -> Result<Option<String>> {
    let r = sqlx::query("SELECT MAX(month) AS m FROM dues_payment WHERE member_id = $1")
        .bind(member_id)
        .fetch_one(conn)
        .await?;
    Ok(r.try_get("m")?)
}

#[derive(Debug, Clone)]
pub struct PaymentWrite {
    pub member_id: i64,
    pub org_id: i64,
    pub month: String,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub paid_on: String,
    pub method: String,
    pub recorded_by: Option<i64>,
}

/// Payments in multi-row statements; a month already paid fails the whole call as a duplicate.
pub async fn insert_payments(conn: &mut AnyConnection, rows: &[PaymentWrite]) -> Result<()> {
    const PAYMENTS: Insert = Insert {
        table: "dues_payment",
        columns: &[
            ("member_id", Ty::Int),
            ("org_id", Ty::Int),
            ("month", Ty::Text),
            ("due_fen", Ty::Int),
            ("paid_fen", Ty::Int),
            ("paid_on", Ty::Text),
            ("method", Ty::Text),
            ("recorded_by", Ty::Int),
            ("recorded_at", Ty::Int),
        ],
        suffix: "",
    };
    let now = now_ms();
    PAYMENTS
        .rows(
            conn,
            rows.iter().map(|p| -> [Val<'_>; 9] {
                [
                    p.member_id.into(),
                    p.org_id.into(),
                    (&p.month).into(),
                    p.due_fen.into(),
                    p.paid_fen.into(),
                    (&p.paid_on).into(),
                    (&p.method).into(),
                    p.recorded_by.into(),
                    now.into(),
                ]
            }),
        )
        .await?;
    Ok(())
}

/// One member's line of a branch's ledger for a month.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub member_id: i64,
    pub name: String,
    pub category: String,
    pub status: String,
    pub join_date: String,
    /// The base in force that month.
    pub base_fen: Option<i64>,
    /// An approved reduction covering that month.
    pub reduced_fen: Option<i64>,
    pub payment: Option<PaymentRow>,
}

const BASE_AT: &str = "(SELECT b.base_fen FROM dues_base b WHERE b.member_id = m.id AND b.from_month <= $2 ORDER BY b.from_month DESC LIMIT 1)";
const REDUCED_AT: &str = "(SELECT r.monthly_fen FROM dues_reduction r WHERE r.member_id = m.id AND r.state = 'approved' AND r.from_month <= $2 AND r.to_month >= $2 ORDER BY r.id DESC LIMIT 1)";

/// Every member of a branch with their base, reduction and payment for `month`.
pub async fn ledger(conn: &mut AnyConnection, org_id: i64, month: &str) -> Result<Vec<LedgerRow>> {
    let sql = format!(
        "SELECT m.id AS mid, m.name, m.category, m.status, m.join_date, {BASE_AT} AS base_fen, {REDUCED_AT} AS reduced_fen, \
         p.id, p.member_id, p.org_id, p.month, p.due_fen, p.paid_fen, p.paid_on, p.method \
         FROM member m LEFT JOIN dues_payment p ON p.member_id = m.id AND p.month = $2 \
         WHERE m.org_id = $1 AND m.org_path <> '' ORDER BY m.name, m.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(org_id)
        .bind(month)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let paid: Option<i64> = r.try_get("id")?;
            Ok(LedgerRow {
                member_id: r.try_get("mid")?,
                name: r.try_get("name")?,
                category: r.try_get("category")?,
                status: r.try_get("status")?,
                join_date: r.try_get("join_date")?,
                base_fen: r.try_get("base_fen")?,
                reduced_fen: r.try_get("reduced_fen")?,
                payment: paid.map(|_| PaymentRow::read(r)).transpose()?,
            })
        })
        .collect()
}

/// The base and reduction of one member for `month`.
pub async fn terms_at(
    conn: &mut AnyConnection,
    member_id: i64,
    month: &str,
) -> Result<(Option<i64>, Option<i64>)> {
    let sql = format!(
        "SELECT {BASE_AT} AS base_fen, {REDUCED_AT} AS reduced_fen FROM member m WHERE m.id = $1"
    );
    let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(member_id)
        .bind(month)
        .fetch_one(conn)
        .await?;
    Ok((r.try_get("base_fen")?, r.try_get("reduced_fen")?))
}

row! {
    /// A member of a subtree with months unpaid in a window, or silent for long.
    #[derive(Debug, Clone)]
    pub struct StandingRow {
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

/// Members of the subtree under `root_path` who paid for fewer than `span` of the months
/// `from..=to`. The caller works out what each one owed (some joined inside the window).
pub async fn arrears(
    conn: &mut AnyConnection,
    root_path: &str,
    (from, to): (&str, &str),
    span: i64,
) -> Result<Vec<StandingRow>> {
    let rows = sqlx::query(
        "SELECT * FROM (SELECT m.id AS member_id, m.name, m.org_id, o.name AS org_name, m.org_path, m.join_date, \
         (SELECT COUNT(*) FROM dues_payment p WHERE p.member_id = m.id AND p.month >= $2 AND p.month <= $3) AS paid_months, \
         (SELECT MAX(p.month) FROM dues_payment p WHERE p.member_id = m.id) AS last_paid, \
         CAST(NULL AS TEXT) AS last_present \
         FROM member m JOIN org o ON o.id = m.org_id WHERE m.org_path LIKE $1) t \
         WHERE t.paid_months < $4 ORDER BY t.org_name, t.name, t.member_id",
    )
    .bind(format!("{root_path}%"))
    .bind(from)
    .bind(to)
    .bind(span)
    .fetch_all(conn)
    .await?;
    rows.iter().map(StandingRow::read).collect()
}

/// Members of the subtree who joined before `since_day`, paid for no month from `since_month`
/// on and attended no meeting from `since_day` on.
pub async fn silent(
    conn: &mut AnyConnection,
    root_path: &str,
    since_month: &str,
    since_day: &str,
) -> Result<Vec<StandingRow>> {
    let rows = sqlx::query(
        "SELECT m.id AS member_id, m.name, m.org_id, o.name AS org_name, m.org_path, m.join_date, CAST(0 AS BIGINT) AS paid_months, \
         (SELECT MAX(p.month) FROM dues_payment p WHERE p.member_id = m.id) AS last_paid, \
         (SELECT MAX(mt.held_on) FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id \
            WHERE a.member_id = m.id AND a.status = 'present') AS last_present \
         FROM member m JOIN org o ON o.id = m.org_id \
         WHERE m.org_path LIKE $1 AND m.join_date < $3 \
         AND NOT EXISTS (SELECT 1 FROM dues_payment p WHERE p.member_id = m.id AND p.month >= $2) \
         AND NOT EXISTS (SELECT 1 FROM attendance a JOIN meeting mt ON mt.id = a.meeting_id \
            WHERE a.member_id = m.id AND a.status = 'present' AND mt.held_on >= $3) \
         ORDER BY o.name, m.name, m.id",
    )
    .bind(format!("{root_path}%"))
    .bind(since_month)
    .bind(since_day)
    .fetch_all(conn)
    .await?;
    rows.iter().map(StandingRow::read).collect()
}

row! {
    #[derive(Debug, Clone)]
    pub struct ReductionRow {
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

const REDUCTION_COLS: &str = "r.id, r.member_id, m.name AS member_name, m.org_path, r.from_month, r.to_month, r.monthly_fen, r.reason, r.state, r.note \
    FROM dues_reduction r JOIN member m ON m.id = r.member_id";

pub struct ReductionWrite<'a> {
    pub member_id: i64,
    pub from_month: &'a str,
    pub to_month: &'a str,
    pub monthly_fen: i64,
    pub reason: &'a str,
    pub proposed_by: Option<i64>,
}

pub async fn propose_reduction(conn: &mut AnyConnection, w: &ReductionWrite<'_>) -> Result<i64> {
    let r = sqlx::query(
        "INSERT INTO dues_reduction (member_id, from_month, to_month, monthly_fen, reason, state, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, $4, $5, 'proposed', $6, $7) RETURNING id",
    )
    .bind(w.member_id)
    .bind(w.from_month)
    .bind(w.to_month)
    .bind(w.monthly_fen)
    .bind(w.reason)
    .bind(w.proposed_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(r.try_get("id")?)
}

pub async fn reduction(conn: &mut AnyConnection, id: i64) -> Result<Option<ReductionRow>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REDUCTION_COLS} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    r.as_ref().map(ReductionRow::read).transpose()
}

/// Reductions of members under `root_path`, pending first.
pub async fn reductions(
    conn: &mut AnyConnection,
    root_path: &str,
    limit: i64,
) -> Result<Vec<ReductionRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REDUCTION_COLS} WHERE m.org_path LIKE $1 \
         ORDER BY CASE WHEN r.state = 'proposed' THEN 0 ELSE 1 END, r.id DESC LIMIT $2"
    )))
    .bind(format!("{root_path}%"))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(ReductionRow::read).collect()
}

/// Approves or rejects a proposed reduction; false when it was no longer proposed.
pub async fn decide_reduction(
    conn: &mut AnyConnection,
    id: i64,
    approve: bool,
    by: Option<i64>,
    note: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE dues_reduction SET state = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $1 AND state = 'proposed'",
    )
    .bind(id)
    .bind(if approve { "approved" } else { "rejected" })
    .bind(by)
    .bind(now_ms())
    .bind(note)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Payments and their sum by branch path and month, for recounting the rollup.
pub async fn paid_counts(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64, i64)>> {
    let rs = sqlx::query(
        "SELECT o.path, x.month, x.payers, x.paid FROM (SELECT org_id, month, COUNT(*) AS payers, \
         CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT) AS paid FROM dues_payment GROUP BY org_id, month) x \
         JOIN org o ON o.id = x.org_id",
    )
    .fetch_all(conn)
    .await?;
    rs.iter()
        .map(|r| {
            Ok((
                r.try_get("path")?,
                r.try_get("month")?,
                r.try_get("payers")?,
                r.try_get("paid")?,
            ))
        })
        .collect()
}
