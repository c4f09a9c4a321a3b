//! The committee roster after an election (两委成员名册): a town that held its villages'
//! elections off the platform enters the new committees of all of them from one spreadsheet,
//! checked row by row like the member roster. Each village in the file gets a finished
//! election with the posts it lists (the old posts of a committee the file lists end on its
//! vote day), so that the statistics, the term and its reminder follow as for an election
//! recorded step by step.

use std::collections::{HashMap, HashSet};

use dangjian_domain::bands::Status;
use dangjian_domain::cadres::committee::{Body, Seat};
use dangjian_domain::cadres::election::{check_age, term_end};
use dangjian_domain::cadres::rules::CadreRules;
use dangjian_domain::person::{PersonDraft, PersonInput};
use dangjian_domain::{date, path};
use dangjian_report::roster::{self, Row};
use dangjian_store::cadres::committee as seats;
use dangjian_store::cadres::election::{self as store, CandidateLoad};
use dangjian_store::cadres::reserve;
use dangjian_store::org;
use dangjian_store::person;
use time::Date;

use super::is_village;
use super::person::{known, to_write};
use crate::audit::Entry;
use crate::import::{Checked, MAX_ROWS, Progress, RowErrors, Running};
use crate::orgs::Org;
use crate::orgs::committee::set_secretary;
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const COMMITTEE_SHEET: &str = "两委成员名册";

/// The roster's columns: the header people see and the field it fills.
pub const COMMITTEE_COLUMNS: [(&str, &str); 9] = [
    ("村(社区)组织代码", "org_code"),
    ("委员会", "body"),
    ("职务", "post"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("民族", "ethnicity"),
    ("学历", "education"),
    ("手机号", "phone"),
    ("选举日期", "voted_on"),
];

pub const COMMITTEE_NOTES: [&str; 8] = [
    "填写说明",
    "1. 第 1 行为表头，请勿修改、合并或删除；每行填写一名当选的两委成员的一个职务，从第 2 行开始。",
    "2. 村(社区)组织代码：村(社区)党组织的代码，须在所选镇街之下；该村(社区)不能有正在进行的换届。",
    "3. 委员会：村(社区)党组织，或村(居)民委员会。一肩挑、交叉任职的成员在两个委员会各填一行。",
    "4. 职务：党组织填书记、副书记、组织委员、宣传委员、纪检委员；村(居)委会填主任、副主任、委员。书记、主任每村只能一人。",
    "5. 党组织成员须是本村(社区)的正式党员（按身份证号查找）；村(居)委会成员可以不是党员。",
    "6. 民族不填为汉族。学历：小学及以下、初中、高中/中专、大专、本科、研究生；手机号可不填。选举日期不能晚于今天、不能早于现任成员的任职日期，同一委员会的日期应相同。",
    "7. 同一村(社区)同一委员会的各行须全部正确才导入（有一行有误则该委员会整组不导入，以免只换届了一半）。请勿使用公式；一次最多导入 100000 行，文件不超过 20 MB。导入后原任职务于选举日期免去。",
];

fn col(field: &str) -> usize {
    COMMITTEE_COLUMNS
        .iter()
        .position(|(_, f)| *f == field)
        .unwrap_or(0)
}

fn header_of(field: &str) -> String {
    let field = match field {
        "member_id" | "person" => "id_number",
        "started_on" => "voted_on",
        f => f,
    };
    COMMITTEE_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("", |(h, _)| h)
        .to_string()
}

/// A checked row: who takes which post of which village, from when.
#[derive(Debug, Clone)]
pub struct PlannedSeat {
    pub line: u32,
    pub village: Org,
    pub seat: Seat,
    pub person: PersonDraft,
    /// The member they are (required for a party post).
    pub member: Option<(i64, i64)>,
    pub voted_on: Date,
}

/// What checking needs besides the rows.
struct Context<'a> {
    villages: HashMap<String, Org>,
    /// Villages with an election under way.
    open: HashSet<i64>,
    /// Members by the blind index of their ID number: id, person, status, path.
    members: HashMap<String, (i64, i64, String, String)>,
    /// Registered persons' names by blind index.
    persons: HashMap<String, String>,
    app: &'a App,
    rules: CadreRules,
}

