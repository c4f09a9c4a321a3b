//! 书记述职评议 and 阵地建设 pages. A level's ratings of the secretaries directly below it:
//! each organization with its secretary, the meeting's votes, the approval of 好 and 较好, the
//! grade and the rectification that follows, with the forms of the level that rates them
//! (enter or correct a rating, add an item, mark one done), and each rated secretary's report
//! and materials as files. And the level's service-centre projects (党群服务中心), 50 a page,
//! with their budget, stage, dates and photos, the form of a new one and the move of each to
//! its next stage. Both export as xlsx.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::assessment::rating::{Grade, RatingWindow, Votes};
use dangjian_domain::dues::fen_to_yuan;
use dangjian_domain::org::OrgKind;
use dangjian_domain::{FieldError, date};
use dangjian_report::{Cell, Table};
use dangjian_service::assessment::files::Owner;
use dangjian_service::assessment::people::{
    ProjectInput, ProjectList, RatingLine, SecretaryRatingInput, SecretaryRatings, ServiceProject,
};
use dangjian_service::orgs::Org;
use dangjian_service::{ServiceError, today};
use serde::Deserialize;

use super::files::{self, Back, FilesBlock};
use super::problem::permille_text;
use super::{NAV, Tab, past_years, tabs};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery, PageUpload};
use crate::pages::request::public::{Pick, PickGroup};
use crate::pages::{FormErrors, FormOutcome, download, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn this_year() -> i64 {
    i64::from(today().year())
}

/// The year whose round the page opens on: the ratings are held from the window's first
/// month, so before it the last round is the year before's.
fn latest_round() -> i64 {
    let w = RatingWindow::default();
    if u8::from(today().month()) >= w.from_month {
        this_year()
    } else {
        this_year() - 1
    }
}

/// A grade's label from its code (empty for none or an unknown code).
fn grade_label(code: &str) -> &'static str {
    Grade::parse(code).map_or("", Grade::label)
}

/// The row class a grade gives a line: 差 red, 一般 yellow.
fn grade_class(code: &str) -> &'static str {
    match Grade::parse(code) {
        Some(Grade::Poor) => "red",
        Some(Grade::Average) => "yellow",
        _ => "",
    }
}

/// A vote count as typed: empty is none cast; anything else not a whole number is refused
/// beside its field, since the service only sees numbers.
fn count(typed: &str, field: &'static str, errs: &mut Vec<FieldError>) -> i64 {
    let t = typed.trim();
    if t.is_empty() {
        return 0;
    }
    t.parse().unwrap_or_else(|_| {
        let what = if field == "present" {
            "到会人数"
        } else {
            "票数"
        };
        errs.push(FieldError::new(
            field,
            "invalid_number",
            format!("{what}应为整数"),
        ));
        0
    })
}

fn level_url(path: &str, org: Option<i64>, year: Option<i64>, anchor: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if let Some(o) = org {
        s.append_pair("org", &o.to_string());
    }
    if let Some(y) = year {
        s.append_pair("year", &y.to_string());
    }
    let q = s.finish();
    match (q.is_empty(), anchor.is_empty()) {
        (true, true) => path.to_string(),
        (true, false) => format!("{path}#{anchor}"),
        (false, true) => format!("{path}?{q}"),
        (false, false) => format!("{path}?{q}#{anchor}"),
    }
}

// ---------------------------------------------------------------------------------------
// 书记述职评议.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RatingsQuery {
    org: String,
    year: String,
}

/// The rating form as typed (or as stored, to correct it).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RateForm {
    /// The level to go back to.
    org: String,
    year: String,
    org_id: String,
    secretary_name: String,
    report: String,
    meeting_on: String,
    present: String,
    good: String,
    fairly_good: String,
    average: String,
    poor: String,
    grade: String,
}

/// The form of a rectification item as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ItemForm {
    /// The level and year to go back to.
    org: String,
    year: String,
    content: String,
    deadline: String,
}

/// A form refused on the page, to show again beside the line it belongs to.
enum Refused {
    None,
    /// The rating of the organization with this id.
    Rate(i64, RateForm),
    /// A new item of the rating with this id.
    Item(i64, ItemForm),
    /// Marking the item with this id done.
    Done(i64),
    /// An upload to, or a delete from, the files of the rating with this id.
    File(i64),
}

