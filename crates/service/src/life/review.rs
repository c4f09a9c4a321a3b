//! 民主评议党员: self-evaluation, peer evaluation, democratic vote, the committee's proposal
//! and the general meeting's decision, with 优秀 capped at one third of the branch.

use dangjian_domain::review::{ExcellentCap, Grade};
use dangjian_domain::role::Role;
use dangjian_domain::{FieldError, date};
use dangjian_store::life::review::{self, EntryChange};
use dangjian_store::{StoreError, rollup};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::life::Review;
use crate::life::ReviewEntry;
use crate::stats::Slice;
use crate::{Actor, App, ServiceError, ServiceResult, members, today};

/// The annual review 民主评议党员 of one branch for one year, with every member's entry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub review: Review,
    /// The most members that may be graded `excellent`: floor(n ÷ 3) for n entries.
    pub max_excellent: i64,
    /// One per member of the branch when the review was opened, ordered by name (then member
    /// id).
    pub entries: Vec<ReviewEntry>,
}

/// Steps of one member's review. Every field is optional; absent or `null` keeps the stored
/// value, so a score, vote count or proposal once recorded can be replaced but not cleared. An
/// empty body changes nothing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EntryInput {
    /// Self-evaluation 个人自评, trimmed when stored; at most 5000 characters (422 `too_long`);
    /// `""` empties it. The only field a `member` user may send, and only for their own entry.
    pub self_evaluation: Option<String>,
    /// Peer evaluation score 互评得分, 0–100 (422 `out_of_range`).
    pub peer_score: Option<i64>,
    /// Votes received in the democratic vote 民主测评得票数; negative: 422 `out_of_range`.
    pub votes_for: Option<i64>,
    /// The branch committee's proposed grade 支委会建议等次: the code or its Chinese label, trimmed,
    /// stored as the code. Unknown or empty: 422 `invalid_choice`.
    pub proposed: Option<String>,
}

/// One member's grade in the general meeting's decision. All checks report 422 on field
/// `grades`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct GradeInput {
    /// A member with an entry in the review (422 `not_in_review`); listed twice: 422
    /// `duplicate`.
    pub member_id: i64,
    /// Grade 评定等次: the code or its Chinese label, trimmed. Unknown: 422 `invalid_choice`.
    pub grade: String,
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new(field, code, message)])
}

