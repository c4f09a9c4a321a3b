//! Who is calling: a session cookie (browser, CSRF-checked) or a bearer token (scripts).
//! The middleware resolves it once per request; handlers take `Auth`.

use std::net::SocketAddr;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dangjian_service::auth::{Authenticated, SessionKind, Stage};
use dangjian_service::{Actor, ServiceError};

use crate::error::{ApiError, PageError, Problem};
use crate::{AppState, MAX_BODY_BYTES};

pub const COOKIE: &str = "dj_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

/// What the middleware learnt about the caller.
#[derive(Clone)]
pub struct Caller {
    pub auth: Option<(Actor, String)>,
    /// Whether the request is for the JSON API (decided on the full path, before nesting).
    pub api: bool,
    pub token: Option<String>,
    /// The session came as an API token in the Authorization header, which no browser sends
    /// on its own (so a link on another site cannot act with it).
    pub by_bearer: bool,
    pub ip: String,
    pub tls: bool,
    /// What the session may do (everything, or only change its password first).
    pub stage: Stage,
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A cookie for the session; `Secure` when the request reached us over TLS.
pub fn session_cookie(token: &str, tls: bool) -> String {
    let secure = if tls { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn reject(api: bool, p: Problem) -> Response {
    if api {
        ApiError(p).into_response()
    } else {
        PageError(p).into_response()
    }
}

fn csrf_problem() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "页面已过期或来源不明，请刷新页面后重试",
    )
}

/// The client's address: the TCP peer's, or, when the peer is one of the proxies the
/// configuration names, the `X-Real-IP` it sets (the proxy overwrites whatever a client
/// wrote there). From anyone else the header is ignored, so it cannot be forged.
fn client_ip(req: &Request, trusted: &[std::net::IpAddr]) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        // A listener on [::] sees IPv4 peers as ::ffff:a.b.c.d.
        .map(|c| c.0.ip().to_canonical());
    let forwarded = req
        .headers()
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    match (peer, forwarded) {
        (Some(p), Some(f)) if trusted.contains(&p) => f.to_canonical().to_string(),
        (Some(p), Some(_)) if p.is_loopback() => {
            // Most likely the deployment's own proxy, not yet named: say so, once.
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                tracing::warn!(
                    "X-Real-IP from {p} ignored: name the proxy in DANGJIAN_TRUSTED_PROXIES, \
                     or every client counts as {p} (rate limits, login throttling, audit)"
                );
            });
            p.to_string()
        }
        (Some(p), _) => p.to_string(),
        (None, _) => "unknown".into(),
    }
}

pub async fn authenticate(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let ip = client_ip(&req, &st.app.config.trusted_proxies);
    // The configured public address decides; a proxy of ours may also say so.
    let tls = st.app.config.https()
        || (req
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|v| v == "https")
            && req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .is_some_and(|c| {
                    st.app
                        .config
                        .trusted_proxies
                        .contains(&c.0.ip().to_canonical())
                }));
    let bearer_token = bearer(req.headers()).map(str::to_string);
    let cookie_token = cookie_value(req.headers(), COOKIE).map(str::to_string);
    let token = bearer_token.clone().or(cookie_token);
    let auth = match &token {
        None => None,
        Some(t) => match st.app.authenticate(t, &ip).await {
            Ok(a) => Some(a),
            Err(ServiceError::Unauthenticated) => None,
            Err(e) => return reject(api, Problem::from(&e)),
        },
    };
    let by_bearer =
        bearer_token.is_some() && auth.as_ref().is_some_and(|a| a.kind == SessionKind::Api);
    let mut req = req;
    // The residents' pages check their own double-submit token, logged in or not; the public
    // JSON routes act on no session, so a session's token has nothing to protect there.
    let p = req.uri().path();
    let public = p == "/r" || p.starts_with("/r/") || p.starts_with("/api/v1/public/");
    if let Some(Authenticated { csrf, .. }) = &auth
        && is_unsafe(req.method())
        && !public
    {
        // Bearer tokens are not sent by browsers on their own, so they need no CSRF token;
        // a bearer-kind token presented as a cookie does not count as one.
        if !by_bearer {
            let (ok, rebuilt) = check_csrf(req, csrf).await;
            let Some(r) = rebuilt else {
                return reject(api, crate::routes::too_large(MAX_BODY_BYTES));
            };
            if !ok {
                return reject(api, csrf_problem());
            }
            req = r;
        }
    }
    let stage = auth.as_ref().map_or(Stage::Ok, |a| a.stage);
    let caller = Caller {
        auth: auth.map(|a| (a.actor, a.csrf)),
        stage,
        api,
        token,
        by_bearer,
        ip,
        tls,
    };
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Writes a refused request of a logged-in account (403, or 404 for what lies outside its
/// scope) to the audit log through the service, which counts repeats instead of writing each.
pub async fn audit_denied(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let actor = req
        .extensions()
        .get::<Caller>()
        .and_then(|c| c.auth.as_ref().map(|(a, _)| a.clone()));
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string());
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status();
    if let (Some(actor), Some(route)) = (actor, route)
        && matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        && let Err(e) = st
            .app
            .audit_denied(&actor, &method, &route, &path, status.as_u16())
            .await
    {
        tracing::warn!("auditing a refusal failed: {e}");
    }
    res
}