/// One organization's line: its rating, and the forms that enter or correct it.
pub struct RatingRow {
    org_id: i64,
    org_name: String,
    secretary: String,
    rated: bool,
    rating_id: i64,
    meeting_on: String,
    present: i64,
    good: i64,
    fairly_good: i64,
    average: i64,
    poor: i64,
    approval: String,
    grade: &'static str,
    grade_class: &'static str,
    open_items: i64,
    items: usize,
    /// The rating form, filled with what is stored or what was typed.
    form: RateForm,
    grades: Vec<Choice>,
    item: ItemForm,
    /// The line's forms are shown open: one of them was refused.
    open: bool,
    errs: FormErrors,
    /// The report and its materials (shown once rated).
    files: FilesBlock,
}

/// An item of the rectification ledger.
pub struct ItemRow {
    id: i64,
    org_id: i64,
    org_name: String,
    content: String,
    deadline: String,
    done_on: String,
    overdue: bool,
    error: String,
}

#[derive(Template)]
#[template(path = "secretary_ratings.html")]
struct RatingsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    year: i64,
    years: Vec<i64>,
    window: String,
    in_window: bool,
    may_rate: bool,
    lines: Vec<RatingRow>,
    items: Vec<ItemRow>,
    rated: usize,
    /// Each grade's label with the lines given it.
    grades: Vec<(&'static str, usize)>,
    open_items: i64,
    today: String,
    errors: FormErrors,
}

fn grade_choices(typed: &str) -> Vec<Choice> {
    let chosen = Grade::parse(typed.trim());
    Grade::ALL
        .into_iter()
        .map(|g| Choice {
            value: g.as_str().into(),
            label: g.label().into(),
            selected: chosen == Some(g),
        })
        .collect()
}

/// A line's rating form as stored: what the level corrects, or the secretary on record for
/// a first rating.
fn stored_form(l: &RatingLine, org: i64, year: i64) -> RateForm {
    let base = RateForm {
        org: org.to_string(),
        year: year.to_string(),
        org_id: l.org_id.to_string(),
        ..RateForm::default()
    };
    match &l.rating {
        Some(r) => RateForm {
            secretary_name: r.secretary_name.clone(),
            report: r.report.clone(),
            meeting_on: r.meeting_on.clone(),
            present: r.present.to_string(),
            good: r.good.to_string(),
            fairly_good: r.fairly_good.to_string(),
            average: r.average.to_string(),
            poor: r.poor.to_string(),
            grade: r.grade.clone(),
            ..base
        },
        None => RateForm {
            secretary_name: l.secretary.clone().unwrap_or_default(),
            ..base
        },
    }
}

fn window_text(w: &RatingWindow) -> String {
    if w.from_month == w.to_month {
        format!("每年 {} 月", w.from_month)
    } else {
        format!("每年 {} 月至 {} 月", w.from_month, w.to_month)
    }
}

