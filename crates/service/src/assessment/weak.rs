//! 软弱涣散 screening and rectification, and 红旗 titles. Once a year the platform lists each
//! town's candidates from what it already records (the figures of the star rating's sources,
//! the secretary post, last place in the stars, departments' flags); the town proposes its
//! list with the reasons as computed then, the district decides with a dated document; the
//! listed organization's plan keeps three lists with persons and deadlines, progress, the
//! support assigned, and acceptance records until it is signed off and followed a year more.

use std::collections::HashMap;

use dangjian_domain::assessment::records::{Records, Secretary};
use dangjian_domain::assessment::signoff::{SignOffRules, Verdict, Vote};
use dangjian_domain::assessment::weak::{HeldDue, ListingState, PlanList, Signals, WeakRules};
use dangjian_domain::date;
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_store::assessment::stars as star_store;
use dangjian_store::assessment::weak::{self as store, ListingRow, NewItem, NewSignOff, Support};
use dangjian_store::{StoreError, org, setting};
use serde::{Deserialize, Serialize};

use super::figures;
use super::files::{AssessmentFile, Owner, files_by_owner};
use super::input::{day, text};
use super::policy;
use crate::audit::Entry;
use crate::model::{all, read_model};
use crate::orgs::{Org, places};
use crate::{Actor, App, ServiceError, ServiceResult, today};

const TEXT_CHARS: usize = 500;

read_model! {
    /// A department's flag on an organization for the screening (纪检, 信访, 政法…).
    pub struct WeakFlag from store::FlagRow {
        pub id: i64,
        pub org_id: i64,
        pub year: i64,
        pub source: String,
        pub note: String,
        /// Milliseconds since the Unix epoch.
        pub created_at: i64,
    }
}

/// An organization's listing of a year: the town's proposal, the district's decision, the
/// support assigned, and, once accepted, its sign-off.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeakListing {
    pub id: i64,
    pub year: i64,
    pub org_id: i64,
    pub org_name: String,
    /// proposed, listed, not_listed, signed_off.
    pub state: String,
    pub state_label: String,
    /// The reasons as the records gave them when proposed.
    pub reasons: Vec<String>,
    pub note: String,
    pub decided_on: Option<String>,
    pub document_no: Option<String>,
    pub district_leader: String,
    pub town_leader: String,
    pub department: String,
    pub first_secretary: String,
    pub signed_off_on: Option<String>,
    /// Followed until this day after sign-off.
    pub follow_until: Option<String>,
}

// Public only so that the service converts rows anywhere; outside it no row can be had.
#[allow(exported_private_dependencies)]
impl From<ListingRow> for WeakListing {
    fn from(r: ListingRow) -> Self {
        WeakListing {
            state_label: ListingState::parse(&r.state)
                .map_or("", ListingState::label)
                .to_string(),
            reasons: serde_json::from_str(&r.reasons).unwrap_or_default(),
            id: r.id,
            year: r.year,
            org_id: r.org_id,
            org_name: r.org_name,
            state: r.state,
            note: r.note,
            decided_on: r.decided_on,
            document_no: r.document_no,
            district_leader: r.district_leader,
            town_leader: r.town_leader,
            department: r.department,
            first_secretary: r.first_secretary,
            signed_off_on: r.signed_off_on,
            follow_until: r.follow_until,
        }
    }
}

/// One organization screened: the reasons that make it a candidate (none: it is not one).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeakCandidate {
    pub org_id: i64,
    pub place: String,
    pub reasons: Vec<String>,
    /// Its listing of the year, if proposed.
    pub listing: Option<WeakListing>,
    /// Years it was listed before (the district's decisions).
    pub listed_before: Vec<i64>,
}

/// A town's screening of a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Screening {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub rules: WeakRules,
    /// Organizations screened: the grassroots organizations directly under the town.
    pub screened: i64,
    /// The usual share of the list as counts (5–10 % of those screened): guidance only.
    pub usual_from: i64,
    pub usual_to: i64,
    /// Candidates first, then the rest proposed.
    pub candidates: Vec<WeakCandidate>,
    pub proposed: i64,
    pub may_propose: bool,
    pub may_decide: bool,
}

/// A rectification plan's item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanItem {
    pub id: i64,
    /// problem, measure, duty.
    pub list: String,
    pub list_label: String,
    pub content: String,
    pub person: String,
    pub deadline: String,
    pub done_on: Option<String>,
    /// Past its deadline and not done: shown in red and reminded.
    pub overdue: bool,
}

