//! 组织关系转接 pages: the list both sides share, one transfer with the steps the user may
//! take, and the form that starts a transfer from a member's page.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::transfer::{TransferAction, TransferKind, TransferState};
use dangjian_service::ServiceError;
use dangjian_service::members::Member;
use dangjian_service::transfer::Transfer;
use dangjian_service::transfer::{StepInput, Target, TransferInput, allowed_actions};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices, format_instant};

pub struct TransferView {
    id: i64,
    member_id: i64,
    member_name: String,
    kind: &'static str,
    from: String,
    to: String,
    state: &'static str,
    state_code: String,
    letter_no: String,
    valid_until: String,
    dues_paid_to: String,
    reason: String,
    note: String,
    requested_at: String,
    decided_at: String,
    done_at: String,
}

impl From<&Transfer> for TransferView {
    fn from(t: &Transfer) -> Self {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let at = |v: Option<i64>| v.map(format_instant).unwrap_or_default();
        TransferView {
            id: t.id,
            member_id: t.member_id,
            member_name: t.member_name.clone(),
            kind: TransferKind::parse(&t.kind).map_or("", TransferKind::label),
            from: t
                .from_org_name
                .clone()
                .unwrap_or_else(|| t.outside_org.clone()),
            to: t
                .to_org_name
                .clone()
                .unwrap_or_else(|| t.outside_org.clone()),
            state: TransferState::parse(&t.state).map_or("", TransferState::label),
            state_code: t.state.clone(),
            letter_no: t.letter_no.clone(),
            valid_until: opt(&t.valid_until),
            dues_paid_to: opt(&t.dues_paid_to),
            reason: t.reason.clone(),
            note: t.note.clone(),
            requested_at: format_instant(t.requested_at),
            decided_at: at(t.decided_at),
            done_at: at(t.done_at),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    page: String,
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct ListPage {
    l: Layout,
    items: Vec<TransferView>,
    total: i64,
    states: Vec<Choice>,
    pager: Pager,
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let page = parse_id(&q.page).unwrap_or(1);
    let p = st.app.transfers(&auth.actor, Some(&q.state), page).await?;
    Ok(render(&ListPage {
        l: Layout::new(&auth.actor, &auth.csrf, "组织关系转接", "transfers"),
        items: p.items.iter().map(TransferView::from).collect(),
        total: p.total,
        states: choices(
            TransferState::ALL,
            TransferState::as_str,
            TransferState::label,
            &q.state,
        ),
        pager: Pager::new(&[("state", q.state.clone())], p.page, p.per_page, p.total),
    }))
}

pub struct ActionView {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct DetailPage {
    l: Layout,
    t: TransferView,
    actions: Vec<ActionView>,
    errors: FormErrors,
}

async fn detail(st: &AppState, auth: &Auth, id: i64, errors: FormErrors) -> PageResult<Response> {
    let t = st.app.transfer(&auth.actor, id).await?;
    let status = errors.status();
    Ok(render_with(
        status,
        &DetailPage {
            l: Layout::new(&auth.actor, &auth.csrf, "转接详情", "transfers"),
            actions: allowed_actions(&auth.actor, &t)
                .into_iter()
                .map(|a| ActionView {
                    code: a.as_str(),
                    label: a.label(),
                })
                .collect(),
            t: TransferView::from(&t),
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    detail(&st, &auth, id, FormErrors::default()).await
}

pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, action)): PagePath<(i64, String)>,
    PageForm(f): PageForm<StepInput>,
) -> PageResult<Response> {
    let Some(action) = TransferAction::parse(&action).filter(|a| *a != TransferAction::Expire)
    else {
        return Err(ServiceError::NotFound.into());
    };
    match st
        .app
        .transfer_step(&auth.actor, id, action, &f)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/transfers/{id}")).into_response()),
        Err(errs) => detail(&st, &auth, id, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "transfer_form.html")]
struct FormPage {
    l: Layout,
    m: Member,
    kinds: Vec<Choice>,
    form: TransferForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferForm {
    kind: String,
    to_org_id: String,
    outside_org: String,
    reason: String,
}

async fn form_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    form: TransferForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let m = st.app.member_to_edit(&auth.actor, id).await?;
    let kinds: Vec<TransferKind> = TransferKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != TransferKind::In)
        .collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &FormPage {
            l: Layout::new(&auth.actor, &auth.csrf, "转接组织关系", "transfers"),
            kinds: choices(
                &kinds,
                TransferKind::as_str,
                TransferKind::label,
                &form.kind,
            ),
            m,
            form,
            errors,
        },
    ))
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    form_page(
        &st,
        &auth,
        id,
        TransferForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TransferForm>,
) -> PageResult<Response> {
    let input = TransferInput {
        kind: f.kind.clone(),
        to_org_id: parse_id(&f.to_org_id),
        outside_org: f.outside_org.clone(),
        reason: f.reason.clone(),
    };
    match st
        .app
        .request_transfer(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(t) => Ok(Redirect::to(&format!("/transfers/{}", t.id)).into_response()),
        Err(errs) => form_page(&st, &auth, id, f, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "transfer_targets.html")]
struct TargetsFragment {
    targets: Vec<Target>,
    searched: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TargetQuery {
    target_q: String,
}

/// The htmx fragment of branches matching what was typed, as radio buttons.
pub async fn targets(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<TargetQuery>,
) -> PageResult<Response> {
    let targets = st.app.transfer_targets(&auth.actor, &q.target_q).await?;
    Ok(render(&TargetsFragment {
        targets,
        searched: q.target_q.trim().chars().count() >= 2,
    }))
}