async fn ratings_page(
    st: &AppState,
    auth: &Auth,
    (org, year): (Option<i64>, i64),
    refused: Refused,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.secretary_ratings(a, org, year).await?;
    let today = date::format(today());
    let mut refused = refused;
    let mut items = Vec::new();
    let mut lines = Vec::with_capacity(r.lines.len());
    for l in &r.lines {
        let rating = l.rating.as_ref();
        let rating_id = rating.map_or(0, |x| x.id);
        let mut row = RatingRow {
            org_id: l.org_id,
            org_name: l.org_name.clone(),
            secretary: rating
                .map(|x| x.secretary_name.clone())
                .or_else(|| l.secretary.clone())
                .unwrap_or_default(),
            rated: rating.is_some(),
            rating_id,
            meeting_on: rating.map(|x| x.meeting_on.clone()).unwrap_or_default(),
            present: rating.map_or(0, |x| x.present),
            good: rating.map_or(0, |x| x.good),
            fairly_good: rating.map_or(0, |x| x.fairly_good),
            average: rating.map_or(0, |x| x.average),
            poor: rating.map_or(0, |x| x.poor),
            approval: permille_text(l.approval_permille),
            grade: rating.map_or("", |x| grade_label(&x.grade)),
            grade_class: rating.map_or("", |x| grade_class(&x.grade)),
            open_items: rating.map_or(0, |x| x.open_items),
            items: l.items.len(),
            form: stored_form(l, r.org_id, r.year),
            grades: Vec::new(),
            item: ItemForm {
                org: r.org_id.to_string(),
                year: r.year.to_string(),
                ..ItemForm::default()
            },
            open: false,
            errs: FormErrors::default(),
            files: FilesBlock::new(
                format!("report-files-{rating_id}"),
                format!("/secretary-ratings/{rating_id}/files"),
                &l.files,
                l.may_attach,
                "述职报告及材料",
            )
            .back(vec![
                ("org", r.org_id.to_string()),
                ("year", r.year.to_string()),
            ]),
        };
        match std::mem::replace(&mut refused, Refused::None) {
            Refused::Rate(id, typed) if id == l.org_id => {
                row.form = typed;
                row.open = true;
                row.errs = FormErrors(errors.0.clone());
            }
            Refused::Item(id, typed) if rating_id != 0 && id == rating_id => {
                row.item = typed;
                row.open = true;
                row.errs = FormErrors(errors.0.clone());
            }
            Refused::File(id) if rating_id != 0 && id == rating_id => {
                row.files.refused(&errors.0);
            }
            other => refused = other,
        }
        row.grades = grade_choices(&row.form.grade);
        for i in &l.items {
            items.push(ItemRow {
                id: i.id,
                org_id: l.org_id,
                org_name: l.org_name.clone(),
                content: i.content.clone(),
                deadline: i.deadline.clone(),
                done_on: i.done_on.clone().unwrap_or_default(),
                overdue: i.done_on.is_none() && i.deadline < today,
                error: match &refused {
                    Refused::Done(id) if *id == i.id => errors
                        .0
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_default(),
                    _ => String::new(),
                },
            });
        }
        lines.push(row);
    }
    let grades = Grade::ALL
        .into_iter()
        .map(|g| {
            let n = r
                .lines
                .iter()
                .filter(|l| l.rating.as_ref().is_some_and(|x| x.grade == g.as_str()))
                .count();
            (g.label(), n)
        })
        .collect();
    let status = errors.status();
    let SecretaryRatings {
        org_id,
        org_name,
        year,
        window,
        in_window,
        may_rate,
        ..
    } = r;
    Ok(render_with(
        status,
        &RatingsPage {
            l: Layout::new(a, &auth.csrf, "书记述职评议", NAV)
                .about(org_name.clone())
                .period(format!("{year}年度")),
            tabs: tabs(Some(org_id), "secretary_ratings"),
            org_id,
            org_name,
            year,
            years: past_years(year),
            window: window_text(&window),
            in_window,
            may_rate,
            rated: lines.iter().filter(|x| x.rated).count(),
            open_items: lines.iter().map(|x| x.open_items).sum(),
            lines,
            items,
            grades,
            today,
            errors,
        },
    ))
}

/// A level's ratings of the secretaries below it: `?org=&year=` (default: the reader's level,
/// the latest round).
pub async fn ratings(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<RatingsQuery>,
) -> PageResult<Response> {
    let year = parse_id(&q.year).unwrap_or_else(latest_round);
    ratings_page(
        &st,
        &auth,
        (parse_id(&q.org), year),
        Refused::None,
        FormErrors::default(),
    )
    .await
}

