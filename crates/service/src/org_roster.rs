//! Rosters of organizations: a town sets up its branches and grid groups from a spreadsheet
//! instead of one form at a time. A row names its parent by code, either an org already in
//! the tree under the one the roster goes into or another row of the file; the rows are
//! written parents first, in one transaction.

use std::collections::{HashMap, HashSet};

use dangjian_domain::FieldError;
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_report::roster::{self, Row};
use dangjian_store::org;

use crate::audit::Entry;
use crate::import::{Checked, MAX_ROWS, Progress, RowErrors, Running};
use crate::orgs::Org;
use crate::orgs::{OrgInput, ValidOrg, check_org};
use crate::{Actor, App, ServiceError, ServiceResult};

pub const ORG_SHEET: &str = "组织名册";

/// The roster's columns: the header people see and the org field it fills.
pub const ORG_COLUMNS: [(&str, &str); 7] = [
    ("组织名称", "name"),
    ("组织代码", "code"),
    ("上级组织代码", "parent_code"),
    ("组织类型", "kind"),
    ("所属单位类型", "owner"),
    ("书记", "secretary"),
    ("成立日期", "opened_on"),
];

pub const ORG_NOTES: [&str; 8] = [
    "填写说明",
    "1. 第 1 行为表头，请勿修改、合并或删除；每行填写一个党组织，从第 2 行开始。",
    "2. 组织代码由字母、数字和“-”组成，最多 32 位，不能与已有组织或本文件其他行重复。",
    "3. 上级组织代码：填写已有党组织的代码，或本文件中另一行的组织代码；不填时设在所选党组织之下。上级组织须在您的管辖范围内且未撤销。",
    "4. 组织类型：党委、党总支、党支部、联合支部、党小组、网格党小组（镇街党(工)委只能设在区委之下）。党支部下只能设党小组、网格党小组。",
    "5. 所属单位类型：村、社区、机关、事业单位、非公企业、社会组织，可不填。",
    "6. 成立日期可写作 2021-07-01、2021/7/1 或 2021年7月1日，不填为今天。",
    "7. 请勿使用公式；一次最多导入 100000 行，文件不超过 20 MB。",
];

/// A checked row: the org and where its parent is.
#[derive(Debug, Clone)]
pub struct PlannedOrg {
    pub line: u32,
    pub org: ValidOrg,
    pub parent: Parent,
    /// Rows of the file between it and the tree (0 for a parent already in the tree).
    pub depth: usize,
}

#[derive(Debug, Clone)]
pub enum Parent {
    Existing(Org),
    InFile(String),
}

fn header_of(field: &str) -> &'static str {
    let field = match field {
        "parent_id" => "parent_code",
        f => f,
    };
    ORG_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("", |(h, _)| h)
}

fn col(field: &str) -> usize {
    ORG_COLUMNS
        .iter()
        .position(|(_, f)| *f == field)
        .unwrap_or(0)
}

/// The kind a person writes (its label, or the code the API uses).
fn kind_text(cell: &str) -> String {
    OrgKind::ALL
        .into_iter()
        .find(|k| k.label() == cell || k.as_str() == cell)
        .map_or_else(|| cell.to_string(), |k| k.as_str().to_string())
}

fn owner_text(cell: &str) -> String {
    match cell {
        "" | "—" | "-" | "无" => String::new(),
        c => OrgOwner::ALL
            .into_iter()
            .find(|o| o.label() == c || o.as_str() == c)
            .map_or_else(|| c.to_string(), |o| o.as_str().to_string()),
    }
}

/// What checking a roster of orgs needs besides the rows.
struct Context {
    root: Org,
    /// The orgs of the root's subtree (the root too) by code, closed ones included.
    existing: HashMap<String, Org>,
    /// Codes of the file already used anywhere in the district.
    taken: HashSet<String>,
}

/// A row read on its own, before its parent is looked at.
struct Draft {
    row: Row,
    problems: Vec<(String, String)>,
    org: Option<ValidOrg>,
    /// The code as written, so that children of a refused row hear why.
    code: String,
    parent_code: String,
}

enum Status {
    Unknown,
    Valid(usize),
    Invalid,
}

