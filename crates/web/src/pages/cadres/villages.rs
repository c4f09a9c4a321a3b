//! 两委 pages. The villages and communities below a level, 50 a page, each with its secretary
//! and director, 一肩挑, the size of both committees, the term's end, the election under way
//! and the heads' posts vacant (since when), under the structure of all of them now; and one
//! village's two committees now and before, with the forms of its town and the district:
//! appoint to and relieve from the residents' committee between elections, open an election,
//! set the village's reserve target. The list exports as xlsx.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::cadres::committee::{Body, ResidentsPost};
use dangjian_report::{Cell, Table};
use dangjian_service::cadres::committee::{
    ResidentsAppointInput, ResidentsRelieveInput, Seat, VillageLine, VillageList, VillageQuery,
};
use dangjian_service::cadres::election::OpenElectionInput;
use dangjian_service::cadres::reserve::{Pool, PoolQuery, TargetInput};
use serde::Deserialize;

use super::reserves::{self, PoolsRefused};
use super::{
    NAV, PersonFields, PersonForm, Tab, figure_cells, figures, flag, tabs, today_text, typed, url,
};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    q: String,
    vacant: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> VillageQuery {
        VillageQuery {
            org: parse_id(&self.org),
            q: typed(&self.q),
            vacant: flag(&self.vacant).then_some(true),
            page: parse_id(&self.page),
        }
    }
}

/// A figure of the structure as a card.
pub struct Card {
    id: &'static str,
    value: String,
    label: &'static str,
}

/// A village's line.
pub struct VillageRow {
    id: i64,
    name: String,
    secretary: String,
    director: String,
    one_shoulder: bool,
    party_posts: i64,
    residents_posts: i64,
    term_ends_on: String,
    /// The term ended before today.
    term_over: bool,
    /// The election under way (0: none).
    election: i64,
    /// The heads' posts vacant and since when, or empty.
    vacancy: String,
}

#[derive(Template)]
#[template(path = "cadres_villages.html")]
struct VillagesPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    cards: Vec<Card>,
    rows: Vec<VillageRow>,
    total: i64,
    pager: Pager,
    q: String,
    vacant: bool,
    filtered: bool,
    export_href: String,
    may_manage: bool,
}

/// The heads' posts vacant in a line, each with the day it was last held.
fn vacancy(l: &VillageLine) -> String {
    let since = |d: &Option<String>| {
        d.as_ref()
            .map_or_else(|| "（无任职记录）".to_string(), |d| format!("（{d} 起）"))
    };
    let mut parts = Vec::new();
    if l.secretary.is_none() {
        parts.push(format!("书记{}", since(&l.secretary_vacant_since)));
    }
    if l.director.is_none() {
        parts.push(format!("主任{}", since(&l.director_vacant_since)));
    }
    parts.join("、")
}

