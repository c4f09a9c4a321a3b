//! Synthetic members: realistic names, ages, education and status, and ID numbers that
//! pass the check digit and agree with birth date and gender.

use std::collections::HashSet;

use dangjian_domain::bands::{Category, Education, Status};
use dangjian_domain::id_number::{Gender, IdNumber};
use dangjian_domain::member::MemberDraft;
use dangjian_domain::person::PersonDraft;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use super::fuling::{GIVEN, SURNAMES};
use super::tree::Sector;

/// Address codes of ID numbers: mostly Fuling, some from elsewhere in Chongqing.
const AREAS: [(&str, u32); 5] = [
    ("500102", 80),
    ("500101", 5),
    ("500103", 5),
    ("500114", 5),
    ("500230", 5),
];

pub(crate) struct People {
    surnames_total: u32,
    given: Vec<char>,
    used_ids: HashSet<(Date, u16, u8)>,
    today: Date,
}

fn pick_weighted<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)], total: u32) -> &'a str {
    let mut r = rng.random_range(0..total);
    for (item, w) in items {
        if r < *w {
            return item;
        }
        r -= w;
    }
    items[0].0
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0.0..total);
    for (item, w) in items {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    items[0].0
}

impl People {
    pub fn new(today: Date) -> Self {
        People {
            surnames_total: SURNAMES.iter().map(|(_, w)| w).sum(),
            given: GIVEN.chars().collect(),
            used_ids: HashSet::new(),
            today,
        }
    }

    pub fn name(&self, rng: &mut ChaCha8Rng) -> String {
        let mut s = pick_weighted(rng, &SURNAMES, self.surnames_total).to_string();
        let n = if rng.random_bool(0.8) { 2 } else { 1 };
        for _ in 0..n {
            s.push(self.given[rng.random_range(0..self.given.len())]);
        }
        s
    }

    fn age(sector: Sector, rng: &mut ChaCha8Rng) -> i32 {
        let bands: &[((i32, i32), f64)] = match sector {
            Sector::Village => &[
                ((22, 35), 0.12),
                ((36, 50), 0.2),
                ((51, 60), 0.23),
                ((61, 70), 0.25),
                ((71, 92), 0.2),
            ],
            Sector::Community => &[
                ((22, 35), 0.12),
                ((36, 50), 0.15),
                ((51, 60), 0.18),
                ((61, 70), 0.28),
                ((71, 95), 0.27),
            ],
            Sector::Agency | Sector::Institution => {
                &[((23, 35), 0.35), ((36, 50), 0.4), ((51, 60), 0.25)]
            }
            Sector::Enterprise | Sector::Social => {
                &[((22, 35), 0.45), ((36, 50), 0.4), ((51, 62), 0.15)]
            }
        };
        let (lo, hi) = pick(rng, bands);
        rng.random_range(lo..=hi)
    }

    fn category(sector: Sector, age: i32, rng: &mut ChaCha8Rng) -> Category {
        if age >= 62 {
            return if matches!(sector, Sector::Village) && rng.random_bool(0.6) {
                Category::Farmer
            } else {
                Category::Retired
            };
        }
        let mix: &[(Category, f64)] = match sector {
            Sector::Village => &[
                (Category::Farmer, 0.7),
                (Category::InService, 0.1),
                (Category::Other, 0.12),
                (Category::Unemployed, 0.08),
            ],
            Sector::Community => &[
                (Category::InService, 0.35),
                (Category::Retired, 0.35),
                (Category::Other, 0.15),
                (Category::Unemployed, 0.1),
                (Category::Student, 0.05),
            ],
            Sector::Agency | Sector::Institution => {
                &[(Category::InService, 0.97), (Category::Other, 0.03)]
            }
            Sector::Enterprise => &[(Category::InService, 0.95), (Category::Other, 0.05)],
            Sector::Social => &[(Category::InService, 0.7), (Category::Other, 0.3)],
        };
        pick(rng, mix)
    }

