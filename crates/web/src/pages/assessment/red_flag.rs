//! 红旗党组织 pages: a level's titles year by year with how long each holder has held one,
//! revoked ones struck through with their reason; the district awards a year's titles and
//! revokes one.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::org::OrgKind;
use dangjian_service::assessment::policy;
use dangjian_service::assessment::weak::{AwardInput, RedFlag};
use dangjian_service::today;
use serde::Deserialize;

use super::{NAV, Tab, past_years, tabs};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::request::public::{Pick, PickGroup};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::Layout;

/// Titles are awarded early in the year for the year before.
fn last_year() -> i64 {
    i64::from(today().year()) - 1
}

/// For each title not revoked, the years its holder has held one without a break up to the
/// title's year.
pub(crate) fn runs(flags: &[RedFlag]) -> HashMap<i64, i64> {
    let mut held: HashMap<i64, HashSet<i64>> = HashMap::new();
    for f in flags.iter().filter(|f| f.revoked_on.is_none()) {
        held.entry(f.org_id).or_default().insert(f.year);
    }
    flags
        .iter()
        .filter(|f| f.revoked_on.is_none())
        .map(|f| {
            let years = held.get(&f.org_id);
            let mut n = 0;
            while years.is_some_and(|y| y.contains(&(f.year - n))) {
                n += 1;
            }
            (f.id, n)
        })
        .collect()
}

/// How long the holder has held a title: "连续 3 年", "累计 2 年", or both.
pub(crate) fn held_text(run: i64, total: i64) -> String {
    match (run > 1, total > run) {
        (true, true) => format!("连续 {run} 年，累计 {total} 年"),
        (true, false) => format!("连续 {run} 年"),
        (false, _) if total > 1 => format!("累计 {total} 年"),
        _ => "首次获评".into(),
    }
}

pub struct FlagLine {
    id: i64,
    place: String,
    awarded_on: String,
    document_no: String,
    revoked: bool,
    revoked_on: String,
    revoked_reason: String,
    held: String,
    /// The reason typed for a refused revocation of this title.
    typed_reason: String,
}

pub struct YearGroup {
    year: i64,
    active: i64,
    lines: Vec<FlagLine>,
}

/// The award form as typed.
#[derive(Default)]
pub struct AwardTyped {
    year: String,
    org_ids: Vec<i64>,
    awarded_on: String,
    document_no: String,
}

#[derive(Template)]
#[template(path = "red_flags.html")]
struct FlagsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    groups: Vec<YearGroup>,
    active: i64,
    revoked: i64,
    district: bool,
    /// The organizations towns screen, by town, for the award (named `communities` for the
    /// shared picker's options).
    communities: Vec<PickGroup>,
    years: Vec<i64>,
    award_year: i64,
    award: AwardTyped,
    /// The title whose revocation was refused (0: none).
    revoking: i64,
    /// The form refused: award or revoke.
    which: &'static str,
    errors: FormErrors,
}

impl FlagsPage {
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.which == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

fn is_open_grassroots(o: &dangjian_service::orgs::Org) -> bool {
    o.closed_on.is_none() && OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots)
}

/// What the district may award a title to: the grassroots organizations directly under each
/// town (the level a town screens), grouped by town, and those directly under the district.
/// Also the picker of a contact point's and a problem's organization.
pub(super) async fn award_choices(
    st: &AppState,
    auth: &Auth,
    chosen: &[i64],
) -> PageResult<Vec<PickGroup>> {
    let a = &auth.actor;
    let home = st.app.home_org(a).await?;
    let pick = |o: dangjian_service::orgs::Org| Pick {
        selected: chosen.contains(&o.id),
        id: o.id,
        name: o.name,
    };
    let mut direct = Vec::new();
    let mut groups = Vec::new();
    for c in st.app.org_children(a, home.id).await? {
        let o = c.org;
        if o.closed_on.is_some() {
            continue;
        }
        if o.kind == OrgKind::TownCommittee.as_str() {
            let picks: Vec<Pick> = st
                .app
                .org_children(a, o.id)
                .await?
                .into_iter()
                .map(|c| c.org)
                .filter(is_open_grassroots)
                .map(pick)
                .collect();
            if !picks.is_empty() {
                groups.push(PickGroup {
                    label: o.name,
                    picks,
                });
            }
        } else if is_open_grassroots(&o) {
            direct.push(pick(o));
        }
    }
    if !direct.is_empty() {
        groups.insert(
            0,
            PickGroup {
                label: format!("{}直属", home.name),
                picks: direct,
            },
        );
    }
    Ok(groups)
}

