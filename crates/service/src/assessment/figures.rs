//! The records behind computed items, for every organization of a subtree in one pass: one
//! query per source, leaf counts added up to every ancestor by path in memory.

use std::collections::HashMap;

use dangjian_domain::assessment::records::{Records, Secretary};
use dangjian_domain::committee::Post;
use dangjian_domain::org::OrgKind;
use dangjian_domain::{date, recruit};
use dangjian_store::Conn;
use dangjian_store::assessment::figures as store;
use dangjian_store::rollup;
use time::Date;

use crate::ServiceResult;

/// The kinds of organization that are rated: 基层党组织.
pub fn rated_kinds() -> Vec<&'static str> {
    OrgKind::ALL
        .into_iter()
        .filter(|k| k.is_grassroots())
        .map(OrgKind::as_str)
        .collect()
}

/// `YYYY-MM` as a count of months, to subtract.
fn month_index(m: &str) -> Option<i64> {
    let (y, mo) = m.split_once('-')?;
    Some(y.parse::<i64>().ok()? * 12 + mo.get(..2)?.parse::<i64>().ok()? - 1)
}

/// The months of `year` whose records are complete on `today`: all of a past year, the
/// months before this one in the current year (none in January).
pub(crate) fn closed_months(year: i64, today: Date) -> Option<(String, String)> {
    let this_year = i64::from(today.year());
    let last = match year.cmp(&this_year) {
        std::cmp::Ordering::Less => 12,
        std::cmp::Ordering::Equal => i64::from(u8::from(today.month())) - 1,
        std::cmp::Ordering::Greater => 0,
    };
    (last >= 1).then(|| (format!("{year:04}-01"), format!("{year:04}-{last:02}")))
}

/// Every ancestor-or-self path of `p` inside `root`.
fn within_root<'a>(root: &'a str, p: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    p.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(move |(i, _)| &p[..=i])
        .filter(move |a| a.len() >= root.len() && a.starts_with(root))
}

/// The records of every organization of the subtree at `root` for `year`, by path.
/// `branches` are the paths of its open branches.
pub(crate) async fn records(
    conn: &mut Conn,
    root: &str,
    branches: &[String],
    year: i64,
    today: Date,
) -> ServiceResult<HashMap<String, Records>> {
    let mut out: HashMap<String, Records> = HashMap::new();
    let mut add = |p: &str, f: &dyn Fn(&mut Records)| {
        for a in within_root(root, p) {
            f(out.entry(a.to_string()).or_default());
        }
    };
    for b in branches {
        add(b, &|r| r.branches += 1);
    }
    if let Some((from, to)) = closed_months(year, today) {
        for (p, kind, part, whole) in store::meetings(conn, root, &from, &to).await? {
            let theme = kind == dangjian_domain::life::MeetingKind::ThemeDay.as_str();
            add(&p, &|r| {
                let slot = if theme {
                    &mut r.theme_days
                } else {
                    &mut r.meetings
                };
                slot.0 += part;
                slot.1 += whole;
            });
        }
        for (p, _, part, _) in store::dues_on_time(conn, root, &from, &to).await? {
            add(&p, &|r| r.dues.0 += part);
        }
        let (first, last) = (month_index(&from), month_index(&to));
        for (p, joined, n, _) in store::members_by_join_month(conn, root).await? {
            let (Some(first), Some(last)) = (first, last) else {
                break;
            };
            let start = month_index(&joined).map_or(first, |j| j.max(first));
            let months = (last - start + 1).max(0);
            add(&p, &|r| r.dues.1 += n * months);
        }
    }
    for (p, _, _, _) in store::reviews_decided(conn, root, year).await? {
        add(&p, &|r| r.reviews_decided += 1);
    }
    let two_years = (format!("{:04}-01-01", year - 1), format!("{year:04}-12-31"));
    let approved = i64::from(recruit::APPROVAL_STEP);
    for (p, _, n, _) in
        store::recruits_approved(conn, root, approved, (&two_years.0, &two_years.1)).await?
    {
        add(&p, &|r| r.recruited += n);
    }
    let year_ms = (
        date::parse(&format!("{year:04}-01-01")).map(date::start_ms),
        date::parse(&format!("{:04}-01-01", year + 1)).map(date::start_ms),
    );
    if let (Some(from), Some(to)) = year_ms {
        for (p, _, part, whole) in store::household_evaluations(conn, root, (from, to)).await? {
            add(&p, &|r| {
                r.evaluation.0 += part;
                r.evaluation.1 += whole;
            });
        }
    }
    // Counters already cover each org's subtree: read, not added up.
    let months = (format!("{year:04}-01"), format!("{year:04}-12"));
    let requests = [rollup::REQUEST_RESOLVED, rollup::REQUEST_RESOLVED_ON_TIME];
    for (p, metric, n, _) in store::counters(conn, root, &requests, (&months.0, &months.1)).await? {
        let r = out.entry(p).or_default();
        if metric == rollup::REQUEST_RESOLVED {
            r.requests.1 = n;
        } else {
            r.requests.0 = n;
        }
    }
    let households = [rollup::HOUSEHOLD_TOTAL, rollup::HOUSEHOLD_PAIRED];
    for (p, metric, n, _) in store::counters(conn, root, &households, ("", "")).await? {
        let r = out.entry(p).or_default();
        if metric == rollup::HOUSEHOLD_TOTAL {
            r.households.1 = n;
        } else {
            r.households.0 = n;
        }
    }
    for (p, last_ended, held, _) in store::secretaries(conn, root, Post::Secretary.as_str()).await?
    {
        let r = out.entry(p).or_default();
        r.secretary = if held > 0 {
            Secretary::InPost
        } else {
            let months =
                date::parse(&last_ended).map_or(0, |d| i64::from(date::months_between(d, today)));
            Secretary::Vacant { months }
        };
    }
    Ok(out)
}

/// The records of one organization's subtree.
pub(crate) async fn records_of(
    conn: &mut Conn,
    org_path: &str,
    year: i64,
    today: Date,
) -> ServiceResult<Records> {
    let kinds = [OrgKind::Branch.as_str(), OrgKind::JointBranch.as_str()];
    let branches: Vec<String> = dangjian_store::org::in_subtree(conn, org_path, &kinds, i64::MAX)
        .await?
        .into_iter()
        .map(|o| o.path)
        .collect();
    Ok(records(conn, org_path, &branches, year, today)
        .await?
        .remove(org_path)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_paths() {
        let d = |s| date::parse(s).expect("date");
        assert_eq!(
            closed_months(2026, d("2026-12-06")),
            Some(("2026-01".into(), "2026-11".into()))
        );
        assert_eq!(closed_months(2026, d("2026-01-15")), None);
        assert_eq!(
            closed_months(2025, d("2026-01-15")),
            Some(("2025-01".into(), "2025-12".into()))
        );
        assert_eq!(month_index("2026-03").map(|m| m % 12), Some(2));
        let got: Vec<&str> = within_root("/1/7/", "/1/7/311/400/").collect();
        assert_eq!(got, vec!["/1/7/", "/1/7/311/", "/1/7/311/400/"]);
        assert_eq!(within_root("/1/8/", "/1/7/311/").count(), 0);
    }
}
