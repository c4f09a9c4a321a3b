//! 组织生活规则: how often each kind of meeting is required, as data the district changes.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::life::{MeetingKind, PeriodType};
use dangjian_domain::org::OrgKind;
use dangjian_service::ServiceError;
use dangjian_service::life::MeetingRule;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::PageForm;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, choices};

pub struct RuleView {
    org_kind: &'static str,
    meeting_kind: &'static str,
    period: &'static str,
    times: i64,
    fixed_day: String,
    effective_from: String,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    l: Layout,
    rules: Vec<RuleView>,
    can_edit: bool,
    org_kinds: Vec<Choice>,
    meeting_kinds: Vec<Choice>,
    periods: Vec<Choice>,
    form: RuleForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RuleForm {
    org_kind: String,
    meeting_kind: String,
    period: String,
    times: String,
    fixed_day: String,
    effective_from: String,
}

async fn rules_page(
    st: &AppState,
    auth: &Auth,
    form: RuleForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let rules = st.app.life_rules(&auth.actor).await?;
    let status = errors.status();
    let branch_kinds: Vec<OrgKind> = OrgKind::ALL
        .into_iter()
        .filter(|k| k.holds_members())
        .collect();
    Ok(render_with(
        status,
        &RulesPage {
            l: Layout::new(&auth.actor, &auth.csrf, "组织生活规则", "life"),
            rules: rules
                .iter()
                .map(|r| RuleView {
                    org_kind: OrgKind::parse(&r.org_kind).map_or("", OrgKind::label),
                    meeting_kind: MeetingKind::parse(&r.meeting_kind)
                        .map_or("", MeetingKind::label),
                    period: PeriodType::parse(&r.period).map_or("", PeriodType::label),
                    times: r.times,
                    fixed_day: r.fixed_day.map_or_else(String::new, |d| format!("{d} 日")),
                    effective_from: r.effective_from.clone(),
                })
                .collect(),
            can_edit: dangjian_service::life::policy::can_edit_rules(&auth.actor),
            org_kinds: choices(
                &branch_kinds,
                OrgKind::as_str,
                OrgKind::label,
                &form.org_kind,
            ),
            meeting_kinds: choices(
                MeetingKind::ALL,
                MeetingKind::as_str,
                MeetingKind::label,
                &form.meeting_kind,
            ),
            periods: choices(
                PeriodType::ALL,
                PeriodType::as_str,
                PeriodType::label,
                &form.period,
            ),
            form,
            errors,
        },
    ))
}

pub async fn page(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    rules_page(&st, &auth, RuleForm::default(), FormErrors::default()).await
}

pub async fn save(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<RuleForm>,
) -> PageResult<Response> {
    let times = match f.times.trim().parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            let e = ServiceError::field("times", "invalid_rule", "请填写每期次数（0–31 的整数）");
            let ServiceError::Invalid(errs) = e else {
                return Err(e.into());
            };
            return rules_page(&st, &auth, f, FormErrors(errs)).await;
        }
    };
    let row = MeetingRule {
        id: 0,
        org_kind: f.org_kind.clone(),
        meeting_kind: f.meeting_kind.clone(),
        period: f.period.clone(),
        times,
        fixed_day: parse_id(&f.fixed_day),
        effective_from: f.effective_from.trim().to_string(),
    };
    match st.app.set_life_rule(&auth.actor, &row).await.or_form()? {
        Ok(()) => Ok(Redirect::to("/life/rules").into_response()),
        Err(errs) => rules_page(&st, &auth, f, FormErrors(errs)).await,
    }
}
