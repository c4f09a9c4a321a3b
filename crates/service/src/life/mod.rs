//! 组织生活: recording meetings with attendance, the rules as data, and compliance at every
//! level from tallies kept per org and due month.

mod model;
pub use model::*;
pub mod checkin;
mod files;
pub mod policy;
pub mod record_book;
pub mod review;

use std::collections::HashMap;

use dangjian_domain::bands::Status;
use dangjian_domain::life::{self, BranchLife, Lights, MeetingKind, PeriodType, Rule, Tally};
use dangjian_domain::org::OrgKind;
use dangjian_domain::{FieldError, date, path};
use dangjian_store::life::{self as store, MeetingText, MeetingWrite, RuleRow, TallyRow};
use dangjian_store::member::{self, MemberFilter};
use dangjian_store::{Conn, rollup, setting};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit::Entry;
use crate::members::Member;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// The attendance status of a member who is not on the branch committee, for a committee
/// meeting: not expected, so neither present nor absent.
const OFF_COMMITTEE: &str = "off_committee";

/// The first and last due months the tallies cover.
const LIFE_FROM: &str = "life_from";
const LIFE_TO: &str = "life_to";

/// A meeting as a form or a script sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    pub kind: String,
    pub held_on: String,
    pub starts_at: String,
    pub place: String,
    pub topic: String,
    pub host: String,
    pub lecturer: String,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    /// A day inside the period the meeting fulfils (default: the day it was held).
    pub for_period: String,
    /// For a party-group meeting: the group of the branch that met (its members are expected).
    pub group_id: Option<i64>,
    /// Study time credited to each member present (minutes, 0–600).
    pub study_minutes: Option<i64>,
    /// The check-in window the meeting was held with: without an attendance list, those
    /// who checked in are present and the rest absent.
    pub checkin_id: Option<i64>,
    /// Who attended; absent (and no check-in) means every member of the branch was present.
    pub attendance: Option<Vec<AttendanceInput>>,
}

/// A correction of a recorded meeting: the fields given replace the stored ones, the rest
/// stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingPatch {
    /// Start time, e.g. `09:00` (at most 5 characters, 422 `too_long`).
    pub starts_at: Option<String>,
    /// Place 地点 (422 `too_long`).
    pub place: Option<String>,
    /// Topic 会议主题: 422 `required` | `too_long`.
    pub topic: Option<String>,
    /// Chair 主持人 (422 `too_long`).
    pub host: Option<String>,
    /// Lecturer 授课人: required when the meeting is a `party_lecture` (422 `required`), 422
    /// `too_long`.
    pub lecturer: Option<String>,
    /// Agenda 议程 (422 `too_long`).
    pub agenda: Option<String>,
    /// Minutes 会议记录 (422 `too_long`).
    pub minutes: Option<String>,
    /// Decisions 决定事项 (422 `too_long`).
    pub decisions: Option<String>,
    /// Study time 学习时长 in minutes credited to each member present. Absent or null: 0. Outside
    /// 0–600: 422 `out_of_range`.
    pub study_minutes: Option<i64>,
}

impl MeetingPatch {
    /// The meeting as it would read after the correction (with no fields: as it reads now).
    pub fn applied_to(&self, m: &Meeting) -> MeetingInput {
        let pick = |new: &Option<String>, old: &String| new.clone().unwrap_or_else(|| old.clone());
        MeetingInput {
            starts_at: pick(&self.starts_at, &m.starts_at),
            place: pick(&self.place, &m.place),
            topic: pick(&self.topic, &m.topic),
            host: pick(&self.host, &m.host),
            lecturer: pick(&self.lecturer, &m.lecturer),
            agenda: pick(&self.agenda, &m.agenda),
            minutes: pick(&self.minutes, &m.minutes),
            decisions: pick(&self.decisions, &m.decisions),
            study_minutes: Some(self.study_minutes.unwrap_or(m.study_minutes)),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    pub member_id: i64,
    /// present | excused | absent
    pub status: String,
    #[serde(default)]
    pub reason: String,
}

/// A meeting with its attendance and files: all `Meeting` fields (flattened) plus `attendance`
/// and `files`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    /// Every line for the staff; for a member's own account, their own line only.
    pub attendance: Vec<AttendeeRow>,
    /// The attendance holds the reader's own line only (who came is a particular).
    pub own_line_only: bool,
    pub files: Vec<MeetingFile>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendeeRow {
    pub member_id: i64,
    pub name: String,
    pub status: String,
    pub reason: String,
}

/// Compliance of one org's subtree over a window of due months.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    /// The first due month the platform keeps figures for (periods before it are empty).
    pub kept_from: Option<String>,
    /// For a branch: each due month with the standing of each kind due in it.
    pub calendar: Vec<CalendarMonth>,
    pub org: Org,
    /// First due month of the window.
    pub from: String,
    /// Last due month of the window: the end of the requested period, cut at the last month
    /// that has ended. When it precedes `from` (a period not yet over), all figures are empty.
    pub to: String,
    pub total: Tally,
    /// Compliance rate 落实率: met ÷ required; null when nothing was required.
    pub rate: Option<f64>,
    /// On-time rate 按时率: on_time ÷ required; null when nothing was required.
    pub on_time_rate: Option<f64>,
    pub light: life::Light,
    /// Each meeting kind with figures in the window, in MeetingKind order.
    pub by_kind: Vec<KindTally>,
    /// Direct children with something required in the window, lowest rate first. Their
    /// `required` add up to the total's.
    pub children: Vec<ChildTally>,
    /// Branches of the subtree (the organization itself, if it is a branch) that missed
    /// meetings in the window, most missed first, at most 50.
    pub behind: Vec<BehindBranch>,
    /// One entry per due month with figures, oldest first.
    pub trend: Vec<MonthTally>,
    pub study: Study,
    pub attendance: Attendance,
    /// Whether the reader may print the organization's 三会一课记录本 (a branch whose
    /// particulars they list).
    pub record_book: bool,
    /// Whether the reader may have every branch's book below the level made as one file
    /// (a level above branches whose particulars they list).
    pub record_books: bool,
}

/// Members expected at the meetings held in the window, those present, and the share.
#[derive(Debug, Default, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Attendance {
    pub expected: i64,
    pub present: i64,
    pub rate: Option<f64>,
}

