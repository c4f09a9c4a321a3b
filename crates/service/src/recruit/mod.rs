//! 发展党员: a person's way from application to full membership, one step at a time, each
//! checked against its earliest date and watched against its latest; the committee's approval
//! puts the person in the registry as a 预备党员, and the approval of full membership makes
//! them a full member from the day probation ended.

mod model;
pub use model::*;
pub mod policy;

use std::collections::HashMap;

use dangjian_domain::bands::{Category, ETHNICITIES, Education, Status};
use dangjian_domain::id_number::IdNumber;
use dangjian_domain::member::{MemberInput, check_person_name};
use dangjian_domain::org::OrgKind;
use dangjian_domain::recruit::{
    ADMISSION_STEP, APPROVAL_STEP, CONFIRM_MEETING_STEP, CONFIRM_STEP, Due, LAST_STEP, Needs,
    RecruitRules, Stage, StepRefusal, due,
};
use dangjian_domain::{date, mask, path};
use dangjian_store::StoreError;
use dangjian_store::member::{self, DEPARTED_PATH};
use dangjian_store::notification::NewNotification;
use dangjian_store::org;
use dangjian_store::recruit::{self, NewRecruit, StepWrite};
use dangjian_store::{Conn, rollup, transfer};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit::Entry;
use crate::members::{Member, Placement, row_facts};
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, today};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecruitInput {
    pub org_id: i64,
    pub name: String,
    pub id_number: String,
    pub ethnicity: String,
    pub education: String,
    pub category: String,
    /// The day the application was handed in (step 1).
    pub applied_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RecruitStepInput)]
