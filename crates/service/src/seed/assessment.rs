//! Star ratings for the demo: last year's, published, for every grassroots organization, its
//! computed items taken from the demo's own records and the rest drawn; and this year's
//! scheme with the organizations' own scoring open now, so that a branch can score itself.

use dangjian_domain::assessment::scheme::{Rule, Scheme};
use dangjian_domain::assessment::stars::{DEFAULT_PUBLISH_DAYS, DEFAULT_SELF_DAYS};
use dangjian_domain::date;
use dangjian_domain::org::OrgKind;
use dangjian_store::Conn;
use dangjian_store::assessment::stars::{self as store, DemoRating, SchemeWrite, ScoreRow};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Date;

use super::tree::Tree;
use crate::assessment::{figures, rated_kinds};
use crate::{ServiceError, ServiceResult, now_ms, today};

fn body(s: &Scheme) -> ServiceResult<String> {
    serde_json::to_string(s).map_err(|e| ServiceError::Internal(format!("方案无法保存：{e}")))
}

/// Returns the number of ratings written.
pub(crate) async fn stars(conn: &mut Conn, t: &Tree, rng: &mut ChaCha8Rng) -> ServiceResult<usize> {
    let scheme = Scheme::default();
    let this_year = i64::from(today().year());
    let last_year = this_year - 1;
    let text = body(&scheme)?;
    let last_id = store::insert_scheme(
        conn,
        last_year,
        &SchemeWrite {
            body: &text,
            self_opens_on: &format!("{last_year}-12-01"),
            self_days: DEFAULT_SELF_DAYS,
            publish_days: DEFAULT_PUBLISH_DAYS,
        },
        None,
    )
    .await?;
    store::fix_scheme(conn, last_id).await?;
    store::insert_scheme(
        conn,
        this_year,
        &SchemeWrite {
            body: &text,
            self_opens_on: &date::format(today() - time::Duration::days(2)),
            self_days: DEFAULT_SELF_DAYS,
            publish_days: DEFAULT_PUBLISH_DAYS,
        },
        None,
    )
    .await?;

    let kinds = rated_kinds();
    let rated: Vec<_> = t
        .orgs
        .iter()
        .filter(|o| o.closed_on.is_none() && kinds.contains(&o.kind.as_str()))
        .collect();
    let Some(root) = t.orgs.iter().find(|o| o.parent_id.is_none()) else {
        return Ok(0);
    };
    let branches: Vec<String> = rated
        .iter()
        .filter(|o| OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members))
        .map(|o| o.path.clone())
        .collect();
    let as_of = date::parse(&format!("{this_year}-01-15")).unwrap_or_else(today);
    let records = figures::records(conn, &root.path, &branches, last_year, as_of).await?;
    let published_at =
        date::parse(&format!("{this_year}-01-20")).map_or_else(now_ms, date::start_ms);
    let until = format!("{this_year}-01-24");
    let mut ratings = Vec::with_capacity(rated.len());
    let mut scores: Vec<(i64, Vec<ScoreRow>)> = Vec::with_capacity(rated.len());
    for o in &rated {
        let rec = records.get(&o.path).cloned().unwrap_or_default();
        // A few organizations carry most of the weakness: draw each one's diligence once.
        let diligence: f64 = rng.random_range(0.55..1.0);
        let innovation = rng.random_bool(0.12);
        let mut rows = Vec::new();
        let mut total = 0;
        for item in scheme.items() {
            let mut row = ScoreRow {
                item_code: item.code.clone(),
                ..ScoreRow::default()
            };
            let score = match &item.rule {
                Rule::Computed { source } => {
                    let f = rec.figure(*source);
                    let s = f.score(item.points_tenths);
                    row.computed_tenths = Some(s);
                    row.figure = f.text;
                    s
                }
                Rule::Deduction {
                    per_unit_tenths, ..
                } => {
                    let units = i64::from(rng.random_bool(1.0 - diligence))
                        + i64::from(rng.random_bool((1.0 - diligence) / 2.0));
                    row.units = Some(units);
                    (item.points_tenths - per_unit_tenths * units).max(0)
                }
                Rule::Manual if item.innovation => {
                    if innovation {
                        item.points_tenths * rng.random_range(5..=10) / 10
                    } else {
                        0
                    }
                }
                Rule::Manual => {
                    (item.points_tenths as f64 * rng.random_range(diligence..=1.0)).round() as i64
                }
            };
            row.self_tenths = Some(score);
            total += score;
            rows.push(row);
        }
        let has_innovation = rows
            .iter()
            .zip(scheme.items())
            .any(|(r, i)| i.innovation && r.self_tenths.unwrap_or(0) > 0);
        let stars = i64::from(scheme.tiers.stars_for(total, has_innovation));
        ratings.push(DemoRating {
            scheme_id: last_id,
            year: last_year,
            org_id: o.id,
            org_path: &o.path,
            state: "published",
            total_tenths: total,
            stars,
            at: published_at,
            publish_until: Some(&until),
        });
        scores.push((o.id, rows));
    }
    let ids: std::collections::HashMap<i64, i64> = store::insert_ratings(conn, last_year, &ratings)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<(i64, ScoreRow)> = scores
        .into_iter()
        .filter_map(|(org, rows)| ids.get(&org).map(|id| (*id, rows)))
        .flat_map(|(id, rows)| rows.into_iter().map(move |r| (id, r)))
        .collect();
    store::insert_scores(conn, &rows).await?;
    Ok(ratings.len())
}

