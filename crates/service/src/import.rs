//! Rosters in and out of Excel. An import is checked row by row and cell by cell (ID check
//! digit, phone, dates, branch code, duplicates in the file and in the database); the user
//! sees the errors and chooses to import the valid rows or nothing. The writing happens in
//! one transaction, so a crash or a kill in the middle leaves the database as it was.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dangjian_domain::FieldError;
use dangjian_domain::member::{MemberInput, MemberRules};
use dangjian_domain::org::OrgKind;
use dangjian_report::roster::{self, Row};
use dangjian_store::import::{self, JobRow, NewJob};
use dangjian_store::member::{self, MemberWrite};
use dangjian_store::org;
use dangjian_store::{rollup, transfer};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::cadres::roster::{COMMITTEE_COLUMNS, PlannedSeat};
use crate::enterprises::roster::{ENTERPRISE_COLUMNS, PlannedUnit};
use crate::export::MAX_EXPORT;
use crate::members::{MemberQuery, to_write};
use crate::model::read_model;
use crate::org_roster::{ORG_COLUMNS, PlannedOrg};
use crate::orgs::Org;
use crate::{Actor, App, Crypto, ServiceError, ServiceResult, today};

read_model! {
    /// An import: the uploaded file's check and what was imported; its row errors are read separately.
    pub struct ImportJob from JobRow {
        pub id: i64,
        pub user_id: Option<i64>,
        pub org_id: i64,
        pub kind: String,
        pub file_name: String,
        pub state: String,
        pub total: i64,
        pub valid: i64,
        pub invalid: i64,
        pub imported: i64,
        pub message: String,
        pub created_at: i64,
        pub finished_at: Option<i64>,
    }
}

pub const MEMBER_SHEET: &str = "党员名册";

/// The roster's columns: the header people see and the member field it fills.
pub const MEMBER_COLUMNS: [(&str, &str); 13] = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生日期", "birth_date"),
    ("手机号", "phone"),
    ("学历", "education"),
    ("人员类别", "category"),
    ("入党日期", "join_date"),
    ("转正日期", "confirm_date"),
    ("党员状态", "status"),
    ("流动党员", "flowing"),
    ("所在支部代码", "org_code"),
];

pub const MEMBER_NOTES: [&str; 10] = [
    "填写说明",
    "1. 第 1 行为表头，请勿修改、合并或删除；每行填写一名党员，从第 2 行开始。",
    "2. 身份证号填写 18 位（末位可为 X），单元格请保持文本格式，以免末几位被 Excel 改为 0。",
    "3. 性别、出生日期可不填，将按身份证号自动生成；填写时须与身份证号一致。",
    "4. 日期可写作 1985-03-17、1985/3/17 或 1985年3月17日。转正日期：预备党员不填。",
    "5. 学历：小学及以下、初中、高中/中专、大专、本科、研究生。",
    "6. 人员类别：在职、离退休、农牧渔民、学生、无业、其他。党员状态：正式党员、预备党员。",
    "7. 流动党员填“是”或“否”，不填为否。手机号为 11 位大陆手机号，可不填。",
    "8. 所在支部代码填写党组织代码；不填时导入到所选党组织（须为党支部）。",
    "9. 请勿使用公式；一次最多导入 100000 行，文件不超过 20 MB。",
];

/// Rows one import may hold.
pub const MAX_ROWS: usize = 100_000;
/// Errors a preview lists; the error report has them all.
pub const PREVIEW_ERRORS: usize = 200;

/// One refused row: where, the cells as read, and each problem with its column.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct RowErrors {
    pub line: u32,
    pub cells: Vec<String>,
    pub problems: Vec<(String, String)>,
}

/// The outcome of checking a roster.
pub(crate) struct Checked<T = MemberWrite> {
    pub total: usize,
    pub valid: Vec<T>,
    pub invalid: Vec<RowErrors>,
}

/// What a roster lists: members, or organizations to set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RosterKind {
    #[default]
    Members,
    Orgs,
    /// The villages' two committees after an election (两委成员名册).
    Committees,
    /// Non-public enterprises and social organizations (非公企业和社会组织名册).
    Enterprises,
}

