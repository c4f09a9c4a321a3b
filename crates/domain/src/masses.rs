//! 党员联系群众: grids and the households in them, the member responsible for each household
//! (两联), and the good deeds members record (好事实事). Households are residents, not party
//! members: the registry keeps the least that lets a member find and help them, says on what
//! legal basis it keeps it, and until when.

use time::Date;

use crate::error::Errors;
use crate::{FieldError, date, labelled_enum, phone};

labelled_enum!(
    /// What makes a household need attention; a household may have several.
    Need {
        ElderlyAlone = "elderly_alone" / "独居老人",
        LeftBehind = "left_behind" / "留守人员",
        Disabled = "disabled" / "残疾人",
        LowIncome = "low_income" / "低保困难",
        Veteran = "veteran" / "退役军人",
        Sick = "sick" / "大病重病",
    }
);

labelled_enum!(
    /// Why the registry may hold a household's data (个人信息保护法 第十三条).
    LegalBasis {
        Consent = "consent" / "本人同意",
        Duty = "duty" / "履行法定职责",
        Emergency = "emergency" / "应对突发事件",
    }
);

labelled_enum!(
    /// What a member did for a household.
    DeedKind {
        Visit = "visit" / "走访慰问",
        Help = "help" / "帮扶解困",
        Mediation = "mediation" / "矛盾调解",
        Sales = "sales" / "助销农产品",
        ElderCare = "elder_care" / "关爱老人",
        Policy = "policy" / "政策宣讲",
        Errand = "errand" / "代办服务",
        Other = "other" / "其他",
    }
);

labelled_enum!(
    /// How a community rates a member who reported to it (双报到), once a year.
    CheckinRating {
        Excellent = "excellent" / "优秀",
        Good = "good" / "良好",
        Fair = "fair" / "一般",
        Poor = "poor" / "较差",
    }
);

labelled_enum!(
    /// The tiers of the service structure: street → community → estate → building.
    ServiceTier {
        Group = "group" / "党员联系集团",
        Team = "team" / "党员联系队",
        Squad = "squad" / "党员联系分队",
        Cell = "cell" / "党员联系小组",
    }
);

impl ServiceTier {
    /// The tier of a unit set up under one of this tier.
    pub fn below(self) -> Option<ServiceTier> {
        match self {
            ServiceTier::Group => Some(ServiceTier::Team),
            ServiceTier::Team => Some(ServiceTier::Squad),
            ServiceTier::Squad => Some(ServiceTier::Cell),
            ServiceTier::Cell => None,
        }
    }

    /// Where a unit of this tier stands: a street (or town) for the group, a village or
    /// community for the others.
    pub fn at_town(self) -> bool {
        self == ServiceTier::Group
    }
}

/// The thresholds of this part, kept as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MassesRules {
    /// Households one member may be responsible for at a time.
    pub max_households_per_member: i64,
    /// Years a household's data is kept, counted from its registration.
    pub retention_years: u8,
    /// Days back a deed may still be recorded.
    pub deed_back_days: i64,
    /// One deed's longest time, in minutes.
    pub deed_max_minutes: i64,
    pub max_household_size: i64,
    /// Largest photo of a deed or a card.
    pub photo_bytes: usize,
}

impl Default for MassesRules {
    fn default() -> Self {
        Self {
            max_households_per_member: 10,
            retention_years: 5,
            deed_back_days: 90,
            deed_max_minutes: 24 * 60,
            max_household_size: 20,
            photo_bytes: 2 * 1024 * 1024,
        }
    }
}

/// A household as a form or a file gives it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HouseholdInput {
    pub address: String,
    pub head_name: String,
    /// A mainland mobile number, optional; stored encrypted.
    pub phone: String,
    /// 1–20 people.
    pub size: String,
    /// Codes or labels, separated by commas or given as a list by the form.
    pub needs: Vec<String>,
    /// consent (本人同意), duty (履行法定职责) or emergency (应对突发事件).
    pub legal_basis: String,
}

/// A checked household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub address: String,
    pub head_name: String,
    pub phone: Option<String>,
    pub size: i64,
    pub needs: Vec<Need>,
    pub legal_basis: LegalBasis,
    pub retain_until: String,
}

pub(crate) fn text(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "required", format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{label}不能超过 {max} 个字"),
        ));
    }
    Ok(v.to_string())
}

