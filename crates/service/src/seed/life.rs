//! A year of organizational life for every demo branch: most branches keep to the rules,
//! some slip, a few fall badly behind; some meetings are held late.

use crate::{ServiceResult, today};
use dangjian_domain::life::{self, MeetingKind, Period, PeriodType};
use dangjian_domain::{date, org::OrgKind};
use dangjian_store::Conn;
use dangjian_store::life::{MeetingWrite, fill_demo_attendance, insert_meetings_bulk};
use dangjian_store::org::OrgRow;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::Duration;

/// A branch and the id range of its members.
pub(crate) struct BranchMembers<'a> {
    pub org: &'a OrgRow,
    pub first_member: i64,
    pub count: i64,
    /// How many hold a post on its committee (its first full members).
    pub committee: i64,
}

const TOPICS: [(MeetingKind, &str); 6] = [
    (MeetingKind::ThemeDay, "学习贯彻党的创新理论主题党日"),
    (MeetingKind::CommitteeMeeting, "研究本月党建工作和党员发展"),
    (MeetingKind::GeneralMeeting, "通报支部工作，讨论重要事项"),
    (MeetingKind::PartyLecture, "书记讲党课：传承红岩精神"),
    (MeetingKind::LifeMeeting, "年度组织生活会暨民主评议党员"),
    (MeetingKind::StudySession, "党史学习教育专题学习"),
];

/// Up to this many members, every demo meeting gets its attendance rows.
const FULL_ATTENDANCE_UP_TO: i64 = 100_000;

/// Minutes of study each member present earns, by kind (0: not a study meeting).
fn study_minutes(kind: MeetingKind) -> i64 {
    match kind {
        MeetingKind::PartyLecture => 90,
        MeetingKind::StudySession => 120,
        _ => 0,
    }
}

/// Generates the meetings of the twelve months before this one with their attendance; above
/// a district's size only the last three months get attendance rows and earlier meetings keep
/// their head counts (a province would otherwise hold billions of rows of synthetic attendance).
/// Returns the number of meetings and attendance rows, and the first month covered.
pub(crate) async fn generate(
    conn: &mut Conn,
    branches: &[BranchMembers<'_>],
    rng: &mut ChaCha8Rng,
) -> ServiceResult<(usize, usize, String)> {
    let now = today();
    let this_month = Period::containing(PeriodType::Month, now);
    let first = this_month.start - Duration::days(365);
    let months = life::months(
        &life::month_key(first),
        &life::month_key(this_month.start - Duration::days(1)),
    );
    // A district (Fuling's 60,000 members) gets attendance for the whole year, about 1.5
    // million rows; larger runs keep the last three months only.
    let members: i64 = branches.iter().map(|b| b.count).sum();
    let detail_from = if members <= FULL_ATTENDANCE_UP_TO {
        life::month_key(first)
    } else {
        life::month_key(this_month.start - Duration::days(85))
    };
    let rules = life::default_rules();
    let mut meetings: Vec<(i64, MeetingWrite)> = Vec::new();
    let mut next_id = 1;
    let mut total_meetings = 0;
    for b in branches {
        if !OrgKind::parse(&b.org.kind).is_some_and(OrgKind::holds_members) || b.count == 0 {
            continue;
        }
        // How diligent this branch is: most keep to the rules, a few fall badly behind.
        let roll: f64 = rng.random();
        let keeps = if roll < 0.8 {
            0.98
        } else if roll < 0.95 {
            0.8
        } else {
            0.4
        };
        for (i, month) in months.iter().enumerate() {
            let mut due: Vec<_> = life::due_in(&rules, &b.org.kind, month)
                .into_iter()
                .map(|(kind, period, rule)| (kind, period, Some(rule)))
                .collect();
            // 党史学习教育: a study session every other month, required by no rule.
            if i % 2 == 0
                && let Some(start) = life::month_start(month)
            {
                due.push((
                    MeetingKind::StudySession,
                    Period::containing(PeriodType::Month, start),
                    None,
                ));
            }
            for (kind, period, rule) in due {
                if !rng.random_bool(keeps) {
                    continue;
                }
                let late = rng.random_bool(0.04);
                let held_on = if late {
                    period.end + Duration::days(rng.random_range(1..20))
                } else if let Some(day) = rule.and_then(|r| r.fixed_day) {
                    period.start + Duration::days(i64::from(day) - 1)
                } else {
                    period.start
                        + Duration::days(
                            rng.random_range(0..(period.end - period.start).whole_days().max(1)),
                        )
                };
                if held_on >= now {
                    continue;
                }
                // A committee meeting expects the committee: all of it, or one away.
                let (expected, present) =
                    if kind == MeetingKind::CommitteeMeeting && b.committee > 0 {
                        (b.committee, b.committee - i64::from(rng.random_bool(0.15)))
                    } else {
                        let present = (b.count as f64 * rng.random_range(0.7..1.0)).round() as i64;
                        (b.count, present)
                    };
                let topic = TOPICS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or("组织生活", |(_, t)| t);
                meetings.push((
                    next_id,
                    MeetingWrite {
                        org_id: b.org.id,
                        org_path: b.org.path.clone(),
                        group_id: None,
                        kind: kind.as_str().into(),
                        held_on: date::format(held_on),
                        starts_at: "09:00".into(),
                        place: "党员活动室".into(),
                        topic: topic.into(),
                        host: "支部书记".into(),
                        lecturer: if kind == MeetingKind::PartyLecture {
                            "支部书记".into()
                        } else {
                            String::new()
                        },
                        agenda: String::new(),
                        minutes: String::new(),
                        decisions: String::new(),
                        due_month: month.clone(),
                        on_time: life::on_time(rule, &period, held_on),
                        expected,
                        present,
                        quorum: kind.needs_quorum().then_some(present * 2 > expected),
                        study_minutes: study_minutes(kind),
                        created_by: None,
                    },
                ));
                next_id += 1;
            }
        }
        if meetings.len() >= 5_000 {
            total_meetings += meetings.len();
            insert_meetings_bulk(conn, &meetings).await?;
            meetings.clear();
        }
    }
    total_meetings += meetings.len();
    insert_meetings_bulk(conn, &meetings).await?;
    let attendance = fill_demo_attendance(conn, &detail_from).await?;
    Ok((
        total_meetings,
        usize::try_from(attendance).unwrap_or(usize::MAX),
        months.first().cloned().unwrap_or_default(),
    ))
}