impl RosterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RosterKind::Members => "members",
            RosterKind::Orgs => "orgs",
            RosterKind::Committees => "committees",
            RosterKind::Enterprises => "enterprises",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            RosterKind::Members,
            RosterKind::Orgs,
            RosterKind::Committees,
            RosterKind::Enterprises,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The roster's name as the pages say it.
    pub fn label(self) -> &'static str {
        match self {
            RosterKind::Members => "党员",
            RosterKind::Orgs => "党组织",
            RosterKind::Committees => "两委成员",
            RosterKind::Enterprises => "非公企业和社会组织",
        }
    }

    pub fn headers(self) -> Vec<&'static str> {
        match self {
            RosterKind::Members => MEMBER_COLUMNS.iter().map(|(h, _)| *h).collect(),
            RosterKind::Orgs => ORG_COLUMNS.iter().map(|(h, _)| *h).collect(),
            RosterKind::Committees => COMMITTEE_COLUMNS.iter().map(|(h, _)| *h).collect(),
            RosterKind::Enterprises => ENTERPRISE_COLUMNS.iter().map(|(h, _)| *h).collect(),
        }
    }
}

/// How the command line imports a file.
#[derive(Debug, Clone, Copy)]
pub struct FileImport {
    pub kind: RosterKind,
    /// Import the valid rows and leave out the refused ones.
    pub skip_invalid: bool,
    /// Check only; write nothing.
    pub dry_run: bool,
}

/// What the command line reports of an import from a file.
pub struct FileOutcome {
    pub total: usize,
    pub valid: usize,
    pub invalid: Vec<RowErrors>,
    pub written: usize,
}

/// A roster checked for one of its kinds.
enum Plan {
    Members(Checked<MemberWrite>),
    Orgs(Checked<PlannedOrg>),
    Committees(Checked<PlannedSeat>),
    Enterprises(Checked<PlannedUnit>),
}

impl Plan {
    fn counts(&self) -> (usize, usize, &[RowErrors]) {
        match self {
            Plan::Members(c) => (c.total, c.valid.len(), &c.invalid),
            Plan::Orgs(c) => (c.total, c.valid.len(), &c.invalid),
            Plan::Committees(c) => (c.total, c.valid.len(), &c.invalid),
            Plan::Enterprises(c) => (c.total, c.valid.len(), &c.invalid),
        }
    }
}

/// Where a running import is, for the progress bar.
#[derive(Debug, Clone, Copy, Serialize, Default, utoipa::ToSchema)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

pub type Running = Arc<Mutex<HashMap<i64, Progress>>>;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub job: ImportJob,
    pub errors: Vec<RowErrors>,
    pub progress: Option<Progress>,
}

fn header_of(field: &str) -> &'static str {
    MEMBER_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("", |(h, _)| h)
}

fn col(field: &str) -> usize {
    MEMBER_COLUMNS
        .iter()
        .position(|(_, f)| *f == field)
        .unwrap_or(0)
}

/// What a roster check needs besides the rows, shared with the blocking thread.
struct Context {
    crypto: Crypto,
    rules: MemberRules,
    root: Org,
    /// Open branches of the root's subtree by code.
    branches: HashMap<String, Org>,
}

