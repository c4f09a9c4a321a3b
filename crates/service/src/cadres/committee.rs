//! The two committees of villages and communities as levels read them: a paged list with
//! heads, 一肩挑, terms and vacancies, a village's committees now and before, and the
//! appointments between elections on the residents' committee (the party committee's are
//! the organization's committee posts).

use dangjian_domain::bands::Education;
use dangjian_domain::cadres::committee::{
    Body, ResidentsPost, Seat as SeatRule, check_residents_appointment,
};
use dangjian_domain::cadres::stats::TermStats;
use dangjian_domain::id_number::Gender;
use dangjian_store::StoreError;
use dangjian_store::cadres::committee::{self as store, SeatRow, VillageFilter, VillageRow};
use dangjian_store::rollup;
use serde::{Deserialize, Serialize};

use super::person::{PersonChoice, age_on, resolve};
use super::policy;
use crate::audit::Entry;
use crate::model::{all, page_number, read_model};
use crate::orgs::committee::day;
use crate::orgs::places;
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const VILLAGES_PER_PAGE: i64 = 50;

read_model! {
    /// A post on either committee and who holds (or held) it.
    pub struct Seat from SeatRow {
        pub id: i64,
        pub org_id: i64,
        /// `party` | `residents`.
        pub body: String,
        /// A party post (`secretary` …) or a residents' one (`director` | `deputy_director` |
        /// `member`).
        pub post: String,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub started_on: String,
        /// Null while held.
        pub ended_on: Option<String>,
        /// The election that set it, if one did.
        pub election_id: Option<i64>,
    }
}

impl Seat {
    fn rule(&self) -> Option<SeatRule> {
        Body::parse(&self.body).and_then(|b| SeatRule::parse(b, &self.post))
    }

    pub fn post_label(&self) -> &'static str {
        self.rule().map_or("委员", SeatRule::label)
    }

    pub fn gender_label(&self) -> &'static str {
        Gender::parse(&self.gender).map_or("", Gender::label)
    }

    pub fn education_label(&self) -> &'static str {
        Education::parse(&self.education).map_or("", Education::label)
    }

    pub fn age(&self) -> i32 {
        age_on(&self.birth_date, today())
    }

    fn rank(&self) -> usize {
        self.rule().map_or(usize::MAX, SeatRule::rank)
    }
}

read_model! {
    /// A village in the committees' list.
    pub struct VillageLine from VillageRow {
        pub id: i64,
        /// Named with its town below the reader's scope.
        pub name: String,
        pub secretary: Option<String>,
        pub director: Option<String>,
        pub party_posts: i64,
        pub residents_posts: i64,
        pub term_ends_on: Option<String>,
        pub open_election: Option<i64>,
        /// Set when the post is vacant: the day it was last held (null if never recorded).
        pub secretary_vacant_since: Option<String>,
        pub director_vacant_since: Option<String>,
    }
}

/// The committees of the villages below a level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VillageList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<VillageLine>,
    /// Whether each listed village's secretary also directs its residents' committee.
    pub one_shoulder: Vec<bool>,
    /// Whether each listed village has a vacant secretary or director post.
    pub vacant: Vec<bool>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The structure of both committees of every village below the level, now.
    pub now: TermStats,
    /// Whether the caller opens elections and appoints.
    pub may_manage: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VillageQuery {
    /// The level (default: the caller's scope; 404 out of scope).
    pub org: Option<i64>,
    /// Part of a village's name.
    pub q: Option<String>,
    /// Only villages with a vacant secretary or director.
    pub vacant: Option<bool>,
    pub page: Option<i64>,
}

