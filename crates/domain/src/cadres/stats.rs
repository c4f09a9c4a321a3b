//! The structure of the two committees that towns report upward after an election: 一肩挑,
//! cross-posting, women, education, youth and age, for a term against the one before.
//!
//! Each village's figures are counted where the posts are (the store, one row per village,
//! each person once per village) and kept with its election; a term's figures are their
//! sums.

use serde::Serialize;

use crate::bands::Education;

/// Committee members younger than this on the day counted are reported as young (35岁以下).
pub const YOUNG_BELOW: i64 = 35;

/// The education codes counted from `band` up (高中及以上 counts 高中/中专, 大专, …).
pub fn education_from(band: Education) -> Vec<&'static str> {
    Education::ALL
        .iter()
        .filter(|e| **e >= band)
        .map(|e| e.as_str())
        .collect()
}

/// One village's committees in one term: each person counted once, ages on the day counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VillageFigures {
    pub village: i64,
    /// The party secretary also directs the residents' committee (一肩挑).
    pub one_shoulder: bool,
    /// Persons on both committees.
    pub cross_posted: i64,
    pub people: i64,
    pub women: i64,
    pub high_school_plus: i64,
    pub college_plus: i64,
    pub bachelor_plus: i64,
    /// Younger than [`YOUNG_BELOW`].
    pub under_35: i64,
    /// The people's ages added up, for the average.
    pub age_sum: i64,
}

/// The figures of one term of a set of villages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TermStats {
    /// Villages and communities counted.
    pub villages: i64,
    /// Villages whose party secretary also directs the residents' committee (一肩挑).
    pub one_shoulder: i64,
    /// `one_shoulder` over the villages, in percent, one decimal.
    pub one_shoulder_percent: f64,
    /// Persons holding posts on both committees (交叉任职), the secretary-directors included.
    pub cross_posted: i64,
    /// Persons on either committee, each counted once per village.
    pub people: i64,
    pub women: i64,
    /// 高中/中专 and above.
    pub high_school_plus: i64,
    /// 大专 and above.
    pub college_plus: i64,
    /// 本科 and above.
    pub bachelor_plus: i64,
    /// Younger than 35 on the day counted.
    pub under_35: i64,
    /// Average age on the day counted, one decimal (0 with nobody counted).
    pub average_age: f64,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The figures of many villages' committees in one term added up: what a level's counters
/// keep of its elections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermTotals {
    /// Villages with anybody counted.
    pub villages: i64,
    /// Villages 一肩挑.
    pub one_shoulder: i64,
    pub cross_posted: i64,
    pub people: i64,
    pub women: i64,
    pub high_school_plus: i64,
    pub college_plus: i64,
    pub bachelor_plus: i64,
    pub under_35: i64,
    pub age_sum: i64,
}

impl TermTotals {
    /// Adds one village's figures.
    pub fn add(&mut self, v: &VillageFigures) {
        self.villages += 1;
        self.one_shoulder += i64::from(v.one_shoulder);
        self.cross_posted += v.cross_posted;
        self.people += v.people;
        self.women += v.women;
        self.high_school_plus += v.high_school_plus;
        self.college_plus += v.college_plus;
        self.bachelor_plus += v.bachelor_plus;
        self.under_35 += v.under_35;
        self.age_sum += v.age_sum;
    }
}

impl TermStats {
    /// The figures of the villages added up in `t`, with the 一肩挑 rate and the average age.
    pub fn of(t: &TermTotals) -> TermStats {
        let mut s = TermStats {
            villages: t.villages,
            one_shoulder: t.one_shoulder,
            cross_posted: t.cross_posted,
            people: t.people,
            women: t.women,
            high_school_plus: t.high_school_plus,
            college_plus: t.college_plus,
            bachelor_plus: t.bachelor_plus,
            under_35: t.under_35,
            ..TermStats::default()
        };
        if s.villages > 0 {
            s.one_shoulder_percent = one_decimal(100.0 * s.one_shoulder as f64 / s.villages as f64);
        }
        if s.people > 0 {
            s.average_age = one_decimal(t.age_sum as f64 / s.people as f64);
        }
        s
    }
}