/// Accepts the token from the header (htmx, fetch) or from a urlencoded form field.
async fn check_csrf(req: Request, expected: &str) -> (bool, Option<Request>) {
    if req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) == Some(expected) {
        return (true, Some(req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, Some(req));
    }
    if crate::routes::declared_over(&req, MAX_BODY_BYTES) {
        return (false, None);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return (false, None);
    };
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == CSRF_FIELD && v == expected);
    (ok, Some(Request::from_parts(parts, Body::from(bytes))))
}

/// A logged-in caller. Missing login: 401 JSON for the API, a redirect for pages.
pub struct Auth {
    pub actor: Actor,
    pub csrf: String,
    /// See `Caller::by_bearer`.
    pub by_bearer: bool,
}

/// The page a session at `stage` is sent to before anything else.
pub fn stage_page(stage: Stage) -> &'static str {
    match stage {
        Stage::Ok => "/",
        Stage::SecondFactor => "/login/otp",
        Stage::ChangePassword => "/account/password",
        Stage::Enrol => "/account/2fa",
    }
}

/// Where a page request must go instead. A request from htmx (a fragment loaded into the
/// page) gets 401 with `HX-Redirect`, so that the whole page goes there rather than the
/// target page being swapped into a corner of this one.
fn send_to(parts: &Parts, to: &str) -> Response {
    if parts.headers.contains_key("hx-request") {
        let mut res = StatusCode::UNAUTHORIZED.into_response();
        if let Ok(v) = to.parse() {
            res.headers_mut().insert("hx-redirect", v);
        }
        return res;
    }
    axum::response::Redirect::to(to).into_response()
}

fn stage_refusal(parts: &Parts, stage: Stage, api: bool) -> Response {
    if !api {
        return send_to(parts, stage_page(stage));
    }
    let (code, message) = match stage {
        Stage::ChangePassword => ("password_change_required", "该账号须先在网页上修改密码"),
        Stage::Enrol => (
            "second_factor_enrolment_required",
            "该账号须先在网页上启用两步验证",
        ),
        Stage::SecondFactor | Stage::Ok => ("second_factor_required", "请先完成两步验证"),
    };
    ApiError(Problem::new(StatusCode::FORBIDDEN, code, message)).into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let staged = Staged::from_request_parts(parts, s).await?;
        let api = parts.extensions.get::<Caller>().is_some_and(|c| c.api);
        match staged.1 {
            Stage::Ok => Ok(staged.0),
            other => Err(stage_refusal(parts, other, api)),
        }
    }
}

/// A logged-in caller at any stage, for the pages a session must pass before the rest (the
/// second factor, a new password, an enrolment): each admits the stages it serves, see
/// `Staged::at`.
pub struct Staged(pub Auth, pub Stage);

impl Staged {
    /// The caller, when its session is at one of `stages`; else where it must go first.
    pub fn at(self, stages: &[Stage]) -> Result<Auth, axum::response::Redirect> {
        if stages.contains(&self.1) {
            Ok(self.0)
        } else {
            Err(axum::response::Redirect::to(stage_page(self.1)))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staged {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Caller>() {
            Some(Caller {
                auth: Some((actor, csrf)),
                by_bearer,
                stage,
                ..
            }) => Ok(Staged(
                Auth {
                    actor: actor.clone(),
                    csrf: csrf.clone(),
                    by_bearer: *by_bearer,
                },
                *stage,
            )),
            Some(Caller { api: true, .. }) => Err(ApiError(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "请先登录或提供有效的令牌",
            ))
            .into_response()),
            // Back to the page asked for after logging in (a scanned check-in code, say); not
            // to a fragment htmx asked for.
            _ => {
                let to = match parts.uri.path_and_query() {
                    Some(pq)
                        if parts.method == axum::http::Method::GET
                            && pq.path() != "/"
                            && !parts.headers.contains_key("hx-request") =>
                    {
                        let next: String =
                            form_urlencoded::byte_serialize(pq.as_str().as_bytes()).collect();
                        format!("/login?next={next}")
                    }
                    _ => "/login".to_string(),
                };
                Err(send_to(parts, &to))
            }
        }
    }
}

/// The caller whether logged in or not (login pages, logout).
impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or(Caller {
            auth: None,
            api: false,
            token: None,
            by_bearer: false,
            ip: "unknown".into(),
            tls: false,
            stage: Stage::Ok,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(peer: &str, real_ip: Option<&str>) -> Request {
        let mut req = Request::new(Body::empty());
        let ip: std::net::IpAddr = peer.parse().expect("ip");
        let addr = SocketAddr::new(ip, 40000);
        req.extensions_mut().insert(ConnectInfo(addr));
        if let Some(ip) = real_ip {
            req.headers_mut()
                .insert("x-real-ip", ip.parse().expect("header"));
        }
        req
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_named_proxy() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().expect("ip");
        let trusted = [proxy];
        assert_eq!(
            client_ip(&from("10.0.0.2", Some("203.0.113.9")), &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(&from("127.0.0.1", Some("203.0.113.9")), &trusted),
            "127.0.0.1",
            "not even from this machine unless named"
        );
        assert_eq!(
            client_ip(&from("198.51.100.4", Some("1.2.3.4")), &trusted),
            "198.51.100.4"
        );
        assert_eq!(
            client_ip(&from("10.0.0.2", Some("not an ip")), &trusted),
            "10.0.0.2"
        );
        assert_eq!(client_ip(&from("10.0.0.2", None), &[]), "10.0.0.2");
        let mapped = from("::ffff:10.0.0.2", Some("203.0.113.9"));
        assert_eq!(
            client_ip(&mapped, &trusted),
            "203.0.113.9",
            "IPv4 seen through [::]"
        );
    }
}
