//! A year of 党费 for the demo: income bases by category and monthly payments, most members
//! up to date, some a month or two behind, and a few silent for months (who also stay away
//! from meetings, so that the lapse warnings have someone to warn about).

use crate::{ServiceResult, today};
use dangjian_domain::bands::Category;
use dangjian_domain::dues::{DuesRules, PayMethod, shift_month};
use dangjian_domain::life::month_key;
use dangjian_store::Conn;
use dangjian_store::dues::{PaymentWrite, insert_payments, set_bases_bulk};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What the dues of one demo member depend on.
pub(crate) struct Payer {
    pub member_id: i64,
    pub org_id: i64,
    pub category: Category,
    pub join_month: String,
    /// The last member of a branch, who misses most meetings in the demo.
    pub last_of_branch: bool,
}

/// Up to this many members every month of the year is paid; above, the last two only.
const FULL_YEAR_UP_TO: usize = 100_000;

fn base_yuan(category: Category, rng: &mut ChaCha8Rng) -> Option<i64> {
    match category {
        Category::InService | Category::Other => {
            // Mostly 3,000–8,000 元 after tax, with a tail of higher pay.
            let x: f64 = rng.random_range(0.0..1.0);
            Some((2_500.0 + 5_500.0 * x + if x > 0.9 { 6_000.0 * x } else { 0.0 }) as i64)
        }
        Category::Retired => Some(rng.random_range(2_200..6_800)),
        _ => None,
    }
}

/// Returns the number of payments written.
pub(crate) async fn generate(
    conn: &mut Conn,
    payers: &[Payer],
    rules: &DuesRules,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let current = month_key(today());
    let months_back = if payers.len() <= FULL_YEAR_UP_TO {
        12
    } else {
        2
    };
    let first = shift_month(&current, -months_back).unwrap_or_else(|| current.clone());
    let mut bases = Vec::new();
    let mut payments = Vec::with_capacity(20_000);
    let mut written = 0;
    for p in payers {
        let base_fen = base_yuan(p.category, rng).map(|y| y * 100);
        let mut raise: Option<(String, i64)> = None;
        if let Some(b) = base_fen {
            bases.push((p.member_id, first.clone(), b));
            // One in ten had a raise during the year, from some month on.
            if rng.random_bool(0.1) {
                let from = shift_month(&current, -rng.random_range(1..months_back.max(2)))
                    .unwrap_or_else(|| current.clone());
                let raised = b + b / 10;
                bases.push((p.member_id, from.clone(), raised));
                raise = Some((from, raised));
            }
        }
        // How far this member has paid: the current month for some, a month or two behind
        // for a few, and months behind for those who fell silent.
        let stop = if p.last_of_branch && rng.random_bool(0.05) {
            -rng.random_range(4..9)
        } else if rng.random_bool(0.03) {
            -rng.random_range(2..4)
        } else if rng.random_bool(0.55) {
            0
        } else {
            -1
        };
        let start = if p.join_month > first {
            p.join_month.clone()
        } else {
            first.clone()
        };
        let Some(last) = shift_month(&current, stop) else {
            continue;
        };
        let mut month = start;
        while month <= last {
            let base = match &raise {
                Some((from, raised)) if month >= *from => Some(*raised),
                _ => base_fen,
            };
            let due = rules
                .monthly_standard_fen(p.category, base)
                .unwrap_or(rules.low_income_fen);
            let mut day = rng.random_range(5..26);
            if month == current {
                day = day.min(today().day());
            }
            payments.push(PaymentWrite {
                member_id: p.member_id,
                org_id: p.org_id,
                month: month.clone(),
                due_fen: due,
                paid_fen: due,
                paid_on: format!("{month}-{day:02}"),
                method: PayMethod::ALL[rng.random_range(0..PayMethod::ALL.len())]
                    .as_str()
                    .into(),
                recorded_by: None,
            });
            let Some(next) = shift_month(&month, 1) else {
                break;
            };
            month = next;
        }
        if payments.len() >= 20_000 {
            written += payments.len();
            insert_payments(conn, &payments).await?;
            payments.clear();
        }
        if bases.len() >= 20_000 {
            set_bases_bulk(conn, &bases).await?;
            bases.clear();
        }
    }
    written += payments.len();
    insert_payments(conn, &payments).await?;
    set_bases_bulk(conn, &bases).await?;
    Ok(written)
}