fn body_of(cell: &str) -> Option<Body> {
    match cell.trim() {
        "村党组织" | "社区党组织" | "党组织" | "村(社区)党组织" => {
            Some(Body::Party)
        }
        "村委会" | "居委会" | "村民委员会" | "居民委员会" | "村(居)委会" | "村(居)民委员会" => {
            Some(Body::Residents)
        }
        c => Body::parse(c),
    }
}

fn check_row(ctx: &Context<'_>, row: &Row) -> Result<PlannedSeat, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = row
        .formulas
        .iter()
        .map(|c| {
            (
                COMMITTEE_COLUMNS.get(*c).map_or("", |x| x.0).to_string(),
                "单元格含公式，请改为直接填写内容".to_string(),
            )
        })
        .collect();
    let cell = |f: &str| row.cells.get(col(f)).cloned().unwrap_or_default();
    let mut problem =
        |field: &str, message: &str| problems.push((header_of(field), message.to_string()));
    let village = ctx.villages.get(cell("org_code").trim()).cloned();
    match &village {
        None => problem("org_code", "不是所选范围内的村(社区)党组织代码"),
        Some(v) if ctx.open.contains(&v.id) => problem(
            "org_code",
            "该村(社区)有正在进行的换届，请在换届中登记选举结果",
        ),
        Some(_) => {}
    }
    let body = body_of(&cell("body"));
    if body.is_none() {
        problem("body", "请填写村(社区)党组织或村(居)民委员会");
    }
    let seat = body.and_then(|b| Seat::parse(b, &cell("post")));
    if body.is_some() && seat.is_none() {
        problem("post", "职务不属于该委员会");
    }
    let input = PersonInput {
        name: cell("name"),
        id_number: cell("id_number"),
        phone: cell("phone"),
        education: cell("education"),
        ethnicity: cell("ethnicity"),
    };
    let person = match input.validate(today(), &ctx.app.config.member_rules) {
        Ok(p) => Some(p),
        Err(errs) => {
            for e in errs {
                problem(e.field, &e.message);
            }
            None
        }
    };
    let voted_on = match date::past_date(
        "voted_on",
        "选举日期",
        &roster::loose_date(&cell("voted_on")),
        today(),
    ) {
        Ok(d) => Some(d),
        Err(e) => {
            problem("voted_on", &e.message);
            None
        }
    };
    let mut member = None;
    if let Some(p) = &person {
        let index = ctx.app.crypto().blind_index("id", p.id_number.as_str());
        if let Some(name) = ctx.persons.get(&index)
            && *name != p.name
        {
            problem("id_number", "该身份证号已登记，但姓名不一致，请核对");
        }
        let found = ctx.members.get(&index);
        member = found.map(|(m, pe, ..)| (*m, *pe));
        if body == Some(Body::Residents)
            && let (Some((.., p)), Some(v)) = (found, &village)
            && !path::contains(&v.path, p)
        {
            problem("id_number", "该身份证号已登记，但不在本村(社区)，请核对");
        }
        if body == Some(Body::Party)
            && !found.is_some_and(|(_, _, status, p)| {
                status == Status::Full.as_str()
                    && village.as_ref().is_some_and(|v| path::contains(&v.path, p))
            })
        {
            problem("id_number", "村(社区)党组织成员须是本村(社区)的正式党员");
        }
        if let (Some(s), Some(on)) = (seat, voted_on)
            && let Err(e) = check_age(s, p.birth_date, on, &ctx.rules)
        {
            problem("post", &e.message);
        }
    }
    match (village, seat, person, voted_on) {
        (Some(village), Some(seat), Some(person), Some(voted_on)) if problems.is_empty() => {
            Ok(PlannedSeat {
                line: row.line,
                village,
                seat,
                person,
                member,
                voted_on,
            })
        }
        _ => Err(problems),
    }
}

