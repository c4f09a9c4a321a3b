//! 党费: the monthly standard of the 2008 中组部 rules (DOMAIN.md §3), in integer 分 (fen).
//! Every rate and amount is data a deployment may change; the defaults are the 2008 rules.

use crate::FieldError;
use crate::bands::Category;
use crate::labelled_enum;

labelled_enum!(
    /// How a payment was made.
    PayMethod {
        Cash = "cash" / "现金",
        Transfer = "transfer" / "银行转账",
        Wechat = "wechat" / "微信",
        Alipay = "alipay" / "支付宝",
        Payroll = "payroll" / "工资代扣",
    }
);

/// Bases up to and including `up_to_fen` (none: any base) pay `basis_points` / 10,000 of the
/// whole base: one flat rate on the whole amount, not a marginal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    pub up_to_fen: Option<i64>,
    pub basis_points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesRules {
    /// In service, 个体户 and others paid from an income: after-tax monthly pay.
    pub in_service: Vec<Bracket>,
    /// Retired: the monthly pension.
    pub retired: Vec<Bracket>,
    /// Farmers pay a fixed amount the province sets (0.2–1 元).
    pub farmer_fen: i64,
    /// Students, the unemployed and recipients of 低保 or 抚恤 pay 0.2 元.
    pub low_income_fen: i64,
    /// A base above this is taken for a typing error (in 元 where 分 was meant, say).
    pub max_base_fen: i64,
    /// 补交: how many past months a payment may still cover.
    pub back_pay_months: i32,
    /// Paying ahead (with the branch's consent): how many months past the current one.
    pub advance_months: i32,
    /// Complete months without dues or organizational life that raise a warning.
    pub lapse_warn_after: Vec<i32>,
    /// Complete months without dues or organizational life treated as 自行脱党.
    pub lapse_after: i32,
}

impl Default for DuesRules {
    fn default() -> Self {
        let b = |up_to_yuan: Option<i64>, basis_points| Bracket {
            up_to_fen: up_to_yuan.map(|y| y * 100),
            basis_points,
        };
        DuesRules {
            in_service: vec![
                b(Some(3_000), 50),
                b(Some(5_000), 100),
                b(Some(10_000), 150),
                b(None, 200),
            ],
            retired: vec![b(Some(5_000), 50), b(None, 100)],
            farmer_fen: 20,
            low_income_fen: 20,
            max_base_fen: 1_000_000 * 100,
            back_pay_months: 6,
            advance_months: 12,
            lapse_warn_after: vec![3, 5],
            lapse_after: 6,
        }
    }
}

/// `basis_points` / 10,000 of `fen`, rounded half up to the 分.
fn share(fen: i64, basis_points: i64) -> i64 {
    (fen * basis_points + 5_000) / 10_000
}

fn by_brackets(brackets: &[Bracket], base_fen: i64) -> Option<i64> {
    brackets
        .iter()
        .find(|b| b.up_to_fen.is_none_or(|up| base_fen <= up))
        .map(|b| share(base_fen, b.basis_points))
}

impl DuesRules {
    /// The monthly standard of a member of `category` with income base `base_fen` (for the
    /// categories that pay from an income).
    pub fn monthly_standard_fen(
        &self,
        category: Category,
        base_fen: Option<i64>,
    ) -> Result<i64, FieldError> {
        let brackets = match category {
            Category::Farmer => return Ok(self.farmer_fen),
            Category::Student | Category::Unemployed => return Ok(self.low_income_fen),
            Category::Retired => &self.retired,
            Category::InService | Category::Other => &self.in_service,
        };
        let base = base_fen.ok_or_else(|| {
            FieldError::new("base", "required", "请填写党费计算基数（月收入，元）")
        })?;
        if base < 0 {
            return Err(FieldError::new(
                "base",
                "negative",
                "党费计算基数不能为负数",
            ));
        }
        if base > self.max_base_fen {
            return Err(FieldError::new(
                "base",
                "absurd",
                format!(
                    "党费计算基数超过 {} 元，请核对单位（元）",
                    self.max_base_fen / 100
                ),
            ));
        }
        by_brackets(brackets, base).ok_or_else(|| {
            FieldError::new("base", "no_bracket", "党费标准未覆盖该基数，请检查规则")
        })
    }
}

/// How long a member has gone without paying dues or taking part in organizational life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lapse {
    /// Silent for at least this many complete months, below the lapse threshold.
    Warning(i32),
    /// Silent long enough to be treated as 自行脱党.
    Lapsed(i32),
}

