//! 提拔使用 pages. The cadres promoted below a level, 50 a page, latest first, filtered by
//! year and the work they were recognised for, with the counts by year and work above the
//! list and the form that records a promotion (`may_keep`: the read model's flag, never the
//! page's own decision). The list exports as xlsx.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::talent::{
    Promotion, PromotionCount, PromotionInput, PromotionList, PromotionQuery,
};
use serde::Deserialize;

use super::residents::{MemberPick, chosen};
use super::talents::{age_of, education_label, gender_label};
use super::{NAV, PersonFields, PersonForm, Tab, org_choices, stray, tabs, today_text, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PageQuery};
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager};

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    year: String,
    work: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> PromotionQuery {
        PromotionQuery {
            org: parse_id(&self.org),
            year: parse_id(&self.year).filter(|y| (1000..=9999).contains(y)),
            work: typed(&self.work),
            page: parse_id(&self.page),
        }
    }
}

/// A count of the table above the list, with the link to the promotions it counts.
pub struct CountCell {
    n: i64,
    href: String,
}

/// A year of the counts: one cell per work, and the year's total.
pub struct CountRow {
    year: i64,
    cells: Vec<CountCell>,
    total: CountCell,
}

/// The promotions by year and work: the works as columns (the district's list, then any
/// work no longer on it that was recorded before), the years as rows, latest first.
pub struct CountTable {
    works: Vec<String>,
    rows: Vec<CountRow>,
    totals: Vec<i64>,
    total: i64,
}

fn count_table(level: i64, counts: &[PromotionCount], works: &[String]) -> CountTable {
    let mut columns: Vec<String> = works.to_vec();
    for c in counts {
        if !columns.contains(&c.recognised_work) {
            columns.push(c.recognised_work.clone());
        }
    }
    let mut years: Vec<i64> = counts.iter().map(|c| c.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let link = |year: i64, work: &str| {
        url(
            "/cadres/promotions",
            &[
                ("org", level.to_string()),
                ("year", year.to_string()),
                ("work", work.to_string()),
            ],
            "promotions-list",
        )
    };
    let n_of = |year: i64, work: &str| {
        counts
            .iter()
            .filter(|c| c.year == year && c.recognised_work == work)
            .map(|c| c.count)
            .sum::<i64>()
    };
    let rows: Vec<CountRow> = years
        .iter()
        .map(|&y| {
            let cells: Vec<CountCell> = columns
                .iter()
                .map(|w| CountCell {
                    n: n_of(y, w),
                    href: link(y, w),
                })
                .collect();
            CountRow {
                year: y,
                total: CountCell {
                    n: cells.iter().map(|c| c.n).sum(),
                    href: link(y, ""),
                },
                cells,
            }
        })
        .collect();
    let totals: Vec<i64> = (0..columns.len())
        .map(|i| rows.iter().map(|r| r.cells[i].n).sum())
        .collect();
    CountTable {
        total: totals.iter().sum(),
        works: columns,
        rows,
        totals,
    }
}

/// A promotion's line.
pub struct PromotionRow {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    gender: &'static str,
    age: i32,
    education: &'static str,
    promoted_on: String,
    from_post: String,
    to_post: String,
    work: String,
}

fn promotion_row(p: &Promotion) -> PromotionRow {
    PromotionRow {
        id: p.id,
        org_id: p.org_id,
        org_name: p.org_name.clone(),
        name: p.name.clone(),
        gender: gender_label(&p.gender),
        age: age_of(&p.birth_date),
        education: education_label(&p.education),
        promoted_on: p.promoted_on.clone(),
        from_post: p.from_post.clone(),
        to_post: p.to_post.clone(),
        work: p.recognised_work.clone(),
    }
}

/// A promotion as typed into the form that records one.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AddForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    promoted_on: String,
    from_post: String,
    to_post: String,
    recognised_work: String,
    #[serde(flatten)]
    who: PersonForm,
}