/// Rows that contradict each other: a single post twice in a village, a person twice on
/// one committee, two vote days for one committee.
fn conflicts(valid: &[PlannedSeat]) -> HashMap<usize, (String, String)> {
    let mut out = HashMap::new();
    let mut posts: HashMap<(i64, Seat), u32> = HashMap::new();
    let mut people: HashMap<(i64, Body, String), u32> = HashMap::new();
    let mut days: HashMap<(i64, Body), Date> = HashMap::new();
    for (i, p) in valid.iter().enumerate() {
        let v = p.village.id;
        if p.seat.is_single()
            && let Some(first) = posts.insert((v, p.seat), p.line)
        {
            out.insert(
                i,
                (
                    header_of("post"),
                    format!("与第 {first} 行重复：{}只能一人", p.seat.label()),
                ),
            );
            continue;
        }
        let key = (v, p.seat.body(), p.person.id_number.as_str().to_string());
        if let Some(first) = people.insert(key, p.line) {
            out.insert(
                i,
                (
                    header_of("id_number"),
                    format!("与第 {first} 行重复：同一人在一个委员会只任一职"),
                ),
            );
            continue;
        }
        let day = *days.entry((v, p.seat.body())).or_insert(p.voted_on);
        if day != p.voted_on {
            out.insert(
                i,
                (
                    header_of("voted_on"),
                    format!("同一委员会的选举日期应相同（{day}）"),
                ),
            );
        }
    }
    out
}

impl App {
    /// The empty committee roster with its notes.
    pub fn committee_template(&self) -> ServiceResult<Vec<u8>> {
        let headers: Vec<&str> = COMMITTEE_COLUMNS.iter().map(|(h, _)| *h).collect();
        roster::write(COMMITTEE_SHEET, &headers, &[], &COMMITTEE_NOTES)
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
    }

