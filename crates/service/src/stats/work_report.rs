//! 党建工作月报 / 季报 / 年报: a level's work in a period set against the period before,
//! module by module, with each child's figures, the branches behind and the lists that need
//! action now. Every figure is read from what the modules keep; none is typed for the report.

use std::collections::HashMap;

use dangjian_domain::life::MeetingKind;
use dangjian_domain::period::Period;
use dangjian_domain::recruit::{APPROVAL_STEP, CONFIRM_STEP};
use dangjian_store::rollup;
use serde::{Deserialize, Serialize};

use crate::life::{BehindBranch, Compliance};
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// Which report: a level and a period.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WorkReportQuery {
    /// The level (404 outside the caller's scope). Default: the caller's own.
    pub org: Option<i64>,
    /// A year (`2026`), a quarter (`2026-Q1`) or a month (`2026-03`), 2000–2100. Default: the
    /// last month that has ended.
    pub period: Option<String>,
}

/// How a figure reads: a count, an amount in 分, or a rate in tenths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    Count,
    Fen,
    Permille,
}

/// One figure of the report, this period and the one before.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// The module it comes from: 组织生活, 党员队伍, 党费, 联系服务群众.
    pub section: &'static str,
    pub label: &'static str,
    pub kind: FigureKind,
    /// None for a rate with nothing to divide by.
    pub now: Option<i64>,
    pub before: Option<i64>,
    /// Where the figure is kept, for the reader who asks.
    pub source: &'static str,
}

impl Figure {
    /// now − before, when both are known.
    pub fn change(&self) -> Option<i64> {
        Some(self.now? - self.before?)
    }
}

/// A child level's main figures in the period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildWork {
    pub org: Org,
    /// 三会一课 met ÷ required, in tenths of a percent.
    pub life_permille: Option<i64>,
    pub dues_paid_fen: i64,
    pub deeds: i64,
    pub requests: i64,
}

/// A list that needs action now, with where to open it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionList {
    pub label: &'static str,
    pub n: i64,
    /// The page that lists them.
    pub link: String,
}

/// The report of a level for a period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkReport {
    pub org: Org,
    pub org_title: String,
    /// As typed (`2026-03`), named (2026 年 3 月), and the period compared with.
    pub period: String,
    pub period_label: String,
    pub previous_label: String,
    /// 月报, 季报 or 年报.
    pub report_name: &'static str,
    /// Members of the level today.
    pub members: i64,
    pub figures: Vec<Figure>,
    /// Children with members, lowest 三会一课 rate first.
    pub children: Vec<ChildWork>,
    /// Branches that missed meetings in the period, most missed first (at most 50).
    pub behind: Vec<BehindBranch>,
    pub actions: Vec<ActionList>,
}

/// The month-keyed counters the report sums over a period.
const MONTHLY: [&str; 11] = [
    rollup::DUES_PAYERS,
    rollup::DUES_PAID,
    rollup::DEED_COUNT,
    rollup::DEED_MINUTES,
    rollup::VOLUNTEER_TIMES,
    rollup::VOLUNTEER_MINUTES,
    rollup::REQUEST_COUNT,
    rollup::REQUEST_ANSWERED,
    rollup::REQUEST_ANSWERED_ON_TIME,
    rollup::REQUEST_RESOLVED,
    rollup::REQUEST_RESOLVED_ON_TIME,
];

fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part * 1000 / whole)
}

fn rate_permille(rate: Option<f64>) -> Option<i64> {
    rate.map(|r| (r * 1000.0).round() as i64)
}

/// What one period holds, before it is set beside the other.
struct Side {
    life: Compliance,
    counts: HashMap<String, i64>,
    steps: HashMap<i64, i64>,
}

impl Side {
    fn count(&self, metric: &str) -> i64 {
        self.counts.get(metric).copied().unwrap_or(0)
    }

    fn step(&self, no: u8) -> i64 {
        self.steps.get(&i64::from(no)).copied().unwrap_or(0)
    }

