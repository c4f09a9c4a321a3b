//! Fuling's real town-level units and the name statistics the synthetic people are drawn from
//! (FULING.md).

/// (code, name) of the 27 town-level units: 11 streets, 14 towns, 2 townships.
pub(crate) const TOWNS: [(&str, &str); 27] = [
    ("500102006", "敦仁街道"),
    ("500102007", "崇义街道"),
    ("500102008", "荔枝街道"),
    ("500102009", "江北街道"),
    ("500102010", "江东街道"),
    ("500102011", "李渡街道"),
    ("500102012", "龙桥街道"),
    ("500102013", "白涛街道"),
    ("500102014", "马鞍街道"),
    ("500102015", "蔺市街道"),
    ("500102016", "义和街道"),
    ("500102103", "南沱镇"),
    ("500102107", "青羊镇"),
    ("500102118", "百胜镇"),
    ("500102119", "珍溪镇"),
    ("500102120", "清溪镇"),
    ("500102121", "焦石镇"),
    ("500102122", "马武镇"),
    ("500102123", "龙潭镇"),
    ("500102125", "新妙镇"),
    ("500102126", "石沱镇"),
    ("500102128", "同乐镇"),
    ("500102129", "大顺镇"),
    ("500102130", "增福镇"),
    ("500102131", "罗云镇"),
    ("500102206", "大木乡"),
    ("500102208", "武陵山乡"),
];

/// Each unit's tile on the district's schematic map (code, column, row from the north-west):
/// the Yangtze runs west to east between rows 2 and 3, the Wu joins it at the city centre
/// (敦仁, 崇义), the streets of the seat sit along the rivers, the towns fan out north and
/// south. Relative places only; the district replaces them with its own boundaries.
pub(crate) const TILES: [(&str, i64, i64); 27] = [
    ("500102125", 1, 0),
    ("500102128", 2, 0),
    ("500102123", 3, 0),
    ("500102122", 6, 0),
    ("500102126", 0, 1),
    ("500102016", 1, 1),
    ("500102118", 3, 1),
    ("500102120", 4, 1),
    ("500102121", 5, 1),
    ("500102131", 6, 1),
    ("500102011", 1, 2),
    ("500102012", 2, 2),
    ("500102009", 3, 2),
    ("500102119", 5, 2),
    ("500102103", 6, 2),
    ("500102015", 0, 3),
    ("500102014", 2, 3),
    ("500102006", 3, 3),
    ("500102007", 4, 3),
    ("500102010", 5, 3),
    ("500102107", 1, 4),
    ("500102008", 3, 4),
    ("500102013", 4, 4),
    ("500102208", 6, 4),
    ("500102130", 2, 5),
    ("500102129", 4, 5),
    ("500102206", 6, 5),
];

/// Units upgraded since the seed article: (code, former name, date of the change).
pub(crate) const RENAMED: [(&str, &str, &str); 2] = [
    ("500102131", "罗云乡", "2022-03-01"),
    ("500102129", "大顺乡", "2022-03-01"),
];

/// Surnames with their share of the population in per mille, Chongqing's common ones added.
pub(crate) const SURNAMES: [(&str, u32); 57] = [
    ("王", 749),
    ("李", 737),
    ("张", 703),
    ("刘", 531),
    ("陈", 455),
    ("杨", 337),
    ("黄", 235),
    ("赵", 211),
    ("吴", 200),
    ("周", 196),
    ("徐", 150),
    ("孙", 146),
    ("朱", 132),
    ("马", 131),
    ("胡", 120),
    ("郭", 115),
    ("何", 107),
    ("高", 104),
    ("罗", 99),
    ("林", 98),
    ("郑", 91),
    ("梁", 84),
    ("谢", 75),
    ("宋", 73),
    ("唐", 71),
    ("韩", 64),
    ("许", 64),
    ("冯", 63),
    ("邓", 62),
    ("曹", 62),
    ("彭", 59),
    ("曾", 57),
    ("肖", 55),
    ("田", 54),
    ("董", 53),
    ("袁", 52),
    ("于", 51),
    ("潘", 51),
    ("蒋", 49),
    ("杜", 49),
    ("蔡", 49),
    ("余", 48),
    ("程", 47),
    ("魏", 46),
    ("叶", 46),
    ("吕", 45),
    ("丁", 45),
    ("苏", 45),
    ("任", 43),
    ("沈", 42),
    ("冉", 60),
    ("秦", 45),
    ("谭", 55),
    ("向", 50),
    ("熊", 40),
    ("况", 20),
    ("甘", 20),
];

pub(crate) const GIVEN: &str = "建国华明军平伟芳秀英兰玉春梅海涛勇强丽静敏燕红霞志刚文杰永清德中国荣光辉鹏飞雪琴淑珍桂凤成林斌浩宇欣怡婷雨轩佳豪子涵梓睿思远晓东昌福贵云川江山";

/// Village and community name stems, combined with a suffix.
pub(crate) const PLACE_STEMS: &str =
    "龙凤太平新华石桥金鸡双河青杉白果红岩梨子坪大田永安明月柏林黄草观音堡坎桂花长坝石龙兴隆";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_has_a_tile_of_its_own() {
        for (code, _) in TOWNS {
            let n = TILES.iter().filter(|(c, _, _)| *c == code).count();
            assert_eq!(n, 1, "{code}");
        }
        let mut places: Vec<(i64, i64)> = TILES.iter().map(|(_, c, r)| (*c, *r)).collect();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), TOWNS.len(), "no two units share a tile");
    }
}