#[serde(default)]
pub struct StepInput {
    pub on: String,
    /// The document's number or title; the step's usual document when empty.
    pub document: String,
    pub note: String,
    /// Two full members who sponsor the applicant (step 9).
    pub sponsors: Vec<i64>,
    /// Class hours of the centralized training (step 11).
    pub hours: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub no: u8,
    pub label: &'static str,
    pub stage: &'static str,
    pub document: &'static str,
    pub done: Option<RecruitStep>,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    /// For the next step only.
    pub due: Option<Due>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecruitDetail {
    #[serde(flatten)]
    pub row: Recruit,
    pub stage_label: &'static str,
    pub next_step: Option<u8>,
    pub probation_end: Option<String>,
    pub steps: Vec<StepView>,
    /// Whether the actor may record the next steps, change or end the process.
    pub can_edit: bool,
}

/// A person's record as printed, with their branch named with its parents.
#[derive(Debug)]
pub struct RecruitFile {
    pub detail: RecruitDetail,
    pub org_title: String,
}

#[derive(Debug, Serialize)]
pub struct RecruitSummary {
    pub stages: Vec<(&'static str, i64)>,
    pub overdue: i64,
    pub soon: i64,
}

/// One person on the pipeline board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Card {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    /// The branch with its parents below the reader's scope ("白涛街道 / 音观社区 / 第二党支部").
    pub org_name: String,
    pub last_step: i64,
    pub next_label: &'static str,
    pub latest: Option<String>,
    pub due: Due,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StageColumn {
    pub stage: &'static str,
    pub label: &'static str,
    pub cards: Vec<Card>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildCounts {
    pub org_id: i64,
    pub name: String,
    /// People in each stage, in the order of `Stage::ALL`.
    pub counts: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub quota: Option<i64>,
    /// Approved as 预备党员 this year (step 17), in the subtree.
    pub approved: i64,
    pub stages: Vec<StageColumn>,
    pub children: Vec<ChildCounts>,
    pub totals: Vec<i64>,
    pub overdue: usize,
    pub soon: usize,
}

fn step_dates(steps: &[RecruitStep]) -> HashMap<u8, Date> {
    steps
        .iter()
        .filter_map(|s| Some((u8::try_from(s.step_no).ok()?, date::parse(&s.done_on)?)))
        .collect()
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::field(field, code, message)
}

impl App {
    fn recruit_rules(&self) -> &RecruitRules {
        &self.config.recruit_rules
    }

    fn refusal(&self, no: u8, r: StepRefusal) -> ServiceError {
        let rules = self.recruit_rules();
        let label = |n: u8| rules.step(n).map_or("", |s| s.label);
        match r {
            StepRefusal::OutOfOrder { expected } if expected > LAST_STEP => {
                invalid("step", "finished", "25 个步骤均已完成")
            }
            StepRefusal::OutOfOrder { expected } => invalid(
                "step",
                "out_of_order",
                format!("请先完成第 {expected} 步“{}”", label(expected)),
            ),
            StepRefusal::Future => invalid("on", "future", "日期不能晚于今天"),
            StepRefusal::BeforePrevious { previous } => invalid(
                "on",
                "before_previous",
                format!("日期不能早于上一步（{}）", date::format(previous)),
            ),
            StepRefusal::TooEarly { earliest } => {
                let why = rules
                    .step(no)
                    .and_then(|s| s.earliest)
                    .map(|(from, span)| {
                        format!("须在第 {from} 步“{}”之后满 {}", label(from), span.label())
                    })
                    .unwrap_or_default();
                invalid(
                    "on",
                    "too_early",
                    format!(
                        "第 {no} 步“{}”不能早于 {}：{why}",
                        label(no),
                        date::format(earliest)
                    ),
                )
            }
        }
    }

    fn recruit_view(&self, actor: &Actor, row: Recruit, steps: Vec<RecruitStep>) -> RecruitDetail {
        let rules = self.recruit_rules();
        let done = step_dates(&steps);
        let extension = i32::try_from(row.extension_months).unwrap_or(0);
        let next_step = (row.state == "active")
            .then(|| (1..=LAST_STEP).find(|n| !done.contains_key(n)))
            .flatten();
        let lookup = |n: u8| done.get(&n).copied();
        let views = rules
            .steps
            .iter()
            .map(|s| {
                let w = rules.window(s.no, &lookup, extension);
                StepView {
                    no: s.no,
                    label: s.label,
                    stage: s.stage.label(),
                    document: s.document,
                    done: (steps.iter().find(|x| x.step_no == i64::from(s.no)).cloned()),
                    earliest: w.earliest.map(date::format),
                    latest: w.latest.map(date::format),
                    due: (Some(s.no) == next_step).then(|| due(w.latest, today(), rules.warn_days)),
                }
            })
            .collect();
        RecruitDetail {
            stage_label: Stage::parse(&row.stage).map_or("", Stage::label),
            probation_end: done
                .get(&ADMISSION_STEP)
                .map(|d| date::format(rules.probation_end(*d, extension))),
            next_step,
            steps: views,
            can_edit: policy::can_record_steps(actor, &row.org_path, &row.state),
            row,
        }
    }

    async fn load_recruit(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(Recruit, Vec<RecruitStep>)> {
        let r = recruit::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&r.org_path)?;
        policy::check_read(actor)?;
        let steps = recruit::steps(conn, id).await?;
        Ok((r.into(), crate::model::all(steps)))
    }

    pub async fn recruit_detail(&self, actor: &Actor, id: i64) -> ServiceResult<RecruitDetail> {
        let mut conn = self.db.conn().await?;
        let (r, steps) = self.load_recruit(&mut conn, actor, id).await?;
        Ok(self.recruit_view(actor, r, steps))
    }

    /// 发展党员纪实表: the person's record with the 25 steps, for the file kept on paper.
    /// Whoever reads the person may print it; audited as an export.
    pub async fn recruit_file(&self, actor: &Actor, id: i64) -> ServiceResult<RecruitFile> {
        let detail = self.recruit_detail(actor, id).await?;
        let o = self.org(actor, detail.row.org_id).await?;
        let org_title = self.org_title(actor, &o).await?;
        self.audit_export(actor, "发展党员纪实表", o.id, 1, None)
            .await?;
        Ok(RecruitFile { detail, org_title })
    }

    /// A new applicant with step 1 (the application) recorded.
    pub async fn add_recruit(
        &self,
        actor: &Actor,
        input: &RecruitInput,
    ) -> ServiceResult<RecruitDetail> {
        let o = self.org(actor, input.org_id).await?;
        policy::check_edit(actor, &o.path)?;
        if !accepts_recruits(&o) {
            return Err(invalid(
                "org_id",
                "not_a_branch",
                "发展党员由党支部办理，请选择未撤销的党支部",
            ));
        }
        let today = today();
        let mut errs = Vec::new();
        let name = check_person_name(&input.name, &self.config.member_rules)
            .map_err(|e| errs.push(e))
            .ok();
        let id = IdNumber::parse(&input.id_number, today)
            .map_err(|e| errs.push(e))
            .ok();
        let applied = date::past_date("applied_on", "申请日期", &input.applied_on, today)
            .map_err(|e| errs.push(e))
            .ok();
        let ethnicity = input.ethnicity.trim();
        if !ETHNICITIES.contains(&ethnicity) {
            errs.push(dangjian_domain::FieldError::new(
                "ethnicity",
                "invalid_choice",
                "请选择民族",
            ));
        }
        let education = Education::parse(&input.education);
        if education.is_none() {
            errs.push(dangjian_domain::FieldError::new(
                "education",
                "invalid_choice",
                "请选择学历",
            ));
        }
        let category = Category::parse(&input.category);
        if category.is_none() {
            errs.push(dangjian_domain::FieldError::new(
                "category",
                "invalid_choice",
                "请选择人员类别",
            ));
        }
        if let (Some(id), Some(applied)) = (&id, applied)
            && date::years_between(id.birth_date(), applied) < self.recruit_rules().min_age
        {
            errs.push(dangjian_domain::FieldError::new(
                "applied_on",
                "under_age",
                format!("申请入党时须年满 {} 周岁", self.recruit_rules().min_age),
            ));
        }
        let (Some(name), Some(id), Some(applied), Some(education), Some(category), true) =
            (name, id, applied, education, category, errs.is_empty())
        else {
            return Err(ServiceError::Invalid(errs));
        };
        let index = self.crypto().blind_index("id", id.as_str());
        let mut tx = self.begin_audited().await?;
        if member::id_by_index(tx.conn(), &index).await?.is_some() {
            return Err(invalid(
                "id_number",
                "already_member",
                "该身份证号码已是党员",
            ));
        }
        let cipher = self.crypto().encrypt(id.as_str());
        let rid = recruit::insert(
            tx.conn(),
            &NewRecruit {
                org_id: o.id,
                org_path: &o.path,
                name: &name,
                gender: id.gender().as_str(),
                ethnicity,
                birth_date: &date::format(id.birth_date()),
                id_cipher: &cipher,
                id_index: &index,
                id_masked: &mask::id_number(id.as_str()),
                education: education.as_str(),
                category: category.as_str(),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                invalid("id_number", "duplicate", "该身份证号码已在发展流程中")
            }
            other => other.into(),
        })?;
        let first = self
            .recruit_rules()
            .step(1)
            .map_or("入党申请书", |s| s.document);
        recruit::add_step(
            tx.conn(),
            rid,
            &StepWrite {
                step_no: 1,
                done_on: &date::format(applied),
                document: first,
                note: "",
                sponsors: "",
                hours: None,
                late: false,
                stage: Stage::Applicant.as_str(),
                next_due: self
                    .recruit_rules()
                    .window(2, &|n| (n == 1).then_some(applied), 0)
                    .latest
                    .map(date::format)
                    .as_deref(),
                by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("recruit.create", "recruit", rid).detail(format!("{name} → {}", o.name)),
        )
        .await?;
        self.recruit_detail(actor, rid).await
    }

    /// Records the next step, checked against the rules; the approval (step 17) registers the
    /// person as a 预备党员 and the approval of full membership (step 24) confirms them.
    pub async fn record_step(
        &self,
        actor: &Actor,
        id: i64,
        no: u8,
        input: &StepInput,
    ) -> ServiceResult<RecruitDetail> {
        let today = today();
        let on = date::past_date("on", "日期", &input.on, today)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let mut tx = self.begin_audited().await?;
        let (r, steps) = self.load_recruit(tx.conn(), actor, id).await?;
        policy::check_edit(actor, &r.org_path)?;
        if r.state != "active" {
            return Err(invalid("state", "not_active", "该发展对象的流程已结束"));
        }
        let rules = self.recruit_rules().clone();
        let rule = rules.step(no).ok_or(ServiceError::NotFound)?;
        let done = step_dates(&steps);
        let extension = i32::try_from(r.extension_months).unwrap_or(0);
        let window = rules
            .check_step(no, on, today, &|n| done.get(&n).copied(), extension)
            .map_err(|e| self.refusal(no, e))?;
        let sponsors = match rule.needs {
            Needs::Sponsors => self.sponsors(tx.conn(), actor, &input.sponsors).await?,
            _ => String::new(),
        };
        if let Needs::TrainingHours(min) = rule.needs
            && input.hours.is_none_or(|h| h < min)
        {
            return Err(invalid(
                "hours",
                "too_few_hours",
                format!("集中培训不少于 {min} 学时（或 3 天）"),
            ));
        }
        let document = match input.document.trim() {
            "" => rule.document.to_string(),
            d => d.chars().take(200).collect(),
        };
        let note: String = input.note.trim().chars().take(500).collect();
        let on_s = date::format(on);
        let next_due = {
            let mut after = done.clone();
            after.insert(no, on);
            rules
                .window(no + 1, &|n| after.get(&n).copied(), extension)
                .latest
                .map(date::format)
        };
        if !recruit::add_step(
            tx.conn(),
            id,
            &StepWrite {
                step_no: i64::from(no),
                done_on: &on_s,
                document: &document,
                note: &note,
                sponsors: &sponsors,
                hours: input.hours,
                late: window.latest.is_some_and(|l| on > l),
                stage: rule.stage.as_str(),
                next_due: next_due.as_deref(),
                by: actor.user_id,
            },
        )
        .await?
        {
            return Err(invalid(
                "step",
                "already_recorded",
                "该步骤已由他人登记，请刷新后查看",
            ));
        }
        match no {
            APPROVAL_STEP => {
                let admitted = done.get(&ADMISSION_STEP).copied().unwrap_or(on);
                let member_id = self
                    .register_probationary(tx.conn(), actor, &r, admitted)
                    .await?;
                recruit::set_member(tx.conn(), id, member_id).await?;
            }
            CONFIRM_STEP => {
                let admitted = done.get(&ADMISSION_STEP).copied().unwrap_or(on);
                let confirmed = rules.probation_end(admitted, extension);
                self.confirm_member(tx.conn(), &r, confirmed).await?;
            }
            LAST_STEP => recruit::set_state(tx.conn(), id, "completed", "").await?,
            _ => {}
        }
        tx.commit(
            actor,
            Entry::ok("recruit.step", "recruit", id)
                .detail(format!("{}：第 {no} 步 {}（{on_s}）", r.name, rule.label)),
        )
        .await?;
        self.recruit_detail(actor, id).await
    }

    /// Two distinct full members of the registry, written down by name and number.
    async fn sponsors(&self, conn: &mut Conn, actor: &Actor, ids: &[i64]) -> ServiceResult<String> {
        let refuse = || invalid("sponsors", "sponsors", "入党介绍人须为两名正式党员");
        if ids.len() != 2 || ids[0] == ids[1] {
            return Err(refuse());
        }
        let mut names = Vec::new();
        for id in ids {
            let m = member::get(conn, *id).await?.ok_or_else(refuse)?;
            if m.org_path == DEPARTED_PATH
                || actor.check_visible(&m.org_path).is_err()
                || Status::parse(&m.status) != Some(Status::Full)
            {
                return Err(refuse());
            }
            names.push(format!("{}(#{})", m.name, m.id));
        }
        Ok(names.join("、"))
    }

    async fn register_probationary(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        r: &Recruit,
        admitted: Date,
    ) -> ServiceResult<i64> {
        let cipher = recruit::cipher(conn, r.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let id_number = self
            .crypto()
            .decrypt(&cipher)
            .ok_or_else(|| ServiceError::Internal("cannot decrypt".into()))?;
        let input = MemberInput {
            name: r.name.clone(),
            ethnicity: r.ethnicity.clone(),
            id_number,
            education: r.education.clone(),
            category: r.category.clone(),
            join_date: date::format(admitted),
            status: Status::Probationary.as_str().into(),
            ..Default::default()
        };
        let placement = Placement {
            org_id: r.org_id,
            group_id: None,
        };
        let m = self
            .insert_member(conn, actor, placement, &input)
            .await
            .map_err(|e| match e {
                ServiceError::Invalid(errs) => ServiceError::Invalid(
                    errs.into_iter()
                        .map(|mut e| {
                            e.message = format!("登记为预备党员时：{}", e.message);
                            e
                        })
                        .collect(),
                ),
                other => other,
            })?;
        Ok(m.id)
    }

    async fn confirm_member(
        &self,
        conn: &mut Conn,
        r: &Recruit,
        confirmed: Date,
    ) -> ServiceResult<()> {
        let Some(member_id) = r.member_id else {
            return Err(invalid("step", "no_member", "尚未登记为预备党员"));
        };
        let old = member::get(conn, member_id)
            .await?
            .map(Member::from)
            .ok_or(ServiceError::NotFound)?;
        let on = date::format(confirmed);
        member::confirm(conn, member_id, &on).await?;
        let new = member::get(conn, member_id)
            .await?
            .map(Member::from)
            .ok_or(ServiceError::NotFound)?;
        rollup::apply_change(
            conn,
            &old.org_path,
            &row_facts(&old),
            &new.org_path,
            &row_facts(&new),
        )
        .await?;
        Ok(())
    }

    /// Probation extended once, by 6 to 12 months, before the branch meets on confirmation.
    pub async fn extend_probation(
        &self,
        actor: &Actor,
        id: i64,
        months: i32,
        reason: &str,
    ) -> ServiceResult<RecruitDetail> {
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(invalid(
                "reason",
                "reason_required",
                "请填写延长预备期的理由",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let (r, steps) = self.load_recruit(tx.conn(), actor, id).await?;
        policy::check_edit(actor, &r.org_path)?;
        let step = u8::try_from(r.last_step).unwrap_or(0);
        if r.state != "active" || !(APPROVAL_STEP..CONFIRM_MEETING_STEP).contains(&step) {
            return Err(invalid(
                "state",
                "not_on_probation",
                "只有预备期内、转正讨论之前可以延长预备期",
            ));
        }
        self.recruit_rules()
            .check_extension(months, i32::try_from(r.extension_months).unwrap_or(0))
            .map_err(|m| invalid("months", "extension", m))?;
        let done = step_dates(&steps);
        let next_due = self
            .recruit_rules()
            .window(step + 1, &|n| done.get(&n).copied(), months)
            .latest
            .map(date::format);
        if !recruit::extend(tx.conn(), id, i64::from(months), next_due.as_deref()).await? {
            return Err(invalid("months", "extension", "预备期只能延长一次"));
        }
        tx.commit(
            actor,
            Entry::ok("recruit.extend", "recruit", id)
                .detail(format!("{}：延长预备期 {months} 个月，{reason}", r.name)),
        )
        .await?;
        self.recruit_detail(actor, id).await
    }

    /// Ends the process: a withdrawal, or the cancellation of probation, which takes the
    /// 预备党员 out of the registry (their history stays).
    pub async fn cancel_recruit(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> ServiceResult<RecruitDetail> {
        let reason: String = reason.trim().chars().take(500).collect();
        if reason.chars().count() < 4 {
            return Err(invalid(
                "reason",
                "reason_required",
                "请填写终止发展或取消预备党员资格的理由",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let (r, _) = self.load_recruit(tx.conn(), actor, id).await?;
        policy::check_edit(actor, &r.org_path)?;
        if r.state != "active" {
            return Err(invalid("state", "not_active", "该发展对象的流程已结束"));
        }
        if r.last_step >= i64::from(CONFIRM_STEP) {
            return Err(invalid(
                "state",
                "already_full",
                "已批准转为正式党员，不能再取消",
            ));
        }
        if let Some(member_id) = r.member_id
            && let Some(m) = member::get(tx.conn(), member_id).await?.map(Member::from)
            && m.org_path != DEPARTED_PATH
        {
            member::move_to(tx.conn(), m.id, m.org_id, DEPARTED_PATH).await?;
            rollup::apply(tx.conn(), &m.org_path, &row_facts(&m), -1).await?;
            transfer::change_membership(tx.conn(), m.id, &date::format(today()), None, None)
                .await?;
        }
        recruit::set_state(tx.conn(), id, "cancelled", &reason).await?;
        tx.commit(
            actor,
            Entry::ok("recruit.cancel", "recruit", id).detail(format!("{}：{reason}", r.name)),
        )
        .await?;
        self.recruit_detail(actor, id).await
    }

    /// The board of a subtree: the people in each stage with their next deadline, the counts
    /// of each child, and this year's plan against the approvals so far.
    pub async fn pipeline(&self, actor: &Actor, org_id: i64) -> ServiceResult<Pipeline> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor)?;
        let rules = self.recruit_rules();
        let today = today();
        let year = today.year();
        let mut conn = self.db.conn().await?;
        let people = recruit::list(&mut conn, &o.path, "active", 2_000).await?;
        let mut dates: HashMap<i64, HashMap<u8, Date>> = HashMap::new();
        for (rid, no, on) in recruit::steps_under(&mut conn, &o.path).await? {
            if let (Ok(no), Some(d)) = (u8::try_from(no), date::parse(&on)) {
                dates.entry(rid).or_default().insert(no, d);
            }
        }
        let mut stages: Vec<StageColumn> = Stage::ALL
            .iter()
            .map(|s| StageColumn {
                stage: s.as_str(),
                label: s.label(),
                cards: Vec::new(),
            })
            .collect();
        let (mut overdue, mut soon) = (0, 0);
        // Each card's branch named with its parents below the reader's scope.
        let paths: Vec<&str> = people.iter().map(|p| p.org_path.as_str()).collect();
        let places = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        for p in people {
            let done = dates.remove(&p.id).unwrap_or_default();
            let next = u8::try_from(p.last_step + 1).unwrap_or(LAST_STEP);
            let w = rules.window(
                next,
                &|n| done.get(&n).copied(),
                i32::try_from(p.extension_months).unwrap_or(0),
            );
            let d = due(w.latest, today, rules.warn_days);
            overdue += usize::from(d == Due::Overdue);
            soon += usize::from(d == Due::Soon);
            let column = Stage::ALL
                .iter()
                .position(|s| s.as_str() == p.stage)
                .unwrap_or(0);
            stages[column].cards.push(Card {
                id: p.id,
                name: p.name,
                org_id: p.org_id,
                org_name: places.get(&p.org_path).cloned().unwrap_or(p.org_name),
                last_step: p.last_step,
                next_label: rules.step(next).map_or("", |s| s.label),
                latest: w.latest.map(date::format),
                due: d,
            });
        }
        for c in &mut stages {
            c.cards
                .sort_by_key(|c| (c.due != Due::Overdue, c.due != Due::Soon, c.latest.clone()));
        }
        let counts = recruit::counts_by_path(&mut conn, &o.path).await?;
        let children_rows = org::children(&mut conn, o.id).await?;
        let depth = path::ids(&o.path).len();
        let mut per_child: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut totals = vec![0; Stage::ALL.len()];
        for (p, stage, n) in counts {
            let Some(k) = Stage::ALL.iter().position(|s| s.as_str() == stage) else {
                continue;
            };
            totals[k] += n;
            let child = path::ids(&p).get(depth).copied().unwrap_or(o.id);
            per_child
                .entry(child)
                .or_insert_with(|| vec![0; Stage::ALL.len()])[k] += n;
        }
        let mut children: Vec<ChildCounts> = children_rows
            .into_iter()
            .filter_map(|c| {
                per_child.remove(&c.id).map(|counts| ChildCounts {
                    org_id: c.id,
                    name: c.name,
                    counts,
                })
            })
            .collect();
        if let Some(own) = per_child.remove(&o.id) {
            children.insert(
                0,
                ChildCounts {
                    org_id: o.id,
                    name: format!("{}（本级）", o.name),
                    counts: own,
                },
            );
        }
        Ok(Pipeline {
            quota: recruit::plan(&mut conn, o.id, i64::from(year)).await?,
            approved: recruit::approved_in(
                &mut conn,
                &o.path,
                i64::from(APPROVAL_STEP),
                i64::from(year),
            )
            .await?,
            org_id: o.id,
            org_name: o.name,
            year,
            stages,
            children,
            totals,
            overdue,
            soon,
        })
    }

    /// The board for an export: the same scope and rules, and an audit row.
    pub async fn export_pipeline(&self, actor: &Actor, org_id: i64) -> ServiceResult<Pipeline> {
        let p = self.pipeline(actor, org_id).await?;
        let rows = p.stages.iter().map(|s| s.cards.len()).sum();
        self.audit_export(actor, "发展党员名单", p.org_id, rows, None)
            .await?;
        Ok(p)
    }

    /// Counts per stage of a subtree and how many are late or nearly so, for the dashboard.
    pub async fn recruit_summary(
        &self,
        actor: &Actor,
        org_id: i64,
    ) -> ServiceResult<RecruitSummary> {
        let o = self.org(actor, org_id).await?;
        let today = today();
        let soon = today + time::Duration::days(self.recruit_rules().warn_days);
        let mut conn = self.db.conn().await?;
        let rows = recruit::summary(
            &mut conn,
            &o.path,
            &date::format(today),
            &date::format(soon),
        )
        .await?;
        let mut out = RecruitSummary {
            stages: Stage::ALL.iter().map(|s| (s.label(), 0)).collect(),
            overdue: 0,
            soon: 0,
        };
        for (stage, n, overdue, soon) in rows {
            if let Some(k) = Stage::ALL.iter().position(|s| s.as_str() == stage) {
                out.stages[k].1 += n;
            }
            out.overdue += overdue;
            out.soon += soon;
        }
        Ok(out)
    }

    /// This year's (or another year's) development quota of an org, set from above it.
    pub async fn set_dev_plan(
        &self,
        actor: &Actor,
        org_id: i64,
        year: i32,
        quota: i64,
    ) -> ServiceResult<()> {
        let o = self.org(actor, org_id).await?;
        policy::check_plan(actor, &o.path)?;
        let this = today().year();
        if !(this - 1..=this + 1).contains(&year) || !(0..=10_000).contains(&quota) {
            return Err(invalid(
                "quota",
                "invalid_plan",
                "请填写本年度前后一年内的计划名额（0–10000）",
            ));
        }
        let mut tx = self.begin_audited().await?;
        recruit::set_plan(tx.conn(), o.id, i64::from(year), quota, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("recruit.plan", "org", o.id)
                .detail(format!("{} {year} 年发展计划 {quota} 名", o.name)),
        )
        .await?;
        Ok(())
    }

    /// Deadlines coming within a week, or passed, for each person in the pipeline: to the
    /// branch, and when passed also to the town. `next_due` names them without a walk through
    /// everyone's steps.
    pub(crate) async fn recruit_reminders(
        &self,
        today: Date,
    ) -> ServiceResult<Vec<NewNotification>> {
        let rules = self.recruit_rules();
        let until = date::format(today + time::Duration::days(rules.warn_days));
        let mut conn = self.db.conn().await?;
        let mut out = Vec::new();
        let pending = recruit::due_by(&mut conn, &until).await?;
        // The branch named below the town that also reads the overdue ones.
        let paths: Vec<&str> = pending.iter().map(|p| p.org_path.as_str()).collect();
        let places = crate::orgs::places_below_towns(&mut conn, &paths).await?;
        for (p, place) in pending.iter().zip(places) {
            let next = u8::try_from(p.last_step + 1).unwrap_or(LAST_STEP);
            let (Some(rule), Some(latest)) = (
                rules.step(next),
                p.next_due.as_deref().and_then(date::parse),
            ) else {
                continue;
            };
            let (kind, word) = match due(Some(latest), today, rules.warn_days) {
                Due::Open => continue,
                Due::Soon => ("soon", "即将到期"),
                Due::Overdue => ("overdue", "已超期"),
            };
            let targets: Vec<i64> = match kind {
                "overdue" => crate::remind::and_its_town(p.org_id, &p.org_path),
                _ => vec![p.org_id],
            };
            for to in targets {
                out.push(NewNotification {
                    org_id: to,
                    kind: "recruit".into(),
                    dedupe_key: dangjian_domain::remind::key(
                        "recruit",
                        to,
                        &format!("{}-{next}-{kind}", p.id),
                        "",
                    ),
                    title: format!("{}（{place}）：第 {next} 步“{}”{word}", p.name, rule.label),
                    body: format!(
                        "{place}的发展对象{}，第 {next} 步应于 {} 前完成。",
                        p.name,
                        date::format(latest)
                    ),
                    link: format!("/recruits/{}", p.id),
                });
            }
        }
        Ok(out)
    }
}

/// Open branches, where people may apply.
fn accepts_recruits(o: &Org) -> bool {
    o.closed_on.is_none() && OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members)
}
