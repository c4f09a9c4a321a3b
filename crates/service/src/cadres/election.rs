//! Elections (换届) of villages' two committees: opened by the town, candidates with the
//! county's joint vetting (县级联审, the district's), the result that ends the old posts and
//! sets the new ones for a five-year term, and the statistics reported upward.

use dangjian_domain::bands::{Education, Status};
use dangjian_domain::cadres::committee::{Body, Seat as SeatRule};
use dangjian_domain::cadres::election::{self as rules, Candidate as Rule, Stage, Vetting};
use dangjian_domain::cadres::stats::TermStats;
use dangjian_domain::committee::Post;
use dangjian_domain::id_number::Gender;
use dangjian_domain::{date, path};
use dangjian_store::StoreError;
use dangjian_store::cadres::committee as seats;
use dangjian_store::cadres::election::{self as store, CandidateRow, ElectionFilter, ElectionRow};
use dangjian_store::cadres::reserve;
use dangjian_store::org;
use dangjian_store::rollup::{self, Orgs};
use serde::{Deserialize, Serialize};

use super::person::{PersonChoice, age_on, resolve};
use super::policy;
use crate::assessment::input::day;
use crate::audit::Entry;
use crate::model::placed;
use crate::model::{all, page_number, read_model};
use crate::orgs::committee::set_secretary;
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const ELECTIONS_PER_PAGE: i64 = 50;

read_model! {
    /// An election of a village's two committees.
    pub struct Election from ElectionRow {
        pub id: i64,
        pub org_id: i64,
        /// Named with its town below the reader's scope.
        pub org_name: String,
        pub started_on: String,
        pub party_voted_on: Option<String>,
        pub residents_voted_on: Option<String>,
        pub finished_on: Option<String>,
        /// The new term's end (five years from the finish by default).
        pub term_ends_on: Option<String>,
        pub note: String,
        pub candidates: i64,
        /// Candidates awaiting the joint vetting.
        pub pending: i64,
        pub refused: i64,
        pub elected: i64,
    }
}

impl Election {
    pub fn stage(&self) -> Stage {
        rules::stage(self.candidates, self.pending, self.finished_on.is_some())
    }

    pub fn stage_label(&self) -> &'static str {
        self.stage().label()
    }
}

read_model! {
    /// A candidate with the vetting's result.
    pub struct ElectionCandidate from CandidateRow {
        pub id: i64,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        /// `party` | `residents`.
        pub body: String,
        pub post: String,
        /// `pending` | `passed` | `refused`.
        pub vetting: String,
        /// The reason chosen from the district's list when refused.
        pub refusal_reason: Option<String>,
        pub vetted_on: Option<String>,
        pub elected: bool,
        /// A local talent (本土人才) of the reserve pool.
        pub local_talent: bool,
    }
}

impl ElectionCandidate {
    fn seat(&self) -> Option<SeatRule> {
        Body::parse(&self.body).and_then(|b| SeatRule::parse(b, &self.post))
    }

    pub fn post_label(&self) -> &'static str {
        self.seat().map_or("", SeatRule::label)
    }

    pub fn body_label(&self) -> &'static str {
        Body::parse(&self.body).map_or("", Body::label)
    }

    pub fn vetting_label(&self) -> &'static str {
        Vetting::parse(&self.vetting).map_or("", Vetting::label)
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
}

/// An election with its candidates and what the caller may do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionDetail {
    pub election: Election,
    pub stage: Stage,
    pub candidates: Vec<ElectionCandidate>,
    /// The reasons a refusal chooses from.
    pub vetting_reasons: Vec<String>,
    /// Full members of the village who may stand for its party committee (managers only).
    pub members: Vec<MemberOption>,
    /// Adds and removes candidates, records the result (the town or the district).
    pub may_manage: bool,
    /// Records the joint vetting (the district).
    pub may_vet: bool,
}