/// The committees in post of many villages as kept counters: villages with anyone in post
/// and those 一肩挑, persons (each once per village) by their facts, and, from their birth
/// dates, those under [`YOUNG_BELOW`] and their ages added up on the day counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HolderCounts {
    pub villages: i64,
    pub one_shoulder: i64,
    pub cross_posted: i64,
    pub people: i64,
    pub women: i64,
    /// Education code → persons.
    pub by_education: Vec<(String, i64)>,
    pub under_35: i64,
    pub age_sum: i64,
}

impl TermStats {
    /// The figures of the committees counted in `c`, as [`TermStats::of`] gives them from
    /// the villages' rows.
    pub fn from_counts(c: &HolderCounts) -> TermStats {
        let from = |band: Education| {
            let codes = education_from(band);
            c.by_education
                .iter()
                .filter(|(code, _)| codes.contains(&code.as_str()))
                .map(|(_, n)| n)
                .sum()
        };
        TermStats::of(&TermTotals {
            villages: c.villages,
            one_shoulder: c.one_shoulder,
            cross_posted: c.cross_posted,
            people: c.people,
            women: c.women,
            high_school_plus: from(Education::Senior),
            college_plus: from(Education::College),
            bachelor_plus: from(Education::Bachelor),
            under_35: c.under_35,
            age_sum: c.age_sum,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn villages_add_up_with_rates_and_the_average_age() {
        let one = VillageFigures {
            village: 1,
            one_shoulder: true,
            cross_posted: 2,
            people: 2,
            women: 1,
            high_school_plus: 2,
            college_plus: 2,
            bachelor_plus: 1,
            under_35: 1,
            age_sum: 46 + 26,
        };
        let two = VillageFigures {
            village: 2,
            people: 2,
            women: 1,
            high_school_plus: 1,
            age_sum: 51 + 30,
            under_35: 1,
            ..VillageFigures::default()
        };
        let mut t = TermTotals::default();
        t.add(&one);
        t.add(&two);
        let s = TermStats::of(&t);
        assert_eq!(s.villages, 2);
        assert_eq!(s.one_shoulder, 1);
        assert_eq!(s.one_shoulder_percent, 50.0);
        assert_eq!(s.cross_posted, 2);
        assert_eq!(s.people, 4);
        assert_eq!(s.women, 2);
        assert_eq!(
            (s.high_school_plus, s.college_plus, s.bachelor_plus),
            (3, 2, 1)
        );
        assert_eq!(s.under_35, 2);
        assert_eq!(s.average_age, 38.3);
    }

    #[test]
    fn nobody_counted_gives_zeros() {
        assert_eq!(TermStats::of(&TermTotals::default()), TermStats::default());
    }

    #[test]
    fn education_bands_count_upward() {
        assert_eq!(
            education_from(Education::College),
            ["college", "bachelor", "postgraduate"]
        );
        assert_eq!(
            education_from(Education::Primary).len(),
            Education::ALL.len()
        );
    }

    #[test]
    fn kept_counts_give_the_figures_of_the_villages() {
        let c = HolderCounts {
            villages: 2,
            one_shoulder: 1,
            cross_posted: 2,
            people: 4,
            women: 2,
            by_education: vec![
                ("bachelor".into(), 1),
                ("college".into(), 1),
                ("senior".into(), 1),
                ("junior".into(), 1),
            ],
            under_35: 2,
            age_sum: 46 + 26 + 51 + 34,
        };
        let s = TermStats::from_counts(&c);
        assert_eq!(s.high_school_plus, 3);
        assert_eq!(s.college_plus, 2);
        assert_eq!(s.bachelor_plus, 1);
        assert_eq!(s.under_35, 2);
        assert_eq!(s.average_age, 39.3, "(46 + 26 + 51 + 34) / 4 = 39.25");
        assert_eq!(s.one_shoulder_percent, 50.0);
        assert_eq!(
            TermStats::from_counts(&HolderCounts::default()),
            TermStats::default()
        );
    }
}
