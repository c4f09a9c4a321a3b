//! 大屏: one level's figures on one screen, the same day, for the district and every level
//! below it. Every figure is counted from what the modules already keep (the rollup, the
//! life tallies, the modules' summaries); the screen asks nobody for anything. Its read
//! model holds counts and organizations' names only, never a person's name, so that a
//! display account's screen in a lobby shows nothing personal.

mod map;
pub mod policy;

use std::collections::HashMap;

use dangjian_domain::life::{self, Light, Lights, MeetingKind};
use dangjian_domain::org::OrgKind;
use dangjian_domain::screen::Measure;
use dangjian_store::life as life_store;
use dangjian_store::rollup;
use dangjian_store::screen as store;
use serde::Serialize;

pub use map::{Area, BoundaryUpload, MapView, Tile};

use crate::orgs::Org;
use crate::stats::Slice;
use crate::volunteers::record::SummaryQuery;
use crate::{Actor, App, ServiceResult, now_ms, today};

/// An organization as the screen names it: no secretary, no code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScreenOrg {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
}

impl From<&Org> for ScreenOrg {
    fn from(o: &Org) -> Self {
        ScreenOrg {
            id: o.id,
            name: o.name.clone(),
            kind_label: OrgKind::parse(&o.kind).map_or("", OrgKind::label).into(),
        }
    }
}

/// The registry as it stands: organizations, members and their make-up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registry {
    pub orgs: i64,
    pub members: i64,
    pub full: i64,
    pub probationary: i64,
    pub grid_groups: i64,
    pub by_gender: Vec<Slice>,
    pub by_age_band: Vec<Slice>,
    pub by_education: Vec<Slice>,
    pub by_party_age_band: Vec<Slice>,
}

/// Meetings held of those due: this month's theme day, or 三会一课 this year.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Held {
    pub due: i64,
    pub held: i64,
    /// held ÷ due; none when nothing was due.
    pub rate: Option<f64>,
    pub light: Light,
}

impl Held {
    fn of(due: i64, held: i64) -> Held {
        let rate = (due > 0).then(|| held as f64 / due as f64);
        Held {
            due,
            held,
            rate,
            light: Lights::default().of(rate),
        }
    }
}

