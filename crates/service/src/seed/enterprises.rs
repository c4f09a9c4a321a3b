//! Non-public enterprises and social organizations for the demo: a unit for every
//! enterprise's and social organization's own organization in the tree, two to six units
//! under each joint one, and units with none (some reached by a union or the youth league);
//! 118 leaders who look after enterprises and 350 factory liaisons (FULING.md), instructors
//! for about three units each, and a year of their visits.

use dangjian_domain::date;
use dangjian_domain::enterprises::credit_code::CreditCode;
use dangjian_domain::enterprises::{EnterpriseRules, OrgSetup, Size, UnitKind};
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_store::Conn;
use dangjian_store::enterprises::helpers::{self as helpers, HelperLoad, VisitLoad};
use dangjian_store::enterprises::register::{self as register, EnterpriseLoad, EnterpriseWrite};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Duration;

use super::life::BranchMembers;
use super::tree::{Tree, scaled};
use crate::{ServiceResult, today};

const LEADERS: f64 = 118.0;
const LIAISONS: f64 = 350.0;

const TRADES: [&str; 10] = [
    "榨菜食品",
    "化工新材料",
    "机械制造",
    "建材",
    "物流",
    "电子科技",
    "生物医药",
    "农业开发",
    "商贸",
    "建筑工程",
];
const WORDS: [&str; 12] = [
    "长江",
    "乌江",
    "白鹤",
    "望州",
    "太极",
    "金帝",
    "华峰",
    "辣妹子",
    "鑫源",
    "龙腾",
    "宏达",
    "聚鑫",
];
const SOCIETIES: [&str; 8] = [
    "榨菜产业协会",
    "餐饮行业协会",
    "个体劳动者协会",
    "志愿者协会",
    "养老服务中心",
    "青少年发展基金会",
    "律师协会",
    "物业管理协会",
];
const VISITS: [&str; 4] = [
    "指导党组织规范开展三会一课",
    "了解企业生产经营和用工情况",
    "宣讲惠企政策，收集企业诉求",
    "指导发展党员和党建工作阵地建设",
];

/// A valid credit code for the `n`-th unit of a kind: the organization codes of registered
/// units are drawn from the index, so that no two collide.
fn code(n: usize, social: bool) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = String::new();
    let mut x = n * 7919 + 104_729;
    for _ in 0..8 {
        body.insert(0, char::from(ALPHABET[x % ALPHABET.len()]));
        x /= ALPHABET.len();
    }
    let head = if social { "52500102" } else { "91500102" };
    CreditCode::compose(&format!("{head}{body}A"))
        .map(|c| c.as_str().to_string())
        .unwrap_or_default()
}

