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