impl App {
    async fn review_in_scope(&self, actor: &Actor, id: i64) -> ServiceResult<Review> {
        let mut conn = self.db.conn().await?;
        let r = review::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&r.org_path)?;
        Ok(r.into())
    }

    /// A review with the entries the actor may read: a plain member reads only their own
    /// (votes and grades of colleagues are particulars, see `members::policy`).
    async fn detail(&self, actor: &Actor, r: Review) -> ServiceResult<ReviewDetail> {
        let mut conn = self.db.conn().await?;
        let mut entries = review::entries(&mut conn, r.id).await?;
        let max_excellent = ExcellentCap::default().max(entries.len() as i64);
        if !members::policy::can_list_particulars(actor, &r.org_path) {
            entries.retain(|e| Some(e.member_id) == actor.member_id);
        }
        Ok(ReviewDetail {
            review: r,
            max_excellent,
            entries: crate::model::all(entries),
        })
    }

    /// Opens a branch's review for a year with an entry for each of its members.
    pub async fn open_review(
        &self,
        actor: &Actor,
        branch_id: i64,
        year: i64,
    ) -> ServiceResult<ReviewDetail> {
        let o = self.branch_to_record(actor, branch_id).await?;
        if !(2000..=i64::from(today().year())).contains(&year) {
            return Err(invalid(
                "year",
                "invalid_year",
                "评议年度应在 2000 年至今年之间",
            ));
        }
        let members: Vec<i64> = self
            .branch_members(actor, o.id)
            .await?
            .iter()
            .map(|m| m.id)
            .collect();
        if members.is_empty() {
            return Err(invalid("org_id", "no_members", "该支部没有党员，无需评议"));
        }
        let mut tx = self.begin_audited().await?;
        let id = review::create(tx.conn(), o.id, &o.path, year)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    invalid("year", "duplicate", "该支部本年度的民主评议已经开始")
                }
                other => other.into(),
            })?;
        review::add_entries(tx.conn(), id, &members).await?;
        tx.commit(
            actor,
            Entry::ok("review.open", "annual_review", id).detail(format!("{} {year}", o.name)),
        )
        .await?;
        self.review(actor, id).await
    }

    pub async fn review(&self, actor: &Actor, id: i64) -> ServiceResult<ReviewDetail> {
        let r = self.review_in_scope(actor, id).await?;
        self.detail(actor, r).await
    }

    /// The review of a branch for a year, if it was opened.
    pub async fn review_of(
        &self,
        actor: &Actor,
        branch_id: i64,
        year: i64,
    ) -> ServiceResult<Option<ReviewDetail>> {
        let o = self.org(actor, branch_id).await?;
        let found = {
            let mut conn = self.db.conn().await?;
            review::by_org_year(&mut conn, o.id, year).await?
        };
        match found {
            Some(r) => Ok(Some(self.detail(actor, r.into()).await?)),
            None => Ok(None),
        }
    }

    /// One step of a member's review. A member writes only their own self-evaluation; the
    /// branch records the rest. Nothing changes once the general meeting has decided.
    pub async fn update_review_entry(
        &self,
        actor: &Actor,
        id: i64,
        member_id: i64,
        input: &EntryInput,
    ) -> ServiceResult<ReviewDetail> {
        let r = self.review_in_scope(actor, id).await?;
        let own = actor.role == Role::Member && actor.member_id == Some(member_id);
        let only_self =
            input.peer_score.is_none() && input.votes_for.is_none() && input.proposed.is_none();
        if !(own && only_self) {
            super::policy::check_record(actor, &r.org_path)?;
        }
        if r.decided_on.is_some() {
            return Err(invalid(
                "grade",
                "decided",
                "支部党员大会已作出评议决定，不能再修改",
            ));
        }
        if input
            .self_evaluation
            .as_deref()
            .is_some_and(|s| s.chars().count() > 5000)
        {
            return Err(invalid(
                "self_evaluation",
                "too_long",
                "个人自评不能超过 5000 字",
            ));
        }
        if input.peer_score.is_some_and(|s| !(0..=100).contains(&s)) {
            return Err(invalid(
                "peer_score",
                "out_of_range",
                "互评得分应在 0–100 之间",
            ));
        }
        if input.votes_for.is_some_and(|v| v < 0) {
            return Err(invalid("votes_for", "out_of_range", "得票数不能为负"));
        }
        let proposed = match input.proposed.as_deref() {
            None => None,
            Some(p) => Some(
                Grade::parse(p)
                    .ok_or_else(|| {
                        invalid(
                            "proposed",
                            "invalid_choice",
                            "建议等次应为 优秀、合格、基本合格 或 不合格",
                        )
                    })?
                    .as_str(),
            ),
        };
        let change = EntryChange {
            self_evaluation: input.self_evaluation.as_deref().map(str::trim),
            peer_score: input.peer_score,
            votes_for: input.votes_for,
            proposed,
        };
        let mut tx = self.begin_audited().await?;
        if review::update_entry(tx.conn(), r.id, member_id, &change).await? == 0 {
            return Err(invalid(
                "member_id",
                "not_in_review",
                "该党员不在本次评议名单中",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("review.entry", "annual_review", r.id).detail(format!("member {member_id}")),
        )
        .await?;
        self.review(actor, id).await
    }

    /// The general meeting's decision: a grade for every member, 优秀 at most one third.
    pub async fn decide_review(
        &self,
        actor: &Actor,
        id: i64,
        grades: &[GradeInput],
    ) -> ServiceResult<ReviewDetail> {
        let r = self.review_in_scope(actor, id).await?;
        super::policy::check_record(actor, &r.org_path)?;
        if r.decided_on.is_some() {
            return Err(invalid("grades", "decided", "本次评议已作出决定"));
        }
        let entries = self.detail(actor, r.clone()).await?.entries;
        let mut decided: Vec<(i64, &str)> = Vec::new();
        for g in grades {
            if !entries.iter().any(|e| e.member_id == g.member_id) {
                return Err(invalid(
                    "grades",
                    "not_in_review",
                    format!("党员 #{} 不在本次评议名单中", g.member_id),
                ));
            }
            if decided.iter().any(|(m, _)| *m == g.member_id) {
                return Err(invalid("grades", "duplicate", "同一党员出现了两次"));
            }
            let grade = Grade::parse(&g.grade).ok_or_else(|| {
                invalid(
                    "grades",
                    "invalid_choice",
                    "等次应为 优秀、合格、基本合格 或 不合格",
                )
            })?;
            decided.push((g.member_id, grade.as_str()));
        }
        if decided.len() != entries.len() {
            return Err(invalid(
                "grades",
                "incomplete",
                format!("请为全部 {} 名党员确定等次", entries.len()),
            ));
        }
        let excellent = decided
            .iter()
            .filter(|(_, g)| *g == Grade::Excellent.as_str())
            .count() as i64;
        ExcellentCap::default()
            .check(excellent, entries.len() as i64)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let mut tx = self.begin_audited().await?;
        if !review::decide(tx.conn(), r.id, &decided, &date::format(today())).await? {
            return Err(invalid("grades", "decided", "本次评议已作出决定"));
        }
        for g in Grade::ALL {
            let n = decided.iter().filter(|(_, x)| *x == g.as_str()).count() as i64;
            let key = rollup::grade_key(r.year, g.as_str());
            rollup::apply(tx.conn(), &r.org_path, &[(rollup::REVIEW_GRADE, key)], n).await?;
        }
        tx.commit(
            actor,
            Entry::ok("review.decide", "annual_review", r.id)
                .detail(format!("{} 人，优秀 {excellent} 人", entries.len())),
        )
        .await?;
        self.review(actor, id).await
    }

    /// Decided grades of a year inside an org's subtree, for dashboards.
    pub async fn review_grade_counts(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
    ) -> ServiceResult<Vec<Slice>> {
        let o = self.org(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        let keys: Vec<String> = Grade::ALL
            .iter()
            .map(|g| rollup::grade_key(year, g.as_str()))
            .collect();
        let counts: Vec<(String, i64)> =
            rollup::for_keys(&mut conn, o.id, rollup::REVIEW_GRADE, &keys)
                .await?
                .into_iter()
                .map(|(k, n)| {
                    (
                        k.split_once(':').map_or(k.clone(), |(_, g)| g.to_string()),
                        n,
                    )
                })
                .collect();
        Ok(Grade::ALL
            .iter()
            .map(|g| Slice {
                code: g.as_str().into(),
                label: g.label().into(),
                n: counts
                    .iter()
                    .filter(|(k, _)| k == g.as_str())
                    .map(|(_, n)| n)
                    .sum(),
            })
            .collect())
    }

    /// A member's grades by year, newest first.
    pub async fn member_reviews(
        &self,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<Vec<(i64, &'static str)>> {
        let m = self.member(actor, member_id).await?;
        let mut conn = self.db.conn().await?;
        Ok(review::member_grades(&mut conn, m.id)
            .await?
            .into_iter()
            .map(|(y, g)| (y, Grade::parse(&g).map_or("", Grade::label)))
            .collect())
    }
}
