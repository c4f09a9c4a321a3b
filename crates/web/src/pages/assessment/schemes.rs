//! The district's star-rating schemes: every year's versions, the chosen year's indicators
//! and tiers as a table, and (for the district) the scheme as JSON with its windows.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::assessment::scheme::{Rule, Scheme};
use dangjian_domain::assessment::stars::{DEFAULT_PUBLISH_DAYS, DEFAULT_SELF_DAYS, tenths};
use dangjian_service::assessment::{SchemeInput, StarScheme, policy};
use dangjian_service::today;
use serde::Deserialize;

use super::{NAV, scheme_line, star_text, years_around};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PageQuery};
use crate::pages::YearQuery;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::Layout;

/// A version of a year's scheme, as a line of the list.
pub struct VersionLine {
    year: i64,
    version: i64,
    fixed: bool,
    window: String,
    publish_days: i64,
    base: String,
    chosen: bool,
}

pub struct ItemRow {
    code: String,
    name: String,
    points: String,
    rule: String,
    innovation: bool,
}

pub struct IndicatorView {
    name: String,
    points: String,
    items: Vec<ItemRow>,
}

pub struct TierRow {
    stars: String,
    min: String,
    needs_innovation: bool,
    expected: String,
}

/// How an item is scored, said the way a scheme document says it.
pub fn rule_text(rule: &Rule) -> String {
    match rule {
        Rule::Manual => "人工评分".into(),
        Rule::Computed { source } => format!("平台计算：{}", source.label()),
        Rule::Deduction {
            per_unit_tenths,
            unit,
        } => format!("按次扣分：{unit}，每次扣 {} 分", tenths(*per_unit_tenths)),
    }
}

fn indicators(s: &Scheme) -> Vec<IndicatorView> {
    s.indicators
        .iter()
        .map(|ind| IndicatorView {
            name: ind.name.clone(),
            points: tenths(ind.items.iter().map(|i| i.points_tenths).sum()),
            items: ind
                .items
                .iter()
                .map(|i| ItemRow {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    points: tenths(i.points_tenths),
                    rule: rule_text(&i.rule),
                    innovation: i.innovation,
                })
                .collect(),
        })
        .collect()
}

fn tiers(s: &Scheme) -> Vec<TierRow> {
    s.tiers
        .0
        .iter()
        .map(|t| TierRow {
            stars: star_text(i64::from(t.stars)),
            min: tenths(t.min_tenths),
            needs_innovation: t.needs_innovation,
            expected: if t.expected_percent > 0 {
                format!("{}%", t.expected_percent)
            } else {
                "—".into()
            },
        })
        .collect()
}

/// The scheme form as typed, or as the page fills it first.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SchemeForm {
    year: String,
    scheme: String,
    self_opens_on: String,
    self_days: String,
    publish_days: String,
    new_version: String,
}

fn pretty(s: &Scheme) -> String {
    serde_json::to_string_pretty(s).unwrap_or_default()
}

/// The form for `year`: its current scheme, or as a draft the newest scheme kept (or the
/// common one), with the windows the service would take.
fn form_for(year: i64, current: Option<&StarScheme>, draft: Option<&StarScheme>) -> SchemeForm {
    let (scheme, opens, self_days, publish_days) = match current {
        Some(c) => (
            pretty(&c.scheme),
            c.self_opens_on.clone(),
            c.self_days,
            c.publish_days,
        ),
        None => (
            pretty(&draft.map_or_else(Scheme::default, |d| d.scheme.clone())),
            format!("{year:04}-12-01"),
            draft.map_or(DEFAULT_SELF_DAYS, |d| d.self_days),
            draft.map_or(DEFAULT_PUBLISH_DAYS, |d| d.publish_days),
        ),
    };
    SchemeForm {
        year: year.to_string(),
        scheme,
        self_opens_on: opens,
        self_days: self_days.to_string(),
        publish_days: publish_days.to_string(),
        new_version: String::new(),
    }
}

#[derive(Template)]
#[template(path = "star_schemes.html")]
struct SchemesPage {
    l: Layout,
    year: i64,
    years: Vec<i64>,
    versions: Vec<VersionLine>,
    current: Option<StarScheme>,
    current_line: String,
    indicators: Vec<IndicatorView>,
    tiers: Vec<TierRow>,
    /// Where a new year's draft comes from.
    draft_from: String,
    can_edit: bool,
    form: SchemeForm,
    errors: FormErrors,
}

