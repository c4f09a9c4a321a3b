//! People on their way into the Party, for the demo: about one branch in eight has an
//! applicant, an activist or a development target, each with the steps done so far on dates
//! that keep the rules, and some a little late with the next one. Development plans for the
//! district and each town.

use crate::{Crypto, ServiceResult, today};
use dangjian_domain::member::MemberDraft;
use dangjian_domain::org::OrgKind;
use dangjian_domain::recruit::{ADMISSION_STEP, APPROVAL_STEP, RecruitRules};
use dangjian_domain::{date, mask};
use dangjian_store::recruit::{self, Along, NewRecruit, StepWrite};
use dangjian_store::{Conn, org::OrgRow};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Duration;

use super::life::BranchMembers;
use super::people::People;
use super::tree::Sector;

/// Days from the application to each of steps 1..=16, keeping every earliest and latest date.
const OFFSETS: [i64; 16] = [
    0, 20, 60, 75, 75, 120, 435, 445, 450, 460, 470, 490, 500, 510, 520, 540,
];

/// Returns how many people were put in the pipeline.
pub(crate) async fn generate(
    conn: &mut Conn,
    crypto: &Crypto,
    branches: &[BranchMembers<'_>],
    people: &mut People,
    rng: &mut ChaCha8Rng,
) -> ServiceResult<usize> {
    let rules = RecruitRules::default();
    let now = today();
    let mut added = 0;
    for b in branches {
        if b.count < 3
            || !OrgKind::parse(&b.org.kind).is_some_and(OrgKind::holds_members)
            || !rng.random_bool(0.12)
        {
            continue;
        }
        for _ in 0..rng.random_range(1..=2) {
            let draft = people.member(Sector::Village, rng);
            let target = rng.random_range(1..=16usize);
            let start = now - Duration::days(OFFSETS[target - 1] + rng.random_range(1..70));
            if date::years_between(draft.birth_date, start) < rules.min_age {
                continue;
            }
            let rid = insert_person(conn, crypto, b.org, &draft, &recruit::APPLICANT).await?;
            let mut done = std::collections::HashMap::new();
            for (i, offset) in OFFSETS.iter().take(target).enumerate() {
                let no = u8::try_from(i + 1).unwrap_or(1);
                let Some(rule) = rules.step(no) else { continue };
                let on = start + Duration::days(*offset);
                done.insert(no, on);
                let next_due = rules
                    .window(no + 1, &|n| done.get(&n).copied(), 0)
                    .latest
                    .map(date::format);
                let sponsors = if no == 9 {
                    format!("#{}、#{}", b.first_member, b.first_member + 1)
                } else {
                    String::new()
                };
                recruit::add_step(
                    conn,
                    rid,
                    &StepWrite {
                        step_no: i64::from(no),
                        done_on: &date::format(on),
                        document: rule.document,
                        note: "",
                        sponsors: &sponsors,
                        hours: (no == 11).then_some(24),
                        late: false,
                        stage: rule.stage.as_str(),
                        next_due: next_due.as_deref(),
                        by: None,
                    },
                )
                .await?;
            }
            added += 1;
        }
    }
    Ok(added)
}

/// A person drawn like a member, written into the pipeline standing at `along`.
async fn insert_person(
    conn: &mut Conn,
    crypto: &Crypto,
    org: &OrgRow,
    d: &MemberDraft,
    along: &Along<'_>,
) -> ServiceResult<i64> {
    let id = d.id_number.as_str();
    let person = NewRecruit {
        org_id: org.id,
        org_path: &org.path,
        name: &d.name,
        gender: d.gender.as_str(),
        ethnicity: &d.ethnicity,
        birth_date: &date::format(d.birth_date),
        id_cipher: &crypto.encrypt(id),
        id_index: &crypto.blind_index("id", id),
        id_masked: &mask::id_number(id),
        education: d.education.as_str(),
        category: d.category.as_str(),
    };
    Ok(recruit::insert_along(conn, &person, along).await?)
}

/// A probationary member of the demo's registry, for the record that made them one.
pub(crate) struct Probationer<'o> {
    pub member_id: i64,
    pub org: &'o OrgRow,
    pub draft: MemberDraft,
}

