//! 人才 pages. The talents below a level, 50 a page, filtered by category, "百千万" line,
//! origin, year and name, with the form that records one; and the "百千万" programme of a
//! cycle: each line's target against the talents counted each year, for the level and for
//! each child, the high-end talents introduced and new high-skill talents by year, and the
//! district's form that sets a target. The list exports as xlsx. What the caller may do comes
//! from the read models' flags (`may_keep`, `may_set_targets`); the pages never decide it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::bands::Education;
use dangjian_domain::cadres::talent::{Category, Line, Origin};
use dangjian_domain::id_number::Gender;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::talent::{
    LineProgress, Programme, ProgrammeQuery, ProgrammeTargetInput, Talent, TalentInput, TalentList,
    TalentQuery,
};
use serde::Deserialize;

use super::residents::{MemberPick, chosen};
use super::{
    NAV, PersonFields, PersonForm, Tab, completion, org_choices, stray, tabs, this_year, typed, url,
};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PageQuery};
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

/// The first year the programme counts cycles from.
const FIRST_CYCLE: i64 = 2021;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

pub(super) fn gender_label(code: &str) -> &'static str {
    Gender::parse(code).map_or("", Gender::label)
}

pub(super) fn education_label(code: &str) -> &'static str {
    Education::parse(code).map_or("", Education::label)
}

/// Whole years from a stored birth date to today (0 if the date cannot be read).
pub(super) fn age_of(birth: &str) -> i32 {
    dangjian_domain::date::parse(birth).map_or(0, |b| {
        dangjian_domain::date::years_between(b, dangjian_service::today())
    })
}

/// A cycle's years as the pages name them: "2024–2026".
pub(super) fn cycle_label(years: &[i64]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// A year typed into a form: none when empty, a refusal naming `field` when not a year.
fn typed_year(field: &'static str, s: &str) -> Result<Option<i64>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .map(Some)
        .ok_or_else(|| FieldError::new(field, "invalid", "年度应为四位数字，如 2025"))
}

/// A labelled filter: the code when the value names one (another value shows all).
fn code_of<T: Copy>(
    parse: fn(&str) -> Option<T>,
    code: fn(T) -> &'static str,
    s: &str,
) -> Option<String> {
    typed(s)
        .and_then(|s| parse(&s))
        .map(|v| code(v).to_string())
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    category: String,
    line: String,
    origin: String,
    year: String,
    q: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> TalentQuery {
        TalentQuery {
            org: parse_id(&self.org),
            category: code_of(Category::parse, Category::as_str, &self.category),
            line: code_of(Line::parse, Line::as_str, &self.line),
            origin: code_of(Origin::parse, Origin::as_str, &self.origin),
            year: parse_id(&self.year).filter(|y| (1000..=9999).contains(y)),
            q: typed(&self.q),
            page: parse_id(&self.page),
        }
    }
}

/// A talent's line.
pub struct TalentRow {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    gender: &'static str,
    age: i32,
    education: &'static str,
    category: &'static str,
    line: &'static str,
    origin: &'static str,
    level: String,
    field: String,
    employer: String,
    year: i64,
}

fn talent_row(t: &Talent) -> TalentRow {
    TalentRow {
        id: t.id,
        org_id: t.org_id,
        org_name: t.org_name.clone(),
        name: t.name.clone(),
        gender: gender_label(&t.gender),
        age: t.age(),
        education: education_label(&t.education),
        category: t.category_label(),
        line: t.line_label(),
        origin: t.origin_label(),
        level: t.level.clone(),
        field: t.field.clone(),
        employer: t.employer.clone(),
        year: t.recognised_year,
    }
}

/// A talent as typed into the form that records one.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AddForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    category: String,
    line: String,
    origin: String,
    level: String,
    field: String,
    employer: String,
    recognised_year: String,
    #[serde(flatten)]
    who: PersonForm,
}

impl AddForm {
    fn input(&self, org_id: i64, year: Option<i64>) -> TalentInput {
        TalentInput {
            org_id,
            who: self.who.choice(),
            category: self.category.trim().to_string(),
            line: self.line.trim().to_string(),
            origin: self.origin.trim().to_string(),
            level: self.level.trim().to_string(),
            field: self.field.trim().to_string(),
            employer: self.employer.trim().to_string(),
            recognised_year: year,
        }
    }
}

