//! 软弱涣散排查整顿 pages: a level's listings of a year with each plan's progress, a town's
//! screening with its proposal and the district's decision, and a listed organization's
//! rectification (the plan's three lists, progress, evidence, support and acceptance).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::assessment::signoff::SignOffRules;
use dangjian_domain::assessment::weak::{ListingState, PlanList, WeakRules};
use dangjian_domain::org::OrgKind;
use dangjian_domain::{FieldError, date};
use dangjian_service::assessment::files::Owner;
use dangjian_service::assessment::policy;
use dangjian_service::assessment::weak::{
    DecisionInput, ItemInput, PlanItem, ProposalInput, Rectification, Screening, SignOffInput,
    SupportInput, WeakBoard,
};
use dangjian_service::{ServiceError, today};
use serde::Deserialize;

use super::files::{self, FilesBlock};
use super::{NAV, Tab, past_years, tabs};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery, PageUpload};
use crate::pages::request::public::Pick;
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, format_instant};

/// The screening year a page opens on: the year just ended, which the records cover whole.
fn last_year() -> i64 {
    i64::from(today().year()) - 1
}

fn year_of(s: &str) -> i64 {
    parse_id(s).unwrap_or_else(last_year)
}

/// Years as the page says them: "2023、2025 年".
fn years_text(years: &[i64]) -> String {
    if years.is_empty() {
        return String::new();
    }
    let list: Vec<String> = years.iter().map(i64::to_string).collect();
    format!("{} 年", list.join("、"))
}

/// The district's thresholds in one sentence.
pub(crate) fn rules_line(r: &WeakRules) -> String {
    format!(
        "排查标准：书记岗位空缺超过 {} 个月；三会一课或主题党日实开次数不足应开的 {}%；\
         本年度未开展民主评议党员；村（社区）连续 {} 年及以上未发展党员；群众满意度低于 {}%；\
         星级评定在本镇街排名末位；纪检监察、信访、政法等部门反映问题。符合任一项即列为候选。",
        r.vacancy_months, r.min_life_percent, r.years_without_recruit, r.min_satisfaction_percent
    )
}