fn village_rows(v: &VillageList, today: &str) -> Vec<VillageRow> {
    v.items
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let term = l.term_ends_on.clone().unwrap_or_default();
            VillageRow {
                id: l.id,
                name: l.name.clone(),
                secretary: l.secretary.clone().unwrap_or_default(),
                director: l.director.clone().unwrap_or_default(),
                one_shoulder: v.one_shoulder.get(i).copied().unwrap_or(false),
                party_posts: l.party_posts,
                residents_posts: l.residents_posts,
                term_over: !term.is_empty() && term.as_str() < today,
                term_ends_on: term,
                election: l.open_election.unwrap_or(0),
                vacancy: if v.vacant.get(i).copied().unwrap_or(false) {
                    vacancy(l)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

fn cards(v: &VillageList) -> Vec<Card> {
    const IDS: [&str; 11] = [
        "now-villages",
        "now-one-shoulder",
        "now-one-shoulder-rate",
        "now-cross-posted",
        "now-people",
        "now-women",
        "now-high-school",
        "now-college",
        "now-bachelor",
        "now-under-35",
        "now-average-age",
    ];
    figures(&v.now)
        .into_iter()
        .zip(IDS)
        .map(|((label, value), id)| Card { id, value, label })
        .collect()
}

/// The villages below a level: `?org=&q=&vacant=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.village_committees(a, &q.service()).await?;
    let today = today_text();
    let filters = [
        ("org", v.org_id.to_string()),
        ("q", q.q.trim().to_string()),
        ("vacant", if flag(&q.vacant) { "1" } else { "" }.to_string()),
    ];
    let page = VillagesPage {
        l: Layout::new(a, &auth.csrf, "村(社区)两委", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "villages"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        cards: cards(&v),
        rows: village_rows(&v, &today),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        q: q.q.trim().to_string(),
        vacant: flag(&q.vacant),
        filtered: !q.q.trim().is_empty() || flag(&q.vacant),
        export_href: url("/cadres/villages/export.xlsx", &filters, ""),
        may_manage: v.may_manage,
    };
    Ok(render(&page))
}

/// Every village of the list.
async fn all_villages(st: &AppState, auth: &Auth, q: &ListQuery) -> PageResult<VillageList> {
    Ok(st
        .app
        .export_village_committees(&auth.actor, &q.service())
        .await?)
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

fn villages_book(v: &VillageList) -> Result<Response, dangjian_service::ServiceError> {
    let today = today_text();
    let rows = village_rows(v, &today);
    let lines = Table {
        sheet: "两委".into(),
        title: format!(
            "{} 村(社区)两委（共 {} 个村(社区)，{} 止）",
            v.org_name, v.total, today
        ),
        headers: headers(&[
            "村(社区)",
            "党组织书记",
            "村(居)委会主任",
            "一肩挑",
            "党组织委员数",
            "村(居)委会成员数",
            "任期届满",
            "换届",
            "空缺",
        ]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name.clone()),
                    Cell::Text(r.secretary.clone()),
                    Cell::Text(r.director.clone()),
                    Cell::Text(if r.one_shoulder { "是" } else { "否" }.into()),
                    Cell::Int(r.party_posts),
                    Cell::Int(r.residents_posts),
                    Cell::Text(r.term_ends_on.clone()),
                    Cell::Text(if r.election > 0 { "进行中" } else { "" }.into()),
                    Cell::Text(r.vacancy.clone()),
                ]
            })
            .collect(),
    };
    let structure = Table {
        sheet: "两委结构".into(),
        title: format!("{} 村(社区)两委结构（{} 止）", v.org_name, today),
        headers: headers(&["项目", "现任"]),
        rows: figures(&v.now)
            .into_iter()
            .zip(figure_cells(&v.now))
            .map(|((label, _), cell)| vec![Cell::Text(label.into()), cell])
            .collect(),
    };
    book(
        &[lines, structure],
        &format!("村(社区)两委-{}.xlsx", v.org_name),
    )
}

/// The villages of a level as xlsx: `?org=&q=&vacant=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let v = all_villages(&st, &auth, &q).await?;
    st.app
        .audit_export(&auth.actor, "村(社区)两委", v.org_id, v.items.len(), None)
        .await?;
    Ok(villages_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// One village.

/// An appointment to the residents' committee as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AppointForm {
    post: String,
    started_on: String,
    #[serde(flatten)]
    who: PersonForm,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RelieveForm {
    ended_on: String,
}

/// The opening of an election as typed (on the village's page).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OpenForm {
    org_id: String,
    started_on: String,
    note: String,
}

/// A village's reserve target as typed; `back` = `pools` when sent from the targets' list
/// (with its `org`, `short` and `page`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TargetForm {
    target: String,
    back: String,
    org: String,
    short: String,
    page: String,
}

/// A form of the village's page refused, to show again where it was.
enum Refused {
    None,
    Appoint(AppointForm),
    /// Relieving the post with this id, with the day typed.
    Relieve(i64, String),
    Open(OpenForm),
    /// The target as typed.
    Target(String),
}

/// A post held now or before.
pub struct SeatView {
    id: i64,
    body: &'static str,
    post: &'static str,
    name: String,
    gender: &'static str,
    age: i32,
    education: &'static str,
    started_on: String,
    ended_on: String,
    /// The member this person is (0: not a member).
    member_id: i64,
    /// The day the relieve form offers (today, or as typed when refused).
    relieve_on: String,
    error: String,
}

fn seat_view(s: &Seat, today: &str) -> SeatView {
    SeatView {
        id: s.id,
        body: Body::parse(&s.body).map_or("", Body::label),
        post: s.post_label(),
        name: s.name.clone(),
        gender: s.gender_label(),
        age: s.age(),
        education: s.education_label(),
        started_on: s.started_on.clone(),
        ended_on: s.ended_on.clone().unwrap_or_default(),
        member_id: s.member_id.unwrap_or(0),
        relieve_on: today.to_string(),
        error: String::new(),
    }
}