    fn theme_day(&self) -> Option<i64> {
        self.life
            .by_kind
            .iter()
            .find(|k| k.kind == MeetingKind::ThemeDay.as_str())
            .and_then(|k| rate_permille(k.rate))
    }
}

fn figures(now: &Side, before: &Side) -> Vec<Figure> {
    type Read = fn(&Side) -> Option<i64>;
    let rows: [(&str, &str, FigureKind, &str, Read); 17] = [
        (
            "组织生活",
            "三会一课落实率",
            FigureKind::Permille,
            "组织生活登记（应开展与已开展）",
            |s| rate_permille(s.life.rate),
        ),
        (
            "组织生活",
            "应开展会议",
            FigureKind::Count,
            "组织生活规则",
            |s| Some(s.life.total.required),
        ),
        (
            "组织生活",
            "已开展会议",
            FigureKind::Count,
            "组织生活登记",
            |s| Some(s.life.total.met),
        ),
        (
            "组织生活",
            "主题党日落实率",
            FigureKind::Permille,
            "组织生活登记",
            Side::theme_day,
        ),
        (
            "组织生活",
            "党员参会率",
            FigureKind::Permille,
            "会议签到",
            |s| rate_permille(s.life.attendance.rate),
        ),
        (
            "组织生活",
            "学习场次",
            FigureKind::Count,
            "会议登记的学习时长",
            |s| Some(s.life.study.sessions),
        ),
        (
            "党员队伍",
            "递交入党申请",
            FigureKind::Count,
            "发展党员第 1 步",
            |s| Some(s.step(1)),
        ),
        (
            "党员队伍",
            "接收预备党员",
            FigureKind::Count,
            "发展党员第 17 步",
            |s| Some(s.step(APPROVAL_STEP)),
        ),
        (
            "党员队伍",
            "预备党员转正",
            FigureKind::Count,
            "发展党员第 24 步",
            |s| Some(s.step(CONFIRM_STEP)),
        ),
        (
            "党费",
            "党费收缴",
            FigureKind::Fen,
            "党费缴纳登记（所属月份）",
            |s| Some(s.count(rollup::DUES_PAID)),
        ),
        (
            "党费",
            "缴纳人次",
            FigureKind::Count,
            "党费缴纳登记",
            |s| Some(s.count(rollup::DUES_PAYERS)),
        ),
        (
            "联系服务群众",
            "党员好事实事",
            FigureKind::Count,
            "党员先锋记录",
            |s| Some(s.count(rollup::DEED_COUNT)),
        ),
        (
            "联系服务群众",
            "志愿服务人次",
            FigureKind::Count,
            "志愿服务确认",
            |s| Some(s.count(rollup::VOLUNTEER_TIMES)),
        ),
        (
            "联系服务群众",
            "志愿服务时长（小时）",
            FigureKind::Count,
            "志愿服务确认",
            |s| Some(s.count(rollup::VOLUNTEER_MINUTES) / 60),
        ),
        (
            "联系服务群众",
            "群众诉求",
            FigureKind::Count,
            "群众诉求登记（提交月份）",
            |s| Some(s.count(rollup::REQUEST_COUNT)),
        ),
        (
            "联系服务群众",
            "按时响应率",
            FigureKind::Permille,
            "群众诉求登记",
            |s| {
                permille(
                    s.count(rollup::REQUEST_ANSWERED_ON_TIME),
                    s.count(rollup::REQUEST_COUNT),
                )
            },
        ),
        (
            "联系服务群众",
            "按时办结率",
            FigureKind::Permille,
            "群众诉求登记",
            |s| {
                permille(
                    s.count(rollup::REQUEST_RESOLVED_ON_TIME),
                    s.count(rollup::REQUEST_RESOLVED),
                )
            },
        ),
    ];
    rows.into_iter()
        .map(|(section, label, kind, source, read)| Figure {
            section,
            label,
            kind,
            now: read(now),
            before: read(before),
            source,
        })
        .collect()
}