/// A member offered as a candidate.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberOption {
    pub member_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Election>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub may_manage: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ElectionQuery {
    /// The level (default: the caller's scope).
    pub org: Option<i64>,
    /// Started in this year.
    pub year: Option<i64>,
    /// `open` (under way) or `finished`.
    pub state: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OpenElectionInput {
    /// A village or community: 422 `not_a_village`; one election under way at a time (422
    /// `open`).
    pub org_id: i64,
    /// 启动日期 (YYYY-MM-DD).
    pub started_on: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CandidateInput {
    /// `party` | `residents`.
    pub body: String,
    /// A post of that committee (code or label): 书记/副书记/组织委员/宣传委员/纪检委员 or
    /// 主任/副主任/委员.
    pub post: String,
    /// A party committee's candidate is a full member of the village (`member_id`).
    #[serde(flatten)]
    pub who: PersonChoice,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VetInput {
    /// `passed` | `refused` (or 通过/不通过).
    pub result: String,
    /// Required when refused: one of the district's reasons.
    pub reason: String,
    /// 联审日期 (default today).
    pub vetted_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResultInput {
    /// 党组织选举日期 (required when a party post is elected).
    pub party_voted_on: String,
    /// 村(居)委会选举日期 (required when a residents' post is elected).
    pub residents_voted_on: String,
    /// The candidates elected, each to the post they stood for.
    pub elected: Vec<i64>,
}

/// The statistics of a year's elections below a level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionStats {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    /// Elections finished in the year.
    pub finished: i64,
    /// Elections under way.
    pub open: i64,
    /// The new committees, ages on the day each election finished.
    pub new_term: TermStats,
    /// The committees those elections replaced (in post on the eve of each vote), ages on
    /// the same day.
    pub previous_term: TermStats,
    /// Local talents (本土人才) elected village secretary.
    pub local_talent_secretaries: i64,
    /// The same figures for each child of the level that held elections.
    pub children: Vec<ChildStats>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildStats {
    pub org_id: i64,
    pub name: String,
    /// Elections finished in the year below the child.
    pub finished: i64,
    pub local_talent_secretaries: i64,
    pub new_term: TermStats,
    pub previous_term: TermStats,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// The level (default: the caller's scope).
    pub org: Option<i64>,
    /// Default: the year of the latest finished election below the level, else this year.
    pub year: Option<i64>,
}

fn vote_day(text: &str, field: &'static str, what: &str, started: &str) -> ServiceResult<String> {
    let d = day(text, field, what)?;
    if d > today() {
        return Err(ServiceError::field(
            field,
            "future",
            format!("{what}不能晚于今天"),
        ));
    }
    let d = date::format(d);
    if d.as_str() < started {
        return Err(ServiceError::field(
            field,
            "before_start",
            format!("{what}不能早于换届启动日期"),
        ));
    }
    Ok(d)
}

/// The election as the transaction sees it, refused once finished: a check made before the
/// transaction could be overtaken by a result recorded meanwhile.
async fn still_open(conn: &mut dangjian_store::Conn, id: i64, message: &str) -> ServiceResult<()> {
    match store::get(conn, id).await? {
        Some(e) if e.finished_on.is_none() => Ok(()),
        Some(_) => Err(ServiceError::field(
            "election",
            "finished",
            message.to_string(),
        )),
        None => Err(ServiceError::NotFound),
    }
}

/// Keeps the figures an election finished on `finished` reports upward and counts them for
/// its village's levels: once, after its posts are written, in the transaction that
/// finishes it (what it reported never changes afterwards).
pub(super) async fn keep_figures(
    conn: &mut dangjian_store::Conn,
    election_id: i64,
    village_path: &str,
    finished: &str,
) -> ServiceResult<()> {
    let kept = store::keep_figures(conn, store::Kept::One(election_id)).await?;
    rollup::count_election(conn, village_path, store::year_of(finished), &kept).await?;
    Ok(())
}

impl App {
    async fn election_row(&self, actor: &Actor, id: i64) -> ServiceResult<ElectionRow> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        let e = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &e.org_path)?;
        Ok(e)
    }

    /// The elections below a level, newest first.
    pub async fn elections(&self, actor: &Actor, q: &ElectionQuery) -> ServiceResult<ElectionList> {
        self.election_list(actor, q, Some(page_number(q.page)))
            .await
    }

    /// Every election of the list, for its export (under the common size cap).
    pub async fn export_elections(
        &self,
        actor: &Actor,
        q: &ElectionQuery,
    ) -> ServiceResult<ElectionList> {
        self.election_list(actor, q, None).await
    }

    async fn election_list(
        &self,
        actor: &Actor,
        q: &ElectionQuery,
        page: Option<i64>,
    ) -> ServiceResult<ElectionList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = ElectionFilter {
            root_path: o.path.clone(),
            year: q.year,
            open: match q.state.as_deref() {
                Some("open") => Some(true),
                Some("finished") => Some(false),
                _ => None,
            },
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, ELECTIONS_PER_PAGE);
        let (total, rows) = store::page(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "次换届")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(ElectionList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| ELECTIONS_PER_PAGE),
            may_manage: policy::may_manage(actor, &o.path),
        })
    }

    /// An election with its candidates.
    pub async fn election(&self, actor: &Actor, id: i64) -> ServiceResult<ElectionDetail> {
        let row = self.election_row(actor, id).await?;
        let open = row.finished_on.is_none();
        let may_manage = open && policy::may_manage(actor, &row.org_path);
        let mut conn = self.db.conn().await?;
        let candidates = all(store::candidates(&mut conn, id).await?);
        let members = if may_manage {
            let f = dangjian_store::member::MemberFilter {
                root_path: row.org_path.clone(),
                status: Some(Status::Full.as_str().into()),
                ..Default::default()
            };
            dangjian_store::member::list(&mut conn, &f, 2_000, 0)
                .await?
                .into_iter()
                .map(|m| MemberOption {
                    member_id: m.id,
                    name: m.name,
                })
                .collect()
        } else {
            Vec::new()
        };
        let election = placed::<_, Election>(&mut conn, actor, vec![row])
            .await?
            .remove(0);
        Ok(ElectionDetail {
            stage: election.stage(),
            may_vet: open && policy::is_district(actor),
            election,
            candidates,
            vetting_reasons: self.cadre_rules().await?.vetting_reasons,
            members,
            may_manage,
        })
    }

    /// Opens an election of a village's two committees.
    pub async fn open_election(
        &self,
        actor: &Actor,
        input: &OpenElectionInput,
    ) -> ServiceResult<ElectionDetail> {
        let o = self.village(actor, input.org_id).await?;
        policy::check_manage(actor, &o.path)?;
        let started = day(&input.started_on, "started_on", "换届启动日期")?;
        if started > today() + time::Duration::days(366) {
            return Err(ServiceError::field(
                "started_on",
                "too_late",
                "换届启动日期不能晚于一年以后",
            ));
        }
        let started = date::format(started);
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::field(
                "note",
                "too_long",
                "备注不能超过 500 字",
            ));
        }
        let mut tx = self.begin_audited().await?;
        if let Some(last) = store::last_finished(tx.conn(), o.id).await?
            && started < last
        {
            return Err(ServiceError::field(
                "started_on",
                "before_last",
                format!("换届启动日期不能早于上次换届完成的日期（{last}）"),
            ));
        }
        let id = store::insert(tx.conn(), o.id, &started, note, actor.user_id)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("org_id", "open", "该村(社区)已有正在进行的换届")
                }
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("election.open", "election", id).detail(o.name.clone()),
        )
        .await?;
        self.election(actor, id).await
    }

    /// Adds a candidate to an election under way.
    pub async fn add_candidate(
        &self,
        actor: &Actor,
        election_id: i64,
        input: &CandidateInput,
    ) -> ServiceResult<ElectionDetail> {
        let e = self.election_row(actor, election_id).await?;
        policy::check_manage(actor, &e.org_path)?;
        let body = Body::parse(&input.body).ok_or_else(|| {
            ServiceError::field("body", "invalid", "请选择村党组织或村(居)民委员会")
        })?;
        let seat = SeatRule::parse(body, &input.post)
            .ok_or_else(|| ServiceError::field("post", "invalid", "请选择该委员会的职务"))?;
        if body == Body::Party && input.who.member_id.is_none() {
            return Err(ServiceError::field(
                "member_id",
                "required",
                "村党组织委员候选人须从本村(社区)正式党员中选择",
            ));
        }
        let cadre_rules = self.cadre_rules().await?;
        let mut tx = self.begin_audited().await?;
        still_open(tx.conn(), e.id, "换届已完成，不能再增加候选人").await?;
        let person = resolve(self, tx.conn(), actor, &input.who, &e.org_path).await?;
        if body == Body::Party && person.member_status.as_deref() != Some(Status::Full.as_str()) {
            return Err(ServiceError::field(
                "member_id",
                "not_full_member",
                "村党组织委员须由正式党员担任",
            ));
        }
        let (birth, started) = (date::parse(&person.birth_date), date::parse(&e.started_on));
        if let (Some(b), Some(on)) = (birth, started) {
            rules::check_age(seat, b, on, &cadre_rules)
                .map_err(|x| ServiceError::Invalid(vec![x]))?;
        }
        let id = store::insert_candidate(tx.conn(), e.id, person.id, body.as_str(), seat.as_str())
            .await
            .map_err(|x| match x {
                StoreError::Duplicate(_) => ServiceError::field(
                    if input.who.member_id.is_some() {
                        "member_id"
                    } else {
                        "id_number"
                    },
                    "duplicate",
                    "此人已是本次换届该委员会的候选人",
                ),
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("election.candidate", "election", e.id).detail(format!(
                "{} {} 候选人 #{id}",
                person.name,
                seat.label()
            )),
        )
        .await?;
        self.election(actor, e.id).await
    }

    async fn candidate_of(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(ElectionRow, CandidateRow)> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        let c = store::candidate(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let e = self.election_row(actor, c.election_id).await?;
        Ok((e, c))
    }

    /// Removes a candidate before the result.
    pub async fn remove_candidate(
        &self,
        actor: &Actor,
        candidate_id: i64,
    ) -> ServiceResult<ElectionDetail> {
        let (e, c) = self.candidate_of(actor, candidate_id).await?;
        policy::check_manage(actor, &e.org_path)?;
        let mut tx = self.begin_audited().await?;
        still_open(tx.conn(), e.id, "换届已完成，候选人不能删除").await?;
        store::delete_candidate(tx.conn(), c.id).await?;
        tx.commit(
            actor,
            Entry::ok("election.candidate.remove", "election", e.id).detail(c.name.clone()),
        )
        .await?;
        self.election(actor, e.id).await
    }

    /// Records the county's joint vetting of a candidate (the district).
    pub async fn vet_candidate(
        &self,
        actor: &Actor,
        candidate_id: i64,
        input: &VetInput,
    ) -> ServiceResult<ElectionDetail> {
        let (e, c) = self.candidate_of(actor, candidate_id).await?;
        policy::check_district(actor)?;
        let result = Vetting::parse(&input.result).ok_or_else(|| {
            ServiceError::field("result", "required", "请选择联审结果（通过或不通过）")
        })?;
        let cadre_rules = self.cadre_rules().await?;
        let reason = rules::check_vetting(result, Some(&input.reason), &cadre_rules)
            .map_err(|x| ServiceError::Invalid(vec![x]))?;
        let on = crate::orgs::committee::day("vetted_on", "联审日期", &input.vetted_on)?;
        if on < e.started_on {
            return Err(ServiceError::field(
                "vetted_on",
                "before_start",
                "联审日期不能早于换届启动日期",
            ));
        }
        let mut tx = self.begin_audited().await?;
        still_open(tx.conn(), e.id, "换届已完成，联审结果不能再改").await?;
        store::vet(tx.conn(), c.id, result.as_str(), reason.as_deref(), &on).await?;
        tx.commit(
            actor,
            Entry::ok("election.vet", "election", e.id).detail(format!(
                "{} {}{}",
                c.name,
                result.label(),
                reason.map(|r| format!("：{r}")).unwrap_or_default()
            )),
        )
        .await?;
        self.election(actor, e.id).await
    }

    /// Records the result: the elected take their posts on their committee's vote day, the
    /// posts before end that day, the term runs five years from the later vote, elected
    /// reserve cadres leave the pool as elected, and the organization's secretary follows.
    pub async fn record_result(
        &self,
        actor: &Actor,
        election_id: i64,
        input: &ResultInput,
    ) -> ServiceResult<ElectionDetail> {
        let e = self.election_row(actor, election_id).await?;
        policy::check_manage(actor, &e.org_path)?;
        let cadre_rules = self.cadre_rules().await?;
        let mut tx = self.begin_audited().await?;
        still_open(tx.conn(), e.id, "换届结果已登记").await?;
        let rows = store::candidates(tx.conn(), e.id).await?;
        let candidates: Vec<ElectionCandidate> = all(rows.clone());
        let rule_view: Vec<Rule> = candidates
            .iter()
            .filter_map(|c| {
                Some(Rule {
                    id: c.id,
                    name: c.name.clone(),
                    seat: c.seat()?,
                    vetting: Vetting::parse(&c.vetting)?,
                })
            })
            .collect();
        rules::check_result(&rule_view, &input.elected)
            .map_err(|x| ServiceError::Invalid(vec![x]))?;
        let elected: Vec<&ElectionCandidate> = candidates
            .iter()
            .filter(|c| input.elected.contains(&c.id))
            .collect();
        let of_body = |b: Body| -> Vec<&ElectionCandidate> {
            elected
                .iter()
                .copied()
                .filter(|c| c.body == b.as_str())
                .collect()
        };
        let (party, residents) = (of_body(Body::Party), of_body(Body::Residents));
        // A committee with someone elected needs its vote day, not before the election began
        // nor before its current members took office; one with nobody elected keeps its
        // members, so a day given for it is a mistake.
        let mut days = Vec::new();
        for (b, list, text, field, what) in [
            (
                Body::Party,
                &party,
                &input.party_voted_on,
                "party_voted_on",
                "党组织选举日期",
            ),
            (
                Body::Residents,
                &residents,
                &input.residents_voted_on,
                "residents_voted_on",
                "村(居)委会选举日期",
            ),
        ] {
            if list.is_empty() {
                if !text.trim().is_empty() {
                    return Err(ServiceError::field(
                        field,
                        "none_elected",
                        format!("没有勾选该委员会的当选人，请清空{what}"),
                    ));
                }
                days.push(None);
                continue;
            }
            let on = vote_day(text, field, what, &e.started_on)?;
            if let Some(since) = seats::latest_start(tx.conn(), e.org_id, b == Body::Party).await?
                && on < since
            {
                return Err(ServiceError::field(
                    field,
                    "before_term",
                    format!("{what}不能早于现任成员的任职日期（{since}）"),
                ));
            }
            days.push(Some(on));
        }
        let (party_on, residents_on) = (days[0].clone(), days[1].clone());
        // A party candidate must still be a full member of the village on the day.
        for c in &party {
            let ok = rows.iter().any(|r| {
                r.id == c.id
                    && r.member_status.as_deref() == Some(Status::Full.as_str())
                    && r.member_path
                        .as_deref()
                        .is_some_and(|p| path::contains(&e.org_path, p))
            });
            if !ok {
                return Err(ServiceError::field(
                    "elected",
                    "not_full_member",
                    format!("{}已不是本村(社区)正式党员，不能当选党组织委员", c.name),
                ));
            }
        }
        let finished = party_on
            .iter()
            .chain(residents_on.iter())
            .max()
            .cloned()
            .unwrap_or_else(|| date::format(today()));
        let term_end = date::parse(&finished)
            .map(|d| date::format(rules::term_end(d, &cadre_rules)))
            .unwrap_or_default();
        // Finishing first, inside the transaction: a second submission finds it finished and
        // writes nothing.
        if !store::finish(
            tx.conn(),
            e.id,
            party_on.as_deref(),
            residents_on.as_deref(),
            &finished,
            &term_end,
        )
        .await?
        {
            return Err(ServiceError::field(
                "election",
                "finished",
                "换届结果已登记",
            ));
        }
        let mut secretary = None;
        if let Some(on) = &party_on {
            seats::end_body(tx.conn(), e.org_id, true, on).await?;
            for c in &party {
                let member_id = c.member_id.ok_or(ServiceError::NotFound)?;
                seats::insert_party(tx.conn(), e.org_id, member_id, &c.post, on, e.id).await?;
                if c.post == Post::Secretary.as_str() {
                    secretary = Some(c.name.clone());
                }
            }
        }
        if let Some(on) = &residents_on {
            seats::end_body(tx.conn(), e.org_id, false, on).await?;
            for c in &residents {
                seats::insert_residents(tx.conn(), e.org_id, c.person_id, &c.post, on, Some(e.id))
                    .await?;
            }
        }
        store::mark_elected(tx.conn(), &input.elected).await?;
        let persons: Vec<i64> = elected.iter().map(|c| c.person_id).collect();
        reserve::mark_elected(tx.conn(), e.org_id, &persons, &finished).await?;
        if let Some(on) = &party_on {
            // The organization names the secretary elected, or none when the post stays empty.
            let o = org::get(tx.conn(), e.org_id)
                .await?
                .map(crate::orgs::Org::from)
                .ok_or(ServiceError::NotFound)?;
            set_secretary(tx.conn(), actor, &o, secretary, on).await?;
        }
        keep_figures(tx.conn(), e.id, &e.org_path, &finished).await?;
        tx.commit(
            actor,
            Entry::ok("election.result", "election", e.id).detail(format!(
                "{}：当选 {} 人，任期至 {term_end}",
                e.org_name,
                elected.len()
            )),
        )
        .await?;
        self.election(actor, e.id).await
    }

    /// The statistics of a year's elections below a level, against the terms they closed.
    pub async fn election_stats(
        &self,
        actor: &Actor,
        q: &StatsQuery,
    ) -> ServiceResult<ElectionStats> {
        let o = self.cadre_level(actor, q.org).await?;
        let mut conn = self.db.conn().await?;
        let year = match q.year {
            Some(y) => y,
            None => rollup::latest_election_year(&mut conn, o.id)
                .await?
                .unwrap_or_else(|| i64::from(today().year())),
        };
        let level = rollup::election_counts(&mut conn, Orgs::One(o.id), year)
            .await?
            .remove(&o.id)
            .unwrap_or_default();
        let open = store::open_count(&mut conn, &o.path).await?;
        let mut by_child = rollup::election_counts(&mut conn, Orgs::ChildrenOf(o.id), year).await?;
        by_child.retain(|_, c| c.finished > 0);
        let ids: Vec<i64> = by_child.keys().copied().collect();
        let mut orgs = org::get_many(&mut conn, &ids).await?;
        orgs.sort_by(|a, b| a.code.cmp(&b.code));
        let children = orgs
            .into_iter()
            .filter_map(|c| {
                let n = by_child.remove(&c.id)?;
                Some(ChildStats {
                    org_id: c.id,
                    name: c.name,
                    finished: n.finished,
                    local_talent_secretaries: n.local_talent_secretaries,
                    new_term: TermStats::of(&n.elected),
                    previous_term: TermStats::of(&n.closed),
                })
            })
            .collect();
        Ok(ElectionStats {
            org_id: o.id,
            org_name: o.name.clone(),
            year,
            finished: level.finished,
            open,
            new_term: TermStats::of(&level.elected),
            previous_term: TermStats::of(&level.closed),
            local_talent_secretaries: level.local_talent_secretaries,
            children,
        })
    }
}