/// Three years of the weak-and-lax list and of red flags, as the seed reports them for
/// Fuling ("三年共评选红旗村（社区）党组织120个，排查整顿软弱涣散基层党组织118个"): about 40
/// organizations of villages and communities a year each way, a few listed twice, all signed off
/// but the last year's latest; every plan with its three lists done and its acceptance.
/// Returns (listings, red flags).
pub(crate) async fn weak_and_red(
    conn: &mut Conn,
    t: &Tree,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<(usize, usize)> {
    use dangjian_store::assessment::weak as weak_store;

    let kinds: std::collections::HashMap<i64, &str> =
        t.orgs.iter().map(|o| (o.id, o.kind.as_str())).collect();
    let mut villages: Vec<_> = t
        .orgs
        .iter()
        .filter(|o| o.closed_on.is_none())
        .filter(|o| OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots))
        .filter(|o| {
            o.parent_id
                .and_then(|p| kinds.get(&p))
                .is_some_and(|k| *k == OrgKind::TownCommittee.as_str())
        })
        .collect();
    villages.sort_by_cached_key(|_| rng.random::<u64>());
    let per_year = super::tree::scaled(40.0, scale).min(villages.len() / 3);
    let this_year = i64::from(today().year());
    const REASONS: [&str; 6] = [
        "书记岗位空缺 5 个月",
        "三会一课应开 24 次，实开 9 次",
        "本年度未开展民主评议党员",
        "连续 2 年未发展党员",
        "群众满意度 54%",
        "信访：重复信访 3 件",
    ];
    let (mut listings, mut flags) = (0, 0);
    for (k, year) in (this_year - 3..this_year).enumerate() {
        // A few of the year before listed again.
        let start = (k * per_year).saturating_sub(if k > 0 { 3 } else { 0 });
        let listed = &villages[start..(start + per_year).min(villages.len())];
        let decided_on = format!("{year}-03-10");
        let document = format!("涪委组〔{year}〕{}号", 12 + k);
        for (i, o) in listed.iter().enumerate() {
            let first = rng.random_range(0..REASONS.len());
            let mut reasons = vec![REASONS[first]];
            if rng.random_bool(0.4) {
                reasons.push(REASONS[(first + 1) % REASONS.len()]);
            }
            let json = serde_json::to_string(&reasons)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let id =
                weak_store::insert_listing(conn, year, (o.id, &o.path), (&json, ""), None).await?;
            weak_store::decide(conn, id, true, (&decided_on, &document)).await?;
            weak_store::set_support(
                conn,
                id,
                &weak_store::Support {
                    district_leader: "区委常委",
                    town_leader: "镇街党（工）委书记",
                    department: "区委组织部",
                    first_secretary: "驻村第一书记",
                },
            )
            .await?;
            let open = year == this_year - 1 && i % 10 == 9;
            for (list, content) in [
                ("problem", "组织生活不规范，班子凝聚力不强"),
                ("measure", "每月开展主题党日，书记上党课，选优配强班子"),
                ("duty", "村党组织书记牵头，镇街包村领导督导"),
            ] {
                let item = weak_store::insert_item(
                    conn,
                    &weak_store::NewItem {
                        listing_id: id,
                        list,
                        content,
                        person: "村党组织书记",
                        deadline: &format!("{year}-10-31"),
                    },
                )
                .await?;
                if !open || list == "problem" {
                    weak_store::finish_item(conn, id, item, &format!("{year}-09-30")).await?;
                    weak_store::insert_progress(conn, id, Some(item), "已按期完成", "镇街组织办")
                        .await?;
                }
            }
            if !open {
                let held_on = format!("{year}-11-20");
                let score = rng.random_range(75..=95);
                weak_store::insert_sign_off(
                    conn,
                    &weak_store::NewSignOff {
                        listing_id: id,
                        held_on: &held_on,
                        score,
                        vote: [15, 11, 3, 1],
                        passed: true,
                        verdict: "通过验收，销号",
                        new_deadline: None,
                        by: None,
                    },
                )
                .await?;
                weak_store::sign_off_listing(conn, id, (&held_on, &format!("{}-11-20", year + 1)))
                    .await?;
            }
            listings += 1;
        }
        // Red flags among the villages not listed that year, some held again.
        let pool = &villages[villages.len() - (per_year + 2 * k).min(villages.len())..];
        let awarded_on = format!("{}-01-15", year + 1);
        let flag_doc = format!("涪委〔{}〕{}号", year + 1, 3 + k);
        for o in pool.iter().take(per_year) {
            weak_store::insert_red_flag(conn, year, (o.id, &o.path), (&awarded_on, &flag_doc))
                .await?;
            flags += 1;
        }
    }
    Ok((listings, flags))
}