fn pick<'a>(items: &'a [&'a str], rng: &mut ChaCha8Rng) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// Any member of the demo, drawn evenly over the branches with members.
fn a_member(branches: &[&BranchMembers<'_>], rng: &mut ChaCha8Rng) -> i64 {
    let b = branches[rng.random_range(0..branches.len())];
    b.first_member + rng.random_range(0..b.count)
}

pub(crate) async fn generate(
    conn: &mut Conn,
    t: &Tree,
    branches: &[BranchMembers<'_>],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let rules = EnterpriseRules::default();
    let towns: Vec<i64> = t.towns.iter().map(|&i| t.orgs[i].id).collect();
    let branches: Vec<&BranchMembers<'_>> = branches.iter().filter(|b| b.count > 0).collect();
    if towns.is_empty() || branches.is_empty() {
        return Ok(());
    }
    let mut units = Vec::new();
    let add = |units: &mut Vec<EnterpriseLoad>,
               kind: UnitKind,
               setup: OrgSetup,
               party_org_id: Option<i64>,
               rng: &mut ChaCha8Rng| {
        let social = kind == UnitKind::SocialOrg;
        let n = units.len();
        let name = if social {
            format!("重庆市涪陵区{}{}", pick(&WORDS, rng), pick(&SOCIETIES, rng))
        } else {
            format!("重庆{}{}有限公司", pick(&WORDS, rng), pick(&TRADES, rng))
        };
        let none = setup == OrgSetup::None;
        units.push(EnterpriseLoad {
            id: n as i64 + 1,
            write: EnterpriseWrite {
                org_id: towns[rng.random_range(0..towns.len())],
                name,
                credit_code: code(n, social),
                kind: kind.as_str(),
                industry: rules.industries[rng.random_range(0..rules.industries.len())].clone(),
                size: [Size::Medium, Size::Small, Size::Small, Size::Micro][rng.random_range(0..4)]
                    .as_str(),
                staff: rng.random_range(8..600),
                address: String::new(),
                // A few units without an organization have stopped operating.
                operating: !(none && rng.random_bool(0.08)),
                org_setup: setup.as_str(),
                party_org_id,
                members_elsewhere: rng.random_range(0..4),
                has_union: !none || rng.random_bool(0.35),
                has_youth_league: !none && rng.random_bool(0.3) || none && rng.random_bool(0.15),
            },
        });
    };
    for o in t.orgs.iter().filter(|o| o.closed_on.is_none()) {
        let kind = match OrgOwner::parse(&o.owner) {
            Some(OrgOwner::PrivateEnterprise) => UnitKind::Enterprise,
            Some(OrgOwner::SocialOrg) => UnitKind::SocialOrg,
            _ => continue,
        };
        match OrgKind::parse(&o.kind) {
            Some(OrgKind::Branch | OrgKind::GeneralBranch) => {
                add(&mut units, kind, OrgSetup::Own, Some(o.id), rng);
            }
            Some(OrgKind::JointBranch) => {
                for _ in 0..rng.random_range(2..=6) {
                    add(&mut units, kind, OrgSetup::Joint, Some(o.id), rng);
                }
            }
            _ => {}
        }
    }
    let organized = units.len();
    for _ in 0..organized / 6 {
        let kind = if rng.random_bool(0.1) {
            UnitKind::SocialOrg
        } else {
            UnitKind::Enterprise
        };
        add(&mut units, kind, OrgSetup::None, None, rng);
    }
    register::insert_bulk(conn, &units).await?;

    // Helpers on operating enterprises; instructors first for the units without their own
    // organization.
    let operating: Vec<&EnterpriseLoad> = units.iter().filter(|u| u.write.operating).collect();
    let today = today();
    let mut assigned = Vec::new();
    let mut visits = Vec::new();
    let mut next = 0i64;
    let mut assign = |assigned: &mut Vec<HelperLoad>,
                      unit: i64,
                      member: i64,
                      role: &'static str,
                      start: time::Date,
                      end: Option<time::Date>| {
        next += 1;
        assigned.push(HelperLoad {
            id: next,
            enterprise_id: unit,
            member_id: member,
            role,
            start_on: date::format(start),
            end_on: end.map(date::format),
        });
        next
    };
    let uncovered: Vec<&&EnterpriseLoad> = operating
        .iter()
        .filter(|u| u.write.org_setup != OrgSetup::Own.as_str())
        .collect();
    for chunk in uncovered.chunks(rules.instructor_units as usize) {
        // Some units wait for an instructor: they are the ones the coverage lists.
        if rng.random_bool(0.25) {
            continue;
        }
        let member = a_member(&branches, rng);
        let start = today - Duration::days(rng.random_range(30..600));
        let end =
            dangjian_domain::enterprises::helpers::term_end(start, rules.instructor_term_years);
        for u in chunk {
            let id = assign(&mut assigned, u.id, member, "instructor", start, Some(end));
            // A year of months, each with visits adding up to 6–14 days on site.
            for back in 0..12 {
                let month_start = date::add_months(today.replace_day(1).unwrap_or(today), -back);
                if month_start < start || month_start > today {
                    continue;
                }
                let days = rng.random_range(2..=5);
                let on = month_start + Duration::days(rng.random_range(0..20));
                if on <= today {
                    visits.push(VisitLoad {
                        helper_id: id,
                        visited_on: date::format(on),
                        days,
                        content: pick(&VISITS, rng),
                    });
                }
            }
        }
    }
    for _ in 0..scaled(LEADERS, scale) {
        let member = a_member(&branches, rng);
        let unit = operating[rng.random_range(0..operating.len())].id;
        let start = today - Duration::days(rng.random_range(200..900));
        let id = assign(&mut assigned, unit, member, "leader", start, None);
        for q in 0..4 {
            let on = today - Duration::days(q * 91 + rng.random_range(0..80));
            if on >= start && rng.random_bool(0.85) {
                visits.push(VisitLoad {
                    helper_id: id,
                    visited_on: date::format(on),
                    days: 1,
                    content: pick(&VISITS, rng),
                });
            }
        }
    }
    for _ in 0..scaled(LIAISONS, scale) {
        let member = a_member(&branches, rng);
        let unit = operating[rng.random_range(0..operating.len())].id;
        let start = today - Duration::days(rng.random_range(100..1000));
        let id = assign(&mut assigned, unit, member, "liaison", start, None);
        for m in 0..6 {
            let on = today - Duration::days(m * 30 + rng.random_range(0..25));
            if on >= start {
                visits.push(VisitLoad {
                    helper_id: id,
                    visited_on: date::format(on),
                    days: rng.random_range(1..=3),
                    content: pick(&VISITS, rng),
                });
            }
        }
    }
    helpers::insert_bulk(conn, &assigned, &visits).await?;
    Ok(())
}
