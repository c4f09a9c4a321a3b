//! 两步验证 pages: the code after the password, the enrolment with its QR code and recovery
//! codes, turning it off where the role allows, and a manager's reset for a lost phone.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_service::accounts::second_factor::{Enrolment, SecondFactorStatus};
use dangjian_service::auth::Stage;
use serde::Deserialize;

use super::{ConfirmForm, confirmed};
use crate::AppState;
use crate::error::{PageResult, Problem};
use crate::extract::{PageForm, PagePath};
use crate::pages::{FormErrors, FormOutcome, no_store, render_with};
use crate::session::{Auth, Staged, stage_page};
use crate::view::Layout;

#[derive(Template)]
#[template(path = "login_otp.html")]
struct OtpPage {
    csrf: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    otp: String,
}

pub async fn otp_form(staged: Staged) -> Response {
    match staged.at(&[Stage::SecondFactor]) {
        Ok(auth) => render_with(
            axum::http::StatusCode::OK,
            &OtpPage {
                csrf: auth.csrf,
                error: None,
            },
        ),
        Err(to) => to.into_response(),
    }
}

pub async fn otp_submit(
    State(st): State<AppState>,
    staged: Staged,
    PageForm(f): PageForm<CodeForm>,
) -> PageResult<Response> {
    let auth = match staged.at(&[Stage::SecondFactor]) {
        Ok(a) => a,
        Err(to) => return Ok(to.into_response()),
    };
    match st
        .app
        .pass_second_factor(&auth.actor, &f.otp)
        .await
        .or_form()?
    {
        Ok(next) => Ok(Redirect::to(stage_page(next)).into_response()),
        Err(errs) => {
            let p = Problem::from(&dangjian_service::ServiceError::Invalid(errs));
            Ok(render_with(
                p.status,
                &OtpPage {
                    csrf: auth.csrf,
                    error: Some(p.message),
                },
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct FactorPage {
    l: Layout,
    status: SecondFactorStatus,
    /// While not enabled: what to scan.
    enrolment: Option<Enrolment>,
    qr: String,
    errors: FormErrors,
}

async fn factor_page(
    st: &AppState,
    auth: &Auth,
    errors: Vec<dangjian_domain::FieldError>,
) -> PageResult<Response> {
    let status = st.app.second_factor_status(&auth.actor).await?;
    let enrolment = if status.enabled {
        None
    } else {
        Some(st.app.begin_enrolment(&auth.actor).await?)
    };
    let qr = match &enrolment {
        Some(e) => crate::qr::svg(&e.uri)?,
        None => String::new(),
    };
    let page = FactorPage {
        l: Layout::new(&auth.actor, &auth.csrf, "两步验证", "account"),
        status,
        enrolment,
        qr,
        errors: FormErrors(errors),
    };
    // The secret is on the page: not kept by caches.
    Ok(no_store(render_with(page.errors.status(), &page)))
}

pub async fn page(State(st): State<AppState>, staged: Staged) -> PageResult<Response> {
    match staged.at(&[Stage::Ok, Stage::Enrol]) {
        Ok(auth) => factor_page(&st, &auth, Vec::new()).await,
        Err(to) => Ok(to.into_response()),
    }
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct CodesPage {
    l: Layout,
    codes: Vec<String>,
}

pub async fn enrol(
    State(st): State<AppState>,
    staged: Staged,
    PageForm(f): PageForm<CodeForm>,
) -> PageResult<Response> {
    let auth = match staged.at(&[Stage::Ok, Stage::Enrol]) {
        Ok(a) => a,
        Err(to) => return Ok(to.into_response()),
    };
    match st
        .app
        .confirm_enrolment(&auth.actor, &f.otp)
        .await
        .or_form()?
    {
        Ok(codes) => Ok(no_store(render_with(
            axum::http::StatusCode::OK,
            &CodesPage {
                l: Layout::new(&auth.actor, &auth.csrf, "两步验证已启用", "account"),
                codes,
            },
        ))),
        Err(errs) => factor_page(&st, &auth, errs).await,
    }
}

pub async fn disable(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<CodeForm>,
) -> PageResult<Response> {
    match st
        .app
        .disable_second_factor(&auth.actor, &f.otp)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to("/account/2fa").into_response()),
        Err(errs) => factor_page(&st, &auth, errs).await,
    }
}

/// A manager clears an account's second factor (a lost phone).
pub async fn reset(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    confirmed(&f)?;
    st.app.reset_second_factor(&auth.actor, id).await?;
    Ok(Redirect::to(&format!("/accounts/{id}")).into_response())
}
