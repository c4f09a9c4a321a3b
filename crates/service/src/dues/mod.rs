//! 党费: each member's standard from their category and income base, the monthly ledger of a
//! branch, back payments, reductions approved above the branch, arrears and lapse warnings.

mod model;
pub use model::*;
pub mod book;
pub mod policy;

use dangjian_domain::bands::Category;
use dangjian_domain::dues::{Lapse, PayMethod, month_index, shift_month, yuan_to_fen};
use dangjian_domain::life::month_key;
use dangjian_domain::org::OrgKind;
use dangjian_domain::{FieldError, date};
use dangjian_store::dues::{self, PaymentWrite, ReductionWrite};
use dangjian_store::rollup;
use dangjian_store::{Conn, StoreError};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::members::Member;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// What a member owes and has paid, for the member page and `GET /members/{id}/dues`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberDues {
    pub member_id: i64,
    pub name: String,
    pub category: String,
    pub category_label: &'static str,
    /// The base in force this month; None for fixed-amount categories without one.
    pub base_fen: Option<i64>,
    /// The standard by the rules; None when a base is needed and not set.
    pub monthly_standard_fen: Option<i64>,
    /// What is due this month: the standard, or an approved reduction.
    pub due_fen: Option<i64>,
    pub reduced_fen: Option<i64>,
    pub paid_up_to: Option<String>,
    pub bases: Vec<DuesBase>,
    pub payments: Vec<Payment>,
}

/// A ledger line with what was due, for people and exports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    #[serde(flatten)]
    pub row: MemberMonth,
    pub due_fen: Option<i64>,
    /// `paid`, `unpaid`, `not_due` (joined later) or `no_base` (the base is missing).
    pub state: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub org_id: i64,
    pub org_name: String,
    pub month: String,
    pub lines: Vec<LedgerLine>,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub paid_count: usize,
    pub unpaid_count: usize,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PayInput {
    /// `YYYY-MM`, first month paid for.
    pub from_month: String,
    /// `YYYY-MM`, last month paid for; empty for one month.
    pub to_month: String,
    /// `YYYY-MM-DD`; empty for today.
    pub paid_on: String,
    pub method: String,
    /// 元 a month; empty pays exactly what is due.
    pub amount: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArrearsLine {
    #[serde(flatten)]
    pub row: Standing,
    /// The member's branch with its parents below the reader's scope.
    pub place: String,
    /// Arrears only.
    pub unpaid_months: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LapseLine {
    #[serde(flatten)]
    pub row: Standing,
    /// Lapses only.
    pub silent_months: i32,
    /// Lapses only.
    pub lapsed: bool,
    /// Lapses only.
    pub label: String,
}

fn month_of(text: &str, field: &'static str) -> ServiceResult<String> {
    let t = text.trim();
    month_index(t)
        .map(|_| t.to_string())
        .ok_or_else(|| ServiceError::field(field, "invalid_month", "月份格式应为 YYYY-MM"))
}

fn not_a_branch() -> ServiceError {
    ServiceError::field("org_id", "not_a_branch", "党费台账按党支部查看")
}

/// Whether the member owed anything in `month`: probationary members pay from the branch
/// meeting that accepted them, which is the join date.
fn owes_in(m_join: &str, month: &str) -> bool {
    m_join.get(..7).is_some_and(|j| j <= month)
}

/// A reduction with what the actor may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reduction {
    #[serde(flatten)]
    pub row: ReductionRecord,
    /// In the list (`GET /dues/reductions`): whether the caller may approve or reject it now (a
    /// proposal, and the caller's scope lies strictly above the branch). Absent from the
    /// answers of a proposal or a decision.
    pub can_decide: bool,
}

/// One child's collection for a month, for the dues page of a village, town or district.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildDues {
    pub org: Org,
    pub members: i64,
    /// Members whose payment for the month is recorded.
    pub payers: i64,
    pub paid_fen: i64,
    /// payers ÷ members; none without members.
    pub rate: Option<f64>,
}

