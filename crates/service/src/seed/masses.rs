//! Grids, households, pairings and a year of deeds shaped like Fuling's figures: about
//! 124,000 households in the villages and communities, nearly all with a responsible member
//! (about three households each), and 113,000 deeds over the last year.

use std::collections::HashMap;

use crate::{ServiceResult, today};
use dangjian_domain::masses::{DeedKind, Need, needs_text};
use dangjian_domain::{committee, date, path};
use dangjian_store::Conn;
use dangjian_store::masses::community_checkin::{self, NewCommunityCheckin, NewService};
use dangjian_store::masses::service_unit::{self, NewUnit};
use dangjian_store::masses::{self, CardRow, NewDeed, NewHousehold};
use dangjian_store::org::OrgRow;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Duration;

use super::life::BranchMembers;
use super::people::People;
use super::tree::{Tree, scaled};

const NEEDS: [(Need, f64); 6] = [
    (Need::ElderlyAlone, 0.08),
    (Need::LeftBehind, 0.05),
    (Need::Disabled, 0.03),
    (Need::LowIncome, 0.06),
    (Need::Veteran, 0.03),
    (Need::Sick, 0.02),
];

const DEEDS: [(DeedKind, &str); 8] = [
    (DeedKind::Visit, "入户走访，了解家庭近况和困难"),
    (DeedKind::Help, "协助办理临时救助申请"),
    (DeedKind::Mediation, "调解邻里宅基地纠纷"),
    (DeedKind::Sales, "帮助联系收购商销售榨菜"),
    (DeedKind::ElderCare, "看望独居老人，代购药品"),
    (DeedKind::Policy, "宣讲医保参保和惠农政策"),
    (DeedKind::Errand, "代办社保资格认证"),
    (DeedKind::Other, "协助清理房前屋后环境卫生"),
];

pub struct Counts {
    pub grids: usize,
    pub households: usize,
    pub paired: usize,
    pub deeds: usize,
    pub reported: usize,
    pub units: usize,
}

/// The villages and communities: the towns' children set up in a village or a community.
pub(super) fn villages(t: &Tree) -> Vec<&OrgRow> {
    let towns: Vec<i64> = t.towns.iter().map(|&i| t.orgs[i].id).collect();
    t.orgs
        .iter()
        .filter(|o| o.parent_id.is_some_and(|p| towns.contains(&p)))
        .filter(|o| o.owner == "village" || o.owner == "community")
        .collect()
}

/// Where each org and member lies, by village or community: the answers the generator asks
/// for every village, found once instead of by scanning every org for each village (at scale
/// 30 that scan was 12,700 villages × 160,000 branches).
struct Places<'t> {
    villages: HashMap<i64, &'t OrgRow>,
    /// Grid groups of each village, in the tree's order.
    groups: HashMap<i64, Vec<&'t OrgRow>>,
    /// Members of each village's branches, in the branches' order.
    members: HashMap<i64, Vec<i64>>,
    /// Villages of each town, in the villages' order.
    by_town: HashMap<i64, Vec<&'t OrgRow>>,
}

impl<'t> Places<'t> {
    fn new(t: &'t Tree, branches: &[BranchMembers<'_>], villages: &[&'t OrgRow]) -> Self {
        let mut p = Places {
            villages: villages.iter().map(|v| (v.id, *v)).collect(),
            groups: HashMap::new(),
            members: HashMap::new(),
            by_town: HashMap::new(),
        };
        for v in villages {
            p.by_town
                .entry(v.parent_id.unwrap_or_default())
                .or_default()
                .push(v);
        }
        for o in t.orgs.iter().filter(|o| o.kind == "grid_group") {
            if let Some(v) = p.village_of(&o.path) {
                p.groups.entry(v).or_default().push(o);
            }
        }
        for b in branches {
            if let Some(v) = p.village_of(&b.org.path) {
                p.members
                    .entry(v)
                    .or_default()
                    .extend(b.first_member..b.first_member + b.count);
            }
        }
        p
    }

    /// The village or community a path lies in (villages sit at depth 3, under their town).
    fn village_of(&self, p: &str) -> Option<i64> {
        path::ids(p)
            .get(2)
            .copied()
            .filter(|id| self.villages.contains_key(id))
    }

    fn groups(&self, village: i64) -> &[&'t OrgRow] {
        self.groups.get(&village).map_or(&[], Vec::as_slice)
    }

