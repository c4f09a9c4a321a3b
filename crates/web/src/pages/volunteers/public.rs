//! The residents' volunteer pages under /r, reachable without an account: an activity's
//! sign-up page by its code (name and phone only), and the record looked up with the record
//! code and the phone. Forms carry the double-submit token of the residents' pages.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use dangjian_domain::volunteers::activity::{ActivityState, hours_text};
use dangjian_service::ServiceError;
use dangjian_service::volunteers::activities::{Activity, PublicSignup, SignupInput};
use dangjian_service::volunteers::record::{RecordLookup, RecordQuery};
use serde::Deserialize;

use super::{RecordView, record_view};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath};
use crate::pages::FormErrors;
use crate::pages::request::public::{expired, public_page, token, token_ok};
use crate::session::Caller;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignupForm {
    _csrf: String,
    name: String,
    phone: String,
}

#[derive(Template)]
#[template(path = "volunteer_public.html")]
struct SignupPage {
    csrf: String,
    a: Activity,
    length: String,
    open: bool,
    form: SignupForm,
    done: Option<PublicSignup>,
    errors: FormErrors,
}

fn signup_page(
    headers: &HeaderMap,
    a: Activity,
    form: SignupForm,
    done: Option<PublicSignup>,
    errors: FormErrors,
) -> Response {
    let (csrf, new) = token(headers);
    let status = errors.status();
    let page = SignupPage {
        length: hours_text(a.minutes),
        open: a.state == ActivityState::Open.as_str() && a.places_left() != Some(0),
        csrf: csrf.clone(),
        a,
        form,
        done,
        errors,
    };
    public_page(status, &page, &csrf, new)
}

/// `/r/v/{code}`: the activity and its sign-up form.
pub async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    PagePath(code): PagePath<String>,
) -> PageResult<Response> {
    let a = st.app.public_volunteer_activity(&code).await?;
    Ok(signup_page(
        &headers,
        a,
        SignupForm::default(),
        None,
        FormErrors::default(),
    ))
}

pub async fn sign_up(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PagePath(code): PagePath<String>,
    PageForm(f): PageForm<SignupForm>,
) -> PageResult<Response> {
    let a = st.app.public_volunteer_activity(&code).await?;
    if !token_ok(&headers, &f._csrf) {
        return Ok(signup_page(&headers, a, f, None, expired()));
    }
    let input = SignupInput {
        member_id: None,
        name: f.name.clone(),
        phone: f.phone.clone(),
    };
    match st
        .app
        .public_volunteer_signup(&caller.ip, &code, &input)
        .await
    {
        Ok(done) => Ok(signup_page(
            &headers,
            a,
            SignupForm::default(),
            Some(done),
            FormErrors::default(),
        )),
        Err(ServiceError::Invalid(errs)) => Ok(signup_page(&headers, a, f, None, FormErrors(errs))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "volunteer_lookup.html")]
struct LookupPage {
    csrf: String,
    code: String,
    record: Option<RecordView>,
    errors: FormErrors,
}

fn lookup_page(
    headers: &HeaderMap,
    code: String,
    record: Option<RecordView>,
    errors: FormErrors,
) -> Response {
    let (csrf, new) = token(headers);
    let status = if errors.0.is_empty() {
        StatusCode::OK
    } else {
        errors.status()
    };
    let page = LookupPage {
        csrf: csrf.clone(),
        code,
        record,
        errors,
    };
    public_page(status, &page, &csrf, new)
}

/// `/r/volunteer`: the lookup form.
pub async fn lookup_form(headers: HeaderMap) -> PageResult<Response> {
    Ok(lookup_page(
        &headers,
        String::new(),
        None,
        FormErrors::default(),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LookupForm {
    _csrf: String,
    code: String,
    phone: String,
}

pub async fn lookup(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageForm(f): PageForm<LookupForm>,
) -> PageResult<Response> {
    if !token_ok(&headers, &f._csrf) {
        return Ok(lookup_page(&headers, f.code, None, expired()));
    }
    let lookup = RecordLookup {
        code: f.code.clone(),
        phone: f.phone.clone(),
    };
    match st
        .app
        .public_volunteer_record(&caller.ip, &lookup, &RecordQuery::default())
        .await
    {
        Ok(r) => Ok(lookup_page(
            &headers,
            f.code,
            Some(record_view(r)),
            FormErrors::default(),
        )),
        Err(ServiceError::Invalid(errs)) => {
            Ok(lookup_page(&headers, f.code, None, FormErrors(errs)))
        }
        Err(e) => Err(e.into()),
    }
}
