//! 联系群众 pages: coverage per level, grids, households with their responsible member and
//! history, and the deeds members record (a member records their own on the phone).

pub(super) mod community_checkin;
pub(super) mod evaluation;
pub(super) mod photo;
pub(super) mod service_unit;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::masses::{
    CardInput, DeedInput, DeedKind, HouseholdInput, LegalBasis, Need, hours_text as hours,
    mask_name, parse_needs, permille_text,
};
use dangjian_service::ServiceError;
use dangjian_service::masses::DeedRecord;
use dangjian_service::masses::Grid;
use dangjian_service::masses::Household;
use dangjian_service::masses::PublicCard;
use dangjian_service::masses::community_checkin::CommunityCheckinView;
use dangjian_service::masses::policy::{self as masses_policy, DeedActions};
use dangjian_service::masses::{
    CardView, Coverage, DeedQuery, GridInput, HouseholdQuery, HouseholdView, NewDeedInput, PAGE,
};
use dangjian_service::members::MemberQuery;
use dangjian_service::orgs::Org;
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        ser.append_pair(k, v);
    }
    ser.finish()
}

fn needs_label(stored: &str) -> String {
    parse_needs(stored)
        .iter()
        .map(|n| n.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// A household as a list shows it: the head's name masked, the needs in words.
pub struct HouseholdLine {
    id: i64,
    grid_name: String,
    address: String,
    head: String,
    size: i64,
    needs: String,
    member: String,
}

impl From<&Household> for HouseholdLine {
    fn from(h: &Household) -> Self {
        HouseholdLine {
            id: h.id,
            grid_name: h.grid_name.clone(),
            address: h.address.clone(),
            head: mask_name(&h.head_name),
            size: h.size,
            needs: needs_label(&h.needs),
            member: h.member_name.clone().unwrap_or_default(),
        }
    }
}

pub struct DeedLine {
    id: i64,
    member_id: i64,
    member_name: String,
    household_id: Option<i64>,
    household: String,
    done_on: String,
    kind: &'static str,
    description: String,
    hours: String,
    confirmed: bool,
    photo: bool,
    actions: DeedActions,
}

impl From<&DeedRecord> for DeedLine {
    fn from(d: &DeedRecord) -> Self {
        DeedLine {
            id: d.id,
            member_id: d.member_id,
            member_name: d.member_name.clone(),
            household_id: d.household_id,
            household: d.household_address.clone().unwrap_or_default(),
            done_on: d.done_on.clone(),
            kind: DeedKind::parse(&d.kind).map_or("", DeedKind::label),
            description: d.description.clone(),
            hours: hours(d.minutes),
            confirmed: d.confirmed,
            photo: false,
            actions: DeedActions::default(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OverviewQuery {
    org: String,
    year: String,
}

#[derive(Template)]
#[template(path = "masses.html")]
struct OverviewPage {
    l: Layout,
    org: Org,
    c: Coverage,
    coverage: String,
    hours: String,
    children: Vec<(i64, String, i64, i64, String, i64, String)>,
    mine: Vec<HouseholdLine>,
    member_id: Option<i64>,
    report: Option<CommunityCheckinView>,
    report_hours: String,
    communities: Vec<crate::pages::request::public::PickGroup>,
    kinds: Vec<Choice>,
    today: String,
    errors: FormErrors,
}

async fn overview(
    st: &AppState,
    auth: &Auth,
    q: &OverviewQuery,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let org = match parse_id(&q.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let year = q.year.trim().parse().ok();
    let c = st.app.coverage(a, Some(org.id), year).await?;
    let mine = st.app.my_households(a).await?;
    let report = st.app.my_community_checkin(a).await?;
    let communities = if a.member_id.is_some() && report.is_none() {
        crate::pages::request::public::by_town(st.app.communities().await?, None)
    } else {
        Vec::new()
    };
    let status = errors.status();
    Ok(render_with(
        status,
        &OverviewPage {
            l: Layout::new(a, &auth.csrf, "联系群众", "masses"),
            coverage: permille_text(c.total.permille),
            hours: hours(c.total.minutes),
            children: c
                .children
                .iter()
                .map(|x| {
                    (
                        x.org_id,
                        x.org_name.clone(),
                        x.households,
                        x.paired,
                        permille_text(x.permille),
                        x.deeds,
                        hours(x.minutes),
                    )
                })
                .collect(),
            mine: mine.iter().map(HouseholdLine::from).collect(),
            member_id: a.member_id,
            report_hours: report
                .as_ref()
                .map_or_else(String::new, |r| hours(r.report.minutes)),
            report,
            communities,
            kinds: choices(DeedKind::ALL, DeedKind::as_str, DeedKind::label, ""),
            today: dangjian_domain::date::format(dangjian_service::today()),
            org,
            c,
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OverviewQuery>,
) -> PageResult<Response> {
    overview(&st, &auth, &q, FormErrors::default()).await
}

/// The overview again with a form's errors (the member's forms post from it).
pub(super) async fn overview_with(
    st: &AppState,
    auth: &Auth,
    errors: Vec<dangjian_domain::FieldError>,
) -> PageResult<Response> {
    overview(st, auth, &OverviewQuery::default(), FormErrors(errors)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GridsQuery {
    org: String,
    page: String,
}

#[derive(Template)]
#[template(path = "grids.html")]
struct GridsPage {
    l: Layout,
    org: Org,
    items: Vec<(Grid, String)>,
    total: i64,
    pager: Pager,
    can_edit: bool,
    groups: Vec<Org>,
    name: String,
    errors: FormErrors,
}

async fn grids_page(
    st: &AppState,
    auth: &Auth,
    q: &GridsQuery,
    name: &str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let org_id = parse_id(&q.org);
    let page = parse_id(&q.page);
    let (org, items, total) = st.app.grids(a, org_id, page).await?;
    let can_edit = masses_policy::can_edit(a, &org.path);
    let groups = if can_edit {
        st.app.grid_groups(a, org.id).await?
    } else {
        Vec::new()
    };
    let base = [("org", org.id.to_string())];
    let status = errors.status();
    Ok(render_with(
        status,
        &GridsPage {
            l: Layout::new(a, &auth.csrf, "网格", "masses"),
            items: items
                .into_iter()
                .map(|g| {
                    let p = permille_text(dangjian_domain::masses::coverage_permille(
                        g.paired,
                        g.households,
                    ));
                    (g, p)
                })
                .collect(),
            pager: Pager::new(&base, page.unwrap_or(1), PAGE, total),
            total,
            can_edit,
            groups,
            name: name.to_string(),
            org,
            errors,
        },
    ))
}

pub async fn grids(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<GridsQuery>,
) -> PageResult<Response> {
    grids_page(&st, &auth, &q, "", FormErrors::default()).await
}

pub async fn grids_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<GridsQuery>,
) -> PageResult<Response> {
    let (root, rows) = st.app.export_grids(&auth.actor, parse_id(&q.org)).await?;
    Ok(crate::export::grids(&root.name, &rows)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GridForm {
    name: String,
    group_id: String,
}

pub async fn create_grid(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<GridsQuery>,
    PageForm(f): PageForm<GridForm>,
) -> PageResult<Response> {
    let org = parse_id(&q.org).unwrap_or(auth.actor.scope_org_id);
    let input = GridInput {
        name: f.name.clone(),
        group_id: parse_id(&f.group_id),
    };
    match st
        .app
        .create_grid(&auth.actor, org, &input)
        .await
        .or_form()?
    {
        Ok(g) => Ok(Redirect::to(&format!("/households?grid={}", g.id)).into_response()),
        Err(errs) => grids_page(&st, &auth, &q, &f.name, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct HouseholdsQuery {
    org: String,
    grid: String,
    unpaired: String,
    need: String,
    q: String,
    page: String,
}

#[derive(Template)]
#[template(path = "households.html")]
struct HouseholdsPage {
    l: Layout,
    export_query: String,
    org: Org,
    grid: Option<Grid>,
    q: HouseholdsQuery,
    needs: Vec<Choice>,
    form_needs: Vec<Choice>,
    bases: Vec<Choice>,
    items: Vec<HouseholdLine>,
    total: i64,
    pager: Pager,
    can_add: bool,
    form: HouseholdInput,
    errors: FormErrors,
}

/// The service's query for a list page's (or its export's) parameters.
fn household_query(q: &HouseholdsQuery, grid_org: Option<i64>) -> HouseholdQuery {
    HouseholdQuery {
        org: grid_org.or(parse_id(&q.org)),
        grid: parse_id(&q.grid),
        unpaired: q.unpaired == "1",
        need: opt(&q.need),
        q: opt(&q.q),
        page: parse_id(&q.page),
    }
}

pub async fn households_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<HouseholdsQuery>,
) -> PageResult<Response> {
    let (root, rows) = st
        .app
        .export_households(&auth.actor, &household_query(&q, None))
        .await?;
    Ok(crate::export::households(&root.name, &rows)?)
}

async fn households_page(
    st: &AppState,
    auth: &Auth,
    q: &HouseholdsQuery,
    form: HouseholdInput,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let grid = match parse_id(&q.grid) {
        Some(id) => Some(st.app.grid(a, id).await?),
        None => None,
    };
    let query = household_query(q, grid.as_ref().map(|g| g.org_id));
    let result = st.app.households(a, &query).await?;
    let can_add = grid
        .as_ref()
        .is_some_and(|g| masses_policy::can_edit(a, &g.org_path));
    let base = [
        ("org", result.org.id.to_string()),
        ("grid", q.grid.clone()),
        ("unpaired", q.unpaired.clone()),
        ("need", q.need.clone()),
        ("q", q.q.clone()),
    ];
    let picked: Vec<&str> = form.needs.iter().map(String::as_str).collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &HouseholdsPage {
            l: Layout::new(a, &auth.csrf, "住户", "masses"),
            export_query: query_string(&base),
            needs: choices(Need::ALL, Need::as_str, Need::label, &q.need),
            form_needs: Need::ALL
                .iter()
                .map(|n| Choice {
                    value: n.as_str().into(),
                    label: n.label().into(),
                    selected: picked.contains(&n.as_str()),
                })
                .collect(),
            bases: choices(
                LegalBasis::ALL,
                LegalBasis::as_str,
                LegalBasis::label,
                if form.legal_basis.is_empty() {
                    "duty"
                } else {
                    &form.legal_basis
                },
            ),
            items: result.items.iter().map(HouseholdLine::from).collect(),
            pager: Pager::new(&base, result.page, PAGE, result.total),
            total: result.total,
            org: result.org,
            grid,
            q: q.clone(),
            can_add,
            form,
            errors,
        },
    ))
}

pub async fn households(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<HouseholdsQuery>,
) -> PageResult<Response> {
    households_page(
        &st,
        &auth,
        &q,
        HouseholdInput::default(),
        FormErrors::default(),
    )
    .await
}

/// The new-household form: `needs` comes once per ticked box.
pub async fn add_household(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<HouseholdsQuery>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut input = HouseholdInput::default();
    for (k, v) in fields {
        match k.as_str() {
            "address" => input.address = v,
            "head_name" => input.head_name = v,
            "phone" => input.phone = v,
            "size" => input.size = v,
            "needs" => input.needs.push(v),
            "legal_basis" => input.legal_basis = v,
            _ => {}
        }
    }
    let grid = parse_id(&q.grid).ok_or(ServiceError::NotFound)?;
    match st
        .app
        .add_household(&auth.actor, grid, &input)
        .await
        .or_form()?
    {
        Ok(id) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(errs) => households_page(&st, &auth, &q, input, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    l: Layout,
    h: HouseholdView,
    needs: String,
    basis: &'static str,
    phone: Option<String>,
    deeds: Vec<DeedLine>,
    kinds: Vec<Choice>,
    today: String,
    /// The actor is the member who serves this household.
    serves: bool,
    errors: FormErrors,
}

async fn household_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    phone: Option<String>,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let h = st.app.household(a, id).await?;
    let status = errors.status();
    Ok(render_with(
        status,
        &HouseholdPage {
            l: Layout::new(a, &auth.csrf, "住户", "masses"),
            needs: needs_label(&h.row.needs),
            basis: LegalBasis::parse(&h.row.legal_basis).map_or("", LegalBasis::label),
            deeds: h.deeds.iter().map(DeedLine::from).collect(),
            kinds: choices(DeedKind::ALL, DeedKind::as_str, DeedKind::label, ""),
            today: dangjian_domain::date::format(dangjian_service::today()),
            serves: a.member_id.is_some() && a.member_id == h.row.member_id,
            phone,
            h,
            errors,
        },
    ))
}

/// Members to choose from, as radio buttons (the pairing and request forms' search).
#[derive(Template)]
#[template(path = "member_choices.html")]
pub struct MemberChoices {
    pub items: Vec<dangjian_service::members::Member>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
}

/// Members of the household's village by the start of their name, to pair it with.
pub async fn candidates(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<SearchQuery>,
) -> PageResult<Response> {
    let h = st.app.household(&auth.actor, id).await?;
    let query = MemberQuery {
        org: dangjian_domain::path::ids(&h.row.org_path).last().copied(),
        q: Some(q.q.trim().to_string()).filter(|q| !q.is_empty()),
        per_page: Some(20),
        ..Default::default()
    };
    let items = st.app.members(&auth.actor, &query).await?.items;
    Ok(super::render(&MemberChoices { items }))
}

pub async fn household(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    household_page(&st, &auth, id, None, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PairForm {
    member_id: String,
    on: String,
}

pub async fn pair(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<PairForm>,
) -> PageResult<Response> {
    let Some(member) = parse_id(&f.member_id) else {
        let e = ServiceError::field("member_id", "required", "请选择联系党员");
        let ServiceError::Invalid(errs) = e else {
            return Err(e.into());
        };
        return household_page(&st, &auth, id, None, FormErrors(errs)).await;
    };
    match st
        .app
        .pair(&auth.actor, id, member, opt(&f.on).as_deref())
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(errs) => household_page(&st, &auth, id, None, FormErrors(errs)).await,
    }
}

pub async fn unpair(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<PairForm>,
) -> PageResult<Response> {
    match st
        .app
        .unpair(&auth.actor, id, opt(&f.on).as_deref())
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(errs) => household_page(&st, &auth, id, None, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnmaskForm {
    reason: String,
}

pub async fn unmask(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<UnmaskForm>,
) -> PageResult<Response> {
    match st
        .app
        .household_phone(&auth.actor, id, &f.reason)
        .await
        .or_form()?
    {
        Ok(p) => household_page(&st, &auth, id, Some(p), FormErrors::default()).await,
        Err(errs) => household_page(&st, &auth, id, None, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeedForm {
    member_id: String,
    household_id: String,
    done_on: String,
    kind: String,
    hours: String,
    description: String,
    /// Where to go back to: the household's page, or the deeds list.
    back: String,
}

/// Records a deed from the household's page, the overview (a member's own) or the list.
pub async fn record_deed(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<DeedForm>,
) -> PageResult<Response> {
    let member = parse_id(&f.member_id)
        .or(auth.actor.member_id)
        .ok_or(ServiceError::NotFound)?;
    let household = parse_id(&f.household_id);
    let input = NewDeedInput {
        deed: DeedInput {
            done_on: f.done_on.clone(),
            kind: f.kind.clone(),
            description: f.description.clone(),
            hours: f.hours.clone(),
        },
        household_id: household,
        task_force_id: None,
    };
    match st
        .app
        .record_deed(&auth.actor, member, &input)
        .await
        .or_form()?
    {
        Ok(_) => {
            let to = match (f.back.as_str(), household) {
                ("household", Some(h)) => format!("/households/{h}"),
                _ => format!("/deeds?member={member}"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => match household {
            Some(h) if f.back == "household" => {
                household_page(&st, &auth, h, None, FormErrors(errs)).await
            }
            _ => overview_with(&st, &auth, errs).await,
        },
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DeedsQuery {
    org: String,
    member: String,
    from: String,
    to: String,
    kind: String,
    unconfirmed: String,
    page: String,
}

#[derive(Template)]
#[template(path = "deeds.html")]
struct DeedsPage {
    l: Layout,
    export_query: String,
    org: Org,
    q: DeedsQuery,
    kinds: Vec<Choice>,
    items: Vec<DeedLine>,
    total: i64,
    hours: String,
    pager: Pager,
}

fn deed_query(q: &DeedsQuery) -> DeedQuery {
    DeedQuery {
        org: parse_id(&q.org),
        member: parse_id(&q.member),
        household: None,
        from: opt(&q.from),
        to: opt(&q.to),
        kind: opt(&q.kind),
        unconfirmed: q.unconfirmed == "1",
        page: parse_id(&q.page),
    }
}

pub async fn deeds_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DeedsQuery>,
) -> PageResult<Response> {
    let (root, rows) = st.app.export_deeds(&auth.actor, &deed_query(&q)).await?;
    Ok(crate::export::deeds(&root.name, &rows)?)
}

pub async fn deeds(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DeedsQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let query = deed_query(&q);
    let result = st.app.deeds(a, &query).await?;
    let base = [
        ("org", result.org.id.to_string()),
        ("member", q.member.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("kind", q.kind.clone()),
        ("unconfirmed", q.unconfirmed.clone()),
    ];
    Ok(render_with(
        axum::http::StatusCode::OK,
        &DeedsPage {
            l: Layout::new(a, &auth.csrf, "好事实事", "masses"),
            export_query: query_string(&base),
            kinds: choices(DeedKind::ALL, DeedKind::as_str, DeedKind::label, &q.kind),
            items: result
                .items
                .iter()
                .map(|d| DeedLine {
                    photo: result.with_photo.contains(&d.row.id),
                    actions: d.actions,
                    ..DeedLine::from(&d.row)
                })
                .collect(),
            hours: hours(result.minutes),
            pager: Pager::new(&base, result.page, PAGE, result.total),
            total: result.total,
            org: result.org,
            q: q.clone(),
        },
    ))
}

pub async fn confirm_deed(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.confirm_deed(&auth.actor, id).await?;
    Ok(Redirect::to("/deeds?unconfirmed=1").into_response())
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage {
    l: Layout,
    c: CardView,
    url: String,
    qr_svg: String,
    errors: FormErrors,
}

fn card_page(
    st: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    c: CardView,
    errors: FormErrors,
) -> PageResult<Response> {
    let (url, qr_svg) = match &c.code {
        Some(code) => {
            let url = crate::qr::absolute_url(
                st.app.config.public_url.as_deref(),
                headers,
                &format!("/c/{code}"),
            );
            let svg = crate::qr::svg(&url)?;
            (url, svg)
        }
        None => (String::new(), String::new()),
    };
    let status = errors.status();
    Ok(render_with(
        status,
        &CardPage {
            l: Layout::new(&auth.actor, &auth.csrf, "亮身份", "members"),
            c,
            url,
            qr_svg,
            errors,
        },
    ))
}

pub async fn card(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let c = st.app.member_card(&auth.actor, id).await?;
    card_page(&st, &auth, &headers, c, FormErrors::default())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CardForm {
    duties: String,
    commitment: String,
    published: String,
}

pub async fn save_card(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CardForm>,
) -> PageResult<Response> {
    let input = CardInput {
        duties: f.duties.clone(),
        commitment: f.commitment.clone(),
        published: f.published == "1",
    };
    match st
        .app
        .set_member_card(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/members/{id}/card")).into_response()),
        Err(errs) => {
            let mut c = st.app.member_card(&auth.actor, id).await?;
            c.duties = f.duties;
            c.commitment = f.commitment;
            c.published = input.published;
            card_page(&st, &auth, &headers, c, FormErrors(errs))
        }
    }
}

#[derive(Template)]
#[template(path = "card_public.html")]
struct PublicCardPage {
    c: PublicCard,
    code: String,
}

/// The card a QR code or short link opens, for anyone, without logging in.
pub async fn public_card(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    let c = st.app.public_card(&code).await?;
    Ok(super::render(&PublicCardPage { c, code }))
}
