//! The residents' pages under /r, reachable without an account: submit a request from a
//! phone, track it with its code and phone number, answer the reply, and read the published
//! list. Forms carry a double-submit token (cookie and field), since there is no session.

use askama::Template;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use dangjian_domain::request::{RequestState, SubmissionInput};
use dangjian_service::ServiceError;
use dangjian_service::masses::community_checkin::Community;
use dangjian_service::request::public::{Challenge, PublishedPage, TrackedRequest};
use rand::RngCore;
use serde::Deserialize;

use crate::AppState;
use crate::error::{PageError, PageResult, Problem};
use crate::extract::{PageForm, PageMultipart, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::{Caller, cookie_value};
use crate::view::format_instant;

const PUBLIC_COOKIE: &str = "dj_public";

/// The residents' form may carry a photo of up to 2 MiB.
pub const MAX_PUBLIC_MIB: usize = 3;

/// The token of this browser: the one in its cookie, or a new one to set.
pub(crate) fn token(headers: &HeaderMap) -> (String, bool) {
    match cookie_value(headers, PUBLIC_COOKIE) {
        Some(t) if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (t.to_string(), false)
        }
        _ => {
            let mut b = [0u8; 16];
            rand::rng().fill_bytes(&mut b);
            (b.iter().map(|x| format!("{x:02x}")).collect(), true)
        }
    }
}

pub(crate) fn token_ok(headers: &HeaderMap, given: &str) -> bool {
    !given.is_empty() && cookie_value(headers, PUBLIC_COOKIE) == Some(given)
}

