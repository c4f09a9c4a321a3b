//! What the platform already records about an organization in a year, and the figure each
//! computed item of a scheme takes from it, with the sentence saying where it came from.

use super::scheme::{Figure, Source};

/// The secretary post as the committee records show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Secretary {
    InPost,
    /// Vacant since the last holder left, for this many whole months.
    Vacant {
        months: i64,
    },
    #[default]
    NeverRecorded,
}

/// Counts of one organization's subtree for a year, each from the records named beside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// 三会一课 meetings held on time and due (life tallies, theme days excluded).
    pub meetings: (i64, i64),
    /// Theme days held on time and due.
    pub theme_days: (i64, i64),
    /// Branches of the subtree, and those that held the year's 民主评议 (or decided one in it).
    pub branches: i64,
    pub reviews_decided: i64,
    /// Member-months of dues paid in their month, and member-months due.
    pub dues: (i64, i64),
    /// People approved as 预备党员 in this year and the one before.
    pub recruited: i64,
    /// Residents' requests resolved within their limit, and resolved.
    pub requests: (i64, i64),
    /// Points households gave members, and the most they could have given.
    pub evaluation: (i64, i64),
    pub secretary: Secretary,
    /// Households paired with a member, and households.
    pub households: (i64, i64),
}

impl Records {
    /// The figure of a computed item. An organization that had nothing to do for an item
    /// (no meetings due, no requests) keeps its points, and the figure says so.
    pub fn figure(&self, source: Source) -> Figure {
        let share = |(part, whole): (i64, i64), text: String| Figure { part, whole, text };
        let label = source.label();
        match source {
            Source::Meetings => Figure::held(source, self.meetings.0, self.meetings.1, "开"),
            Source::ThemeDays => Figure::held(source, self.theme_days.0, self.theme_days.1, "开"),
            Source::Review => share(
                (self.reviews_decided, self.branches),
                format!(
                    "{label}：应评议支部 {} 个，已作出评议决定 {} 个",
                    self.branches, self.reviews_decided
                ),
            ),
            Source::DuesOnTime => share(
                self.dues,
                format!(
                    "{label}：应交 {} 人·月，当月交纳 {} 人·月",
                    self.dues.1, self.dues.0
                ),
            ),
            Source::Recruitment => Figure::fact(
                source,
                self.recruited > 0,
                &if self.recruited > 0 {
                    format!("本年度和上年度发展党员 {} 名", self.recruited)
                } else {
                    "本年度和上年度未发展党员".to_string()
                },
            ),
            Source::RequestsOnTime => share(
                self.requests,
                if self.requests.1 == 0 {
                    format!("{label}：本年度没有办结的群众诉求")
                } else {
                    format!(
                        "{label}：办结 {} 件，按时办结 {} 件",
                        self.requests.1, self.requests.0
                    )
                },
            ),
            Source::Evaluation => share(
                self.evaluation,
                match self.evaluation {
                    (_, 0) => format!("{label}：本年度没有群众评价"),
                    (got, most) => format!(
                        "{label}：群众评价得分率 {}%（{got} / {most} 分）",
                        got * 100 / most
                    ),
                },
            ),
            Source::SecretaryInPost => match self.secretary {
                Secretary::InPost => Figure::fact(source, true, "书记在岗"),
                Secretary::Vacant { months } => {
                    Figure::fact(source, false, &format!("书记岗位空缺 {months} 个月"))
                }
                Secretary::NeverRecorded => {
                    Figure::fact(source, false, "支部委员会中没有书记的任职记录")
                }
            },
            Source::HouseholdContact => share(
                self.households,
                format!(
                    "{label}：联系户 {} 户，已有党员结对 {} 户",
                    self.households.1, self.households.0
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_scores_from_its_own_record() {
        let r = Records {
            meetings: (22, 24),
            theme_days: (11, 12),
            branches: 4,
            reviews_decided: 3,
            dues: (300, 400),
            recruited: 0,
            requests: (9, 10),
            evaluation: (80, 100),
            secretary: Secretary::Vacant { months: 4 },
            households: (50, 100),
        };
        let f = r.figure(Source::Meetings);
        assert_eq!(f.text, "三会一课：应开 24 次，按时开 22 次");
        assert_eq!(f.score(100), 91);
        assert_eq!(r.figure(Source::ThemeDays).score(50), 45);
        let review = r.figure(Source::Review);
        assert_eq!(review.score(50), 37, "3 of 4 branches, 3.75 down to 3.7");
        assert!(review.text.contains("应评议支部 4 个"), "{}", review.text);
        assert_eq!(r.figure(Source::DuesOnTime).score(100), 75);
        assert_eq!(r.figure(Source::Recruitment).score(50), 0);
        assert_eq!(
            r.figure(Source::Recruitment).text,
            "近两年发展党员：本年度和上年度未发展党员"
        );
        assert_eq!(r.figure(Source::RequestsOnTime).score(100), 90);
        let e = r.figure(Source::Evaluation);
        assert_eq!((e.score(150), e.text.contains("80%")), (120, true));
        let s = r.figure(Source::SecretaryInPost);
        assert_eq!(
            (s.score(50), s.text.as_str()),
            (0, "书记在岗：书记岗位空缺 4 个月")
        );
        assert_eq!(r.figure(Source::HouseholdContact).score(50), 25);
    }

    #[test]
    fn nothing_to_do_keeps_the_points_and_says_so() {
        let r = Records {
            secretary: Secretary::InPost,
            recruited: 2,
            ..Records::default()
        };
        assert_eq!(r.figure(Source::Meetings).score(100), 100);
        let q = r.figure(Source::RequestsOnTime);
        assert_eq!((q.score(100), q.text.contains("没有办结")), (100, true));
        assert_eq!(r.figure(Source::SecretaryInPost).score(50), 50);
        assert_eq!(r.figure(Source::Recruitment).score(50), 50);
        let never = Records::default().figure(Source::SecretaryInPost);
        assert_eq!(
            never.score(50),
            0,
            "a post never recorded is not a secretary in post"
        );
    }
}
