//! Task forces (党员突击队) for the demo: 3,633 teams formed in 2020 (FULING.md), most for
//! epidemic control from late January, some for the summer floods and key projects, each
//! under a village, community or town with a leader and members from one of its branches,
//! a meeting or two, closed when the mission ended; and a few teams open now.

use std::collections::HashMap;

use dangjian_domain::{date, path};
use dangjian_store::Conn;
use dangjian_store::task_forces::{self as store, TeamLoad, TeamsLoad};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::life::BranchMembers;
use super::tree::{Tree, scaled};
use crate::{ServiceResult, today};

const TEAMS_2020: f64 = 3633.0;
const OPEN_NOW: f64 = 12.0;

const TOPICS: [&str; 4] = [
    "部署任务，明确分工",
    "学习防控要求，交流进展",
    "总结阶段工作，表扬先进",
    "研究困难群众帮扶",
];

fn day(year: i32, month: Month, d: u8) -> Date {
    Date::from_calendar_date(year, month, d).unwrap_or(Date::MIN)
}

pub(crate) async fn generate(
    conn: &mut Conn,
    t: &Tree,
    branches: &[BranchMembers<'_>],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let by_path: HashMap<&str, (i64, &str)> = t
        .orgs
        .iter()
        .map(|o| (o.path.as_str(), (o.id, o.name.as_str())))
        .collect();
    // Branches of villages and communities (or deeper) with members enough for a team.
    let candidates: Vec<&BranchMembers<'_>> = branches
        .iter()
        .filter(|b| b.count >= 4 && path::depth(&b.org.path) >= 3)
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let mut l = TeamsLoad::default();
    let total = scaled(TEAMS_2020, scale);
    let open_now = scaled(OPEN_NOW, scale);
    let today = today();
    for n in 0..total + open_now {
        let b = candidates[rng.random_range(0..candidates.len())];
        // Most under the village or community, some under the town.
        let depth = if rng.random_bool(0.8) { 3 } else { 2 };
        let parent_path = path::ancestor(&b.org.path, depth);
        let Some(&(parent_id, parent_name)) = by_path.get(parent_path.as_str()) else {
            continue;
        };
        let (mission, label, start, days) = if n >= total {
            let start = today - Duration::days(rng.random_range(1..40));
            if rng.random_bool(0.5) {
                ("flood", "防汛抢险", start, rng.random_range(60..120))
            } else {
                ("project", "重点项目攻坚", start, rng.random_range(90..200))
            }
        } else {
            match rng.random_range(0..100) {
                0..85 => (
                    "epidemic",
                    "疫情防控",
                    day(2020, Month::January, 24) + Duration::days(rng.random_range(0..30)),
                    rng.random_range(30..80),
                ),
                85..95 => (
                    "flood",
                    "防汛抢险",
                    day(2020, Month::July, 1) + Duration::days(rng.random_range(0..50)),
                    rng.random_range(10..40),
                ),
                _ => (
                    "project",
                    "重点项目攻坚",
                    day(2020, Month::March, 1) + Duration::days(rng.random_range(0..200)),
                    rng.random_range(60..120),
                ),
            }
        };
        let ends = start + Duration::days(days);
        let closed = (n < total).then(|| date::format(ends));
        let id = l.teams.len() as i64 + 1;
        let size = rng.random_range(4..=b.count.min(10));
        let first = b.first_member + rng.random_range(0..=(b.count - size));
        let (s, e) = (date::format(start), date::format(ends));
        l.teams.push(TeamLoad {
            id,
            org_id: parent_id,
            org_path: parent_path.clone(),
            name: format!("{parent_name}{label}党员突击队"),
            mission,
            leader_id: first,
            started_on: s.clone(),
            ends_on: e.clone(),
            closed_on: closed,
        });
        for m in first..first + size {
            l.members.push((id, m, s.clone(), e.clone()));
        }
        let last = ends.min(today);
        for k in 0..rng.random_range(1..=3) {
            let span = (last - start).whole_days().max(0);
            let on = start + Duration::days(span * k / 3);
            if on > today {
                break;
            }
            let mid = l.meetings.len() as i64 + 1;
            l.meetings.push((
                mid,
                id,
                date::format(on),
                TOPICS[rng.random_range(0..TOPICS.len())],
            ));
            for m in first..first + size {
                if rng.random_bool(0.85) {
                    l.attendance.push((mid, m));
                }
            }
        }
    }
    store::insert_bulk(conn, &l).await?;
    Ok(())
}