/// Checks each row on its own: the member rules, the branch, and the cells themselves.
fn check_rows(ctx: &Context, rows: Vec<Row>) -> (Vec<(u32, MemberWrite)>, Vec<RowErrors>) {
    let today = today();
    let mut valid = Vec::with_capacity(rows.len());
    let mut invalid = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in rows {
        let mut problems: Vec<(String, String)> = row
            .formulas
            .iter()
            .map(|c| {
                (
                    MEMBER_COLUMNS.get(*c).map_or("", |x| x.0).to_string(),
                    "单元格含公式，请改为直接填写内容".to_string(),
                )
            })
            .collect();
        let cell = |f: &str| row.cells.get(col(f)).cloned().unwrap_or_default();
        let flowing = match cell("flowing").as_str() {
            "" | "否" | "N" | "n" | "0" => false,
            "是" | "Y" | "y" | "1" => true,
            _ => {
                problems.push(("流动党员".into(), "请填写“是”或“否”".into()));
                false
            }
        };
        let input = MemberInput {
            name: cell("name"),
            gender: cell("gender"),
            ethnicity: cell("ethnicity"),
            birth_date: roster::loose_date(&cell("birth_date")),
            id_number: cell("id_number"),
            phone: cell("phone"),
            education: cell("education"),
            category: cell("category"),
            join_date: roster::loose_date(&cell("join_date")),
            confirm_date: roster::loose_date(&cell("confirm_date")),
            status: cell("status"),
            flowing,
        };
        let code = cell("org_code");
        let branch = if code.is_empty() {
            OrgKind::parse(&ctx.root.kind)
                .is_some_and(OrgKind::holds_members)
                .then_some(&ctx.root)
                .ok_or("请填写所在支部代码（所选党组织不是党支部）")
        } else {
            ctx.branches
                .get(&code)
                .ok_or("支部代码不存在、已撤销或不在管辖范围内")
        };
        if let Err(m) = branch {
            problems.push(("所在支部代码".into(), m.into()));
        }
        let draft = input.validate(today, &ctx.rules);
        if let Err(errs) = &draft {
            for FieldError { field, message, .. } in errs {
                let mut message = message.clone();
                if *field == "id_number" && row.numbers.contains(&col("id_number")) {
                    message.push_str("（该单元格为数字格式，请设为文本后重新填写）");
                }
                problems.push((header_of(field).to_string(), message));
            }
        }
        if let Ok(d) = &draft {
            let index = ctx.crypto.blind_index("id", d.id_number.as_str());
            match seen.get(&index) {
                Some(first) => {
                    problems.push(("身份证号".into(), format!("与第 {first} 行的身份证号重复")))
                }
                None => {
                    seen.insert(index, row.line);
                }
            }
        }
        if let (Ok(d), Ok(o), true) = (&draft, branch, problems.is_empty()) {
            valid.push((row.line, to_write(&ctx.crypto, d, o.place(), None)));
            continue;
        }
        invalid.push(RowErrors {
            line: row.line,
            cells: row.cells,
            problems,
        });
    }
    (valid, invalid)
}

impl App {
    /// The empty roster with its notes, to download and fill in.
    pub fn member_template(&self) -> ServiceResult<Vec<u8>> {
        let headers: Vec<&str> = MEMBER_COLUMNS.iter().map(|(h, _)| *h).collect();
        roster::write(MEMBER_SHEET, &headers, &[], &MEMBER_NOTES)
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
    }

    /// A roster as xlsx bytes, in the template's layout.
    pub fn roster_xlsx(&self, rows: Vec<Vec<String>>) -> ServiceResult<Vec<u8>> {
        let headers: Vec<&str> = MEMBER_COLUMNS.iter().map(|(h, _)| *h).collect();
        roster::write(MEMBER_SHEET, &headers, &rows, &[])
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
    }

    /// The org a roster goes into: inside the scope, where the actor may add members (or,
    /// for a roster of orgs, set up orgs).
    pub async fn import_root(
        &self,
        actor: &Actor,
        org_id: i64,
        kind: RosterKind,
    ) -> ServiceResult<Org> {
        let o = self.org(actor, org_id).await?;
        match kind {
            RosterKind::Members => crate::members::policy::check_edit(actor, &o.path)?,
            RosterKind::Orgs => crate::orgs::policy::check_edit(actor, &o.path)?,
            RosterKind::Committees => crate::cadres::policy::check_manage(actor, &o.path)?,
            RosterKind::Enterprises => crate::enterprises::policy::check_keep(actor, &o.path)?,
        }
        Ok(o)
    }

    async fn check_roster(
        &self,
        actor: &Actor,
        root: &Org,
        kind: RosterKind,
        bytes: Vec<u8>,
    ) -> ServiceResult<Plan> {
        Ok(match kind {
            RosterKind::Members => Plan::Members(self.check_member_roster(root, bytes).await?),
            RosterKind::Orgs => Plan::Orgs(self.check_org_roster(root, bytes).await?),
            RosterKind::Committees => {
                Plan::Committees(self.check_committee_roster(root, bytes).await?)
            }
            RosterKind::Enterprises => {
                Plan::Enterprises(self.check_enterprise_roster(actor, root, bytes).await?)
            }
        })
    }