/// The level above enters (or corrects) a secretary's rating of a year.
pub async fn rate(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<RateForm>,
) -> PageResult<Response> {
    let mut errs = Vec::new();
    let votes = Votes {
        present: count(&f.present, "present", &mut errs),
        good: count(&f.good, "good", &mut errs),
        fairly_good: count(&f.fairly_good, "fairly_good", &mut errs),
        average: count(&f.average, "average", &mut errs),
        poor: count(&f.poor, "poor", &mut errs),
    };
    let org_id = parse_id(&f.org_id);
    let outcome = match org_id {
        Some(id) if errs.is_empty() => {
            let input = SecretaryRatingInput {
                year: parse_id(&f.year),
                secretary_name: f.secretary_name.clone(),
                report: f.report.clone(),
                meeting_on: f.meeting_on.trim().to_string(),
                votes,
                grade: f.grade.trim().to_string(),
            };
            st.app
                .rate_secretary(&auth.actor, id, &input)
                .await
                .or_form()?
        }
        Some(_) => Err(errs),
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择评议的组织".to_string(),
        )]),
    };
    match outcome {
        Ok(r) => {
            let anchor = format!("rating-{}", org_id.unwrap_or_default());
            let to = level_url("/secretary-ratings", Some(r.org_id), Some(r.year), &anchor);
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let back = (
                parse_id(&f.org),
                parse_id(&f.year).unwrap_or_else(latest_round),
            );
            let refused = Refused::Rate(org_id.unwrap_or_default(), f);
            ratings_page(&st, &auth, back, refused, FormErrors(errs)).await
        }
    }
}

/// An item of the rectification ledger after a rating, with its deadline.
pub async fn add_item(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ItemForm>,
) -> PageResult<Response> {
    match st
        .app
        .add_rating_item(&auth.actor, id, &f.content, f.deadline.trim())
        .await
        .or_form()?
    {
        Ok(r) => {
            let to = level_url("/secretary-ratings", Some(r.org_id), Some(r.year), "ledger");
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let back = (
                parse_id(&f.org),
                parse_id(&f.year).unwrap_or_else(latest_round),
            );
            ratings_page(&st, &auth, back, Refused::Item(id, f), FormErrors(errs)).await
        }
    }
}

/// Marks an item of the ledger done today.
pub async fn finish_item(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ItemForm>,
) -> PageResult<Response> {
    match st.app.finish_rating_item(&auth.actor, id).await.or_form()? {
        Ok(r) => {
            let anchor = format!("item-{id}");
            let to = level_url("/secretary-ratings", Some(r.org_id), Some(r.year), &anchor);
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let back = (
                parse_id(&f.org),
                parse_id(&f.year).unwrap_or_else(latest_round),
            );
            ratings_page(&st, &auth, back, Refused::Done(id), FormErrors(errs)).await
        }
    }
}

/// Back to the level's ratings of the year the page showed, at the rating's files.
fn report_url(id: i64, back: &Back) -> String {
    let anchor = format!("report-{id}");
    level_url(
        "/secretary-ratings",
        parse_id(&back.org),
        parse_id(&back.year),
        &anchor,
    )
}

async fn report_file_refused(
    st: &AppState,
    auth: &Auth,
    id: i64,
    back: &Back,
    errs: Vec<FieldError>,
) -> PageResult<Response> {
    let level = (
        parse_id(&back.org),
        parse_id(&back.year).unwrap_or_else(latest_round),
    );
    ratings_page(st, auth, level, Refused::File(id), FormErrors(errs)).await
}

/// The report of a rated secretary or its materials: `?org=&year=` names the page to go back
/// to.
pub async fn upload_report_file(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageQuery(back): PageQuery<Back>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    match files::attach(&st, &auth, Owner::Report(id), &u).await? {
        Ok(()) => Ok(files::back_to(&headers, &report_url(id, &back))),
        Err(errs) => report_file_refused(&st, &auth, id, &back, errs).await,
    }
}

pub async fn download_report_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    files::download(&st, &auth, Owner::Report(id), file_id).await
}

pub async fn delete_report_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
    PageForm(back): PageForm<Back>,
) -> PageResult<Response> {
    match files::delete(&st, &auth, Owner::Report(id), file_id).await? {
        Ok(()) => Ok(Redirect::to(&report_url(id, &back)).into_response()),
        Err(errs) => report_file_refused(&st, &auth, id, &back, errs).await,
    }
}

