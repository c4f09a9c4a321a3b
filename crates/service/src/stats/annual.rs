//! 党内统计年报: the annual statistical tables of a level's members and organizations, read
//! from the counters the registry keeps (nobody counts them again by hand), each member figure
//! with the member search that lists exactly whom it counts.

use std::collections::HashMap;

use dangjian_domain::bands::{
    AGE_BANDS, Band, Category, ETHNICITIES, Education, HAN, JOIN_PERIODS, MINORITY,
    PARTY_AGE_BANDS, Status, band_of,
};
use dangjian_domain::id_number::Gender;
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_store::rollup;
use serde::{Deserialize, Serialize};

use crate::orgs::Org;
use crate::{Actor, App, ServiceResult};

/// Which tables: a level and the year they are made for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AnnualQuery {
    /// The level (404 outside the caller's scope). Default: the caller's own.
    pub org: Option<i64>,
    /// The year whose joinings and confirmations are counted, 2000–2100; ages and party ages
    /// are reached in it. Default: this year.
    pub year: Option<i32>,
}

/// One figure of a table.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatLine {
    pub label: String,
    pub n: i64,
    /// The member search that lists whom it counts, as a query string for `/members` and
    /// `GET /api/v1/members` ("org=12&gender=female"); absent for a figure no list shows
    /// (organizations, flowing members) and for a reader who may not list members.
    pub list: Option<String>,
    /// For a figure of organizations: the organization list that holds what it counts, as a
    /// query string for `/orgs/list` and `GET /api/v1/orgs/list` ("org=12&kind=branch").
    pub orgs: Option<String>,
}

/// One table: a title and its figures, the first of which is usually the whole.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatTable {
    pub title: String,
    pub lines: Vec<StatLine>,
}

/// A child level's main figures, for the table by unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildStat {
    pub org: Org,
    pub members: i64,
    pub probationary: i64,
    pub women: i64,
    pub minority: i64,
    /// Aged 30 or less in the year.
    pub young: i64,
    /// 大专及以上.
    pub college: i64,
    /// Joined in the year.
    pub joined: i64,
}

/// The tables of a level for a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyStatistics {
    pub org: Org,
    /// The level named with its parents below the district.
    pub org_title: String,
    pub year: i32,
    /// Members (表一 onwards), then organizations.
    pub tables: Vec<StatTable>,
    /// The open children with members, in the tree's order.
    pub children: Vec<ChildStat>,
}

impl PartyStatistics {
    /// The whole registry of the level: the first figure of the first table.
    pub fn members(&self) -> i64 {
        self.tables
            .first()
            .and_then(|t| t.lines.first())
            .map_or(0, |l| l.n)
    }
}

/// Counters of one org: (metric, key) → n.
struct Counts(HashMap<(String, String), i64>);

impl Counts {
    fn get(&self, metric: &str, key: &str) -> i64 {
        self.0
            .get(&(metric.to_string(), key.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The sum over the keys (years) that fall in a band, `at` being the year reached when
    /// the band counts ages (`None`: the band holds the years themselves).
    fn in_band(&self, metric: &str, band: &Band, at: Option<i32>) -> i64 {
        self.0
            .iter()
            .filter(|((m, _), _)| m == metric)
            .filter_map(|((_, k), n)| Some((k.parse::<i32>().ok()?, *n)))
            .filter(|(y, _)| {
                let years = at.map_or(*y, |at| (at - y).max(0));
                band_of(std::slice::from_ref(band), years).is_some()
            })
            .map(|(_, n)| n)
            .sum()
    }

    fn minority(&self) -> i64 {
        self.0
            .iter()
            .filter(|((m, k), _)| m == rollup::MEMBER_ETHNICITY && k != HAN && !k.is_empty())
            .map(|(_, n)| n)
            .sum()
    }
}

/// Builds lines whose drill-down adds one filter to the level's own.
struct Lines<'a> {
    org_id: i64,
    may_list: bool,
    counts: &'a Counts,
}

impl Lines<'_> {
    fn line(&self, label: &str, n: i64, filter: Option<(&str, &str)>) -> StatLine {
        let list = self.may_list.then(|| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("org", &self.org_id.to_string());
            if let Some((k, v)) = filter {
                q.append_pair(k, v);
            }
            q.finish()
        });
        StatLine {
            label: label.to_string(),
            n,
            list,
            orgs: None,
        }
    }

    fn unlisted(&self, label: &str, n: i64) -> StatLine {
        StatLine {
            label: label.to_string(),
            n,
            list: None,
            orgs: None,
        }
    }

