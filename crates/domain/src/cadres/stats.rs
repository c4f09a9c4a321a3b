//! The structure of the two committees that towns report upward after an election: 一肩挑,
//! cross-posting, women, education, youth and age, for a term against the one before.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::Date;

use super::committee::{Body, Seat};
use crate::bands::Education;
use crate::date::years_between;
use crate::id_number::Gender;

/// One post held by one person in one village.
#[derive(Debug, Clone)]
pub struct Holder {
    pub village: i64,
    pub seat: Seat,
    pub person: i64,
    pub gender: Gender,
    pub birth_date: Date,
    pub education: Education,
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

impl TermStats {
    /// The figures of these posts, ages taken on `on`.
    pub fn of(holders: &[Holder], on: Date) -> TermStats {
        let mut s = TermStats::default();
        let mut heads: HashMap<i64, (Option<i64>, Option<i64>)> = HashMap::new();
        let mut bodies: HashMap<(i64, i64), HashSet<Body>> = HashMap::new();
        let mut people: HashMap<(i64, i64), &Holder> = HashMap::new();
        for h in holders {
            let e = heads.entry(h.village).or_default();
            if h.seat.is_head() {
                match h.seat.body() {
                    Body::Party => e.0 = Some(h.person),
                    Body::Residents => e.1 = Some(h.person),
                }
            }
            bodies
                .entry((h.village, h.person))
                .or_default()
                .insert(h.seat.body());
            people.entry((h.village, h.person)).or_insert(h);
        }
        s.villages = heads.len() as i64;
        s.one_shoulder = heads
            .values()
            .filter(|(p, r)| p.is_some() && p == r)
            .count() as i64;
        if s.villages > 0 {
            s.one_shoulder_percent = one_decimal(100.0 * s.one_shoulder as f64 / s.villages as f64);
        }
        s.cross_posted = bodies.values().filter(|b| b.len() == 2).count() as i64;
        s.people = people.len() as i64;
        let mut ages = 0i64;
        for h in people.values() {
            let age = i64::from(years_between(h.birth_date, on));
            ages += age;
            s.women += i64::from(h.gender == Gender::Female);
            s.high_school_plus += i64::from(h.education >= Education::Senior);
            s.college_plus += i64::from(h.education >= Education::College);
            s.bachelor_plus += i64::from(h.education >= Education::Bachelor);
            s.under_35 += i64::from(age < 35);
        }
        if s.people > 0 {
            s.average_age = one_decimal(ages as f64 / s.people as f64);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadres::committee::ResidentsPost;
    use crate::committee::Post;
    use time::macros::date;

    fn h(village: i64, seat: Seat, person: i64, female: bool, born: Date, ed: Education) -> Holder {
        Holder {
            village,
            seat,
            person,
            gender: if female { Gender::Female } else { Gender::Male },
            birth_date: born,
            education: ed,
        }
    }

    #[test]
    fn one_shoulder_cross_posting_and_structure() {
        let sec = Seat::Party(Post::Secretary);
        let dir = Seat::Residents(ResidentsPost::Director);
        let org = Seat::Party(Post::Organization);
        let mem = Seat::Residents(ResidentsPost::Member);
        let holders = [
            // Village 1: the secretary directs (一肩挑); person 2 sits on both committees.
            h(1, sec, 1, false, date!(1975 - 05 - 01), Education::College),
            h(1, dir, 1, false, date!(1975 - 05 - 01), Education::College),
            h(1, org, 2, true, date!(1995 - 01 - 01), Education::Bachelor),
            h(1, mem, 2, true, date!(1995 - 01 - 01), Education::Bachelor),
            // Village 2: secretary and director are different people.
            h(2, sec, 3, false, date!(1970 - 01 - 01), Education::Senior),
            h(2, dir, 4, true, date!(1990 - 12 - 31), Education::Junior),
        ];
        let s = TermStats::of(&holders, date!(2021 - 06 - 01));
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
        // Ages 46, 26, 51, 30.
        assert_eq!(s.under_35, 2);
        assert_eq!(s.average_age, 38.3);
    }

    #[test]
    fn nobody_counted_gives_zeros() {
        assert_eq!(
            TermStats::of(&[], date!(2021 - 06 - 01)),
            TermStats::default()
        );
    }
}