fn book(tables: &[Table], name: &str) -> Result<Response, ServiceError> {
    let bytes =
        dangjian_report::xlsx(tables).map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
    Ok(download(name, XLSX, false, bytes))
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

/// A level's ratings of a year as a workbook: the lines, and the rectification ledger.
fn ratings_book(r: &SecretaryRatings) -> Result<Response, ServiceError> {
    let lines = Table {
        sheet: "述职评议".into(),
        title: format!("{} {} 年度书记抓基层党建述职评议", r.org_name, r.year),
        headers: headers(&[
            "组织",
            "书记",
            "述职报告要点",
            "述职评议会日期",
            "到会人数",
            "好",
            "较好",
            "一般",
            "差",
            "好和较好占比",
            "等次",
            "整改事项",
            "未完成整改事项",
        ]),
        rows: r
            .lines
            .iter()
            .map(|l| match &l.rating {
                Some(x) => vec![
                    Cell::Text(l.org_name.clone()),
                    Cell::Text(x.secretary_name.clone()),
                    Cell::Text(x.report.clone()),
                    Cell::Text(x.meeting_on.clone()),
                    Cell::Int(x.present),
                    Cell::Int(x.good),
                    Cell::Int(x.fairly_good),
                    Cell::Int(x.average),
                    Cell::Int(x.poor),
                    Cell::Rate(l.approval_permille.map(|p| p as f64 / 1000.0)),
                    Cell::Text(grade_label(&x.grade).into()),
                    Cell::Int(l.items.len() as i64),
                    Cell::Int(x.open_items),
                ],
                None => vec![
                    Cell::Text(l.org_name.clone()),
                    Cell::Text(l.secretary.clone().unwrap_or_default()),
                    Cell::Text("未评议".into()),
                ],
            })
            .collect(),
    };
    let ledger = Table {
        sheet: "整改台账".into(),
        title: format!("{} {} 年度述职评议整改台账", r.org_name, r.year),
        headers: headers(&["组织", "书记", "整改事项", "整改时限", "完成日期"]),
        rows: r
            .lines
            .iter()
            .flat_map(|l| {
                let secretary = l
                    .rating
                    .as_ref()
                    .map(|x| x.secretary_name.clone())
                    .unwrap_or_default();
                l.items.iter().map(move |i| {
                    vec![
                        Cell::Text(l.org_name.clone()),
                        Cell::Text(secretary.clone()),
                        Cell::Text(i.content.clone()),
                        Cell::Text(i.deadline.clone()),
                        Cell::Text(i.done_on.clone().unwrap_or_default()),
                    ]
                })
            })
            .collect(),
    };
    book(
        &[lines, ledger],
        &format!("书记述职评议-{}-{}.xlsx", r.org_name, r.year),
    )
}

/// A level's ratings of a year as xlsx: `?org=&year=`.
pub async fn ratings_export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<RatingsQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let year = parse_id(&q.year).unwrap_or_else(latest_round);
    let r = st.app.secretary_ratings(a, parse_id(&q.org), year).await?;
    st.app
        .audit_export(a, "书记述职评议", r.org_id, r.lines.len(), None)
        .await?;
    Ok(ratings_book(&r)?)
}

// ---------------------------------------------------------------------------------------
// 阵地建设.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProjectsQuery {
    org: String,
    page: String,
}

/// The form of a new project as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProjectForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    name: String,
    budget: String,
    planned_on: String,
    note: String,
}

/// The move of a project to its next stage, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdvanceForm {
    org: String,
    page: String,
    on: String,
}

/// A project's line, with its next move.
pub struct ProjectRow {
    id: i64,
    org_name: String,
    name: String,
    budget: String,
    stage: String,
    stage_label: String,
    planned_on: String,
    started_on: String,
    completed_on: String,
    note: String,
    /// The button of the next stage (开工, 建成); empty once completed.
    next: &'static str,
    /// The day typed for a refused move, or today.
    on: String,
    error: String,
    /// Photos and documents.
    files: FilesBlock,
}

