//! What templates show: display strings prepared in Rust, so templates hold no logic.

use dangjian_domain::bands::{Category, Education, Status};
use dangjian_domain::date;
use dangjian_domain::id_number::Gender;
use dangjian_domain::member::{age, party_age};
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_service::members::Member;
use dangjian_service::orgs::ChildSummary;
use dangjian_service::orgs::Org;
use dangjian_service::{Actor, today};
use serde::Serialize;
use time::{OffsetDateTime, UtcOffset};

pub fn format_instant(ms: i64) -> String {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(|t| {
            let t = t.to_offset(offset);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// Minutes as hours with one decimal and thousands grouped: 41,608,320 minutes read
/// "693,472.0".
pub fn hours(minutes: i64) -> String {
    let tenths = (minutes.max(0) * 10 + 30) / 60;
    let whole = (tenths / 10).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{}", tenths % 10)
}

pub fn kind_label(code: &str) -> &'static str {
    OrgKind::parse(code).map_or("未知", OrgKind::label)
}

pub fn owner_label(code: &str) -> &'static str {
    OrgOwner::parse(code).map_or("—", OrgOwner::label)
}

fn last_login(actor: &Actor) -> String {
    match actor.session.as_ref() {
        Some(s) => match (s.previous_login_at, s.previous_login_ip.as_deref()) {
            (Some(at), Some(ip)) => format!("上次登录 {} · {ip}", format_instant(at)),
            (Some(at), None) => format!("上次登录 {}", format_instant(at)),
            _ => "首次登录".into(),
        },
        None => String::new(),
    }
}

/// What every page's frame needs: who is logged in and the CSRF token.
pub struct Layout {
    pub title: String,
    pub user: String,
    pub role: &'static str,
    pub scope: String,
    pub csrf: String,
    pub nav: &'static str,
    pub reads_registry: bool,
    pub reads_audit: bool,
    pub manages_accounts: bool,
    pub manages_security: bool,
    /// The session is past its stages (second factor, new password, enrolment): the menu
    /// and the reminders' bell show only then, since none of them would open before.
    pub settled: bool,
    /// "上次登录 2026-12-05 09:12:03 · 10.0.0.8": the account's login before this session,
    /// so that one it did not make stands out.
    pub last_login: String,
    /// A plain member's menu: their own pages (我的) instead of a level's.
    pub member_home: bool,
    /// JSON for htmx's `hx-headers`, carrying the CSRF token.
    pub hx_headers: String,
    /// The printed title block: whose figures (default: the account's scope), of which
    /// period (if the page has one), printed when.
    pub print_org: String,
    pub print_period: String,
    pub printed_on: String,
}

impl Layout {
    /// A static file's address with its content version (cached for a year).
    pub fn asset(&self, name: &str) -> String {
        crate::assets::url(name)
    }

    pub fn new(actor: &Actor, csrf: &str, title: impl Into<String>, nav: &'static str) -> Self {
        Layout {
            title: title.into(),
            user: actor.display_name.clone(),
            role: actor.role.label(),
            scope: actor.scope_name.clone(),
            csrf: csrf.to_string(),
            nav,
            reads_registry: actor.reads_registry(),
            reads_audit: actor.reads_audit(),
            settled: actor
                .session
                .as_ref()
                .is_none_or(|s| s.stage == dangjian_service::auth::Stage::Ok),
            manages_accounts: actor.role.manages_accounts(),
            manages_security: actor.role.manages_security(),
            last_login: last_login(actor),
            member_home: actor.member_home(),
            hx_headers: serde_json::json!({ "X-CSRF-Token": csrf }).to_string(),
            print_org: actor.scope_name.clone(),
            print_period: String::new(),
            printed_on: {
                let d = today();
                format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
            },
        }
    }

    /// The organization a printed page is about, named with its parents.
    pub fn about(mut self, title: String) -> Self {
        self.print_org = title;
        self
    }

    /// The period a printed page covers, as the page names it.
    pub fn period(mut self, period: impl Into<String>) -> Self {
        self.print_period = period.into();
        self
    }
}

#[derive(Serialize)]
pub struct OrgView {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub owner_label: &'static str,
    pub secretary: String,
    pub opened_on: String,
    pub closed_on: String,
    pub is_group: bool,
    pub holds_members: bool,
}

impl From<&Org> for OrgView {
    fn from(o: &Org) -> Self {
        let kind = OrgKind::parse(&o.kind);
        OrgView {
            id: o.id,
            name: o.name.clone(),
            code: o.code.clone(),
            kind: o.kind.clone(),
            kind_label: kind_label(&o.kind),
            owner_label: owner_label(&o.owner),
            secretary: o.secretary.clone().unwrap_or_default(),
            opened_on: o.opened_on.clone(),
            closed_on: o.closed_on.clone().unwrap_or_default(),
            is_group: kind.is_some_and(OrgKind::is_group),
            holds_members: kind.is_some_and(OrgKind::holds_members),
        }
    }
}

pub struct ChildView {
    pub org: OrgView,
    pub members: i64,
    pub orgs: i64,
    pub grid_groups: i64,
}

impl From<&ChildSummary> for ChildView {
    fn from(c: &ChildSummary) -> Self {
        ChildView {
            org: OrgView::from(&c.org),
            members: c.members,
            orgs: c.orgs,
            grid_groups: c.grid_groups,
        }
    }
}

pub struct MemberView {
    pub id: i64,
    pub name: String,
    pub gender: &'static str,
    pub ethnicity: String,
    pub birth_date: String,
    pub age: i32,
    pub id_masked: String,
    pub phone_masked: String,
    pub education: &'static str,
    pub category: &'static str,
    pub status: &'static str,
    pub join_date: String,
    pub confirm_date: String,
    pub party_age: String,
    pub org_id: i64,
    pub org_name: String,
    pub flowing: bool,
}

impl From<&Member> for MemberView {
    fn from(m: &Member) -> Self {
        let today = today();
        let birth = date::parse(&m.birth_date);
        let confirm = m.confirm_date.as_deref().and_then(date::parse);
        MemberView {
            id: m.id,
            name: m.name.clone(),
            gender: Gender::parse(&m.gender).map_or("", Gender::label),
            ethnicity: m.ethnicity.clone(),
            birth_date: m.birth_date.clone(),
            age: birth.map_or(0, |b| age(b, today)),
            id_masked: m.id_masked.clone(),
            phone_masked: m.phone_masked.clone().unwrap_or_default(),
            education: Education::parse(&m.education).map_or("", Education::label),
            category: Category::parse(&m.category).map_or("", Category::label),
            status: Status::parse(&m.status).map_or("", Status::label),
            join_date: m.join_date.clone(),
            confirm_date: m.confirm_date.clone().unwrap_or_default(),
            party_age: party_age(confirm, today)
                .map_or_else(|| "—".to_string(), |y| format!("{y} 年")),
            org_id: m.org_id,
            org_name: m.org_name.clone(),
            flowing: m.flowing,
        }
    }
}

/// A `<select>` option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).into(),
            label: label(*v).into(),
            selected: code(*v) == current,
        })
        .collect()
}