/// A decision as one line: "2026-03-10 涪委组〔2026〕12号".
fn decision_text(on: Option<&str>, document: Option<&str>) -> String {
    [on.unwrap_or_default(), document.unwrap_or_default()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------
// A level's listings.

/// A listing's line of the board.
pub struct ListingLine {
    id: i64,
    place: String,
    state: String,
    state_label: String,
    reasons: String,
    decision: String,
    items: i64,
    done: i64,
    overdue: i64,
    times: i64,
}

pub struct StateCount {
    label: &'static str,
    count: i64,
}

#[derive(Template)]
#[template(path = "weak.html")]
struct BoardPage {
    l: Layout,
    tabs: Vec<Tab>,
    b: WeakBoard,
    years: Vec<i64>,
    counts: Vec<StateCount>,
    overdue: i64,
    lines: Vec<ListingLine>,
    /// The level is a town: its screening is linked.
    town: bool,
    /// The level's towns, for the district to open one's screening.
    towns: Vec<Pick>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    org: String,
    year: String,
}

/// A level's listings of a year: `?org=&year=` (default: the reader's level, last year).
pub async fn board(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<BoardQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let b = st
        .app
        .weak_board(a, parse_id(&q.org), year_of(&q.year))
        .await?;
    let o = st.app.org(a, b.org_id).await?;
    let town = o.kind == OrgKind::TownCommittee.as_str();
    let towns = if o.kind == OrgKind::DistrictCommittee.as_str() {
        st.app
            .org_children(a, o.id)
            .await?
            .into_iter()
            .filter(|c| c.org.kind == OrgKind::TownCommittee.as_str() && c.org.closed_on.is_none())
            .map(|c| Pick {
                id: c.org.id,
                name: c.org.name,
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let counts = ListingState::ALL
        .iter()
        .map(|s| StateCount {
            label: s.label(),
            count: b
                .lines
                .iter()
                .filter(|x| x.listing.state == s.as_str())
                .count() as i64,
        })
        .collect();
    let lines = b
        .lines
        .iter()
        .map(|x| ListingLine {
            id: x.listing.id,
            place: x.place.clone(),
            state: x.listing.state.clone(),
            state_label: x.listing.state_label.clone(),
            reasons: x.listing.reasons.join("；"),
            decision: decision_text(
                x.listing.decided_on.as_deref(),
                x.listing.document_no.as_deref(),
            ),
            items: x.items,
            done: x.done,
            overdue: x.overdue,
            times: x.times_listed,
        })
        .collect();
    let page = BoardPage {
        l: Layout::new(a, &auth.csrf, "软弱涣散排查整顿", NAV)
            .about(b.org_name.clone())
            .period(format!("{}年度", b.year)),
        tabs: tabs(Some(b.org_id), "weak"),
        years: past_years(b.year),
        counts,
        overdue: b.lines.iter().map(|x| x.overdue).sum(),
        lines,
        town,
        towns,
        b,
    };
    Ok(render(&page))
}

/// A level's listings of a year as xlsx: `?org=&year=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<BoardQuery>,
) -> PageResult<Response> {
    let b = st
        .app
        .weak_board(&auth.actor, parse_id(&q.org), year_of(&q.year))
        .await?;
    st.app
        .audit_export(&auth.actor, "软弱涣散名单", b.org_id, b.lines.len(), None)
        .await?;
    Ok(crate::export::weak(&b)?)
}

// ---------------------------------------------------------------------------------------
// A town's screening.

/// A screened organization's line: its reasons, listings before, and this year's proposal.
pub struct CandidateLine {
    org_id: i64,
    place: String,
    reasons: Vec<String>,
    before: String,
    listing_id: Option<i64>,
    state_label: String,
    /// Proposed and awaiting the district's decision.
    proposed: bool,
    /// Ticked for the proposal, as typed.
    checked: bool,
    /// The decision chosen for it, as typed: listed, not_listed or empty.
    decision: String,
}

/// The flag form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    town: String,
    year: String,
    org_id: String,
    source: String,
    note: String,
}

/// The thresholds' form as typed, or as stored.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RulesForm {
    town: String,
    year: String,
    vacancy_months: String,
    min_life_percent: String,
    years_without_recruit: String,
    min_satisfaction_percent: String,
    usual_from: String,
    usual_to: String,
}

impl RulesForm {
    fn of(r: &WeakRules) -> Self {
        RulesForm {
            vacancy_months: r.vacancy_months.to_string(),
            min_life_percent: r.min_life_percent.to_string(),
            years_without_recruit: r.years_without_recruit.to_string(),
            min_satisfaction_percent: r.min_satisfaction_percent.to_string(),
            usual_from: r.usual_share_percent.0.to_string(),
            usual_to: r.usual_share_percent.1.to_string(),
            ..RulesForm::default()
        }
    }
}

/// What the reader typed on the screening page, kept beside a refusal.
#[derive(Default)]
pub struct ScreeningTyped {
    org_ids: Vec<i64>,
    note: String,
    decisions: Vec<(i64, String)>,
    decided_on: String,
    document_no: String,
    flag: FlagForm,
    rules: Option<RulesForm>,
}

#[derive(Template)]
#[template(path = "weak_screening.html")]
struct ScreeningPage {
    l: Layout,
    tabs: Vec<Tab>,
    s: Screening,
    years: Vec<i64>,
    rules_line: String,
    /// The usual share as percentages: "5%–10%".
    usual_share: String,
    today: String,
    with_reasons: i64,
    candidates: Vec<CandidateLine>,
    /// Screened organizations the records do not make candidates, for a proposal with a note.
    others: Vec<Pick>,
    /// Every screened organization, for a department's flag.
    flag_orgs: Vec<Pick>,
    /// Proposals wait for the district's decision, and the reader decides.
    decidable: bool,
    typed: ScreeningTyped,
    rules: RulesForm,
    /// The form refused: propose, decide, flag or rules.
    which: &'static str,
    errors: FormErrors,
}

impl ScreeningPage {
    /// The refusal of a field of the form `form`, if that form was the one sent.
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.which == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

async fn screening_page(
    st: &AppState,
    auth: &Auth,
    (org, year): (i64, i64),
    mut typed: ScreeningTyped,
    which: &'static str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let s = st.app.weak_screening(a, org, year).await?;
    let screened: Vec<(i64, String)> = if s.may_propose || s.may_decide {
        st.app
            .org_children(a, s.org_id)
            .await?
            .into_iter()
            .map(|c| c.org)
            .filter(|o| o.closed_on.is_none())
            .filter(|o| OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots))
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let known = |id: i64| s.candidates.iter().any(|c| c.org_id == id);
    let others = screened
        .iter()
        .filter(|(id, _)| !known(*id))
        .map(|(id, name)| Pick {
            id: *id,
            name: name.clone(),
            selected: typed.org_ids.contains(id),
        })
        .collect();
    let flag_org = parse_id(&typed.flag.org_id);
    let flag_orgs = screened
        .iter()
        .map(|(id, name)| Pick {
            id: *id,
            name: name.clone(),
            selected: flag_org == Some(*id),
        })
        .collect();
    let candidates: Vec<CandidateLine> = s
        .candidates
        .iter()
        .map(|c| {
            let l = c.listing.as_ref();
            CandidateLine {
                org_id: c.org_id,
                place: c.place.clone(),
                reasons: c.reasons.clone(),
                before: if c.listed_before.is_empty() {
                    String::new()
                } else {
                    format!("{}曾列入", years_text(&c.listed_before))
                },
                listing_id: l.map(|l| l.id),
                state_label: l.map(|l| l.state_label.clone()).unwrap_or_default(),
                proposed: l.is_some_and(|l| l.state == ListingState::Proposed.as_str()),
                checked: typed.org_ids.contains(&c.org_id),
                decision: l
                    .and_then(|l| typed.decisions.iter().find(|(id, _)| *id == l.id))
                    .map(|(_, d)| d.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let decidable = s.may_decide && candidates.iter().any(|c| c.proposed);
    let rules = typed
        .rules
        .take()
        .unwrap_or_else(|| RulesForm::of(&s.rules));
    if typed.decided_on.is_empty() {
        typed.decided_on = date::format(today());
    }
    let status = errors.status();
    Ok(render_with(
        status,
        &ScreeningPage {
            l: Layout::new(a, &auth.csrf, "软弱涣散排查", NAV)
                .about(s.org_name.clone())
                .period(format!("{}年度", s.year)),
            tabs: tabs(Some(s.org_id), "weak"),
            years: past_years(s.year),
            rules_line: rules_line(&s.rules),
            usual_share: format!(
                "{}%–{}%",
                s.rules.usual_share_percent.0, s.rules.usual_share_percent.1
            ),
            today: date::format(today()),
            with_reasons: s
                .candidates
                .iter()
                .filter(|c| !c.reasons.is_empty())
                .count() as i64,
            candidates,
            others,
            flag_orgs,
            decidable,
            typed,
            rules,
            which,
            errors,
            s,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScreeningQuery {
    org: String,
    year: String,
}

impl ScreeningQuery {
    /// The town (default: the reader's own level, which the service refuses unless a town)
    /// and the year.
    fn town_and_year(&self, auth: &Auth) -> (i64, i64) {
        (
            parse_id(&self.org).unwrap_or(auth.actor.scope_org_id),
            year_of(&self.year),
        )
    }
}

fn screening_url(town: i64, year: i64) -> String {
    format!("/weak/screening?org={town}&year={year}")
}

/// A town's screening: `?org={town}&year=`.
pub async fn screening(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ScreeningQuery>,
) -> PageResult<Response> {
    let at = q.town_and_year(&auth);
    screening_page(
        &st,
        &auth,
        at,
        ScreeningTyped::default(),
        "",
        FormErrors::default(),
    )
    .await
}

/// The town's proposal: the ticked organizations (`org_ids`, repeated) and a note.
pub async fn propose(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ScreeningQuery>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (town, mut year) = q.town_and_year(&auth);
    let mut typed = ScreeningTyped::default();
    for (k, v) in fields {
        match k.as_str() {
            "org_ids" => typed.org_ids.extend(parse_id(&v)),
            "note" => typed.note = v,
            "year" => year = parse_id(&v).unwrap_or(year),
            _ => {}
        }
    }
    let input = ProposalInput {
        year: Some(year),
        org_ids: typed.org_ids.clone(),
        note: typed.note.clone(),
    };
    match st
        .app
        .propose_weak(&auth.actor, town, &input)
        .await
        .or_form()?
    {
        Ok(s) => Ok(
            Redirect::to(&format!("{}#candidates", screening_url(s.org_id, s.year)))
                .into_response(),
        ),
        Err(errs) => {
            screening_page(&st, &auth, (town, year), typed, "propose", FormErrors(errs)).await
        }
    }
}

/// The district's decision: `d_{listing}` = listed, not_listed or empty for each proposal
/// shown, with the date and the document; `org` and `year` name the screening to go back to.
pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut typed = ScreeningTyped::default();
    let (mut town, mut year) = (None, None);
    let mut input = DecisionInput::default();
    for (k, v) in fields {
        match k.as_str() {
            "org" => town = parse_id(&v),
            "year" => year = parse_id(&v),
            "decided_on" => typed.decided_on = v,
            "document_no" => typed.document_no = v,
            other => {
                let Some(id) = other.strip_prefix("d_").and_then(parse_id) else {
                    continue;
                };
                match v.as_str() {
                    "listed" => input.listed.push(id),
                    "not_listed" => input.not_listed.push(id),
                    _ => {}
                }
                typed.decisions.push((id, v));
            }
        }
    }
    input.decided_on = typed.decided_on.trim().to_string();
    input.document_no = typed.document_no.clone();
    let year = year.unwrap_or_else(last_year);
    match st.app.decide_weak(&auth.actor, &input).await.or_form()? {
        Ok(_) => Ok(Redirect::to(&match town {
            Some(t) => format!("{}#candidates", screening_url(t, year)),
            None => format!("/weak?year={year}"),
        })
        .into_response()),
        Err(errs) => match town {
            Some(t) => {
                screening_page(&st, &auth, (t, year), typed, "decide", FormErrors(errs)).await
            }
            None => Err(ServiceError::Invalid(errs).into()),
        },
    }
}

/// A department's flag entered by the district, from a town's screening.
pub async fn flag(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<FlagForm>,
) -> PageResult<Response> {
    let year = year_of(&f.year);
    let town = parse_id(&f.town);
    let outcome = match parse_id(&f.org_id) {
        Some(org) => st
            .app
            .flag_weak(&auth.actor, org, year, &f.source, &f.note)
            .await
            .or_form()?
            .map(|_| ()),
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择被标记的组织".to_string(),
        )]),
    };
    match (outcome, town) {
        (Ok(()), Some(t)) => {
            Ok(Redirect::to(&format!("{}#candidates", screening_url(t, year))).into_response())
        }
        (Ok(()), None) => Ok(Redirect::to(&format!("/weak?year={year}")).into_response()),
        (Err(errs), Some(t)) => {
            let typed = ScreeningTyped {
                flag: f,
                ..ScreeningTyped::default()
            };
            screening_page(&st, &auth, (t, year), typed, "flag", FormErrors(errs)).await
        }
        (Err(errs), None) => Err(ServiceError::Invalid(errs).into()),
    }
}

/// A whole number of a form, or a refusal naming the field.
fn number<T: std::str::FromStr>(
    text: &str,
    field: &'static str,
    what: &str,
    errs: &mut Vec<FieldError>,
) -> Option<T> {
    let t = text.trim();
    if t.is_empty() {
        errs.push(FieldError::new(field, "required", format!("请填写{what}")));
        return None;
    }
    match t.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(FieldError::new(
                field,
                "invalid_number",
                format!("{what}应为整数"),
            ));
            None
        }
    }
}

fn rules_of(f: &RulesForm) -> Result<WeakRules, Vec<FieldError>> {
    let mut errs = Vec::new();
    let vacancy = number(
        &f.vacancy_months,
        "vacancy_months",
        "书记空缺月数",
        &mut errs,
    );
    let life = number(
        &f.min_life_percent,
        "min_life_percent",
        "组织生活落实比例",
        &mut errs,
    );
    let recruit = number(
        &f.years_without_recruit,
        "years_without_recruit",
        "未发展党员年数",
        &mut errs,
    );
    let satisfaction = number(
        &f.min_satisfaction_percent,
        "min_satisfaction_percent",
        "群众满意度",
        &mut errs,
    );
    let from = number(
        &f.usual_from,
        "usual_share_percent",
        "常见比例下限",
        &mut errs,
    );
    let to = number(
        &f.usual_to,
        "usual_share_percent",
        "常见比例上限",
        &mut errs,
    );
    match (vacancy, life, recruit, satisfaction, from, to) {
        (Some(v), Some(l), Some(r), Some(s), Some(a), Some(b)) if errs.is_empty() => {
            Ok(WeakRules {
                vacancy_months: v,
                min_life_percent: l,
                years_without_recruit: r,
                min_satisfaction_percent: s,
                usual_share_percent: (a, b),
            })
        }
        _ => Err(errs),
    }
}

/// The district's thresholds, from a town's screening.
pub async fn save_rules(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<RulesForm>,
) -> PageResult<Response> {
    let year = year_of(&f.year);
    let town = parse_id(&f.town);
    let outcome = match rules_of(&f) {
        Ok(rules) => st
            .app
            .set_weak_rules(&auth.actor, &rules)
            .await
            .or_form()?
            .map(|_| ()),
        Err(errs) => Err(errs),
    };
    match (outcome, town) {
        (Ok(()), Some(t)) => Ok(Redirect::to(&format!(
            "{}#screening-rules",
            screening_url(t, year)
        ))
        .into_response()),
        (Ok(()), None) => Ok(Redirect::to(&format!("/weak?year={year}")).into_response()),
        (Err(errs), Some(t)) => {
            let typed = ScreeningTyped {
                rules: Some(f),
                ..ScreeningTyped::default()
            };
            screening_page(&st, &auth, (t, year), typed, "rules", FormErrors(errs)).await
        }
        (Err(errs), None) => Err(ServiceError::Invalid(errs).into()),
    }
}

// ---------------------------------------------------------------------------------------
// A listed organization's rectification.

/// An item of the plan as the tables show it.
pub struct ItemLine {
    content: String,
    person: String,
    deadline: String,
    done_on: String,
    overdue: bool,
}

pub struct PlanTable {
    key: &'static str,
    label: &'static str,
    items: Vec<ItemLine>,
}

pub struct ProgressLine {
    at: String,
    by: String,
    item: String,
    note: String,
}

pub struct SignOffLine {
    held_on: String,
    score: i64,
    vote: String,
    passed: bool,
    verdict: String,
    new_deadline: String,
}

/// The plan item form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemForm {
    list: String,
    content: String,
    person: String,
    deadline: String,
}

/// The progress form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProgressForm {
    item_id: String,
    note: String,
    done: String,
}

/// The support form as typed, or as assigned.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SupportForm {
    district_leader: String,
    town_leader: String,
    department: String,
    first_secretary: String,
}

/// The acceptance form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignOffForm {
    held_on: String,
    score: String,
    present: String,
    satisfied: String,
    basically_satisfied: String,
    dissatisfied: String,
    new_deadline: String,
}

/// The forms of a rectification page, as typed or as the page fills them first.
#[derive(Default)]
pub struct ListingForms {
    item: ItemForm,
    progress: ProgressForm,
    support: Option<SupportForm>,
    sign_off: SignOffForm,
}

#[derive(Template)]
#[template(path = "weak_listing.html")]
struct ListingPage {
    l: Layout,
    tabs: Vec<Tab>,
    r: Rectification,
    state: String,
    decision: String,
    /// "本次为第 2 次列入（2023、2025 年）".
    times: String,
    repeat: bool,
    tables: Vec<PlanTable>,
    list_choices: Vec<Choice>,
    item_choices: Vec<Choice>,
    progress: Vec<ProgressLine>,
    sign_offs: Vec<SignOffLine>,
    /// The evidence of the rectification.
    files: FilesBlock,
    may_support: bool,
    pass_score: i64,
    today: String,
    item: ItemForm,
    progress_form: ProgressForm,
    support: SupportForm,
    sign_off: SignOffForm,
    /// The form refused: item, progress, support, sign_off or file.
    which: &'static str,
    errors: FormErrors,
}

impl ListingPage {
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.which == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

fn item_label(i: &PlanItem, with_state: bool) -> String {
    let content: String = i.content.chars().take(30).collect();
    let more = if i.content.chars().count() > 30 {
        "…"
    } else {
        ""
    };
    let done = if with_state && i.done_on.is_some() {
        "（已完成）"
    } else {
        ""
    };
    format!("{}：{content}{more}{done}", i.list_label)
}

async fn listing_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    forms: ListingForms,
    which: &'static str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let r = st.app.rectification(a, id).await?;
    let o = st.app.org(a, r.listing.org_id).await?;
    let l = &r.listing;
    let state = l.state.clone();
    let may_support = policy::check_assign_support(a, &o.path).is_ok()
        && matches!(
            ListingState::parse(&state),
            Some(ListingState::Proposed | ListingState::Listed)
        );
    let ordinal = r.listed_years.iter().position(|y| *y == l.year);
    let times = match ordinal {
        Some(k) => format!(
            "本次为第 {} 次列入（{}）",
            k + 1,
            years_text(&r.listed_years)
        ),
        None if r.listed_years.is_empty() => "未曾列入".into(),
        None => format!("曾于 {} 列入", years_text(&r.listed_years)),
    };
    let tables = PlanList::ALL
        .iter()
        .map(|p| PlanTable {
            key: p.as_str(),
            label: p.label(),
            items: r
                .items
                .iter()
                .filter(|i| i.list == p.as_str())
                .map(|i| ItemLine {
                    content: i.content.clone(),
                    person: i.person.clone(),
                    deadline: i.deadline.clone(),
                    done_on: i.done_on.clone().unwrap_or_default(),
                    overdue: i.overdue,
                })
                .collect(),
        })
        .collect();
    let item = forms.item;
    let list_choices = PlanList::ALL
        .iter()
        .map(|p| Choice {
            value: p.as_str().into(),
            label: p.label().into(),
            selected: item.list == p.as_str(),
        })
        .collect();
    let chosen = parse_id(&forms.progress.item_id);
    let item_choices = r
        .items
        .iter()
        .map(|i| Choice {
            value: i.id.to_string(),
            label: item_label(i, true),
            selected: chosen == Some(i.id),
        })
        .collect();
    let label_of = |item: Option<i64>| {
        item.and_then(|id| r.items.iter().find(|i| i.id == id))
            .map(|i| item_label(i, false))
            .unwrap_or_default()
    };
    let progress = r
        .progress
        .iter()
        .map(|p| ProgressLine {
            at: format_instant(p.at),
            by: p.by_name.clone(),
            item: label_of(p.item_id),
            note: p.note.clone(),
        })
        .collect();
    let sign_offs = r
        .sign_offs
        .iter()
        .map(|s| SignOffLine {
            held_on: s.held_on.clone(),
            score: s.score,
            vote: format!(
                "到会 {}，满意 {}，基本满意 {}，不满意 {}",
                s.present, s.satisfied, s.basically_satisfied, s.dissatisfied
            ),
            passed: s.passed,
            verdict: s.verdict.clone(),
            new_deadline: s.new_deadline.clone().unwrap_or_default(),
        })
        .collect();
    let support = forms.support.unwrap_or_else(|| SupportForm {
        district_leader: l.district_leader.clone(),
        town_leader: l.town_leader.clone(),
        department: l.department.clone(),
        first_secretary: l.first_secretary.clone(),
    });
    let mut files = FilesBlock::new(
        "listing-files".into(),
        format!("/weak/listings/{}/files", l.id),
        &r.files,
        r.may_work,
        "整改佐证材料",
    );
    if which == "file" {
        files.refused(&errors.0);
    }
    let mut sign_off = forms.sign_off;
    let today = date::format(today());
    if sign_off.held_on.is_empty() {
        sign_off.held_on.clone_from(&today);
    }
    let status = errors.status();
    Ok(render_with(
        status,
        &ListingPage {
            l: Layout::new(a, &auth.csrf, "软弱涣散整顿", NAV)
                .about(r.place.clone())
                .period(format!("{}年度", l.year)),
            tabs: tabs(None, "weak"),
            decision: decision_text(l.decided_on.as_deref(), l.document_no.as_deref()),
            repeat: r.listed_years.len() > 1,
            times,
            state,
            tables,
            list_choices,
            item_choices,
            progress,
            sign_offs,
            files,
            may_support,
            pass_score: SignOffRules::default().pass_score,
            today,
            item,
            progress_form: forms.progress,
            support,
            sign_off,
            which,
            errors,
            r,
        },
    ))
}

fn listing_url(id: i64, part: &str) -> String {
    format!("/weak/listings/{id}#{part}")
}

/// A listed organization's rectification.
pub async fn listing(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    listing_page(
        &st,
        &auth,
        id,
        ListingForms::default(),
        "",
        FormErrors::default(),
    )
    .await
}

/// An item of one of the plan's three lists.
pub async fn add_item(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ItemForm>,
) -> PageResult<Response> {
    let input = ItemInput {
        list: f.list.clone(),
        content: f.content.clone(),
        person: f.person.clone(),
        deadline: f.deadline.trim().to_string(),
    };
    match st
        .app
        .add_plan_item(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(r) => Ok(Redirect::to(&listing_url(r.listing.id, "plan")).into_response()),
        Err(errs) => {
            let forms = ListingForms {
                item: f,
                ..ListingForms::default()
            };
            listing_page(&st, &auth, id, forms, "item", FormErrors(errs)).await
        }
    }
}

/// A progress entry on the plan or one item, marking the item done if ticked.
pub async fn add_progress(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ProgressForm>,
) -> PageResult<Response> {
    let item = parse_id(&f.item_id);
    let done = matches!(f.done.as_str(), "true" | "on");
    match st
        .app
        .add_plan_progress(&auth.actor, id, item, &f.note, done)
        .await
        .or_form()?
    {
        Ok(r) => Ok(Redirect::to(&listing_url(r.listing.id, "progress")).into_response()),
        Err(errs) => {
            let forms = ListingForms {
                progress: f,
                ..ListingForms::default()
            };
            listing_page(&st, &auth, id, forms, "progress", FormErrors(errs)).await
        }
    }
}

/// The support assigned by the town or the district.
pub async fn set_support(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<SupportForm>,
) -> PageResult<Response> {
    let input = SupportInput {
        district_leader: f.district_leader.clone(),
        town_leader: f.town_leader.clone(),
        department: f.department.clone(),
        first_secretary: f.first_secretary.clone(),
    };
    match st
        .app
        .set_weak_support(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(r) => Ok(Redirect::to(&listing_url(r.listing.id, "support")).into_response()),
        Err(errs) => {
            let forms = ListingForms {
                support: Some(f),
                ..ListingForms::default()
            };
            listing_page(&st, &auth, id, forms, "support", FormErrors(errs)).await
        }
    }
}

/// Evidence of the rectification, while the organization is listed; back to the evidence.
pub async fn upload_file(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageUpload(u): PageUpload,
) -> PageResult<Response> {
    match files::attach(&st, &auth, Owner::Listing(id), &u).await? {
        Ok(()) => Ok(files::back_to(&headers, &listing_url(id, "evidence"))),
        Err(errs) => file_refused(&st, &auth, id, errs).await,
    }
}

pub async fn download_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    files::download(&st, &auth, Owner::Listing(id), file_id).await
}