fn read_row(ctx: &Context, row: Row, seen: &mut HashMap<String, u32>) -> Draft {
    let mut problems: Vec<(String, String)> = row
        .formulas
        .iter()
        .map(|c| {
            (
                ORG_COLUMNS.get(*c).map_or("", |x| x.0).to_string(),
                "单元格含公式，请改为直接填写内容".to_string(),
            )
        })
        .collect();
    let cell = |f: &str| row.cells.get(col(f)).cloned().unwrap_or_default();
    let input = OrgInput {
        kind: kind_text(&cell("kind")),
        owner: owner_text(&cell("owner")),
        name: cell("name"),
        code: cell("code"),
        secretary: cell("secretary"),
        opened_on: roster::loose_date(&cell("opened_on")),
    };
    let org = match check_org(&input, None) {
        Ok(o) => Some(o),
        Err(errs) => {
            for FieldError { field, message, .. } in errs {
                let message = if field == "kind" && !input.kind.is_empty() {
                    "组织类型不在可选范围内（党委、党总支、党支部、联合支部、党小组、网格党小组）"
                        .to_string()
                } else {
                    message
                };
                problems.push((header_of(field).to_string(), message));
            }
            None
        }
    };
    if let Some(o) = &org {
        if ctx.taken.contains(&o.code) {
            problems.push(("组织代码".into(), "该组织代码已被使用".into()));
        } else if let Some(first) = seen.get(&o.code) {
            problems.push(("组织代码".into(), format!("与第 {first} 行的组织代码重复")));
        } else {
            seen.insert(o.code.clone(), row.line);
        }
    }
    Draft {
        code: cell("code"),
        parent_code: cell("parent_code"),
        row,
        problems,
        org,
    }
}

