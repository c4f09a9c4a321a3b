//! 干部人才 pages: the two committees (两委) of the villages and communities below a level
//! and each village's committees now and before (`villages`), their elections (换届) with the
//! county's joint vetting, the result and the statistics reported upward (`elections`), and
//! the reserve pool (后备力量) with each village's target (`reserves`), and the first
//! secretaries and resident work teams (第一书记, 驻村工作队) sent to the villages
//! (`residents`); talents with the "百千万" programme (`talents`), promotions of cadres
//! (`promotions`) and mentor studios (人才导师工作室, `studios`). One menu entry and tabs over
//! their pages; the 云中心 loads a line of each after its page (`summary`).

pub(super) mod elections;
pub(super) mod promotions;
pub(super) mod reserves;
pub(super) mod residents;
pub(super) mod studios;
pub(super) mod summary;
pub(super) mod talents;
pub(super) mod villages;

use dangjian_domain::bands::{ETHNICITIES, Education};
use dangjian_domain::cadres::stats::TermStats;
use dangjian_domain::person::PersonInput;
use dangjian_report::Cell;
use dangjian_service::cadres::person::PersonChoice;
use dangjian_service::today;
use serde::Deserialize;

use super::parse_id;
use crate::AppState;
use crate::error::PageResult;
use crate::pages::request::public::{Pick, PickGroup};
use crate::session::Auth;
use crate::view::{Choice, choices};

/// The menu entry (干部人才) every page of the area lights.
const NAV: &str = "cadres";

/// A tab of the 干部人才 pages.
pub struct Tab {
    label: &'static str,
    href: String,
    on: bool,
}

/// The areas of 干部人才 as tabs, each opened on the same level (`org`); `on` is the tab of
/// the page shown: `villages`, `elections`, `stats`, `reserves`, `pools`, `residents`,
/// `talents`, `programme`, `promotions` or `studios`.
fn tabs(org: Option<i64>, on: &str) -> Vec<Tab> {
    let query = org.map_or_else(String::new, |o| format!("?org={o}"));
    [
        ("villages", "两委", "/cadres/villages"),
        ("elections", "换届", "/cadres/elections"),
        ("stats", "换届统计", "/cadres/elections/stats"),
        ("reserves", "后备力量", "/cadres/reserves"),
        ("pools", "后备目标", "/cadres/reserve-pools"),
        ("residents", "驻村工作队", "/cadres/residents"),
        ("talents", "人才", "/cadres/talents"),
        ("programme", "百千万", "/cadres/talent-programme"),
        ("promotions", "提拔使用", "/cadres/promotions"),
        ("studios", "导师工作室", "/cadres/studios"),
    ]
    .into_iter()
    .map(|(key, label, path)| Tab {
        label,
        href: format!("{path}{query}"),
        on: key == on,
    })
    .collect()
}

/// A path with its query (empty values left out) and an anchor.
pub(super) fn url(path: &str, pairs: &[(&str, String)], anchor: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    let q = s.finish();
    let mut out = path.to_string();
    if !q.is_empty() {
        out.push('?');
        out.push_str(&q);
    }
    if !anchor.is_empty() {
        out.push('#');
        out.push_str(anchor);
    }
    out
}