pub async fn delete_file(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    match files::delete(&st, &auth, Owner::Listing(id), file_id).await? {
        Ok(()) => Ok(Redirect::to(&listing_url(id, "evidence")).into_response()),
        Err(errs) => file_refused(&st, &auth, id, errs).await,
    }
}

async fn file_refused(
    st: &AppState,
    auth: &Auth,
    id: i64,
    errs: Vec<FieldError>,
) -> PageResult<Response> {
    let forms = ListingForms::default();
    listing_page(st, auth, id, forms, "file", FormErrors(errs)).await
}

fn sign_off_input(f: &SignOffForm) -> Result<SignOffInput, Vec<FieldError>> {
    let mut errs = Vec::new();
    let score = number(&f.score, "score", "验收得分", &mut errs);
    let present = number(&f.present, "present", "到会人数", &mut errs);
    // Votes left empty count none.
    let votes = |text: &str, field, what, errs: &mut Vec<FieldError>| {
        if text.trim().is_empty() {
            Some(0)
        } else {
            number(text, field, what, errs)
        }
    };
    let satisfied = votes(&f.satisfied, "satisfied", "满意票数", &mut errs);
    let basically = votes(
        &f.basically_satisfied,
        "basically_satisfied",
        "基本满意票数",
        &mut errs,
    );
    let dissatisfied = votes(&f.dissatisfied, "dissatisfied", "不满意票数", &mut errs);
    match (score, present, satisfied, basically, dissatisfied) {
        (Some(score), Some(present), Some(s), Some(b), Some(d)) if errs.is_empty() => {
            Ok(SignOffInput {
                held_on: f.held_on.trim().to_string(),
                score,
                present,
                satisfied: s,
                basically_satisfied: b,
                dissatisfied: d,
                new_deadline: f.new_deadline.trim().to_string(),
            })
        }
        _ => Err(errs),
    }
}