/// Every probationary member came through the pipeline: their record with the steps up to
/// the committee's approval, the branch meeting that admitted them on their join date, and
/// the link to their registry record, so that the 预备党员 of the registry and of the
/// 发展党员 board are the same people.
pub(crate) async fn probationers(
    conn: &mut Conn,
    crypto: &Crypto,
    list: &[Probationer<'_>],
) -> ServiceResult<()> {
    let rules = RecruitRules::default();
    let now = today();
    let admission = usize::from(ADMISSION_STEP);
    // Documents and dates per person, written a chunk of people at a time.
    let mut steps: Vec<(i64, u8, String, &'static str, &'static str)> = Vec::new();
    for p in list {
        let d = &p.draft;
        // Steps before the admission keep their spacing back from the join date; the
        // approval follows within weeks, never after today.
        let admitted = OFFSETS[admission - 1];
        let mut done = std::collections::HashMap::new();
        let mut mine = Vec::new();
        for no in 1..=APPROVAL_STEP {
            let Some(rule) = rules.step(no) else { continue };
            let on = match OFFSETS.get(usize::from(no) - 1) {
                Some(offset) => d.join_date + Duration::days(offset - admitted),
                None => d.join_date + Duration::days(40),
            }
            .min(now);
            done.insert(no, on);
            mine.push((no, date::format(on), rule.document, rule.stage.as_str()));
        }
        let Some((last, _, _, stage)) = mine.last().cloned() else {
            continue;
        };
        let next_due = rules
            .window(last + 1, &|n| done.get(&n).copied(), 0)
            .latest
            .map(date::format);
        let rid = insert_person(
            conn,
            crypto,
            p.org,
            d,
            &Along {
                stage,
                last_step: i64::from(last),
                next_due: next_due.as_deref(),
                member_id: Some(p.member_id),
            },
        )
        .await?;
        steps.extend(
            mine.into_iter()
                .map(|(no, on, doc, stage)| (rid, no, on, doc, stage)),
        );
        if steps.len() >= 10_000 {
            write_steps(conn, &steps).await?;
            steps.clear();
        }
    }
    write_steps(conn, &steps).await
}

async fn write_steps(
    conn: &mut Conn,
    steps: &[(i64, u8, String, &'static str, &'static str)],
) -> ServiceResult<()> {
    let rows: Vec<(i64, StepWrite<'_>)> = steps
        .iter()
        .map(|(rid, no, on, document, stage)| {
            (
                *rid,
                StepWrite {
                    step_no: i64::from(*no),
                    done_on: on,
                    document,
                    note: "",
                    sponsors: "",
                    hours: (*no == 11).then_some(24),
                    late: false,
                    stage,
                    next_due: None,
                    by: None,
                },
            )
        })
        .collect();
    recruit::insert_steps_bulk(conn, &rows).await?;
    Ok(())
}

/// This year's development quotas: each town a few places, the district their sum.
pub(crate) async fn plans(
    conn: &mut Conn,
    orgs: &[OrgRow],
    rng: &mut ChaCha8Rng,
) -> ServiceResult<()> {
    let year = i64::from(today().year());
    let Some(root) = orgs.iter().find(|o| o.parent_id.is_none()) else {
        return Ok(());
    };
    let mut total = 0;
    for town in orgs.iter().filter(|o| o.parent_id == Some(root.id)) {
        let quota = rng.random_range(6..=20);
        total += quota;
        recruit::set_plan(conn, town.id, year, quota, None).await?;
    }
    recruit::set_plan(conn, root.id, year, total, None).await?;
    Ok(())
}