/// Checks each row, then each row's parent: rows whose parent row is refused are refused
/// too, and rows that are each other's parents are a loop.
fn check_rows(ctx: &Context, rows: Vec<Row>) -> (Vec<PlannedOrg>, Vec<RowErrors>) {
    let mut seen = HashMap::new();
    let mut drafts: Vec<Draft> = rows
        .into_iter()
        .map(|r| read_row(ctx, r, &mut seen))
        .collect();
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        by_code.entry(d.code.as_str()).or_insert(i);
    }
    let by_code: HashMap<String, usize> = by_code
        .into_iter()
        .filter(|(code, _)| !code.is_empty())
        .map(|(code, i)| (code.to_string(), i))
        .collect();
    let mut status: Vec<Status> = drafts
        .iter()
        .map(|d| {
            if d.problems.is_empty() && d.org.is_some() {
                Status::Unknown
            } else {
                Status::Invalid
            }
        })
        .collect();
    let mut parents: Vec<Option<Parent>> = vec![None; drafts.len()];
    loop {
        let mut changed = false;
        for i in 0..drafts.len() {
            if !matches!(status[i], Status::Unknown) {
                continue;
            }
            let Some(kind) = drafts[i].org.as_ref().map(|o| o.kind) else {
                continue;
            };
            let code = drafts[i].parent_code.clone();
            let verdict: Result<(usize, Parent), String> = if code.is_empty() {
                fits(&ctx.root, kind).map(|()| (0, Parent::Existing(ctx.root.clone())))
            } else if let Some(p) = ctx.existing.get(&code) {
                fits(p, kind).map(|()| (0, Parent::Existing(p.clone())))
            } else if let Some(&j) = by_code.get(&code) {
                match (&status[j], drafts[j].org.as_ref()) {
                    (Status::Unknown, _) => continue,
                    (Status::Valid(d), Some(p)) if p.kind.may_contain(kind) => {
                        Ok((d + 1, Parent::InFile(code)))
                    }
                    (Status::Valid(_), Some(p)) => {
                        Err(format!("{}下不能设立{}", p.kind.label(), kind.label()))
                    }
                    _ => Err(format!(
                        "上级组织（第 {} 行）有误，请先修正该行",
                        drafts[j].row.line
                    )),
                }
            } else {
                Err("上级组织代码不存在、不在管辖范围内，也不在本文件中".into())
            };
            changed = true;
            match verdict {
                Ok((depth, parent)) => {
                    status[i] = Status::Valid(depth);
                    parents[i] = Some(parent);
                }
                Err(message) => {
                    status[i] = Status::Invalid;
                    drafts[i].problems.push(("上级组织代码".into(), message));
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for ((mut d, s), parent) in drafts.into_iter().zip(status).zip(parents) {
        match (s, d.org, parent) {
            (Status::Valid(depth), Some(org), Some(parent)) => valid.push(PlannedOrg {
                line: d.row.line,
                org,
                parent,
                depth,
            }),
            (s, _, _) => {
                if matches!(s, Status::Unknown) {
                    d.problems.push((
                        "上级组织代码".into(),
                        "上级组织代码形成循环（互为上级）".into(),
                    ));
                }
                invalid.push(RowErrors {
                    line: d.row.line,
                    cells: d.row.cells,
                    problems: d.problems,
                });
            }
        }
    }
    // Parents before children; within a level, the file's order.
    valid.sort_by_key(|p| (p.depth, p.line));
    (valid, invalid)
}

/// Whether an org of `kind` may be set up under the existing `parent`.
fn fits(parent: &Org, kind: OrgKind) -> Result<(), String> {
    if parent.closed_on.is_some() {
        return Err(format!("上级组织“{}”已撤销", parent.name));
    }
    let parent_kind = OrgKind::parse(&parent.kind).ok_or("上级组织类型未知")?;
    if parent_kind.may_contain(kind) {
        Ok(())
    } else {
        Err(format!("{}下不能设立{}", parent_kind.label(), kind.label()))
    }
}

impl App {
    /// The empty roster of orgs with its notes.
    pub fn org_template(&self) -> ServiceResult<Vec<u8>> {
        let headers: Vec<&str> = ORG_COLUMNS.iter().map(|(h, _)| *h).collect();
        roster::write(ORG_SHEET, &headers, &[], &ORG_NOTES)
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
    }

    /// Reads and checks a roster of orgs to set up under `root`, against the tree as it is now.
    pub(crate) async fn check_org_roster(
        &self,
        root: &Org,
        bytes: Vec<u8>,
    ) -> ServiceResult<Checked<PlannedOrg>> {
        let rows = tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = ORG_COLUMNS.iter().map(|(h, _)| *h).collect();
            roster::read(&bytes, ORG_SHEET, &headers, MAX_ROWS)
                .map_err(|e| ServiceError::field("file", "bad_file", e.message()))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("roster read: {e}")))??;
        if rows.is_empty() {
            return Err(ServiceError::field("file", "empty", "名册中没有党组织数据"));
        }
        let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
        let codes: Vec<String> = rows
            .iter()
            .filter_map(|r| r.cells.get(col("code")))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let mut conn = self.db.conn().await?;
        let mut existing: HashMap<String, Org> = org::in_subtree_all(&mut conn, &root.path, &kinds)
            .await?
            .into_iter()
            .map(|o| (o.code.clone(), Org::from(o)))
            .collect();
        existing.insert(root.code.clone(), root.clone());
        let taken = org::existing_codes(&mut conn, &codes).await?;
        drop(conn);
        let ctx = Context {
            root: root.clone(),
            existing,
            taken,
        };
        let total = rows.len();
        let (valid, invalid) = tokio::task::spawn_blocking(move || check_rows(&ctx, rows))
            .await
            .map_err(|e| ServiceError::Internal(format!("roster check: {e}")))?;
        Ok(Checked {
            total,
            valid,
            invalid,
        })
    }

    /// Sets up checked orgs, parents first, in one transaction; audited once.
    pub(crate) async fn write_orgs(
        &self,
        actor: &Actor,
        root: &Org,
        what: &str,
        rows: &[PlannedOrg],
        progress: Option<(&Running, i64)>,
    ) -> ServiceResult<usize> {
        let mut tx = self.begin_audited().await?;
        let mut made: HashMap<&str, Org> = HashMap::new();
        let total = rows.len();
        for (i, p) in rows.iter().enumerate() {
            let parent = match &p.parent {
                Parent::Existing(o) => o.clone(),
                Parent::InFile(code) => made
                    .get(code.as_str())
                    .cloned()
                    .ok_or_else(|| ServiceError::Internal(format!("parent {code} not written")))?,
            };
            let row = self
                .insert_org(tx.conn(), actor, &parent, &p.org)
                .await
                .map_err(|e| match e {
                    ServiceError::Invalid(_) => ServiceError::field(
                        "file",
                        "duplicate",
                        format!(
                            "第 {} 行：组织代码 {} 在导入期间已被使用，请重新检查后导入",
                            p.line, p.org.code
                        ),
                    ),
                    other => other,
                })?;
            made.insert(p.org.code.as_str(), row);
            if let Some((running, id)) = progress
                && (i + 1) % 100 == 0
                && let Ok(mut map) = running.lock()
            {
                map.insert(id, Progress { done: i + 1, total });
            }
        }
        tx.commit(
            actor,
            Entry::ok("org.import", "org", root.id)
                .detail(format!("{what}：在{}下设立 {total} 个党组织", root.name)),
        )
        .await?;
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, path: &str, kind: OrgKind, code: &str, closed: bool) -> Org {
        Org {
            id,
            parent_id: None,
            path: path.into(),
            depth: 0,
            kind: kind.as_str().into(),
            owner: "none".into(),
            name: format!("组织{id}"),
            code: code.into(),
            secretary: None,
            opened_on: "2020-01-01".into(),
            closed_on: closed.then(|| "2024-01-01".into()),
        }
    }

    /// A town with one open and one closed branch; the codes "TAKEN" is used elsewhere.
    fn ctx() -> Context {
        let root = org(2, "/1/2/", OrgKind::TownCommittee, "T", false);
        let open = org(3, "/1/2/3/", OrgKind::Branch, "B-OPEN", false);
        let closed = org(4, "/1/2/4/", OrgKind::Branch, "B-CLOSED", true);
        Context {
            existing: [&root, &open, &closed]
                .into_iter()
                .map(|o| (o.code.clone(), o.clone()))
                .collect(),
            root,
            taken: ["TAKEN".to_string()].into(),
        }
    }

    fn row(line: u32, cells: [&str; 7]) -> Row {
        Row {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
            formulas: Vec::new(),
            numbers: Vec::new(),
        }
    }

    fn problems(invalid: &[RowErrors], line: u32) -> Vec<String> {
        invalid
            .iter()
            .find(|r| r.line == line)
            .map(|r| {
                r.problems
                    .iter()
                    .map(|p| format!("{}：{}", p.0, p.1))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn parents_in_the_file_are_written_first_whatever_the_order() {
        let rows = vec![
            row(2, ["一组", "G1", "C1", "党小组", "", "", ""]),
            row(
                3,
                ["一支部", "C1", "P1", "党支部", "村", "张三", "2021/7/1"],
            ),
            row(4, ["某党委", "P1", "", "党委", "", "", ""]),
        ];
        let (valid, invalid) = check_rows(&ctx(), rows);
        assert!(invalid.is_empty(), "{invalid:?}");
        let order: Vec<&str> = valid.iter().map(|p| p.org.code.as_str()).collect();
        assert_eq!(order, ["P1", "C1", "G1"]);
        let c1 = &valid[1];
        assert!(matches!(&c1.parent, Parent::InFile(c) if c == "P1"));
        assert_eq!(c1.org.opened_on, "2021-07-01");
        assert_eq!(c1.org.owner, OrgOwner::Village);
        assert!(matches!(&valid[0].parent, Parent::Existing(o) if o.code == "T"));
    }

    #[test]
    fn a_branch_cannot_hold_a_branch() {
        let rows = vec![row(2, ["二支部", "C2", "B-OPEN", "党支部", "", "", ""])];
        let (valid, invalid) = check_rows(&ctx(), rows);
        assert!(valid.is_empty());
        assert_eq!(
            problems(&invalid, 2),
            ["上级组织代码：党支部下不能设立党支部"]
        );
    }

    #[test]
    fn refused_parents_refuse_their_children_and_loops_are_named() {
        let rows = vec![
            row(2, ["甲", "A", "B", "党委", "", "", ""]),
            row(3, ["乙", "B", "A", "党委", "", "", ""]),
            row(4, ["丙", "C", "", "不存在的类型", "", "", ""]),
            row(5, ["丁", "D", "C", "党支部", "", "", ""]),
            row(6, ["戊", "E", "B-CLOSED", "党小组", "", "", ""]),
            row(7, ["己", "F", "NOWHERE", "党支部", "", "", ""]),
            row(8, ["庚", "TAKEN", "", "党支部", "", "", ""]),
            row(9, ["辛", "G", "", "党支部", "", "", "2999-01-01"]),
            row(10, ["壬", "H", "", "党支部", "", "", ""]),
            row(11, ["癸", "H", "", "党支部", "", "", ""]),
        ];
        let (valid, invalid) = check_rows(&ctx(), rows);
        assert_eq!(valid.len(), 1, "only row 10 is fine");
        assert_eq!(valid[0].line, 10);
        for line in [2, 3] {
            assert_eq!(
                problems(&invalid, line),
                ["上级组织代码：上级组织代码形成循环（互为上级）"]
            );
        }
        assert!(problems(&invalid, 4)[0].starts_with("组织类型："));
        assert!(problems(&invalid, 4)[0].contains("不在可选范围内"));
        assert_eq!(
            problems(&invalid, 5),
            ["上级组织代码：上级组织（第 4 行）有误，请先修正该行"]
        );
        assert_eq!(
            problems(&invalid, 6),
            ["上级组织代码：上级组织“组织4”已撤销"]
        );
        assert_eq!(
            problems(&invalid, 7),
            ["上级组织代码：上级组织代码不存在、不在管辖范围内，也不在本文件中"]
        );
        assert_eq!(problems(&invalid, 8), ["组织代码：该组织代码已被使用"]);
        assert!(problems(&invalid, 9)[0].starts_with("成立日期："));
        assert_eq!(
            problems(&invalid, 11),
            ["组织代码：与第 10 行的组织代码重复"]
        );
    }

    #[test]
    fn formulas_are_refused() {
        let mut r = row(2, ["甲", "A", "", "党委", "", "", ""]);
        r.formulas.push(0);
        let (valid, invalid) = check_rows(&ctx(), vec![r]);
        assert!(valid.is_empty());
        assert_eq!(
            problems(&invalid, 2),
            ["组织名称：单元格含公式，请改为直接填写内容"]
        );
    }
}