/// One child's figures, each a measure the map can be coloured by.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildFigures {
    pub org: ScreenOrg,
    pub members: i64,
    pub theme_day: Held,
    pub life: Held,
    /// Members who paid for this month, of the members.
    pub dues: Held,
    pub requests: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuesFigures {
    pub month: String,
    pub collection: Held,
    pub month_paid_fen: i64,
    pub year_paid_fen: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    pub label: String,
    pub n: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecruitFigures {
    pub stages: Vec<StageCount>,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestFigures {
    pub today: i64,
    pub year: i64,
    pub open: i64,
    pub overdue: i64,
    pub answered_on_time_permille: Option<i64>,
    pub resolved_on_time_permille: Option<i64>,
    pub satisfaction_permille: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MassesFigures {
    pub households: i64,
    pub paired: i64,
    pub deeds_year: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentFigures {
    /// The year rated (last year).
    pub year: i64,
    /// Published ratings from five stars down: (stars, organizations).
    pub stars: Vec<(i64, i64)>,
    pub weak_listed: i64,
    pub weak_signed_off: i64,
    pub contact_points: i64,
    pub problems_due: i64,
    pub problems_on_time: i64,
    pub problems_late: i64,
}

/// Both committees (两委) of the villages below, today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitteeFigures {
    pub villages: i64,
    pub one_shoulder_percent: f64,
    pub people: i64,
    pub women: i64,
    pub under_35: i64,
    pub college_plus: i64,
    pub reserve: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceFigures {
    pub volunteer_times: i64,
    pub volunteer_hours: i64,
    pub task_forces_open: i64,
    pub task_forces_this_year: i64,
}

/// 大屏 of one level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Screen {
    pub org: ScreenOrg,
    /// The levels above it inside the reader's scope, from the top: the way back up.
    pub trail: Vec<ScreenOrg>,
    /// When the figures were read (China time, `YYYY-MM-DD HH:MM:SS`).
    pub as_of: String,
    /// Whether the figures open the lists they count (staff; never a display account).
    pub open_lists: bool,
    pub registry: Registry,
    /// This month's due month (`YYYY-MM`) and theme day.
    pub month: String,
    pub theme_day: Held,
    /// 三会一课 this year over the months that have ended (`life_from`–`life_to`).
    pub life_from: String,
    pub life_to: String,
    pub life: Held,
    pub dues: DuesFigures,
    pub recruits: RecruitFigures,
    pub requests: RequestFigures,
    pub masses: MassesFigures,
    pub assessment: AssessmentFigures,
    /// None for a level without villages.
    pub committees: Option<CommitteeFigures>,
    pub service: ServiceFigures,
    /// Open children in the registry's order.
    pub children: Vec<ChildFigures>,
    pub map: MapView,
}

/// Sums (due, held) by org over tally rows of the kinds wanted.
fn held_by_org(rows: &[life_store::TallyRow], kind: Option<&str>) -> HashMap<i64, (i64, i64)> {
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for r in rows.iter().filter(|r| kind.is_none_or(|k| r.kind == k)) {
        let e = out.entry(r.org_id).or_default();
        e.0 += r.required;
        e.1 += r.met;
    }
    out
}

fn held_of(map: &HashMap<i64, (i64, i64)>, id: i64) -> Held {
    let (due, held) = map.get(&id).copied().unwrap_or_default();
    Held::of(due, held)
}

/// The ended months of this year (`from`, `to`); in January, last year's twelve.
fn ended_months(on: time::Date) -> (String, String) {
    if on.month() == time::Month::January {
        let y = on.year() - 1;
        (format!("{y:04}-01"), format!("{y:04}-12"))
    } else {
        let last = u8::from(on.month()) - 1;
        (
            format!("{:04}-01", on.year()),
            format!("{:04}-{last:02}", on.year()),
        )
    }
}

impl App {
    /// The screen of `org` (default: the top of the actor's scope), its map coloured by
    /// `measure`.
    pub async fn screen(
        &self,
        actor: &Actor,
        org: Option<i64>,
        measure: Measure,
    ) -> ServiceResult<Screen> {
        let id = org.unwrap_or(actor.scope_org_id);
        let o = {
            let mut conn = self.db.conn().await?;
            dangjian_store::org::get(&mut conn, id).await?
        }
        .map(Org::from)
        .ok_or(crate::ServiceError::NotFound)?;
        policy::check_read(actor, &o.path)?;
        let reader = policy::reader(actor);
        let overview = self.overview(&reader, Some(o.id)).await?;
        let trail = self
            .org_trail(&reader, &o)
            .await?
            .iter()
            .filter(|a| a.id != o.id)
            .map(ScreenOrg::from)
            .collect();
        let on = today();
        let year = on.year();
        let month = life::month_key(on);
        let (life_from, life_to) = ended_months(on);
        let theme = MeetingKind::ThemeDay.as_str();
        let mut conn = self.db.conn().await?;
        let (own_month, child_month) = (
            life_store::tallies(&mut conn, o.id, &month, &month).await?,
            life_store::child_tallies(&mut conn, o.id, &month, &month).await?,
        );
        let (own_year, child_year) = (
            life_store::tallies(&mut conn, o.id, &life_from, &life_to).await?,
            life_store::child_tallies(&mut conn, o.id, &life_from, &life_to).await?,
        );
        let theme_own = held_by_org(&own_month, Some(theme));
        let theme_children = held_by_org(&child_month, Some(theme));
        let life_own = held_by_org(&own_year, None);
        let life_children = held_by_org(&child_year, None);
        let dues_metrics = [rollup::DUES_PAYERS, rollup::DUES_PAID];
        let dues_month = rollup::sum_range(&mut conn, o.id, &dues_metrics, &month, &month).await?;
        let dues_children =
            rollup::sum_range_children(&mut conn, o.id, &[rollup::DUES_PAYERS], &month, &month)
                .await?;
        let (y_from, y_to) = (format!("{year:04}-01"), format!("{year:04}-12"));
        let dues_year =
            rollup::sum_range(&mut conn, o.id, &[rollup::DUES_PAID], &y_from, &y_to).await?;
        let households = rollup::sum_range(
            &mut conn,
            o.id,
            &[rollup::HOUSEHOLD_TOTAL, rollup::HOUSEHOLD_PAIRED],
            "",
            "",
        )
        .await?;
        let deeds =
            rollup::sum_range(&mut conn, o.id, &[rollup::DEED_COUNT], &y_from, &y_to).await?;
        let day_start = on
            .midnight()
            .assume_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC))
            .unix_timestamp()
            * 1000;
        let requests_today = store::requests_since(&mut conn, &o.path, day_start).await?;
        drop(conn);

        // The modules' summaries, each on its own connection at once: the screen waits for
        // the slowest, not for their sum.
        let volunteer_query = SummaryQuery {
            org: Some(o.id),
            year: Some(i64::from(year)),
        };
        let (requests, recruits, assessment, cadres, volunteers, teams) = tokio::try_join!(
            self.request_lines(&reader, Some(o.id), Some(year)),
            self.recruit_summary(&reader, o.id),
            self.assessment_summary(&reader, Some(o.id)),
            self.cadre_summary(&reader, Some(o.id)),
            self.volunteer_summary(&reader, &volunteer_query),
            self.task_force_summary(&reader, Some(o.id)),
        )?;

        let get = |m: &HashMap<String, i64>, k: &str| m.get(k).copied().unwrap_or(0);
        let children: Vec<ChildFigures> = overview
            .children
            .iter()
            .filter(|c| c.org.closed_on.is_none())
            .map(|c| {
                let id = c.org.id;
                let payers = dues_children
                    .get(&(id, rollup::DUES_PAYERS.to_string()))
                    .copied()
                    .unwrap_or(0);
                ChildFigures {
                    org: ScreenOrg::from(&c.org),
                    members: c.members,
                    theme_day: held_of(&theme_children, id),
                    life: held_of(&life_children, id),
                    dues: Held::of(c.members, payers),
                    requests: requests
                        .children
                        .iter()
                        .find(|r| r.org_id == id)
                        .map_or(0, |r| r.total),
                }
            })
            .collect();
        let map = self.screen_map(actor, &o, &children, measure).await?;
        Ok(Screen {
            trail,
            as_of: dangjian_domain::date::local_time_of_ms(now_ms()),
            open_lists: policy::may_open_lists(actor),
            registry: Registry {
                orgs: overview.orgs_total,
                members: overview.members_total,
                full: overview.members_full,
                probationary: overview.members_probationary,
                grid_groups: overview.grid_groups,
                by_gender: overview.by_gender,
                by_age_band: overview.by_age_band,
                by_education: overview.by_education,
                by_party_age_band: overview.by_party_age_band,
            },
            month: month.clone(),
            theme_day: held_of(&theme_own, o.id),
            life: held_of(&life_own, o.id),
            life_from,
            life_to,
            dues: DuesFigures {
                month,
                collection: Held::of(
                    overview.members_total,
                    get(&dues_month, rollup::DUES_PAYERS),
                ),
                month_paid_fen: get(&dues_month, rollup::DUES_PAID),
                year_paid_fen: get(&dues_year, rollup::DUES_PAID),
            },
            recruits: RecruitFigures {
                stages: recruits
                    .stages
                    .iter()
                    .map(|(label, n)| StageCount {
                        label: (*label).into(),
                        n: *n,
                    })
                    .collect(),
                overdue: recruits.overdue,
            },
            requests: RequestFigures {
                today: requests_today,
                year: requests.total.total,
                open: requests.total.open,
                overdue: requests.total.overdue,
                answered_on_time_permille: requests.total.answered_on_time_permille,
                resolved_on_time_permille: requests.total.resolved_on_time_permille,
                satisfaction_permille: requests.satisfaction_permille,
            },
            masses: MassesFigures {
                households: get(&households, rollup::HOUSEHOLD_TOTAL),
                paired: get(&households, rollup::HOUSEHOLD_PAIRED),
                deeds_year: get(&deeds, rollup::DEED_COUNT),
            },
            assessment: AssessmentFigures {
                year: assessment.year,
                stars: assessment
                    .stars
                    .iter()
                    .map(|s| (s.stars, s.count))
                    .collect(),
                weak_listed: assessment.weak_listed,
                weak_signed_off: assessment.weak_signed_off,
                contact_points: assessment.contact_points,
                problems_due: assessment.problems.due,
                problems_on_time: assessment.problems.on_time,
                problems_late: assessment.problems.late,
            },
            committees: cadres.map(|c| CommitteeFigures {
                villages: c.villages,
                one_shoulder_percent: c.structure.one_shoulder_percent,
                people: c.structure.people,
                women: c.structure.women,
                under_35: c.structure.under_35,
                college_plus: c.structure.college_plus,
                reserve: c.in_pool,
            }),
            service: ServiceFigures {
                volunteer_times: volunteers.this_year.times,
                volunteer_hours: volunteers.this_year.minutes / 60,
                task_forces_open: teams.open,
                task_forces_this_year: teams.started_in_year,
            },
            children,
            map,
            org: ScreenOrg::from(&o),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_counts_the_months_that_have_ended() {
        let d = |y, m, day| {
            time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), day)
                .expect("date")
        };
        assert_eq!(
            ended_months(d(2026, 12, 7)),
            ("2026-01".into(), "2026-11".into())
        );
        assert_eq!(
            ended_months(d(2026, 1, 10)),
            ("2025-01".into(), "2025-12".into())
        );
        assert_eq!(
            ended_months(d(2026, 2, 1)),
            ("2026-01".into(), "2026-01".into())
        );
    }

    #[test]
    fn a_rate_and_its_light_come_from_the_counts() {
        let h = Held::of(20, 19);
        assert_eq!(h.rate, Some(0.95));
        assert_eq!(h.light, Light::Green);
        assert_eq!(Held::of(10, 7).light, Light::Red);
        let none = Held::of(0, 0);
        assert_eq!((none.rate, none.light), (None, Light::None));
    }
}