async fn schemes_page(
    st: &AppState,
    auth: &Auth,
    year: i64,
    form: Option<SchemeForm>,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let all = st.app.star_schemes(a).await?;
    let current = st.app.star_scheme(a, year).await?;
    let draft = all.first().filter(|_| current.is_none());
    let draft_from = match (&current, draft) {
        (Some(_), _) => String::new(),
        (None, Some(d)) => format!("{} 年度第 {} 版", d.year, d.version),
        (None, None) => "常见方案（8 项指标，基础分 100 分、加分 10 分）".into(),
    };
    let form = form.unwrap_or_else(|| form_for(year, current.as_ref(), draft));
    let versions = all
        .iter()
        .map(|s| VersionLine {
            year: s.year,
            version: s.version,
            fixed: s.fixed,
            window: format!("{} 至 {}", s.self_opens_on, s.self_closes_on),
            publish_days: s.publish_days,
            base: tenths(s.base_points_tenths),
            chosen: current.as_ref().is_some_and(|c| c.id == s.id),
        })
        .collect();
    let mut years = years_around(year);
    for s in &all {
        if !years.contains(&s.year) {
            years.push(s.year);
        }
    }
    years.sort_unstable_by(|x, y| y.cmp(x));
    let status = errors.status();
    Ok(render_with(
        status,
        &SchemesPage {
            l: Layout::new(a, &auth.csrf, "星级评定方案", NAV).period(format!("{year}年度")),
            year,
            years,
            versions,
            indicators: current
                .as_ref()
                .map(|c| indicators(&c.scheme))
                .unwrap_or_default(),
            tiers: current
                .as_ref()
                .map(|c| tiers(&c.scheme))
                .unwrap_or_default(),
            current_line: current.as_ref().map(scheme_line).unwrap_or_default(),
            current,
            draft_from,
            can_edit: policy::is_district(a),
            form,
            errors,
        },
    ))
}

fn this_year() -> i64 {
    i64::from(today().year())
}

/// The schemes, with the year `?year=` shown.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Response> {
    let year = parse_id(&q.year).unwrap_or_else(this_year);
    schemes_page(&st, &auth, year, None, FormErrors::default()).await
}

/// A scheme's JSON as the service takes it, or a refusal naming where it fails.
fn scheme_of(text: &str) -> Result<Option<Scheme>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text).map(Some).map_err(|e| {
        let at = format!("第 {} 行第 {} 列附近", e.line(), e.column());
        let message = match e.classify() {
            serde_json::error::Category::Data => {
                // serde's own words name the field; the place is said above.
                let detail = e.to_string();
                let detail = detail.split(" at line ").next().unwrap_or_default();
                format!("方案的内容与格式不符（{at}）：字段缺少、多余或取值不对（{detail}）")
            }
            _ => format!("方案不是有效的 JSON（{at}），请检查括号、引号和逗号"),
        };
        FieldError::new("scheme", "invalid_json", message)
    })
}

/// Days as typed: empty keeps the stored or default value; anything but a whole number is
/// refused here.
fn days_of(text: &str, field: &'static str, what: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(FieldError::new(
                field,
                "invalid_number",
                format!("{what}应为整数天数"),
            ));
            None
        }
    }
}

/// The district saves the year's scheme, or makes its next version.
pub async fn save(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<SchemeForm>,
) -> PageResult<Response> {
    let mut errs = Vec::new();
    let year = parse_id(&f.year);
    if year.is_none() {
        errs.push(FieldError::new(
            "year",
            "invalid_year",
            "请选择评定年度".to_string(),
        ));
    }
    let scheme = scheme_of(&f.scheme).unwrap_or_else(|e| {
        errs.push(e);
        None
    });
    let self_days = days_of(&f.self_days, "self_days", "自评期", &mut errs);
    let publish_days = days_of(&f.publish_days, "publish_days", "公示期", &mut errs);
    let shown = year.unwrap_or_else(this_year);
    let Some(year) = year.filter(|_| errs.is_empty()) else {
        return schemes_page(&st, &auth, shown, Some(f), FormErrors(errs)).await;
    };
    let input = SchemeInput {
        scheme,
        self_opens_on: f.self_opens_on.trim().to_string(),
        self_days,
        publish_days,
    };
    let new_version = f.new_version == "true";
    match st
        .app
        .save_star_scheme(&auth.actor, year, &input, new_version)
        .await
        .or_form()?
    {
        Ok(s) => Ok(Redirect::to(&format!("/stars/schemes?year={}", s.year)).into_response()),
        Err(errs) => schemes_page(&st, &auth, year, Some(f), FormErrors(errs)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_round_trips_and_bad_json_is_refused_in_chinese() {
        let s = Scheme::default();
        assert_eq!(scheme_of(&pretty(&s)), Ok(Some(s)));
        assert_eq!(scheme_of("  "), Ok(None));
        let e = scheme_of("{\"indicators\": [").expect_err("truncated");
        assert_eq!(e.field, "scheme");
        assert!(e.message.contains("不是有效的 JSON"), "{}", e.message);
        let e = scheme_of("{\"indicators\": []}").expect_err("no tiers");
        assert!(e.message.contains("tiers"), "{}", e.message);
        assert_eq!(
            rule_text(&Rule::Deduction {
                per_unit_tenths: 5,
                unit: "少公开一个季度".into()
            }),
            "按次扣分：少公开一个季度，每次扣 0.5 分"
        );
    }
}
