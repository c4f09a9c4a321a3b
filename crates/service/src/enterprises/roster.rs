//! The register from a spreadsheet (非公企业和社会组织名册): a town that kept its units in
//! a spreadsheet registers them all at once. Each row goes through the same checks as the
//! form (`enterprise_write`), so a row is refused for what the form would refuse, named by
//! its column; rows that contradict each other (one credit code twice, one organization
//! the own one of two units, a joint one past its maximum) are refused by line. The valid
//! rows are written in one transaction, audited once.

use std::collections::HashMap;

use dangjian_domain::enterprises::OrgSetup;
use dangjian_report::roster::{self, Row};
use dangjian_store::enterprises::register::{self as store, EnterpriseWrite};

use super::register::EnterpriseInput;
use crate::audit::Entry;
use crate::import::{Checked, MAX_ROWS, Progress, RowErrors, Running};
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

pub const ENTERPRISE_SHEET: &str = "非公企业和社会组织名册";

/// The roster's columns: the header people see and the field of the form it fills.
pub const ENTERPRISE_COLUMNS: [(&str, &str); 14] = [
    ("所在组织代码", "org_id"),
    ("单位名称", "name"),
    ("统一社会信用代码", "credit_code"),
    ("类别", "kind"),
    ("所属行业", "industry"),
    ("规模", "size"),
    ("从业人员数", "staff"),
    ("地址", "address"),
    ("是否在营", "operating"),
    ("党组织组建方式", "org_setup"),
    ("党组织代码", "party_org_id"),
    ("组织关系在外的党员数", "members_elsewhere"),
    ("是否建立工会", "has_union"),
    ("是否建立团组织", "has_youth_league"),
];

pub const ENTERPRISE_NOTES: [&str; 8] = [
    "填写说明",
    "1. 第 1 行为表头，请勿修改、合并或删除；每行填写一个非公企业或社会组织，从第 2 行开始。",
    "2. 所在组织代码：单位所在镇街或村(社区)党组织的代码，须在所选组织之下。",
    "3. 统一社会信用代码：18 位，含校验位；已登记的单位不能重复导入，请在单位页面修改。",
    "4. 类别：非公企业或社会组织。规模：大型、中型、小型、微型。所属行业从区委组织部设定的行业中选填。",
    "5. 党组织组建方式：单独组建、联合组建或未建立。单独组建、联合组建须填党组织代码（单独组建的须是本单位的党组织，联合组建的一个党组织覆盖的单位有上限）；未建立的不填。",
    "6. 是否在营、是否建立工会、是否建立团组织填“是”或“否”；是否在营不填为“是”，其余不填为“否”。组织关系在外的党员数不填为 0。",
    "7. 请勿使用公式；有误的行不导入，可下载错误报告改正后重新导入。一次最多导入 100000 行，文件不超过 20 MB。",
];

fn col(field: &str) -> usize {
    ENTERPRISE_COLUMNS
        .iter()
        .position(|(_, f)| *f == field)
        .unwrap_or(0)
}

fn header_of(field: &str) -> String {
    ENTERPRISE_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("", |(h, _)| h)
        .to_string()
}

/// A yes-or-no cell: empty is the default.
fn yes_no(cell: &str, default: bool) -> Option<bool> {
    match cell.trim() {
        "" => Some(default),
        "是" | "有" | "在营" | "Y" | "y" | "1" => Some(true),
        "否" | "无" | "停业" | "N" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// A count cell: empty is none.
fn count(cell: &str) -> Result<Option<i64>, ()> {
    match cell.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| ()),
    }
}

/// A checked row: the unit as it will be written.
#[derive(Debug, Clone)]
pub(crate) struct PlannedUnit {
    pub(crate) line: u32,
    pub(crate) unit: EnterpriseWrite,
}

/// The places rows name by code, read once per code.
struct Codes<'a> {
    app: &'a App,
    actor: &'a Actor,
    known: HashMap<String, Option<Org>>,
}

impl Codes<'_> {
    /// The organization with this code the reader sees, if any.
    async fn get(&mut self, code: &str) -> ServiceResult<Option<Org>> {
        let code = code.trim();
        if code.is_empty() {
            return Ok(None);
        }
        if let Some(o) = self.known.get(code) {
            return Ok(o.clone());
        }
        let o = match self.app.org_by_code(self.actor, code).await {
            Ok(o) => Some(o),
            Err(ServiceError::NotFound | ServiceError::Forbidden(_)) => None,
            Err(e) => return Err(e),
        };
        self.known.insert(code.to_string(), o.clone());
        Ok(o)
    }
}