#[derive(Template)]
#[template(path = "cadres_talents.html")]
struct TalentsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<TalentRow>,
    total: i64,
    pager: Pager,
    q: String,
    year: String,
    categories: Vec<Choice>,
    lines: Vec<Choice>,
    origins: Vec<Choice>,
    filtered: bool,
    export_href: String,
    may_keep: bool,
    /// The organizations the form may record for (named `communities` for the shared
    /// options).
    communities: Vec<PickGroup>,
    add: AddForm,
    add_categories: Vec<Choice>,
    add_lines: Vec<Choice>,
    add_origins: Vec<Choice>,
    person: PersonFields,
    pick: MemberPick,
    errors: FormErrors,
    /// Refusals not shown beside a field.
    stray: Vec<String>,
    this_year: i64,
}

/// The fields of the talent form that show their refusals beside them.
const TALENT_FIELDS: [&str; 8] = [
    "org_id",
    "category",
    "line",
    "origin",
    "level",
    "field",
    "employer",
    "recognised_year",
];

fn category_choices(current: &str) -> Vec<Choice> {
    let code = Category::parse(current).map_or("", Category::as_str);
    choices(Category::ALL, Category::as_str, Category::label, code)
}

fn line_choices(current: &str) -> Vec<Choice> {
    let code = Line::parse(current).map_or("", Line::as_str);
    choices(Line::ALL, Line::as_str, Line::label, code)
}