impl AddForm {
    fn input(&self, org_id: i64) -> PromotionInput {
        PromotionInput {
            org_id,
            who: self.who.choice(),
            promoted_on: self.promoted_on.trim().to_string(),
            from_post: self.from_post.trim().to_string(),
            to_post: self.to_post.trim().to_string(),
            recognised_work: self.recognised_work.trim().to_string(),
        }
    }
}

/// The fields of the promotion form that show their refusals beside them.
const PROMOTION_FIELDS: [&str; 5] = [
    "org_id",
    "promoted_on",
    "from_post",
    "to_post",
    "recognised_work",
];

#[derive(Template)]
#[template(path = "cadres_promotions.html")]
struct PromotionsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    counts: CountTable,
    rows: Vec<PromotionRow>,
    total: i64,
    pager: Pager,
    years: Vec<Choice>,
    works: Vec<Choice>,
    filtered: bool,
    export_href: String,
    may_keep: bool,
    communities: Vec<PickGroup>,
    add: AddForm,
    add_works: Vec<Choice>,
    person: PersonFields,
    pick: MemberPick,
    errors: FormErrors,
    stray: Vec<String>,
    today: String,
}

/// The choices of a list of texts, `current` selected.
fn text_choices<'a>(items: impl IntoIterator<Item = &'a str>, current: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|w| Choice {
            value: w.to_string(),
            label: w.to_string(),
            selected: w == current.trim(),
        })
        .collect()
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<AddForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.promotions(a, &sq).await?;
    let today = today_text();
    let refused_form = refused.is_some();
    let mut add = refused.unwrap_or_default();
    if add.promoted_on.trim().is_empty() {
        add.promoted_on.clone_from(&today);
    }
    let communities = if v.may_keep {
        org_choices(st, auth, v.org_id, &v.org_name, parse_id(&add.org_id)).await?
    } else {
        Vec::new()
    };
    let counts = count_table(v.org_id, &v.counts, &v.works);
    let year = sq.year.map(|y| y.to_string()).unwrap_or_default();
    let work = sq.work.clone().unwrap_or_default();
    let mut year_values: Vec<String> = counts.rows.iter().map(|r| r.year.to_string()).collect();
    if !year.is_empty() && !year_values.contains(&year) {
        year_values.insert(0, year.clone());
    }
    let mut work_values = counts.works.clone();
    if !work.is_empty() && !work_values.contains(&work) {
        work_values.push(work.clone());
    }
    let filters = [
        ("org", v.org_id.to_string()),
        ("year", year.clone()),
        ("work", work.clone()),
    ];
    let pick = MemberPick {
        field: "member_id".into(),
        target: "promotion-picks".into(),
        chosen: if refused_form {
            chosen(st, auth, &add.who.member_id).await
        } else {
            None
        },
    };
    let stray = stray(&errors, &PROMOTION_FIELDS);
    let errors = FormErrors(errors);
    let page = PromotionsPage {
        l: Layout::new(a, &auth.csrf, "提拔使用", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "promotions"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(promotion_row).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        years: text_choices(year_values.iter().map(String::as_str), &year),
        works: text_choices(work_values.iter().map(String::as_str), &work),
        filtered: sq.year.is_some() || sq.work.is_some(),
        export_href: url("/cadres/promotions/export.xlsx", &filters, ""),
        may_keep: v.may_keep,
        communities,
        add_works: text_choices(v.works.iter().map(String::as_str), &add.recognised_work),
        person: PersonFields::new(add.who.clone()),
        pick,
        add,
        counts,
        errors,
        stray,
        today,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// The promotions below a level: `?org=&year=&work=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Records a promotion; back to the level's list, at the record.
pub async fn add(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<AddForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.org_id) {
        Some(org_id) => st
            .app
            .add_promotion(&auth.actor, &f.input(org_id))
            .await
            .or_form()?,
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择登记单位",
        )]),
    };
    match outcome {
        Ok(p) => {
            let level = parse_id(&f.org).map_or_else(String::new, |o| o.to_string());
            let to = url(
                "/cadres/promotions",
                &[("org", level)],
                &format!("promotion-{}", p.id),
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

fn promotions_book(v: &PromotionList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "提拔使用".into(),
        title: format!("{} 提拔使用干部（共 {} 人次）", v.org_name, v.total),
        headers: headers(&[
            "姓名",
            "性别",
            "年龄",
            "学历",
            "身份证号",
            "提拔日期",
            "原职务",
            "提拔职务",
            "提拔所凭工作",
            "登记单位",
        ]),
        rows: v
            .items
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.name.clone()),
                    Cell::Text(gender_label(&p.gender).into()),
                    Cell::Int(i64::from(age_of(&p.birth_date))),
                    Cell::Text(education_label(&p.education).into()),
                    Cell::Text(p.id_masked.clone()),
                    Cell::Text(p.promoted_on.clone()),
                    Cell::Text(p.from_post.clone()),
                    Cell::Text(p.to_post.clone()),
                    Cell::Text(p.recognised_work.clone()),
                    Cell::Text(p.org_name.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("提拔使用-{}.xlsx", v.org_name))
}

/// The promotions of a level as xlsx: `?org=&year=&work=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_promotions(a, &q.service()).await?;
    st.app
        .audit_export(a, "提拔使用", v.org_id, v.items.len(), None)
        .await?;
    Ok(promotions_book(&v)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(year: i64, work: &str, count: i64) -> PromotionCount {
        PromotionCount {
            year,
            recognised_work: work.into(),
            count,
        }
    }

    #[test]
    fn counts_read_by_year_and_work() {
        let works = vec!["脱贫攻坚一线".to_string(), "疫情防控一线".to_string()];
        let t = count_table(
            7,
            &[
                c(2025, "脱贫攻坚一线", 3),
                c(2025, "疫情防控一线", 1),
                c(2024, "脱贫攻坚一线", 2),
                c(2023, "抗洪一线", 1),
            ],
            &works,
        );
        assert_eq!(t.works, ["脱贫攻坚一线", "疫情防控一线", "抗洪一线"]);
        let years: Vec<i64> = t.rows.iter().map(|r| r.year).collect();
        assert_eq!(years, [2025, 2024, 2023]);
        let first: Vec<i64> = t.rows[0].cells.iter().map(|c| c.n).collect();
        assert_eq!(first, [3, 1, 0]);
        assert_eq!(t.rows[0].total.n, 4);
        assert_eq!(t.totals, [5, 1, 1]);
        assert_eq!(t.total, 7);
        assert!(
            t.rows[0].cells[0]
                .href
                .starts_with("/cadres/promotions?org=7&year=2025&work=")
        );
        assert_eq!(
            t.rows[0].total.href,
            "/cadres/promotions?org=7&year=2025#promotions-list"
        );
        let empty = count_table(7, &[], &works);
        assert!(empty.rows.is_empty());
        assert_eq!(empty.totals, [0, 0]);
    }

    #[test]
    fn filters_and_the_form_read_as_typed() {
        let q = ListQuery {
            year: "2025".into(),
            work: " 脱贫攻坚一线 ".into(),
            ..ListQuery::default()
        }
        .service();
        assert_eq!(q.year, Some(2025));
        assert_eq!(q.work.as_deref(), Some("脱贫攻坚一线"));
        let f: AddForm = serde_urlencoded::from_str(
            "org=3&org_id=9&promoted_on=2025-06-01&from_post=%E5%89%AF%E9%95%87%E9%95%BF\
             &to_post=%E9%95%87%E9%95%BF&recognised_work=%E8%84%B1%E8%B4%AB%E6%94%BB%E5%9D%9A%E4%B8%80%E7%BA%BF&member_id=42",
        )
        .unwrap_or_default();
        let i = f.input(9);
        assert_eq!(i.from_post, "副镇长");
        assert_eq!(i.recognised_work, "脱贫攻坚一线");
        assert_eq!(i.who.member_id, Some(42));
        let w = text_choices(["甲", "乙"], " 乙 ");
        assert!(!w[0].selected && w[1].selected);
    }
}