/// The needs as stored: codes joined by commas, in a fixed order.
pub fn needs_text(needs: &[Need]) -> String {
    needs
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse_needs(stored: &str) -> Vec<Need> {
    stored.split(',').filter_map(Need::parse).collect()
}

impl HouseholdInput {
    pub fn validate(&self, today: Date, rules: &MassesRules) -> Result<Household, Vec<FieldError>> {
        let mut errs = Errors::default();
        let address = errs.take(text("address", "住址", &self.address, 100));
        let head_name = errs.take(text("head_name", "户主姓名", &self.head_name, 30));
        let phone = if self.phone.trim().is_empty() {
            Some(None)
        } else {
            errs.take(phone::parse_mobile(&self.phone).map(Some))
        };
        let size = match self.size.trim().parse::<i64>() {
            Ok(n) if (1..=rules.max_household_size).contains(&n) => Some(n),
            _ => {
                errs.push(FieldError::new(
                    "size",
                    "out_of_range",
                    format!("家庭人口应为 1–{} 人", rules.max_household_size),
                ));
                None
            }
        };
        let mut needs = Vec::new();
        for n in self
            .needs
            .iter()
            .flat_map(|n| n.split([',', '，', '、']))
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match Need::parse(n) {
                Some(n) if !needs.contains(&n) => needs.push(n),
                Some(_) => {}
                None => errs.push(FieldError::new(
                    "needs",
                    "invalid_choice",
                    format!("“{n}”不在可选的关注类型中"),
                )),
            }
        }
        needs.sort();
        let legal_basis = errs.take(LegalBasis::parse(&self.legal_basis).ok_or_else(|| {
            FieldError::new(
                "legal_basis",
                "required",
                "请选择登记依据（本人同意、履行法定职责或应对突发事件）",
            )
        }));
        errs.into_result()?;
        let retain_until = today
            .replace_year(today.year() + i32::from(rules.retention_years))
            .or_else(|_| {
                today
                    .previous_day()
                    .unwrap_or(today)
                    .replace_year(today.year() + i32::from(rules.retention_years))
            })
            .unwrap_or(today);
        match (address, head_name, phone, size, legal_basis) {
            (Some(address), Some(head_name), Some(phone), Some(size), Some(legal_basis)) => {
                Ok(Household {
                    address,
                    head_name,
                    phone,
                    size,
                    needs,
                    legal_basis,
                    retain_until: date::format(retain_until),
                })
            }
            _ => Err(vec![FieldError::new(
                "address",
                "invalid",
                "住户信息不完整",
            )]),
        }
    }
}

/// `王建国` → `王**`: enough for a list; the household's page shows the whole name.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count();
            format!("{first}{}", "*".repeat(rest.max(1)))
        }
        None => String::new(),
    }
}

/// A deed as a form gives it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema, serde::Serialize)]
#[serde(default)]
pub struct DeedInput {
    /// Not in the future, at most 90 days back.
    pub done_on: String,
    /// A code or label of the deed kinds.
    pub kind: String,
    pub description: String,
    /// Hours, decimals allowed (1.5).
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deed {
    pub done_on: String,
    pub kind: DeedKind,
    pub description: String,
    pub minutes: i64,
}

/// Hours as typed (`2`, `1.5`, `0.5`) to whole minutes; `None` for anything else.
pub fn hours_to_minutes(text: &str) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if whole.len() > 4 || frac.len() > 2 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_minutes = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 6,
        _ => (frac.parse::<i64>().ok()? * 60 + 50) / 100,
    };
    Some(whole * 60 + frac_minutes)
}