fn origin_choices(current: &str) -> Vec<Choice> {
    let code = Origin::parse(current).map_or("", Origin::as_str);
    choices(Origin::ALL, Origin::as_str, Origin::label, code)
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
    let v = st.app.talents(a, &sq).await?;
    let refused_form = refused.is_some();
    let mut add = refused.unwrap_or_default();
    if add.recognised_year.trim().is_empty() {
        add.recognised_year = this_year().to_string();
    }
    let communities = if v.may_keep {
        org_choices(st, auth, v.org_id, &v.org_name, parse_id(&add.org_id)).await?
    } else {
        Vec::new()
    };
    let year = sq.year.map(|y| y.to_string()).unwrap_or_default();
    let filters = [
        ("org", v.org_id.to_string()),
        ("category", sq.category.clone().unwrap_or_default()),
        ("line", sq.line.clone().unwrap_or_default()),
        ("origin", sq.origin.clone().unwrap_or_default()),
        ("year", year.clone()),
        ("q", sq.q.clone().unwrap_or_default()),
    ];
    let pick = MemberPick {
        field: "member_id".into(),
        target: "talent-picks".into(),
        chosen: if refused_form {
            chosen(st, auth, &add.who.member_id).await
        } else {
            None
        },
    };
    let stray = stray(&errors, &TALENT_FIELDS);
    let errors = FormErrors(errors);
    let page = TalentsPage {
        l: Layout::new(a, &auth.csrf, "人才", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "talents"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(talent_row).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        q: sq.q.clone().unwrap_or_default(),
        year,
        categories: category_choices(sq.category.as_deref().unwrap_or("")),
        lines: line_choices(sq.line.as_deref().unwrap_or("")),
        origins: origin_choices(sq.origin.as_deref().unwrap_or("")),
        filtered: sq.category.is_some()
            || sq.line.is_some()
            || sq.origin.is_some()
            || sq.year.is_some()
            || sq.q.is_some(),
        export_href: url("/cadres/talents/export.xlsx", &filters, ""),
        may_keep: v.may_keep,
        communities,
        add_categories: category_choices(&add.category),
        add_lines: line_choices(&add.line),
        add_origins: origin_choices(&add.origin),
        person: PersonFields::new(add.who.clone()),
        pick,
        add,
        errors,
        stray,
        this_year: this_year(),
    };
    Ok(render_with(page.errors.status(), &page))
}

/// The talents below a level: `?org=&category=&line=&origin=&year=&q=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Records a talent; back to the level's list, at the record.
pub async fn add(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<AddForm>,
) -> PageResult<Response> {
    let outcome = match (
        parse_id(&f.org_id),
        typed_year("recognised_year", &f.recognised_year),
    ) {
        (None, _) => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择登记单位",
        )]),
        (_, Err(e)) => Err(vec![e]),
        (Some(org_id), Ok(year)) => st
            .app
            .add_talent(&auth.actor, &f.input(org_id, year))
            .await
            .or_form()?,
    };
    match outcome {
        Ok(t) => {
            let level = parse_id(&f.org).map_or_else(String::new, |o| o.to_string());
            let to = url(
                "/cadres/talents",
                &[("org", level)],
                &format!("talent-{}", t.id),
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

fn talents_book(v: &TalentList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "人才".into(),
        title: format!("{} 人才（共 {} 人）", v.org_name, v.total),
        headers: headers(&[
            "姓名",
            "性别",
            "年龄",
            "学历",
            "身份证号",
            "类别",
            "计划类别",
            "来源",
            "层次",
            "领域",
            "工作单位",
            "认定年度",
            "登记单位",
        ]),
        rows: v
            .items
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(t.name.clone()),
                    Cell::Text(gender_label(&t.gender).into()),
                    Cell::Int(i64::from(t.age())),
                    Cell::Text(education_label(&t.education).into()),
                    Cell::Text(t.id_masked.clone()),
                    Cell::Text(t.category_label().into()),
                    Cell::Text(t.line_label().into()),
                    Cell::Text(t.origin_label().into()),
                    Cell::Text(t.level.clone()),
                    Cell::Text(t.field.clone()),
                    Cell::Text(t.employer.clone()),
                    Cell::Int(t.recognised_year),
                    Cell::Text(t.org_name.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("人才-{}.xlsx", v.org_name))
}

/// The talents of a level as xlsx: `?org=&category=&line=&origin=&year=&q=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_talents(a, &q.service()).await?;
    st.app
        .audit_export(a, "人才", v.org_id, v.items.len(), None)
        .await?;
    Ok(talents_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// The "百千万" programme.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProgrammeForm {
    org: String,
    cycle: String,
}

/// A year's count of a row, with the link to the talents it counts (empty: none).
pub struct YearCell {
    n: i64,
    href: String,
}

/// A line's figures as a row shows them.
pub struct Figures {
    target: i64,
    by_year: Vec<YearCell>,
    actual: i64,
    /// "66.7%", or empty without a target.
    completion: String,
    /// The target is set and reached.
    met: bool,
}

/// A line's figures; each year's count links to the talents of `org` it counts.
fn figures(l: &LineProgress, years: &[i64], org: Option<i64>) -> Figures {
    Figures {
        target: l.target,
        by_year: l
            .actual_by_year
            .iter()
            .zip(years)
            .map(|(&n, year)| YearCell {
                n,
                href: match org {
                    Some(o) if n > 0 => url(
                        "/cadres/talents",
                        &[
                            ("org", o.to_string()),
                            ("line", l.line.clone()),
                            ("year", year.to_string()),
                        ],
                        "",
                    ),
                    _ => String::new(),
                },
            })
            .collect(),
        actual: l.actual,
        completion: completion(l.actual, l.target),
        met: l.target > 0 && l.actual >= l.target,
    }
}

/// A line of the level.
pub struct LineRow {
    code: String,
    label: String,
    f: Figures,
}

/// A child's figures of one line.
pub struct ChildRow {
    org_id: i64,
    name: String,
    /// The level itself (talents recorded at the level, or its own target).
    own: bool,
    f: Figures,
}

/// One line with the children that have a target or talents in it, and the level's total.
pub struct LineTable {
    code: String,
    label: String,
    rows: Vec<ChildRow>,
    total: Figures,
}

/// A year of talents introduced or newly recognised, with the links to them.
pub struct YearRow {
    year: i64,
    high_end_introduced: i64,
    high_skill_new: i64,
    all: i64,
    href: String,
    high_end_href: String,
    high_skill_href: String,
}

/// A target as typed, to set or clear.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TargetForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    line: String,
    cycle_start: String,
    target: String,
}

#[derive(Template)]
#[template(path = "cadres_programme.html")]
struct ProgrammePage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    cycle: String,
    cycle_start: i64,
    years: Vec<i64>,
    prev_href: Option<String>,
    next_href: Option<String>,
    lines: Vec<LineRow>,
    total: Figures,
    tables: Vec<LineTable>,
    by_year: Vec<YearRow>,
    may_set_targets: bool,
    communities: Vec<PickGroup>,
    target: TargetForm,
    target_lines: Vec<Choice>,
    cycles: Vec<Choice>,
    errors: FormErrors,
    /// Refusals not shown beside a field.
    stray: Vec<String>,
}

/// The first years of the cycles before and after `start` the switcher offers: none before
/// the first cycle, and none past the one after this year's.
fn cycle_steps(start: i64, length: i64, this_year: i64) -> (Option<i64>, Option<i64>) {
    let length = length.max(1);
    let prev = start - length;
    let next = start + length;
    (
        (prev >= FIRST_CYCLE).then_some(prev),
        (start <= this_year).then_some(next),
    )
}

/// The cycles a target may be set for: from the first to the one after this year's, latest
/// first.
fn cycle_choices(length: i64, this_year: i64, chosen: i64) -> Vec<Choice> {
    let length = length.max(1);
    let mut out = Vec::new();
    let mut start = FIRST_CYCLE;
    while start <= this_year + length {
        out.push(Choice {
            value: start.to_string(),
            label: format!("{}–{}", start, start + length - 1),
            selected: start == chosen,
        });
        if start > this_year {
            break;
        }
        start += length;
    }
    out.reverse();
    out
}

/// The sum of lines, as the level's total row.
fn sum_figures(lines: &[LineProgress], years: usize) -> Figures {
    let mut by_year = vec![0; years];
    for l in lines {
        for (x, y) in by_year.iter_mut().zip(&l.actual_by_year) {
            *x += y;
        }
    }
    let target = lines.iter().map(|l| l.target).sum();
    let actual = lines.iter().map(|l| l.actual).sum();
    Figures {
        target,
        by_year: by_year
            .into_iter()
            .map(|n| YearCell {
                n,
                href: String::new(),
            })
            .collect(),
        actual,
        completion: completion(actual, target),
        met: target > 0 && actual >= target,
    }
}

/// Each line with the children that have a target or talents in it.
fn line_tables(p: &Programme) -> Vec<LineTable> {
    p.lines
        .iter()
        .map(|l| LineTable {
            code: l.line.clone(),
            label: l.label.clone(),
            rows: p
                .children
                .iter()
                .filter_map(|c| {
                    let x = c.lines.iter().find(|x| x.line == l.line)?;
                    let own = c.org_id == p.org_id;
                    (x.target > 0 || x.actual > 0).then(|| ChildRow {
                        org_id: c.org_id,
                        name: c.name.clone(),
                        own,
                        // The level's list holds its children's talents too.
                        f: figures(x, &p.years, (!own).then_some(c.org_id)),
                    })
                })
                .collect(),
            total: figures(l, &p.years, Some(p.org_id)),
        })
        .collect()
}

/// A target typed: none (clears it) when empty, a refusal when not a whole number.
fn target_value(typed: &str) -> Result<Option<i64>, FieldError> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| {
        FieldError::new(
            "target",
            "invalid_number",
            "目标应为 0–10000 的整数，留空为清除目标",
        )
    })
}

