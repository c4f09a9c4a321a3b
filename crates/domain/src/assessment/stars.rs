//! Star tiers: the total of a scheme's items decides the stars, the top tier also asking for
//! an innovation project. The expected share of each tier is guidance shown beside the
//! results, never a cap.

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// One tier: the stars, the lowest total that earns them, whether an innovation project is
/// also needed, and the share of organizations a scheme expects in it (percent, guidance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = StarTier)]
pub struct Tier {
    pub stars: u8,
    /// In tenths of a point (items score in halves and tenths): 900 is 90 points.
    pub min_tenths: i64,
    pub needs_innovation: bool,
    pub expected_percent: u8,
}

/// The tiers of a scheme, highest first; the last is the floor every total reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = StarTiers)]
pub struct Tiers(pub Vec<Tier>);

impl Default for Tiers {
    /// 5★ ≥ 90 with an innovation project, 4★ ≥ 80, 3★ ≥ 70, 2★ ≥ 60, 1★ below; expected
    /// shares 10/30/40/20 % for the top four.
    fn default() -> Self {
        let t = |stars, points: i64, needs_innovation, expected_percent| Tier {
            stars,
            min_tenths: points * 10,
            needs_innovation,
            expected_percent,
        };
        Tiers(vec![
            t(5, 90, true, 10),
            t(4, 80, false, 30),
            t(3, 70, false, 40),
            t(2, 60, false, 20),
            t(1, 0, false, 0),
        ])
    }
}

impl Tiers {
    /// The stars a total earns: the first tier, from the top, whose minimum it reaches and
    /// whose innovation condition it meets. A total of 95 without an innovation project
    /// earns the next tier down.
    pub fn stars_for(&self, total_tenths: i64, has_innovation: bool) -> u8 {
        self.0
            .iter()
            .find(|t| total_tenths >= t.min_tenths && (has_innovation || !t.needs_innovation))
            .map_or(0, |t| t.stars)
    }

    /// Tiers a scheme may keep: stars strictly falling, minimums strictly falling to a floor
    /// of 0, expected shares adding up to at most 100.
    pub fn check(&self) -> Result<(), FieldError> {
        let bad = |msg: &str| Err(FieldError::new("tiers", "invalid", msg.to_string()));
        let Some(last) = self.0.last() else {
            return bad("至少要有一个星级");
        };
        if last.min_tenths != 0 {
            return bad("最低一档的分数下限应为 0，使每个总分都有星级");
        }
        for pair in self.0.windows(2) {
            if pair[0].stars <= pair[1].stars || pair[0].min_tenths <= pair[1].min_tenths {
                return bad("星级应从高到低排列，分数下限逐档降低");
            }
        }
        let shares: u32 = self.0.iter().map(|t| u32::from(t.expected_percent)).sum();
        if shares > 100 {
            return bad("各星级的预期比例合计不能超过 100%");
        }
        Ok(())
    }
}

/// A score given to an item: between 0 and the item's points (deductions count down from
/// the points and stop at 0), in tenths.
pub fn check_item_score(score_tenths: i64, points_tenths: i64) -> Result<(), FieldError> {
    if score_tenths < 0 {
        return Err(FieldError::new(
            "score",
            "out_of_range",
            "得分不能小于 0（扣分扣到 0 为止）".to_string(),
        ));
    }
    if score_tenths > points_tenths {
        return Err(FieldError::new(
            "score",
            "out_of_range",
            format!("得分不能超过该项分值 {}", tenths(points_tenths)),
        ));
    }
    Ok(())
}

/// A deduction rule's result: `per_unit` tenths off for each unit, never below 0.
pub fn after_deduction(points_tenths: i64, per_unit_tenths: i64, units: i64) -> i64 {
    (points_tenths - per_unit_tenths.saturating_mul(units.max(0))).max(0)
}

/// Tenths as people read points: "90" or "87.5".
pub fn tenths(t: i64) -> String {
    if t % 10 == 0 {
        (t / 10).to_string()
    } else {
        format!("{}.{}", t / 10, (t % 10).abs())
    }
}

/// Days an organization has to score itself, and days results are shown for objections:
/// defaults of a new scheme, which the district changes per year.
pub const DEFAULT_SELF_DAYS: i64 = 10;
pub const DEFAULT_PUBLISH_DAYS: i64 = 5;

/// Where a star rating stands: the organization scores itself, the town reviews and may
/// send it back, the district confirms, then publishes the year's results for objections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingState {
    SelfScoring,
    Submitted,
    Reviewed,
    Confirmed,
    Published,
}