#[derive(Template)]
#[template(path = "cadres_village.html")]
struct VillagePage {
    l: Layout,
    tabs: Vec<Tab>,
    id: i64,
    org_name: String,
    place: String,
    party: Vec<SeatView>,
    residents: Vec<SeatView>,
    former: Vec<SeatView>,
    one_shoulder: bool,
    cross_posted: String,
    vacant: String,
    term_ends_on: String,
    term_over: bool,
    /// The election under way (0: none).
    election: i64,
    may_manage: bool,
    /// The village's pool against its target, if the pools read it.
    pool: Option<Pool>,
    default_target: i64,
    may_set_target: bool,
    posts: Vec<Choice>,
    appoint: AppointForm,
    person: PersonFields,
    appoint_errs: FormErrors,
    open: OpenForm,
    open_errs: FormErrors,
    target: String,
    target_errs: FormErrors,
    /// Refusals whose form is not on the page.
    errors: FormErrors,
    today: String,
}

async fn village_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Refused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let c = st.app.village_committee(a, id).await?;
    let pools = st
        .app
        .reserve_pools(
            a,
            &PoolQuery {
                org: Some(c.org_id),
                short: None,
                page: Some(1),
            },
        )
        .await?;
    let pool = pools.items.into_iter().find(|p| p.org_id == c.org_id);
    let today = today_text();
    let mut residents: Vec<SeatView> = c.residents.iter().map(|s| seat_view(s, &today)).collect();
    let errors = FormErrors(errors);
    let status = errors.status();
    let mut appoint = AppointForm::default();
    let mut open = OpenForm::default();
    let mut target = pool
        .as_ref()
        .filter(|p| p.own_target)
        .map(|p| p.target.to_string())
        .unwrap_or_default();
    let (mut appoint_errs, mut open_errs, mut target_errs) = (
        FormErrors::default(),
        FormErrors::default(),
        FormErrors::default(),
    );
    // A refusal whose form is not on the page (the post relieved meanwhile, an election
    // opened meanwhile) is shown above it.
    let mut top = FormErrors::default();
    match refused {
        Refused::None => {}
        Refused::Appoint(f) => {
            appoint = f;
            appoint_errs = errors;
        }
        Refused::Relieve(post, on) => match residents.iter_mut().find(|r| r.id == post) {
            Some(r) => {
                r.relieve_on = on;
                r.error = messages(&errors);
            }
            None => top = errors,
        },
        Refused::Open(_) if c.open_election.is_some() => top = errors,
        Refused::Open(f) => {
            open = f;
            open_errs = errors;
        }
        Refused::Target(t) => {
            target = t;
            target_errs = errors;
        }
    }
    if appoint.started_on.is_empty() {
        appoint.started_on.clone_from(&today);
    }
    if open.started_on.is_empty() {
        open.started_on.clone_from(&today);
    }
    let term = c.term_ends_on.clone().unwrap_or_default();
    let page = VillagePage {
        l: Layout::new(a, &auth.csrf, format!("两委 · {}", c.place), NAV).about(c.place.clone()),
        tabs: tabs(Some(c.org_id), "villages"),
        id: c.org_id,
        org_name: c.org_name.clone(),
        place: c.place.clone(),
        party: c.party.iter().map(|s| seat_view(s, &today)).collect(),
        former: c.former.iter().map(|s| seat_view(s, &today)).collect(),
        residents,
        one_shoulder: c.one_shoulder,
        cross_posted: c.cross_posted.join("、"),
        vacant: c.vacant.join("、"),
        term_over: !term.is_empty() && term < today,
        term_ends_on: term,
        election: c.open_election.unwrap_or(0),
        may_manage: c.may_manage,
        pool,
        default_target: pools.default_target,
        may_set_target: pools.may_set_targets,
        posts: choices(
            ResidentsPost::ALL,
            ResidentsPost::as_str,
            ResidentsPost::label,
            appoint.post.trim(),
        ),
        person: PersonFields::new(appoint.who.clone()),
        appoint,
        appoint_errs,
        open,
        open_errs,
        target,
        target_errs,
        errors: top,
        today,
    };
    Ok(render_with(status, &page))
}

/// Every message of a refusal on one line.
fn messages(errors: &FormErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("；")
}

/// A village's two committees.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    village_page(&st, &auth, id, Refused::None, Vec::new()).await
}