fn project_row(
    p: &ServiceProject,
    today: &str,
    may_keep: bool,
    back: &[(&'static str, String)],
) -> ProjectRow {
    ProjectRow {
        id: p.id,
        org_name: p.org_name.clone(),
        name: p.name.clone(),
        budget: fen_to_yuan(p.budget_fen),
        stage: p.stage.clone(),
        stage_label: p.stage_label.clone(),
        planned_on: p.planned_on.clone(),
        started_on: p.started_on.clone().unwrap_or_default(),
        completed_on: p.completed_on.clone().unwrap_or_default(),
        note: p.note.clone(),
        next: match p.stage.as_str() {
            "planned" => "开工",
            "building" => "建成",
            _ => "",
        },
        on: today.to_string(),
        error: String::new(),
        files: FilesBlock::new(
            format!("project-files-{}", p.id),
            format!("/service-projects/{}/files", p.id),
            &p.files,
            may_keep,
            "项目照片及材料",
        )
        .back(back.to_vec()),
    }
}

#[derive(Template)]
#[template(path = "service_projects.html")]
struct ProjectsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    lines: Vec<ProjectRow>,
    total: i64,
    planned: i64,
    building: i64,
    completed: i64,
    pager: Pager,
    /// The page shown, for the forms to come back to.
    page: i64,
    budget: String,
    may_create: bool,
    /// Where a project may be kept (named `communities` for the shared picker's options).
    communities: Vec<PickGroup>,
    typed: ProjectForm,
    today: String,
    errors: FormErrors,
}

fn is_open_grassroots(o: &Org) -> bool {
    o.closed_on.is_none() && OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots)
}

/// Where a project may be kept, from the level shown: the level itself, the grassroots
/// organizations directly below it, and each town below it with its villages and communities.
async fn project_choices(
    st: &AppState,
    auth: &Auth,
    level: &Org,
    chosen: Option<i64>,
) -> PageResult<Vec<PickGroup>> {
    let a = &auth.actor;
    let pick = |o: &Org| Pick {
        selected: chosen == Some(o.id),
        id: o.id,
        name: o.name.clone(),
    };
    let mut groups = vec![PickGroup {
        label: "本级".into(),
        picks: vec![pick(level)],
    }];
    let mut direct = Vec::new();
    for c in st.app.org_children(a, level.id).await? {
        let o = c.org;
        if o.closed_on.is_some() {
            continue;
        }
        if o.kind == OrgKind::TownCommittee.as_str() {
            let mut picks = vec![pick(&o)];
            for v in st.app.org_children(a, o.id).await? {
                if is_open_grassroots(&v.org) {
                    picks.push(pick(&v.org));
                }
            }
            groups.push(PickGroup {
                label: o.name,
                picks,
            });
        } else if is_open_grassroots(&o) {
            direct.push(pick(&o));
        }
    }
    if !direct.is_empty() {
        groups.insert(
            1,
            PickGroup {
                label: format!("{}直属", level.name),
                picks: direct,
            },
        );
    }
    Ok(groups)
}

/// A form of the projects page refused, to show again where it was.
enum ProjectRefused {
    None,
    /// A new project, as typed.
    Create(ProjectForm),
    /// The move of the project with this id, with the day typed.
    Advance(i64, String),
    /// An upload to, or a delete from, the files of the project with this id.
    File(i64),
}

async fn projects_page(
    st: &AppState,
    auth: &Auth,
    (org, page): (Option<i64>, Option<i64>),
    refused: ProjectRefused,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let p: ProjectList = st.app.service_projects(a, org, page).await?;
    let today = date::format(today());
    let (mut typed, refused) = match refused {
        ProjectRefused::Create(f) => (f, ProjectRefused::None),
        other => (ProjectForm::default(), other),
    };
    let communities = if p.may_create {
        let level = st.app.org(a, p.org_id).await?;
        project_choices(st, auth, &level, parse_id(&typed.org_id)).await?
    } else {
        Vec::new()
    };
    if typed.planned_on.is_empty() {
        typed.planned_on.clone_from(&today);
    }
    let back = [("org", p.org_id.to_string()), ("page", p.page.to_string())];
    let mut lines: Vec<ProjectRow> = p
        .items
        .iter()
        .map(|x| project_row(x, &today, p.may_create, &back))
        .collect();
    match refused {
        ProjectRefused::Advance(id, on) => {
            if let Some(row) = lines.iter_mut().find(|x| x.id == id) {
                row.on = on;
                row.error = errors
                    .0
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；");
            }
        }
        ProjectRefused::File(id) => {
            if let Some(row) = lines.iter_mut().find(|x| x.id == id) {
                row.files.refused(&errors.0);
            }
        }
        ProjectRefused::None | ProjectRefused::Create(_) => {}
    }
    let status = errors.status();
    Ok(render_with(
        status,
        &ProjectsPage {
            l: Layout::new(a, &auth.csrf, "阵地建设", NAV).about(p.org_name.clone()),
            tabs: tabs(Some(p.org_id), "service_projects"),
            org_id: p.org_id,
            org_name: p.org_name.clone(),
            total: p.total,
            planned: p.planned,
            building: p.building,
            completed: p.completed,
            pager: Pager::new(
                &[("org", p.org_id.to_string())],
                p.page,
                p.per_page.max(1),
                p.total,
            ),
            page: p.page,
            budget: fen_to_yuan(p.budget_fen),
            may_create: p.may_create,
            lines,
            communities,
            typed,
            today,
            errors,
        },
    ))
}