impl RatingState {
    pub const ALL: [RatingState; 5] = [
        RatingState::SelfScoring,
        RatingState::Submitted,
        RatingState::Reviewed,
        RatingState::Confirmed,
        RatingState::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RatingState::SelfScoring => "self",
            RatingState::Submitted => "submitted",
            RatingState::Reviewed => "reviewed",
            RatingState::Confirmed => "confirmed",
            RatingState::Published => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RatingState::SelfScoring => "自评中",
            RatingState::Submitted => "待镇街审核",
            RatingState::Reviewed => "待区委组织部确认",
            RatingState::Confirmed => "已确认，待公示",
            RatingState::Published => "已公示",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The stage whose scores may be written in this state, if any.
    pub fn scoring_stage(self) -> Option<Stage> {
        match self {
            RatingState::SelfScoring => Some(Stage::Own),
            RatingState::Submitted => Some(Stage::Town),
            RatingState::Reviewed => Some(Stage::District),
            RatingState::Confirmed | RatingState::Published => None,
        }
    }
}

/// Who scores: the organization itself, the town reviewing it, the district confirming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Own,
    Town,
    District,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarAction {
    /// Scores saved at the current stage; the state stays.
    Save,
    Submit,
    /// The town passes it on after its review.
    Review,
    /// The town sends it back to the organization, with a reason.
    Return,
    Confirm,
    Publish,
}

impl StarAction {
    pub const ALL: [StarAction; 6] = [
        StarAction::Save,
        StarAction::Submit,
        StarAction::Review,
        StarAction::Return,
        StarAction::Confirm,
        StarAction::Publish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StarAction::Save => "save",
            StarAction::Submit => "submit",
            StarAction::Review => "review",
            StarAction::Return => "return",
            StarAction::Confirm => "confirm",
            StarAction::Publish => "publish",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StarAction::Save => "保存评分",
            StarAction::Submit => "提交镇街审核",
            StarAction::Review => "审核通过，报区委组织部",
            StarAction::Return => "退回重新自评",
            StarAction::Confirm => "确认",
            StarAction::Publish => "公示",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state after this action, or `None` when it cannot be taken now.
    pub fn next(self, from: RatingState) -> Option<RatingState> {
        use RatingState::*;
        match (self, from) {
            (StarAction::Save, s) if s.scoring_stage().is_some() => Some(s),
            (StarAction::Submit, SelfScoring) => Some(Submitted),
            (StarAction::Review, Submitted) => Some(Reviewed),
            (StarAction::Return, Submitted) => Some(SelfScoring),
            (StarAction::Confirm, Reviewed) => Some(Confirmed),
            (StarAction::Publish, Confirmed) => Some(Published),
            _ => None,
        }
    }
}

/// An item's score as it stands: the latest stage that scored it.
pub fn effective(own: Option<i64>, town: Option<i64>, district: Option<i64>) -> Option<i64> {
    district.or(town).or(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_boundaries() {
        let t = Tiers::default();
        assert_eq!(t.stars_for(900, true), 5);
        assert_eq!(
            t.stars_for(900, false),
            4,
            "no innovation project: one down"
        );
        assert_eq!(t.stars_for(899, true), 4);
        assert_eq!(t.stars_for(800, false), 4);
        assert_eq!(t.stars_for(799, false), 3);
        assert_eq!(t.stars_for(700, false), 3);
        assert_eq!(t.stars_for(600, false), 2);
        assert_eq!(t.stars_for(599, false), 1);
        assert_eq!(t.stars_for(0, false), 1);
        assert_eq!(t.stars_for(1100, true), 5, "bonus items may pass 100");
        assert_eq!(t.check(), Ok(()));
    }

    #[test]
    fn tiers_that_cannot_rate_everyone_are_refused() {
        let mut t = Tiers::default();
        t.0.pop();
        assert!(t.check().is_err(), "no floor");
        let mut t = Tiers::default();
        t.0.swap(0, 1);
        assert!(t.check().is_err(), "out of order");
        let mut t = Tiers::default();
        t.0[0].expected_percent = 50;
        assert!(t.check().is_err(), "shares over 100");
        assert!(Tiers(vec![]).check().is_err());
    }

    #[test]
    fn item_scores_and_deductions() {
        assert!(check_item_score(100, 100).is_ok());
        assert!(check_item_score(0, 100).is_ok());
        let over = check_item_score(101, 100).expect_err("over");
        assert_eq!(over.field, "score");
        assert!(over.message.contains("分值 10"), "{}", over.message);
        assert!(check_item_score(-1, 100).is_err());
        assert_eq!(after_deduction(100, 30, 2), 40);
        assert_eq!(after_deduction(100, 30, 5), 0, "never below 0");
        assert_eq!(after_deduction(100, 30, -3), 100, "no negative units");
        assert_eq!(tenths(875), "87.5");
        assert_eq!(tenths(900), "90");
    }

    #[test]
    fn a_rating_moves_through_the_three_levels_and_can_be_sent_back() {
        use RatingState::*;
        let mut s = SelfScoring;
        for (a, to) in [
            (StarAction::Save, SelfScoring),
            (StarAction::Submit, Submitted),
            (StarAction::Return, SelfScoring),
            (StarAction::Submit, Submitted),
            (StarAction::Review, Reviewed),
            (StarAction::Save, Reviewed),
            (StarAction::Confirm, Confirmed),
            (StarAction::Publish, Published),
        ] {
            s = a.next(s).unwrap_or_else(|| panic!("{a:?} from {s:?}"));
            assert_eq!(s, to);
        }
        assert_eq!(
            StarAction::Save.next(Published),
            None,
            "published scores are frozen"
        );
        assert_eq!(
            StarAction::Confirm.next(Submitted),
            None,
            "the town reviews first"
        );
        assert_eq!(StarAction::Return.next(Reviewed), None);
        assert_eq!(Submitted.scoring_stage(), Some(Stage::Town));
        for st in RatingState::ALL {
            assert_eq!(RatingState::parse(st.as_str()), Some(st));
        }
        assert_eq!(effective(Some(80), None, Some(60)), Some(60));
        assert_eq!(effective(Some(80), Some(70), None), Some(70));
        assert_eq!(effective(None, None, None), None);
    }
}
