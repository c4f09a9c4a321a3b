//! Member registry pages: the list with filters, one member, the form, the reveal of
//! identifiers and the roster export.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::bands::{
    AGE_BANDS, Band, Category, ETHNICITIES, Education, JOIN_PERIODS, MINORITY, PARTY_AGE_BANDS,
    Status,
};
use dangjian_domain::id_number::Gender;
use dangjian_domain::member::MemberInput;
use dangjian_service::ServiceError;
use dangjian_service::members::Member;
use dangjian_service::members::{self, MemberQuery, Placement, form_of};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::{PageResult, Problem};
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, MemberView, OrgView, Pager, choices, escape};

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    l: Layout,
    org: OrgView,
    q: String,
    statuses: Vec<Choice>,
    genders: Vec<Choice>,
    ages: Vec<Choice>,
    party_ages: Vec<Choice>,
    educations: Vec<Choice>,
    categories: Vec<Choice>,
    ethnicities: Vec<Choice>,
    joined: Vec<Choice>,
    sorts: Vec<Choice>,
    desc: bool,
    total: i64,
    items: Vec<MemberView>,
    pager: Pager,
    can_edit: bool,
    export_query: String,
    export_fields: Vec<(String, String)>,
}

/// The list's query as the browser sends it: every field text, empty meaning "any".
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    q: String,
    status: String,
    gender: String,
    age_band: String,
    party_age_band: String,
    education: String,
    category: String,
    ethnicity: String,
    joined: String,
    sort: String,
    desc: String,
    page: String,
}

/// The search a list page shows (and its export repeats).
fn member_query(org: i64, q: &ListQuery) -> MemberQuery {
    MemberQuery {
        org: Some(org),
        q: opt(&q.q),
        status: opt(&q.status),
        gender: opt(&q.gender),
        age_band: opt(&q.age_band),
        party_age_band: opt(&q.party_age_band),
        education: opt(&q.education),
        category: opt(&q.category),
        ethnicity: opt(&q.ethnicity),
        joined: opt(&q.joined),
        sort: opt(&q.sort),
        desc: Some(q.desc == "true"),
        page: parse_id(&q.page),
        per_page: Some(20),
    }
}

/// The list as filtered on screen, as an xlsx roster; ID numbers masked unless a reason is
/// given (a POST from the page's form, so that the reason stays out of addresses and logs).
async fn export(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    reason: Option<&str>,
) -> PageResult<Response> {
    let org = match parse_id(&q.org) {
        Some(id) => id,
        None => st.app.home_org(&auth.actor).await?.id,
    };
    let (root, rows) = st
        .app
        .export_members(&auth.actor, &member_query(org, q), reason)
        .await?;
    Ok(crate::export::roster(&st.app, &root.name, rows).await?)
}

