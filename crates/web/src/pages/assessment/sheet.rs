//! One organization's rating sheet: each item with the figure the platform computed it from
//! and the scores of the three stages, the stage the reader scores as a form, the years
//! before, and the objections to a published rating.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::assessment::stars::{StarAction, tenths};
use dangjian_service::assessment::{ScoreInput, ScoreLine, StarInput, StarSheet};
use dangjian_service::{ServiceError, today};
use serde::Deserialize;

use super::{NAV, scheme_line, star_text, trend, years_around};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::YearQuery;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Layout, format_instant};

/// The stages of a sheet, in the order of its columns.
const STAGES: [&str; 3] = ["own", "town", "district"];

/// What the reader typed, shown again beside a refusal: the form's fields as they came.
#[derive(Default)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }
}

/// Points as typed ("9.5", "10", ".5") in tenths; at most one decimal that is not zero.
/// Anything else is `None`: not a number this page can take.
pub fn parse_tenths(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    // Eight digits are far beyond any item's points, and far from overflowing.
    if whole.len() > 8 {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 1 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let t = whole * 10 + fraction;
    Some(if negative { -t } else { t })
}

fn item_label(l: &ScoreLine) -> String {
    format!("评分项 {}（{}）", l.code, l.name)
}

/// The scores of the stage being scored as the service takes them: `score_<code>` in points
/// with one decimal, `units_<code>` for a deduction item, `reason_<code>`. An empty field
/// leaves the item as it stands; at the organization's own stage a computed item left at
/// what the records give is not sent, so that it keeps following them until submission.
fn score_inputs(sheet: &StarSheet, typed: &Typed) -> Result<Vec<ScoreInput>, Vec<FieldError>> {
    let own = sheet.stage.as_deref() == Some("own");
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for l in &sheet.lines {
        let reason = typed.text(&format!("reason_{}", l.code)).trim().to_string();
        let (score, units) = if l.rule == "deduction" {
            let t = typed.text(&format!("units_{}", l.code));
            let t = t.trim();
            if t.is_empty() {
                (None, None)
            } else if let Ok(n) = t.parse::<i64>() {
                (None, Some(n))
            } else {
                errors.push(FieldError::new(
                    "units",
                    "invalid_number",
                    format!("{}的扣分次数“{t}”应为整数", item_label(l)),
                ));
                continue;
            }
        } else {
            let t = typed.text(&format!("score_{}", l.code));
            let t = t.trim();
            if t.is_empty() {
                (None, None)
            } else if let Some(s) = parse_tenths(t) {
                (Some(s), None)
            } else {
                errors.push(FieldError::new(
                    "score",
                    "invalid_number",
                    format!(
                        "{}的得分“{t}”不是有效的分数：请填写数字，最多保留一位小数（如 9.5）",
                        item_label(l)
                    ),
                ));
                continue;
            }
        };
        if score.is_none() && units.is_none() {
            continue;
        }
        if own && l.rule == "computed" && l.own_tenths.is_none() && score == l.computed_tenths {
            continue;
        }
        inputs.push(ScoreInput {
            code: l.code.clone(),
            score_tenths: score,
            units,
            reason,
        });
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

/// The move and the scores of a sheet's form, or why the page cannot read them.
fn star_input(sheet: &StarSheet, typed: &Typed) -> Result<StarInput, Vec<FieldError>> {
    let action = typed.text("action").trim().to_string();
    // Sending it back keeps the scores as they are: nothing typed is read.
    let scores = if action == StarAction::Return.as_str() || sheet.stage.is_none() {
        Vec::new()
    } else {
        score_inputs(sheet, typed)?
    };
    Ok(StarInput {
        action,
        scores,
        reason: typed.text("reason"),
    })
}

/// One stage's score of an item.
pub struct StageCell {
    score: String,
    reason: String,
    /// Said instead of an empty score: a computed item the organization left as computed.
    note: &'static str,
    /// The column the reader fills in now.
    edit: bool,
}

/// An item's line of the sheet, as text.
pub struct LineView {
    code: String,
    name: String,
    points: String,
    innovation: bool,
    /// How it is scored: 人工评分, the figure of a computed item, or a deduction's unit.
    basis: String,
    computed: bool,
    computed_score: String,
    overridden: bool,
    cells: Vec<StageCell>,
    /// The form's fields for the stage being scored: units (a deduction) or a score.
    units_input: bool,
    value: String,
    reason: String,
}

pub struct GroupView {
    name: String,
    points: String,
    lines: Vec<LineView>,
}

fn score_text(t: Option<i64>) -> String {
    t.map(tenths).unwrap_or_default()
}

/// What an item's field holds before the reader types: the stage's own score, or the one
/// it reviews (at the organization's own stage, what the records give unless it was
/// overridden with a reason).
fn prefill(l: &ScoreLine, stage: &str) -> Option<i64> {
    match stage {
        "own" if l.rule == "computed" => {
            if l.own_tenths.is_some() && !l.own_reason.is_empty() {
                l.own_tenths
            } else {
                l.computed_tenths.or(l.own_tenths)
            }
        }
        "own" => l.own_tenths,
        "town" => l.town_tenths.or(l.own_tenths).or(l.computed_tenths),
        _ => l
            .district_tenths
            .or(l.town_tenths)
            .or(l.own_tenths)
            .or(l.computed_tenths),
    }
}

fn line_view(l: &ScoreLine, stage: Option<&str>, typed: &Typed) -> LineView {
    let basis = match l.rule.as_str() {
        "computed" => l.figure.clone().unwrap_or_default(),
        "deduction" => {
            let per = l.per_unit_tenths.map(tenths).unwrap_or_default();
            let unit = l.unit.clone().unwrap_or_default();
            match l.units {
                Some(n) => format!("扣分：{unit}，每次扣 {per} 分；记 {n} 次"),
                None => format!("扣分：{unit}，每次扣 {per} 分"),
            }
        }
        _ => "人工评分".into(),
    };
    let stage_score = |s: &str| match s {
        "own" => (l.own_tenths, l.own_reason.as_str()),
        "town" => (l.town_tenths, l.town_reason.as_str()),
        _ => (l.district_tenths, l.district_reason.as_str()),
    };
    let cells = STAGES
        .iter()
        .map(|s| {
            let (score, reason) = stage_score(s);
            StageCell {
                score: score_text(score),
                reason: reason.to_string(),
                note: if *s == "own" && score.is_none() && l.rule == "computed" {
                    "同平台计算"
                } else {
                    ""
                },
                edit: stage == Some(*s),
            }
        })
        .collect();
    let units_input = l.rule == "deduction";
    let (value, reason) = match stage {
        Some(s) => {
            let field = if units_input {
                format!("units_{}", l.code)
            } else {
                format!("score_{}", l.code)
            };
            let value = typed.get(&field).map_or_else(
                || {
                    if units_input {
                        l.units.map(|n| n.to_string()).unwrap_or_default()
                    } else {
                        score_text(prefill(l, s))
                    }
                },
                str::to_string,
            );
            let reason = typed
                .get(&format!("reason_{}", l.code))
                .map_or_else(|| stage_score(s).1.to_string(), str::to_string);
            (value, reason)
        }
        None => (String::new(), String::new()),
    };
    LineView {
        code: l.code.clone(),
        name: l.name.clone(),
        points: tenths(l.points_tenths),
        innovation: l.innovation,
        basis,
        computed: l.rule == "computed",
        computed_score: score_text(l.computed_tenths),
        overridden: l.overridden,
        cells,
        units_input,
        value,
        reason,
    }
}

fn groups(sheet: &StarSheet, typed: &Typed) -> Vec<GroupView> {
    let stage = sheet.stage.as_deref();
    let mut out: Vec<(GroupView, i64)> = Vec::new();
    for l in &sheet.lines {
        let view = line_view(l, stage, typed);
        match out.last_mut() {
            Some((g, points)) if g.name == l.indicator => {
                *points += l.points_tenths;
                g.lines.push(view);
            }
            _ => out.push((
                GroupView {
                    name: l.indicator.clone(),
                    points: String::new(),
                    lines: vec![view],
                },
                l.points_tenths,
            )),
        }
    }
    out.into_iter()
        .map(|(mut g, points)| {
            g.points = tenths(points);
            g
        })
        .collect()
}

/// A button of the sheet's form: a move and, for the weighty ones, the question asked first.
pub struct ActionButton {
    value: &'static str,
    label: &'static str,
    confirm: &'static str,
}

fn buttons(sheet: &StarSheet) -> Vec<ActionButton> {
    sheet
        .actions
        .iter()
        .filter_map(|a| StarAction::parse(a))
        .filter(|a| *a != StarAction::Return)
        .map(|a| ActionButton {
            value: a.as_str(),
            label: a.label(),
            confirm: match a {
                StarAction::Submit => "提交后本组织不能再修改评分，确定提交镇街审核？",
                StarAction::Review => "确定审核通过，报区委组织部确认？",
                StarAction::Confirm => "确定确认该评定结果？确认后等待公示。",
                _ => "",
            },
        })
        .collect()
}

pub struct HistoryLine {
    year: i64,
    stars: String,
    total: String,
    arrow: &'static str,
    arrow_class: &'static str,
    arrow_title: &'static str,
    current: bool,
}

pub struct ObjectionView {
    id: i64,
    content: String,
    by: String,
    at: String,
    answer: Option<String>,
    answered_at: String,
    /// What the district typed as its answer, kept beside a refusal.
    typed: String,
}

#[derive(Template)]
#[template(path = "star_sheet.html")]
struct SheetPage {
    l: Layout,
    s: StarSheet,
    scheme: String,
    total: String,
    stars: String,
    groups: Vec<GroupView>,
    editing: bool,
    buttons: Vec<ActionButton>,
    can_return: bool,
    /// The reader sent it back: a refused reason is the return's, not an item's.
    returning: bool,
    returned_reason: String,
    published: String,
    history: Vec<HistoryLine>,
    objections: Vec<ObjectionView>,
    rating_id: Option<i64>,
    years: Vec<i64>,
    typed: Typed,
    errors: FormErrors,
}

fn sheet_page(auth: &Auth, s: StarSheet, typed: Typed, errors: FormErrors) -> Response {
    let a = &auth.actor;
    let history = s
        .history
        .iter()
        .map(|y| {
            let (arrow, arrow_class, arrow_title) = trend(y.trend);
            HistoryLine {
                year: y.year,
                stars: star_text(y.stars),
                total: tenths(y.total_tenths),
                arrow,
                arrow_class,
                arrow_title,
                current: y.year == s.year,
            }
        })
        .collect();
    let objections = s
        .objections
        .iter()
        .map(|j| ObjectionView {
            id: j.id,
            content: j.content.clone(),
            by: j.raised_by_name.clone(),
            at: format_instant(j.raised_at),
            answer: j.answer.clone(),
            answered_at: j.answered_at.map(format_instant).unwrap_or_default(),
            typed: typed.text(&format!("answer_{}", j.id)),
        })
        .collect();
    let r = s.rating.as_ref();
    let published = match r.and_then(|r| r.published_at) {
        Some(at) => match r.and_then(|r| r.publish_until.as_deref()) {
            Some(until) => format!("{} 公示，公示至 {until}", format_instant(at)),
            None => format!("{} 公示", format_instant(at)),
        },
        None => String::new(),
    };
    let status = errors.status();
    render_with(
        status,
        &SheetPage {
            l: Layout::new(a, &auth.csrf, "星级评定表", NAV)
                .about(s.place.clone())
                .period(format!("{}年度", s.year)),
            scheme: scheme_line(&s.scheme),
            total: tenths(s.total_tenths),
            stars: star_text(s.stars),
            groups: groups(&s, &typed),
            editing: s.stage.is_some(),
            buttons: buttons(&s),
            can_return: s.actions.iter().any(|a| a == StarAction::Return.as_str()),
            returning: typed.text("action") == StarAction::Return.as_str(),
            returned_reason: r
                .filter(|_| s.state == "self")
                .map(|r| r.returned_reason.clone())
                .unwrap_or_default(),
            published,
            history,
            objections,
            rating_id: r.map(|r| r.id),
            years: years_around(s.year),
            s,
            typed,
            errors,
        },
    )
}

fn year_of(s: &str) -> i64 {
    parse_id(s).unwrap_or_else(|| i64::from(today().year()))
}

fn sheet_url(org_id: i64, year: i64) -> String {
    format!("/stars/{org_id}?year={year}")
}

/// An organization's sheet: `/stars/{id}?year=`.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Response> {
    let sheet = st
        .app
        .star_sheet(&auth.actor, org_id, year_of(&q.year))
        .await?;
    Ok(sheet_page(
        &auth,
        sheet,
        Typed::default(),
        FormErrors::default(),
    ))
}

/// A move of the rating with the scores of the stage the reader scores.
pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(org_id): PagePath<i64>,
    PageQuery(q): PageQuery<YearQuery>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let typed = Typed(fields);
    let year = parse_id(&q.year).unwrap_or_else(|| year_of(&typed.text("year")));
    let sheet = st.app.star_sheet(&auth.actor, org_id, year).await?;
    let input = match star_input(&sheet, &typed) {
        Ok(input) => input,
        Err(errs) => return Ok(sheet_page(&auth, sheet, typed, FormErrors(errs))),
    };
    match st
        .app
        .act_on_stars(&auth.actor, org_id, year, &input)
        .await
        .or_form()?
    {
        Ok(s) => Ok(Redirect::to(&sheet_url(s.org_id, s.year)).into_response()),
        Err(errs) => Ok(sheet_page(&auth, sheet, typed, FormErrors(errs))),
    }
}

/// A refused objection or answer shown on the sheet it was written on, named by the form;
/// without one, the refusal's own page.
async fn refused_on_sheet(
    st: &AppState,
    auth: &Auth,
    (org_id, year): (&str, &str),
    typed: Typed,
    errs: Vec<FieldError>,
) -> PageResult<Response> {
    let (Some(org_id), Some(year)) = (parse_id(org_id), parse_id(year)) else {
        return Err(ServiceError::Invalid(errs).into());
    };
    let sheet = st.app.star_sheet(&auth.actor, org_id, year).await?;
    Ok(sheet_page(auth, sheet, typed, FormErrors(errs)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ObjectionForm {
    content: String,
    org_id: String,
    year: String,
}

/// An objection to a published rating, while it is shown.
pub async fn object(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(rating_id): PagePath<i64>,
    PageForm(f): PageForm<ObjectionForm>,
) -> PageResult<Response> {
    match st
        .app
        .object_to_stars(&auth.actor, rating_id, &f.content)
        .await
        .or_form()?
    {
        Ok(s) => Ok(
            Redirect::to(&format!("{}#objections", sheet_url(s.org_id, s.year))).into_response(),
        ),
        Err(errs) => {
            let typed = Typed(vec![("content".into(), f.content)]);
            refused_on_sheet(&st, &auth, (&f.org_id, &f.year), typed, errs).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    org_id: String,
    year: String,
}

/// The district's answer to an objection.
pub async fn answer(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AnswerForm>,
) -> PageResult<Response> {
    match st
        .app
        .answer_star_objection(&auth.actor, id, &f.answer)
        .await
        .or_form()?
    {
        Ok(s) => Ok(
            Redirect::to(&format!("{}#objections", sheet_url(s.org_id, s.year))).into_response(),
        ),
        Err(errs) => {
            let typed = Typed(vec![(format!("answer_{id}"), f.answer)]);
            refused_on_sheet(&st, &auth, (&f.org_id, &f.year), typed, errs).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_read_in_tenths() {
        assert_eq!(parse_tenths("9.5"), Some(95));
        assert_eq!(parse_tenths(" 10 "), Some(100));
        assert_eq!(parse_tenths("10.0"), Some(100));
        assert_eq!(parse_tenths("9.50"), Some(95));
        assert_eq!(parse_tenths(".5"), Some(5));
        assert_eq!(parse_tenths("7."), Some(70));
        assert_eq!(parse_tenths("0"), Some(0));
        assert_eq!(
            parse_tenths("-1"),
            Some(-10),
            "the service explains the range"
        );
        for bad in [
            "",
            ".",
            "9.55",
            "abc",
            "9,5",
            "1e3",
            "9.5.1",
            "--1",
            "+1",
            "９",
            "999999999",
        ] {
            assert_eq!(parse_tenths(bad), None, "{bad:?}");
        }
    }

    fn line(code: &str, rule: &str, computed: Option<i64>) -> ScoreLine {
        ScoreLine {
            indicator: "工作制度".into(),
            code: code.into(),
            name: format!("项目{code}"),
            points_tenths: 100,
            rule: rule.into(),
            unit: (rule == "deduction").then(|| "少公开一个季度".into()),
            per_unit_tenths: (rule == "deduction").then_some(10),
            innovation: false,
            figure: computed.map(|_| "三会一课：应开 24 次，按时开 22 次".into()),
            computed_tenths: computed,
            units: None,
            own_tenths: None,
            own_reason: String::new(),
            town_tenths: None,
            town_reason: String::new(),
            district_tenths: None,
            district_reason: String::new(),
            score_tenths: computed,
            overridden: false,
        }
    }

    fn sheet(stage: &str, lines: Vec<ScoreLine>) -> StarSheet {
        use dangjian_domain::assessment::scheme::Scheme;
        StarSheet {
            org_id: 7,
            place: "某村党支部".into(),
            year: 2026,
            scheme: dangjian_service::assessment::StarScheme {
                id: 1,
                year: 2026,
                version: 1,
                scheme: Scheme::default(),
                self_opens_on: "2026-12-01".into(),
                self_closes_on: "2026-12-10".into(),
                self_days: 10,
                publish_days: 5,
                fixed: false,
                base_points_tenths: 1000,
            },
            rating: None,
            state: "self".into(),
            state_label: "自评中".into(),
            lines,
            total_tenths: 0,
            stars: 0,
            stage: Some(stage.into()),
            actions: vec!["save".into(), "submit".into()],
            window_open: true,
            may_object: false,
            may_answer: false,
            history: Vec::new(),
            objections: Vec::new(),
        }
    }

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        Typed(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_form_becomes_the_stage_scores() {
        let s = sheet(
            "own",
            vec![
                line("1.2", "manual", None),
                line("4.1", "computed", Some(91)),
                line("4.2", "computed", Some(100)),
                line("4.4", "deduction", None),
            ],
        );
        let form = typed(&[
            ("action", "save"),
            ("score_1.2", "9.5"),
            ("reason_1.2", ""),
            // Left at what the records give: not sent, so that it keeps following them.
            ("score_4.1", "9.1"),
            ("score_4.2", "8"),
            ("reason_4.2", " 两次未上传记录 "),
            ("units_4.4", "2"),
        ]);
        let input = star_input(&s, &form).expect("read");
        assert_eq!(input.action, "save");
        let got: Vec<(&str, Option<i64>, Option<i64>, &str)> = input
            .scores
            .iter()
            .map(|x| (x.code.as_str(), x.score_tenths, x.units, x.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1.2", Some(95), None, ""),
                ("4.2", Some(80), None, "两次未上传记录"),
                ("4.4", None, Some(2), ""),
            ]
        );
        // At the town's stage the same figure is sent: the town reviews every item.
        let town = sheet("town", vec![line("4.1", "computed", Some(91))]);
        let input = star_input(&town, &typed(&[("score_4.1", "9.1")])).expect("read");
        assert_eq!(input.scores.len(), 1);
    }

    #[test]
    fn unreadable_numbers_are_refused_naming_the_item_and_kept() {
        let s = sheet(
            "own",
            vec![line("1.2", "manual", None), line("4.4", "deduction", None)],
        );
        let form = typed(&[
            ("action", "submit"),
            ("score_1.2", "9.55"),
            ("units_4.4", "两次"),
        ]);
        let errs = star_input(&s, &form).expect_err("refused");
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, "score");
        assert!(
            errs[0].message.contains("评分项 1.2（项目1.2）") && errs[0].message.contains("9.55"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[1].field, "units");
        // Sending it back reads no score.
        let back = typed(&[("action", "return"), ("score_1.2", "x"), ("reason", "重评")]);
        assert_eq!(star_input(&s, &back).expect("return").reason, "重评");
        // The page shows what was typed.
        let g = groups(&s, &form);
        assert_eq!(g[0].lines[0].value, "9.55");
        assert_eq!(g[0].lines[1].value, "两次");
        assert_eq!(g[0].points, "20");
    }

    #[test]
    fn fields_are_filled_with_the_score_under_review() {
        let mut l = line("4.1", "computed", Some(91));
        let empty = Typed::default();
        assert_eq!(line_view(&l, Some("own"), &empty).value, "9.1");
        l.own_tenths = Some(80);
        assert_eq!(
            line_view(&l, Some("own"), &empty).value,
            "9.1",
            "a copy without a reason follows the records"
        );
        l.own_reason = "记录缺失".into();
        assert_eq!(line_view(&l, Some("own"), &empty).value, "8");
        assert_eq!(line_view(&l, Some("town"), &empty).value, "8");
        l.town_tenths = Some(85);
        assert_eq!(line_view(&l, Some("district"), &empty).value, "8.5");
        let v = line_view(&l, None, &empty);
        assert!(v.cells.iter().all(|c| !c.edit));
        assert_eq!(v.cells[0].reason, "记录缺失");
    }
}
