//! Classifications the registry and the dashboard use: education, occupation category,
//! membership status, ethnicity, age and party-age bands.

use serde::Serialize;

use crate::labelled_enum;

labelled_enum!(
    /// 正式党员 / 预备党员.
    Status {
        Full = "full" / "正式党员",
        Probationary = "probationary" / "预备党员",
    }
);

labelled_enum!(
    /// Highest education completed.
    Education {
        Primary = "primary" / "小学及以下",
        Junior = "junior" / "初中",
        Senior = "senior" / "高中/中专",
        College = "college" / "大专",
        Bachelor = "bachelor" / "本科",
        Postgraduate = "postgraduate" / "研究生",
    }
);

labelled_enum!(
    /// Occupation category; it also decides the dues rule that applies.
    Category {
        InService = "in_service" / "在职",
        Retired = "retired" / "离退休",
        Farmer = "farmer" / "农牧渔民",
        Student = "student" / "学生",
        Unemployed = "unemployed" / "无业",
        Other = "other" / "其他",
    }
);

/// The 56 ethnic groups of China, in the order of GB 3304.
pub const ETHNICITIES: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// A band of whole years `[min, max]`, `max` open-ended when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Band {
    pub code: &'static str,
    pub label: &'static str,
    pub min: i32,
    pub max: Option<i32>,
}

impl Band {
    pub fn contains(&self, years: i32) -> bool {
        years >= self.min && self.max.is_none_or(|m| years <= m)
    }
}

const fn band(code: &'static str, label: &'static str, min: i32, max: Option<i32>) -> Band {
    Band {
        code,
        label,
        min,
        max,
    }
}

/// Age bands of the member statistics.
pub const AGE_BANDS: [Band; 6] = [
    band("to30", "30岁及以下", 0, Some(30)),
    band("31_40", "31–40岁", 31, Some(40)),
    band("41_50", "41–50岁", 41, Some(50)),
    band("51_60", "51–60岁", 51, Some(60)),
    band("61_70", "61–70岁", 61, Some(70)),
    band("over70", "71岁及以上", 71, None),
];

/// Party-age bands (years since joining).
pub const PARTY_AGE_BANDS: [Band; 6] = [
    band("lt5", "5年以下", 0, Some(4)),
    band("5_10", "5–10年", 5, Some(10)),
    band("11_20", "11–20年", 11, Some(20)),
    band("21_30", "21–30年", 21, Some(30)),
    band("31_50", "31–50年", 31, Some(50)),
    band("over50", "50年以上", 51, None),
];

/// Periods of joining the Party as the annual statistics count them, by calendar year of
/// joining (`min`, `max` are years here): before the founding of the PRC, to the Third
/// Plenum, to the 16th and the 18th Congress, and since.
pub const JOIN_PERIODS: [Band; 5] = [
    band("to1949", "1949年及以前", 0, Some(1949)),
    band("1950_1978", "1950–1978年", 1950, Some(1978)),
    band("1979_2002", "1979–2002年", 1979, Some(2002)),
    band("2003_2012", "2003–2012年", 2003, Some(2012)),
    band("from2013", "2013年及以后", 2013, None),
];

/// The ethnic group the statistics count apart from the minorities.
pub const HAN: &str = "汉族";

/// The member filter's code for every ethnic group but the Han.
pub const MINORITY: &str = "minority";

pub fn band_of(bands: &[Band], years: i32) -> Option<&Band> {
    bands.iter().find(|b| b.contains(years))
}

pub fn find_band<'a>(bands: &'a [Band], code: &str) -> Option<&'a Band> {
    bands.iter().find(|b| b.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_every_age_once() {
        for year in 1900..2200 {
            assert_eq!(
                JOIN_PERIODS.iter().filter(|b| b.contains(year)).count(),
                1,
                "{year}"
            );
        }
        assert_eq!(
            band_of(&JOIN_PERIODS, 1978).map(|b| b.code),
            Some("1950_1978")
        );
        assert_eq!(
            band_of(&JOIN_PERIODS, 2013).map(|b| b.code),
            Some("from2013")
        );
        assert_eq!(ETHNICITIES[0], HAN);
        for bands in [&AGE_BANDS[..], &PARTY_AGE_BANDS[..]] {
            for years in 0..130 {
                assert_eq!(
                    bands.iter().filter(|b| b.contains(years)).count(),
                    1,
                    "{years}"
                );
            }
        }
    }

    #[test]
    fn enums_parse_codes_and_labels() {
        assert_eq!(Status::parse("预备党员"), Some(Status::Probationary));
        assert_eq!(Education::parse("bachelor"), Some(Education::Bachelor));
        assert_eq!(Category::parse(" 离退休 "), Some(Category::Retired));
        assert_eq!(Category::parse("pirate"), None);
        assert_eq!(ETHNICITIES.len(), 56);
    }
}