/// Links to other pages of a list, keeping the other query parameters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(base: &[(&str, String)], page: i64, per_page: i64, total: i64) -> Self {
        let pages = ((total + per_page - 1) / per_page).max(1);
        let link = |p: i64| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in base.iter().filter(|(_, v)| !v.is_empty()) {
                s.append_pair(k, v);
            }
            s.append_pair("page", &p.to_string());
            format!("?{}", s.finish())
        };
        Pager {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hours_have_one_decimal_and_grouped_thousands() {
        assert_eq!(super::hours(41_608_320), "693,472.0");
        assert_eq!(super::hours(90), "1.5");
        assert_eq!(super::hours(0), "0.0");
        assert_eq!(super::hours(60_000), "1,000.0");
        assert_eq!(super::hours(59_994), "999.9");
    }
}

/// One year's periods in a period picker: the year, its quarters and its months.
pub struct PeriodYear {
    pub year: i32,
    pub options: Vec<Choice>,
}

/// The periods a dashboard can show, newest year first, from the first year figures are kept
/// for to this one (months and quarters not begun left out): the codes the service reads
/// (`2026`, `2026-Q1`, `2026-03`), labelled in Chinese.
pub fn periods(selected: &str, kept_from: Option<&str>, today: time::Date) -> Vec<PeriodYear> {
    let this_year = today.year();
    let this_month = i32::from(u8::from(today.month()));
    let first = kept_from
        .and_then(|m| m.get(..4))
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| *y <= this_year)
        .unwrap_or(this_year);
    (first..=this_year)
        .rev()
        .map(|y| {
            let last_month = if y == this_year { this_month } else { 12 };
            let choice = |value: String, label: String| Choice {
                selected: value == selected,
                value,
                label,
            };
            let mut options = vec![choice(y.to_string(), format!("{y}年全年"))];
            for q in 1..=4 {
                if (q - 1) * 3 < last_month {
                    options.push(choice(
                        format!("{y}-Q{q}"),
                        format!("{y}年{}", dangjian_domain::life::QUARTERS[(q - 1) as usize]),
                    ));
                }
            }
            for m in 1..=last_month {
                options.push(choice(format!("{y}-{m:02}"), format!("{y}年{m}月")));
            }
            PeriodYear { year: y, options }
        })
        .collect()
}

#[cfg(test)]
mod period_tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_run_from_the_first_kept_year_to_this_month() {
        let p = periods("2025-Q3", Some("2025-01"), date!(2026 - 04 - 15));
        assert_eq!(p.iter().map(|y| y.year).collect::<Vec<_>>(), [2026, 2025]);
        let this: Vec<&str> = p[0].options.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(
            this,
            [
                "2026", "2026-Q1", "2026-Q2", "2026-01", "2026-02", "2026-03", "2026-04"
            ]
        );
        assert_eq!(p[1].options.len(), 1 + 4 + 12);
        let chosen: Vec<&str> = p
            .iter()
            .flat_map(|y| &y.options)
            .filter(|c| c.selected)
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(chosen, ["2025年第三季度"]);
        assert_eq!(periods("", None, date!(2026 - 01 - 02)).len(), 1);
    }
}

/// Text for HTML or SVG written by hand rather than by a template.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
