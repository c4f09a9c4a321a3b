//! The 两新组织 panel of 云中心: the two coverages of a level and of each child, and this
//! month's instructors and this quarter's leaders against the district's minimums, counted
//! from the register and the visits.

use dangjian_domain::date;
use dangjian_domain::enterprises::helpers::{HelperRole, month_bounds, quarter_bounds};
use dangjian_store::enterprises::helpers::{self as store, Period};
use serde::Serialize;

use super::register::{ChildCoverage, CoverageQuery, KindCoverage};
use crate::{Actor, App, ServiceResult, today};

/// Helpers of a role in a period, and those who reached the minimum.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelperFigures {
    pub from: String,
    pub to: String,
    pub in_post: i64,
    pub met: i64,
    /// Days on site (instructors) or visits (leaders) a helper should reach.
    pub least: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnterpriseSummary {
    pub org_id: i64,
    pub coverage: KindCoverage,
    pub children: Vec<ChildCoverage>,
    /// This month.
    pub instructors: HelperFigures,
    /// This quarter.
    pub leaders: HelperFigures,
}

impl App {
    /// The panel's figures; none for a level without registered units.
    pub async fn enterprise_summary(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<Option<EnterpriseSummary>> {
        let report = self
            .enterprise_coverage(actor, &CoverageQuery { org })
            .await?;
        if report.coverage.all.operating == 0 && report.children.is_empty() {
            return Ok(None);
        }
        let o = self.register_level(actor, Some(report.org_id)).await?;
        let rules = self.enterprise_rules().await?;
        let mut conn = self.db.conn().await?;
        let mut figures =
            async |role: HelperRole, (from, to): (time::Date, time::Date), least: i64| {
                let (from, to) = (date::format(from), date::format(to));
                let p = Period {
                    root_path: &o.path,
                    role: role.as_str(),
                    from: &from,
                    to: &to,
                };
                let by_days = role != HelperRole::Leader;
                let (in_post, met) = store::period_summary(&mut conn, &p, by_days, least).await?;
                ServiceResult::Ok(HelperFigures {
                    from,
                    to,
                    in_post,
                    met,
                    least,
                })
            };
        let instructors = figures(
            HelperRole::Instructor,
            month_bounds(today()),
            rules.instructor_min_days,
        )
        .await?;
        let leaders = figures(
            HelperRole::Leader,
            quarter_bounds(today()),
            rules.leader_visits_per_quarter,
        )
        .await?;
        Ok(Some(EnterpriseSummary {
            org_id: report.org_id,
            coverage: report.coverage,
            children: report.children,
            instructors,
            leaders,
        }))
    }
}
