//! The reserve pool (后备力量) of a village: where each person came from, their yearly review,
//! and what became of them.

crate::labelled_enum!(
    /// Where a reserve cadre came from.
    Source {
        LocalTalent = "local_talent" / "本土人才",
        Returnee = "returnee" / "返乡回引人员",
        Graduate = "graduate" / "高校毕业生",
        Veteran = "veteran" / "退役军人",
        Other = "other" / "其他",
    }
);

crate::labelled_enum!(
    /// What became of a reserve cadre (none while still in the pool).
    Outcome {
        Elected = "elected" / "已当选",
        Left = "left" / "已退出",
    }
);

crate::labelled_enum!(
    /// A reserve cadre's yearly review.
    ReviewGrade {
        Excellent = "excellent" / "优秀",
        Competent = "competent" / "合格",
        Basic = "basic" / "基本合格",
        Incompetent = "incompetent" / "不合格",
    }
);

/// How many more reserve cadres a village needs to reach its target.
pub fn shortfall(target: i64, in_pool: i64) -> i64 {
    (target - in_pool).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortfall_is_never_negative() {
        assert_eq!(shortfall(3, 1), 2);
        assert_eq!(shortfall(3, 5), 0);
        assert_eq!(Source::parse("本土人才"), Some(Source::LocalTalent));
    }
}