impl DeedInput {
    pub fn validate(&self, today: Date, rules: &MassesRules) -> Result<Deed, Vec<FieldError>> {
        let mut errs = Errors::default();
        let done_on = errs.take(date::past_date("done_on", "服务日期", &self.done_on, today));
        if let Some(d) = done_on
            && (today - d).whole_days() > rules.deed_back_days
        {
            errs.push(FieldError::new(
                "done_on",
                "too_old",
                format!("只能补记 {} 天内的服务", rules.deed_back_days),
            ));
        }
        let kind = errs.take(
            DeedKind::parse(&self.kind)
                .ok_or_else(|| FieldError::new("kind", "invalid_choice", "请选择服务类型")),
        );
        let description = errs.take(text("description", "服务内容", &self.description, 500));
        let minutes = match hours_to_minutes(&self.hours) {
            Some(m) if m > 0 && m <= rules.deed_max_minutes => Some(m),
            _ => {
                errs.push(FieldError::new(
                    "hours",
                    "out_of_range",
                    format!(
                        "服务时长应在 0 到 {} 小时之间，可保留一位小数",
                        rules.deed_max_minutes / 60
                    ),
                ));
                None
            }
        };
        errs.into_result()?;
        match (done_on, kind, description, minutes) {
            (Some(d), Some(kind), Some(description), Some(minutes)) => Ok(Deed {
                done_on: date::format(d),
                kind,
                description,
                minutes,
            }),
            _ => Err(vec![FieldError::new("kind", "invalid", "服务记录不完整")]),
        }
    }
}

/// A member's public card (三亮: 亮身份、亮职责、亮承诺) as a form gives it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CardInput {
    /// What the member is responsible for (set by the branch).
    pub duties: String,
    /// The member's own written commitment.
    pub commitment: String,
    pub published: bool,
}

/// Checks a card's texts: the duties up to 100 characters, the commitment up to 300, and
/// at least a commitment before the card is published.
pub fn check_card(c: &CardInput) -> Result<(String, String), Vec<FieldError>> {
    let mut errs = Errors::default();
    let duties = c.duties.trim();
    let commitment = c.commitment.trim();
    if duties.chars().count() > 100 {
        errs.push(FieldError::new(
            "duties",
            "too_long",
            "职责不能超过 100 个字",
        ));
    }
    if commitment.chars().count() > 300 {
        errs.push(FieldError::new(
            "commitment",
            "too_long",
            "承诺不能超过 300 个字",
        ));
    }
    if c.published && commitment.is_empty() {
        errs.push(FieldError::new(
            "commitment",
            "required",
            "公开亮牌前请填写承诺",
        ));
    }
    errs.into_result()?;
    Ok((duties.to_string(), commitment.to_string()))
}

/// Letters of a card's short code: no 0/o, 1/l/i, so that it can be read out and typed.
pub const CARD_CODE_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
pub const CARD_CODE_LEN: usize = 8;

/// Whether `code` could be a card's code (checked before any lookup).
pub fn is_card_code(code: &str) -> bool {
    code.len() == CARD_CODE_LEN && code.bytes().all(|b| CARD_CODE_ALPHABET.contains(&b))
}