impl Lapse {
    pub fn months(self) -> i32 {
        match self {
            Lapse::Warning(n) | Lapse::Lapsed(n) => n,
        }
    }

    pub fn label(self) -> String {
        match self {
            Lapse::Warning(n) => format!("连续 {n} 个月未交党费、未参加组织生活"),
            Lapse::Lapsed(n) => format!("连续 {n} 个月未交党费、未参加组织生活，按自行脱党处理"),
        }
    }
}

impl DuesRules {
    /// Whether a payment may cover `month` when the current month is `current`.
    pub fn check_pay_month(&self, month: &str, current: &str) -> Result<(), FieldError> {
        let (Some(m), Some(c)) = (month_index(month), month_index(current)) else {
            return Err(FieldError::new(
                "month",
                "invalid_month",
                "月份格式应为 YYYY-MM",
            ));
        };
        if m < c - self.back_pay_months {
            return Err(FieldError::new(
                "month",
                "too_old",
                format!(
                    "补交党费最多补交 {} 个月，{month} 已超出",
                    self.back_pay_months
                ),
            ));
        }
        if m > c + self.advance_months {
            return Err(FieldError::new(
                "month",
                "too_far_ahead",
                format!("预交党费最多预交 {} 个月", self.advance_months),
            ));
        }
        Ok(())
    }

    /// The lapse state of a member whose last sign of life (a month paid for, a meeting
    /// attended, or joining) was `last`, in the month `current`; None when there is nothing to say.
    pub fn lapse(&self, last: &str, current: &str) -> Option<Lapse> {
        let silent = month_index(current)? - month_index(last)? - 1;
        if silent >= self.lapse_after {
            return Some(Lapse::Lapsed(silent));
        }
        self.lapse_warn_after
            .iter()
            .copied()
            .filter(|w| silent >= *w)
            .max()
            .map(|_| Lapse::Warning(silent))
    }
}

/// A `YYYY-MM` month as a count of months since year 0, for arithmetic.
pub fn month_index(m: &str) -> Option<i32> {
    let (y, mm) = m.trim().split_once('-')?;
    if y.len() != 4 || mm.len() != 2 {
        return None;
    }
    let (y, mm): (i32, i32) = (y.parse().ok()?, mm.parse().ok()?);
    (1..=12).contains(&mm).then_some(y * 12 + mm - 1)
}

/// The month `n` months after `m` (before, when `n` is negative).
pub fn shift_month(m: &str, n: i32) -> Option<String> {
    let i = month_index(m)? + n;
    Some(format!(
        "{:04}-{:02}",
        i.div_euclid(12),
        i.rem_euclid(12) + 1
    ))
}