/// A filter's text: trimmed, none when empty.
pub(super) fn typed(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A checkbox or flag of a query: on for `1`, `true`, `on` or `yes`.
pub(super) fn flag(s: &str) -> bool {
    matches!(s.trim(), "1" | "true" | "on" | "yes")
}

fn today_text() -> String {
    dangjian_domain::date::format(today())
}

fn this_year() -> i64 {
    i64::from(today().year())
}

/// A count with its share of `of`: "12（30.0%）", or the count alone when `of` is none.
fn with_share(n: i64, of: i64) -> String {
    if of > 0 {
        format!("{n}（{:.1}%）", n as f64 * 100.0 / of as f64)
    } else {
        n.to_string()
    }
}

/// The fields the person part of a form shows its refusals beside.
const PERSON_FIELDS: [&str; 7] = [
    "member_id",
    "name",
    "id_number",
    "phone",
    "education",
    "ethnicity",
    "person",
];

/// The refusals a form does not show beside a field of its own (`shown`, or a person's):
/// listed above it, so none is lost.
fn stray(errors: &[dangjian_domain::FieldError], shown: &[&str]) -> Vec<String> {
    errors
        .iter()
        .filter(|e| !shown.contains(&e.field) && !PERSON_FIELDS.contains(&e.field))
        .map(|e| e.message.clone())
        .collect()
}

/// How much of a target is reached: "66.7%", or empty without a target.
fn completion(actual: i64, target: i64) -> String {
    if target > 0 {
        format!("{:.1}%", actual as f64 * 100.0 / target as f64)
    } else {
        String::new()
    }
}

/// The organizations a talent, a promotion or a studio may be kept by: the level itself
/// (chosen unless another is) and its open children, as a picker. The service decides whether
/// the caller keeps records there.
pub(super) async fn org_choices(
    st: &AppState,
    auth: &Auth,
    level: i64,
    level_name: &str,
    chosen: Option<i64>,
) -> PageResult<Vec<PickGroup>> {
    let chosen = chosen.unwrap_or(level);
    let picks: Vec<Pick> = st
        .app
        .org_children(&auth.actor, level)
        .await?
        .into_iter()
        .filter(|c| c.org.closed_on.is_none())
        .map(|c| Pick {
            selected: c.org.id == chosen,
            id: c.org.id,
            name: c.org.name,
        })
        .collect();
    let mut groups = vec![PickGroup {
        label: "本级".into(),
        picks: vec![Pick {
            id: level,
            name: level_name.to_string(),
            selected: level == chosen,
        }],
    }];
    if !picks.is_empty() {
        groups.push(PickGroup {
            label: format!("{level_name}下级"),
            picks,
        });
    }
    Ok(groups)
}

/// An average age as shown: "43.5 岁", or a dash with nobody counted.
fn age_text(s: &TermStats) -> String {
    if s.people > 0 {
        format!("{:.1} 岁", s.average_age)
    } else {
        "—".into()
    }
}

fn percent_text(p: f64, villages: i64) -> String {
    if villages > 0 {
        format!("{p:.1}%")
    } else {
        "—".into()
    }
}

/// The figures of a term as the pages list them: what, and the value as shown.
fn figures(s: &TermStats) -> Vec<(&'static str, String)> {
    vec![
        ("村(社区)数", s.villages.to_string()),
        ("一肩挑", s.one_shoulder.to_string()),
        (
            "一肩挑比例",
            percent_text(s.one_shoulder_percent, s.villages),
        ),
        ("交叉任职", s.cross_posted.to_string()),
        ("两委成员人数", s.people.to_string()),
        ("女性", with_share(s.women, s.people)),
        ("高中及以上", with_share(s.high_school_plus, s.people)),
        ("大专及以上", with_share(s.college_plus, s.people)),
        ("本科及以上", with_share(s.bachelor_plus, s.people)),
        ("35岁以下", with_share(s.under_35, s.people)),
        ("平均年龄", age_text(s)),
    ]
}

/// The same figures as cells of a workbook, in the same order.
fn figure_cells(s: &TermStats) -> Vec<Cell> {
    vec![
        Cell::Int(s.villages),
        Cell::Int(s.one_shoulder),
        Cell::Rate((s.villages > 0).then_some(s.one_shoulder_percent / 100.0)),
        Cell::Int(s.cross_posted),
        Cell::Int(s.people),
        Cell::Int(s.women),
        Cell::Int(s.high_school_plus),
        Cell::Int(s.college_plus),
        Cell::Int(s.bachelor_plus),
        Cell::Int(s.under_35),
        Cell::Text(if s.people > 0 {
            format!("{:.1}", s.average_age)
        } else {
            String::new()
        }),
    ]
}

/// Who a form names: a member of the registry (`member_id`), or a person entered by their
/// name, ID number, mobile, education and ethnic group.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PersonForm {
    member_id: String,
    name: String,
    id_number: String,
    phone: String,
    education: String,
    ethnicity: String,
}

impl PersonForm {
    fn choice(&self) -> PersonChoice {
        PersonChoice {
            member_id: parse_id(&self.member_id),
            person: PersonInput {
                name: self.name.trim().to_string(),
                id_number: self.id_number.trim().to_string(),
                phone: self.phone.trim().to_string(),
                education: self.education.trim().to_string(),
                ethnicity: self.ethnicity.trim().to_string(),
            },
        }
    }
}

