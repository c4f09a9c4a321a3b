//! The 干部人才 panel of 云中心: one level's committees, reserve pools, resident teams and
//! talents in a few figures, each counted from the records its list shows, in one
//! connection and without reading any list's page.

use dangjian_domain::cadres::stats::TermStats;
use dangjian_store::cadres::reserve::{self, PoolFilter};
use dangjian_store::cadres::talent as talent_store;
use dangjian_store::rollup;
use serde::Serialize;

use super::resident::{ResidentSummary, resident_summary};
use super::talent::programme_totals;
use crate::{Actor, App, ServiceResult, today};

/// A level's cadre figures. Each part links to the list it summarises.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CadreSummary {
    pub org_id: i64,
    /// Villages and communities open below the level.
    pub villages: i64,
    /// Both committees as they stand today (the villages counted are those with anyone
    /// in post).
    pub structure: TermStats,
    /// Reserve cadres in the pools, the villages' targets summed, and villages below theirs.
    pub in_pool: i64,
    pub target_sum: i64,
    pub villages_short: i64,
    pub residents: ResidentSummary,
    pub talents: TalentTotals,
}

/// This cycle of the "百千万" programme and the mentor studios open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TalentTotals {
    /// The cycle's years.
    pub cycle: Vec<i64>,
    /// Talents recognised on a line in the cycle so far, and the targets set for it.
    pub actual: i64,
    pub target: i64,
    pub studios: i64,
    pub apprentices_now: i64,
}

impl App {
    /// The panel for `org` (the actor's own level without one), or none for a level without
    /// villages or reserve pools. Staff who read the level only.
    pub async fn cadre_summary(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<Option<CadreSummary>> {
        let o = self.cadre_level(actor, org).await?;
        let rules = self.cadre_rules().await?;
        let mut conn = self.db.conn().await?;
        let pools = PoolFilter {
            root_path: &o.path,
            default_target: rules.reserve_target,
            short: false,
        };
        let totals = reserve::pool_totals(&mut conn, &pools).await?;
        if totals.villages == 0 {
            return Ok(None);
        }
        let structure = rollup::committee_counts(&mut conn, o.id, today()).await?;
        let residents = resident_summary(&mut conn, &o.path, &rules.residents).await?;
        let (cycle, actual, target) = programme_totals(&mut conn, &o.path, &rules.talents).await?;
        let (studios, apprentices_now, _) = talent_store::studio_totals(&mut conn, &o.path).await?;
        Ok(Some(CadreSummary {
            org_id: o.id,
            villages: totals.villages,
            structure: TermStats::from_counts(&structure),
            in_pool: totals.in_pool_sum,
            target_sum: totals.target_sum,
            villages_short: totals.villages_short,
            residents,
            talents: TalentTotals {
                cycle,
                actual,
                target,
                studios,
                apprentices_now,
            },
        }))
    }
}