    fn members(&self, village: i64) -> &[i64] {
        self.members.get(&village).map_or(&[], Vec::as_slice)
    }

    fn of_town(&self, town: Option<i64>) -> &[&'t OrgRow] {
        town.and_then(|t| self.by_town.get(&t))
            .map_or(&[], Vec::as_slice)
    }
}

/// A grid before it is written: id, village id, village path, name, grid group.
type GridDraft = (i64, i64, String, String, Option<i64>);

/// What the villages laid out so far hold: grids, households, pairings, and each pairing's
/// member and household, to draw deeds from. Households and pairings are written and
/// dropped every `WRITE_CHUNK` (at scale 30 they would be 3.7 million rows held at once).
#[derive(Default)]
struct Layout {
    grids: Vec<GridDraft>,
    grids_written: usize,
    /// Households not written yet; the first has the id `households_written + 1`.
    households: Vec<(i64, String, String, String, i64, String)>,
    households_written: usize,
    pairings: Vec<(i64, i64, String)>,
    pairings_written: usize,
    served: Vec<(i64, i64)>,
}

/// Members outside villages, who serve where they live (下沉): those of a town's own units in
/// that town's villages, those of the district's systems anywhere.
struct Helpers {
    towns: HashMap<i64, Vec<i64>>,
    district: Vec<i64>,
    district_next: usize,
}