/// The district's acceptance with its score and democratic vote.
pub async fn sign_off(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<SignOffForm>,
) -> PageResult<Response> {
    let outcome = match sign_off_input(&f) {
        Ok(input) => st
            .app
            .sign_off_weak(&auth.actor, id, &input)
            .await
            .or_form()?
            .map(|r| r.listing.id),
        Err(errs) => Err(errs),
    };
    match outcome {
        Ok(id) => Ok(Redirect::to(&listing_url(id, "sign-offs")).into_response()),
        Err(errs) => {
            let forms = ListingForms {
                sign_off: f,
                ..ListingForms::default()
            };
            listing_page(&st, &auth, id, forms, "sign_off", FormErrors(errs)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_refused_in_chinese_naming_the_field() {
        let mut errs = Vec::new();
        assert_eq!(
            number::<i64>(" 85 ", "score", "验收得分", &mut errs),
            Some(85)
        );
        assert_eq!(number::<i64>("八十", "score", "验收得分", &mut errs), None);
        assert_eq!(number::<i64>("", "present", "到会人数", &mut errs), None);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].message, "验收得分应为整数");
        assert_eq!(errs[1].field, "present");

        let f = SignOffForm {
            held_on: "2026-01-05".into(),
            score: "82".into(),
            present: "15".into(),
            satisfied: "12".into(),
            ..SignOffForm::default()
        };
        let input = sign_off_input(&f).expect("read");
        assert_eq!((input.score, input.present, input.satisfied), (82, 15, 12));
        assert_eq!(input.dissatisfied, 0, "an empty count is none");
        let bad = SignOffForm {
            score: "8.5".into(),
            ..f
        };
        let errs = sign_off_input(&bad).expect_err("refused");
        assert_eq!(errs[0].field, "score");
    }

    #[test]
    fn rules_read_from_the_form() {
        let f = RulesForm::of(&WeakRules::default());
        assert_eq!(rules_of(&f), Ok(WeakRules::default()));
        let bad = RulesForm {
            usual_to: "十".into(),
            ..RulesForm::of(&WeakRules::default())
        };
        let errs = rules_of(&bad).expect_err("refused");
        assert_eq!(errs[0].field, "usual_share_percent");
        assert!(rules_line(&WeakRules::default()).contains("空缺超过 3 个月"));
    }

    #[test]
    fn years_and_decisions_read_as_a_line() {
        assert_eq!(years_text(&[2023, 2025]), "2023、2025 年");
        assert_eq!(years_text(&[]), "");
        assert_eq!(
            decision_text(Some("2026-03-10"), Some("涪委组〔2026〕12号")),
            "2026-03-10 涪委组〔2026〕12号"
        );
        assert_eq!(decision_text(None, None), "");
    }
}