async fn flags_page(
    st: &AppState,
    auth: &Auth,
    org: Option<i64>,
    (award, revoke): (AwardTyped, (i64, String)),
    which: &'static str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match org {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let flags = st.app.red_flags(a, Some(o.id)).await?;
    let district = policy::is_district(a);
    let communities = if district {
        award_choices(st, auth, &award.org_ids).await?
    } else {
        Vec::new()
    };
    let run = runs(&flags);
    let mut groups: Vec<YearGroup> = Vec::new();
    for f in &flags {
        let line = FlagLine {
            id: f.id,
            place: f.place.clone(),
            awarded_on: f.awarded_on.clone(),
            document_no: f.document_no.clone(),
            revoked: f.revoked_on.is_some(),
            revoked_on: f.revoked_on.clone().unwrap_or_default(),
            revoked_reason: f.revoked_reason.clone(),
            held: held_text(run.get(&f.id).copied().unwrap_or(0), f.times_held),
            typed_reason: if revoke.0 == f.id {
                revoke.1.clone()
            } else {
                String::new()
            },
        };
        let active = i64::from(f.revoked_on.is_none());
        match groups.iter_mut().find(|g| g.year == f.year) {
            Some(g) => {
                g.active += active;
                g.lines.push(line);
            }
            None => groups.push(YearGroup {
                year: f.year,
                active,
                lines: vec![line],
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.year));
    let award_year = parse_id(&award.year).unwrap_or_else(last_year);
    let active = flags.iter().filter(|f| f.revoked_on.is_none()).count() as i64;
    let status = errors.status();
    Ok(render_with(
        status,
        &FlagsPage {
            l: Layout::new(a, &auth.csrf, "红旗党组织", NAV).about(o.name.clone()),
            tabs: tabs(Some(o.id), "red_flags"),
            org_id: o.id,
            org_name: o.name,
            groups,
            revoked: flags.len() as i64 - active,
            active,
            district,
            communities,
            years: past_years(award_year),
            award_year,
            award,
            revoking: revoke.0,
            which,
            errors,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

/// A level's red-flag titles: `?org=` (default: the reader's level).
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    flags_page(
        &st,
        &auth,
        parse_id(&q.org),
        (AwardTyped::default(), (0, String::new())),
        "",
        FormErrors::default(),
    )
    .await
}

fn list_url(org: Option<i64>, anchor: &str) -> String {
    match org {
        Some(o) => format!("/red-flags?org={o}#{anchor}"),
        None => format!("/red-flags#{anchor}"),
    }
}

/// The district awards a year's titles: `org_ids` (repeated), the year, date and document;
/// `org` names the level to go back to.
pub async fn award(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let mut typed = AwardTyped::default();
    let mut org = None;
    for (k, v) in fields {
        match k.as_str() {
            "org_ids" => typed.org_ids.extend(parse_id(&v)),
            "year" => typed.year = v,
            "awarded_on" => typed.awarded_on = v,
            "document_no" => typed.document_no = v,
            "org" => org = parse_id(&v),
            _ => {}
        }
    }
    let outcome = match parse_id(&typed.year) {
        Some(year) => {
            let input = AwardInput {
                year: Some(year),
                org_ids: typed.org_ids.clone(),
                awarded_on: typed.awarded_on.trim().to_string(),
                document_no: typed.document_no.clone(),
            };
            st.app
                .award_red_flags(&auth.actor, &input)
                .await
                .or_form()?
                .map(|_| year)
        }
        None => Err(vec![FieldError::new(
            "year",
            "required",
            "请选择授予的年度".to_string(),
        )]),
    };
    match outcome {
        Ok(year) => Ok(Redirect::to(&list_url(org, &format!("year-{year}"))).into_response()),
        Err(errs) => {
            flags_page(
                &st,
                &auth,
                org,
                (typed, (0, String::new())),
                "award",
                FormErrors(errs),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
    org: String,
}

/// The district revokes a title with the reason.
pub async fn revoke(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RevokeForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org);
    match st
        .app
        .revoke_red_flag(&auth.actor, id, &f.reason)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&list_url(org, &format!("flag-{id}"))).into_response()),
        Err(errs) => {
            flags_page(
                &st,
                &auth,
                org,
                (AwardTyped::default(), (id, f.reason)),
                "revoke",
                FormErrors(errs),
            )
            .await
        }
    }
}

/// A level's titles as xlsx: `?org=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let flags = st.app.red_flags(a, Some(o.id)).await?;
    st.app
        .audit_export(a, "红旗党组织", o.id, flags.len(), None)
        .await?;
    Ok(crate::export::red_flags(&o.name, &flags, &runs(&flags))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(id: i64, org_id: i64, year: i64, revoked: bool) -> RedFlag {
        RedFlag {
            id,
            year,
            org_id,
            place: format!("村{org_id}"),
            awarded_on: format!("{}-01-15", year + 1),
            document_no: "涪委〔2026〕3号".into(),
            revoked_on: revoked.then(|| "2026-05-01".into()),
            revoked_reason: if revoked {
                "发生违纪问题".into()
            } else {
                String::new()
            },
            times_held: 0,
        }
    }

    #[test]
    fn runs_count_unbroken_years_up_to_each_title() {
        let flags = vec![
            flag(1, 7, 2025, false),
            flag(2, 7, 2024, false),
            flag(3, 7, 2022, false),
            flag(4, 8, 2025, false),
            flag(5, 8, 2024, true),
            flag(6, 8, 2023, false),
        ];
        let r = runs(&flags);
        assert_eq!(r[&1], 2);
        assert_eq!(r[&2], 1);
        assert_eq!(r[&3], 1);
        assert_eq!(r[&4], 1, "a revoked title breaks the run");
        assert!(!r.contains_key(&5));
        assert_eq!(held_text(2, 3), "连续 2 年，累计 3 年");
        assert_eq!(held_text(3, 3), "连续 3 年");
        assert_eq!(held_text(1, 2), "累计 2 年");
        assert_eq!(held_text(1, 1), "首次获评");
    }
}