pub async fn export_masked(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    export(&st, &auth, &q, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnmaskedExport {
    #[serde(flatten)]
    q: ListQuery,
    reason: String,
}

pub async fn export_unmasked(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<UnmaskedExport>,
) -> PageResult<Response> {
    export(&st, &auth, &f.q, Some(&f.reason)).await
}

/// A select's options from bands (ages, party ages, periods of joining).
fn band_choices(bands: &[Band], selected: &str) -> Vec<Choice> {
    bands
        .iter()
        .map(|b| Choice {
            value: b.code.into(),
            label: b.label.into(),
            selected: b.code == selected,
        })
        .collect()
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let org = match parse_id(&q.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    if !members::policy::can_list_particulars(a, &org.path) {
        let page = ColleaguesPage {
            l: Layout::new(a, &auth.csrf, "本支部同志", "members"),
            items: st.app.colleagues(a).await?,
        };
        return Ok(render(&page));
    }
    let desc = q.desc == "true";
    let query = member_query(org.id, &q);
    let result = st.app.members(a, &query).await?;
    let base = [
        ("org", org.id.to_string()),
        ("q", q.q.clone()),
        ("status", q.status.clone()),
        ("gender", q.gender.clone()),
        ("age_band", q.age_band.clone()),
        ("party_age_band", q.party_age_band.clone()),
        ("education", q.education.clone()),
        ("category", q.category.clone()),
        ("ethnicity", q.ethnicity.clone()),
        ("joined", q.joined.clone()),
        ("sort", q.sort.clone()),
        ("desc", q.desc.clone()),
    ];
    let sorts = [
        ("name", "按姓名"),
        ("birth_date", "按出生日期"),
        ("join_date", "按入党日期"),
    ];
    let export_query = {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in base.iter().filter(|(_, v)| !v.is_empty()) {
            ser.append_pair(k, v);
        }
        ser.finish()
    };
    let page = ListPage {
        export_fields: base
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
        export_query,
        l: Layout::new(a, &auth.csrf, "党员", "members").about(st.app.org_title(a, &org).await?),
        can_edit: members::policy::can_edit(a, &org.path),
        org: OrgView::from(&org),
        statuses: choices(Status::ALL, Status::as_str, Status::label, &q.status),
        genders: choices(&Gender::ALL, Gender::as_str, Gender::label, &q.gender),
        ages: band_choices(&AGE_BANDS, &q.age_band),
        party_ages: band_choices(&PARTY_AGE_BANDS, &q.party_age_band),
        educations: choices(
            Education::ALL,
            Education::as_str,
            Education::label,
            &q.education,
        ),
        categories: choices(
            Category::ALL,
            Category::as_str,
            Category::label,
            &q.category,
        ),
        ethnicities: std::iter::once((MINORITY, "少数民族"))
            .chain(ETHNICITIES.iter().map(|e| (*e, *e)))
            .map(|(value, label)| Choice {
                value: value.into(),
                label: label.into(),
                selected: value == q.ethnicity,
            })
            .collect(),
        joined: band_choices(&JOIN_PERIODS, &q.joined),
        sorts: sorts
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).into(),
                label: (*l).into(),
                selected: *v == q.sort,
            })
            .collect(),
        desc,
        total: result.total,
        pager: Pager::new(&base, result.page, result.per_page, result.total),
        items: result
            .items
            .iter()
            .map(|m| {
                let mut v = MemberView::from(m);
                if let Some(p) = result.places.iter().find(|p| p.org_id == m.org_id) {
                    v.org_name = p.place.clone();
                }
                v
            })
            .collect(),
        q: q.q,
    };
    Ok(render(&page))
}

/// What a plain member sees of their branch: names, groups and published cards.
#[derive(Template)]
#[template(path = "colleagues.html")]
struct ColleaguesPage {
    l: Layout,
    items: Vec<dangjian_service::members::Colleague>,
}

#[derive(Template)]
#[template(path = "member.html")]
struct DetailPage {
    l: Layout,
    m: MemberView,
    reviews: Vec<ReviewView>,
    can_edit: bool,
    study_meetings: i64,
    study_hours: String,
    dues_standard: String,
    dues_paid_up_to: String,
    history: Vec<dangjian_service::transfer::Membership>,
    teams: Vec<dangjian_service::task_forces::teams::MemberTaskForce>,
}

pub struct ReviewView {
    year: i64,
    grade: &'static str,
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let m = st.app.member(&auth.actor, id).await?;
    let reviews = st
        .app
        .member_reviews(&auth.actor, id)
        .await?
        .into_iter()
        .map(|(year, grade)| ReviewView { year, grade })
        .collect();
    let (study_meetings, study_minutes) = st.app.member_study(&auth.actor, id).await?;
    let dues = st.app.member_dues(&auth.actor, id).await?;
    let history = st.app.member_history(&auth.actor, id).await?.memberships;
    let teams = st.app.member_task_forces(&auth.actor, id).await?;
    Ok(render(&DetailPage {
        history,
        teams,
        dues_standard: dues
            .monthly_standard_fen
            .map(dangjian_domain::dues::fen_to_yuan)
            .unwrap_or_default(),
        dues_paid_up_to: dues.paid_up_to.unwrap_or_default(),
        study_meetings,
        study_hours: crate::view::hours(study_minutes),
        l: Layout::new(&auth.actor, &auth.csrf, m.name.clone(), "members"),
        can_edit: members::policy::can_edit(&auth.actor, &m.org_path),
        m: MemberView::from(&m),
        reviews,
    }))
}