/// A village's two committees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VillageCommittee {
    pub org_id: i64,
    pub org_name: String,
    /// Named with its town.
    pub place: String,
    /// The posts held now: the party committee's, then the residents'.
    pub party: Vec<Seat>,
    pub residents: Vec<Seat>,
    /// Posts held before, newest first (at most 40).
    pub former: Vec<Seat>,
    /// The secretary also directs the residents' committee (一肩挑).
    pub one_shoulder: bool,
    /// Names of those holding posts on both committees (交叉任职).
    pub cross_posted: Vec<String>,
    /// The heads' posts nobody holds now.
    pub vacant: Vec<String>,
    pub term_ends_on: Option<String>,
    pub open_election: Option<i64>,
    pub may_manage: bool,
}

/// An appointment to the residents' committee between elections.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResidentsAppointInput {
    #[serde(flatten)]
    pub who: PersonChoice,
    /// `director` | `deputy_director` | `member` (or 主任/副主任/委员): 422 `invalid` | `held`.
    pub post: String,
    /// 任职日期, not in the future (default today).
    pub started_on: String,
}

/// Relieving a residents' committee post.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResidentsRelieveInput {
    /// 免职日期: not before the appointment nor in the future (default today).
    pub ended_on: String,
}

fn in_order(mut seats: Vec<Seat>) -> Vec<Seat> {
    seats.sort_by_key(Seat::rank);
    seats
}

impl App {
    /// The committees of the villages below a level, paged in the tree's order.
    pub async fn village_committees(
        &self,
        actor: &Actor,
        q: &VillageQuery,
    ) -> ServiceResult<VillageList> {
        self.village_list(actor, q, Some(page_number(q.page))).await
    }

    /// Every village of the list, for its export (under the common size cap).
    pub async fn export_village_committees(
        &self,
        actor: &Actor,
        q: &VillageQuery,
    ) -> ServiceResult<VillageList> {
        self.village_list(actor, q, None).await
    }