/// A level's service-centre projects, 50 a page: `?org=&page=` (default: the reader's level,
/// the first page).
pub async fn projects(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ProjectsQuery>,
) -> PageResult<Response> {
    projects_page(
        &st,
        &auth,
        (parse_id(&q.org), parse_id(&q.page)),
        ProjectRefused::None,
        FormErrors::default(),
    )
    .await
}

/// Back to the page of the level's list the project was on, at `anchor`.
fn project_url(back: &Back, anchor: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("org", &back.org), ("page", &back.page)] {
        if let Some(n) = parse_id(v) {
            s.append_pair(k, &n.to_string());
        }
    }
    let q = s.finish();
    if q.is_empty() {
        format!("/service-projects#{anchor}")
    } else {
        format!("/service-projects?{q}#{anchor}")
    }
}

async fn project_file_refused(
    st: &AppState,
    auth: &Auth,
    id: i64,
    back: &Back,
    errs: Vec<FieldError>,
) -> PageResult<Response> {
    let level = (parse_id(&back.org), parse_id(&back.page));
    projects_page(st, auth, level, ProjectRefused::File(id), FormErrors(errs)).await
}

/// A photo or document of a project: `?org=&page=` names the page to go back to.
pub async fn upload_project_file(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageQuery(back): PageQuery<Back>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    match files::attach(&st, &auth, Owner::Project(id), &u).await? {
        Ok(()) => {
            let to = project_url(&back, &format!("files-of-{id}"));
            Ok(files::back_to(&headers, &to))
        }
        Err(errs) => project_file_refused(&st, &auth, id, &back, errs).await,
    }
}

pub async fn download_project_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    files::download(&st, &auth, Owner::Project(id), file_id).await
}