impl Helpers {
    fn new(t: &Tree, branches: &[BranchMembers<'_>], places: &Places<'_>) -> Self {
        let mut h = Helpers {
            towns: HashMap::new(),
            district: Vec::new(),
            district_next: 0,
        };
        for b in branches
            .iter()
            .filter(|b| places.village_of(&b.org.path).is_none())
        {
            let ids = b.first_member..b.first_member + b.count;
            match path::ids(&b.org.path).get(1) {
                Some(town) if t.towns.iter().any(|&i| t.orgs[i].id == *town) => {
                    h.towns.entry(*town).or_default().extend(ids)
                }
                _ => h.district.extend(ids),
            }
        }
        h
    }

    /// Adds helpers to `servers` up to `want`: the town's first, then the district's.
    fn top_up(&mut self, servers: &mut Vec<i64>, town: i64, want: usize) {
        if let Some(pool) = self.towns.get_mut(&town) {
            let take = want.saturating_sub(servers.len()).min(pool.len());
            servers.extend(pool.drain(..take));
        }
        while servers.len() < want && self.district_next < self.district.len() {
            servers.push(self.district[self.district_next]);
            self.district_next += 1;
        }
    }
}

pub(crate) async fn generate(
    conn: &mut Conn,
    t: &Tree,
    branches: &[BranchMembers<'_>],
    people: &People,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<Counts> {
    let villages = villages(t);
    let households_total = scaled(124_000.0, scale);
    let weights: Vec<f64> = villages
        .iter()
        .map(|_| rng.random_range(0.7..1.3))
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let places = Places::new(t, branches, &villages);
    let mut helpers = Helpers::new(t, branches, &places);
    let mut layout = Layout::default();
    for (vi, v) in villages.iter().enumerate() {
        let n = (households_total as f64 * weights[vi] / weight_sum).round() as usize;
        lay_out_village(&mut layout, places.groups(v.id), v, n, people, rng);
        pair_village(&mut layout, places.members(v.id), v, n, &mut helpers, rng);
        if layout.households.len() >= WRITE_CHUNK {
            write_households(conn, &mut layout).await?;
        }
    }
    write_households(conn, &mut layout).await?;
    let deeds = write_deeds(conn, branches, &layout.served, scale, rng).await?;
    let reported = reports(conn, branches, &places, &villages, scale, rng).await?;
    let units = structure(conn, t, &places, &layout.grids).await?;
    Ok(Counts {
        grids: layout.grids.len(),
        households: layout.households_written,
        paired: layout.pairings_written,
        deeds,
        reported,
        units,
    })
}

/// A village's or community's grids (one per grid group) and its `n` households.
fn lay_out_village(
    layout: &mut Layout,
    groups: &[&OrgRow],
    v: &OrgRow,
    n: usize,
    people: &People,
    rng: &mut ChaCha8Rng,
) {
    let n_grids = groups.len().max(1);
    let first_grid = layout.grids.len() as i64 + 1;
    for g in 0..n_grids {
        layout.grids.push((
            first_grid + g as i64,
            v.id,
            v.path.clone(),
            format!("第{}网格", g + 1),
            groups.get(g).map(|o| o.id),
        ));
    }
    let place = v
        .name
        .trim_end_matches("党委")
        .trim_end_matches("党总支")
        .trim_end_matches("党支部")
        .to_string();
    let community = v.owner == "community";
    for k in 0..n {
        let grid = first_grid + (k % n_grids) as i64;
        let address = if community {
            format!(
                "{place}{}栋{}单元{}",
                k / 24 + 1,
                k % 24 / 8 + 1,
                (k % 8 / 2 + 1) * 100 + (k % 2 + 1)
            )
        } else {
            format!("{place}{}组{}号", k / 30 + 1, k % 30 + 1)
        };
        let needs: Vec<Need> = NEEDS
            .iter()
            .filter(|(_, p)| rng.random_bool(*p))
            .map(|(n, _)| *n)
            .collect();
        layout.households.push((
            grid,
            v.path.clone(),
            address,
            people.name(rng),
            rng.random_range(1..=6),
            needs_text(&needs),
        ));
    }
}

/// Pairs most of the village's last `n` households: its own members serve them, about three
/// each, helped by members of the town's units and then of the district's when too few.
fn pair_village(
    layout: &mut Layout,
    own: &[i64],
    v: &OrgRow,
    n: usize,
    helpers: &mut Helpers,
    rng: &mut ChaCha8Rng,
) {
    let today = today();
    let first_house = (layout.households_written + layout.households.len() - n) as i64 + 1;
    let mut servers: Vec<i64> = own.to_vec();
    let to_pair = (n as f64 * rng.random_range(0.94..0.995)).round() as usize;
    let want = (to_pair as f64 / 2.85).ceil() as usize;
    servers.truncate(want);
    helpers.top_up(&mut servers, v.parent_id.unwrap_or_default(), want);
    if servers.is_empty() {
        return;
    }
    let to_pair = to_pair.min(servers.len() * 10);
    for k in 0..to_pair {
        let member = servers[k % servers.len()];
        let house = first_house + k as i64;
        let from = today - Duration::days(rng.random_range(30..1_000));
        layout.pairings.push((house, member, date::format(from)));
        layout.served.push((member, house));
    }
}

/// Writes the grids, households and pairings laid out since the last call.
/// The committee's members show who they are (亮身份): each holder's card, published, with
/// the post as duties.
pub(super) async fn publish_committee_cards(
    conn: &mut Conn,
    committees: &[(i64, i64, &str, String)],
    rng: &mut impl Rng,
) -> ServiceResult<()> {
    const PROMISES: [&str; 4] = [
        "带头学习、带头服务，群众有事找我，件件有回音。",
        "守初心、担使命，为群众办实事、解难题。",
        "亮身份、作表率，平时看得出、关键时刻站得出来。",
        "联系群众不走过场，群众的事当天有回应。",
    ];
    let alphabet = dangjian_domain::masses::CARD_CODE_ALPHABET;
    let cards: Vec<CardRow> = committees
        .iter()
        .map(|(_, member_id, post, _)| CardRow {
            member_id: *member_id,
            code: (0..dangjian_domain::masses::CARD_CODE_LEN)
                .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
                .collect(),
            duties: format!(
                "党支部{}",
                committee::Post::parse(post).map_or("委员", committee::Post::label)
            ),
            commitment: PROMISES[rng.random_range(0..PROMISES.len())].into(),
            published: true,
        })
        .collect();
    for chunk in cards.chunks(4_000) {
        masses::insert_cards_bulk(conn, chunk).await?;
    }
    Ok(())
}

async fn write_households(conn: &mut Conn, layout: &mut Layout) -> ServiceResult<()> {
    let today = today();
    let retain = date::format(today.replace_year(today.year() + 5).unwrap_or(today));
    masses::insert_grids_bulk(conn, &layout.grids[layout.grids_written..]).await?;
    layout.grids_written = layout.grids.len();
    let first = layout.households_written as i64 + 1;
    let rows: Vec<(i64, NewHousehold<'_>)> = layout
        .households
        .iter()
        .enumerate()
        .map(|(k, (grid, p, address, head, size, needs))| {
            (
                first + k as i64,
                NewHousehold {
                    grid_id: *grid,
                    org_path: p,
                    address,
                    head_name: head,
                    phone_cipher: None,
                    phone_masked: None,
                    size: *size,
                    needs,
                    legal_basis: "duty",
                    retain_until: &retain,
                    created_by: None,
                },
            )
        })
        .collect();
    masses::insert_households_bulk(conn, &rows).await?;
    drop(rows);
    layout.households_written += layout.households.len();
    layout.households.clear();
    masses::insert_pairings_bulk(conn, &layout.pairings).await?;
    layout.pairings_written += layout.pairings.len();
    layout.pairings.clear();
    Ok(())
}

/// Rows the demo holds in memory between writes of households and deeds.
const WRITE_CHUNK: usize = 10_000;

/// Deeds over the last year, by the members who serve the households; answers how many.
async fn write_deeds(
    conn: &mut Conn,
    branches: &[BranchMembers<'_>],
    served: &[(i64, i64)],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let today = today();
    let path_of: HashMap<i64, &str> = branches
        .iter()
        .flat_map(|b| (b.first_member..b.first_member + b.count).map(|m| (m, b.org.path.as_str())))
        .collect();
    let n_deeds = if served.is_empty() {
        0
    } else {
        scaled(113_000.0, scale)
    };
    let days: Vec<String> = (0..365)
        .map(|d| date::format(today - Duration::days(d)))
        .collect();
    let mut deeds = Vec::with_capacity(WRITE_CHUNK);
    for done in 0..n_deeds {
        let (member, house) = served[rng.random_range(0..served.len())];
        let (kind, text) = DEEDS[rng.random_range(0..DEEDS.len())];
        deeds.push(NewDeed {
            member_id: member,
            org_path: path_of.get(&member).copied().unwrap_or("/"),
            household_id: Some(house),
            done_on: &days[rng.random_range(0..days.len())],
            kind: kind.as_str(),
            description: text,
            minutes: rng.random_range(1..=8) * 30,
            confirmed: true,
            confirmed_by: None,
            recorded_by: None,
            task_force_id: None,
        });
        if deeds.len() == WRITE_CHUNK || done + 1 == n_deeds {
            masses::insert_deeds_bulk(conn, &deeds).await?;
            deeds.clear();
        }
    }
    Ok(n_deeds)
}

/// A unit of the demo's service structure, before it is written.
struct Unit {
    id: i64,
    parent: Option<i64>,
    tier: &'static str,
    name: String,
    org_id: i64,
    org_path: String,
    grid_id: Option<i64>,
}

impl Unit {
    fn new(id: i64, parent: Option<i64>, tier: &'static str, name: String, at: &OrgRow) -> Unit {
        Unit {
            id,
            parent,
            tier,
            name,
            org_id: at.id,
            org_path: at.path.clone(),
            grid_id: None,
        }
    }

    fn in_grid(self, grid: i64) -> Unit {
        Unit {
            grid_id: Some(grid),
            ..self
        }
    }
}

/// The service structure of each street: a group at the street, a team at each of its
/// communities, a squad for each grid (an estate) and two cells (buildings) in each squad,
/// the community's members spread over the cells with the first of each unit leading it.
async fn structure(
    conn: &mut Conn,
    t: &Tree,
    places: &Places<'_>,
    grids: &[GridDraft],
) -> ServiceResult<usize> {
    let mut units: Vec<Unit> = Vec::new();
    let mut members: Vec<(i64, i64, bool)> = Vec::new();
    let mut grids_of: HashMap<i64, Vec<&GridDraft>> = HashMap::new();
    for g in grids {
        grids_of.entry(g.1).or_default().push(g);
    }
    for &ti in &t.towns {
        let town = &t.orgs[ti];
        if !town.name.contains("街道") {
            continue;
        }
        let group = units.len() as i64 + 1;
        let street = town.name.trim_end_matches("党工委");
        units.push(Unit::new(
            group,
            None,
            "group",
            format!("{street}党员联系集团"),
            town,
        ));
        for v in places
            .of_town(Some(town.id))
            .iter()
            .filter(|v| v.owner == "community")
        {
            let place = v
                .name
                .trim_end_matches("党委")
                .trim_end_matches("党总支")
                .trim_end_matches("党支部");
            let team = units.len() as i64 + 1;
            units.push(Unit::new(
                team,
                Some(group),
                "team",
                format!("{place}党员联系队"),
                v,
            ));
            let mut cells = Vec::new();
            for (n, g) in grids_of.get(&v.id).into_iter().flatten().enumerate() {
                let squad = units.len() as i64 + 1;
                let name = format!("{}党员联系分队", g.3);
                units.push(Unit::new(squad, Some(team), "squad", name, v).in_grid(g.0));
                for b in 1..=2 {
                    let cell = units.len() as i64 + 1;
                    let name = format!("{}区{b}号楼党员联系小组", n + 1);
                    units.push(Unit::new(cell, Some(squad), "cell", name, v).in_grid(g.0));
                    cells.push(cell);
                }
            }
            let local = places.members(v.id);
            if let Some(&first) = local.first() {
                members.push((team, first, true));
            }
            for (k, m) in local.iter().enumerate().skip(1) {
                if cells.is_empty() {
                    break;
                }
                let cell = cells[k % cells.len()];
                members.push((cell, *m, k <= cells.len()));
            }
        }
    }
    let rows: Vec<(i64, NewUnit<'_>)> = units
        .iter()
        .map(|u| {
            (
                u.id,
                NewUnit {
                    parent_id: u.parent,
                    tier: u.tier,
                    name: &u.name,
                    org_id: u.org_id,
                    org_path: &u.org_path,
                    grid_id: u.grid_id,
                },
            )
        })
        .collect();
    service_unit::insert_bulk(conn, &rows).await?;
    service_unit::add_members_bulk(conn, &members, &date::format(today())).await?;
    Ok(units.len())
}

/// 双报到: about 10,000 members of agencies, institutions and enterprises registered with a
/// village or community (of their unit's town when it has one), with some service this year
/// and last year's rating.
async fn reports(
    conn: &mut Conn,
    branches: &[BranchMembers<'_>],
    places: &Places<'_>,
    villages: &[&OrgRow],
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let candidates: Vec<(i64, &str)> = branches
        .iter()
        .filter(|b| places.village_of(&b.org.path).is_none())
        .flat_map(|b| (b.first_member..b.first_member + b.count).map(|m| (m, b.org.path.as_str())))
        .collect();
    if candidates.is_empty() || villages.is_empty() {
        return Ok(0);
    }
    let n = scaled(10_000.0, scale).min(candidates.len());
    let step = candidates.len() as f64 / n as f64;
    let today = today();
    let mut rows = Vec::with_capacity(n);
    let mut dates = Vec::with_capacity(n);
    for k in 0..n {
        let (member, member_path) = candidates[(k as f64 * step) as usize];
        let town = path::ids(member_path).get(1).copied();
        let local = places.of_town(town);
        let v = if local.is_empty() {
            villages[rng.random_range(0..villages.len())]
        } else {
            local[rng.random_range(0..local.len())]
        };
        dates.push(date::format(
            today - Duration::days(rng.random_range(30..1_100)),
        ));
        rows.push((k as i64 + 1, member, member_path, v.id, v.path.as_str()));
    }
    let reports: Vec<(i64, NewCommunityCheckin<'_>)> = rows
        .iter()
        .zip(&dates)
        .map(
            |((id, member, member_path, community, community_path), on)| {
                (
                    *id,
                    NewCommunityCheckin {
                        member_id: *member,
                        member_path,
                        community_id: *community,
                        community_path,
                        registered_on: on,
                    },
                )
            },
        )
        .collect();
    community_checkin::insert_bulk(conn, &reports).await?;
    let days: Vec<String> = (0..300)
        .map(|d| date::format(today - Duration::days(d)))
        .collect();
    let mut services = Vec::new();
    let mut ratings = Vec::new();
    let last_year = today.year() - 1;
    for (id, _, _, _, _) in &rows {
        let registered = &dates[(*id - 1) as usize];
        for _ in 0..rng.random_range(0..=3) {
            let day = &days[rng.random_range(0..days.len())];
            if day >= registered {
                let (kind, text) = DEEDS[rng.random_range(0..DEEDS.len())];
                services.push(NewService {
                    report_id: *id,
                    done_on: day,
                    kind: kind.as_str(),
                    description: text,
                    minutes: rng.random_range(2..=8) * 30,
                    confirmed: true,
                    confirmed_by: None,
                });
            }
        }
        if registered.as_str() < format!("{last_year}-12-31").as_str() {
            let rating = match rng.random_range(0..100) {
                0..40 => "excellent",
                40..85 => "good",
                85..97 => "fair",
                _ => "poor",
            };
            ratings.push((*id, last_year, rating));
        }
    }
    community_checkin::insert_services_bulk(conn, &services).await?;
    community_checkin::rate_bulk(conn, &ratings).await?;
    Ok(n)
}
