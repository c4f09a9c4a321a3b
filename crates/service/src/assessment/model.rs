//! What the pages and the API show of star ratings: schemes, one organization's sheet with
//! every item's figure and scores by stage, and the board of a level.

use dangjian_domain::assessment::scheme::Scheme;
use dangjian_store::assessment::stars::{ObjectionRow, RatingRow};
use serde::{Deserialize, Serialize};

use crate::model::read_model;

/// A year's scheme as the district keeps it, one version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarScheme {
    pub id: i64,
    pub year: i64,
    pub version: i64,
    pub scheme: Scheme,
    /// The organizations' own scoring window, first and last day.
    pub self_opens_on: String,
    pub self_closes_on: String,
    pub self_days: i64,
    /// Days results are shown for objections.
    pub publish_days: i64,
    /// Fixed once scoring started: changes make a new version.
    pub fixed: bool,
    /// The total an organization can reach without the innovation items, in tenths.
    pub base_points_tenths: i64,
}

/// A scheme as written by the district. The body is the scheme's JSON (indicators, items,
/// tiers); empty keeps the stored one (or the default for a new year).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SchemeInput {
    pub scheme: Option<Scheme>,
    /// YYYY-MM-DD.
    pub self_opens_on: String,
    pub self_days: Option<i64>,
    pub publish_days: Option<i64>,
}

read_model! {
    /// A rating as listed: the organization, its state, total and stars.
    pub struct StarRating from RatingRow {
        pub id: i64,
        pub scheme_id: i64,
        pub year: i64,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        pub org_kind: String,
        /// self, submitted, reviewed, confirmed, published.
        pub state: String,
        pub total_tenths: i64,
        pub stars: i64,
        /// Milliseconds since the Unix epoch.
        pub submitted_at: Option<i64>,
        pub reviewed_at: Option<i64>,
        pub confirmed_at: Option<i64>,
        pub published_at: Option<i64>,
        /// The last day objections are taken (YYYY-MM-DD).
        pub publish_until: Option<String>,
        /// Why the town sent it back.
        pub returned_reason: String,
    }
}

read_model! {
    /// An objection to a published rating and its answer.
    pub struct StarObjection from ObjectionRow {
        pub id: i64,
        pub rating_id: i64,
        pub content: String,
        pub raised_by_name: String,
        /// Milliseconds since the Unix epoch.
        pub raised_at: i64,
        pub answer: Option<String>,
        pub answered_at: Option<i64>,
    }
}

/// One item of a sheet: its rule, what the records give it, and the score of every stage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreLine {
    pub indicator: String,
    pub code: String,
    pub name: String,
    pub points_tenths: i64,
    /// manual, computed or deduction.
    pub rule: String,
    /// What a deduction counts ("少公开一个季度"), and its points per unit in tenths.
    pub unit: Option<String>,
    pub per_unit_tenths: Option<i64>,
    pub innovation: bool,
    /// Where a computed item's value came from ("三会一课：应开 24 次，按时开 22 次").
    pub figure: Option<String>,
    pub computed_tenths: Option<i64>,
    pub units: Option<i64>,
    pub own_tenths: Option<i64>,
    pub own_reason: String,
    pub town_tenths: Option<i64>,
    pub town_reason: String,
    pub district_tenths: Option<i64>,
    pub district_reason: String,
    /// The latest stage's score.
    pub score_tenths: Option<i64>,
    /// A computed value replaced by hand at some stage: shown to the levels above.
    pub overridden: bool,
}

/// A year of an organization's stars.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarYear {
    pub year: i64,
    pub stars: i64,
    pub total_tenths: i64,
    pub state: String,
    /// Stars against the year before: 1 up, -1 down, 0 the same or no year before.
    pub trend: i64,
}

/// One organization's rating sheet for a year: stored, or (before anyone scored) the preview
/// the records give.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarSheet {
    pub org_id: i64,
    /// The organization named with its parents below the reader's scope.
    pub place: String,
    pub year: i64,
    pub scheme: StarScheme,
    /// Null before the organization saved its first score.
    pub rating: Option<StarRating>,
    /// The state (`self` before the first save) and its label.
    pub state: String,
    pub state_label: String,
    pub lines: Vec<ScoreLine>,
    pub total_tenths: i64,
    pub stars: i64,
    /// The stage the actor scores now (own, town, district), if any.
    pub stage: Option<String>,
    /// Moves the actor may make now (save, submit, review, return, confirm).
    pub actions: Vec<String>,
    /// Whether today lies in the organization's own scoring window.
    pub window_open: bool,
    pub may_object: bool,
    pub may_answer: bool,
    pub history: Vec<StarYear>,
    pub objections: Vec<StarObjection>,
}

/// One item's score as sent at the current stage. A computed item without a score keeps
/// what the records give; a score differing from it (or, at the town and district stages,
/// from the stage before) needs a reason. A deduction item is scored by its units.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreInput {
    pub code: String,
    pub score_tenths: Option<i64>,
    pub units: Option<i64>,
    pub reason: String,
}

/// A move of a rating with the scores of the current stage.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StarInput {
    /// save, submit, review, return, confirm.
    pub action: String,
    pub scores: Vec<ScoreInput>,
    /// Why the town sends it back (`return`).
    pub reason: String,
}

/// A level's ratings of a year: every rated organization below it, paged.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarBoard {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub scheme: Option<StarScheme>,
    pub items: Vec<BoardLine>,
    /// Lines matching the filter (all pages).
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Rated organizations by state, `none` for those not started.
    pub by_state: Vec<StateCount>,
    /// Confirmed or published ratings by stars, with the scheme's expected share (guidance,
    /// never a cap).
    pub by_stars: Vec<StarShare>,
    pub open_objections: i64,
    /// Confirmed ratings the actor may publish now.
    pub may_publish: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardLine {
    pub org_id: i64,
    pub place: String,
    pub org_kind: String,
    pub rating: Option<StarRating>,
    /// Last year's stars, if rated.
    pub last_year_stars: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarShare {
    pub stars: i64,
    pub count: i64,
    pub percent: i64,
    pub expected_percent: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StateCount {
    /// A rating state, or `none` for organizations not started.
    pub state: String,
    pub label: String,
    pub count: i64,
}