impl Attendance {
    fn of(counts: &HashMap<String, i64>) -> Attendance {
        let get = |m: &str| counts.get(m).copied().unwrap_or(0);
        let (expected, present) = (get(rollup::ATTEND_EXPECTED), get(rollup::ATTEND_PRESENT));
        Attendance {
            expected,
            present,
            rate: (expected > 0).then(|| present as f64 / expected as f64),
        }
    }
}

/// The rollup counters the compliance view sums over the window's months.
const MONTH_METRICS: [&str; 4] = [
    rollup::STUDY_SESSIONS,
    rollup::STUDY_MINUTES,
    rollup::ATTEND_EXPECTED,
    rollup::ATTEND_PRESENT,
];

/// 党史学习教育 in a window: study meetings held, and the minutes credited to members present.
#[derive(Debug, Default, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Study {
    /// Meetings with study time held in the window 学习场次.
    pub sessions: i64,
    /// Minutes credited to members 党员学习时长（分钟）: the sum over those meetings of `study_minutes` ×
    /// `present`.
    pub member_minutes: i64,
}

/// The figures of one meeting kind.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KindTally {
    pub kind: &'static str,
    pub label: &'static str,
    pub tally: Tally,
    /// met ÷ required; null when nothing was required.
    pub rate: Option<f64>,
}

/// The figures of one child organization's subtree.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildTally {
    pub org: Org,
    pub tally: Tally,
    /// met ÷ required.
    pub rate: Option<f64>,
    pub light: life::Light,
    pub attendance: Attendance,
}

/// A branch that missed required meetings in the window 未按要求开展组织生活的支部.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BehindBranch {
    pub org: Org,
    /// The branch with its parents below the reader's scope: "白涛街道 / 音观社区 / 第二党支部".
    pub place: String,
    /// Meetings missing (required − met), summed over the kinds and months it fell behind in.
    pub missed: i64,
    /// Meetings required in those kinds and months.
    pub required: i64,
}

/// One due month of a branch's calendar 组织生活日历: the standing of each meeting kind due in it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarMonth {
    pub month: String,
    /// Each kind with a requirement due that month, in MeetingKind order (for the default
    /// rules: committee meeting and theme day every month, general meeting and party lecture in
    /// a quarter's last month, life meeting in December).
    pub cells: Vec<KindTally>,
}

/// The figures of one due month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MonthTally {
    pub month: String,
    pub tally: Tally,
    /// met ÷ required.
    pub rate: Option<f64>,
}

fn rule_of(r: &MeetingRule) -> Option<Rule> {
    Some(Rule {
        org_kind: r.org_kind.clone(),
        meeting_kind: MeetingKind::parse(&r.meeting_kind)?,
        period: PeriodType::parse(&r.period)?,
        times: u32::try_from(r.times).ok()?,
        fixed_day: r.fixed_day.and_then(|d| u8::try_from(d).ok()),
        effective_from: date::parse(&r.effective_from)?,
    })
}

pub(crate) async fn load_rules(conn: &mut Conn) -> ServiceResult<Vec<Rule>> {
    Ok(store::rules(conn)
        .await?
        .into_iter()
        .map(MeetingRule::from)
        .filter_map(|r| rule_of(&r))
        .collect())
}

fn branch_life(o: &Org) -> BranchLife {
    BranchLife {
        org_kind: o.kind.clone(),
        opened_on: date::parse(&o.opened_on).unwrap_or(Date::MIN),
        closed_on: o.closed_on.as_deref().and_then(date::parse),
    }
}

fn tally_of(r: &TallyRow) -> Tally {
    Tally {
        required: r.required,
        met: r.met,
        on_time: r.on_time,
        behind: r.behind,
    }
}

/// A branch's own tally rows for the given months, from the rules and its held meetings.
fn branch_rows(
    o: &Org,
    rules: &[Rule],
    months: &[String],
    held: &dyn Fn(&str, &str) -> (i64, i64),
) -> Vec<TallyRow> {
    let b = branch_life(o);
    let mut out = Vec::new();
    for month in months {
        for (kind, period, rule) in life::due_in(rules, &o.kind, month) {
            let (n, on_time) = held(kind.as_str(), month);
            let t = life::tally(&b, Some(rule), &period, n, on_time);
            out.push(TallyRow {
                org_id: o.id,
                month: month.clone(),
                kind: kind.as_str().into(),
                required: t.required,
                met: t.met,
                on_time: t.on_time,
                behind: t.behind,
                leaf: true,
            });
        }
    }
    out
}

/// The same rows for every org on the branch's path: its own (leaf) rows and the sums kept
/// for its ancestors.
fn up_the_tree(node_path: &str, rows: &[TallyRow], sign: i64) -> Vec<TallyRow> {
    let ids = path::ids(node_path);
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        out.extend(rows.iter().map(|r| TallyRow {
            org_id: *id,
            required: sign * r.required,
            met: sign * r.met,
            on_time: sign * r.on_time,
            behind: sign * r.behind,
            leaf: i + 1 == ids.len(),
            ..r.clone()
        }));
    }
    out
}

fn text_field(
    field: &'static str,
    label: &str,
    v: &str,
    max: usize,
    required: bool,
) -> Result<String, FieldError> {
    let v = v.trim();
    if required && v.is_empty() {
        return Err(FieldError::new(field, "required", format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{label}不能超过 {max} 个字"),
        ));
    }
    Ok(v.to_string())
}

