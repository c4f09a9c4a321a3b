//! 组织建设 on 云中心: stars of the last round, the weak list and its rectification, red
//! flags, contact points with their visits and 办结率, and service-centre projects, for one
//! level; each figure leads to its list.

use dangjian_domain::assessment::problem::ClosingRate;
use dangjian_store::assessment::{contact, people, stars, weak};
use serde::Serialize;

use dangjian_domain::date;

use crate::{Actor, App, ServiceResult, today};

/// Published ratings with this many stars.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarCount {
    pub stars: i64,
    pub count: i64,
}

/// A level's assessment figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentSummary {
    pub org_id: i64,
    /// The year of the stars and the weak list shown: last year, the latest complete round.
    pub year: i64,
    /// Published ratings by stars, 5 down to 1.
    pub stars: Vec<StarCount>,
    pub weak_listed: i64,
    pub weak_signed_off: i64,
    pub red_flags: i64,
    pub contact_points: i64,
    /// Visits this year, and those expected by now for the whole year.
    pub visits: i64,
    pub visits_expected: i64,
    /// Problems logged this year and their 办结率.
    pub problems: ClosingRate,
    pub on_time_permille: Option<i64>,
    pub projects: i64,
    pub projects_completed: i64,
}

impl App {
    pub async fn assessment_summary(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
    ) -> ServiceResult<AssessmentSummary> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let this_year = i64::from(today().year());
        let year = this_year - 1;
        let mut conn = self.db.conn().await?;
        let published = stars::star_counts(&mut conn, &o.path, year, &["published"]).await?;
        let count = |n: i64| {
            published
                .iter()
                .find(|(stars, _)| *stars == n)
                .map_or(0, |(_, count)| *count)
        };
        let stars = (1..=5)
            .rev()
            .map(|n| StarCount {
                stars: n,
                count: count(n),
            })
            .collect();
        let listings = weak::listings(&mut conn, &o.path, Some(year)).await?;
        let red_flags = weak::red_flags(&mut conn, &o.path)
            .await?
            .iter()
            .filter(|f| f.year == year && f.revoked_on.is_none())
            .count() as i64;
        let (open_points, visits) = contact::point_totals(&mut conn, &o.path, this_year).await?;
        let rows =
            contact::closing(&mut conn, &o.path, this_year, &date::format(today()), "org").await?;
        let problems = rows
            .iter()
            .fold(ClosingRate::default(), |acc, (_, d, t, l)| ClosingRate {
                due: acc.due + d,
                on_time: acc.on_time + t,
                late: acc.late + l,
            });
        let projects = people::project_totals(&mut conn, &o.path).await?;
        Ok(AssessmentSummary {
            org_id: o.id,
            year,
            stars,
            weak_listed: listings
                .iter()
                .filter(|l| matches!(l.state.as_str(), "listed" | "signed_off"))
                .count() as i64,
            weak_signed_off: listings.iter().filter(|l| l.state == "signed_off").count() as i64,
            red_flags,
            contact_points: open_points,
            visits,
            visits_expected: open_points * super::contact::EXPECTED_VISITS,
            on_time_permille: problems.on_time_permille(),
            problems,
            projects: projects.total,
            projects_completed: projects.completed,
        })
    }
}
