//! 三评, 一公开: a town or the district opens a period of evaluation for its subtree;
//! households (through the community's staff, who enter their forms), peers and the branch
//! answer a short form for each member; results are read per branch or community and made
//! public there when an admin publishes them. Members rated poorly by households are flagged
//! to their branch.

use std::collections::HashMap;

use dangjian_domain::evaluation::{self as domain, Answer, Band, Facts, PeriodInput, Rater};
use dangjian_domain::org::OrgKind;
use dangjian_domain::{FieldError, date};
use dangjian_store::masses::evaluation::{self as store, NewPeriod, NewResponse, ResponseRow};
use dangjian_store::member::{self, DEPARTED_PATH, MemberFilter};
use dangjian_store::org;
use dangjian_store::{StoreError, masses, notification, rollup};
use serde::{Deserialize, Serialize};

use super::policy;
use crate::audit::Entry;
use crate::masses::EvaluationPeriod;
use crate::masses::community_checkin::is_community;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// One response as a form or a script sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResponseInput {
    /// The member evaluated: a member under the period's org (422 `unknown_member`).
    pub member_id: i64,
    /// The code or its Chinese label. Unknown: 422 `invalid_choice`.
    pub rater: String,
    /// For a household's form: which household answered.
    pub household_id: Option<i64>,
    /// One answer code (5 … 1) per question.
    pub answers: Vec<String>,
    /// 意见建议, optional (422 `too_long` over 300 characters). Kept with the response; never
    /// answered by the API nor published.
    pub comment: String,
}

/// The member a form is for, as the form names them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluee {
    pub member_id: i64,
    pub name: String,
    pub org_id: i64,
}

/// A rater's responses for one member: how many, and their average in hundredths.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RaterScore {
    pub count: i64,
    /// Average over all answers in hundredths of a point (`435` = 4.35); null without
    /// responses.
    pub average_x100: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberResult {
    pub member_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub household: RaterScore,
    pub peer: RaterScore,
    pub organization: RaterScore,
    /// Weighted average of the raters' averages in hundredths (households 50 %, peers 25 %, the
    /// organization 25 %, over the raters that answered); null without any response.
    pub average_x100: Option<i64>,
    /// Null without any response.
    pub band: Option<Band>,
    /// Households' answers were poor enough to flag the member to the branch.
    pub flagged: bool,
    /// The reader may rate this member as a peer (a colleague, not themselves).
    pub can_peer: bool,
}

/// How many answers of each choice a question got, best first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub question: String,
    /// [answer, responses] for each answer, best first (`very_satisfied` … `very_unsatisfied`),
    /// zeros included; every rater counted.
    pub counts: Vec<(Answer, i64)>,
    /// In hundredths of a point; null without answers.
    pub average_x100: Option<i64>,
}

/// Results of a period for one org, as staff read them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub period: EvaluationPeriod,
    pub org: Org,
    /// Over the responses about members under the org, in the period's order; empty above the
    /// result level.
    pub questions: Vec<QuestionResult>,
    /// Every member under the org, answered or not; empty above the result level.
    pub members: Vec<MemberResult>,
    /// Published (一公开) for this org or an org above it.
    pub published: bool,
    /// The organizations below with their figures, when the org is above the branches and
    /// communities where results are read.
    pub children: Vec<ChildResult>,
    /// What the actor may do with these results.
    pub actions: policy::ResultActions,
}

/// One organization below, summed: how far its evaluation has come and how it was rated.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildResult {
    pub org: Org,
    /// Members under it, and those with at least one response.
    pub members: i64,
    pub rated: i64,
    /// Responses by rater.
    pub household: i64,
    pub peer: i64,
    pub organization: i64,
    /// Every answer of every rater averaged, in hundredths of a point; null without
    /// responses.
    pub average_x100: Option<i64>,
    /// Published for it or for an org above.
    pub published: bool,
}