/// Appoints to the residents' committee between elections.
pub async fn appoint(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AppointForm>,
) -> PageResult<Response> {
    let input = ResidentsAppointInput {
        who: f.who.choice(),
        post: f.post.trim().to_string(),
        started_on: f.started_on.trim().to_string(),
    };
    match st
        .app
        .appoint_residents(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/villages/{id}#residents")).into_response()),
        Err(errs) => village_page(&st, &auth, id, Refused::Appoint(f), errs).await,
    }
}

/// Relieves a residents' committee post.
pub async fn relieve(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, post_id)): PagePath<(i64, i64)>,
    PageForm(f): PageForm<RelieveForm>,
) -> PageResult<Response> {
    let input = ResidentsRelieveInput {
        ended_on: f.ended_on.trim().to_string(),
    };
    match st
        .app
        .relieve_residents(&auth.actor, id, post_id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/cadres/villages/{id}#residents")).into_response()),
        Err(errs) => {
            let refused = Refused::Relieve(post_id, f.ended_on);
            village_page(&st, &auth, id, refused, errs).await
        }
    }
}

/// Opens an election of a village (from its page); on to the new election.
pub async fn open_election(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<OpenForm>,
) -> PageResult<Response> {
    // An id that is no number names no village: the service answers 404.
    let org_id = parse_id(&f.org_id).unwrap_or(0);
    let input = OpenElectionInput {
        org_id,
        started_on: f.started_on.trim().to_string(),
        note: f.note.clone(),
    };
    match st.app.open_election(&auth.actor, &input).await.or_form()? {
        Ok(d) => Ok(Redirect::to(&format!("/cadres/elections/{}", d.election.id)).into_response()),
        Err(errs) => village_page(&st, &auth, org_id, Refused::Open(f), errs).await,
    }
}

/// A target as typed: empty is the default again; anything else must be a whole number.
fn target_value(typed: &str) -> Result<Option<i64>, Vec<FieldError>> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| {
        vec![FieldError::new(
            "target",
            "invalid_number",
            "后备力量目标应为 0–50 的整数，留空为默认目标",
        )]
    })
}

/// Sets a village's reserve target (empty: the default), from its page or the targets' list.
pub async fn set_target(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TargetForm>,
) -> PageResult<Response> {
    let outcome = match target_value(&f.target) {
        Ok(target) => st
            .app
            .set_reserve_target(&auth.actor, id, &TargetInput { target })
            .await
            .or_form()?,
        Err(errs) => Err(errs),
    };
    let to_pools = f.back == "pools";
    let level = [
        (
            "org",
            parse_id(&f.org).map_or_else(String::new, |o| o.to_string()),
        ),
        ("short", if flag(&f.short) { "1" } else { "" }.to_string()),
        (
            "page",
            parse_id(&f.page).map_or_else(String::new, |p| p.to_string()),
        ),
    ];
    match outcome {
        Ok(()) if to_pools => {
            let to = url("/cadres/reserve-pools", &level, &format!("pool-{id}"));
            Ok(Redirect::to(&to).into_response())
        }
        Ok(()) => Ok(Redirect::to(&format!("/cadres/villages/{id}#reserve")).into_response()),
        Err(errs) if to_pools => {
            let q = reserves::PoolsQuery::from_level(&f.org, &f.short, &f.page);
            let refused = PoolsRefused::Target(id, f.target);
            reserves::pools_page(&st, &auth, &q, refused, errs).await
        }
        Err(errs) => village_page(&st, &auth, id, Refused::Target(f.target), errs).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_whole_numbers_or_the_default() {
        assert_eq!(target_value(" 4 ").ok(), Some(Some(4)));
        assert_eq!(target_value("").ok(), Some(None));
        let e = target_value("四").err().unwrap_or_default();
        assert_eq!(e.first().map(|e| e.field), Some("target"));
    }

    #[test]
    fn a_vacancy_names_the_post_and_since_when() {
        let l = VillageLine {
            id: 1,
            name: "白涛街道 / 花堡社区".into(),
            secretary: None,
            director: Some("张三".into()),
            party_posts: 0,
            residents_posts: 3,
            term_ends_on: None,
            open_election: None,
            secretary_vacant_since: Some("2025-03-01".into()),
            director_vacant_since: None,
        };
        assert_eq!(vacancy(&l), "书记（2025-03-01 起）");
        let none = VillageLine {
            director: None,
            secretary_vacant_since: None,
            ..l
        };
        assert_eq!(vacancy(&none), "书记（无任职记录）、主任（无任职记录）");
    }
}
