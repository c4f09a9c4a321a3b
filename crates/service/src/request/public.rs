//! 群众诉求, public side: a resident without an account submits a request from a phone,
//! tracks it with its code and the phone number, and confirms or reopens the answer. Nothing
//! here tells whether a phone number is known, and nothing shows another resident's data.

use dangjian_domain::attachment;
use dangjian_domain::mask;
use dangjian_domain::request::{
    self as domain, RequestAction, RequestState, Side, Submission, SubmissionInput,
};
use dangjian_store::request::{self as store, NewRequest, Times};
use dangjian_store::{StoreError, masses, org, rollup};
use rand::Rng;
use serde::Serialize;

use crate::audit::Entry;
use crate::masses::PAGE;
use crate::masses::community_checkin::is_community;
use crate::orgs::Org;
use crate::request::PublishedRequest;
use crate::request::Request;
use crate::request::RequestEvent;
use crate::request::Step;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A sum to work out before submitting: a speed bump for scripts, signed so that the server
/// keeps nothing between showing the form and receiving it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Challenge {
    pub question: String,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicOptions {
    pub categories: Vec<(i64, String)>,
    pub communities: Vec<crate::masses::community_checkin::Community>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    /// The tracking code as shown to the resident.
    pub code: String,
}

/// A request as its resident sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackedRequest {
    pub code: String,
    pub category_name: String,
    pub community_name: String,
    pub grid_name: Option<String>,
    pub address: String,
    pub description: String,
    pub state: String,
    /// Milliseconds since the Unix epoch.
    pub submitted_at: i64,
    pub reply: String,
    pub events: Vec<RequestEvent>,
    /// Whether the resident may now confirm it or say it is not fixed.
    pub can_answer: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedPage {
    pub items: Vec<PublishedRequest>,
    pub page: i64,
    /// Another page follows.
    pub more: bool,
}

fn wrong_code() -> ServiceError {
    ServiceError::field(
        "code",
        "not_found",
        "查询码或手机号不正确，请核对提交时显示的查询码和所留手机号",
    )
}

fn too_many() -> ServiceError {
    ServiceError::field(
        "phone",
        "too_many",
        "提交过于频繁，请明天再试；紧急情况请直接联系所在社区",
    )
}

/// The keyed index a request's phone is found and counted by.
pub fn phone_index(crypto: &crate::Crypto, phone: &str) -> String {
    crypto.blind_index("request_phone", phone)
}

/// The keyed index a request's place is counted by.
pub fn address_index(crypto: &crate::Crypto, address: &str) -> String {
    crypto.blind_index("request_address", &domain::address_key(address))
}

fn new_tracking_code() -> String {
    crate::masses::random_code(domain::TRACKING_CODE_LEN)
}

impl App {
    pub fn request_challenge(&self) -> Challenge {
        let mut rng = rand::rng();
        let (a, b) = (rng.random_range(2..10), rng.random_range(2..10));
        let expires = now_ms() + self.config.request_rules.challenge_minutes * 60 * 1000;
        let body = format!("{a}.{b}.{expires}");
        let mac = self.crypto().blind_index("challenge", &body);
        Challenge {
            question: format!("{a} 加 {b} 等于几？"),
            token: format!("{body}.{mac}"),
        }
    }

    fn check_challenge(&self, token: &str, answer: &str) -> ServiceResult<()> {
        let wrong = |msg: &str| ServiceError::field("answer", "challenge", msg.to_string());
        let parts: Vec<&str> = token.split('.').collect();
        let [a, b, expires, mac] = parts.as_slice() else {
            return Err(wrong("验证题已失效，请刷新页面后重新提交"));
        };
        let body = format!("{a}.{b}.{expires}");
        let signed = self.crypto().blind_index("challenge", &body) == *mac;
        let fresh = expires.parse::<i64>().is_ok_and(|e| e >= now_ms());
        if !signed || !fresh {
            return Err(wrong("验证题已失效，请刷新页面后重新提交"));
        }
        let sum = a
            .parse::<i64>()
            .ok()
            .zip(b.parse::<i64>().ok())
            .map(|(a, b)| a + b);
        match (sum, answer.trim().parse::<i64>().ok()) {
            (Some(s), Some(given)) if s == given => Ok(()),
            _ => Err(wrong("验证题答案不正确")),
        }
    }

