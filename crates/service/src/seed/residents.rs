//! First secretaries and resident work teams for the demo (FULING.md: 390 resident cadres):
//! teams of one first secretary and two to four members in villages, sent in the current
//! round for three years, each cadre's recorded days and work log for every month so far,
//! and last year's grades.

use dangjian_domain::date;
use dangjian_store::Conn;
use dangjian_store::cadres::resident::{self, CadreLoad, GradeLoad, MonthLoad, TeamLoad};
use dangjian_store::org::OrgRow;
use dangjian_store::person::{self, PersonWrite};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::people::People;
use super::tree::scaled;
use crate::cadres::person::to_write;
use crate::{Crypto, ServiceResult, today};

/// Fuling's resident cadres (FULING.md).
const RESIDENT_CADRES: f64 = 390.0;

const UNITS: [&str; 20] = [
    "区农业农村委",
    "区发展改革委",
    "区财政局",
    "区人力社保局",
    "区交通局",
    "区卫生健康委",
    "区教委",
    "区住房城乡建委",
    "区文化旅游委",
    "区商务委",
    "区林业局",
    "区水利局",
    "区供销合作社",
    "区委组织部",
    "区委宣传部",
    "区委政法委",
    "区总工会",
    "团区委",
    "区农商行",
    "区供电公司",
];

const LOGS: [&str; 6] = [
    "走访农户，收集群众诉求，协调解决产业路硬化问题",
    "组织召开院坝会，宣讲惠民政策，指导村集体经济项目",
    "参加主题党日，帮助完善村级集体经济发展规划",
    "对接派出单位落实帮扶资金，跟进产业基地建设",
    "走访困难群众和留守老人，协调落实临时救助",
    "协助村两委开展人居环境整治和防汛排查",
];

pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    villages: &[&OrgRow],
    people: &mut People,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    // Villages first; communities only when a small demo has too few villages.
    let mut villages: Vec<&&OrgRow> = villages.iter().collect();
    villages.shuffle(rng);
    villages.sort_by_key(|v| v.owner != "village");
    let wanted = scaled(RESIDENT_CADRES, scale);
    let now = today();
    let this_month = date::format(now).get(..7).unwrap_or_default().to_string();
    let mut next_person = person::max_id(conn).await?;
    let (mut next_team, mut next_cadre) = resident::max_ids(conn).await?;
    let mut persons: Vec<(i64, PersonWrite)> = Vec::new();
    let (mut teams, mut cadres, mut months, mut grades) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sent = 0;
    for v in villages {
        if sent >= wanted {
            break;
        }
        // The current round: sent in the summer of 2024 for three years.
        let start = Date::from_calendar_date(2024, Month::July, 1).unwrap_or(Date::MIN)
            + Duration::days(rng.random_range(0..45));
        let start = start.min(now);
        let unit = UNITS[rng.random_range(0..UNITS.len())];
        next_team += 1;
        teams.push(TeamLoad {
            id: next_team,
            org_id: v.id,
            sending_unit: unit.to_string(),
            started_on: date::format(start),
            ends_on: date::format(date::add_months(start, 36)),
        });
        // Teams of three to five; the last ones sized so that the total comes out exact.
        let left = wanted - sent;
        let mut size = rng.random_range(3..=5);
        if left <= 5 {
            size = left.max(3);
        } else if left - size < 3 {
            size = 3;
        }
        for k in 0..size {
            let first = k == 0;
            let age = if first {
                rng.random_range(30..50)
            } else {
                rng.random_range(25..56)
            };
            let draft = people.person(age, rng.random_bool(0.25), now, rng);
            next_person += 1;
            persons.push((next_person, to_write(crypto, &draft)));
            next_cadre += 1;
            cadres.push(CadreLoad {
                id: next_cadre,
                team_id: next_team,
                person_id: next_person,
                role: if first { "first_secretary" } else { "member" },
                // Members come from the sending unit or, now and then, from a town's office.
                unit: if first || rng.random_bool(0.7) {
                    unit.to_string()
                } else {
                    "镇街机关".to_string()
                },
                started_on: date::format(start),
            });
            // Every month in post before this one, recorded with its log; most reach the
            // minimum, some fall short.
            let mut m = start;
            loop {
                let key = date::format(m).get(..7).unwrap_or_default().to_string();
                if key >= this_month {
                    break;
                }
                let most = i64::from(m.month().length(m.year()));
                let days = if rng.random_bool(0.9) {
                    rng.random_range(20..=23)
                } else {
                    rng.random_range(15..=19)
                }
                .min(most);
                months.push(MonthLoad {
                    cadre_id: next_cadre,
                    month: key,
                    days,
                    log: LOGS[rng.random_range(0..LOGS.len())].to_string(),
                });
                m = date::add_months(m.replace_day(1).unwrap_or(m), 1);
            }
            let last_year = i64::from(now.year()) - 1;
            if i64::from(start.year()) <= last_year {
                grades.push(GradeLoad {
                    cadre_id: next_cadre,
                    year: last_year,
                    grade: if rng.random_bool(0.2) {
                        "excellent"
                    } else {
                        "competent"
                    },
                });
            }
        }
        sent += size;
    }
    person::insert_bulk(conn, &persons).await?;
    resident::insert_bulk(conn, &teams, &cadres, &months, &grades).await?;
    Ok(())
}