    /// Reads and checks a committee roster for the villages below `root`.
    pub(crate) async fn check_committee_roster(
        &self,
        root: &Org,
        bytes: Vec<u8>,
    ) -> ServiceResult<Checked<PlannedSeat>> {
        let rows = tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = COMMITTEE_COLUMNS.iter().map(|(h, _)| *h).collect();
            roster::read(&bytes, COMMITTEE_SHEET, &headers, MAX_ROWS)
                .map_err(|e| ServiceError::field("file", "bad_file", e.message()))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("roster read: {e}")))??;
        if rows.is_empty() {
            return Err(ServiceError::field(
                "file",
                "empty",
                "名册中没有两委成员数据",
            ));
        }
        let mut conn = self.db.conn().await?;
        let kinds: Vec<&str> = dangjian_domain::org::OrgKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        let villages: HashMap<String, Org> = org::in_subtree_all(&mut conn, &root.path, &kinds)
            .await?
            .into_iter()
            .map(Org::from)
            .filter(is_village)
            .map(|o| (o.code.clone(), o))
            .collect();
        let open = store::open_in(&mut conn, &root.path)
            .await?
            .into_iter()
            .collect();
        // Indexed as checked: full-width digits and a lower-case x read as the ID they are.
        let indexes: Vec<String> = rows
            .iter()
            .filter_map(|r| r.cells.get(col("id_number")))
            .filter_map(|c| dangjian_domain::id_number::IdNumber::parse(c, today()).ok())
            .map(|id| self.crypto().blind_index("id", id.as_str()))
            .collect();
        let found = person::by_id_indexes(&mut conn, &indexes).await?;
        drop(conn);
        let mut members = HashMap::new();
        let mut persons = HashMap::new();
        for (index, p) in found {
            if let (Some(m), Some(status), Some(path)) =
                (p.member_id, p.member_status.clone(), p.member_path.clone())
            {
                members.insert(index.clone(), (m, p.id, status, path));
            }
            persons.insert(index, p.name);
        }
        let ctx = Context {
            villages,
            open,
            members,
            persons,
            app: self,
            rules: self.cadre_rules().await?,
        };
        let total = rows.len();
        let mut valid = Vec::new();
        let mut invalid = Vec::new();
        let mut cells = Vec::new();
        for row in &rows {
            match check_row(&ctx, row) {
                Ok(p) => {
                    valid.push(p);
                    cells.push(row.cells.clone());
                }
                Err(problems) => invalid.push(RowErrors {
                    line: row.line,
                    cells: row.cells.clone(),
                    problems,
                }),
            }
        }
        let mut clashes = conflicts(&valid);
        // A vote cannot be earlier than the current members took office.
        let mut since: HashMap<(i64, Body), Option<String>> = HashMap::new();
        let mut conn = self.db.conn().await?;
        for (i, p) in valid.iter().enumerate() {
            let key = (p.village.id, p.seat.body());
            if let std::collections::hash_map::Entry::Vacant(slot) = since.entry(key) {
                slot.insert(seats::latest_start(&mut conn, key.0, key.1 == Body::Party).await?);
            }
            if let Some(Some(d)) = since.get(&key)
                && date::format(p.voted_on) < *d
                && !clashes.contains_key(&i)
            {
                clashes.insert(
                    i,
                    (
                        header_of("voted_on"),
                        format!("选举日期不能早于现任成员的任职日期（{d}）"),
                    ),
                );
            }
        }
        drop(conn);
        // A committee is replaced whole or not at all: one refused row keeps the rows of its
        // village and committee out too (a row whose committee cannot be read, both).
        let mut blocked: HashSet<(String, Option<Body>)> = invalid
            .iter()
            .map(|r| {
                let cell = |f: &str| r.cells.get(col(f)).cloned().unwrap_or_default();
                (cell("org_code").trim().to_string(), body_of(&cell("body")))
            })
            .collect();
        for (i, p) in valid.iter().enumerate() {
            if clashes.contains_key(&i) {
                blocked.insert((p.village.code.clone(), Some(p.seat.body())));
            }
        }
        let is_blocked = |p: &PlannedSeat| {
            blocked.contains(&(p.village.code.clone(), Some(p.seat.body())))
                || blocked.contains(&(p.village.code.clone(), None))
        };
        let mut kept = Vec::with_capacity(valid.len());
        for (i, (p, c)) in valid.into_iter().zip(cells).enumerate() {
            match clashes.get(&i) {
                Some(problem) => invalid.push(RowErrors {
                    line: p.line,
                    cells: c,
                    problems: vec![problem.clone()],
                }),
                None if is_blocked(&p) => invalid.push(RowErrors {
                    line: p.line,
                    cells: c,
                    problems: vec![(
                        header_of("org_code"),
                        "同一村(社区)同一委员会有其他行有误，本组未导入，请改正后整组重新导入"
                            .to_string(),
                    )],
                }),
                None => kept.push(p),
            }
        }
        invalid.sort_by_key(|r| r.line);
        Ok(Checked {
            total,
            valid: kept,
            invalid,
        })
    }

    /// Writes the checked committees, village by village, in one transaction; audited once.
    pub(crate) async fn write_committees(
        &self,
        actor: &Actor,
        root: &Org,
        what: &str,
        rows: &[PlannedSeat],
        progress: Option<(&Running, i64)>,
    ) -> ServiceResult<usize> {
        let rules = self.cadre_rules().await?;
        let mut by_village: Vec<(&Org, Vec<&PlannedSeat>)> = Vec::new();
        for p in rows {
            match by_village.iter_mut().find(|(v, _)| v.id == p.village.id) {
                Some((_, list)) => list.push(p),
                None => by_village.push((&p.village, vec![p])),
            }
        }
        let mut tx = self.begin_audited().await?;
        let villages = by_village.len();
        for (i, (village, seats_of)) in by_village.iter().enumerate() {
            let day_of = |b: Body| {
                seats_of
                    .iter()
                    .filter(|p| p.seat.body() == b)
                    .map(|p| p.voted_on)
                    .max()
            };
            let (party_on, residents_on) = (day_of(Body::Party), day_of(Body::Residents));
            let finished = party_on.max(residents_on).unwrap_or_else(today);
            let started = party_on
                .into_iter()
                .chain(residents_on)
                .min()
                .unwrap_or(finished);
            let id = store::insert(
                tx.conn(),
                village.id,
                &date::format(started),
                what,
                actor.user_id,
            )
            .await
            .map_err(|e| match e {
                dangjian_store::StoreError::Duplicate(_) => ServiceError::field(
                    "file",
                    "open",
                    format!("{}在导入期间启动了换届，请重新检查后导入", village.name),
                ),
                other => other.into(),
            })?;
            let mut candidates = Vec::new();
            let mut secretary = None;
            for (b, on) in [(Body::Party, party_on), (Body::Residents, residents_on)] {
                let Some(on) = on else { continue };
                let on = date::format(on);
                seats::end_body(tx.conn(), village.id, b == Body::Party, &on).await?;
                for p in seats_of.iter().filter(|p| p.seat.body() == b) {
                    let person_id = match p.member {
                        Some((_, pe)) => pe,
                        None => {
                            self.person_for(tx.conn(), actor, &p.person, &village.path)
                                .await?
                        }
                    };
                    match (b, p.member) {
                        (Body::Party, Some((member, _))) => {
                            seats::insert_party(
                                tx.conn(),
                                village.id,
                                member,
                                p.seat.as_str(),
                                &on,
                                id,
                            )
                            .await?;
                        }
                        _ => {
                            seats::insert_residents(
                                tx.conn(),
                                village.id,
                                person_id,
                                p.seat.as_str(),
                                &on,
                                Some(id),
                            )
                            .await?;
                        }
                    }
                    if p.seat == Seat::Party(dangjian_domain::committee::Post::Secretary) {
                        secretary = Some(p.person.name.clone());
                    }
                    candidates.push(CandidateLoad {
                        election_id: id,
                        person_id,
                        body: b.as_str(),
                        post: p.seat.as_str(),
                        vetting: "passed",
                        refusal_reason: None,
                        vetted_on: Some(date::format(started)),
                        elected: true,
                    });
                }
            }
            store::insert_bulk(tx.conn(), &[], &candidates).await?;
            let persons: Vec<i64> = candidates.iter().map(|c| c.person_id).collect();
            reserve::mark_elected(tx.conn(), village.id, &persons, &date::format(finished)).await?;
            store::finish(
                tx.conn(),
                id,
                party_on.map(date::format).as_deref(),
                residents_on.map(date::format).as_deref(),
                &date::format(finished),
                &date::format(term_end(finished, &rules)),
            )
            .await?;
            super::election::keep_figures(tx.conn(), id, &village.path, &date::format(finished))
                .await?;
            if let Some(on) = party_on {
                // As the transaction reads it; none when the roster elects no secretary.
                let o = org::get(tx.conn(), village.id)
                    .await?
                    .map(Org::from)
                    .ok_or(ServiceError::NotFound)?;
                set_secretary(tx.conn(), actor, &o, secretary, &date::format(on)).await?;
            }
            if let Some((running, job)) = progress
                && let Ok(mut map) = running.lock()
            {
                map.insert(
                    job,
                    Progress {
                        done: i + 1,
                        total: villages,
                    },
                );
            }
        }
        tx.commit(
            actor,
            Entry::ok("committee.import", "org", root.id).detail(format!(
                "{what}：导入 {villages} 个村(社区)的两委成员 {} 人次",
                rows.len()
            )),
        )
        .await?;
        Ok(rows.len())
    }

    /// The registered person with this ID number (as `cadres::person::known` allows), or a
    /// new one (inside the caller's transaction).
    async fn person_for(
        &self,
        conn: &mut dangjian_store::Conn,
        actor: &Actor,
        d: &PersonDraft,
        village: &str,
    ) -> ServiceResult<i64> {
        let w = to_write(self.crypto(), d);
        if let Some(p) = person::by_id_index(conn, &w.id_index).await? {
            return Ok(known(conn, actor, p, &w, village).await?.id);
        }
        Ok(person::insert(conn, &w).await?)
    }
}
