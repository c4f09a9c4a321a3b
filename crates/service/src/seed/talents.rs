//! Talents for the demo (FULING.md): 106 cadres promoted from the front line of poverty
//! alleviation, 146 high-end talents introduced and 560 new high-skill talents with their
//! "百千万" lines and the programme's targets by town, and 104 mentor studios that have
//! trained 5,500 and more apprentices, with their yearly assessments.

use std::collections::HashMap;

use dangjian_domain::cadres::talent::{StudioGrade, StudioYear, TalentRules};
use dangjian_domain::date;
use dangjian_store::Conn;
use dangjian_store::cadres::talent::{
    self as store, ApprenticeLoad, AssessmentRow, PromotionLoad, StudioLoad, TalentLoad, TargetLoad,
};
use dangjian_store::org::OrgRow;
use dangjian_store::person::{self, PersonWrite};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::people::People;
use super::tree::scaled;
use crate::cadres::person::to_write;
use crate::{Crypto, ServiceResult, today};

const PROMOTIONS: f64 = 106.0;
const HIGH_END: f64 = 146.0;
const HIGH_SKILL: f64 = 560.0;
const STUDIOS: f64 = 104.0;
/// Apprentices a studio has taken on a year, about (5,500 over the studios' years).
const APPRENTICES_A_YEAR: std::ops::RangeInclusive<usize> = 6..=11;

const FIELDS: [&str; 8] = [
    "榨菜加工",
    "电气焊接",
    "数控机床",
    "中药材种植",
    "汽车维修",
    "化工操作",
    "茶艺",
    "电子商务",
];

const EMPLOYERS: [&str; 6] = [
    "重庆市涪陵榨菜集团股份有限公司",
    "涪陵区人民医院",
    "长江师范学院",
    "重庆华峰化工有限公司",
    "涪陵区农业科学研究所",
    "太极集团重庆涪陵制药厂有限公司",
];

const POSTS: [(&str, &str); 4] = [
    ("镇街党委委员", "镇街党委副书记"),
    ("区级部门科长", "区级部门副局长"),
    ("镇街副镇长", "镇街党委书记"),
    ("村党组织书记", "镇街事业编制干部"),
];

struct Persons<'a> {
    crypto: &'a Crypto,
    next: i64,
    rows: Vec<(i64, PersonWrite)>,
}

impl Persons<'_> {
    fn add(&mut self, people: &mut People, age: i32, rng: &mut ChaCha8Rng) -> i64 {
        let d = people.person(age, rng.random_bool(0.35), today(), rng);
        self.next += 1;
        self.rows.push((self.next, to_write(self.crypto, &d)));
        self.next
    }
}

fn day(year: i32, rng: &mut ChaCha8Rng) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
        + Duration::days(rng.random_range(0..360))
}

pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    district: &OrgRow,
    towns: &[&OrgRow],
    people: &mut People,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let rules = TalentRules::default();
    let now = today();
    let this_year = now.year();
    let mut persons = Persons {
        crypto,
        next: person::max_id(conn).await?,
        rows: Vec::new(),
    };
    let keeper = |rng: &mut ChaCha8Rng| -> i64 {
        if towns.is_empty() || rng.random_bool(0.3) {
            district.id
        } else {
            towns[rng.random_range(0..towns.len())].id
        }
    };

    // Promotions in 2020 and 2021, most for the front line of poverty alleviation.
    let mut promotions = Vec::new();
    for _ in 0..scaled(PROMOTIONS, scale) {
        let (from, to) = POSTS[rng.random_range(0..POSTS.len())];
        let work = if rng.random_bool(0.8) {
            &rules.recognised_work[0]
        } else {
            &rules.recognised_work[rng.random_range(1..rules.recognised_work.len())]
        };
        let age = rng.random_range(30..48);
        promotions.push(PromotionLoad {
            org_id: keeper(rng),
            person_id: persons.add(people, age, rng),
            promoted_on: date::format(day(rng.random_range(2020..=2021), rng).min(now)),
            from_post: from.to_string(),
            to_post: to.to_string(),
            recognised_work: work.clone(),
        });
    }

    // Talents: the high-end introduced under the doctoral, master's and innovation lines, the
    // high-skill ones cultivated for industry and the countryside, spread over the years.
    let mut talents = Vec::new();
    let years: Vec<i32> = (2019..=this_year).collect();
    for (n, category, origin, lines) in [
        (
            scaled(HIGH_END, scale),
            "high_end",
            "introduced",
            &["doctor", "master", "innovation_team", "innovation_talent"][..],
        ),
        (
            scaled(HIGH_SKILL, scale),
            "high_skill",
            "cultivated",
            &["industry_skill", "industry_skill", "rural_revival"][..],
        ),
    ] {
        for _ in 0..n {
            let age = rng.random_range(26..50);
            talents.push(TalentLoad {
                org_id: keeper(rng),
                person_id: persons.add(people, age, rng),
                category,
                line: Some(lines[rng.random_range(0..lines.len())]),
                origin,
                field: FIELDS[rng.random_range(0..FIELDS.len())].to_string(),
                employer: EMPLOYERS[rng.random_range(0..EMPLOYERS.len())].to_string(),
                recognised_year: i64::from(years[rng.random_range(0..years.len())]),
            });
        }
    }
    // Each town's targets per line for the cycles since 2021, about what it reaches.
    let mut counted: HashMap<(i64, &str, i64), i64> = HashMap::new();
    for t in &talents {
        if let Some(line) = t.line {
            let cycle = 2021 + (t.recognised_year - 2021).div_euclid(3) * 3;
            *counted.entry((t.org_id, line, cycle)).or_default() += 1;
        }
    }
    let mut targets: Vec<TargetLoad> = counted
        .iter()
        .filter(|((_, _, cycle), _)| *cycle >= 2021)
        .map(|((org, line, cycle), n)| TargetLoad {
            org_id: *org,
            line,
            cycle_start: *cycle,
            target: (*n as f64 * rng.random_range(0.9..1.3)).round().max(1.0) as i64,
        })
        .collect();
    targets.sort_by_key(|t| (t.org_id, t.line, t.cycle_start));

    // Studios named from 2019, each taking apprentices every year, about a third finishing as
    // high-skill graduates; assessed each past year from what they did.
    let mut studios = Vec::new();
    let mut apprentices = Vec::new();
    let mut assessments = Vec::new();
    let mut next_studio = store::max_studio_id(conn).await?;
    let mut excellent_by_year: HashMap<i64, i64> = HashMap::new();
    let studio_count = scaled(STUDIOS, scale);
    for k in 0..studio_count {
        let field = FIELDS[rng.random_range(0..FIELDS.len())];
        let opened = day(rng.random_range(2019..=2021), rng);
        let age = rng.random_range(40..58);
        let master = persons.add(people, age, rng);
        next_studio += 1;
        let mut years_of: HashMap<i64, StudioYear> = HashMap::new();
        for year in opened.year()..=this_year {
            for _ in 0..rng.random_range(APPRENTICES_A_YEAR) {
                let start = day(year, rng).max(opened).min(now);
                let finish = start + Duration::days(rng.random_range(300..700));
                let finished = (finish < now).then_some(finish);
                let graduated = finished.is_some() && rng.random_bool(0.35);
                let age = rng.random_range(19..35);
                apprentices.push(ApprenticeLoad {
                    studio_id: next_studio,
                    person_id: persons.add(people, age, rng),
                    started_on: date::format(start),
                    finished_on: finished.map(date::format),
                    graduated,
                });
                // What the assessment reads: in training during a year, graduated in it.
                let last = finished.map_or(this_year, |f| f.year());
                for y in start.year()..=last {
                    years_of.entry(i64::from(y)).or_default().apprentices += 1;
                }
                if let (true, Some(f)) = (graduated, finished) {
                    years_of.entry(i64::from(f.year())).or_default().graduates += 1;
                }
            }
        }
        for year in i64::from(opened.year())..i64::from(this_year) {
            let y = years_of.get(&year).copied().unwrap_or_default();
            let best = rules.best_grade(y);
            let taken = excellent_by_year.get(&year).copied().unwrap_or(0);
            let grade = if best == StudioGrade::Excellent
                && taken < rules.excellent_cap(studio_count as i64)
                && rng.random_bool(0.5)
            {
                *excellent_by_year.entry(year).or_default() += 1;
                StudioGrade::Excellent
            } else if best == StudioGrade::Failed {
                StudioGrade::Failed
            } else {
                StudioGrade::Qualified
            };
            assessments.push(AssessmentRow {
                studio_id: next_studio,
                year,
                apprentices: y.apprentices,
                graduates: y.graduates,
                grade: grade.as_str().into(),
            });
        }
        studios.push(StudioLoad {
            id: next_studio,
            org_id: keeper(rng),
            name: format!("{field}技能大师工作室（{}）", k + 1),
            master_person_id: master,
            field: field.to_string(),
            host_unit: EMPLOYERS[rng.random_range(0..EMPLOYERS.len())].to_string(),
            opened_on: date::format(opened),
            cycle_ends_on: date::format(date::add_months(opened, rules.studio_cycle_years * 12)),
        });
    }
    person::insert_bulk(conn, &persons.rows).await?;
    store::insert_bulk(
        conn,
        &store::Load {
            talents: &talents,
            targets: &targets,
            promotions: &promotions,
            studios: &studios,
            apprentices: &apprentices,
            assessments: &assessments,
        },
    )
    .await?;
    Ok(())
}