    /// A figure of organizations, with the list that holds them.
    fn orgs(&self, label: &str, n: i64, filter: Option<(&str, &str)>) -> StatLine {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("org", &self.org_id.to_string());
        if let Some((k, v)) = filter {
            q.append_pair(k, v);
        }
        StatLine {
            label: label.to_string(),
            n,
            list: None,
            orgs: Some(q.finish()),
        }
    }

    /// One line per value of a classification.
    fn each<T: Copy>(
        &self,
        metric: &str,
        field: &str,
        all: &[T],
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
    ) -> Vec<StatLine> {
        all.iter()
            .map(|v| {
                self.line(
                    label(*v),
                    self.counts.get(metric, code(*v)),
                    Some((field, code(*v))),
                )
            })
            .collect()
    }

    fn bands(&self, metric: &str, field: &str, bands: &[Band], at: Option<i32>) -> Vec<StatLine> {
        bands
            .iter()
            .map(|b| {
                self.line(
                    b.label,
                    self.counts.in_band(metric, b, at),
                    Some((field, b.code)),
                )
            })
            .collect()
    }
}

fn table(title: &str, lines: Vec<StatLine>) -> StatTable {
    StatTable {
        title: title.to_string(),
        lines,
    }
}

fn member_tables(l: &Lines, c: &Counts, year: i32) -> Vec<StatTable> {
    let total = c.get(rollup::MEMBER_TOTAL, "");
    let this_year = year.to_string();
    let mut overall = vec![
        l.line("党员总数", total, None),
        l.line(
            "正式党员",
            c.get(rollup::MEMBER_STATUS, Status::Full.as_str()),
            Some(("status", Status::Full.as_str())),
        ),
        l.line(
            "预备党员",
            c.get(rollup::MEMBER_STATUS, Status::Probationary.as_str()),
            Some(("status", Status::Probationary.as_str())),
        ),
        l.line(
            "女党员",
            c.get(rollup::MEMBER_GENDER, Gender::Female.as_str()),
            Some(("gender", Gender::Female.as_str())),
        ),
        l.line("少数民族党员", c.minority(), Some(("ethnicity", MINORITY))),
        l.unlisted("流动党员", c.get(rollup::MEMBER_FLOWING, "1")),
    ];
    overall.push(l.unlisted(
        &format!("{year} 年发展党员（入党）"),
        c.get(rollup::MEMBER_JOIN_YEAR, &this_year),
    ));
    overall.push(l.unlisted(
        &format!("{year} 年转为正式党员"),
        c.get(rollup::MEMBER_CONFIRM_YEAR, &this_year),
    ));
    let mut ethnic: Vec<StatLine> = ETHNICITIES
        .iter()
        .map(|e| (e, c.get(rollup::MEMBER_ETHNICITY, e)))
        .filter(|(e, n)| *n > 0 || **e == HAN)
        .map(|(e, n)| l.line(e, n, Some(("ethnicity", e))))
        .collect();
    ethnic.insert(
        1.min(ethnic.len()),
        l.line("少数民族合计", c.minority(), Some(("ethnicity", MINORITY))),
    );
    vec![
        table("表一 党员总体情况", overall),
        table(
            "表二 党员性别",
            l.each(
                rollup::MEMBER_GENDER,
                "gender",
                &Gender::ALL,
                Gender::as_str,
                Gender::label,
            ),
        ),
        table("表三 党员民族", ethnic),
        table(
            &format!("表四 党员年龄（{year} 年）"),
            l.bands(
                rollup::MEMBER_BIRTH_YEAR,
                "age_band",
                &AGE_BANDS,
                Some(year),
            ),
        ),
        table(
            "表五 党员学历",
            l.each(
                rollup::MEMBER_EDUCATION,
                "education",
                Education::ALL,
                Education::as_str,
                Education::label,
            ),
        ),
        table(
            "表六 党员职业（类别）",
            l.each(
                rollup::MEMBER_CATEGORY,
                "category",
                Category::ALL,
                Category::as_str,
                Category::label,
            ),
        ),
        table(
            &format!("表七 党龄（{year} 年，正式党员）"),
            l.bands(
                rollup::MEMBER_CONFIRM_YEAR,
                "party_age_band",
                &PARTY_AGE_BANDS,
                Some(year),
            ),
        ),
        table(
            "表八 入党时间",
            l.bands(rollup::MEMBER_JOIN_YEAR, "joined", &JOIN_PERIODS, None),
        ),
    ]
}