impl App {
    async fn side(&self, actor: &Actor, o: &Org, p: Period) -> ServiceResult<Side> {
        let life = self.compliance(actor, Some(o.id), Some(&p.key())).await?;
        let (from, to) = p.months();
        let (first, last) = p.days();
        let mut conn = self.db.conn().await?;
        let counts = rollup::sum_range(&mut conn, o.id, &MONTHLY, &from, &to).await?;
        let steps =
            dangjian_store::recruit::steps_done_between(&mut conn, &o.path, (&first, &last))
                .await?
                .into_iter()
                .collect();
        Ok(Side {
            life,
            counts,
            steps,
        })
    }

    /// The work report of a level for a period, for whoever reads the level.
    pub async fn work_report(
        &self,
        actor: &Actor,
        q: &WorkReportQuery,
    ) -> ServiceResult<WorkReport> {
        let o = self.list_root(actor, q.org).await?;
        let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Period::last_ended_month(today()),
            Some(p) => Period::parse(p).ok_or_else(|| {
                ServiceError::field(
                    "period",
                    "invalid_period",
                    "期间应为年份（如 2026）、季度（如 2026-Q1）或月份（如 2026-03），2000–2100 年",
                )
            })?,
        };
        let previous = period.previous();
        let (now, before) =
            tokio::try_join!(self.side(actor, &o, period), self.side(actor, &o, previous))?;
        let (from, to) = period.months();
        let year = match period {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        };
        let (requests, recruits, overview) = tokio::try_join!(
            self.request_lines(actor, Some(o.id), Some(year)),
            self.recruit_summary(actor, o.id),
            self.overview(actor, Some(o.id)),
        )?;
        let by_child = {
            let mut conn = self.db.conn().await?;
            rollup::sum_range_children(
                &mut conn,
                o.id,
                &[rollup::DUES_PAID, rollup::DEED_COUNT, rollup::REQUEST_COUNT],
                &from,
                &to,
            )
            .await?
        };
        let of_child = |id: i64, m: &str| by_child.get(&(id, m.to_string())).copied().unwrap_or(0);
        let mut children: Vec<ChildWork> = overview
            .children
            .iter()
            .filter(|c| c.org.closed_on.is_none() && c.members > 0)
            .map(|c| ChildWork {
                life_permille: now
                    .life
                    .children
                    .iter()
                    .find(|t| t.org.id == c.org.id)
                    .and_then(|t| rate_permille(t.rate)),
                dues_paid_fen: of_child(c.org.id, rollup::DUES_PAID),
                deeds: of_child(c.org.id, rollup::DEED_COUNT),
                requests: of_child(c.org.id, rollup::REQUEST_COUNT),
                org: c.org.clone(),
            })
            .collect();
        children.sort_by_key(|c| c.life_permille.unwrap_or(i64::MAX));
        let actions = vec![
            ActionList {
                label: "未按要求开展组织生活的支部",
                n: now.life.behind.len() as i64,
                link: format!("/life?org={}&period={}", o.id, period.key()),
            },
            ActionList {
                label: "发展党员超过时限的步骤",
                n: recruits.overdue,
                link: format!("/recruits?org={}", o.id),
            },
            ActionList {
                label: "超过时限未办结的群众诉求",
                n: requests.total.overdue,
                link: format!("/requests?org={}&state=overdue", o.id),
            },
        ];
        Ok(WorkReport {
            org_title: self.org_title(actor, &o).await?,
            members: overview.members_total,
            period: period.key(),
            period_label: period.label(),
            previous_label: previous.label(),
            report_name: period.report_name(),
            figures: figures(&now, &before),
            children,
            behind: now.life.behind,
            actions,
            org: o,
        })
    }

    /// The report as a printed file: the same figures, audited as an export.
    pub async fn export_work_report(
        &self,
        actor: &Actor,
        q: &WorkReportQuery,
    ) -> ServiceResult<WorkReport> {
        let r = self.work_report(actor, q).await?;
        let what = format!("党建工作{}", r.report_name);
        self.audit_export(
            actor,
            &what,
            r.org.id,
            r.figures.len() + r.children.len(),
            None,
        )
        .await?;
        Ok(r)
    }
}
