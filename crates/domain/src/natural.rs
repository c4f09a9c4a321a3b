//! Natural order of names: numbers inside a name sort as numbers, so that 第2网格 comes
//! before 第10网格 on both engines. Each name gets a key in which every run of digits is
//! written at one width; the key is stored beside the name and sorted as text.

/// Width digit runs are padded to: names carry no number with more digits than this.
const WIDTH: usize = 10;

/// The key that sorts `name` naturally: every run of ASCII or full-width digits becomes its
/// value, zero-padded to ten digits (longer runs are kept as they are, after their leading
/// zeros are dropped, and still sort after every shorter number).
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, key: &mut String| {
        if digits.is_empty() {
            return;
        }
        let value = digits.trim_start_matches('0');
        for _ in value.len()..WIDTH {
            key.push('0');
        }
        key.push_str(value);
        digits.clear();
    };
    for c in name.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            _ => {
                flush(&mut digits, &mut key);
                key.push(c);
            }
        }
    }
    flush(&mut digits, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<&str> = names.to_vec();
        v.sort_by_key(|n| sort_key(n));
        v.into_iter().map(String::from).collect()
    }

    #[test]
    fn numbers_inside_names_sort_as_numbers() {
        assert_eq!(
            sorted(&["第10网格", "第2网格", "第1网格", "第１１网格", "第3网格"]),
            ["第1网格", "第2网格", "第3网格", "第10网格", "第１１网格"]
        );
        assert_eq!(
            sorted(&["2栋10单元", "2栋9单元", "10栋1单元", "服务队"]),
            ["2栋9单元", "2栋10单元", "10栋1单元", "服务队"]
        );
        assert_eq!(sort_key("007"), sort_key("7"), "leading zeros do not count");
        assert_eq!(
            sort_key("第一网格"),
            "第一网格",
            "names without digits keep their text"
        );
    }

    proptest::proptest! {
        #[test]
        fn order_follows_the_numbers(a in 0u64..10_000_000_000, b in 0u64..10_000_000_000) {
            let (ka, kb) = (sort_key(&format!("第{a}组")), sort_key(&format!("第{b}组")));
            proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
        }
    }
}