/// The descriptive fields of a meeting, checked; `None` when any is invalid (the errors are
/// in `errs`).
fn meeting_text(
    errs: &mut dangjian_domain::error::Errors,
    kind: Option<MeetingKind>,
    input: &MeetingInput,
) -> Option<MeetingText> {
    let topic = errs.take(text_field("topic", "会议主题", &input.topic, 200, true));
    let mut texts = Vec::new();
    for (field, label, v, max) in [
        ("starts_at", "开始时间", &input.starts_at, 5),
        ("place", "地点", &input.place, 100),
        ("host", "主持人", &input.host, 30),
        ("lecturer", "授课人", &input.lecturer, 30),
        ("agenda", "议程", &input.agenda, 2000),
        ("minutes", "会议记录", &input.minutes, 20000),
        ("decisions", "决定事项", &input.decisions, 5000),
    ] {
        texts.push(
            errs.take(text_field(field, label, v, max, false))
                .unwrap_or_default(),
        );
    }
    if kind == Some(MeetingKind::PartyLecture) && input.lecturer.trim().is_empty() {
        errs.push(FieldError::new("lecturer", "required", "党课请填写授课人"));
    }
    let study_minutes = input.study_minutes.unwrap_or(0);
    if !(0..=600).contains(&study_minutes) {
        errs.push(FieldError::new(
            "study_minutes",
            "out_of_range",
            "学习时长应在 0 到 600 分钟之间",
        ));
    }
    let mut texts = texts.into_iter();
    let mut next = || texts.next().unwrap_or_default();
    let text = MeetingText {
        starts_at: next(),
        place: next(),
        topic: topic?,
        host: next(),
        lecturer: next(),
        agenda: next(),
        minutes: next(),
        decisions: next(),
        study_minutes,
    };
    (!errs.has("study_minutes") && !errs.has("lecturer")).then_some(text)
}