async fn programme_page(
    st: &AppState,
    auth: &Auth,
    q: &ProgrammeForm,
    refused: Option<TargetForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let p = st
        .app
        .talent_programme(
            a,
            &ProgrammeQuery {
                org: parse_id(&q.org),
                cycle: parse_id(&q.cycle),
            },
        )
        .await?;
    let length = p.years.len() as i64;
    let now = this_year();
    let (prev, next) = cycle_steps(p.cycle_start, length, now);
    let href = |c: i64| {
        url(
            "/cadres/talent-programme",
            &[("org", p.org_id.to_string()), ("cycle", c.to_string())],
            "",
        )
    };
    let mut target = refused.unwrap_or_default();
    if target.cycle_start.trim().is_empty() {
        target.cycle_start = p.cycle_start.to_string();
    }
    let communities = if p.may_set_targets {
        org_choices(st, auth, p.org_id, &p.org_name, parse_id(&target.org_id)).await?
    } else {
        Vec::new()
    };
    let talents = |pairs: &[(&str, String)]| {
        let mut all = vec![("org", p.org_id.to_string())];
        all.extend(pairs.iter().cloned());
        url("/cadres/talents", &all, "")
    };
    let by_year = p
        .by_year
        .iter()
        .map(|y| YearRow {
            year: y.year,
            high_end_introduced: y.high_end_introduced,
            high_skill_new: y.high_skill_new,
            all: y.all,
            href: talents(&[("year", y.year.to_string())]),
            high_end_href: talents(&[
                ("category", Category::HighEnd.as_str().into()),
                ("origin", Origin::Introduced.as_str().into()),
                ("year", y.year.to_string()),
            ]),
            high_skill_href: talents(&[
                ("category", Category::HighSkill.as_str().into()),
                ("year", y.year.to_string()),
            ]),
        })
        .collect();
    let cycle = cycle_label(&p.years);
    let stray = stray(&errors, &["org_id", "line", "cycle_start", "target"]);
    let errors = FormErrors(errors);
    let page = ProgrammePage {
        l: Layout::new(a, &auth.csrf, "“百千万”人才计划", NAV)
            .about(p.org_name.clone())
            .period(format!("{cycle} 年")),
        tabs: tabs(Some(p.org_id), "programme"),
        org_id: p.org_id,
        org_name: p.org_name.clone(),
        cycle_start: p.cycle_start,
        years: p.years.clone(),
        prev_href: prev.map(href),
        next_href: next.map(href),
        lines: p
            .lines
            .iter()
            .map(|l| LineRow {
                code: l.line.clone(),
                label: l.label.clone(),
                f: figures(l, &p.years, Some(p.org_id)),
            })
            .collect(),
        total: sum_figures(&p.lines, p.years.len()),
        tables: line_tables(&p),
        by_year,
        may_set_targets: p.may_set_targets,
        communities,
        target_lines: line_choices(&target.line),
        cycles: cycle_choices(
            length,
            now,
            parse_id(&target.cycle_start).unwrap_or(p.cycle_start),
        ),
        target,
        cycle,
        errors,
        stray,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// The programme below a level for a cycle: `?org=&cycle=`.
pub async fn programme(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ProgrammeForm>,
) -> PageResult<Response> {
    programme_page(&st, &auth, &q, None, Vec::new()).await
}

/// Sets or clears a target (the district); back to the level's programme of that cycle.
pub async fn set_target(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<TargetForm>,
) -> PageResult<Response> {
    let mut errs = Vec::new();
    let org_id = parse_id(&f.org_id);
    if org_id.is_none() {
        errs.push(FieldError::new("org_id", "required", "请选择单位"));
    }
    let cycle_start = parse_id(&f.cycle_start);
    if cycle_start.is_none() {
        errs.push(FieldError::new("cycle_start", "required", "请选择计划周期"));
    }
    let target = target_value(&f.target).map_err(|e| errs.push(e)).ok();
    let outcome = match (org_id, cycle_start, target) {
        (Some(org_id), Some(cycle_start), Some(target)) => st
            .app
            .set_programme_target(
                &auth.actor,
                &ProgrammeTargetInput {
                    org_id,
                    line: f.line.trim().to_string(),
                    cycle_start,
                    target,
                },
            )
            .await
            .or_form()?
            .map(|_| ()),
        _ => Err(errs),
    };
    let back = ProgrammeForm {
        org: f.org.clone(),
        cycle: cycle_start.map(|c| c.to_string()).unwrap_or_default(),
    };
    match outcome {
        Ok(()) => {
            let level = parse_id(&back.org).map_or_else(String::new, |o| o.to_string());
            let line = Line::parse(&f.line).map_or("", Line::as_str);
            let to = url(
                "/cadres/talent-programme",
                &[("org", level), ("cycle", back.cycle.clone())],
                &format!("line-{line}"),
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => programme_page(&st, &auth, &back, Some(f), errs).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(line: &str, target: i64, by_year: Vec<i64>) -> LineProgress {
        LineProgress {
            line: line.into(),
            label: line.into(),
            target,
            actual: by_year.iter().sum(),
            actual_by_year: by_year,
        }
    }

    #[test]
    fn filters_name_a_category_line_and_origin_or_nothing() {
        let q = ListQuery {
            category: "高技能人才".into(),
            line: "doctor".into(),
            origin: "引进".into(),
            year: "2025".into(),
            q: "  ".into(),
            ..ListQuery::default()
        };
        let s = q.service();
        assert_eq!(s.category.as_deref(), Some("high_skill"));
        assert_eq!(s.line.as_deref(), Some("doctor"));
        assert_eq!(s.origin.as_deref(), Some("introduced"));
        assert_eq!(s.year, Some(2025));
        assert_eq!(s.q, None);
        let garbled = ListQuery {
            category: "外星人".into(),
            line: "x".into(),
            year: "25".into(),
            ..ListQuery::default()
        }
        .service();
        assert_eq!(garbled.category, None);
        assert_eq!(garbled.line, None);
        assert_eq!(garbled.year, None);
    }

    #[test]
    fn the_add_form_reads_flat_with_its_person() {
        let f: AddForm = serde_urlencoded::from_str(
            "_csrf=x&org=3&org_id=17&category=high_end&line=&origin=introduced&level=%E5%9B%BD%E5%AE%B6%E7%BA%A7\
             &field=%E6%9D%90%E6%96%99&employer=%E9%95%BF%E6%B1%9F%E5%B8%88%E9%99%A2&recognised_year=2025\
             &member_id=&name=%E9%97%BB%E5%8D%9A&id_number=110101199003071234&education=doctor",
        )
        .unwrap_or_default();
        let i = f.input(17, Some(2025));
        assert_eq!(i.org_id, 17);
        assert_eq!(i.category, "high_end");
        assert_eq!(i.line, "");
        assert_eq!(i.level, "国家级");
        assert_eq!(i.recognised_year, Some(2025));
        assert_eq!(i.who.member_id, None);
        assert_eq!(i.who.person.name, "闻博");
        assert_eq!(typed_year("recognised_year", ""), Ok(None));
        assert_eq!(typed_year("recognised_year", " 2024 "), Ok(Some(2024)));
        assert_eq!(
            typed_year("recognised_year", "去年").map_err(|e| e.field),
            Err("recognised_year")
        );
    }

    #[test]
    fn completion_is_the_share_of_the_target() {
        assert_eq!(completion(2, 3), "66.7%");
        assert_eq!(completion(5, 4), "125.0%");
        assert_eq!(completion(3, 0), "");
        let years = [2024, 2025, 2026];
        let f = figures(&progress("doctor", 3, vec![1, 2, 0]), &years, Some(7));
        assert!(f.met);
        assert_eq!(f.completion, "100.0%");
        assert_eq!(
            f.by_year[1].href,
            "/cadres/talents?org=7&line=doctor&year=2025"
        );
        assert_eq!(f.by_year[2].href, "", "nothing to list");
        assert!(!figures(&progress("master", 0, vec![1, 0, 0]), &years, None).met);
        let sum = sum_figures(
            &[
                progress("doctor", 3, vec![1, 2, 0]),
                progress("master", 5, vec![0, 1, 1]),
            ],
            3,
        );
        let by_year: Vec<i64> = sum.by_year.iter().map(|c| c.n).collect();
        assert_eq!(by_year, [1, 3, 1]);
        assert_eq!((sum.actual, sum.target), (5, 8));
        assert_eq!(sum.completion, "62.5%");
        assert_eq!(cycle_label(&[2024, 2025, 2026]), "2024–2026");
        assert_eq!(cycle_label(&[2024]), "2024");
    }

    #[test]
    fn cycles_step_by_their_length_from_2021() {
        assert_eq!(cycle_steps(2021, 3, 2026), (None, Some(2024)));
        assert_eq!(cycle_steps(2024, 3, 2026), (Some(2021), Some(2027)));
        assert_eq!(cycle_steps(2027, 3, 2026), (Some(2024), None));
        let c = cycle_choices(3, 2026, 2024);
        let values: Vec<&str> = c.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["2027", "2024", "2021"]);
        assert_eq!(c[1].label, "2024–2026");
        assert!(c[1].selected && !c[0].selected);
        let c = cycle_choices(3, 2023, 2021);
        let values: Vec<&str> = c.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["2024", "2021"]);
    }

    #[test]
    fn targets_are_whole_numbers_or_cleared() {
        assert_eq!(target_value(" 7 "), Ok(Some(7)));
        assert_eq!(target_value(""), Ok(None));
        assert_eq!(target_value("七").map_err(|e| e.field), Err("target"));
    }
}