    /// What the public form offers: active categories, and every open village and
    /// community named with its town.
    pub async fn public_options(&self) -> ServiceResult<PublicOptions> {
        let mut conn = self.db.conn().await?;
        let categories = store::categories(&mut conn, true)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        drop(conn);
        Ok(PublicOptions {
            categories,
            communities: self.communities().await?,
        })
    }

    pub async fn public_grids(&self, community_id: i64) -> ServiceResult<Vec<(i64, String)>> {
        let mut conn = self.db.conn().await?;
        Ok(masses::grid_names(&mut conn, community_id).await?)
    }

    /// Checks and stores a resident's request; returns its tracking code.
    pub async fn submit_request(
        &self,
        input: &SubmissionInput,
        challenge: (&str, &str),
        photo: Option<(&str, &[u8])>,
        ip: &str,
    ) -> ServiceResult<Submitted> {
        let rules = &self.config.request_rules;
        // Every try counts against the client address, refused ones too, so that a script
        // cannot work through the challenge's few answers.
        if !self.request_submits.try_attempt(ip.to_string(), now_ms()) {
            return Err(too_many());
        }
        let s: Submission = input.validate(rules).map_err(ServiceError::Invalid)?;
        self.check_challenge(challenge.0, challenge.1)?;
        let photo = match photo {
            Some((name, body)) => Some((
                attachment::check_photo("photo", name, body, rules.photo_bytes)
                    .map_err(|e| ServiceError::Invalid(vec![e]))?,
                body,
            )),
            None => None,
        };
        let mut conn = self.db.conn().await?;
        let category = store::category(&mut conn, s.category_id)
            .await?
            .filter(|c| c.active)
            .ok_or_else(|| {
                ServiceError::field("category_id", "unknown", "诉求类别不存在，请重新选择")
            })?;
        let community = org::get(&mut conn, s.community_id)
            .await?
            .map(Org::from)
            .filter(is_community)
            .ok_or_else(|| {
                ServiceError::field("community_id", "unknown", "请选择所在的村（社区）")
            })?;
        if let Some(g) = s.grid_id {
            let in_community = masses::grid(&mut conn, g)
                .await?
                .is_some_and(|g| g.org_id == community.id);
            if !in_community {
                return Err(ServiceError::field(
                    "grid_id",
                    "not_in_community",
                    format!("所选网格不属于{}，请重新选择", community.name),
                ));
            }
        }
        let now = now_ms();
        let phone_index = phone_index(self.crypto(), &s.phone);
        let address_index = address_index(self.crypto(), &s.address);
        let (by_phone, by_address) =
            store::count_since(&mut conn, &phone_index, &address_index, now - DAY_MS).await?;
        drop(conn);
        if by_phone >= rules.max_per_phone_per_day || by_address >= rules.max_per_address_per_day {
            return Err(too_many());
        }
        let accept_due_at = now + category.accept_hours * HOUR_MS;
        let mut new = NewRequest {
            id: None,
            code: new_tracking_code(),
            category_id: category.id,
            community_id: community.id,
            community_path: community.path.clone(),
            grid_id: s.grid_id,
            address: s.address.clone(),
            description: s.description.clone(),
            phone_cipher: self.crypto().encrypt(&s.phone),
            phone_masked: mask::phone(&s.phone),
            phone_index,
            address_index,
            submitted_at: now,
            accept_due_at,
            times: Times {
                state: RequestState::Submitted.as_str().to_string(),
                due_at: Some(accept_due_at),
                ..Times::default()
            },
        };
        let resident = Actor::resident(ip);
        // A code drawn twice (one in about 10^14) is drawn again.
        for _ in 0..3 {
            let mut tx = self.begin_audited().await?;
            let id = match store::insert(tx.conn(), &new).await {
                Ok(id) => id,
                Err(StoreError::Duplicate(_)) => {
                    new.code = new_tracking_code();
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            if let Some((mime, body)) = photo {
                store::save_photo(tx.conn(), id, mime, body).await?;
            }
            store::add_event(
                tx.conn(),
                &store::NewEvent {
                    request_id: id,
                    at: now,
                    action: "submit",
                    to_state: RequestState::Submitted.as_str(),
                    actor_label: "群众",
                    user_id: None,
                    note: "",
                },
            )
            .await?;
            let facts = store::FactRow {
                community_path: community.path.clone(),
                state: new.times.state.clone(),
                submitted_at: now,
                accept_due_at,
                answered_at: None,
                resolve_due_at: None,
                resolved_at: None,
            };
            rollup::apply(
                tx.conn(),
                &community.path,
                &rollup::request_facts(&facts),
                1,
            )
            .await?;
            tx.commit(
                &resident,
                Entry::ok("request.submit", "request", id)
                    .detail(format!("{} {}", community.name, category.name)),
            )
            .await?;
            return Ok(Submitted {
                code: domain::display_tracking_code(&new.code),
            });
        }
        Err(ServiceError::Internal("查询码重复".into()))
    }

    /// The request of a code, if the phone is the one it was submitted with. A wrong code
    /// and a wrong phone give the same answer, and both count against the network address.
    async fn resident_request(&self, code: &str, phone: &str, ip: &str) -> ServiceResult<Request> {
        let now = now_ms();
        if !self.request_track_misses.try_attempt(ip.to_string(), now) {
            return Err(ServiceError::field(
                "code",
                "too_many_attempts",
                "查询错误次数过多，请 15 分钟后再试",
            ));
        }
        let (Some(code), Ok(phone)) = (
            domain::normalize_tracking_code(code),
            dangjian_domain::phone::parse_mobile(phone),
        ) else {
            return Err(wrong_code());
        };
        let mut conn = self.db.conn().await?;
        let found = store::by_code(&mut conn, &code).await?;
        let index = phone_index(self.crypto(), &phone);
        match found {
            Some((r, stored)) if stored == index => {
                self.request_track_misses.forgive(&ip.to_string());
                Ok(r.into())
            }
            _ => Err(wrong_code()),
        }
    }

    pub async fn track_request(
        &self,
        code: &str,
        phone: &str,
        ip: &str,
    ) -> ServiceResult<TrackedRequest> {
        let r = self.resident_request(code, phone, ip).await?;
        let mut conn = self.db.conn().await?;
        let events = store::events(&mut conn, r.id).await?;
        Ok(TrackedRequest {
            code: domain::display_tracking_code(&r.code),
            can_answer: r.times.state == RequestState::Resolved.as_str(),
            category_name: r.category_name,
            community_name: r.community_name,
            grid_name: r.grid_name,
            address: r.address,
            description: r.description,
            state: r.times.state,
            submitted_at: r.submitted_at,
            reply: r.times.reply,
            events: crate::model::all(events),
        })
    }

    /// The resident confirms the answer, or says the problem is not fixed.
    pub async fn resident_answer(
        &self,
        code: &str,
        phone: &str,
        action: &str,
        note: &str,
        ip: &str,
    ) -> ServiceResult<TrackedRequest> {
        let r = self.resident_request(code, phone, ip).await?;
        let action = RequestAction::parse(action.trim())
            .filter(|a| a.side() == Side::Resident)
            .ok_or_else(|| {
                ServiceError::field("action", "invalid_choice", "请选择已解决或未解决")
            })?;
        let resident = Actor::resident(ip);
        let step = Step {
            action,
            side: Side::Resident,
            note: note.trim(),
            assignee: None,
            department: None,
            actor_label: "群众",
            user_id: None,
        };
        let mut tx = self.begin_audited().await?;
        self.move_request(&mut tx, &r, &step, now_ms()).await?;
        let what = format!("request.{}", action.as_str());
        tx.commit(
            &resident,
            Entry::ok(&what, "request", r.id).detail(r.code.clone()),
        )
        .await?;
        self.track_request(code, phone, ip).await
    }

    /// The published list: answered requests of one community, or of all, without anything
    /// that names or reaches a resident.
    pub async fn published_requests(
        &self,
        community_id: Option<i64>,
        page: i64,
    ) -> ServiceResult<PublishedPage> {
        let page = crate::model::page_number(Some(page));
        let mut conn = self.db.conn().await?;
        let root = match community_id {
            Some(id) => {
                org::get(&mut conn, id)
                    .await?
                    .map(Org::from)
                    .filter(is_community)
                    .ok_or(ServiceError::NotFound)?
                    .path
            }
            None => "/".to_string(),
        };
        let mut items = store::published(&mut conn, &root, PAGE + 1, (page - 1) * PAGE).await?;
        let more = items.len() as i64 > PAGE;
        items.truncate(PAGE as usize);
        Ok(PublishedPage {
            items: crate::model::all(items),
            page,
            more,
        })
    }
}