/// Three years of leaders' contact points (the seed: "建立区管领导干部联系点1195个…解决问题
/// 2330个"): two points per leader, visits four times a year (this year's still coming for
/// some), and problems found on visits with their clocks, closed but for this year's latest.
/// Returns (points, problems closed).
pub(crate) async fn contact_points(
    conn: &mut Conn,
    t: &Tree,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<(usize, usize)> {
    use dangjian_domain::assessment::problem::{ProblemClock, Step};
    use dangjian_domain::assessment::workday::{Calendar, NOTICE_2026};
    use dangjian_store::assessment::contact::{DemoPoint, DemoProblem, insert_demo};

    const SURNAMES: [&str; 12] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "冉",
    ];
    const GIVEN: [&str; 10] = [
        "建国", "志强", "海燕", "明华", "晓东", "红梅", "国庆", "德才", "秀英", "文斌",
    ];
    const TITLES: [&str; 5] = [
        "区委常委",
        "副区长",
        "区人大常委会副主任",
        "区政协副主席",
        "区级部门主要负责人",
    ];
    const PROBLEMS: [(&str, &str); 8] = [
        ("村道路灯损坏，夜间出行不便", "区住房城乡建委"),
        ("产业路硬化资金缺口", "区交通局"),
        ("党群服务中心屋面漏雨", "镇街党（工）委"),
        ("饮水管网老化，供水不稳定", "区水利局"),
        ("榨菜收购价格偏低，销路不畅", "区农业农村委"),
        ("留守老人照料缺人手", "区民政局"),
        ("村级活动阵地设施陈旧", "区委组织部"),
        ("易地搬迁点排水不畅", "区住房城乡建委"),
    ];
    let calendar = Calendar::default().with(&NOTICE_2026);
    let clock = ProblemClock::default();
    let kinds = rated_kinds();
    let mut places: Vec<_> = t
        .orgs
        .iter()
        .filter(|o| o.closed_on.is_none() && o.depth >= 3 && kinds.contains(&o.kind.as_str()))
        .collect();
    if places.is_empty() {
        return Ok((0, 0));
    }
    places.sort_by_cached_key(|_| rng.random::<u64>());
    let n_points = super::tree::scaled(1195.0, scale);
    let this_year = i64::from(today().year());
    let names: Vec<(String, &str)> = (0..n_points.div_ceil(2))
        .map(|k| {
            (
                format!(
                    "{}{}",
                    SURNAMES[k % SURNAMES.len()],
                    GIVEN[(k / SURNAMES.len()) % GIVEN.len()]
                ) + &if k >= SURNAMES.len() * GIVEN.len() {
                    format!("{}", k / 120)
                } else {
                    String::new()
                },
                TITLES[k % TITLES.len()],
            )
        })
        .collect();
    let points: Vec<DemoPoint> = (0..n_points)
        .map(|i| {
            let o = places[i % places.len()];
            let (name, title) = &names[i / 2];
            DemoPoint {
                id: i as i64 + 1,
                leader: (name, title),
                org: (o.id, &o.path),
                started_on: "2021-06-01",
            }
        })
        .collect();
    let mut visits: Vec<(i64, String, &str)> = Vec::new();
    let today = today();
    for p in &points {
        for year in this_year - 2..=this_year {
            let n = if year == this_year {
                rng.random_range(2..=4)
            } else {
                4
            };
            for (k, month) in [3u8, 6, 9, 11].into_iter().take(n).enumerate() {
                let d = format!("{year}-{month:02}-{:02}", 8 + k + rng.random_range(0..10));
                if date::parse(&d).is_some_and(|d| d <= today) {
                    visits.push((p.id, d, "走访调研，听取党员群众意见"));
                }
            }
        }
    }
    let closed = super::tree::scaled(2330.0, scale);
    let open = super::tree::scaled(120.0, scale);
    // First every problem's own data, then the rows borrowing from it.
    struct Drawn {
        point: i64,
        on: Date,
        state: &'static str,
        days: [Option<String>; 7],
        deadline: String,
    }
    let mut drawn: Vec<Drawn> = Vec::with_capacity(closed + open);
    for k in 0..closed + open {
        let is_open = k >= closed;
        // Open ones come from this year's visits, closed ones from any.
        let (point, on) = loop {
            let v = &visits[rng.random_range(0..visits.len())];
            let d = date::parse(&v.1).unwrap_or(today);
            if !is_open || i64::from(d.year()) == this_year {
                break (v.0, d);
            }
        };
        let accept_due = clock.due(&calendar, Step::Accept, on);
        let accepted = calendar.add_working_days(on, rng.random_range(0..=2));
        let reply_due = clock.due(&calendar, Step::Reply, accepted);
        let replied = calendar.add_working_days(accepted, rng.random_range(2..=6));
        let feedback_due = clock.due(&calendar, Step::Feedback, replied);
        let closed_on = calendar.add_working_days(replied, rng.random_range(1..=4));
        // A step reached only if the plan goes that far and its day has come.
        let goal = if is_open { rng.random_range(0..3) } else { 3 };
        let reached = |s: usize, d: Date| goal >= s && d <= today;
        let stage = if reached(3, closed_on) && reached(2, replied) && reached(1, accepted) {
            3
        } else if reached(2, replied) && reached(1, accepted) {
            2
        } else if reached(1, accepted) {
            1
        } else {
            0
        };
        let state = ["logged", "accepted", "replied", "closed"][stage];
        let at = |s: usize, d: Date| (stage >= s).then(|| date::format(d));
        let days = [
            Some(date::format(on)),
            Some(date::format(accept_due)),
            at(1, accepted),
            at(1, reply_due),
            at(2, replied),
            at(2, feedback_due),
            at(3, closed_on),
        ];
        let deadline = date::format(on + time::Duration::days(rng.random_range(15..=45)));
        drawn.push(Drawn {
            point,
            on,
            state,
            days,
            deadline,
        });
    }
    let mut seq: std::collections::HashMap<i32, i64> = std::collections::HashMap::new();
    let problems: Vec<DemoProblem> = drawn
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let Drawn {
                point,
                on,
                state,
                days,
                deadline,
            } = d;
            let n = seq.entry(on.year()).or_default();
            *n += 1;
            let (content, unit) = PROBLEMS[k % PROBLEMS.len()];
            DemoProblem {
                no: format!("WT{:04}-{:05}", on.year(), n),
                point_id: *point,
                org: points[(*point - 1) as usize].org,
                facts: [
                    content,
                    unit,
                    "问题解决、群众满意",
                    "制定方案、落实资金、限期完成",
                    deadline,
                ],
                state,
                days: days.clone(),
                reply: if days[4].is_some() {
                    "已协调解决，详见办理情况"
                } else {
                    ""
                },
                feedback: if days[6].is_some() { "满意" } else { "" },
            }
        })
        .collect();
    let closed_n = problems.iter().filter(|q| q.state == "closed").count();
    insert_demo(conn, &points, &visits, &problems).await?;
    Ok((points.len(), closed_n))
}