/// An amount in 分 as 元 with two decimals, for people.
pub fn fen_to_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// An amount typed in 元 (`3000`, `3000.5`, `3,000.01`, full-width digits) as 分.
pub fn yuan_to_fen(s: &str) -> Result<i64, FieldError> {
    let bad = || {
        FieldError::new(
            "base",
            "invalid_amount",
            "金额应为数字，最多两位小数（单位：元）",
        )
    };
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect();
    if cleaned.starts_with('-') {
        return Err(FieldError::new(
            "base",
            "negative",
            "党费计算基数不能为负数",
        ));
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |d: &str| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || frac.len() > 2 || (!frac.is_empty() && !digits(frac)) || whole.len() > 12 {
        return Err(bad());
    }
    let yuan: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    Ok(yuan * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard(category: Category, yuan: &str) -> i64 {
        let base = yuan_to_fen(yuan).expect("amount");
        DuesRules::default()
            .monthly_standard_fen(category, Some(base))
            .expect("standard")
    }

    #[test]
    fn in_service_brackets_are_flat_rates_with_inclusive_upper_bounds() {
        assert_eq!(standard(Category::InService, "3000.00"), 1_500);
        assert_eq!(standard(Category::InService, "3000.01"), 3_000);
        assert_eq!(standard(Category::InService, "5000.00"), 5_000);
        assert_eq!(standard(Category::InService, "5000.01"), 7_500);
        assert_eq!(standard(Category::InService, "10000.00"), 15_000);
        assert_eq!(standard(Category::InService, "10000.01"), 20_000);
        assert_eq!(standard(Category::InService, "0"), 0);
        // 个体户 and others pay by the same brackets.
        assert_eq!(standard(Category::Other, "4200"), 4_200);
    }

    #[test]
    fn retirees_have_their_own_cliff() {
        assert_eq!(standard(Category::Retired, "5000.00"), 2_500);
        assert_eq!(standard(Category::Retired, "5000.01"), 5_000);
        assert_eq!(standard(Category::Retired, "3000"), 1_500);
    }

    #[test]
    fn fixed_amounts_ignore_the_base() {
        let r = DuesRules::default();
        assert_eq!(r.monthly_standard_fen(Category::Farmer, None), Ok(20));
        assert_eq!(
            r.monthly_standard_fen(Category::Student, Some(999_999)),
            Ok(20)
        );
        assert_eq!(r.monthly_standard_fen(Category::Unemployed, None), Ok(20));
        let r = DuesRules {
            farmer_fen: 100,
            ..DuesRules::default()
        };
        assert_eq!(r.monthly_standard_fen(Category::Farmer, None), Ok(100));
    }

    #[test]
    fn rounding_is_half_up_to_the_fen() {
        // 1234.57 元 × 0.5% = 6.17285 元 → 6.17 元.
        assert_eq!(standard(Category::InService, "1234.57"), 617);
        // 4999.50 元 × 1% = 49.995 元 → 50.00 元 (half up).
        assert_eq!(standard(Category::InService, "4999.50"), 5_000);
    }

    #[test]
    fn bad_bases_are_refused() {
        let r = DuesRules::default();
        let code = |c, b| r.monthly_standard_fen(c, b).expect_err("refused").code;
        assert_eq!(code(Category::InService, None), "required");
        assert_eq!(code(Category::InService, Some(-1)), "negative");
        assert_eq!(code(Category::Retired, Some(r.max_base_fen + 1)), "absurd");
        assert_eq!(yuan_to_fen("-5").expect_err("negative").code, "negative");
        for bad in ["", "abc", "1.234", "1..2", ".5", "1e5", "12345678901234"] {
            assert_eq!(
                yuan_to_fen(bad).expect_err(bad).code,
                "invalid_amount",
                "{bad}"
            );
        }
    }

    #[test]
    fn back_payment_covers_six_months_and_advance_twelve() {
        let r = DuesRules::default();
        assert_eq!(r.check_pay_month("2026-05", "2026-11"), Ok(()));
        assert_eq!(
            r.check_pay_month("2026-04", "2026-11")
                .expect_err("old")
                .code,
            "too_old"
        );
        assert_eq!(r.check_pay_month("2027-11", "2026-11"), Ok(()));
        assert_eq!(
            r.check_pay_month("2027-12", "2026-11")
                .expect_err("ahead")
                .code,
            "too_far_ahead"
        );
        assert_eq!(
            r.check_pay_month("2026-13", "2026-11")
                .expect_err("bad")
                .code,
            "invalid_month"
        );
    }

    #[test]
    fn lapse_warns_at_three_and_five_months_and_lapses_at_six() {
        let r = DuesRules::default();
        // Last sign of life in July; November is under way: Aug, Sep, Oct are complete.
        assert_eq!(r.lapse("2026-08", "2026-11"), None);
        assert_eq!(r.lapse("2026-07", "2026-11"), Some(Lapse::Warning(3)));
        assert_eq!(r.lapse("2026-06", "2026-11"), Some(Lapse::Warning(4)));
        assert_eq!(r.lapse("2026-05", "2026-11"), Some(Lapse::Warning(5)));
        assert_eq!(r.lapse("2026-04", "2026-11"), Some(Lapse::Lapsed(6)));
        assert_eq!(r.lapse("2025-12", "2026-11"), Some(Lapse::Lapsed(10)));
        // Paid ahead: nothing to say.
        assert_eq!(r.lapse("2027-01", "2026-11"), None);
    }

    #[test]
    fn months_shift_across_years() {
        assert_eq!(shift_month("2026-11", 2).as_deref(), Some("2027-01"));
        assert_eq!(shift_month("2026-01", -1).as_deref(), Some("2025-12"));
        assert_eq!(shift_month("2026-1", 1), None);
        assert_eq!(month_index("2026-00"), None);
        assert_eq!(fen_to_yuan(1_500), "15.00");
        assert_eq!(fen_to_yuan(7), "0.07");
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(yuan_to_fen("3000"), Ok(300_000));
        assert_eq!(yuan_to_fen(" 3,000.5 "), Ok(300_050));
        assert_eq!(yuan_to_fen("３０００．０１"), Ok(300_001));
        assert_eq!(yuan_to_fen("0.07"), Ok(7));
    }
}