/// Minutes as hours for tables: `120` → `2`, `90` → `1.5`.
pub fn hours_text(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{}", minutes / 60)
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

/// Paired households as a share of all, in tenths of a percent (for tables and charts).
pub fn coverage_permille(paired: i64, total: i64) -> i64 {
    if total <= 0 {
        0
    } else {
        (paired * 1000 + total / 2) / total
    }
}

/// `873` → `87.3%`.
pub fn permille_text(p: i64) -> String {
    format!("{}.{}%", p / 10, p % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn household() -> HouseholdInput {
        HouseholdInput {
            address: "白涛街道花园社区 3 栋 2 单元 501".into(),
            head_name: "王建国".into(),
            phone: "138 0013 8000".into(),
            size: "3".into(),
            needs: vec!["独居老人、low_income".into()],
            legal_basis: "duty".into(),
        }
    }

    #[test]
    fn a_household_keeps_its_needs_sorted_and_its_retention_date() {
        let h = household()
            .validate(TODAY, &MassesRules::default())
            .expect("valid");
        assert_eq!(h.phone.as_deref(), Some("13800138000"));
        assert_eq!(h.needs, [Need::ElderlyAlone, Need::LowIncome]);
        assert_eq!(h.retain_until, "2031-11-27");
        assert_eq!(needs_text(&h.needs), "elderly_alone,low_income");
        assert_eq!(parse_needs("elderly_alone,low_income,bogus"), h.needs);
    }

    #[test]
    fn a_household_names_each_wrong_field() {
        let mut h = household();
        h.size = "0".into();
        h.phone = "12345".into();
        h.needs = vec!["富裕".into()];
        h.legal_basis = String::new();
        h.address = "  ".into();
        let errs = h
            .validate(TODAY, &MassesRules::default())
            .expect_err("refused");
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["address", "phone", "size", "needs", "legal_basis"]);
        let mut h = household();
        h.size = "21".into();
        assert!(h.validate(TODAY, &MassesRules::default()).is_err());
        h.size = "20".into();
        h.phone = String::new();
        assert_eq!(
            h.validate(TODAY, &MassesRules::default())
                .expect("valid")
                .phone,
            None
        );
    }

    #[test]
    fn leap_day_retention_falls_back_a_day() {
        let rules = MassesRules {
            retention_years: 1,
            ..Default::default()
        };
        let h = household()
            .validate(date!(2028 - 02 - 29), &rules)
            .expect("valid");
        assert_eq!(h.retain_until, "2029-02-28");
    }

    #[test]
    fn hours_read_as_people_type_them() {
        assert_eq!(hours_to_minutes("2"), Some(120));
        assert_eq!(hours_to_minutes("1.5"), Some(90));
        assert_eq!(hours_to_minutes("0.25"), Some(15));
        assert_eq!(hours_to_minutes(".5"), Some(30));
        assert_eq!(hours_to_minutes(""), None);
        assert_eq!(hours_to_minutes("-1"), None);
        assert_eq!(hours_to_minutes("1.234"), None);
        assert_eq!(hours_to_minutes("abc"), None);
        assert_eq!(hours_to_minutes("99999"), None);
    }

    #[test]
    fn a_deed_is_within_its_window_and_length() {
        let rules = MassesRules::default();
        let ok = DeedInput {
            done_on: "2026-11-20".into(),
            kind: "走访慰问".into(),
            description: "看望独居老人，帮助购买药品".into(),
            hours: "1.5".into(),
        };
        let d = ok.validate(TODAY, &rules).expect("valid");
        assert_eq!((d.kind, d.minutes), (DeedKind::Visit, 90));
        let edge = DeedInput {
            done_on: "2026-08-29".into(),
            ..ok.clone()
        };
        assert!(edge.validate(TODAY, &rules).is_ok(), "exactly 90 days back");
        for (done_on, hours, field) in [
            ("2026-08-28", "1", "done_on"),
            ("2026-11-28", "1", "done_on"),
            ("2026-11-20", "0", "hours"),
            ("2026-11-20", "24.1", "hours"),
        ] {
            let d = DeedInput {
                done_on: done_on.into(),
                hours: hours.into(),
                ..ok.clone()
            };
            let errs = d.validate(TODAY, &rules).expect_err("refused");
            assert_eq!(errs[0].field, field, "{done_on} {hours}");
        }
    }

    #[test]
    fn a_card_needs_a_commitment_to_be_published() {
        let mut c = CardInput {
            duties: "负责第3网格联系服务".into(),
            commitment: String::new(),
            published: true,
        };
        assert_eq!(check_card(&c).expect_err("refused")[0].field, "commitment");
        c.commitment = "  随叫随到，有事必应  ".into();
        assert_eq!(
            check_card(&c).expect("valid"),
            (
                "负责第3网格联系服务".to_string(),
                "随叫随到，有事必应".to_string()
            )
        );
        c.duties = "职".repeat(101);
        assert_eq!(check_card(&c).expect_err("refused")[0].field, "duties");
        assert!(is_card_code("k7m2q9xa"));
        assert!(!is_card_code("k7m2q9x0"), "no zero");
        assert!(!is_card_code("k7m2q9x"));
        assert!(!is_card_code("../../etc"));
    }

    #[test]
    fn the_service_structure_has_four_tiers_in_order() {
        let mut t = ServiceTier::Group;
        let mut seen = vec![t];
        while let Some(b) = t.below() {
            seen.push(b);
            t = b;
        }
        assert_eq!(seen, ServiceTier::ALL);
        assert!(ServiceTier::Group.at_town() && !ServiceTier::Team.at_town());
        assert_eq!(ServiceTier::parse("党员联系分队"), Some(ServiceTier::Squad));
    }

    #[test]
    fn names_are_masked_and_coverage_rounds() {
        assert_eq!(mask_name("王建国"), "王**");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(coverage_permille(2, 3), 667);
        assert_eq!(coverage_permille(0, 0), 0);
        assert_eq!(permille_text(667), "66.7%");
        assert_eq!(permille_text(1000), "100.0%");
        assert_eq!(
            (hours_text(120), hours_text(90), hours_text(0)),
            ("2".into(), "1.5".into(), "0".into())
        );
    }
}
