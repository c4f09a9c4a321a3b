//! A year of residents' requests in the villages and communities: about 20,000 at scale 1,
//! most answered and resolved within their category's limits, some late, a few rejected or
//! reopened, and the most recent still open, so that lists, dashboards and the published
//! list look like a district at work.

use crate::request::public::{address_index, phone_index};
use crate::{Crypto, ServiceResult, now_ms};
use dangjian_domain::mask;
use dangjian_domain::masses::CARD_CODE_ALPHABET;
use dangjian_domain::request::{RequestAction, RequestState, TRACKING_CODE_LEN};
use dangjian_store::Conn;
use dangjian_store::masses;
use dangjian_store::org::OrgRow;
use dangjian_store::request::{
    self as store, CategoryRow, DepartmentRow, NewEvent, NewRequest, Times,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::life::BranchMembers;
use super::tree::scaled;

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What residents write, by the category's place in the starting list.
const TEXTS: [(&str, &str); 9] = [
    (
        "小区垃圾桶满了两天没人清运",
        "已通知环卫站加密清运频次，垃圾已清理",
    ),
    ("路灯不亮，晚上出行不安全", "已更换损坏灯具，照明恢复"),
    (
        "停水一天了，也没看到通知",
        "供水管网抢修完毕，已恢复供水并补发停水通知",
    ),
    (
        "楼上漏水渗到我家，协商不成",
        "网格员上门调解，双方约定由楼上住户维修",
    ),
    (
        "家里老人独居，生活有困难",
        "已纳入关爱名单，联系党员每周上门走访",
    ),
    (
        "楼道堆放杂物，存在消防隐患",
        "已组织清理楼道杂物并张贴消防提示",
    ),
    (
        "榨菜收购价太低，想找销路",
        "已对接电商平台和收购企业，签订收购意向",
    ),
    (
        "想了解城乡居民医保怎么参保",
        "已电话讲解参保政策并协助在线办理",
    ),
    ("门口道路积水，希望尽快处理", "已疏通排水沟，积水已排除"),
];

/// A stretch of a category's limit: mostly well within it, sometimes past it.
fn stretch(rng: &mut ChaCha8Rng, limit_ms: i64, on_time: f64) -> i64 {
    let f = if rng.random_bool(on_time) {
        rng.random_range(0.05..0.95)
    } else {
        rng.random_range(1.05..2.5)
    };
    (limit_ms as f64 * f) as i64
}

fn tracking_code(rng: &mut ChaCha8Rng) -> String {
    (0..TRACKING_CODE_LEN)
        .map(|_| char::from(CARD_CODE_ALPHABET[rng.random_range(0..CARD_CODE_ALPHABET.len())]))
        .collect()
}

/// One request's story, written as its row and timeline.
struct Story {
    times: Times,
    events: Vec<(i64, &'static str, RequestState, String, String)>,
}

impl Story {
    fn push(&mut self, at: i64, action: RequestAction, to: RequestState, who: &str, note: &str) {
        self.times.state = to.as_str().to_string();
        self.events
            .push((at, action.as_str(), to, who.to_string(), note.to_string()));
    }
}

pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    villages: &[&OrgRow],
    branches: &[BranchMembers<'_>],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let categories: Vec<CategoryRow> = store::categories(conn, true).await?;
    let departments: Vec<DepartmentRow> = store::departments(conn).await?;
    if categories.is_empty() || villages.is_empty() {
        return Ok(0);
    }
    let total = scaled(20_000.0, scale);
    let now = now_ms();
    let mut rows = Vec::with_capacity(total);
    let mut events: Vec<(i64, i64, &'static str, RequestState, String, String)> = Vec::new();
    let mut grids_of: Vec<Vec<(i64, String)>> = Vec::with_capacity(villages.len());
    for v in villages {
        grids_of.push(masses::grid_names(conn, v.id).await?);
    }
    // Each village's members, as (first id, count) runs of its branches.
    let members_of: Vec<Vec<(i64, i64)>> = villages
        .iter()
        .map(|v| {
            branches
                .iter()
                .filter(|b| dangjian_domain::path::contains(&v.path, &b.org.path) && b.count > 0)
                .map(|b| (b.first_member, b.count))
                .collect()
        })
        .collect();
    // Submitted times over the last year, oldest first, so that ids follow time.
    let mut times: Vec<i64> = (0..total)
        .map(|_| now - rng.random_range(0..365 * DAY_MS))
        .collect();
    times.sort_unstable();
    for (i, submitted) in times.into_iter().enumerate() {
        let id = i as i64 + 1;
        let vi = rng.random_range(0..villages.len());
        let v = villages[vi];
        let ci = rng.random_range(0..categories.len());
        let c = &categories[ci];
        let (text, reply) = TEXTS[ci % TEXTS.len()];
        let grid = (!grids_of[vi].is_empty() && rng.random_bool(0.8))
            .then(|| grids_of[vi][rng.random_range(0..grids_of[vi].len())].0);
        let phone = format!(
            "1{}{:09}",
            rng.random_range(3..10),
            rng.random_range(0..1_000_000_000u32)
        );
        let address = format!(
            "{}附近{}号",
            v.name.trim_end_matches("党委").trim_end_matches("党支部"),
            rng.random_range(1..200)
        );
        let accept_due = submitted + c.accept_hours * HOUR_MS;
        let mut s = Story {
            times: Times {
                state: RequestState::Submitted.as_str().to_string(),
                due_at: Some(accept_due),
                ..Times::default()
            },
            events: vec![(
                submitted,
                "submit",
                RequestState::Submitted,
                "群众".into(),
                String::new(),
            )],
        };
        let community = v.name.clone();
        let answered = submitted + stretch(rng, c.accept_hours * HOUR_MS, 0.93);
        if answered <= now {
            if rng.random_bool(0.03) {
                let why = "经核实不属于村（社区）受理范围，已告知反映渠道";
                s.times.answered_at = Some(answered);
                s.times.due_at = None;
                s.times.reply = why.into();
                s.push(
                    answered,
                    RequestAction::Reject,
                    RequestState::Rejected,
                    &community,
                    why,
                );
                if answered + 7 * DAY_MS <= now {
                    s.times.closed_at = Some(answered + 7 * DAY_MS);
                    s.push(
                        answered + 7 * DAY_MS,
                        RequestAction::Close,
                        RequestState::Closed,
                        "系统",
                        "",
                    );
                }
            } else {
                let place = Place {
                    community: &community,
                    members: &members_of[vi],
                    departments: &departments,
                    now,
                };
                story_after_acceptance(&mut s, rng, c, &place, answered, reply);
            }
        }
        rows.push(NewRequest {
            id: Some(id),
            code: tracking_code(rng),
            category_id: c.id,
            community_id: v.id,
            community_path: v.path.clone(),
            grid_id: grid,
            address_index: address_index(crypto, &address),
            address,
            description: text.to_string(),
            phone_cipher: crypto.encrypt(&phone),
            phone_masked: mask::phone(&phone),
            phone_index: phone_index(crypto, &phone),
            submitted_at: submitted,
            accept_due_at: accept_due,
            times: s.times,
        });
        events.extend(
            s.events
                .into_iter()
                .map(|(at, action, to, who, note)| (id, at, action, to, who, note)),
        );
        if rows.len() >= 4_000 {
            store::insert_bulk(conn, &rows).await?;
            rows.clear();
            write_events(conn, &events).await?;
            events.clear();
        }
    }
    store::insert_bulk(conn, &rows).await?;
    write_events(conn, &events).await?;
    Ok(total)
}

/// Where a request is handled: its community, the members there, the departments.
struct Place<'a> {
    community: &'a str,
    members: &'a [(i64, i64)],
    departments: &'a [DepartmentRow],
    now: i64,
}

impl Place<'_> {
    fn member(&self, rng: &mut ChaCha8Rng) -> Option<i64> {
        if self.members.is_empty() {
            return None;
        }
        let (first, count) = self.members[rng.random_range(0..self.members.len())];
        Some(first + rng.random_range(0..count))
    }
}

fn story_after_acceptance(
    s: &mut Story,
    rng: &mut ChaCha8Rng,
    c: &CategoryRow,
    place: &Place<'_>,
    accepted: i64,
    reply: &str,
) {
    let (community, now) = (place.community, place.now);
    let resolve_ms = c.resolve_hours * HOUR_MS;
    s.times.answered_at = Some(accepted);
    s.times.resolve_due_at = Some(accepted + resolve_ms);
    s.times.due_at = Some(accepted + resolve_ms);
    s.push(
        accepted,
        RequestAction::Accept,
        RequestState::Accepted,
        community,
        "",
    );
    // Sent on soon after: to the category's department, or to a member of the community.
    let mut clock = accepted;
    let mut first = true;
    loop {
        let sent = clock + rng.random_range(10 * 60_000..3 * HOUR_MS);
        if sent > now {
            return;
        }
        let member = place
            .member(rng)
            .filter(|_| c.department_id.is_none() || rng.random_bool(0.5));
        let department = c
            .department_id
            .or_else(|| place.departments.first().map(|d| d.id))
            .and_then(|d| place.departments.iter().find(|x| x.id == d));
        match (member, department) {
            (Some(m), _) => {
                s.times.assignee_member_id = Some(m);
                s.times.department_id = None;
                s.times.department_path = None;
                s.push(
                    sent,
                    RequestAction::Assign,
                    RequestState::Assigned,
                    community,
                    "",
                );
            }
            (None, Some(d)) => {
                s.times.department_id = Some(d.id);
                s.times.department_path = d.org_path.clone();
                s.times.assignee_member_id = None;
                s.push(
                    sent,
                    RequestAction::Dispatch,
                    RequestState::Dispatched,
                    community,
                    "",
                );
            }
            (None, None) => return,
        }
        let department = if member.is_some() { None } else { department };
        let handler = department
            .map_or("承办党员", |d| d.name.as_str())
            .to_string();
        let started = sent + rng.random_range(HOUR_MS..6 * HOUR_MS);
        if started > now {
            return;
        }
        s.push(
            started,
            RequestAction::Start,
            RequestState::InProgress,
            &handler,
            "",
        );
        let resolved = clock + stretch(rng, resolve_ms, 0.87).max(started - clock + HOUR_MS);
        if resolved > now {
            return;
        }
        s.times.resolved_at = Some(resolved);
        s.times.due_at = None;
        s.times.escalation = 0;
        s.times.reply = reply.to_string();
        s.push(
            resolved,
            RequestAction::Resolve,
            RequestState::Resolved,
            &handler,
            reply,
        );
        let answered = resolved + rng.random_range(2 * HOUR_MS..3 * DAY_MS);
        if first && rng.random_bool(0.05) && answered <= now {
            // Not fixed: back to the community, on a fresh limit.
            first = false;
            s.times.resolved_at = None;
            s.times.resolve_due_at = Some(answered + resolve_ms);
            s.times.due_at = Some(answered + resolve_ms);
            s.push(
                answered,
                RequestAction::Reopen,
                RequestState::Reopened,
                "群众",
                "问题还没有彻底解决",
            );
            clock = answered;
            continue;
        }
        if rng.random_bool(0.6) && answered <= now {
            s.times.closed_at = Some(answered + 10 * 60_000);
            s.push(
                answered,
                RequestAction::Confirm,
                RequestState::Confirmed,
                "群众",
                "",
            );
            if answered + 10 * 60_000 <= now {
                s.push(
                    answered + 10 * 60_000,
                    RequestAction::Close,
                    RequestState::Closed,
                    "系统",
                    "",
                );
            } else {
                s.times.closed_at = None;
            }
        } else if resolved + 7 * DAY_MS <= now {
            s.times.closed_at = Some(resolved + 7 * DAY_MS);
            s.push(
                resolved + 7 * DAY_MS,
                RequestAction::Close,
                RequestState::Closed,
                "系统",
                "",
            );
        }
        return;
    }
}

async fn write_events(
    conn: &mut Conn,
    events: &[(i64, i64, &'static str, RequestState, String, String)],
) -> ServiceResult<()> {
    let rows: Vec<NewEvent<'_>> = events
        .iter()
        .map(|(id, at, action, to, who, note)| NewEvent {
            request_id: *id,
            at: *at,
            action,
            to_state: to.as_str(),
            actor_label: who,
            user_id: None,
            note,
        })
        .collect();
    store::insert_events_bulk(conn, &rows).await?;
    Ok(())
}
