//! Volunteer service (志愿服务): a volunteer's recorded hours give stars at thresholds kept as
//! data (民政部《志愿服务记录办法》: 100 / 300 / 600 / 1,000 / 1,500 hours). Hours are kept
//! in minutes. The stars recognise the work recorded; nothing here ranks people.

pub mod activity;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// What the district may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VolunteerRules {
    /// Recorded hours from which each star is given, rising: the first star at the first.
    pub star_hours: Vec<i64>,
}

impl Default for VolunteerRules {
    fn default() -> Self {
        VolunteerRules {
            star_hours: vec![100, 300, 600, 1000, 1500],
        }
    }
}

impl VolunteerRules {
    /// Checks values a district could mistype.
    pub fn validate(&self) -> Result<(), FieldError> {
        let rising = self.star_hours.windows(2).all(|w| w[0] < w[1]);
        if self.star_hours.is_empty() || !rising || self.star_hours[0] <= 0 {
            return Err(FieldError::new(
                "star_hours",
                "out_of_range",
                "星级时长应为递增的正整数小时",
            ));
        }
        Ok(())
    }

    /// The stars of `minutes` recorded (0 below the first threshold).
    pub fn stars(&self, minutes: i64) -> usize {
        self.star_hours
            .iter()
            .take_while(|h| minutes >= **h * 60)
            .count()
    }

    /// Hours still to record for the next star, or `None` at the top.
    pub fn to_next_star(&self, minutes: i64) -> Option<i64> {
        let next = self.star_hours.get(self.stars(minutes))?;
        Some((next * 60 - minutes + 59) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_come_at_each_threshold() {
        let r = VolunteerRules::default();
        for (hours, stars) in [
            (0, 0),
            (99, 0),
            (100, 1),
            (299, 1),
            (300, 2),
            (600, 3),
            (999, 3),
            (1000, 4),
            (1500, 5),
            (9000, 5),
        ] {
            assert_eq!(r.stars(hours * 60), stars, "{hours} hours");
        }
        assert_eq!(r.stars(100 * 60 - 1), 0, "a minute short");
    }

    #[test]
    fn the_next_star_is_hours_away() {
        let r = VolunteerRules::default();
        assert_eq!(r.to_next_star(0), Some(100));
        assert_eq!(
            r.to_next_star(99 * 60 + 30),
            Some(1),
            "half an hour short rounds up"
        );
        assert_eq!(r.to_next_star(1500 * 60), None);
    }

    #[test]
    fn thresholds_must_rise() {
        assert_eq!(VolunteerRules::default().validate(), Ok(()));
        for bad in [vec![], vec![100, 100], vec![0, 10], vec![300, 100]] {
            let r = VolunteerRules {
                star_hours: bad.clone(),
            };
            assert!(r.validate().is_err(), "{bad:?}");
        }
    }
}