read_model! {
    /// A progress entry of a plan.
    pub struct PlanProgress from store::ProgressRow {
        pub id: i64,
        pub item_id: Option<i64>,
        pub note: String,
        pub by_name: String,
        /// Milliseconds since the Unix epoch.
        pub at: i64,
    }
}

read_model! {
    /// An acceptance 验收: its score, the democratic vote and the verdict.
    pub struct SignOff from store::SignOffRow {
        pub id: i64,
        pub held_on: String,
        pub score: i64,
        pub present: i64,
        pub satisfied: i64,
        pub basically_satisfied: i64,
        pub dissatisfied: i64,
        pub passed: bool,
        pub verdict: String,
        pub new_deadline: Option<String>,
    }
}

/// A listed organization's rectification: the plan, its progress and acceptances.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rectification {
    pub listing: WeakListing,
    pub place: String,
    pub items: Vec<PlanItem>,
    pub open_items: i64,
    pub overdue_items: i64,
    pub progress: Vec<PlanProgress>,
    pub sign_offs: Vec<SignOff>,
    /// Years the organization was listed, this one included.
    pub listed_years: Vec<i64>,
    /// Evidence of the rectification: photos and documents.
    pub files: Vec<AssessmentFile>,
    /// The actor may add items, progress and files.
    pub may_work: bool,
    pub may_sign_off: bool,
}

/// A level's listings of a year with their progress.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeakBoard {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub lines: Vec<WeakLine>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeakLine {
    pub place: String,
    pub listing: WeakListing,
    pub items: i64,
    pub done: i64,
    pub overdue: i64,
    /// Times listed over all years.
    pub times_listed: i64,
}