/// A page for residents: never cached (it may show their own request), with the token's
/// cookie when it is new.
pub(crate) fn public_page<T: Template>(
    status: StatusCode,
    t: &T,
    token: &str,
    new_token: bool,
) -> Response {
    let mut res = render_with(status, t);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if new_token {
        let cookie = format!("{PUBLIC_COOKIE}={token}; Path=/r; HttpOnly; SameSite=Strict");
        if let Ok(v) = cookie.parse() {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

pub(crate) fn expired() -> FormErrors {
    FormErrors(vec![dangjian_domain::FieldError::new(
        "_csrf",
        "csrf",
        "页面已过期，请重新填写提交",
    )])
}

/// An option of a select of named things.
pub struct Pick {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

pub fn picks(items: impl IntoIterator<Item = (i64, String)>, current: Option<i64>) -> Vec<Pick> {
    items
        .into_iter()
        .map(|(id, name)| Pick {
            selected: Some(id) == current,
            id,
            name,
        })
        .collect()
}

fn options(items: Vec<(i64, String)>, current: &str) -> Vec<Pick> {
    picks(items, parse_id(current))
}

/// The villages and communities of one town in a picker.
pub struct PickGroup {
    pub label: String,
    pub picks: Vec<Pick>,
}

/// Villages and communities grouped by town, in the order given (the administrative one).
pub fn by_town(items: Vec<Community>, current: Option<i64>) -> Vec<PickGroup> {
    let mut groups: Vec<PickGroup> = Vec::new();
    for c in items {
        let pick = Pick {
            selected: Some(c.id) == current,
            id: c.id,
            name: c.name,
        };
        match groups.last_mut() {
            Some(g) if g.label == c.town => g.picks.push(pick),
            _ => groups.push(PickGroup {
                label: c.town,
                picks: vec![pick],
            }),
        }
    }
    groups
}

#[derive(Template)]
#[template(path = "request_new.html")]
struct NewPage {
    csrf: String,
    categories: Vec<Pick>,
    communities: Vec<PickGroup>,
    grids: Vec<Pick>,
    challenge: Challenge,
    form: SubmissionInput,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    community: String,
}

async fn new_page(
    st: &AppState,
    headers: &HeaderMap,
    form: SubmissionInput,
    errors: FormErrors,
) -> PageResult<Response> {
    let (csrf, fresh) = token(headers);
    let o = st.app.public_options().await?;
    let grids = match parse_id(&form.community_id) {
        Some(c) => options(st.app.public_grids(c).await?, &form.grid_id),
        None => Vec::new(),
    };
    let status = errors.status();
    Ok(public_page(
        status,
        &NewPage {
            categories: options(o.categories, &form.category_id),
            communities: by_town(o.communities, parse_id(&form.community_id)),
            grids,
            challenge: st.app.request_challenge(),
            csrf: csrf.clone(),
            form,
            errors,
        },
        &csrf,
        fresh,
    ))
}

pub async fn new_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult<Response> {
    let form = SubmissionInput {
        community_id: q.community,
        ..SubmissionInput::default()
    };
    new_page(&st, &headers, form, FormErrors::default()).await
}

#[derive(Template)]
#[template(path = "request_grids.html")]
struct GridOptions {
    grids: Vec<Pick>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GridsQuery {
    community_id: String,
}

/// The grids of the chosen community, as options for the form's grid select.
pub async fn grids(
    State(st): State<AppState>,
    PageQuery(q): PageQuery<GridsQuery>,
) -> PageResult<Response> {
    let grids = match parse_id(&q.community_id) {
        Some(c) => options(st.app.public_grids(c).await?, ""),
        None => Vec::new(),
    };
    Ok(render_with(StatusCode::OK, &GridOptions { grids }))
}

#[derive(Template)]
#[template(path = "request_submitted.html")]
struct SubmittedPage {
    code: String,
}

pub async fn submit(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageMultipart(m): PageMultipart<MAX_PUBLIC_MIB>,
) -> PageResult<Response> {
    let form = SubmissionInput {
        category_id: m.get("category_id"),
        community_id: m.get("community_id"),
        grid_id: m.get("grid_id"),
        address: m.get("address"),
        description: m.get("description"),
        phone: m.get("phone"),
    };
    if !token_ok(&headers, &m.get("_csrf")) {
        return new_page(&st, &headers, form, expired()).await;
    }
    let photo = m
        .file
        .as_ref()
        .map(|f| (f.name.as_str(), f.body.as_slice()));
    let challenge = m.get("challenge");
    let answer = m.get("answer");
    match st
        .app
        .submit_request(&form, (&challenge, &answer), photo, &caller.ip)
        .await
        .or_form()?
    {
        Ok(s) => {
            let (csrf, fresh) = token(&headers);
            Ok(public_page(
                StatusCode::CREATED,
                &SubmittedPage { code: s.code },
                &csrf,
                fresh,
            ))
        }
        Err(errs) => new_page(&st, &headers, form, FormErrors(errs)).await,
    }
}

pub struct EventLine {
    pub at: String,
    pub what: String,
    pub who: String,
    pub note: String,
}

pub fn event_lines(events: &[dangjian_service::request::RequestEvent]) -> Vec<EventLine> {
    events
        .iter()
        .map(|e| EventLine {
            at: format_instant(e.at),
            what: dangjian_domain::request::event_label(&e.action).to_string(),
            who: e.actor_label.clone(),
            note: e.note.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "request_track.html")]
struct TrackPage {
    csrf: String,
    code: String,
    phone: String,
    found: Option<TrackedRequest>,
    state: &'static str,
    submitted: String,
    events: Vec<EventLine>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackForm {
    code: String,
    phone: String,
    action: String,
    note: String,
    #[serde(rename = "_csrf")]
    csrf: String,
}

fn track_page(
    headers: &HeaderMap,
    f: &TrackForm,
    found: Option<TrackedRequest>,
    errors: FormErrors,
) -> Response {
    let (csrf, fresh) = token(headers);
    let status = errors.status();
    let (state, submitted, events) = match &found {
        Some(r) => (
            RequestState::parse(&r.state).map_or("", RequestState::label),
            format_instant(r.submitted_at),
            event_lines(&r.events),
        ),
        None => ("", String::new(), Vec::new()),
    };
    public_page(
        status,
        &TrackPage {
            csrf: csrf.clone(),
            code: f.code.clone(),
            phone: if found.is_some() {
                f.phone.clone()
            } else {
                String::new()
            },
            found,
            state,
            submitted,
            events,
            errors,
        },
        &csrf,
        fresh,
    )
}

pub async fn track_form(headers: HeaderMap, PageQuery(f): PageQuery<TrackForm>) -> Response {
    // A code may come in the link shown after submitting; the phone never does.
    let f = TrackForm {
        phone: String::new(),
        ..f
    };
    track_page(&headers, &f, None, FormErrors::default())
}

pub async fn track(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageForm(f): PageForm<TrackForm>,
) -> PageResult<Response> {
    if !token_ok(&headers, &f.csrf) {
        return Ok(track_page(&headers, &f, None, expired()));
    }
    match st
        .app
        .track_request(&f.code, &f.phone, &caller.ip)
        .await
        .or_form()?
    {
        Ok(r) => Ok(track_page(&headers, &f, Some(r), FormErrors::default())),
        Err(errs) => Ok(track_page(&headers, &f, None, FormErrors(errs))),
    }
}

/// The resident confirms the reply or says it is not fixed.
pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageForm(f): PageForm<TrackForm>,
) -> PageResult<Response> {
    if !token_ok(&headers, &f.csrf) {
        return Ok(track_page(&headers, &f, None, expired()));
    }
    match st
        .app
        .resident_answer(&f.code, &f.phone, &f.action, &f.note, &caller.ip)
        .await
        .or_form()?
    {
        Ok(r) => Ok(track_page(&headers, &f, Some(r), FormErrors::default())),
        Err(errs) => {
            // Show the request again beside the error, when code and phone still match.
            let found = st
                .app
                .track_request(&f.code, &f.phone, &caller.ip)
                .await
                .ok();
            Ok(track_page(&headers, &f, found, FormErrors(errs)))
        }
    }
}

pub struct PublishedLine {
    code_tail: String,
    category: String,
    place: String,
    state: &'static str,
    submitted: String,
    reply: String,
}

#[derive(Template)]
#[template(path = "requests_public.html")]
struct PublishedList {
    communities: Vec<PickGroup>,
    items: Vec<PublishedLine>,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    community: String,
    page: String,
}

pub async fn published(
    State(st): State<AppState>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let community = parse_id(&q.community);
    let page = parse_id(&q.page).unwrap_or(1).max(1);
    let PublishedPage { items, page, more } = match st.app.published_requests(community, page).await
    {
        Ok(p) => p,
        Err(ServiceError::NotFound) => {
            return Err(PageError(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "没有这个村（社区）",
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let link = |p: i64| format!("/r/list?community={}&page={p}", q.community.trim());
    let communities = st.app.communities().await?;
    let list = PublishedList {
        communities: by_town(communities, community),
        items: items
            .into_iter()
            .map(|r| PublishedLine {
                code_tail: r.code_tail,
                category: r.category_name,
                place: match r.grid_name {
                    Some(g) => format!("{} · {g}", r.community_name),
                    None => r.community_name,
                },
                state: RequestState::parse(&r.state).map_or("", RequestState::label),
                submitted: format_instant(r.submitted_at).chars().take(10).collect(),
                reply: r.reply.unwrap_or_else(|| "（答复内容不公开）".into()),
            })
            .collect(),
        page,
        prev: (page > 1).then(|| link(page - 1)),
        next: more.then(|| link(page + 1)),
    };
    let mut res = render_with(StatusCode::OK, &list);
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
