//! Cadres for the demo (FULING.md): every village's and community's two committees elected
//! in 2021 with the term before them, 一肩挑 in most villages, the candidates with the
//! county's vetting, the reserve pool (1,339 at scale 1, ≈ 3 per village) and the local
//! talents (330, of whom 258 were elected village secretary in 2021).

use std::collections::HashMap;

use dangjian_domain::cadres::election::term_end;
use dangjian_domain::cadres::rules::CadreRules;
use dangjian_domain::{date, path};
use dangjian_store::cadres::committee::{self as seats, SeatLoad};
use dangjian_store::cadres::election::{self, CandidateLoad, ElectionLoad};
use dangjian_store::cadres::reserve::{self, ReserveLoad};
use dangjian_store::person::{self, MemberFacts, PersonWrite};
use dangjian_store::{Conn, org::OrgRow};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::life::BranchMembers;
use super::people::People;
use super::tree::scaled;
use crate::cadres::person::to_write;
use crate::{Crypto, ServiceResult};

/// Fuling's reserve pool and local talents (FULING.md).
const RESERVE: f64 = 1_339.0;
const LOCAL_TALENTS: f64 = 330.0;
const LOCAL_TALENT_SECRETARIES: f64 = 258.0;

const TRAINING: [&str; 5] = [
    "参加区委组织部村级后备力量示范培训班",
    "在镇街党政办跟岗锻炼半年",
    "参加乡村振兴实用技术培训",
    "到先进村(社区)挂职学习三个月",
    "参加区委党校专题轮训",
];

const REFUSALS: [&str; 3] = [
    "受过刑事处罚",
    "存在村霸或涉黑涉恶问题",
    "被列为失信被执行人",
];

/// What the load writes, numbered as it goes.
struct Load<'a> {
    crypto: &'a Crypto,
    next_person: i64,
    persons: Vec<(i64, PersonWrite)>,
    elections: Vec<ElectionLoad>,
    candidates: Vec<CandidateLoad>,
    party: Vec<SeatLoad>,
    residents: Vec<SeatLoad>,
    reserves: Vec<ReserveLoad>,
}

impl Load<'_> {
    /// A new person who is not a member, of about `age` on `on`.
    fn person(
        &mut self,
        people: &mut People,
        age: i32,
        female: bool,
        on: Date,
        rng: &mut ChaCha8Rng,
    ) -> i64 {
        let d = people.person(age, female, on, rng);
        self.next_person += 1;
        self.persons
            .push((self.next_person, to_write(self.crypto, &d)));
        self.next_person
    }
}

fn day(year: i32, month: Month, d: u8) -> Date {
    Date::from_calendar_date(year, month, d).unwrap_or(Date::MIN)
}

fn age_on(m: &MemberFacts, on: Date) -> i32 {
    date::parse(&m.birth_date).map_or(0, |b| date::years_between(b, on))
}

/// The posts of the party committee a village of `n` full members elects.
fn party_posts(n: usize) -> &'static [&'static str] {
    if n >= 20 {
        &[
            "secretary",
            "deputy_secretary",
            "organization",
            "propaganda",
            "discipline",
        ]
    } else {
        &["secretary", "organization", "propaganda"]
    }
}

pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    villages: &[&OrgRow],
    branches: &[BranchMembers<'_>],
    people: &mut People,
    scale: f64,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let rules = CadreRules::default();
    // The members of each village, and a sample of them to draw committees from.
    let village_ids: HashMap<i64, usize> = villages
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id, i))
        .collect();
    let mut members: Vec<Vec<i64>> = vec![Vec::new(); villages.len()];
    for b in branches {
        if let Some(i) = path::ids(&b.org.path)
            .get(2)
            .and_then(|id| village_ids.get(id))
        {
            members[*i].extend(b.first_member..b.first_member + b.count);
        }
    }
    let mut sampled = Vec::new();
    for m in &mut members {
        m.shuffle(rng);
        m.truncate(40);
        sampled.extend(m.iter().copied());
    }
    let facts: HashMap<i64, MemberFacts> = person::member_facts(conn, &sampled)
        .await?
        .into_iter()
        .map(|f| (f.member_id, f))
        .collect();
    // The party posts the member load already gave branch-kind villages stay with their
    // holders: the 2021 election elected them.
    let mut held: HashMap<i64, Vec<(String, i64, i64)>> = HashMap::new();
    for s in seats::current_seats(conn, "/").await? {
        if let Some(member) = s.member_id {
            held.entry(s.org_id)
                .or_default()
                .push((s.post, member, s.person_id));
        }
    }

    let mut load = Load {
        crypto,
        next_person: person::max_id(conn).await?,
        persons: Vec::new(),
        elections: Vec::new(),
        candidates: Vec::new(),
        party: Vec::new(),
        residents: Vec::new(),
        reserves: Vec::new(),
    };
    // The villages whose 2021 secretary came from the pool as a local talent.
    let talent_secretaries = scaled(LOCAL_TALENT_SECRETARIES, scale).min(villages.len());
    let mut order: Vec<usize> = (0..villages.len()).collect();
    order.shuffle(rng);
    let talent_villages: Vec<bool> = {
        let mut v = vec![false; villages.len()];
        for i in order.iter().take(talent_secretaries) {
            v[*i] = true;
        }
        v
    };
    let mut secretaries: Vec<Option<(i64, Date)>> = vec![None; villages.len()];
    for (i, v) in villages.iter().enumerate() {
        let election_id = i as i64 + 1;
        let party_on = day(2021, Month::January, 8) + Duration::days(rng.random_range(0..70));
        let residents_on = party_on + Duration::days(rng.random_range(20..75));
        let started = party_on - Duration::days(rng.random_range(40..80));
        let before = date::years_before(party_on, 5);
        let full: Vec<&MemberFacts> = members[i]
            .iter()
            .filter_map(|id| facts.get(id))
            .filter(|f| f.status == "full")
            .collect();
        // The new party committee: the holders on record, or drawn from the full members
        // (a secretary of 30–58, the others under 65).
        let mut party: Vec<(&'static str, i64, i64)> = Vec::new();
        if let Some(h) = held.get(&v.id) {
            for (post, member, person) in h {
                if let Some(p) = party_posts(25).iter().find(|p| **p == post.as_str()) {
                    party.push((p, *member, *person));
                }
            }
        } else {
            let mut pool: Vec<&&MemberFacts> =
                full.iter().filter(|f| age_on(f, party_on) < 65).collect();
            if let Some(k) = pool
                .iter()
                .position(|f| (30..=58).contains(&age_on(f, party_on)))
            {
                let s = pool.remove(k);
                party.push(("secretary", s.member_id, s.person_id));
            }
            for (post, f) in party_posts(full.len()).iter().skip(1).zip(pool) {
                party.push((post, f.member_id, f.person_id));
            }
        }
        let used: Vec<i64> = party.iter().map(|p| p.1).collect();
        let secretary = party.iter().find(|p| p.0 == "secretary").map(|p| p.2);
        secretaries[i] = secretary.map(|s| (s, party_on));
        for (post, member, _) in &party {
            // Holders on record were written by the member load; their dates follow below.
            if !held.contains_key(&v.id) {
                load.party.push(SeatLoad {
                    org_id: v.id,
                    holder: *member,
                    post,
                    started_on: date::format(party_on),
                    ended_on: None,
                    election_id: Some(election_id),
                });
            }
        }
        // The term before: the secretary re-elected in about half the villages, the others
        // older members not on the new committee.
        let mut older: Vec<&&MemberFacts> = full
            .iter()
            .filter(|f| !used.contains(&f.member_id) && (40..=66).contains(&age_on(f, before)))
            .collect();
        older.shuffle(rng);
        let old_secretary = if rng.random_bool(0.55) {
            party
                .iter()
                .find(|p| p.0 == "secretary")
                .map(|p| (p.1, p.2))
        } else {
            older.pop().map(|f| (f.member_id, f.person_id))
        };
        let mut old_party = Vec::new();
        if let Some((m, p)) = old_secretary {
            old_party.push(("secretary", m, p));
        }
        for post in ["organization", "propaganda"] {
            if let Some(f) = older.pop() {
                old_party.push((post, f.member_id, f.person_id));
            }
        }
        for (post, member, _) in &old_party {
            load.party.push(SeatLoad {
                org_id: v.id,
                holder: *member,
                post,
                started_on: date::format(before),
                ended_on: Some(date::format(party_on)),
                election_id: None,
            });
        }
        // The residents' committee: the secretary directs it in most villages (一肩挑), a
        // party committee member or two sit on both, the others are residents, one a woman.
        let mut residents: Vec<(&'static str, i64)> = Vec::new();
        match secretary {
            Some(s) if rng.random_bool(0.93) => residents.push(("director", s)),
            _ => {
                let female = rng.random_bool(0.2);
                let age = rng.random_range(35..52);
                residents.push((
                    "director",
                    load.person(people, age, female, residents_on, rng),
                ));
            }
        }
        if let Some(cross) = party.iter().find(|p| p.0 != "secretary") {
            residents.push(("deputy_director", cross.2));
        }
        let women_age = rng.random_range(28..45);
        residents.push((
            "member",
            load.person(people, women_age, true, residents_on, rng),
        ));
        if rng.random_bool(0.6) {
            let age = rng.random_range(25..50);
            let female = rng.random_bool(0.4);
            residents.push((
                "member",
                load.person(people, age, female, residents_on, rng),
            ));
        }
        for (post, person) in &residents {
            load.residents.push(SeatLoad {
                org_id: v.id,
                holder: *person,
                post,
                started_on: date::format(residents_on),
                ended_on: None,
                election_id: Some(election_id),
            });
        }
        let mut old_residents: Vec<(&'static str, i64)> = Vec::new();
        match old_secretary {
            Some((_, p)) if rng.random_bool(0.45) => old_residents.push(("director", p)),
            _ => {
                let age = rng.random_range(45..60);
                old_residents.push(("director", load.person(people, age, false, before, rng)));
            }
        }
        for female in [rng.random_bool(0.3), false] {
            let age = rng.random_range(40..62);
            old_residents.push(("member", load.person(people, age, female, before, rng)));
        }
        for (post, person) in &old_residents {
            load.residents.push(SeatLoad {
                org_id: v.id,
                holder: *person,
                post,
                started_on: date::format(date::years_before(residents_on, 5)),
                ended_on: Some(date::format(residents_on)),
                election_id: None,
            });
        }
        // The candidates: everyone elected, one more for each committee (差额), and now and
        // then one the vetting refused.
        let vetted = Some(date::format(started + Duration::days(20)));
        let candidate =
            |person, body, post, vetting, reason: Option<&str>, elected| CandidateLoad {
                election_id,
                person_id: person,
                body,
                post,
                vetting,
                refusal_reason: reason.map(String::from),
                vetted_on: vetted.clone(),
                elected,
            };
        for (post, _, person) in &party {
            load.candidates
                .push(candidate(*person, "party", post, "passed", None, true));
        }
        if let Some(f) = older.pop() {
            load.candidates.push(candidate(
                f.person_id,
                "party",
                "organization",
                "passed",
                None,
                false,
            ));
        }
        for (post, person) in &residents {
            load.candidates
                .push(candidate(*person, "residents", post, "passed", None, true));
        }
        let age = rng.random_range(30..55);
        let extra = load.person(people, age, rng.random_bool(0.3), residents_on, rng);
        load.candidates.push(candidate(
            extra,
            "residents",
            "member",
            "passed",
            None,
            false,
        ));
        if rng.random_bool(0.05) {
            let age = rng.random_range(30..55);
            let refused = load.person(people, age, false, residents_on, rng);
            let reason = REFUSALS[rng.random_range(0..REFUSALS.len())];
            load.candidates.push(candidate(
                refused,
                "residents",
                "member",
                "refused",
                Some(reason),
                false,
            ));
        }
        let finished = residents_on;
        load.elections.push(ElectionLoad {
            id: election_id,
            org_id: v.id,
            started_on: date::format(started),
            party_voted_on: Some(date::format(party_on)),
            residents_voted_on: Some(date::format(residents_on)),
            finished_on: Some(date::format(finished)),
            term_ends_on: Some(date::format(term_end(finished, &rules))),
        });
    }

    // The reserve pool: about three per village (some short of the target, some above), the
    // local talents not elected among them; and the secretaries who came from the pool.
    let total = scaled(RESERVE, scale);
    let in_pool_talents = scaled(LOCAL_TALENTS, scale).saturating_sub(talent_secretaries);
    let n = villages.len().max(1);
    let mut counts = vec![total / n; n];
    for c in counts.iter_mut().take(total % n) {
        *c += 1;
    }
    counts.shuffle(rng);
    // Move a few from one village to another: a real pool is uneven.
    for _ in 0..n / 8 {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        if counts[a] > 1 {
            counts[a] -= 1;
            counts[b] += 1;
        }
    }
    let this_year = crate::today().year();
    let mut next_reserve = 0;
    let mut talents_left = in_pool_talents;
    for (i, v) in villages.iter().enumerate() {
        for _ in 0..counts[i] {
            let source = if talents_left > 0 && rng.random_bool(0.2) {
                talents_left -= 1;
                "local_talent"
            } else {
                [
                    "returnee", "returnee", "graduate", "graduate", "veteran", "other",
                ][rng.random_range(0..6)]
            };
            let joined = day(
                rng.random_range(2019..=this_year.max(2020)),
                Month::March,
                1,
            ) + Duration::days(rng.random_range(0..250));
            let joined = joined.min(crate::today());
            let age = rng.random_range(24..40);
            let person = load.person(people, age, rng.random_bool(0.35), crate::today(), rng);
            let reviews = (joined.year()..this_year)
                .map(|y| {
                    let g = if rng.random_bool(0.2) {
                        "excellent"
                    } else {
                        "competent"
                    };
                    (i64::from(y), g)
                })
                .collect();
            next_reserve += 1;
            load.reserves.push(ReserveLoad {
                id: next_reserve,
                org_id: v.id,
                person_id: person,
                source,
                joined_on: date::format(joined),
                training: TRAINING[rng.random_range(0..TRAINING.len())],
                outcome: None,
                outcome_on: None,
                reviews,
            });
        }
        if talent_villages[i]
            && let Some((secretary, on)) = secretaries[i]
        {
            next_reserve += 1;
            let joined = on - Duration::days(rng.random_range(400..1100));
            load.reserves.push(ReserveLoad {
                id: next_reserve,
                org_id: v.id,
                person_id: secretary,
                source: "local_talent",
                joined_on: date::format(joined),
                training: TRAINING[rng.random_range(0..TRAINING.len())],
                outcome: Some("elected"),
                outcome_on: Some(date::format(on)),
                reviews: vec![(i64::from(joined.year()), "excellent")],
            });
        }
    }

    person::insert_bulk(conn, &load.persons).await?;
    election::insert_bulk(conn, &load.elections, &load.candidates).await?;
    seats::insert_bulk(conn, true, &load.party).await?;
    seats::insert_bulk(conn, false, &load.residents).await?;
    seats::attach_to_elections(conn).await?;
    reserve::insert_bulk(conn, &load.reserves).await?;
    Ok(())
}
