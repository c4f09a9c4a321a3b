//! Volunteer service for the demo: about 500,000 person-times (FULING.md: 文明城区创建志愿服务
//! 50余万人次) over activities held since 2019 by villages, communities, towns and the
//! district, most in the civilised-city campaign of 2020 and 2021; members of the
//! organizer's branches and residents (name and phone, encrypted) sign up, the organizer
//! confirms who came; a few activities ahead take sign-ups.

use std::collections::{HashMap, HashSet};

use dangjian_domain::volunteers::activity::{ActivityState, Category};
use dangjian_domain::{date, mask, path};
use dangjian_store::Conn;
use dangjian_store::volunteers::{self as store, ActivityLoad, VolunteerWrite};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::life::BranchMembers;
use super::tree::{Tree, scaled};
use crate::{Crypto, ServiceResult, today};

const PERSON_TIMES: f64 = 500_000.0;
const RESIDENTS: f64 = 30_000.0;
/// Activities written per statement group, with their sign-ups.
const CHUNK: usize = 2_000;

const ACTIVITIES: [(Category, &str, &str); 7] = [
    (Category::Civic, "文明城区创建志愿服务", "社区主干道"),
    (Category::Civic, "文明交通劝导", "城区路口"),
    (Category::Epidemic, "疫情防控志愿服务", "小区卡口"),
    (Category::Elderly, "助老志愿服务", "村(社区)便民服务中心"),
    (Category::Children, "关爱留守儿童", "村小学"),
    (Category::Environment, "长江岸线清洁", "长江滨江路"),
    (Category::Other, "政策宣讲", "村(社区)党群服务中心"),
];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "罗", "冉",
];
const GIVEN: [&str; 12] = [
    "秀英", "建国", "志强", "桂兰", "小红", "德明", "玉珍", "俊", "海燕", "国华", "丽", "文",
];
const ALPHABET: &[u8] = dangjian_domain::masses::CARD_CODE_ALPHABET;

/// The `i`-th resident's record code: a bijection of the index, so no two collide.
fn record_code(i: u64) -> String {
    let base = ALPHABET.len() as u64;
    let space = base.pow(8);
    let mut x = (i.wrapping_mul(1_000_003) + 99_991) % space;
    let mut s = Vec::with_capacity(8);
    for _ in 0..8 {
        s.push(ALPHABET[(x % base) as usize]);
        x /= base;
    }
    String::from_utf8(s).unwrap_or_default()
}

/// The `i`-th resident's phone: distinct for the first hundred million.
fn phone(i: u64) -> String {
    format!("139{:08}", (i.wrapping_mul(48_271) + 777) % 100_000_000)
}

/// A day of the activities' years, most in the campaign of 2020 and 2021.
fn held_on(rng: &mut ChaCha8Rng, today: Date) -> Date {
    let year = match rng.random_range(0..100) {
        0..10 => 2019,
        10..40 => 2020,
        40..65 => 2021,
        65..75 => 2022,
        75..83 => 2023,
        83..90 => 2024,
        90..96 => 2025,
        _ => 2026,
    };
    let d = Date::from_calendar_date(year, Month::January, 1).unwrap_or(today)
        + Duration::days(rng.random_range(0..365));
    // A few ahead of today take sign-ups; the rest were held.
    if d > today && !rng.random_bool(0.02) {
        today - Duration::days(rng.random_range(1..60))
    } else {
        d
    }
}

pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    t: &Tree,
    branches: &[BranchMembers<'_>],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let ids: HashMap<&str, i64> = t.orgs.iter().map(|o| (o.path.as_str(), o.id)).collect();
    let local: Vec<&BranchMembers<'_>> = branches
        .iter()
        .filter(|b| b.count >= 3 && path::depth(&b.org.path) >= 3)
        .collect();
    if local.is_empty() {
        return Ok(());
    }
    let residents = scaled(RESIDENTS, scale) as u64;
    let target = scaled(PERSON_TIMES, scale) as i64;
    let today = today();
    // Volunteer ids: residents first, written before any sign-up names them; members as
    // they first sign up, written with the chunk that names them. Totals are recounted from
    // the sign-ups at the end (`store::recount_volunteers`).
    let mut rows = Vec::with_capacity(20_000);
    for i in 0..residents {
        let p = phone(i);
        rows.push((
            i as i64 + 1,
            VolunteerWrite {
                member_id: None,
                name: format!(
                    "{}{}",
                    SURNAMES[rng.random_range(0..SURNAMES.len())],
                    GIVEN[rng.random_range(0..GIVEN.len())]
                ),
                phone_cipher: Some(crypto.encrypt(&p)),
                phone_index: Some(crypto.blind_index("phone", &p)),
                phone_masked: Some(mask::phone(&p)),
                code: Some(record_code(i)),
            },
            0,
            0,
        ));
        if rows.len() == 20_000 {
            store::insert_volunteers(conn, &rows).await?;
            rows.clear();
        }
    }
    store::insert_volunteers(conn, &rows).await?;
    drop(rows);
    let mut member_ids: HashMap<i64, i64> = HashMap::new();
    let mut new_members: Vec<(i64, i64, i64, i64)> = Vec::new();
    let mut next_activity = 0i64;
    let mut person_times = 0i64;
    let mut activities = Vec::with_capacity(CHUNK);
    let mut signups = Vec::with_capacity(CHUNK * 30);
    while person_times < target {
        let b = local[rng.random_range(0..local.len())];
        let depth = match rng.random_range(0..100) {
            0..75 => 3,
            75..95 => 2,
            _ => 1,
        };
        let org_path = path::ancestor(&b.org.path, depth);
        let Some(&org_id) = ids.get(org_path.as_str()) else {
            continue;
        };
        let (category, title, place) = ACTIVITIES[rng.random_range(0..ACTIVITIES.len())];
        let on = held_on(rng, today);
        let held = on <= today;
        let minutes = [60, 90, 120, 150, 180, 240][rng.random_range(0..6)];
        next_activity += 1;
        let id = next_activity;
        activities.push(ActivityLoad {
            id,
            org_id,
            org_path,
            title,
            category: category.as_str(),
            held_on: date::format(on),
            starts_at: ["08:30", "09:00", "14:30", "19:00"][rng.random_range(0..4)],
            minutes,
            place,
            code: format!("d{id:07}"),
            state: if held {
                ActivityState::Closed.as_str()
            } else {
                ActivityState::Open.as_str()
            },
        });
        let n_members = rng.random_range(b.count.min(6)..=b.count.min(25));
        let first = rng.random_range(0..=(b.count - n_members));
        let mut volunteers: Vec<i64> = (0..n_members)
            .map(|k| {
                let m = b.first_member + first + k;
                let next = residents as i64 + member_ids.len() as i64 + 1;
                *member_ids.entry(m).or_insert_with(|| {
                    new_members.push((next, m, 0, 0));
                    next
                })
            })
            .collect();
        let mut seen: HashSet<i64> = HashSet::new();
        for _ in 0..rng.random_range(4..=14) {
            let r = rng.random_range(1..=residents as i64);
            if seen.insert(r) {
                volunteers.push(r);
            }
        }
        for v in volunteers {
            let served = held.then(|| {
                if rng.random_bool(0.93) {
                    minutes - 30 * rng.random_range(0..=1).min(minutes / 30 - 1)
                } else {
                    0
                }
            });
            if served.is_some_and(|m| m > 0) {
                person_times += 1;
            }
            signups.push((id, v, served));
        }
        if activities.len() == CHUNK {
            store::insert_member_volunteers(conn, &new_members).await?;
            new_members.clear();
            store::insert_activities(conn, &activities, &signups).await?;
            activities.clear();
            signups.clear();
        }
    }
    store::insert_member_volunteers(conn, &new_members).await?;
    store::insert_activities(conn, &activities, &signups).await?;
    Ok(())
}