    async fn write_plan(
        &self,
        actor: &Actor,
        root: &Org,
        what: &str,
        plan: &Plan,
        progress: Option<(&Running, i64)>,
    ) -> ServiceResult<usize> {
        match plan {
            Plan::Members(c) => {
                self.write_members(actor, root, what, &c.valid, progress)
                    .await
            }
            Plan::Orgs(c) => self.write_orgs(actor, root, what, &c.valid, progress).await,
            Plan::Committees(c) => {
                self.write_committees(actor, root, what, &c.valid, progress)
                    .await
            }
            Plan::Enterprises(c) => {
                self.write_enterprises(actor, root, what, &c.valid, progress)
                    .await
            }
        }
    }

    /// Reads and checks a roster for the subtree of `root`, against the database as it is now.
    pub(crate) async fn check_member_roster(
        &self,
        root: &Org,
        bytes: Vec<u8>,
    ) -> ServiceResult<Checked> {
        let kinds: Vec<&str> = OrgKind::ALL
            .iter()
            .filter(|k| k.holds_members())
            .map(|k| k.as_str())
            .collect();
        let mut conn = self.db.conn().await?;
        let branches = org::in_subtree_all(&mut conn, &root.path, &kinds)
            .await?
            .into_iter()
            .filter(|o| o.closed_on.is_none())
            .map(|o| (o.code.clone(), Org::from(o)))
            .collect();
        drop(conn);
        let ctx = Context {
            crypto: self.crypto().clone(),
            rules: self.config.member_rules,
            root: root.clone(),
            branches,
        };
        // Parsing and checking 60,000 rows is CPU work: off the request threads.
        let (total, valid, mut invalid) = tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = MEMBER_COLUMNS.iter().map(|(h, _)| *h).collect();
            let rows = roster::read(&bytes, MEMBER_SHEET, &headers, MAX_ROWS)
                .map_err(|e| ServiceError::field("file", "bad_file", e.message()))?;
            let total = rows.len();
            let (valid, invalid) = check_rows(&ctx, rows);
            Ok::<_, ServiceError>((total, valid, invalid))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("roster check: {e}")))??;
        if total == 0 {
            return Err(ServiceError::field("file", "empty", "名册中没有党员数据"));
        }
        let mut conn = self.db.conn().await?;
        let indexes: Vec<String> = valid.iter().map(|(_, w)| w.id_index.clone()).collect();
        let taken = member::existing_id_indexes(&mut conn, &indexes).await?;
        let mut kept = Vec::with_capacity(valid.len());
        for (line, w) in valid {
            if taken.contains(&w.id_index) {
                invalid.push(RowErrors {
                    line,
                    cells: Vec::new(),
                    problems: vec![("身份证号".into(), "该身份证号码已登记，不能重复导入".into())],
                });
            } else {
                kept.push(w);
            }
        }
        invalid.sort_by_key(|r| r.line);
        Ok(Checked {
            total,
            valid: kept,
            invalid,
        })
    }

    /// Writes checked members in one transaction with their history and counts; audited.
    async fn write_members(
        &self,
        actor: &Actor,
        root: &Org,
        what: &str,
        rows: &[MemberWrite],
        progress: Option<(&Running, i64)>,
    ) -> ServiceResult<usize> {
        let started = std::time::Instant::now();
        let mut tx = self.begin_audited().await?;
        let total = rows.len();
        for (i, chunk) in rows.chunks(2_000).enumerate() {
            member::insert_many(tx.conn(), chunk)
                .await
                .map_err(|e| match e {
                    dangjian_store::StoreError::Duplicate(_) => ServiceError::field(
                        "file",
                        "duplicate",
                        "导入期间有相同身份证号的党员被登记，请重新检查后导入",
                    ),
                    other => other.into(),
                })?;
            if let Some((running, id)) = progress
                && let Ok(mut map) = running.lock()
            {
                map.insert(
                    id,
                    Progress {
                        done: ((i + 1) * 2_000).min(total),
                        total,
                    },
                );
            }
        }
        let inserted = started.elapsed();
        transfer::fill_memberships(tx.conn()).await?;
        rollup::apply_many(
            tx.conn(),
            rows.iter()
                .map(|w| (w.org_path.as_str(), crate::members::write_facts(w))),
        )
        .await?;
        let counted = started.elapsed();
        tx.commit(
            actor,
            Entry::ok("member.import", "org", root.id)
                .detail(format!("{what}：导入 {total} 名党员到{}", root.name)),
        )
        .await?;
        tracing::info!(
            "import of {total} members: rows {inserted:?}, history and counts {:?}, commit {:?}",
            counted - inserted,
            started.elapsed() - counted
        );
        Ok(total)
    }

    /// Checks an uploaded roster and keeps it for the user's decision.
    pub async fn stage_import(
        &self,
        actor: &Actor,
        org_id: i64,
        kind: RosterKind,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<ImportJob> {
        let root = self.import_root(actor, org_id, kind).await?;
        let kept = bytes.clone();
        let plan = self.check_roster(actor, &root, kind, bytes).await?;
        let (total, valid, invalid) = plan.counts();
        let errors =
            serde_json::to_string(invalid).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let name: String = file_name.chars().take(100).collect();
        let mut tx = self.db.begin_write().await?;
        let id = import::insert(
            &mut tx,
            &NewJob {
                user_id: actor.user_id,
                org_id: root.id,
                kind: kind.as_str(),
                file_name: &name,
                body: &kept,
                total: total as i64,
                valid: valid as i64,
                invalid: invalid.len() as i64,
                errors: &errors,
            },
        )
        .await?;
        let job = import::get(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit()
            .await
            .map_err(dangjian_store::StoreError::from)?;
        Ok(job.into())
    }

    /// A job of the actor's own, with its errors (all, or the first `limit`).
    pub async fn import_job(&self, actor: &Actor, id: i64, limit: usize) -> ServiceResult<JobView> {
        let mut conn = self.db.conn().await?;
        let job = import::get(&mut conn, id)
            .await?
            .filter(|j| j.user_id.is_some() && j.user_id == actor.user_id)
            .ok_or(ServiceError::NotFound)?;
        let mut errors: Vec<RowErrors> = serde_json::from_str(&job.errors).unwrap_or_default();
        errors.truncate(limit);
        let progress = self.imports.lock().ok().and_then(|m| m.get(&id).copied());
        Ok(JobView {
            job: job.into(),
            errors,
            progress,
        })
    }

    /// Imports the valid rows of a checked job in the background; the page polls its progress.
    pub async fn commit_import(&self, actor: &Actor, id: i64) -> ServiceResult<ImportJob> {
        let view = self.import_job(actor, id, 0).await?;
        let kind = RosterKind::parse(&view.job.kind)
            .ok_or_else(|| ServiceError::Internal(format!("import kind {}", view.job.kind)))?;
        let root = self.import_root(actor, view.job.org_id, kind).await?;
        let mut conn = self.db.conn().await?;
        if !import::claim(&mut conn, id, "checked", "importing").await? {
            return Err(ServiceError::field("state", "not_checked", "该导入已处理"));
        }
        let body = import::body(&mut conn, id).await?.unwrap_or_default();
        let job = import::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        drop(conn);
        if let Ok(mut m) = self.imports.lock() {
            m.insert(id, Progress::default());
        }
        let app = self.clone();
        let actor = actor.clone();
        let file_name = job.file_name.clone();
        tokio::spawn(async move {
            let outcome = match app.check_roster(&actor, &root, kind, body).await {
                Ok(plan) => {
                    app.write_plan(&actor, &root, &file_name, &plan, Some((&app.imports, id)))
                        .await
                }
                Err(e) => Err(e),
            };
            let (state, n, message) = match (outcome, kind) {
                (Ok(n), RosterKind::Members) => ("done", n as i64, format!("已导入 {n} 名党员")),
                (Ok(n), RosterKind::Orgs) => ("done", n as i64, format!("已设立 {n} 个党组织")),
                (Ok(n), RosterKind::Committees) => {
                    ("done", n as i64, format!("已导入两委成员 {n} 人次"))
                }
                (Ok(n), RosterKind::Enterprises) => {
                    ("done", n as i64, format!("已登记 {n} 个单位"))
                }
                (Err(ServiceError::Invalid(errs)), _) => (
                    "failed",
                    0,
                    errs.first().map_or_else(String::new, |e| e.message.clone()),
                ),
                (Err(e), _) => {
                    tracing::error!("import {id}: {e}");
                    ("failed", 0, "导入失败，数据未写入，请稍后重试".to_string())
                }
            };
            if let Ok(mut c) = app.db.conn().await {
                let _ = import::finish(&mut c, id, state, n, &message).await;
            }
            if let Ok(mut m) = app.imports.lock() {
                m.remove(&id);
            }
        });
        Ok(job.into())
    }

    pub async fn discard_import(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        self.import_job(actor, id, 0).await?;
        let mut conn = self.db.conn().await?;
        if !import::claim(&mut conn, id, "checked", "discarding").await? {
            return Err(ServiceError::field("state", "not_checked", "该导入已处理"));
        }
        import::finish(&mut conn, id, "discarded", 0, "已放弃导入，未写入任何数据").await?;
        Ok(())
    }

    pub async fn recent_imports(&self, actor: &Actor) -> ServiceResult<Vec<ImportJob>> {
        let Some(user) = actor.user_id else {
            return Ok(Vec::new());
        };
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            import::recent(&mut conn, user, 10).await?,
        ))
    }

    /// The command line's import: the same check, then every row or nothing (or the valid
    /// rows with `skip_invalid`); `dry_run` writes nothing.
    pub async fn import_file(
        &self,
        actor: &Actor,
        root: &Org,
        how: FileImport,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<FileOutcome> {
        let FileImport {
            kind,
            skip_invalid,
            dry_run,
        } = how;
        let root = self.import_root(actor, root.id, kind).await?;
        let started = std::time::Instant::now();
        let plan = self.check_roster(actor, &root, kind, bytes).await?;
        let (total, valid, invalid) = plan.counts();
        tracing::info!("check of {total} rows: {:?}", started.elapsed());
        let mut outcome = FileOutcome {
            total,
            valid,
            invalid: invalid.to_vec(),
            written: 0,
        };
        if dry_run || (!outcome.invalid.is_empty() && !skip_invalid) {
            return Ok(outcome);
        }
        outcome.written = self
            .write_plan(actor, &root, file_name, &plan, None)
            .await?;
        Ok(outcome)
    }

    /// Every member matching a search, with identifiers decrypted when `unmask` gives the
    /// reason (editors only); audited either way.
    pub async fn export_members(
        &self,
        actor: &Actor,
        q: &MemberQuery,
        unmask: Option<&str>,
    ) -> ServiceResult<(Org, Vec<Vec<String>>)> {
        let (root, f) = self.member_filter(actor, q).await?;
        let reason = match unmask {
            None => None,
            Some(r) => {
                crate::members::policy::check_edit(actor, &root.path)?;
                Some(
                    dangjian_domain::text::reason(r, "导出完整身份证号须填写事由（4–200 字）")
                        .map_err(|e| ServiceError::Invalid(vec![e]))?,
                )
            }
        };
        let mut conn = self.db.conn().await?;
        crate::export::check_size(member::count(&mut conn, &f).await?, "名党员")?;
        let items = member::list(&mut conn, &f, MAX_EXPORT, 0).await?;
        let ciphers = if reason.is_some() {
            member::ciphers_of(&mut conn, &items.iter().map(|m| m.id).collect::<Vec<_>>()).await?
        } else {
            HashMap::new()
        };
        drop(conn);
        let decrypt = |c: Option<&Vec<u8>>| c.and_then(|c| self.crypto().decrypt(c));
        let rows = items
            .iter()
            .map(|m| {
                let (id, phone) = match ciphers.get(&m.id) {
                    Some((i, p)) => (
                        decrypt(Some(i)).unwrap_or_default(),
                        decrypt(p.as_ref()).unwrap_or_default(),
                    ),
                    None => (
                        m.id_masked.clone(),
                        m.phone_masked.clone().unwrap_or_default(),
                    ),
                };
                crate::members::roster_row(m, id, phone)
            })
            .collect::<Vec<_>>();
        self.audit_export(actor, "党员名册", root.id, rows.len(), reason.as_deref())
            .await?;
        Ok((root, rows))
    }
}

/// How long a checked file waits for its user's decision.
const STALE_MS: i64 = 7 * 24 * 60 * 60 * 1000;

impl App {
    /// At the server's start: imports that were being written when the last process stopped
    /// wrote nothing (each is one transaction), and are marked so. Only the server calls
    /// this; a command-line run beside a live server must not touch the server's jobs.
    pub async fn recover_imports(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        import::fail_interrupted(&mut conn).await?;
        Ok(())
    }

    /// Drops the files of checks nobody acted on for a week (run by the reminder job).
    pub(crate) async fn drop_stale_imports(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        import::drop_stale(&mut conn, crate::now_ms() - STALE_MS).await?;
        Ok(())
    }
}
