//! 党费收缴台账: a branch's year of dues, each member a line of twelve months (what was paid
//! and when, or what is still owed), with the totals of each month. Read from the payments as
//! recorded month by month; nobody adds them up again.

use dangjian_domain::bands::Category;
use dangjian_domain::life::month_key;

use super::{LedgerLine, policy};
use crate::book::BookQuery;
use crate::{Actor, App, ServiceResult, today};

/// One month of a member's line.
#[derive(Debug, Clone, PartialEq)]
pub enum DuesCell {
    /// Paid this much (分), on that day.
    Paid { fen: i64, on: String },
    /// Owed and not paid; the amount when the rules can tell it (a base may be missing).
    Owed(Option<i64>),
    /// Not a member of the branch yet, or not yet due.
    NotDue,
}

/// A member's year.
#[derive(Debug)]
pub struct DuesBookLine {
    pub name: String,
    pub category_label: &'static str,
    /// What was due in the last month of the book (分), the standard the line is read by.
    pub standard_fen: Option<i64>,
    pub months: Vec<DuesCell>,
    pub paid_fen: i64,
}

/// A branch's book of a year.
#[derive(Debug)]
pub struct DuesBook {
    pub org_id: i64,
    pub org_title: String,
    pub year: i32,
    /// The months the book covers, `YYYY-MM`: the whole year, or up to this month.
    pub months: Vec<String>,
    pub lines: Vec<DuesBookLine>,
    /// Paid in each month (分), and due in each month.
    pub paid_by_month: Vec<i64>,
    pub due_by_month: Vec<i64>,
}

impl DuesBook {
    pub fn paid_fen(&self) -> i64 {
        self.paid_by_month.iter().sum()
    }

    pub fn due_fen(&self) -> i64 {
        self.due_by_month.iter().sum()
    }
}

fn cell(line: &LedgerLine) -> DuesCell {
    match (&line.row.payment, line.state) {
        (Some(p), _) => DuesCell::Paid {
            fen: p.paid_fen,
            on: p.paid_on.clone(),
        },
        (None, "not_due") => DuesCell::NotDue,
        (None, _) => DuesCell::Owed(line.due_fen),
    }
}

impl App {
    /// The year's book of a branch, for whoever reads its dues. Audited as an export.
    pub async fn dues_book(&self, actor: &Actor, q: &BookQuery) -> ServiceResult<DuesBook> {
        let book = self.book_of(actor, q, policy::check_read).await?;
        let now = month_key(today());
        let months: Vec<String> = (1..=12)
            .map(|m| format!("{:04}-{m:02}", book.year))
            .filter(|m| *m <= now)
            .collect();
        let mut lines: Vec<DuesBookLine> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let (mut paid_by_month, mut due_by_month) = (Vec::new(), Vec::new());
        let mut conn = self.db.conn().await?;
        for (i, month) in months.iter().enumerate() {
            let ledger = self.ledger_of(&mut conn, &book.org, month.clone()).await?;
            paid_by_month.push(ledger.paid_fen);
            due_by_month.push(ledger.due_fen);
            for l in &ledger.lines {
                let at = *index.entry(l.row.member_id).or_insert_with(|| {
                    lines.push(DuesBookLine {
                        name: l.row.name.clone(),
                        category_label: Category::parse(&l.row.category)
                            .unwrap_or(Category::Other)
                            .label(),
                        standard_fen: None,
                        months: vec![DuesCell::NotDue; months.len()],
                        paid_fen: 0,
                    });
                    lines.len() - 1
                });
                let line = &mut lines[at];
                line.months[i] = cell(l);
                line.standard_fen = l.due_fen.or(line.standard_fen);
                if let DuesCell::Paid { fen, .. } = &line.months[i] {
                    line.paid_fen += fen;
                }
            }
        }
        drop(conn);
        self.audit_export(actor, "党费收缴台账", book.org.id, lines.len(), None)
            .await?;
        Ok(DuesBook {
            org_id: book.org.id,
            org_title: book.title,
            year: book.year,
            months,
            lines,
            paid_by_month,
            due_by_month,
        })
    }
}