impl App {
    /// Collection for a month by child of an org, with the org's own total first.
    pub async fn dues_by_child(
        &self,
        actor: &Actor,
        org_id: i64,
        month: Option<&str>,
    ) -> ServiceResult<Vec<ChildDues>> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => month_of(m, "month")?,
            None => self.current_month(),
        };
        let children = self.org_children(actor, o.id).await?;
        // Counted as payments are recorded (the rollup), so a district's month is a few rows.
        let metrics = [rollup::DUES_PAYERS, rollup::DUES_PAID];
        let (own, by_child) = {
            let mut conn = self.db.conn().await?;
            (
                rollup::sum_range(&mut conn, o.id, &metrics, &month, &month).await?,
                rollup::sum_range_children(&mut conn, o.id, &metrics, &month, &month).await?,
            )
        };
        let total = metrics.map(|m| own.get(m).copied().unwrap_or(0));
        let of_child =
            |id: i64| metrics.map(|m| by_child.get(&(id, m.to_string())).copied().unwrap_or(0));
        let line = |org: Org, members: i64, [payers, paid_fen]: [i64; 2]| ChildDues {
            rate: (members > 0).then(|| payers as f64 / members as f64),
            org,
            members,
            payers,
            paid_fen,
        };
        let total_members = children.iter().map(|c| c.members).sum();
        let mut out = vec![line(o, total_members, total)];
        out.extend(
            children
                .into_iter()
                .filter(|c| c.org.closed_on.is_none() && c.members > 0)
                .map(|c| {
                    let paid = of_child(c.org.id);
                    line(c.org, c.members, paid)
                }),
        );
        Ok(out)
    }

    fn current_month(&self) -> String {
        month_key(today())
    }

    /// What is due from a member of `category` for a month with this base and reduction.
    fn due_for(
        &self,
        category: &str,
        base_fen: Option<i64>,
        reduced_fen: Option<i64>,
    ) -> Result<i64, FieldError> {
        if let Some(r) = reduced_fen {
            return Ok(r);
        }
        let category = Category::parse(category).unwrap_or(Category::Other);
        self.config
            .dues_rules
            .monthly_standard_fen(category, base_fen)
    }

    pub async fn member_dues(&self, actor: &Actor, member_id: i64) -> ServiceResult<MemberDues> {
        let m = self.member(actor, member_id).await?;
        let month = self.current_month();
        let mut conn = self.db.conn().await?;
        let (base_fen, reduced_fen) = dues::terms_at(&mut conn, member_id, &month).await?;
        let category = Category::parse(&m.category).unwrap_or(Category::Other);
        let standard = self
            .config
            .dues_rules
            .monthly_standard_fen(category, base_fen)
            .ok();
        Ok(MemberDues {
            member_id,
            name: m.name.clone(),
            category: category.as_str().into(),
            category_label: category.label(),
            base_fen,
            monthly_standard_fen: standard,
            due_fen: reduced_fen.or(standard),
            reduced_fen,
            paid_up_to: dues::paid_up_to(&mut conn, member_id).await?,
            bases: crate::model::all(dues::bases(&mut conn, member_id).await?),
            payments: crate::model::all(dues::payments(&mut conn, member_id, 24).await?),
        })
    }

    /// Sets a member's income base from a month on (typed in 元).
    pub async fn set_dues_base(
        &self,
        actor: &Actor,
        member_id: i64,
        from_month: &str,
        base_yuan: &str,
    ) -> ServiceResult<MemberDues> {
        let m = self.member_to_edit(actor, member_id).await?;
        let from = month_of(from_month, "from_month")?;
        let rules = &self.config.dues_rules;
        rules
            .check_pay_month(&from, &self.current_month())
            .map_err(|e| {
                ServiceError::Invalid(vec![FieldError {
                    field: "from_month",
                    ..e
                }])
            })?;
        let base = yuan_to_fen(base_yuan).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let category = Category::parse(&m.category).unwrap_or(Category::Other);
        rules
            .monthly_standard_fen(category, Some(base))
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let mut tx = self.begin_audited().await?;
        dues::set_base(tx.conn(), member_id, &from, base, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("dues.base", "member", member_id).detail(format!(
                "{} 自 {from} 起基数 {} 元",
                m.name,
                base_yuan.trim()
            )),
        )
        .await?;
        self.member_dues(actor, member_id).await
    }

    /// Records one member's payment for one or more months, all of them or none.
    pub async fn pay_dues(
        &self,
        actor: &Actor,
        member_id: i64,
        input: &PayInput,
    ) -> ServiceResult<Vec<Payment>> {
        let m = self.member_to_edit(actor, member_id).await?;
        let from = month_of(&input.from_month, "from_month")?;
        let to = if input.to_month.trim().is_empty() {
            from.clone()
        } else {
            month_of(&input.to_month, "to_month")?
        };
        let months = month_range(&from, &to)?;
        let (paid_on, method) = self.paid_how(input)?;
        let amount = match input.amount.trim() {
            "" => None,
            a => Some(yuan_to_fen(a).map_err(|e| {
                ServiceError::Invalid(vec![FieldError {
                    field: "amount",
                    ..e
                }])
            })?),
        };
        let mut tx = self.begin_audited().await?;
        let mut rows = Vec::with_capacity(months.len());
        for month in &months {
            rows.push(
                self.payment_of(tx.conn(), &m, month, amount, &paid_on, method, actor)
                    .await?,
            );
        }
        dues::insert_payments(tx.conn(), &rows)
            .await
            .map_err(already_paid)?;
        count_paid(tx.conn(), &m.org_path, &rows).await?;
        let total: i64 = rows.iter().map(|r| r.paid_fen).sum();
        tx.commit(
            actor,
            Entry::ok("dues.pay", "member", member_id).detail(format!(
                "{} {from}–{to} 共 {} 元",
                m.name,
                dangjian_domain::dues::fen_to_yuan(total)
            )),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            dues::payments_between(&mut conn, member_id, &from, &to).await?,
        ))
    }

    /// Marks several members of a branch as paid for one month at exactly what each owed.
    pub async fn pay_dues_batch(
        &self,
        actor: &Actor,
        org_id: i64,
        month: &str,
        member_ids: &[i64],
        input: &PayInput,
    ) -> ServiceResult<usize> {
        let o = self.org(actor, org_id).await?;
        policy::check_record(actor, &o.path)?;
        let month = month_of(month, "month")?;
        if member_ids.is_empty() {
            return Err(ServiceError::field(
                "member_ids",
                "required",
                "请选择已交纳的党员",
            ));
        }
        let (paid_on, method) = self.paid_how(input)?;
        let mut tx = self.begin_audited().await?;
        let mut rows = Vec::with_capacity(member_ids.len());
        for id in member_ids {
            let m = dangjian_store::member::get(tx.conn(), *id)
                .await?
                .filter(|m| m.org_id == o.id && m.org_path == o.path)
                .map(Member::from)
                .ok_or_else(|| {
                    ServiceError::field("member_ids", "not_in_branch", "所选党员不在本支部")
                })?;
            rows.push(
                self.payment_of(tx.conn(), &m, &month, None, &paid_on, method, actor)
                    .await?,
            );
        }
        dues::insert_payments(tx.conn(), &rows)
            .await
            .map_err(already_paid)?;
        count_paid(tx.conn(), &o.path, &rows).await?;
        tx.commit(
            actor,
            Entry::ok("dues.pay_batch", "org", o.id).detail(format!(
                "{} {month} {} 人",
                o.name,
                rows.len()
            )),
        )
        .await?;
        Ok(rows.len())
    }

    fn paid_how(&self, input: &PayInput) -> ServiceResult<(String, PayMethod)> {
        let paid_on = match input.paid_on.trim() {
            "" => today(),
            d => date::past_date("paid_on", "交纳日期", d, today())
                .map_err(|e| ServiceError::Invalid(vec![e]))?,
        };
        let method = PayMethod::parse(&input.method)
            .ok_or_else(|| ServiceError::field("method", "invalid_choice", "请选择交纳方式"))?;
        Ok((date::format(paid_on), method))
    }

    /// One month's payment of a member, checked against the back-payment window, the join
    /// date and what was due.
    #[allow(clippy::too_many_arguments)]
    async fn payment_of(
        &self,
        conn: &mut dangjian_store::Conn,
        m: &Member,
        month: &str,
        amount: Option<i64>,
        paid_on: &str,
        method: PayMethod,
        actor: &Actor,
    ) -> ServiceResult<PaymentWrite> {
        let rules = &self.config.dues_rules;
        rules
            .check_pay_month(month, &self.current_month())
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        if !owes_in(&m.join_date, month) {
            return Err(ServiceError::field(
                "month",
                "before_joining",
                format!("{} 于 {} 入党，{month} 无需交纳党费", m.name, m.join_date),
            ));
        }
        let (base, reduced) = dues::terms_at(conn, m.id, month).await?;
        let due = self.due_for(&m.category, base, reduced).map_err(|e| {
            ServiceError::field("base", "no_base", format!("{}：{}", m.name, e.message))
        })?;
        let paid = amount.unwrap_or(due);
        if paid < due {
            return Err(ServiceError::field(
                "amount",
                "below_due",
                format!(
                    "{} {month} 应交 {} 元，实交不能少于应交",
                    m.name,
                    dangjian_domain::dues::fen_to_yuan(due)
                ),
            ));
        }
        Ok(PaymentWrite {
            member_id: m.id,
            org_id: m.org_id,
            month: month.to_string(),
            due_fen: due,
            paid_fen: paid,
            paid_on: paid_on.to_string(),
            method: method.as_str().into(),
            recorded_by: actor.user_id,
        })
    }

    /// A branch's ledger for a month.
    pub async fn dues_ledger(
        &self,
        actor: &Actor,
        org_id: i64,
        month: Option<&str>,
    ) -> ServiceResult<Ledger> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
            return Err(not_a_branch());
        }
        let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => month_of(m, "month")?,
            None => self.current_month(),
        };
        let mut conn = self.db.conn().await?;
        self.ledger_of(&mut conn, &o, month).await
    }

    /// A branch's ledger for a month, the caller having checked the reader.
    async fn ledger_of(&self, conn: &mut Conn, o: &Org, month: String) -> ServiceResult<Ledger> {
        let rows = dues::ledger(conn, o.id, &month).await?;
        let mut ledger = Ledger {
            org_id: o.id,
            org_name: o.name.clone(),
            month: month.clone(),
            lines: Vec::with_capacity(rows.len()),
            due_fen: 0,
            paid_fen: 0,
            paid_count: 0,
            unpaid_count: 0,
        };
        for row in rows {
            let (due, state) = if let Some(p) = &row.payment {
                ledger.paid_fen += p.paid_fen;
                ledger.paid_count += 1;
                (Some(p.due_fen), "paid")
            } else if !owes_in(&row.join_date, &month) {
                (None, "not_due")
            } else {
                match self.due_for(&row.category, row.base_fen, row.reduced_fen) {
                    Ok(d) => {
                        ledger.unpaid_count += 1;
                        (Some(d), "unpaid")
                    }
                    Err(_) => {
                        ledger.unpaid_count += 1;
                        (None, "no_base")
                    }
                }
            };
            ledger.due_fen += due.unwrap_or(0);
            ledger.lines.push(LedgerLine {
                row: row.into(),
                due_fen: due,
                state,
            });
        }
        Ok(ledger)
    }

    /// Members of a subtree who owe dues for any of the last `back_pay_months` complete months.
    pub async fn dues_arrears(
        &self,
        actor: &Actor,
        org_id: i64,
    ) -> ServiceResult<Vec<ArrearsLine>> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        let current = self.current_month();
        let n = self.config.dues_rules.back_pay_months;
        let from = shift_month(&current, -n).unwrap_or_else(|| current.clone());
        let to = shift_month(&current, -1).unwrap_or_else(|| current.clone());
        let mut conn = self.db.conn().await?;
        let rows = dues::arrears(&mut conn, &o.path, (&from, &to), i64::from(n)).await?;
        let mut paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        let places = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let joined = row.join_date.get(..7).unwrap_or(&from).to_string();
                let first = if joined > from { joined } else { from.clone() };
                let owed = match (month_index(&first), month_index(&to)) {
                    (Some(a), Some(b)) if b >= a => i64::from(b - a + 1),
                    _ => 0,
                };
                let unpaid = owed - row.paid_months;
                (unpaid > 0).then_some(ArrearsLine {
                    place: places.get(&row.org_path).cloned().unwrap_or_default(),
                    row: row.into(),
                    unpaid_months: unpaid,
                })
            })
            .collect())
    }

    /// Members of a subtree without dues and without organizational life for long enough to
    /// warn (DOMAIN.md §3: at 3 and 5 months; 6 is 自行脱党).
    pub async fn dues_lapses(&self, actor: &Actor, org_id: i64) -> ServiceResult<Vec<LapseLine>> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        self.lapses_under(&o.path).await
    }

    pub(crate) async fn lapses_under(&self, root_path: &str) -> ServiceResult<Vec<LapseLine>> {
        let rules = &self.config.dues_rules;
        let current = self.current_month();
        let Some(first_warn) = rules.lapse_warn_after.iter().copied().min() else {
            return Ok(Vec::new());
        };
        // Silent for `first_warn` complete months: nothing from that many months back on.
        let since = shift_month(&current, -first_warn).unwrap_or_else(|| current.clone());
        let since_day = format!("{since}-01");
        let mut conn = self.db.conn().await?;
        let rows = dues::silent(&mut conn, root_path, &since, &since_day).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let last = [
                    row.last_paid.clone(),
                    row.last_present
                        .as_ref()
                        .and_then(|d| d.get(..7))
                        .map(String::from),
                    row.join_date.get(..7).map(String::from),
                ]
                .into_iter()
                .flatten()
                .max()?;
                let lapse = rules.lapse(&last, &current)?;
                Some(LapseLine {
                    silent_months: lapse.months(),
                    lapsed: matches!(lapse, Lapse::Lapsed(_)),
                    label: lapse.label(),
                    row: row.into(),
                })
            })
            .collect())
    }

    /// The branch proposes a reduction or exemption for a member; the committee above decides.
    pub async fn propose_reduction(
        &self,
        actor: &Actor,
        member_id: i64,
        from_month: &str,
        to_month: &str,
        monthly_yuan: &str,
        reason: &str,
    ) -> ServiceResult<ReductionRecord> {
        let m = self.member_to_edit(actor, member_id).await?;
        let from = month_of(from_month, "from_month")?;
        let to = month_of(to_month, "to_month")?;
        month_range(&from, &to)?;
        let monthly = yuan_to_fen(monthly_yuan).map_err(|e| {
            ServiceError::Invalid(vec![FieldError {
                field: "amount",
                ..e
            }])
        })?;
        let reason = reason.trim();
        if reason.chars().count() < 4 || reason.chars().count() > 500 {
            return Err(ServiceError::field(
                "reason",
                "reason_required",
                "请填写减免事由（4–500 字）",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let id = dues::propose_reduction(
            tx.conn(),
            &ReductionWrite {
                member_id,
                from_month: &from,
                to_month: &to,
                monthly_fen: monthly,
                reason,
                proposed_by: actor.user_id,
            },
        )
        .await?;
        let row = dues::reduction(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("dues.reduction.propose", "member", member_id).detail(format!(
                "{} {from}–{to} 每月 {} 元",
                m.name,
                monthly_yuan.trim()
            )),
        )
        .await?;
        Ok(row.into())
    }

    /// Approval by a committee above the member's branch: the branch cannot approve its own.
    pub async fn decide_reduction(
        &self,
        actor: &Actor,
        id: i64,
        approve: bool,
        note: &str,
    ) -> ServiceResult<ReductionRecord> {
        let mut conn = self.db.conn().await?;
        let r = dues::reduction(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        policy::check_decide_reduction(actor, &r.org_path)?;
        let mut tx = self.begin_audited().await?;
        if !dues::decide_reduction(tx.conn(), id, approve, actor.user_id, note.trim()).await? {
            return Err(ServiceError::field(
                "state",
                "already_decided",
                "该申请已审批",
            ));
        }
        let row = dues::reduction(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok(
                if approve {
                    "dues.reduction.approve"
                } else {
                    "dues.reduction.reject"
                },
                "member",
                r.member_id,
            )
            .detail(r.member_name.clone()),
        )
        .await?;
        Ok(row.into())
    }

    /// The reductions of a subtree, each with whether the actor may decide it.
    pub async fn dues_reductions(
        &self,
        actor: &Actor,
        org_id: i64,
    ) -> ServiceResult<Vec<Reduction>> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        let mut conn = self.db.conn().await?;
        Ok(dues::reductions(&mut conn, &o.path, 200)
            .await?
            .into_iter()
            .map(|row| Reduction {
                can_decide: policy::can_decide_reduction(actor, &row.org_path, &row.state),
                row: row.into(),
            })
            .collect())
    }
}

fn month_range(from: &str, to: &str) -> ServiceResult<Vec<String>> {
    let (Some(a), Some(b)) = (month_index(from), month_index(to)) else {
        return Err(ServiceError::field(
            "to_month",
            "invalid_month",
            "月份格式应为 YYYY-MM",
        ));
    };
    if b < a {
        return Err(ServiceError::field(
            "to_month",
            "before_from",
            "结束月份不能早于开始月份",
        ));
    }
    if b - a >= 24 {
        return Err(ServiceError::field(
            "to_month",
            "too_long",
            "一次最多登记 24 个月",
        ));
    }
    Ok((0..=b - a).filter_map(|i| shift_month(from, i)).collect())
}

fn already_paid(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate(_) => ServiceError::field(
            "month",
            "already_paid",
            "所选月份中已有交纳记录，不能重复登记",
        ),
        other => other.into(),
    }
}

/// Adds new payments of one branch to its month's counters and those of its ancestors.
async fn count_paid(
    conn: &mut dangjian_store::Conn,
    branch_path: &str,
    rows: &[PaymentWrite],
) -> ServiceResult<()> {
    let mut by_month: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
    for r in rows {
        let e = by_month.entry(r.month.as_str()).or_default();
        e.0 += 1;
        e.1 += r.paid_fen;
    }
    for (month, (payers, paid)) in by_month {
        let deltas = [(rollup::DUES_PAYERS, payers), (rollup::DUES_PAID, paid)];
        rollup::apply_deltas(conn, branch_path, month, &deltas).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert_eq!(month_range("2026-11", "2027-01").expect("range").len(), 3);
        assert!(month_range("2026-11", "2026-10").is_err());
        assert!(month_range("2024-01", "2026-01").is_err());
    }

    #[test]
    fn dues_start_with_the_join_month() {
        assert!(owes_in("2026-03-15", "2026-03"));
        assert!(!owes_in("2026-03-15", "2026-02"));
    }
}