    async fn village_list(
        &self,
        actor: &Actor,
        q: &VillageQuery,
        page: Option<i64>,
    ) -> ServiceResult<VillageList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = VillageFilter {
            root_path: o.path.clone(),
            q: q.q.clone().map(|s| s.trim().to_string()),
            vacant: q.vacant.unwrap_or(false),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, VILLAGES_PER_PAGE);
        let (total, rows) = store::villages(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "个村(社区)")?;
        }
        let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
        let mut names = places(&mut conn, actor.read_root()?, &paths).await?;
        let one_shoulder = rows
            .iter()
            .map(|r| r.secretary_person.is_some() && r.secretary_person == r.director_person)
            .collect();
        let vacant = rows
            .iter()
            .map(|r| r.secretary_person.is_none() || r.director_person.is_none())
            .collect();
        let items = rows
            .into_iter()
            .map(|r| {
                let place = names.remove(&r.path).filter(|p| !p.is_empty());
                let mut line = VillageLine::from(r);
                if let Some(p) = place {
                    line.name = p;
                }
                line
            })
            .collect();
        let now = rollup::committee_counts(&mut conn, o.id, today()).await?;
        Ok(VillageList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            one_shoulder,
            vacant,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| VILLAGES_PER_PAGE),
            now: TermStats::from_counts(&now),
            may_manage: policy::may_manage(actor, &o.path),
        })
    }

    /// A village's two committees now and before.
    pub async fn village_committee(
        &self,
        actor: &Actor,
        org_id: i64,
    ) -> ServiceResult<VillageCommittee> {
        let o = self.village(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        let (now, former): (Vec<Seat>, Vec<Seat>) =
            all::<_, Seat>(store::seats(&mut conn, o.id, true).await?)
                .into_iter()
                .partition(|s| s.ended_on.is_none());
        let (party, residents): (Vec<Seat>, Vec<Seat>) = in_order(now)
            .into_iter()
            .partition(|s| s.body == Body::Party.as_str());
        let head =
            |seats: &[Seat], post: &str| seats.iter().find(|s| s.post == post).map(|s| s.person_id);
        let secretary = head(&party, "secretary");
        let director = head(&residents, "director");
        let cross_posted = party
            .iter()
            .filter(|p| residents.iter().any(|r| r.person_id == p.person_id))
            .map(|p| p.name.clone())
            .collect();
        let mut vacant = Vec::new();
        if secretary.is_none() {
            vacant.push("村(社区)党组织书记".to_string());
        }
        if director.is_none() {
            vacant.push("村(居)民委员会主任".to_string());
        }
        let f = VillageFilter {
            root_path: o.path.clone(),
            ..Default::default()
        };
        let (_, line) = store::villages(&mut conn, &f, 1, 0).await?;
        let line = line.into_iter().next();
        let place = places(&mut conn, actor.read_root()?, &[o.path.as_str()])
            .await?
            .remove(&o.path)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| o.name.clone());
        Ok(VillageCommittee {
            org_id: o.id,
            org_name: o.name.clone(),
            place,
            one_shoulder: secretary.is_some() && secretary == director,
            cross_posted,
            vacant,
            party,
            residents,
            former: former.into_iter().take(40).collect(),
            term_ends_on: line.as_ref().and_then(|l| l.term_ends_on.clone()),
            open_election: line.and_then(|l| l.open_election),
            may_manage: policy::may_manage(actor, &o.path),
        })
    }

    /// Appoints someone to a village's residents' committee between elections.
    pub async fn appoint_residents(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &ResidentsAppointInput,
    ) -> ServiceResult<Seat> {
        let o = self.village(actor, org_id).await?;
        policy::check_manage(actor, &o.path)?;
        let post = ResidentsPost::parse(&input.post)
            .ok_or_else(|| ServiceError::field("post", "invalid", "请选择主任、副主任或委员"))?;
        let on = day("started_on", "任职日期", &input.started_on)?;
        let mut tx = self.begin_audited().await?;
        let person = resolve(self, tx.conn(), actor, &input.who, &o.path).await?;
        let held: Vec<(ResidentsPost, i64)> = store::seats(tx.conn(), o.id, false)
            .await?
            .into_iter()
            .filter(|s| s.body == Body::Residents.as_str())
            .filter_map(|s| ResidentsPost::parse(&s.post).map(|p| (p, s.person_id)))
            .collect();
        check_residents_appointment(post, person.id, &held)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = store::insert_residents(tx.conn(), o.id, person.id, post.as_str(), &on, None)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("post", "held", "该职务已有人担任或此人已任职")
                }
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("residents.appoint", "org", o.id).detail(format!(
                "{} {}",
                post.label(),
                person.name
            )),
        )
        .await?;
        self.seat(actor, o.id, id).await
    }

    /// Relieves a residents' committee post.
    pub async fn relieve_residents(
        &self,
        actor: &Actor,
        org_id: i64,
        post_id: i64,
        input: &ResidentsRelieveInput,
    ) -> ServiceResult<Seat> {
        let o = self.village(actor, org_id).await?;
        policy::check_manage(actor, &o.path)?;
        let seat = self.seat(actor, o.id, post_id).await?;
        if seat.body != Body::Residents.as_str() {
            return Err(ServiceError::NotFound);
        }
        let on = day("ended_on", "免职日期", &input.ended_on)?;
        if on < seat.started_on {
            return Err(ServiceError::field(
                "ended_on",
                "before_start",
                "免职日期不能早于任职日期",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::end_residents(tx.conn(), post_id, &on).await? {
            return Err(ServiceError::field(
                "ended_on",
                "already_ended",
                "该职务已免去",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("residents.relieve", "org", o.id).detail(format!(
                "{} {}",
                seat.post_label(),
                seat.name
            )),
        )
        .await?;
        self.seat(actor, o.id, post_id).await
    }

    async fn seat(&self, actor: &Actor, org_id: i64, id: i64) -> ServiceResult<Seat> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        store::seats(&mut conn, org_id, true)
            .await?
            .into_iter()
            .find(|s| s.id == id && s.body == Body::Residents.as_str())
            .map(Seat::from)
            .ok_or(ServiceError::NotFound)
    }
}