#[derive(Template)]
#[template(path = "member_form.html")]
struct FormPage {
    l: Layout,
    member_id: Option<i64>,
    action: String,
    cancel: String,
    input: MemberInput,
    genders: Vec<Choice>,
    ethnicities: Vec<Choice>,
    educations: Vec<Choice>,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    orgs: Vec<Choice>,
    orgs_truncated: bool,
    groups: Vec<Choice>,
    /// On an edit the stored identifiers stay hidden: the fields start empty with the masked
    /// value as a hint, and an empty field keeps what is stored.
    id_hint: String,
    phone_hint: String,
    errors: FormErrors,
}

const ORG_CHOICES: i64 = 500;

/// Which member a form edits (none: a new one), under which org it offers branches, and the
/// branch currently chosen.
struct FormTarget {
    member_id: Option<i64>,
    context_org: Option<i64>,
    org_id: Option<i64>,
    group_id: Option<i64>,
    hints: (String, String),
}

async fn form_page(
    st: &AppState,
    auth: &Auth,
    target: FormTarget,
    input: MemberInput,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let FormTarget {
        member_id,
        context_org,
        org_id,
        group_id,
        hints: (id_hint, phone_hint),
    } = target;
    let (a, csrf) = (&auth.actor, auth.csrf.as_str());
    let under = match context_org {
        Some(id) => id,
        None => st.app.home_org(a).await?.id,
    };
    let branches = st.app.member_orgs(a, under, ORG_CHOICES + 1).await?;
    let truncated = branches.len() as i64 > ORG_CHOICES;
    let orgs = branches
        .iter()
        .take(ORG_CHOICES as usize)
        .map(|o| Choice {
            value: o.id.to_string(),
            label: format!("{}（{}）", o.name, o.code),
            selected: Some(o.id) == org_id,
        })
        .collect();
    let groups = match org_id {
        // A branch the form was sent back with may be invalid: then it offers no groups.
        Some(id) => group_choices(st, a, id, group_id).await,
        None => Vec::new(),
    };
    let eth: Vec<&'static str> = ETHNICITIES.to_vec();
    let current_eth = if input.ethnicity.is_empty() {
        "汉族".to_string()
    } else {
        input.ethnicity.clone()
    };
    let (action, cancel) = match member_id {
        Some(id) => (format!("/members/{id}/edit"), format!("/members/{id}")),
        None => ("/members/new".to_string(), "/members".to_string()),
    };
    let errors = FormErrors(errors);
    let status = errors.status();
    Ok(render_with(
        status,
        &FormPage {
            l: Layout::new(
                a,
                csrf,
                if member_id.is_some() {
                    "编辑党员"
                } else {
                    "新增党员"
                },
                "members",
            ),
            member_id,
            action,
            cancel,
            genders: choices(&Gender::ALL, Gender::as_str, Gender::label, &input.gender),
            ethnicities: eth
                .iter()
                .map(|e| Choice {
                    value: (*e).into(),
                    label: (*e).into(),
                    selected: *e == current_eth,
                })
                .collect(),
            educations: choices(
                Education::ALL,
                Education::as_str,
                Education::label,
                &input.education,
            ),
            categories: choices(
                Category::ALL,
                Category::as_str,
                Category::label,
                &input.category,
            ),
            statuses: choices(Status::ALL, Status::as_str, Status::label, &input.status),
            orgs,
            orgs_truncated: truncated,
            groups,
            id_hint,
            phone_hint,
            input,
            errors,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: String,
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult<Response> {
    let context = parse_id(&q.org);
    st.app.org_for_members(&auth.actor, context).await?;
    form_page(
        &st,
        &auth,
        FormTarget {
            member_id: None,
            context_org: context,
            org_id: context,
            group_id: None,
            hints: Default::default(),
        },
        MemberInput::default(),
        Vec::new(),
    )
    .await
}

/// The member form as posted: the member fields plus where the member belongs.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    #[serde(flatten)]
    input: MemberInput,
    org_id: String,
    group_id: String,
    flowing: Option<String>,
}

impl MemberForm {
    fn into_parts(self) -> (MemberInput, Option<i64>, Option<i64>) {
        let mut input = self.input;
        input.flowing = self.flowing.as_deref() == Some("true");
        (input, parse_id(&self.org_id), parse_id(&self.group_id))
    }
}

/// A missing org id is passed on as 0, which names no org: the service then answers with
/// its own checks in their order (scope before form).
fn placement(org_id: Option<i64>, group_id: Option<i64>) -> Placement {
    Placement {
        org_id: org_id.unwrap_or(0),
        group_id,
    }
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<MemberForm>,
) -> PageResult<Response> {
    let (input, org_id, group_id) = f.into_parts();
    let result = st
        .app
        .create_member(&auth.actor, placement(org_id, group_id), &input)
        .await;
    match result.or_form()? {
        Ok(m) => Ok(Redirect::to(&format!("/members/{}", m.id)).into_response()),
        Err(errs) => {
            form_page(
                &st,
                &auth,
                FormTarget {
                    member_id: None,
                    context_org: None,
                    org_id,
                    group_id,
                    hints: Default::default(),
                },
                input,
                errs,
            )
            .await
        }
    }
}

/// The groups of a branch as choices; none when the branch is not one the actor may see.
async fn group_choices(
    st: &AppState,
    a: &dangjian_service::Actor,
    branch: i64,
    selected: Option<i64>,
) -> Vec<Choice> {
    st.app
        .org_groups(a, branch)
        .await
        .unwrap_or_default()
        .iter()
        .map(|g| Choice {
            value: g.id.to_string(),
            label: g.name.clone(),
            selected: Some(g.id) == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "member_groups.html")]
struct GroupOptions {
    groups: Vec<Choice>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GroupsQuery {
    org_id: String,
}

/// The group options of the branch chosen on the member form (htmx swaps them in).
pub async fn groups(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<GroupsQuery>,
) -> PageResult<Response> {
    let id = parse_id(&q.org_id).ok_or(ServiceError::NotFound)?;
    let groups = st
        .app
        .org_groups(&auth.actor, id)
        .await?
        .iter()
        .map(|g| Choice {
            value: g.id.to_string(),
            label: g.name.clone(),
            selected: false,
        })
        .collect();
    Ok(render(&GroupOptions { groups }))
}

fn hints(m: &Member) -> (String, String) {
    (
        format!("{}（留空则不修改）", m.id_masked),
        m.phone_masked
            .as_ref()
            .map_or_else(String::new, |p| format!("{p}（留空则不修改）")),
    )
}

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let m = st.app.member_to_edit(&auth.actor, id).await?;
    let input = form_of(&m);
    let target = FormTarget {
        member_id: Some(id),
        context_org: None,
        org_id: Some(m.org_id),
        group_id: m.group_id,
        hints: hints(&m),
    };
    form_page(&st, &auth, target, input, Vec::new()).await
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberForm>,
) -> PageResult<Response> {
    let (typed, org_id, group_id) = f.into_parts();
    // Empty identifier fields keep the stored values, which the form never showed.
    let (m, stored) = st.app.member_input(&auth.actor, id).await?;
    let mut input = typed.clone();
    if input.id_number.trim().is_empty() {
        input.id_number = stored.id_number;
    }
    if input.phone.trim().is_empty() {
        input.phone = stored.phone;
    }
    match st
        .app
        .update_member(&auth.actor, id, placement(org_id, group_id), &input)
        .await
        .or_form()?
    {
        Ok(m) => Ok(Redirect::to(&format!("/members/{}", m.id)).into_response()),
        Err(errs) => {
            let target = FormTarget {
                member_id: Some(id),
                context_org: None,
                org_id,
                group_id,
                hints: hints(&m),
            };
            form_page(&st, &auth, target, typed, errs).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnmaskForm {
    reason: String,
}

/// An htmx fragment with the full identifiers, after an audited request with a reason.
pub async fn unmask(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<UnmaskForm>,
) -> Response {
    match st.app.unmask_member(&auth.actor, id, &f.reason).await {
        Ok((id_number, phone)) => {
            let phone = phone.unwrap_or_else(|| "—".into());
            Html(format!(
                "<dl class=\"facts\"><dt>身份证号</dt><dd class=\"mono\">{}</dd><dt>手机</dt><dd class=\"mono\">{}</dd></dl>",
                escape(&id_number),
                escape(&phone)
            ))
            .into_response()
        }
        Err(e) => {
            let p = Problem::from(&e);
            (
                p.status,
                Html(format!(
                    "<p class=\"field-error\" data-field=\"reason\">{}</p>",
                    escape(&p.message)
                )),
            )
                .into_response()
        }
    }
}