fn org_tables(l: &Lines, c: &Counts) -> Vec<StatTable> {
    let grassroots: Vec<OrgKind> = OrgKind::ALL
        .iter()
        .copied()
        .filter(|k| k.is_grassroots())
        .collect();
    let mut by_kind = vec![
        l.orgs(
            "基层党组织总数",
            grassroots
                .iter()
                .map(|k| c.get(rollup::ORG_KIND, k.as_str()))
                .sum(),
            None,
        ),
    ];
    by_kind.extend(grassroots.iter().map(|k| {
        l.orgs(
            k.label(),
            c.get(rollup::ORG_KIND, k.as_str()),
            Some(("kind", k.as_str())),
        )
    }));
    let by_owner = OrgOwner::ALL
        .iter()
        .map(|o| {
            l.orgs(
                o.label(),
                c.get(rollup::ORG_OWNER, o.as_str()),
                Some(("owner", o.as_str())),
            )
        })
        .collect();
    vec![
        table("表九 基层党组织（按类型）", by_kind),
        table("表十 基层党组织（按所在单位）", by_owner),
    ]
}

impl App {
    /// The annual tables of a level, for whoever reads the level; the figures' lists are
    /// offered to those who may list its members.
    pub async fn party_statistics(
        &self,
        actor: &Actor,
        q: &AnnualQuery,
    ) -> ServiceResult<PartyStatistics> {
        let org = self.list_root(actor, q.org).await?;
        let year = crate::book::year_of(q.year)?;
        let org_title = self.org_title(actor, &org).await?;
        let children = self.org_children(actor, org.id).await?;
        let mut conn = self.db.conn().await?;
        let own = Counts(
            rollup::for_org(&mut conn, org.id)
                .await?
                .into_iter()
                .map(|(m, k, n)| ((m, k), n))
                .collect(),
        );
        let mut by_child: HashMap<i64, Counts> = HashMap::new();
        let metrics = [
            rollup::MEMBER_TOTAL,
            rollup::MEMBER_STATUS,
            rollup::MEMBER_GENDER,
            rollup::MEMBER_ETHNICITY,
            rollup::MEMBER_BIRTH_YEAR,
            rollup::MEMBER_EDUCATION,
            rollup::MEMBER_JOIN_YEAR,
        ];
        for (id, metric, key, n) in rollup::for_children_of(&mut conn, org.id, &metrics).await? {
            by_child
                .entry(id)
                .or_insert_with(|| Counts(HashMap::new()))
                .0
                .insert((metric, key), n);
        }
        drop(conn);
        let lines = Lines {
            org_id: org.id,
            may_list: crate::members::policy::can_list_particulars(actor, &org.path),
            counts: &own,
        };
        let mut tables = member_tables(&lines, &own, year);
        tables.extend(org_tables(&lines, &own));
        let young = AGE_BANDS[0];
        let college = [
            Education::College,
            Education::Bachelor,
            Education::Postgraduate,
        ];
        let empty = Counts(HashMap::new());
        let children = children
            .into_iter()
            .filter(|c| c.org.closed_on.is_none() && c.members > 0)
            .map(|c| {
                let k = by_child.get(&c.org.id).unwrap_or(&empty);
                ChildStat {
                    members: k.get(rollup::MEMBER_TOTAL, ""),
                    probationary: k.get(rollup::MEMBER_STATUS, Status::Probationary.as_str()),
                    women: k.get(rollup::MEMBER_GENDER, Gender::Female.as_str()),
                    minority: k.minority(),
                    young: k.in_band(rollup::MEMBER_BIRTH_YEAR, &young, Some(year)),
                    college: college
                        .iter()
                        .map(|e| k.get(rollup::MEMBER_EDUCATION, e.as_str()))
                        .sum(),
                    joined: k.get(rollup::MEMBER_JOIN_YEAR, &year.to_string()),
                    org: c.org,
                }
            })
            .collect();
        Ok(PartyStatistics {
            org,
            org_title,
            year,
            tables,
            children,
        })
    }

    /// The tables as a file (xlsx or PDF): the same figures, audited as an export.
    pub async fn export_party_statistics(
        &self,
        actor: &Actor,
        q: &AnnualQuery,
    ) -> ServiceResult<PartyStatistics> {
        let s = self.party_statistics(actor, q).await?;
        let rows = s.tables.iter().map(|t| t.lines.len()).sum::<usize>() + s.children.len();
        self.audit_export(actor, "党内统计年报", s.org.id, rows, None)
            .await?;
        Ok(s)
    }
}