    fn education(sector: Sector, age: i32, rng: &mut ChaCha8Rng) -> Education {
        let office = matches!(sector, Sector::Agency | Sector::Institution);
        let mix: &[(Education, f64)] = match (office, age) {
            (true, a) if a < 45 => &[
                (Education::Bachelor, 0.65),
                (Education::Postgraduate, 0.2),
                (Education::College, 0.15),
            ],
            (true, _) => &[
                (Education::Bachelor, 0.5),
                (Education::College, 0.35),
                (Education::Senior, 0.1),
                (Education::Postgraduate, 0.05),
            ],
            (false, a) if a < 40 => &[
                (Education::College, 0.3),
                (Education::Bachelor, 0.3),
                (Education::Senior, 0.25),
                (Education::Junior, 0.15),
            ],
            (false, a) if a < 60 => &[
                (Education::Junior, 0.35),
                (Education::Senior, 0.3),
                (Education::College, 0.2),
                (Education::Primary, 0.1),
                (Education::Bachelor, 0.05),
            ],
            _ => &[
                (Education::Primary, 0.4),
                (Education::Junior, 0.4),
                (Education::Senior, 0.15),
                (Education::College, 0.05),
            ],
        };
        pick(rng, mix)
    }

    /// An ID number no one drawn so far has, agreeing with birth date and gender.
    fn id_number(&mut self, birth: Date, gender: Gender, rng: &mut ChaCha8Rng) -> IdNumber {
        loop {
            let area = pick_weighted(rng, &AREAS, 100);
            let mut seq: u16 = rng.random_range(0..500) * 2;
            if gender == Gender::Male {
                seq += 1;
            }
            let area_key = AREAS.iter().position(|(a, _)| *a == area).unwrap_or(0) as u8;
            if self.used_ids.insert((birth, seq, area_key))
                && let Some(id) = IdNumber::compose(area, birth, seq)
            {
                return id;
            }
        }
    }

    /// Someone who is not a member, of about `age` on `on`, with the village's education for
    /// that age (a committee member, a reserve cadre).
    pub fn person(
        &mut self,
        age: i32,
        female: bool,
        on: Date,
        rng: &mut ChaCha8Rng,
    ) -> PersonDraft {
        let birth = on - Duration::days(i64::from(age) * 365 + rng.random_range(0..365));
        let gender = if female { Gender::Female } else { Gender::Male };
        let id_number = self.id_number(birth, gender, rng);
        let phone = rng.random_bool(0.95).then(|| {
            let second = [3, 5, 7, 8, 9][rng.random_range(0..5)];
            format!("1{second}{:09}", rng.random_range(0..1_000_000_000u64))
        });
        PersonDraft {
            name: self.name(rng),
            id_number,
            gender,
            birth_date: birth,
            ethnicity: pick(rng, &[("汉族", 0.92), ("土家族", 0.06), ("苗族", 0.02)]).to_string(),
            education: Self::education(Sector::Village, age, rng),
            phone,
        }
    }

    /// One member of a branch in `sector`.
    pub fn member(&mut self, sector: Sector, rng: &mut ChaCha8Rng) -> MemberDraft {
        let age = Self::age(sector, rng);
        let birth = self.today - Duration::days(i64::from(age) * 365 + rng.random_range(0..365));
        let gender = if rng.random_bool(0.71) {
            Gender::Male
        } else {
            Gender::Female
        };
        let id = self.id_number(birth, gender, rng);
        let probationary = age < 45 && rng.random_bool(0.06);
        let (join, confirm, status) = if probationary {
            let join = self.today - Duration::days(rng.random_range(20..360));
            (join, None, Status::Probationary)
        } else {
            let join_age = rng.random_range(19..=(age - 1).clamp(19, 40));
            let join = birth + Duration::days(i64::from(join_age) * 365 + rng.random_range(0..300));
            let join = join.min(self.today - Duration::days(400));
            let confirm = join + Duration::days(365);
            (join, Some(confirm), Status::Full)
        };
        let phone = rng.random_bool(0.9).then(|| {
            let second = [3, 5, 7, 8, 9][rng.random_range(0..5)];
            format!("1{second}{:09}", rng.random_range(0..1_000_000_000u64))
        });
        let ethnicity = pick(rng, &[("汉族", 0.92), ("土家族", 0.06), ("苗族", 0.02)]).to_string();
        MemberDraft {
            name: self.name(rng),
            gender,
            ethnicity,
            birth_date: birth,
            id_number: id,
            phone,
            education: Self::education(sector, age, rng),
            category: Self::category(sector, age, rng),
            join_date: join,
            confirm_date: confirm,
            status,
            flowing: age < 50 && rng.random_bool(0.04),
        }
    }
}