impl App {
    /// The empty register roster with its notes.
    pub fn enterprise_template(&self) -> ServiceResult<Vec<u8>> {
        let headers: Vec<&str> = ENTERPRISE_COLUMNS.iter().map(|(h, _)| *h).collect();
        roster::write(ENTERPRISE_SHEET, &headers, &[], &ENTERPRISE_NOTES)
            .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))
    }

    /// Reads and checks a register roster for the units below `root`.
    pub(crate) async fn check_enterprise_roster(
        &self,
        actor: &Actor,
        root: &Org,
        bytes: Vec<u8>,
    ) -> ServiceResult<Checked<PlannedUnit>> {
        let rows = tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = ENTERPRISE_COLUMNS.iter().map(|(h, _)| *h).collect();
            roster::read(&bytes, ENTERPRISE_SHEET, &headers, MAX_ROWS)
                .map_err(|e| ServiceError::field("file", "bad_file", e.message()))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("roster read: {e}")))??;
        if rows.is_empty() {
            return Err(ServiceError::field("file", "empty", "名册中没有单位数据"));
        }
        let rules = self.enterprise_rules().await?;
        let mut codes = Codes {
            app: self,
            actor,
            known: HashMap::new(),
        };
        let mut conn = self.db.conn().await?;
        let total = rows.len();
        let mut valid = Vec::new();
        let mut invalid = Vec::new();
        // What earlier rows of the file take: credit codes, own organizations, joint places.
        let mut credit: HashMap<String, u32> = HashMap::new();
        let mut own: HashMap<i64, u32> = HashMap::new();
        let mut joint: HashMap<i64, i64> = HashMap::new();
        for row in &rows {
            let refuse = |problems: Vec<(String, String)>| RowErrors {
                line: row.line,
                cells: row.cells.clone(),
                problems,
            };
            let (input, mut problems) = self.read_row(&mut codes, root, row).await?;
            if !problems.is_empty() {
                invalid.push(refuse(problems));
                continue;
            }
            let w = match self
                .enterprise_write(&mut conn, actor, &input, &rules, None)
                .await
            {
                Ok(w) => w,
                Err(ServiceError::Invalid(errs)) => {
                    let named = errs.into_iter().map(|e| (header_of(e.field), e.message));
                    invalid.push(refuse(named.collect()));
                    continue;
                }
                Err(ServiceError::Forbidden(m)) => {
                    invalid.push(refuse(vec![(header_of("org_id"), m.to_string())]));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if let Some(first) = credit.get(&w.credit_code) {
                problems.push((header_of("credit_code"), format!("与第 {first} 行重复")));
            }
            match (OrgSetup::parse(w.org_setup), w.party_org_id) {
                (Some(OrgSetup::Own), Some(p)) => {
                    if let Some(first) = own.get(&p) {
                        problems.push((
                            header_of("party_org_id"),
                            format!("该党组织已是第 {first} 行单位单独组建的党组织"),
                        ));
                    }
                }
                (Some(OrgSetup::Joint), Some(p)) => {
                    let before = match joint.get(&p) {
                        Some(n) => *n,
                        None => store::joint_count(&mut conn, p, None).await?,
                    };
                    match rules.check_joint(before) {
                        Ok(()) => {
                            joint.insert(p, before + 1);
                        }
                        Err(e) => problems.push((header_of("party_org_id"), e.message)),
                    }
                }
                _ => {}
            }
            if !problems.is_empty() {
                invalid.push(refuse(problems));
                continue;
            }
            credit.insert(w.credit_code.clone(), row.line);
            if w.org_setup == OrgSetup::Own.as_str()
                && let Some(p) = w.party_org_id
            {
                own.insert(p, row.line);
            }
            valid.push(PlannedUnit {
                line: row.line,
                unit: w,
            });
        }
        Ok(Checked {
            total,
            valid,
            invalid,
        })
    }

    /// A row as the form's input, or the problems of its cells the form cannot see (formulas,
    /// codes outside the root, unreadable yes-or-no and counts).
    async fn read_row(
        &self,
        codes: &mut Codes<'_>,
        root: &Org,
        row: &Row,
    ) -> ServiceResult<(EnterpriseInput, Vec<(String, String)>)> {
        let mut problems: Vec<(String, String)> = row
            .formulas
            .iter()
            .map(|c| {
                (
                    ENTERPRISE_COLUMNS.get(*c).map_or("", |x| x.0).to_string(),
                    "单元格含公式，请改为直接填写内容".to_string(),
                )
            })
            .collect();
        let cell = |f: &str| row.cells.get(col(f)).cloned().unwrap_or_default();
        let mut problem =
            |field: &str, message: &str| problems.push((header_of(field), message.to_string()));
        let place = codes
            .get(&cell("org_id"))
            .await?
            .filter(|o| dangjian_domain::path::contains(&root.path, &o.path));
        if place.is_none() {
            problem("org_id", "不是所选组织之下的镇街或村(社区)党组织代码");
        }
        let mut flag = |field: &str, default: bool| {
            yes_no(&cell(field), default).unwrap_or_else(|| {
                problem(field, "请填写“是”或“否”");
                default
            })
        };
        let operating = flag("operating", true);
        let has_union = flag("has_union", false);
        let has_youth_league = flag("has_youth_league", false);
        let mut number = |field: &str| {
            count(&cell(field)).unwrap_or_else(|()| {
                problem(field, "请填写整数");
                None
            })
        };
        let staff = number("staff");
        let members_elsewhere = number("members_elsewhere");
        let input = EnterpriseInput {
            org_id: place.map_or(0, |o| o.id),
            name: cell("name"),
            credit_code: cell("credit_code"),
            kind: cell("kind"),
            industry: cell("industry"),
            size: cell("size"),
            staff,
            address: cell("address"),
            operating: Some(operating),
            org_setup: cell("org_setup"),
            party_org_id: None,
            party_org_code: cell("party_org_id"),
            members_elsewhere,
            has_union,
            has_youth_league,
        };
        Ok((input, problems))
    }

    /// Writes the checked units in one transaction; audited once.
    pub(crate) async fn write_enterprises(
        &self,
        actor: &Actor,
        root: &Org,
        what: &str,
        rows: &[PlannedUnit],
        progress: Option<(&Running, i64)>,
    ) -> ServiceResult<usize> {
        let mut tx = self.begin_audited().await?;
        for (i, p) in rows.iter().enumerate() {
            store::insert(tx.conn(), &p.unit, actor.user_id)
                .await
                .map_err(|e| match e {
                    dangjian_store::StoreError::Duplicate(_) => ServiceError::field(
                        "file",
                        "duplicate",
                        format!(
                            "第 {} 行的单位或其党组织在导入期间已被登记，请重新检查后导入",
                            p.line
                        ),
                    ),
                    other => other.into(),
                })?;
            if let Some((running, job)) = progress
                && (i + 1) % 100 == 0
                && let Ok(mut map) = running.lock()
            {
                map.insert(
                    job,
                    Progress {
                        done: i + 1,
                        total: rows.len(),
                    },
                );
            }
        }
        tx.commit(
            actor,
            Entry::ok("enterprise.import", "org", root.id)
                .detail(format!("{what}：登记 {} 个单位", rows.len())),
        )
        .await?;
        Ok(rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_and_counts_read_as_people_write_them() {
        assert_eq!(yes_no("", true), Some(true));
        assert_eq!(yes_no("", false), Some(false));
        assert_eq!(yes_no("是", false), Some(true));
        assert_eq!(yes_no("否", true), Some(false));
        assert_eq!(yes_no("也许", true), None);
        assert_eq!(count(""), Ok(None));
        assert_eq!(count("12"), Ok(Some(12)));
        assert_eq!(count("十二"), Err(()));
    }

    #[test]
    fn every_column_is_a_field_of_the_form() {
        assert_eq!(header_of("credit_code"), "统一社会信用代码");
        assert_eq!(col("has_youth_league"), ENTERPRISE_COLUMNS.len() - 1);
        let fields: Vec<&str> = ENTERPRISE_COLUMNS.iter().map(|(_, f)| *f).collect();
        let mut unique = fields.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), fields.len());
    }
}