pub async fn delete_project_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
    PageForm(back): PageForm<Back>,
) -> PageResult<Response> {
    match files::delete(&st, &auth, Owner::Project(id), file_id).await? {
        Ok(()) => {
            let to = project_url(&back, &format!("files-of-{id}"));
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => project_file_refused(&st, &auth, id, &back, errs).await,
    }
}

/// The town or the district registers a planned project.
pub async fn create_project(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<ProjectForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.org_id) {
        Some(org_id) => {
            let input = ProjectInput {
                org_id,
                name: f.name.clone(),
                budget: f.budget.clone(),
                planned_on: f.planned_on.trim().to_string(),
                note: f.note.clone(),
            };
            st.app
                .create_service_project(&auth.actor, &input)
                .await
                .or_form()?
        }
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择项目所在的组织".to_string(),
        )]),
    };
    let org = parse_id(&f.org);
    match outcome {
        Ok(p) => {
            let to = level_url("/service-projects", org, None, &format!("project-{}", p.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let refused = ProjectRefused::Create(f);
            projects_page(&st, &auth, (org, None), refused, FormErrors(errs)).await
        }
    }
}

/// Moves a project to its next stage on the day given.
pub async fn advance_project(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AdvanceForm>,
) -> PageResult<Response> {
    let back = Back {
        org: f.org,
        page: f.page,
        year: String::new(),
    };
    match st
        .app
        .advance_service_project(&auth.actor, id, f.on.trim())
        .await
        .or_form()?
    {
        Ok(p) => {
            let to = project_url(&back, &format!("project-{}", p.id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(errs) => {
            let level = (parse_id(&back.org), parse_id(&back.page));
            let refused = ProjectRefused::Advance(id, f.on);
            projects_page(&st, &auth, level, refused, FormErrors(errs)).await
        }
    }
}

fn projects_book(p: &ProjectList) -> Result<Response, ServiceError> {
    let t = Table {
        sheet: "阵地建设".into(),
        title: format!(
            "{} 党群服务中心建设项目（共 {} 个，已建成 {} 个，预算合计 {} 元）",
            p.org_name,
            p.total,
            p.completed,
            fen_to_yuan(p.budget_fen)
        ),
        headers: headers(&[
            "组织",
            "项目名称",
            "预算（元）",
            "阶段",
            "计划开工日期",
            "开工日期",
            "建成日期",
            "说明",
        ]),
        rows: p
            .items
            .iter()
            .map(|x| {
                vec![
                    Cell::Text(x.org_name.clone()),
                    Cell::Text(x.name.clone()),
                    Cell::Text(fen_to_yuan(x.budget_fen)),
                    Cell::Text(x.stage_label.clone()),
                    Cell::Text(x.planned_on.clone()),
                    Cell::Text(x.started_on.clone().unwrap_or_default()),
                    Cell::Text(x.completed_on.clone().unwrap_or_default()),
                    Cell::Text(x.note.clone()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("党群服务中心建设项目-{}.xlsx", p.org_name))
}

/// A level's projects as xlsx: `?org=`.
pub async fn projects_export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ProjectsQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let p = st.app.export_service_projects(a, parse_id(&q.org)).await?;
    st.app
        .audit_export(a, "党群服务中心建设项目", p.org_id, p.items.len(), None)
        .await?;
    Ok(projects_book(&p)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vote_counts_are_whole_numbers_or_none() {
        let mut errs = Vec::new();
        assert_eq!(count(" 30 ", "present", &mut errs), 30);
        assert_eq!(count("", "good", &mut errs), 0);
        assert!(errs.is_empty());
        assert_eq!(count("三十", "present", &mut errs), 0);
        assert_eq!(count("2.5", "poor", &mut errs), 0);
        let fields: Vec<_> = errs.iter().map(|e| (e.field, e.message.as_str())).collect();
        assert_eq!(
            fields,
            vec![("present", "到会人数应为整数"), ("poor", "票数应为整数")]
        );
    }

    #[test]
    fn grades_read_and_colour_lines() {
        assert_eq!(grade_label("fairly_good"), "较好");
        assert_eq!(grade_label("优"), "");
        assert_eq!(grade_class("poor"), "red");
        assert_eq!(grade_class("average"), "yellow");
        assert_eq!(grade_class("good"), "");
        let c = grade_choices("较好");
        assert_eq!(c.len(), 4);
        assert!(
            c.iter()
                .filter(|x| x.selected)
                .all(|x| x.value == "fairly_good")
        );
        assert_eq!(c.iter().filter(|x| x.selected).count(), 1);
        assert_eq!(window_text(&RatingWindow::default()), "每年 11 月至 12 月");
        let round = latest_round();
        assert!(round == this_year() || round == this_year() - 1);
    }

    #[test]
    fn level_urls_keep_the_level_and_the_anchor() {
        assert_eq!(
            level_url("/secretary-ratings", Some(7), Some(2026), "rating-9"),
            "/secretary-ratings?org=7&year=2026#rating-9"
        );
        assert_eq!(
            level_url("/service-projects", None, None, "project-3"),
            "/service-projects#project-3"
        );
        assert_eq!(
            level_url("/service-projects", None, None, ""),
            "/service-projects"
        );
    }

    #[test]
    fn project_urls_keep_the_level_and_the_page() {
        let back = Back {
            org: "7".into(),
            page: "2".into(),
            year: String::new(),
        };
        assert_eq!(
            project_url(&back, "files-of-3"),
            "/service-projects?org=7&page=2#files-of-3"
        );
        assert_eq!(
            project_url(&Back::default(), "project-3"),
            "/service-projects#project-3"
        );
        let garbled = Back {
            org: "七".into(),
            page: "2".into(),
            year: String::new(),
        };
        assert_eq!(project_url(&garbled, "x"), "/service-projects?page=2#x");
    }
}