/// Counts a meeting in (or, with negative deltas, out of) the subtree totals of the month
/// it was held: study meetings and member-minutes, members expected and present.
async fn count_month(
    conn: &mut Conn,
    org_path: &str,
    held_on: &str,
    deltas: &[(&'static str, i64)],
) -> ServiceResult<()> {
    let month = held_on.get(..7).unwrap_or_default();
    Ok(rollup::apply_deltas(conn, org_path, month, deltas).await?)
}

/// A meeting's contribution to the monthly totals, times `sign`.
fn meeting_deltas(
    study_minutes: i64,
    expected: i64,
    present: i64,
    sign: i64,
) -> [(&'static str, i64); 4] {
    [
        (rollup::STUDY_SESSIONS, sign * i64::from(study_minutes > 0)),
        (rollup::STUDY_MINUTES, sign * study_minutes * present),
        (rollup::ATTEND_EXPECTED, sign * expected),
        (rollup::ATTEND_PRESENT, sign * present),
    ]
}

/// The year and first and last month numbers of a window of due months, for the
/// behind-list; `None` when no month of it has ended (in January the window runs from this
/// January to last December).
fn behind_window(from: &str, to: &str) -> Option<(i32, u8, u8)> {
    let (f, t) = (life::month_start(from)?, life::month_start(to)?);
    (f.year() == t.year() && f <= t).then(|| (f.year(), u8::from(f.month()), u8::from(t.month())))
}

/// `2026-Q1` → (2026, 1).
fn quarter(p: &str) -> Option<(i32, u8)> {
    let (y, q) = p.split_once(['Q', 'q'])?;
    let y: i32 = y.strip_suffix('-')?.parse().ok()?;
    let q: u8 = q.parse().ok()?;
    (1..=4).contains(&q).then_some((y, q))
}

/// The year of a due month `YYYY-MM`.
fn year_of(month: &str) -> Option<i32> {
    life::month_start(month).map(|d| d.year())
}

fn last_month(y: i32) -> String {
    format!("{y:04}-12")
}

impl App {
    /// Writes the default rules of DOMAIN.md into an empty rule table.
    pub async fn ensure_life_rules(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        if !store::rules(&mut conn).await?.is_empty() {
            return Ok(());
        }
        for r in life::default_rules() {
            let row = RuleRow {
                id: 0,
                org_kind: r.org_kind,
                meeting_kind: r.meeting_kind.as_str().into(),
                period: r.period.as_str().into(),
                times: i64::from(r.times),
                fixed_day: r.fixed_day.map(i64::from),
                effective_from: date::format(r.effective_from),
            };
            store::put_rule(&mut conn, &row).await?;
        }
        Ok(())
    }

    pub async fn life_rules(&self, actor: &Actor) -> ServiceResult<Vec<MeetingRule>> {
        actor.read_root()?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(store::rules(&mut conn).await?))
    }

    /// Changes a rule from a date on (district admins only); tallies from that month are
    /// recomputed, earlier ones stay as they were.
    pub async fn set_life_rule(&self, actor: &Actor, r: &MeetingRule) -> ServiceResult<()> {
        policy::check_edit_rules(actor)?;
        let rule = rule_of(r)
            .ok_or_else(|| ServiceError::field("meeting_kind", "invalid_rule", "规则内容无效"))?;
        if OrgKind::parse(&rule.org_kind).is_none()
            || rule.times > 31
            || rule.fixed_day.is_some_and(|d| !(1..=28).contains(&d))
        {
            return Err(ServiceError::field(
                "times",
                "invalid_rule",
                "规则内容无效：次数 0–31，固定日期 1–28",
            ));
        }
        let this_month = life::Period::containing(PeriodType::Month, today()).start;
        if rule.effective_from < this_month {
            return Err(ServiceError::field(
                "effective_from",
                "in_the_past",
                "规则只能从本月起生效，已考核的期间不受影响",
            ));
        }
        // Stored by code, whatever label the caller used.
        let r = RuleRow {
            org_kind: rule.org_kind.clone(),
            meeting_kind: rule.meeting_kind.as_str().into(),
            period: rule.period.as_str().into(),
            id: r.id,
            times: r.times,
            fixed_day: r.fixed_day,
            effective_from: r.effective_from.clone(),
        };
        let mut tx = self.begin_audited().await?;
        store::put_rule(tx.conn(), &r).await?;
        let from = life::month_key(rule.effective_from);
        self.rebuild_life_in(tx.conn(), &from).await?;
        let detail = format!(
            "{} {} {} {} 次，自 {}",
            r.org_kind, r.meeting_kind, r.period, r.times, r.effective_from
        );
        tx.commit(
            actor,
            Entry::ok("life.rule", "meeting_rule", &r.meeting_kind).detail(detail),
        )
        .await
    }

    /// Makes sure the tallies reach the end of this year: a new year, or a fresh database,
    /// starts with the requirements of every branch in place. Cheap when nothing is missing.
    pub async fn ensure_life_year(&self) -> ServiceResult<()> {
        let this_year = today().year();
        let mut conn = self.db.conn().await?;
        let covered_to = setting::get(&mut conn, LIFE_TO).await?;
        drop(conn);
        let from = match covered_to {
            Some(to) if to >= last_month(this_year) => return Ok(()),
            Some(to) => life::months(&to, &last_month(this_year))
                .get(1)
                .cloned()
                .unwrap_or_else(|| last_month(this_year)),
            None => format!("{:04}-01", this_year - 1),
        };
        let mut tx = self.db.begin_write().await?;
        self.rebuild_life_in(&mut tx, &from).await?;
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(())
    }

    /// Recomputes every tally from `from` (a due month) to the end of this year.
    pub(crate) async fn rebuild_life_in(&self, conn: &mut Conn, from: &str) -> ServiceResult<()> {
        let rules = load_rules(conn).await?;
        let to = last_month(today().year());
        let months = life::months(from, &to);
        let held = store::held_since(conn, from).await?;
        let kinds: Vec<&str> = OrgKind::ALL
            .iter()
            .filter(|k| k.holds_members())
            .map(|k| k.as_str())
            .collect();
        let branches: Vec<Org> =
            crate::model::all(dangjian_store::org::in_subtree_all(conn, "/", &kinds).await?);
        store::clear_tallies(conn, from).await?;
        let mut rows = Vec::new();
        for b in &branches {
            let get = |kind: &str, month: &str| {
                held.get(&(b.id, kind.to_string(), month.to_string()))
                    .copied()
                    .unwrap_or((0, 0))
            };
            let own = branch_rows(b, &rules, &months, &get);
            rows.extend(up_the_tree(&b.path, &own, 1));
            // Written as they come: at provincial scale the rows before merging would be
            // tens of millions.
            if rows.len() >= 200_000 {
                store::add_tallies(conn, &rows).await?;
                rows.clear();
            }
        }
        store::add_tallies(conn, &rows).await?;
        let first_year = year_of(from).unwrap_or(today().year());
        store::rebuild_behind(conn, first_year, today().year(), None).await?;
        let covered = setting::get(conn, LIFE_FROM).await?;
        if covered.as_deref().is_none_or(|c| c > from) {
            setting::set(conn, LIFE_FROM, from).await?;
        }
        setting::set(conn, LIFE_TO, &to).await?;
        Ok(())
    }

    /// Declares `from` the first month the tallies cover and computes them from there (a
    /// new deployment or the demo, whose records start at a known month).
    pub async fn start_life_at(&self, conn: &mut Conn, from: &str) -> ServiceResult<()> {
        self.rebuild_life_in(conn, from).await?;
        setting::set(conn, LIFE_FROM, from).await?;
        Ok(())
    }

    /// Recomputes one branch's rows for the given months and passes the change up the tree.
    pub(crate) async fn refresh_branch(
        &self,
        conn: &mut Conn,
        o: &Org,
        months: &[String],
    ) -> ServiceResult<()> {
        let rules = load_rules(conn).await?;
        refresh_branch_with(conn, o, months, &rules).await
    }

    /// Refreshes a branch over every covered month (after it opens, closes or moves).
    pub(crate) async fn refresh_branch_all(&self, conn: &mut Conn, o: &Org) -> ServiceResult<()> {
        if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
            return Ok(());
        }
        let (Some(from), Some(to)) = (
            setting::get(conn, LIFE_FROM).await?,
            setting::get(conn, LIFE_TO).await?,
        ) else {
            return Ok(());
        };
        let months = life::months(&from, &to);
        self.refresh_branch(conn, o, &months).await
    }

    /// A branch whose meetings the actor may record.
    pub async fn branch_to_record(&self, actor: &Actor, org_id: i64) -> ServiceResult<Org> {
        let mut conn = self.db.conn().await?;
        branch_to_record_in(&mut conn, actor, org_id).await
    }
}

/// A branch whose meetings the actor may record, read on the caller's connection.
async fn branch_to_record_in(conn: &mut Conn, actor: &Actor, org_id: i64) -> ServiceResult<Org> {
    let o = dangjian_store::org::get(conn, org_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    actor.check_visible(&o.path)?;
    policy::check_record(actor, &o.path)?;
    if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
        return Err(ServiceError::field(
            "org_id",
            "not_a_branch",
            "只有党支部或联合支部记录会议、开展评议",
        ));
    }
    Ok(o.into())
}

impl App {
    /// The members of a branch, the expected attendees of its meetings.
    pub async fn branch_members(
        &self,
        actor: &Actor,
        branch_id: i64,
    ) -> ServiceResult<Vec<Member>> {
        let o = self.org(actor, branch_id).await?;
        let mut conn = self.db.conn().await?;
        let f = MemberFilter {
            root_path: o.path,
            ..Default::default()
        };
        Ok(crate::model::all(
            member::list(&mut conn, &f, 10_000, 0).await?,
        ))
    }

    /// Records a held meeting with its attendance; the branch's compliance follows at once.
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &MeetingInput,
    ) -> ServiceResult<Meeting> {
        // One connection, the transaction's, for every read and write: the org, its groups,
        // members and the rules are read once each.
        let mut tx = self.begin_audited().await?;
        let o = branch_to_record_in(tx.conn(), actor, org_id).await?;
        let (kind, held_on, for_day, text) = validated_meeting(input, &o)?;

        let group = match input.group_id {
            None => None,
            Some(_) if kind != MeetingKind::GroupMeeting => {
                return Err(ServiceError::field(
                    "group_id",
                    "not_a_group_meeting",
                    "只有党小组会按党小组记录",
                ));
            }
            Some(id) => Some(
                dangjian_store::org::children(tx.conn(), o.id)
                    .await?
                    .into_iter()
                    .find(|g| g.id == id && OrgKind::parse(&g.kind).is_some_and(OrgKind::is_group))
                    .ok_or_else(|| {
                        ServiceError::field("group_id", "not_found", "该党小组不属于本支部")
                    })?,
            ),
        };
        // The expected attendees: the branch's members today, or the group's.
        let f = MemberFilter {
            root_path: o.path.clone(),
            ..Default::default()
        };
        let mut members = member::list(tx.conn(), &f, 10_000, 0).await?;
        if let Some(g) = &group {
            members.retain(|m| m.group_id == Some(g.id));
        }
        // A committee meeting expects the committee, once the branch has recorded it; those
        // a list still marks as off the committee are simply not expected.
        let mut given = input.attendance.clone();
        if kind == MeetingKind::CommitteeMeeting
            && let Some(ids) = crate::orgs::committee::committee_ids(tx.conn(), o.id).await?
        {
            members.retain(|m| ids.contains(&m.id));
            if let Some(list) = given.as_mut() {
                if list
                    .iter()
                    .any(|a| a.status == OFF_COMMITTEE && ids.contains(&a.member_id))
                {
                    return Err(ServiceError::field(
                        "attendance",
                        "on_committee",
                        "支部委员不能标为非支委",
                    ));
                }
                list.retain(|a| a.status != OFF_COMMITTEE);
            }
        }
        let checkin = match input.checkin_id {
            None => None,
            Some(id) => {
                let c = dangjian_store::life::checkin::get(tx.conn(), id)
                    .await?
                    .filter(|c| c.org_id == o.id)
                    .ok_or_else(|| {
                        ServiceError::field("checkin_id", "not_found", "签到不属于本支部")
                    })?;
                if c.meeting_id.is_some() {
                    return Err(ServiceError::field(
                        "checkin_id",
                        "used",
                        "这次签到已经记录为会议",
                    ));
                }
                let ids: Vec<i64> = dangjian_store::life::checkin::members(tx.conn(), id)
                    .await?
                    .into_iter()
                    .map(|(m, _, _)| m)
                    .collect();
                Some((c, ids))
            }
        };
        let attendance = attendance_of(
            kind,
            &members,
            given.as_deref(),
            checkin.as_ref().map(|(_, ids)| ids.as_slice()),
        )?;
        // A committee meeting expects the committee: members marked off it are not expected.
        let mut attendance = attendance;
        attendance.retain(|a| a.1 != OFF_COMMITTEE);
        members.retain(|m| attendance.iter().any(|a| a.0 == m.id));
        let present = attendance.iter().filter(|a| a.1 == "present").count() as i64;
        let quorum = kind.needs_quorum().then(|| {
            let voters: Vec<i64> = members
                .iter()
                .filter(|m| m.status == Status::Full.as_str())
                .map(|m| m.id)
                .collect();
            let present_voters = attendance
                .iter()
                .filter(|a| a.1 == "present" && voters.contains(&a.0))
                .count() as i64;
            life::has_quorum(present_voters, voters.len() as i64)
        });
        let rules = load_rules(tx.conn()).await?;
        let (period, rule) = life::period_for(&rules, &o.kind, kind, for_day);
        let due_month = period.due_month();
        let w = MeetingWrite {
            org_id: o.id,
            org_path: o.path.clone(),
            group_id: group.as_ref().map(|g| g.id),
            kind: kind.as_str().into(),
            held_on: date::format(held_on),
            starts_at: text.starts_at,
            place: text.place,
            topic: text.topic,
            host: text.host,
            lecturer: text.lecturer,
            agenda: text.agenda,
            minutes: text.minutes,
            decisions: text.decisions,
            study_minutes: text.study_minutes,
            due_month: due_month.clone(),
            on_time: life::on_time(rule, &period, held_on),
            expected: members.len() as i64,
            present,
            quorum,
            created_by: actor.user_id,
        };
        let id = store::insert_meeting(tx.conn(), &w).await?;
        store::insert_attendance(tx.conn(), id, &attendance).await?;
        count_month(
            tx.conn(),
            &o.path,
            &w.held_on,
            &meeting_deltas(w.study_minutes, w.expected, present, 1),
        )
        .await?;
        if let Some((c, _)) = &checkin
            && !dangjian_store::life::checkin::link_meeting(tx.conn(), c.id, id, crate::now_ms())
                .await?
        {
            return Err(ServiceError::field(
                "checkin_id",
                "used",
                "这次签到已经记录为会议",
            ));
        }
        refresh_branch_with(tx.conn(), &o, std::slice::from_ref(&due_month), &rules).await?;
        let (row, _) = store::meeting(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let detail = format!(
            "{} {} {}（应到 {} 实到 {}）",
            o.name,
            kind.label(),
            w.held_on,
            w.expected,
            present
        );
        tx.commit(
            actor,
            Entry::ok("meeting.create", "meeting", id).detail(detail),
        )
        .await?;
        Ok(row.into())
    }

    /// A recorded meeting the actor may change, with its branch.
    pub(crate) async fn meeting_to_edit(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(Meeting, Org)> {
        let mut conn = self.db.conn().await?;
        let (m, org_path) = store::meeting(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_record(actor, &org_path)?;
        let o = dangjian_store::org::get(&mut conn, m.org_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((m.into(), o.into()))
    }

    /// Corrects a meeting's description (topic, place, minutes…); its kind, date and
    /// attendance stay as recorded, since compliance was counted from them.
    pub async fn update_meeting(
        &self,
        actor: &Actor,
        id: i64,
        patch: &MeetingPatch,
    ) -> ServiceResult<Meeting> {
        let (_, o) = self.meeting_to_edit(actor, id).await?;
        let mut tx = self.begin_audited().await?;
        // Read again under the write lock: the study delta must start from what is stored.
        let m: Meeting = store::meeting(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?
            .0
            .into();
        let mut errs = dangjian_domain::error::Errors::default();
        let kind = MeetingKind::parse(&m.kind);
        let text = meeting_text(&mut errs, kind, &patch.applied_to(&m));
        errs.into_result().map_err(ServiceError::Invalid)?;
        let text =
            text.ok_or_else(|| ServiceError::Internal("validated meeting lost a field".into()))?;
        store::update_meeting(tx.conn(), id, &text).await?;
        count_month(
            tx.conn(),
            &o.path,
            &m.held_on,
            &[
                (
                    rollup::STUDY_SESSIONS,
                    i64::from(text.study_minutes > 0) - i64::from(m.study_minutes > 0),
                ),
                (
                    rollup::STUDY_MINUTES,
                    (text.study_minutes - m.study_minutes) * m.present,
                ),
            ],
        )
        .await?;
        let (row, _) = store::meeting(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("meeting.update", "meeting", id).detail(row.topic.clone()),
        )
        .await?;
        Ok(row.into())
    }

    /// Deletes a meeting recorded by mistake; the branch's compliance is recounted.
    pub async fn delete_meeting(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let (_, o) = self.meeting_to_edit(actor, id).await?;
        let mut tx = self.begin_audited().await?;
        // Read and delete under the write lock: a second click finds nothing left to delete,
        // and must not count it out twice.
        let (m, _) = store::meeting(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !store::delete_meeting(tx.conn(), id).await? {
            return Err(ServiceError::NotFound);
        }
        count_month(
            tx.conn(),
            &o.path,
            &m.held_on,
            &meeting_deltas(m.study_minutes, m.expected, m.present, -1),
        )
        .await?;
        self.refresh_branch(tx.conn(), &o, std::slice::from_ref(&m.due_month))
            .await?;
        let detail = format!("{} {} {} {}", o.name, m.kind, m.held_on, m.topic);
        tx.commit(
            actor,
            Entry::ok("meeting.delete", "meeting", id).detail(detail),
        )
        .await
    }

    /// A member's study this year: (study meetings attended, minutes).
    pub async fn member_study(&self, actor: &Actor, member_id: i64) -> ServiceResult<(i64, i64)> {
        let m = self.member(actor, member_id).await?;
        let year = today().year();
        let mut conn = self.db.conn().await?;
        Ok(store::member_study_minutes(
            &mut conn,
            m.id,
            &format!("{year:04}-01-01"),
            &format!("{year:04}-12-31"),
        )
        .await?)
    }

    pub async fn meeting(&self, actor: &Actor, id: i64) -> ServiceResult<MeetingDetail> {
        let mut conn = self.db.conn().await?;
        let (meeting, org_path) = store::meeting(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&org_path)?;
        // Who came and why others did not are particulars: a member reads their own line.
        let all = crate::members::policy::can_list_particulars(actor, &org_path);
        let attendance = store::attendance(&mut conn, id)
            .await?
            .into_iter()
            .filter(|(member_id, ..)| all || actor.member_id == Some(*member_id))
            .map(|(member_id, name, status, reason)| AttendeeRow {
                member_id,
                name,
                status,
                reason,
            })
            .collect();
        let files = store::files(&mut conn, id).await?;
        Ok(MeetingDetail {
            meeting: meeting.into(),
            attendance,
            own_line_only: !all,
            files: crate::model::all(files),
        })
    }

    pub async fn meetings(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        kind: Option<&str>,
        page: i64,
    ) -> ServiceResult<Vec<Meeting>> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let kind = match kind.filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(
                MeetingKind::parse(k)
                    .ok_or_else(|| ServiceError::field("kind", "invalid_choice", "会议类型无效"))?
                    .as_str(),
            ),
        };
        let mut conn = self.db.conn().await?;
        let mut items: Vec<Meeting> = crate::model::all(
            store::meetings(
                &mut conn,
                &o.path,
                kind,
                50,
                (page.max(1) - 1).saturating_mul(50).min(1_000_000),
            )
            .await?,
        );
        // Two 第一党支部 of a town's list are told apart by their parents.
        let mut ids: Vec<i64> = items.iter().map(|m| m.org_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let orgs = dangjian_store::org::get_many(&mut conn, &ids).await?;
        let paths: Vec<&str> = orgs.iter().map(|o| o.path.as_str()).collect();
        let places = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        for m in &mut items {
            if let Some(place) = orgs
                .iter()
                .find(|o| o.id == m.org_id)
                .and_then(|o| places.get(&o.path))
            {
                m.org_name = place.clone();
            }
        }
        Ok(items)
    }

    /// The window of due months for a period (`YYYY` or `YYYY-MM`, default this year), cut
    /// at the last month that has ended; and the last month of study records to count (cut
    /// at this month instead).
    fn window(period: Option<&str>) -> ServiceResult<(String, String, String)> {
        let now = today();
        let last_ended = life::month_key(
            life::Period::containing(PeriodType::Month, now)
                .start
                .previous_day()
                .unwrap_or(now),
        );
        let (from, to) = match period.map(str::trim).filter(|p| !p.is_empty()) {
            None => (
                format!("{:04}-01", now.year()),
                format!("{:04}-12", now.year()),
            ),
            Some(p) => {
                if let Some((y, q)) = quarter(p) {
                    (
                        format!("{y:04}-{:02}", q * 3 - 2),
                        format!("{y:04}-{:02}", q * 3),
                    )
                } else if let Some(y) = p.parse::<i32>().ok().filter(|y| (1900..=9999).contains(y))
                {
                    (format!("{y:04}-01"), format!("{y:04}-12"))
                } else if let Some(first) = life::month_start(p) {
                    let m = life::month_key(first);
                    (m.clone(), m)
                } else {
                    return Err(ServiceError::field(
                        "period",
                        "invalid_period",
                        "期间应为年份（如 2026）、季度（如 2026-Q1）或月份（如 2026-03）",
                    ));
                }
            }
        };
        // Study is counted as it happens: through this month, not only ended ones.
        let this_month = life::month_key(now);
        let study_to = if to > this_month {
            this_month
        } else {
            to.clone()
        };
        Ok((
            from,
            if to > last_ended { last_ended } else { to },
            study_to,
        ))
    }

    /// An org's own figures over the window, from its tally rows: total, by kind and by month.
    fn own_compliance(own: &[TallyRow]) -> (Tally, Vec<KindTally>, Vec<MonthTally>) {
        let mut total = Tally::default();
        let mut by_kind: HashMap<String, Tally> = HashMap::new();
        let mut by_month: HashMap<String, Tally> = HashMap::new();
        for r in own {
            let t = tally_of(r);
            total.add(&t);
            by_kind.entry(r.kind.clone()).or_default().add(&t);
            by_month.entry(r.month.clone()).or_default().add(&t);
        }
        let by_kind = MeetingKind::ALL
            .iter()
            .filter_map(|k| {
                by_kind.get(k.as_str()).map(|t| KindTally {
                    kind: k.as_str(),
                    label: k.label(),
                    tally: *t,
                    rate: t.rate(),
                })
            })
            .collect();
        let mut trend: Vec<MonthTally> = by_month
            .into_iter()
            .map(|(month, tally)| MonthTally {
                rate: tally.rate(),
                month,
                tally,
            })
            .collect();
        trend.sort_by(|a, b| a.month.cmp(&b.month));
        (total, by_kind, trend)
    }

    /// Compliance of an org's subtree for a year (or a month `YYYY-MM` of it), counting only
    /// months that have ended: totals, each kind, each month, each child, and the branches
    /// that fell behind.
    pub async fn compliance(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        period: Option<&str>,
    ) -> ServiceResult<Compliance> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let (from, to, study_to) = Self::window(period)?;
        let mut conn = self.db.conn().await?;
        let rows = store::tallies(&mut conn, o.id, &from, &to).await?;
        let (total, by_kind, trend) = Self::own_compliance(&rows);
        let calendar = if OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
            life::months(&from, &to)
                .into_iter()
                .map(|month| {
                    let cells = MeetingKind::ALL
                        .iter()
                        .filter_map(|k| {
                            let r = rows
                                .iter()
                                .find(|r| r.month == month && r.kind == k.as_str())?;
                            let t = tally_of(r);
                            Some(KindTally {
                                kind: k.as_str(),
                                label: k.label(),
                                tally: t,
                                rate: t.rate(),
                            })
                        })
                        .collect();
                    CalendarMonth { month, cells }
                })
                .collect()
        } else {
            Vec::new()
        };
        let lights = Lights::default();
        let mut child_totals: HashMap<i64, Tally> = HashMap::new();
        for r in store::child_tallies(&mut conn, o.id, &from, &to).await? {
            child_totals.entry(r.org_id).or_default().add(&tally_of(&r));
        }
        let mut child_counts: HashMap<i64, HashMap<String, i64>> = HashMap::new();
        for ((id, metric), n) in
            rollup::sum_range_children(&mut conn, o.id, &MONTH_METRICS, &from, &study_to).await?
        {
            child_counts.entry(id).or_default().insert(metric, n);
        }
        let kids = dangjian_store::org::children(&mut conn, o.id).await?;
        let mut children: Vec<ChildTally> = kids
            .into_iter()
            .filter_map(|c| {
                let t = child_totals.get(&c.id).copied().unwrap_or_default();
                (t.required > 0).then(|| ChildTally {
                    rate: t.rate(),
                    light: lights.of(t.rate()),
                    attendance: child_counts
                        .get(&c.id)
                        .map(Attendance::of)
                        .unwrap_or_default(),
                    tally: t,
                    org: c.into(),
                })
            })
            .collect();
        children.sort_by(|a, b| {
            a.rate
                .partial_cmp(&b.rate)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let behind_ids = match behind_window(&from, &to) {
            Some((year, first, last)) => {
                store::behind_branches(&mut conn, &o.path, year, first, last, 50).await?
            }
            None => Vec::new(),
        };
        let ids: Vec<i64> = behind_ids.iter().map(|(id, _, _)| *id).collect();
        let orgs = dangjian_store::org::get_many(&mut conn, &ids).await?;
        let paths: Vec<&str> = orgs.iter().map(|o| o.path.as_str()).collect();
        let mut places = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        let behind = behind_ids
            .into_iter()
            .filter_map(|(id, missed, required)| {
                let org = orgs.iter().find(|o| o.id == id)?.clone();
                Some(BehindBranch {
                    place: places.remove(&org.path).unwrap_or_default(),
                    org: org.into(),
                    missed,
                    required,
                })
            })
            .collect();
        let counts = rollup::sum_range(&mut conn, o.id, &MONTH_METRICS, &from, &study_to).await?;
        let count = |m: &str| counts.get(m).copied().unwrap_or(0);
        let (sessions, member_minutes) =
            (count(rollup::STUDY_SESSIONS), count(rollup::STUDY_MINUTES));
        let kept_from = setting::get(&mut conn, LIFE_FROM).await?;
        Ok(Compliance {
            kept_from,
            record_book: OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
                && crate::members::policy::can_list_particulars(actor, &o.path),
            record_books: !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
                && crate::members::policy::can_list_particulars(actor, &o.path),
            attendance: Attendance::of(&counts),
            study: Study {
                sessions,
                member_minutes,
            },
            calendar,
            rate: total.rate(),
            on_time_rate: total.on_time_rate(),
            light: lights.of(total.rate()),
            org: o,
            from,
            to,
            total,
            by_kind,
            children,
            behind,
            trend,
        })
    }
}

/// A new meeting's kind, dates and text, every field checked; all problems at once.
fn validated_meeting(
    input: &MeetingInput,
    o: &Org,
) -> ServiceResult<(MeetingKind, Date, Date, MeetingText)> {
    let mut errs = dangjian_domain::error::Errors::default();
    let kind = errs.take(
        MeetingKind::parse(&input.kind)
            .ok_or_else(|| FieldError::new("kind", "invalid_choice", "请选择会议类型")),
    );
    let held_on = errs.take(date::past_date(
        "held_on",
        "召开日期",
        &input.held_on,
        today(),
    ));
    let for_day = if input.for_period.trim().is_empty() {
        held_on
    } else {
        errs.take(date::past_date(
            "for_period",
            "所属期间",
            &input.for_period,
            today(),
        ))
    };
    if let (Some(h), Some(f)) = (held_on, for_day)
        && f > h
    {
        errs.push(FieldError::new(
            "for_period",
            "after_held",
            "会议不能补记在召开日期之后的期间",
        ));
    }
    if let Some(h) = held_on
        && date::parse(&o.opened_on).is_some_and(|opened| h < opened)
    {
        errs.push(FieldError::new(
            "held_on",
            "before_opened",
            "召开日期早于支部成立日期",
        ));
    }
    let text = meeting_text(&mut errs, kind, input);
    errs.into_result().map_err(ServiceError::Invalid)?;
    let (Some(kind), Some(held_on), Some(for_day), Some(text)) = (kind, held_on, for_day, text)
    else {
        return Err(ServiceError::Internal(
            "validated meeting lost a field".into(),
        ));
    };
    Ok((kind, held_on, for_day, text))
}

/// Who is recorded as attending: the list given (each expected member once, a reason for
/// those excused, "off the committee" only at a committee meeting), else those who checked
/// in, else every expected member.
fn attendance_of(
    kind: MeetingKind,
    members: &[dangjian_store::member::MemberRow],
    given: Option<&[AttendanceInput]>,
    checked_in: Option<&[i64]>,
) -> ServiceResult<Vec<(i64, String, String)>> {
    Ok(match (given, checked_in) {
        (None, Some(checked_in)) => members
            .iter()
            .map(|m| {
                let status = if checked_in.contains(&m.id) {
                    "present"
                } else {
                    "absent"
                };
                (m.id, status.to_string(), String::new())
            })
            .collect(),
        (None, None) => members
            .iter()
            .map(|m| (m.id, "present".to_string(), String::new()))
            .collect(),
        (Some(given), _) => {
            let mut seen = HashMap::new();
            for a in given {
                if !members.iter().any(|m| m.id == a.member_id) {
                    return Err(ServiceError::field(
                        "attendance",
                        "not_expected",
                        format!("党员 #{} 不是本次会议的应到人员", a.member_id),
                    ));
                }
                if a.status == OFF_COMMITTEE && kind != MeetingKind::CommitteeMeeting {
                    return Err(ServiceError::field(
                        "attendance",
                        "invalid_status",
                        "只有支委会可以把党员标为非支委",
                    ));
                }
                if !matches!(
                    a.status.as_str(),
                    "present" | "excused" | "absent" | OFF_COMMITTEE
                ) {
                    return Err(ServiceError::field(
                        "attendance",
                        "invalid_status",
                        "出席情况应为 出席、请假 或 缺席",
                    ));
                }
                if a.status == "excused" && a.reason.trim().is_empty() {
                    return Err(ServiceError::field(
                        "attendance",
                        "reason_required",
                        "请假须填写事由",
                    ));
                }
                if a.reason.chars().count() > 200 {
                    return Err(ServiceError::field(
                        "attendance",
                        "too_long",
                        "请假事由不能超过 200 字",
                    ));
                }
                if seen.insert(a.member_id, ()).is_some() {
                    return Err(ServiceError::field(
                        "attendance",
                        "duplicate",
                        "同一党员出现了两次",
                    ));
                }
            }
            members
                .iter()
                .map(|m| match given.iter().find(|a| a.member_id == m.id) {
                    Some(a) => (m.id, a.status.clone(), a.reason.trim().to_string()),
                    None => (m.id, "absent".to_string(), String::new()),
                })
                .collect()
        }
    })
}

/// Recomputes one branch's rows for the given months under the given rules and passes the
/// change up the tree.
async fn refresh_branch_with(
    conn: &mut Conn,
    o: &Org,
    months: &[String],
    rules: &[Rule],
) -> ServiceResult<()> {
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(());
    };
    let counts = store::held_by_branch(conn, o.id, first, last).await?;
    let get = |kind: &str, month: &str| {
        counts
            .get(&(kind.to_string(), month.to_string()))
            .copied()
            .unwrap_or((0, 0))
    };
    let new = branch_rows(o, rules, months, &get);
    let old: Vec<TallyRow> = store::tallies(conn, o.id, first, last).await?;
    let mut delta = up_the_tree(&o.path, &old, -1);
    delta.extend(up_the_tree(&o.path, &new, 1));
    store::add_tallies(conn, &delta).await?;
    if let (Some(y1), Some(y2)) = (year_of(first), year_of(last)) {
        store::rebuild_behind(conn, y1, y2, Some(o.id)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::behind_window;

    #[test]
    fn the_behind_list_reads_only_ended_months_of_one_year() {
        assert_eq!(behind_window("2026-01", "2026-10"), Some((2026, 1, 10)));
        assert_eq!(behind_window("2026-04", "2026-06"), Some((2026, 4, 6)));
        // January: nothing of this year has ended, and last December is another year.
        assert_eq!(behind_window("2026-01", "2025-12"), None);
        assert_eq!(behind_window("2026-03", "2026-02"), None);
        assert_eq!(behind_window("bad", "2026-02"), None);
    }
}