/// Service-centre projects ("实施党群服务中心建设项目180个"), most completed over the last
/// three years, and the secretaries' ratings of the latest round (November–December): the
/// district rates its towns, each town its villages and communities. Returns (projects,
/// ratings).
pub(crate) async fn projects_and_ratings(
    conn: &mut Conn,
    t: &Tree,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<(usize, usize)> {
    use dangjian_domain::assessment::rating::{Grade, Votes};
    use dangjian_store::assessment::people::{
        ProjectWrite, RatingWrite, insert_projects, put_rating,
    };

    let kinds = rated_kinds();
    let today = today();
    let this_year = i64::from(today.year());
    let mut sites: Vec<_> = t
        .orgs
        .iter()
        .filter(|o| o.closed_on.is_none() && o.depth == 3 && kinds.contains(&o.kind.as_str()))
        .collect();
    sites.sort_by_cached_key(|_| rng.random::<u64>());
    let n = super::tree::scaled(180.0, scale).min(sites.len());
    struct Plan {
        planned: String,
        started: Option<String>,
        done: Option<String>,
        stage: &'static str,
        budget: i64,
    }
    let mut dates: Vec<Plan> = Vec::with_capacity(n);
    for _ in 0..n {
        let year = this_year - rng.random_range(0..3);
        let planned = format!(
            "{year}-{:02}-{:02}",
            rng.random_range(3..=6),
            rng.random_range(1..=28)
        );
        let started = format!(
            "{year}-{:02}-{:02}",
            rng.random_range(7..=8),
            rng.random_range(1..=28)
        );
        let done = format!(
            "{year}-{:02}-{:02}",
            rng.random_range(10..=11),
            rng.random_range(1..=28)
        );
        let roll: f64 = rng.random();
        let on = |d: &String| date::parse(d).is_some_and(|d| d <= today);
        let (stage, started, done) = if roll < 0.8 && on(&done) {
            ("completed", Some(started), Some(done))
        } else if roll < 0.93 && on(&started) {
            ("building", Some(started), None)
        } else {
            ("planned", None, None)
        };
        let budget = rng.random_range(5..=60) * 10_000 * 100;
        dates.push(Plan {
            planned,
            started,
            done,
            stage,
            budget,
        });
    }
    let rows: Vec<ProjectWrite> = sites
        .iter()
        .zip(&dates)
        .map(|(o, p)| ProjectWrite {
            org: (o.id, &o.path),
            name: "党群服务中心提档升级",
            budget_fen: p.budget,
            stage: p.stage,
            planned_on: &p.planned,
            started_on: p.started.as_deref(),
            completed_on: p.done.as_deref(),
            note: "",
            by: None,
        })
        .collect();
    insert_projects(conn, &rows).await?;

    // The latest round: this year's once November has come, else last year's.
    let year = if u8::from(today.month()) >= 11 {
        this_year
    } else {
        this_year - 1
    };
    let meeting = date::parse(&format!("{year}-11-20"))
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let Some(root) = t.orgs.iter().find(|o| o.parent_id.is_none()) else {
        return Ok((rows.len(), 0));
    };
    let mut rated = 0;
    let mut levels = vec![root.id];
    levels.extend(t.towns.iter().map(|i| t.orgs[*i].id));
    for level in levels {
        for c in dangjian_store::org::children(conn, level).await? {
            let Some(k) = OrgKind::parse(&c.kind) else {
                continue;
            };
            if c.closed_on.is_some() || !(k == OrgKind::TownCommittee || k.is_grassroots()) {
                continue;
            }
            let present = rng.random_range(25..=40);
            let good = rng.random_range(present / 2..=present * 9 / 10);
            let fairly_good = rng.random_range(0..=(present - good) * 2 / 3);
            let average = rng.random_range(0..=(present - good - fairly_good));
            let poor = (present - good - fairly_good - average).min(2);
            let votes = Votes {
                present,
                good,
                fairly_good,
                average,
                poor,
            };
            let grade = match votes.approval_permille() {
                900.. => Grade::Good,
                750.. => Grade::FairlyGood,
                600.. => Grade::Average,
                _ => Grade::Poor,
            };
            put_rating(
                conn,
                &RatingWrite {
                    year,
                    org: (c.id, &c.path),
                    secretary_name: c.secretary.as_deref().unwrap_or("（未记录）"),
                    report: "抓基层党建工作述职：组织生活、阵地建设、发展党员、联系服务群众",
                    meeting_on: &date::format(meeting),
                    votes: [present, good, fairly_good, average, poor],
                    grade: grade.as_str(),
                    by: None,
                },
            )
            .await?;
            rated += 1;
        }
    }
    Ok((rows.len(), rated))
}