/// What is published of results, for anyone: the aggregates and each member's band, no
/// comments and no scores per rater.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedResults {
    pub period: PublishedPeriod,
    pub org: PublishedOrg,
    pub questions: Vec<QuestionResult>,
    pub members: Vec<PublishedMember>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedPeriod {
    pub id: i64,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedOrg {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedMember {
    pub name: String,
    pub branch_name: String,
    pub band: Option<Band>,
}

impl Results {
    /// The part of these results that publication shows.
    pub fn published(self) -> PublishedResults {
        PublishedResults {
            period: PublishedPeriod {
                id: self.period.id,
                name: self.period.name,
                starts_on: self.period.starts_on,
                ends_on: self.period.ends_on,
            },
            org: PublishedOrg {
                id: self.org.id,
                name: self.org.name,
            },
            questions: self.questions,
            members: self
                .members
                .into_iter()
                .map(|m| PublishedMember {
                    name: m.name,
                    branch_name: m.branch_name,
                    band: m.band,
                })
                .collect(),
        }
    }
}

/// Where results are read and published: a branch (or anything holding members) or a
/// village or community.
fn result_level(o: &Org) -> bool {
    is_community(o) || OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
}

/// The open children of `parent` with their figures: members from the kept counters, the
/// publications of the period read once, and each child's responses summed over its range.
async fn child_results(
    conn: &mut dangjian_store::Conn,
    p: &EvaluationPeriod,
    parent: &Org,
) -> ServiceResult<Vec<ChildResult>> {
    let members = rollup::for_children(conn, parent.id, rollup::MEMBER_TOTAL).await?;
    let published = store::published_orgs(conn, p.id).await?;
    let mut out = Vec::new();
    for c in org::children(conn, parent.id).await? {
        if c.closed_on.is_some() {
            continue;
        }
        let t = store::tally_under(conn, p.id, &c.path).await?;
        let responses = t.household + t.peer + t.organization;
        out.push(ChildResult {
            members: members
                .iter()
                .filter(|(o, ..)| *o == c.id)
                .map(|(.., n)| n)
                .sum(),
            rated: t.rated,
            household: t.household,
            peer: t.peer,
            organization: t.organization,
            average_x100: domain::average_x100(t.total, responses * p.questions.len() as i64),
            published: dangjian_domain::path::ids(&c.path)
                .iter()
                .any(|id| published.contains(id)),
            org: c.into(),
        });
    }
    Ok(out)
}

fn period_open(p: &EvaluationPeriod) -> bool {
    let t = date::format(today());
    p.starts_on <= t && t <= p.ends_on
}

impl App {
    /// A period the actor may see: one that concerns their subtree.
    pub async fn evaluation_period(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<EvaluationPeriod> {
        let mut conn = self.db.conn().await?;
        let p = store::period(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let root = actor.read_root()?;
        if dangjian_domain::path::contains(&p.org_path, root)
            || dangjian_domain::path::contains(root, &p.org_path)
        {
            Ok(p.into())
        } else {
            Err(ServiceError::NotFound)
        }
    }

    pub async fn evaluation_periods(&self, actor: &Actor) -> ServiceResult<Vec<EvaluationPeriod>> {
        let root = actor.read_root()?.to_string();
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            store::periods_for(&mut conn, &root).await?,
        ))
    }

    /// Opens a period for an org's subtree: a town's or the district's admins.
    pub async fn create_evaluation_period(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &PeriodInput,
    ) -> ServiceResult<i64> {
        let o = self.org(actor, org_id).await?;
        policy::check_open_evaluation(actor, &o.path)?;
        let p = input
            .validate(&self.config.evaluation_rules)
            .map_err(ServiceError::Invalid)?;
        let (starts, ends) = (date::format(p.starts_on), date::format(p.ends_on));
        let mut tx = self.begin_audited().await?;
        let id = store::insert_period(
            tx.conn(),
            &NewPeriod {
                org_id: o.id,
                org_path: &o.path,
                name: &p.name,
                starts_on: &starts,
                ends_on: &ends,
                questions: &p.questions,
                created_by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("evaluation.period", "evaluation_period", id)
                .detail(format!("{} {} {starts}–{ends}", o.name, p.name)),
        )
        .await?;
        Ok(id)
    }

    /// Takes one response after checking the evaluator's tie to the member.
    pub async fn evaluate(
        &self,
        actor: &Actor,
        period_id: i64,
        input: &ResponseInput,
    ) -> ServiceResult<()> {
        let rules = &self.config.evaluation_rules;
        let p = self.evaluation_period(actor, period_id).await?;
        let rater = Rater::parse(input.rater.trim())
            .ok_or_else(|| ServiceError::field("rater", "invalid_choice", "请选择评价方式"))?;
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, input.member_id)
            .await?
            .filter(|m| m.org_path != DEPARTED_PATH)
            .filter(|m| dangjian_domain::path::contains(&p.org_path, &m.org_path))
            .ok_or_else(|| {
                ServiceError::field(
                    "member_id",
                    "unknown_member",
                    "党员不存在或不在本次评价范围内",
                )
            })?;
        let answers = domain::parse_answers(&input.answers, p.questions.len())
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let comment = input.comment.trim();
        if comment.chars().count() > rules.comment_chars {
            return Err(ServiceError::field(
                "comment",
                "too_long",
                format!("意见建议不能超过 {} 字", rules.comment_chars),
            ));
        }
        let mut facts = Facts {
            period_open: period_open(&p),
            is_self: actor.member_id == Some(m.id),
            ..Facts::default()
        };
        let rater_key = match rater {
            Rater::Household => {
                // The community's staff enter a household's paper form.
                let hid = input.household_id.ok_or_else(|| {
                    ServiceError::field("household_id", "required", "请选择作出评价的住户")
                })?;
                let h = masses::household(&mut conn, hid)
                    .await?
                    .filter(|h| policy::can_edit(actor, &h.org_path))
                    .ok_or_else(|| {
                        ServiceError::field(
                            "household_id",
                            "unknown",
                            "住户不存在或不在您的管辖范围内",
                        )
                    })?;
                facts.served_household =
                    store::served(&mut conn, m.id, h.id, &p.starts_on, &p.ends_on).await?;
                format!("household:{}", h.id)
            }
            Rater::Peer => {
                let own = actor
                    .member_id
                    .ok_or(ServiceError::Forbidden("党员互评须用本人的党员账号"))?;
                let me = member::get(&mut conn, own)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                facts.same_branch = me.org_id == m.org_id;
                format!("member:{own}")
            }
            Rater::Organization => {
                facts.edits_branch = policy::can_edit(actor, &m.org_path);
                format!("org:{}", m.org_id)
            }
        };
        drop(conn);
        domain::eligible(rater, facts).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let mut tx = self.begin_audited().await?;
        store::insert_response(
            tx.conn(),
            &NewResponse {
                period_id: p.id,
                member_id: m.id,
                member_path: &m.org_path,
                rater: rater.as_str(),
                rater_key,
                answers: &answers,
                comment,
                recorded_by: actor.user_id,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ServiceError::field(
                "member_id",
                "duplicate",
                format!(
                    "本次评价中已对{}作过{}，不能重复评价",
                    m.name,
                    rater.label()
                ),
            ),
            other => other.into(),
        })?;
        if rater == Rater::Household {
            let (total, n) = store::household_totals(tx.conn(), p.id, m.id).await?;
            let avg = domain::average_x100(total, n * p.questions.len() as i64);
            if domain::poorly_rated(rules, avg, n) {
                notification::add_many(
                    tx.conn(),
                    &[notification::NewNotification {
                        org_id: m.org_id,
                        kind: "evaluation_poor".into(),
                        dedupe_key: format!("evaluation_poor:{}:{}", p.id, m.id),
                        title: format!("{}群众评价偏低", m.name),
                        body: format!(
                            "{}中，{} 户群众对{}的平均评分为 {}，请支部了解情况、帮助改进。",
                            p.name,
                            n,
                            m.name,
                            avg.map(domain::score_text).unwrap_or_default()
                        ),
                        link: format!("/evaluations/{}?org={}", p.id, m.org_id),
                    }],
                )
                .await?;
            }
        }
        tx.commit(
            actor,
            Entry::ok("evaluation.response", "member", m.id).detail(format!(
                "{} {}",
                p.name,
                rater.label()
            )),
        )
        .await?;
        Ok(())
    }

    /// The member a form of the period is for: one the actor may rate (the staff entering
    /// forms for the member's branch, or a colleague of the same branch), else not found.
    pub async fn evaluee(
        &self,
        actor: &Actor,
        period_id: i64,
        member_id: i64,
    ) -> ServiceResult<Evaluee> {
        let p = self.evaluation_period(actor, period_id).await?;
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, member_id)
            .await?
            .filter(|m| dangjian_domain::path::contains(&p.org_path, &m.org_path))
            .ok_or(ServiceError::NotFound)?;
        let colleague = match actor.member_id {
            Some(own) if own != m.id => member::get(&mut conn, own)
                .await?
                .is_some_and(|me| me.org_id == m.org_id),
            _ => false,
        };
        policy::check_open_evaluation_form(actor, &m.org_path, colleague)?;
        Ok(Evaluee {
            member_id: m.id,
            name: m.name,
            org_id: m.org_id,
        })
    }

    /// The households a member served in the period, for the household form.
    pub async fn evaluation_households(
        &self,
        actor: &Actor,
        period_id: i64,
        member_id: i64,
    ) -> ServiceResult<Vec<(i64, String)>> {
        let p = self.evaluation_period(actor, period_id).await?;
        let mut conn = self.db.conn().await?;
        let m = crate::masses::visible_member(&mut conn, actor, member_id).await?;
        Ok(store::households_served(&mut conn, m.id, &p.starts_on, &p.ends_on).await?)
    }

    /// Results for a branch or a community, as staff read them.
    pub async fn evaluation_results(
        &self,
        actor: &Actor,
        period_id: i64,
        org_id: Option<i64>,
    ) -> ServiceResult<Results> {
        let p = self.evaluation_period(actor, period_id).await?;
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None if actor.check_visible(&p.org_path).is_ok() => self.org(actor, p.org_id).await?,
            None => self.home_org(actor).await?,
        };
        if !dangjian_domain::path::contains(&p.org_path, &o.path) {
            return Err(ServiceError::field(
                "org",
                "not_in_period",
                format!("{}不在{}的范围内", o.name, p.name),
            ));
        }
        let mut r = self.results(p, o).await?;
        r.actions = policy::result_actions(actor, &r.org.path, r.published);
        // 互评 is between colleagues of one branch: the reader's own record says which.
        let own_branch = match actor.member_id {
            Some(own) if r.actions.can_peer => {
                let mut conn = self.db.conn().await?;
                member::get(&mut conn, own).await?.map(|me| me.org_id)
            }
            _ => None,
        };
        for m in &mut r.members {
            m.can_peer = own_branch == Some(m.branch_id) && actor.member_id != Some(m.member_id);
        }
        // A member's own account sees whom they may evaluate, not their colleagues' scores;
        // the bands once they are public, like everyone.
        if !policy::reads_colleagues_scores(actor) {
            r.questions.clear();
            for m in &mut r.members {
                m.household = RaterScore::default();
                m.peer = RaterScore::default();
                m.organization = RaterScore::default();
                m.average_x100 = None;
                m.flagged = false;
                if !r.published {
                    m.band = None;
                }
            }
        }
        Ok(r)
    }

    /// Results for the public, only where an admin published them; the same 404 otherwise.
    pub async fn public_evaluation(&self, period_id: i64, org_id: i64) -> ServiceResult<Results> {
        let mut conn = self.db.conn().await?;
        let p = store::period(&mut conn, period_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let p = EvaluationPeriod::from(p);
        let o = org::get(&mut conn, org_id)
            .await?
            .map(Org::from)
            .filter(|o| dangjian_domain::path::contains(&p.org_path, &o.path))
            .filter(result_level)
            .ok_or(ServiceError::NotFound)?;
        if !store::is_published(&mut conn, p.id, &o.path).await? {
            return Err(ServiceError::NotFound);
        }
        drop(conn);
        self.results(p, o).await
    }

    async fn results(&self, p: EvaluationPeriod, o: Org) -> ServiceResult<Results> {
        let rules = &self.config.evaluation_rules;
        let mut conn = self.db.conn().await?;
        let published = store::is_published(&mut conn, p.id, &o.path).await?;
        if !result_level(&o) {
            let children = child_results(&mut conn, &p, &o).await?;
            return Ok(Results {
                period: p,
                org: o,
                questions: Vec::new(),
                members: Vec::new(),
                published,
                children,
                actions: Default::default(),
            });
        }
        let responses = store::responses_under(&mut conn, p.id, &o.path).await?;
        let f = MemberFilter {
            root_path: o.path.clone(),
            ..Default::default()
        };
        let roster = member::list(&mut conn, &f, 5_000, 0).await?;
        drop(conn);
        let questions = question_results(&p.questions, &responses);
        let mut by_member: HashMap<i64, Vec<&ResponseRow>> = HashMap::new();
        for r in &responses {
            by_member.entry(r.member_id).or_default().push(r);
        }
        let q = p.questions.len() as i64;
        let score = |rs: &[&ResponseRow], rater: Rater| {
            let mine: Vec<&&ResponseRow> =
                rs.iter().filter(|r| r.rater == rater.as_str()).collect();
            let total: i64 = mine.iter().map(|r| r.answers.iter().sum::<i64>()).sum();
            RaterScore {
                count: mine.len() as i64,
                average_x100: domain::average_x100(total, mine.len() as i64 * q),
            }
        };
        let members = roster
            .iter()
            .map(|m| {
                let rs = by_member.get(&m.id).map(Vec::as_slice).unwrap_or(&[]);
                let (household, peer, organization) = (
                    score(rs, Rater::Household),
                    score(rs, Rater::Peer),
                    score(rs, Rater::Organization),
                );
                let average = domain::weighted(
                    rules,
                    &[
                        (Rater::Household, household.average_x100),
                        (Rater::Peer, peer.average_x100),
                        (Rater::Organization, organization.average_x100),
                    ],
                );
                MemberResult {
                    member_id: m.id,
                    name: m.name.clone(),
                    branch_id: m.org_id,
                    branch_name: m.org_name.clone(),
                    flagged: domain::poorly_rated(rules, household.average_x100, household.count),
                    household,
                    peer,
                    organization,
                    band: average.map(|a| domain::band(rules, a)),
                    average_x100: average,
                    can_peer: false,
                }
            })
            .collect();
        Ok(Results {
            period: p,
            org: o,
            questions,
            members,
            published,
            children: Vec::new(),
            actions: Default::default(),
        })
    }

    /// A branch's or community's results for a spreadsheet; audited.
    pub async fn export_evaluation(
        &self,
        actor: &Actor,
        period_id: i64,
        org_id: Option<i64>,
    ) -> ServiceResult<Results> {
        let r = self.evaluation_results(actor, period_id, org_id).await?;
        self.audit_export(actor, "三评结果", r.org.id, r.members.len(), None)
            .await?;
        Ok(r)
    }

    /// Opens a branch's or community's results to the public (一公开).
    pub async fn publish_evaluation(
        &self,
        actor: &Actor,
        period_id: i64,
        org_id: i64,
    ) -> ServiceResult<()> {
        let p = self.evaluation_period(actor, period_id).await?;
        let o = self.org(actor, org_id).await?;
        policy::check_publish_evaluation(actor, &o.path)?;
        if !result_level(&o) || !dangjian_domain::path::contains(&p.org_path, &o.path) {
            return Err(ServiceError::Invalid(vec![FieldError::new(
                "org_id",
                "not_a_result_level",
                "请选择本次评价范围内的支部或村（社区）公开",
            )]));
        }
        let mut tx = self.begin_audited().await?;
        if !store::publish(tx.conn(), p.id, o.id, &o.path, actor.user_id).await? {
            return Err(ServiceError::field(
                "org_id",
                "published",
                "该组织的评价结果已公开",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("evaluation.publish", "org", o.id).detail(p.name.clone()),
        )
        .await?;
        Ok(())
    }
}

fn question_results(questions: &[String], responses: &[ResponseRow]) -> Vec<QuestionResult> {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let scores: Vec<i64> = responses
                .iter()
                .filter_map(|r| r.answers.get(i).copied())
                .collect();
            QuestionResult {
                question: q.clone(),
                counts: Answer::ALL
                    .iter()
                    .map(|a| {
                        (
                            *a,
                            scores.iter().filter(|s| **s == a.score()).count() as i64,
                        )
                    })
                    .collect(),
                average_x100: domain::average_x100(scores.iter().sum(), scores.len() as i64),
            }
        })
        .collect()
}