/// The person fields of a form, as typed, with their options.
pub struct PersonFields {
    typed: PersonForm,
    educations: Vec<Choice>,
    ethnicities: Vec<Choice>,
}

impl PersonFields {
    fn new(typed: PersonForm) -> Self {
        let eth = if typed.ethnicity.trim().is_empty() {
            "汉族".to_string()
        } else {
            typed.ethnicity.trim().to_string()
        };
        PersonFields {
            educations: choices(
                Education::ALL,
                Education::as_str,
                Education::label,
                typed.education.trim(),
            ),
            ethnicities: ETHNICITIES
                .iter()
                .map(|e| Choice {
                    value: (*e).into(),
                    label: (*e).into(),
                    selected: *e == eth,
                })
                .collect(),
            typed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangjian_domain::FieldError;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Sample {
        post: String,
        #[serde(flatten)]
        who: PersonForm,
    }

    #[test]
    fn person_fields_read_flat_from_a_form() {
        let s: Sample = serde_urlencoded::from_str(
            "_csrf=x&post=director&name=%E5%BC%A0%E4%B8%89&id_number=+110101199003071234+&education=college&member_id=",
        )
        .unwrap_or_default();
        assert_eq!(s.post, "director");
        let c = s.who.choice();
        assert_eq!(c.member_id, None);
        assert_eq!(c.person.name, "张三");
        assert_eq!(c.person.id_number, "110101199003071234");
        assert_eq!(c.person.education, "college");
        let m: Sample = serde_urlencoded::from_str("member_id=42").unwrap_or_default();
        assert_eq!(m.who.choice().member_id, Some(42));
        let f = PersonFields::new(PersonForm::default());
        assert_eq!(
            f.ethnicities
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>(),
            ["汉族"]
        );
        assert_eq!(f.educations.len(), Education::ALL.len());
    }

    #[test]
    fn the_talent_tabs_follow_the_resident_teams() {
        let t = tabs(Some(5), "studios");
        let labels: Vec<&str> = t.iter().skip(6).map(|t| t.label).collect();
        assert_eq!(labels, ["人才", "百千万", "提拔使用", "导师工作室"]);
        assert_eq!(
            t.iter()
                .filter(|t| t.on)
                .map(|t| t.href.as_str())
                .collect::<Vec<_>>(),
            ["/cadres/studios?org=5"]
        );
        let errs = [
            FieldError::new("field", "required", "请填写专业领域"),
            FieldError::new("id_number", "invalid", "身份证号不正确"),
            FieldError::new("studio", "closed", "工作室已撤销"),
        ];
        assert_eq!(stray(&errs, &["field"]), ["工作室已撤销"]);
    }

    #[test]
    fn urls_leave_out_empty_values() {
        assert_eq!(
            url(
                "/cadres/villages",
                &[("org", "7".into()), ("q", String::new())],
                ""
            ),
            "/cadres/villages?org=7"
        );
        assert_eq!(
            url("/cadres/elections/3", &[], "result"),
            "/cadres/elections/3#result"
        );
        assert!(flag("1") && flag("on") && !flag("") && !flag("0"));
        assert_eq!(typed("  "), None);
        assert_eq!(typed(" 花堡 ").as_deref(), Some("花堡"));
    }

    #[test]
    fn figures_read_with_their_shares() {
        let s = TermStats {
            villages: 4,
            one_shoulder: 3,
            one_shoulder_percent: 75.0,
            people: 20,
            women: 6,
            average_age: 43.34,
            ..TermStats::default()
        };
        let f = figures(&s);
        assert_eq!(f.len(), figure_cells(&s).len());
        assert_eq!(f[2].1, "75.0%");
        assert_eq!(f[5].1, "6（30.0%）");
        assert_eq!(f[10].1, "43.3 岁");
        let none = figures(&TermStats::default());
        assert_eq!(none[2].1, "—");
        assert_eq!(none[10].1, "—");
        assert_eq!(
            tabs(Some(5), "stats")
                .iter()
                .filter(|t| t.on)
                .map(|t| t.href.as_str())
                .collect::<Vec<_>>(),
            ["/cadres/elections/stats?org=5"]
        );
    }
}