/// A red-flag title and how many years its holder has held one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RedFlag {
    pub id: i64,
    pub year: i64,
    pub org_id: i64,
    pub place: String,
    pub awarded_on: String,
    pub document_no: String,
    pub revoked_on: Option<String>,
    pub revoked_reason: String,
    /// Years the organization holds (or held) a title, revoked ones aside.
    pub times_held: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProposalInput {
    pub year: Option<i64>,
    pub org_ids: Vec<i64>,
    /// Required for an organization the records do not make a candidate.
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// Listings (proposed) the decision puts on the list; the other proposals it names are
    /// not listed.
    pub listed: Vec<i64>,
    pub not_listed: Vec<i64>,
    pub decided_on: String,
    pub document_no: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemInput {
    /// problem, measure, duty (or 问题清单, 措施清单, 责任清单).
    pub list: String,
    pub content: String,
    pub person: String,
    pub deadline: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupportInput {
    pub district_leader: String,
    pub town_leader: String,
    pub department: String,
    pub first_secretary: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SignOffInput {
    pub held_on: String,
    pub score: i64,
    pub present: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
    /// Required when the acceptance fails: the new deadline of the rectification.
    pub new_deadline: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AwardInput {
    pub year: Option<i64>,
    pub org_ids: Vec<i64>,
    pub awarded_on: String,
    pub document_no: String,
}

/// The signals of one organization from its records.
fn signals(rec: &Records, village: bool, last: bool, flags: Vec<(String, String)>) -> Signals {
    Signals {
        secretary_vacant_months: match rec.secretary {
            Secretary::Vacant { months } => Some(i32::try_from(months).unwrap_or(i32::MAX)),
            _ => None,
        },
        meetings: HeldDue {
            held: rec.meetings.0,
            due: rec.meetings.1,
        },
        theme_days: HeldDue {
            held: rec.theme_days.0,
            due: rec.theme_days.1,
        },
        review_held: rec.reviews_decided >= rec.branches,
        // The records cover this year and the last: none in both is two years without.
        years_since_recruit: village.then_some(Some(if rec.recruited > 0 { 0 } else { 2 })),
        satisfaction_percent: (rec.evaluation.1 > 0)
            .then(|| rec.evaluation.0 * 100 / rec.evaluation.1),
        last_in_stars: last,
        flags,
    }
}

impl App {
    /// The district's thresholds of the screening.
    pub async fn weak_rules(&self) -> ServiceResult<WeakRules> {
        let mut conn = self.db.conn().await?;
        Ok(setting::get(&mut conn, setting::WEAK_RULES)
            .await?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    pub async fn set_weak_rules(
        &self,
        actor: &Actor,
        rules: &WeakRules,
    ) -> ServiceResult<WeakRules> {
        policy::check_district(actor)?;
        let bad =
            |field, msg: &str| Err(ServiceError::field(field, "out_of_range", msg.to_string()));
        if !(1..=24).contains(&rules.vacancy_months) {
            return bad("vacancy_months", "书记空缺月数应为 1–24");
        }
        if !(1..=100).contains(&rules.min_life_percent) {
            return bad("min_life_percent", "组织生活落实比例应为 1–100");
        }
        if !(1..=10).contains(&rules.years_without_recruit) {
            return bad("years_without_recruit", "未发展党员年数应为 1–10");
        }
        if !(1..=100).contains(&rules.min_satisfaction_percent) {
            return bad("min_satisfaction_percent", "群众满意度应为 1–100");
        }
        let (lo, hi) = rules.usual_share_percent;
        if !(0 <= lo && lo <= hi && hi <= 100) {
            return bad(
                "usual_share_percent",
                "常见比例应为 0–100，且下限不大于上限",
            );
        }
        let json = serde_json::to_string(rules)
            .map_err(|e| ServiceError::Internal(format!("规则无法保存：{e}")))?;
        let mut tx = self.begin_audited().await?;
        setting::set(tx.conn(), setting::WEAK_RULES, &json).await?;
        tx.commit(
            actor,
            Entry::ok("weak.rules", "setting", setting::WEAK_RULES).detail(json),
        )
        .await?;
        Ok(rules.clone())
    }

    /// A department's flag on an organization, entered by the district.
    pub async fn flag_weak(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
        source: &str,
        note: &str,
    ) -> ServiceResult<WeakFlag> {
        policy::check_district(actor)?;
        let o = self.org(actor, org_id).await?;
        let source = text(source, "source", "来源部门", 20)?;
        let note = text(note, "note", "问题情况", TEXT_CHARS)?;
        let mut tx = self.begin_audited().await?;
        let id = store::insert_flag(
            tx.conn(),
            (o.id, &o.path),
            year,
            (&source, &note),
            actor.user_id,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("weak.flag", "weak_flag", id).detail(format!("{} {source}", o.name)),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::flags(&mut conn, &o.path, year)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .map(WeakFlag::from)
            .ok_or(ServiceError::NotFound)
    }

    /// The organizations a town screens: its grassroots children.
    async fn screened(&self, town: &Org) -> ServiceResult<Vec<org::OrgRow>> {
        let mut conn = self.db.conn().await?;
        Ok(org::children(&mut conn, town.id)
            .await?
            .into_iter()
            .filter(|o| o.closed_on.is_none())
            .filter(|o| OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots))
            .collect())
    }

    /// The reasons of every organization a town screens, from the year's records.
    async fn reasons_of(
        &self,
        town: &Org,
        year: i64,
    ) -> ServiceResult<Vec<(org::OrgRow, Vec<String>)>> {
        let rules = self.weak_rules().await?;
        let screened = self.screened(town).await?;
        let mut conn = self.db.conn().await?;
        let kinds = [OrgKind::Branch.as_str(), OrgKind::JointBranch.as_str()];
        let branches: Vec<String> = org::in_subtree(&mut conn, &town.path, &kinds, i64::MAX)
            .await?
            .into_iter()
            .map(|o| o.path)
            .collect();
        let records = figures::records(&mut conn, &town.path, &branches, year, today()).await?;
        let mut flags: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for f in store::flags(&mut conn, &town.path, year).await? {
            flags.entry(f.org_id).or_default().push((f.source, f.note));
        }
        // Last place: the lowest published total among the town's screened organizations.
        let totals: HashMap<i64, i64> = star_store::ratings_under(&mut conn, &town.path, year)
            .await?
            .into_iter()
            .filter(|r| r.state == "published")
            .map(|r| (r.org_id, r.total_tenths))
            .collect();
        let rated: Vec<i64> = screened
            .iter()
            .filter_map(|o| totals.get(&o.id).copied())
            .collect();
        let lowest = (rated.len() > 1)
            .then(|| rated.iter().min().copied())
            .flatten();
        Ok(screened
            .into_iter()
            .map(|o| {
                let rec = records.get(&o.path).cloned().unwrap_or_default();
                let village = matches!(
                    OrgOwner::parse(&o.owner),
                    Some(OrgOwner::Village | OrgOwner::Community)
                );
                let last = lowest.is_some() && totals.get(&o.id).copied() == lowest;
                let s = signals(&rec, village, last, flags.remove(&o.id).unwrap_or_default());
                let reasons = rules.reasons(&s).iter().map(|r| r.describe()).collect();
                (o, reasons)
            })
            .collect())
    }

    /// A town's screening of a year: its candidates with their reasons and what was proposed.
    pub async fn weak_screening(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i64,
    ) -> ServiceResult<Screening> {
        let town = self.org(actor, org_id).await?;
        if town.kind != OrgKind::TownCommittee.as_str() {
            return Err(ServiceError::field(
                "org",
                "not_a_town",
                "软弱涣散排查以镇街为单位",
            ));
        }
        let rules = self.weak_rules().await?;
        let screened = self.reasons_of(&town, year).await?;
        let mut conn = self.db.conn().await?;
        let mut listings: HashMap<i64, ListingRow> =
            store::listings(&mut conn, &town.path, Some(year))
                .await?
                .into_iter()
                .map(|l| (l.org_id, l))
                .collect();
        let mut before: HashMap<i64, Vec<i64>> = HashMap::new();
        for (org_id, y) in store::listed_years(&mut conn, &town.path).await? {
            if y < year {
                before.entry(org_id).or_default().push(y);
            }
        }
        let paths: Vec<&str> = screened.iter().map(|(o, _)| o.path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let n = screened.len() as i64;
        let mut candidates: Vec<WeakCandidate> = screened
            .into_iter()
            .filter(|(o, reasons)| !reasons.is_empty() || listings.contains_key(&o.id))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(o, reasons)| WeakCandidate {
                org_id: o.id,
                place: names.remove(&o.path).unwrap_or_else(|| o.name.clone()),
                reasons,
                listing: listings.remove(&o.id).map(WeakListing::from),
                listed_before: before.remove(&o.id).unwrap_or_default(),
            })
            .collect();
        candidates.sort_by_key(|c| c.reasons.is_empty());
        let (lo, hi) = rules.usual_share_percent;
        Ok(Screening {
            org_id: town.id,
            org_name: town.name.clone(),
            year,
            screened: n,
            usual_from: n * lo / 100,
            usual_to: (n * hi + 99) / 100,
            proposed: candidates.iter().filter(|c| c.listing.is_some()).count() as i64,
            may_propose: policy::may_propose_weak(actor, &town.path),
            may_decide: policy::is_district(actor),
            rules,
            candidates,
        })
    }

    /// The town's proposal: each organization with the reasons its records give now.
    pub async fn propose_weak(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &ProposalInput,
    ) -> ServiceResult<Screening> {
        let town = self.org(actor, org_id).await?;
        policy::check_propose_weak(actor, &town.path)?;
        let year = input.year.unwrap_or_else(|| i64::from(today().year()) - 1);
        if input.org_ids.is_empty() {
            return Err(ServiceError::field(
                "org_ids",
                "required",
                "请选择推荐列入的组织",
            ));
        }
        let screened = self.reasons_of(&town, year).await?;
        let note = input.note.trim();
        if note.chars().count() > TEXT_CHARS {
            return Err(ServiceError::field(
                "note",
                "too_long",
                format!("说明不能超过 {TEXT_CHARS} 字"),
            ));
        }
        let mut tx = self.begin_audited().await?;
        for id in &input.org_ids {
            let (o, reasons) = screened.iter().find(|(o, _)| o.id == *id).ok_or_else(|| {
                ServiceError::field(
                    "org_ids",
                    "not_screened",
                    format!("组织 #{id} 不是本镇街排查的村（社区）级党组织"),
                )
            })?;
            if reasons.is_empty() && note.is_empty() {
                return Err(ServiceError::field(
                    "note",
                    "required",
                    format!("{} 不在候选名单中，推荐列入须说明理由", o.name),
                ));
            }
            let json = serde_json::to_string(reasons)
                .map_err(|e| ServiceError::Internal(format!("理由无法保存：{e}")))?;
            store::insert_listing(
                tx.conn(),
                year,
                (o.id, &o.path),
                (&json, note),
                actor.user_id,
            )
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("org_ids", "duplicate", format!("{} 本年度已推荐", o.name))
                }
                other => other.into(),
            })?;
        }
        tx.commit(
            actor,
            Entry::ok("weak.propose", "org", town.id).detail(format!(
                "{} {year} 年度推荐 {} 个",
                town.name,
                input.org_ids.len()
            )),
        )
        .await?;
        self.weak_screening(actor, town.id, year).await
    }

    /// The district's decision on proposals, with its date and document number.
    pub async fn decide_weak(&self, actor: &Actor, input: &DecisionInput) -> ServiceResult<i64> {
        policy::check_district(actor)?;
        let decided_on = day(&input.decided_on, "decided_on", "决定日期")?;
        if decided_on > today() {
            return Err(ServiceError::field(
                "decided_on",
                "future",
                "决定日期不能晚于今天",
            ));
        }
        let document = text(&input.document_no, "document_no", "决定文号", 50)?;
        if input.listed.is_empty() && input.not_listed.is_empty() {
            return Err(ServiceError::field(
                "listed",
                "required",
                "请选择列入或不列入的组织",
            ));
        }
        let mut conn = self.db.conn().await?;
        let mut chosen = Vec::new();
        for (id, listed) in input
            .listed
            .iter()
            .map(|i| (*i, true))
            .chain(input.not_listed.iter().map(|i| (*i, false)))
        {
            let l = store::listing(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            actor.check_visible(&l.org_path)?;
            chosen.push((l, listed));
        }
        drop(conn);
        let on = date::format(decided_on);
        let mut tx = self.begin_audited().await?;
        for (l, listed) in &chosen {
            if !store::decide(tx.conn(), l.id, *listed, (&on, &document)).await? {
                return Err(ServiceError::field(
                    "listed",
                    "decided",
                    format!("{} 已作出决定", l.org_name),
                ));
            }
        }
        let n = chosen.iter().filter(|(_, listed)| *listed).count() as i64;
        tx.commit(
            actor,
            Entry::ok("weak.decide", "weak_listing", chosen[0].0.id).detail(format!(
                "{document}：列入 {n} 个，不列入 {} 个",
                chosen.len() as i64 - n
            )),
        )
        .await?;
        Ok(n)
    }

    async fn listing_in_scope(&self, actor: &Actor, id: i64) -> ServiceResult<ListingRow> {
        let mut conn = self.db.conn().await?;
        let l = store::listing(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &l.org_path)?;
        Ok(l)
    }

    /// A listed organization's rectification.
    pub async fn rectification(&self, actor: &Actor, id: i64) -> ServiceResult<Rectification> {
        let l = self.listing_in_scope(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let today = date::format(today());
        let items: Vec<PlanItem> = store::items(&mut conn, l.id)
            .await?
            .into_iter()
            .map(|i| PlanItem {
                overdue: i.done_on.is_none() && i.deadline < today,
                list_label: PlanList::parse(&i.list)
                    .map_or("", PlanList::label)
                    .to_string(),
                id: i.id,
                list: i.list,
                content: i.content,
                person: i.person,
                deadline: i.deadline,
                done_on: i.done_on,
            })
            .collect();
        let mut years: Vec<i64> = store::listed_years(&mut conn, &l.org_path)
            .await?
            .into_iter()
            .filter(|(o, _)| *o == l.org_id)
            .map(|(_, y)| y)
            .collect();
        years.sort_unstable();
        let place = places(&mut conn, actor.read_root()?, &[l.org_path.as_str()])
            .await?
            .remove(&l.org_path)
            .unwrap_or_else(|| l.org_name.clone());
        let listed = l.state == ListingState::Listed.as_str();
        Ok(Rectification {
            open_items: items.iter().filter(|i| i.done_on.is_none()).count() as i64,
            overdue_items: items.iter().filter(|i| i.overdue).count() as i64,
            progress: all(store::progress(&mut conn, l.id).await?),
            sign_offs: all(store::sign_offs(&mut conn, l.id).await?),
            files: files_by_owner(&mut conn, &[Owner::Listing(l.id)])
                .await?
                .remove(&l.id)
                .unwrap_or_default(),
            may_work: listed && policy::may_work_on_plan(actor, &l.org_path),
            may_sign_off: listed && policy::is_district(actor),
            listed_years: years,
            place,
            items,
            listing: l.into(),
        })
    }

    async fn listed_to_work(&self, actor: &Actor, id: i64) -> ServiceResult<ListingRow> {
        let l = self.listing_in_scope(actor, id).await?;
        policy::check_work_on_plan(actor, &l.org_path)?;
        if l.state != ListingState::Listed.as_str() {
            return Err(ServiceError::field(
                "state",
                "not_listed",
                "只有已列入、整改中的组织可以记录整改",
            ));
        }
        Ok(l)
    }

    /// An item of one of the plan's three lists.
    pub async fn add_plan_item(
        &self,
        actor: &Actor,
        id: i64,
        input: &ItemInput,
    ) -> ServiceResult<Rectification> {
        let l = self.listed_to_work(actor, id).await?;
        let list = PlanList::parse(input.list.trim()).ok_or_else(|| {
            ServiceError::field(
                "list",
                "invalid_choice",
                "清单应为 问题清单、措施清单 或 责任清单",
            )
        })?;
        let content = text(&input.content, "content", "内容", TEXT_CHARS)?;
        let person = text(&input.person, "person", "责任人", 50)?;
        let deadline = day(&input.deadline, "deadline", "完成时限")?;
        let start = l
            .decided_on
            .as_deref()
            .and_then(date::parse)
            .unwrap_or_else(today);
        if deadline < start {
            return Err(ServiceError::field(
                "deadline",
                "before_start",
                format!("完成时限不能早于列入日期 {}", date::format(start)),
            ));
        }
        let mut tx = self.begin_audited().await?;
        let item = store::insert_item(
            tx.conn(),
            &NewItem {
                listing_id: l.id,
                list: list.as_str(),
                content: &content,
                person: &person,
                deadline: &date::format(deadline),
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("weak.item", "rectification_item", item).detail(l.org_name),
        )
        .await?;
        self.rectification(actor, l.id).await
    }

    /// A progress entry, on the plan or one item; `done` marks the item done today.
    pub async fn add_plan_progress(
        &self,
        actor: &Actor,
        id: i64,
        item_id: Option<i64>,
        note: &str,
        done: bool,
    ) -> ServiceResult<Rectification> {
        let l = self.listed_to_work(actor, id).await?;
        let note = text(note, "note", "进展情况", TEXT_CHARS)?;
        if done && item_id.is_none() {
            return Err(ServiceError::field(
                "item_id",
                "required",
                "请选择已完成的整改事项",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if let Some(item) = item_id {
            let known = store::items(tx.conn(), l.id).await?;
            let Some(i) = known.iter().find(|i| i.id == item) else {
                return Err(ServiceError::field(
                    "item_id",
                    "not_in_plan",
                    "该事项不在本整改方案中",
                ));
            };
            if done && !store::finish_item(tx.conn(), l.id, i.id, &date::format(today())).await? {
                return Err(ServiceError::field("item_id", "done", "该事项已完成"));
            }
        }
        let pid =
            store::insert_progress(tx.conn(), l.id, item_id, &note, &actor.display_name).await?;
        tx.commit(
            actor,
            Entry::ok("weak.progress", "rectification_progress", pid).detail(l.org_name),
        )
        .await?;
        self.rectification(actor, l.id).await
    }

    /// The support assigned to a listed organization.
    pub async fn set_weak_support(
        &self,
        actor: &Actor,
        id: i64,
        input: &SupportInput,
    ) -> ServiceResult<Rectification> {
        let l = self.listing_in_scope(actor, id).await?;
        policy::check_assign_support(actor, &l.org_path)?;
        let fields = [
            ("district_leader", &input.district_leader),
            ("town_leader", &input.town_leader),
            ("department", &input.department),
            ("first_secretary", &input.first_secretary),
        ];
        for (field, v) in fields {
            if v.trim().chars().count() > 50 {
                return Err(ServiceError::field(field, "too_long", "不能超过 50 字"));
            }
        }
        let mut tx = self.begin_audited().await?;
        store::set_support(
            tx.conn(),
            l.id,
            &Support {
                district_leader: input.district_leader.trim(),
                town_leader: input.town_leader.trim(),
                department: input.department.trim(),
                first_secretary: input.first_secretary.trim(),
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("weak.support", "weak_listing", l.id).detail(l.org_name),
        )
        .await?;
        self.rectification(actor, l.id).await
    }

    /// The district's acceptance: passed, the organization is signed off and followed a year
    /// more; failed, the rectification gets a new deadline.
    pub async fn sign_off_weak(
        &self,
        actor: &Actor,
        id: i64,
        input: &SignOffInput,
    ) -> ServiceResult<Rectification> {
        policy::check_district(actor)?;
        let l = self.listing_in_scope(actor, id).await?;
        if l.state != ListingState::Listed.as_str() {
            return Err(ServiceError::field(
                "state",
                "not_listed",
                "只有已列入、整改中的组织可以验收",
            ));
        }
        let held_on = day(&input.held_on, "held_on", "验收日期")?;
        if held_on > today() {
            return Err(ServiceError::field(
                "held_on",
                "future",
                "验收日期不能晚于今天",
            ));
        }
        let mut conn = self.db.conn().await?;
        let open = store::items(&mut conn, l.id)
            .await?
            .iter()
            .filter(|i| i.done_on.is_none())
            .count();
        drop(conn);
        let vote = Vote {
            present: input.present,
            satisfied: input.satisfied,
            basically_satisfied: input.basically_satisfied,
            dissatisfied: input.dissatisfied,
        };
        let rules = SignOffRules::default();
        let verdict = rules
            .verdict(input.score, &vote, open)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let new_deadline = match &verdict {
            Verdict::Passed => None,
            Verdict::Failed(_) => {
                let d = day(
                    &input.new_deadline,
                    "new_deadline",
                    "未通过验收的新整改时限",
                )?;
                if d <= held_on {
                    return Err(ServiceError::field(
                        "new_deadline",
                        "before_start",
                        "新整改时限应晚于验收日期",
                    ));
                }
                Some(date::format(d))
            }
        };
        let on = date::format(held_on);
        let (passed, text) = match &verdict {
            Verdict::Passed => (true, "通过验收，销号".to_string()),
            Verdict::Failed(why) => (false, why.clone()),
        };
        let mut tx = self.begin_audited().await?;
        let sid = store::insert_sign_off(
            tx.conn(),
            &NewSignOff {
                listing_id: l.id,
                held_on: &on,
                score: input.score,
                vote: [
                    vote.present,
                    vote.satisfied,
                    vote.basically_satisfied,
                    vote.dissatisfied,
                ],
                passed,
                verdict: &text,
                new_deadline: new_deadline.as_deref(),
                by: actor.user_id,
            },
        )
        .await?;
        if passed {
            let until = date::format(date::add_months(held_on, 12 * rules.follow_years));
            if !store::sign_off_listing(tx.conn(), l.id, (&on, &until)).await? {
                return Err(ServiceError::field(
                    "state",
                    "not_listed",
                    "该组织已验收销号",
                ));
            }
        }
        tx.commit(
            actor,
            Entry::ok("weak.sign_off", "sign_off", sid).detail(format!("{} {text}", l.org_name)),
        )
        .await?;
        self.rectification(actor, l.id).await
    }

    /// A level's listings of a year with the progress of each plan.
    pub async fn weak_board(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: i64,
    ) -> ServiceResult<WeakBoard> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let rows = store::listings(&mut conn, &o.path, Some(year)).await?;
        let mut times: HashMap<i64, i64> = HashMap::new();
        for (org_id, _) in store::listed_years(&mut conn, &o.path).await? {
            *times.entry(org_id).or_default() += 1;
        }
        let paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let today = date::format(today());
        let tallies: HashMap<i64, (i64, i64, i64)> =
            store::item_tallies(&mut conn, &o.path, year, &today)
                .await?
                .into_iter()
                .map(|(id, n, done, overdue)| (id, (n, done, overdue)))
                .collect();
        let lines = rows
            .into_iter()
            .map(|r| {
                let (items, done, overdue) = tallies.get(&r.id).copied().unwrap_or_default();
                WeakLine {
                    place: names
                        .remove(&r.org_path)
                        .unwrap_or_else(|| r.org_name.clone()),
                    items,
                    done,
                    overdue,
                    times_listed: times.get(&r.org_id).copied().unwrap_or(0),
                    listing: r.into(),
                }
            })
            .collect();
        Ok(WeakBoard {
            org_id: o.id,
            org_name: o.name,
            year,
            lines,
        })
    }

    /// Red-flag titles inside a level, newest year first, with how often each holder held one.
    pub async fn red_flags(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
    ) -> ServiceResult<Vec<RedFlag>> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let rows = store::red_flags(&mut conn, &o.path).await?;
        let mut held: HashMap<i64, i64> = HashMap::new();
        for r in rows.iter().filter(|r| r.revoked_on.is_none()) {
            *held.entry(r.org_id).or_default() += 1;
        }
        let paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
        let names = places(&mut conn, actor.read_root()?, &paths).await?;
        Ok(rows
            .into_iter()
            .map(|r| RedFlag {
                place: names
                    .get(&r.org_path)
                    .cloned()
                    .unwrap_or_else(|| r.org_name.clone()),
                times_held: held.get(&r.org_id).copied().unwrap_or(0),
                id: r.id,
                year: r.year,
                org_id: r.org_id,
                awarded_on: r.awarded_on,
                document_no: r.document_no,
                revoked_on: r.revoked_on,
                revoked_reason: r.revoked_reason,
            })
            .collect())
    }

    /// The district's award of a year's red-flag titles. An organization on that year's weak
    /// list (rectifying or signed off) cannot hold one.
    pub async fn award_red_flags(&self, actor: &Actor, input: &AwardInput) -> ServiceResult<i64> {
        policy::check_district(actor)?;
        let year = input.year.unwrap_or_else(|| i64::from(today().year()));
        let awarded_on = day(&input.awarded_on, "awarded_on", "授予日期")?;
        let document = text(&input.document_no, "document_no", "授予文号", 50)?;
        if input.org_ids.is_empty() {
            return Err(ServiceError::field(
                "org_ids",
                "required",
                "请选择授予红旗的组织",
            ));
        }
        let mut orgs = Vec::new();
        for id in &input.org_ids {
            let o = self.org(actor, *id).await?;
            if !OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots) {
                return Err(ServiceError::field(
                    "org_ids",
                    "not_rated",
                    format!("{} 不是基层党组织", o.name),
                ));
            }
            orgs.push(o);
        }
        let mut conn = self.db.conn().await?;
        let weak: Vec<i64> = store::listings(&mut conn, actor.read_root()?, Some(year))
            .await?
            .into_iter()
            .filter(|l| {
                l.state == ListingState::Listed.as_str()
                    || l.state == ListingState::SignedOff.as_str()
            })
            .map(|l| l.org_id)
            .collect();
        drop(conn);
        if let Some(o) = orgs.iter().find(|o| weak.contains(&o.id)) {
            return Err(ServiceError::field(
                "org_ids",
                "on_weak_list",
                format!("{} 在本年度软弱涣散名单中，不能评为红旗", o.name),
            ));
        }
        let on = date::format(awarded_on);
        let mut tx = self.begin_audited().await?;
        for o in &orgs {
            store::insert_red_flag(tx.conn(), year, (o.id, &o.path), (&on, &document))
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => ServiceError::field(
                        "org_ids",
                        "duplicate",
                        format!("{} 本年度已是红旗", o.name),
                    ),
                    other => other.into(),
                })?;
        }
        tx.commit(
            actor,
            Entry::ok("red_flag.award", "org", orgs[0].id)
                .detail(format!("{document}：{year} 年度 {} 个", orgs.len())),
        )
        .await?;
        Ok(orgs.len() as i64)
    }

    /// Revokes a title, with the reason.
    pub async fn revoke_red_flag(&self, actor: &Actor, id: i64, reason: &str) -> ServiceResult<()> {
        policy::check_district(actor)?;
        let mut conn = self.db.conn().await?;
        let f = store::red_flag(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&f.org_path)?;
        drop(conn);
        let reason = text(reason, "reason", "撤销理由", TEXT_CHARS)?;
        let mut tx = self.begin_audited().await?;
        if !store::revoke_red_flag(tx.conn(), f.id, &date::format(today()), &reason).await? {
            return Err(ServiceError::field("reason", "revoked", "该红旗称号已撤销"));
        }
        tx.commit(
            actor,
            Entry::ok("red_flag.revoke", "red_flag", f.id).detail(reason),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_follow_the_records() {
        let rec = Records {
            meetings: (5, 24),
            theme_days: (12, 12),
            branches: 3,
            reviews_decided: 2,
            recruited: 0,
            evaluation: (55, 100),
            secretary: Secretary::Vacant { months: 5 },
            ..Records::default()
        };
        let s = signals(&rec, true, false, vec![]);
        let reasons: Vec<String> = WeakRules::default()
            .reasons(&s)
            .iter()
            .map(|r| r.describe())
            .collect();
        assert_eq!(
            reasons,
            vec![
                "书记岗位空缺 5 个月",
                "三会一课应开 24 次，实开 5 次",
                "本年度未开展民主评议党员",
                "连续 2 年未发展党员",
                "群众满意度 55%",
            ]
        );
        let agency = signals(&rec, false, true, vec![("信访".into(), "集体访".into())]);
        let reasons = WeakRules::default().reasons(&agency);
        assert!(
            !reasons.iter().any(|r| r.describe().contains("发展党员")),
            "not a village"
        );
        assert!(reasons.iter().any(|r| r.describe() == "星级评定排名末位"));
        assert!(reasons.iter().any(|r| r.describe() == "信访：集体访"));
    }
}
