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
