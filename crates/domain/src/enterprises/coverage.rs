//! The two coverages (两个覆盖) of non-public enterprises and social organizations, over
//! those operating: organizational coverage (their own party organization or a joint one),
//! 单独组建率 (their own only) and work coverage (an organization, or party work reaching
//! them without one: an instructor, a factory liaison, a union or the youth league).

use serde::Serialize;

/// Operating units counted by how they are covered; each unit in one of own, joint,
/// work only, or none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoverageCounts {
    pub operating: i64,
    pub own_org: i64,
    pub joint_org: i64,
    /// Without an organization, party work reaching them.
    pub work_only: i64,
}

impl std::ops::AddAssign for CoverageCounts {
    fn add_assign(&mut self, o: Self) {
        self.operating += o.operating;
        self.own_org += o.own_org;
        self.joint_org += o.joint_org;
        self.work_only += o.work_only;
    }
}

/// The rates of a set of operating units, in percent with one decimal (0 with none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EnterpriseCoverage {
    pub operating: i64,
    /// With their own party organization.
    pub own_org: i64,
    /// In a joint organization.
    pub joint_org: i64,
    /// With party work reaching them, organized or not.
    pub work_covered: i64,
    /// With neither an organization nor party work reaching them.
    pub uncovered: i64,
    /// (own + joint) ÷ operating.
    pub org_percent: f64,
    /// 单独组建率: own ÷ operating.
    pub own_percent: f64,
    /// Work covered ÷ operating.
    pub work_percent: f64,
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (1000.0 * part as f64 / whole as f64).round() / 10.0
}

impl From<CoverageCounts> for EnterpriseCoverage {
    fn from(c: CoverageCounts) -> Self {
        let work_covered = c.own_org + c.joint_org + c.work_only;
        EnterpriseCoverage {
            operating: c.operating,
            own_org: c.own_org,
            joint_org: c.joint_org,
            work_covered,
            uncovered: c.operating - work_covered,
            org_percent: percent(c.own_org + c.joint_org, c.operating),
            own_percent: percent(c.own_org, c.operating),
            work_percent: percent(work_covered, c.operating),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_count_own_joint_and_work() {
        let mut c = CoverageCounts {
            operating: 4,
            own_org: 1,
            joint_org: 1,
            work_only: 1,
        };
        c += CoverageCounts {
            operating: 2,
            joint_org: 1,
            ..CoverageCounts::default()
        };
        let s = EnterpriseCoverage::from(c);
        assert_eq!((s.operating, s.own_org, s.joint_org), (6, 1, 2));
        assert_eq!(s.org_percent, 50.0, "3 of 6 organized");
        assert_eq!(s.own_percent, 16.7, "1 of 6 on its own");
        assert_eq!((s.work_covered, s.uncovered), (4, 2));
        assert_eq!(s.work_percent, 66.7);
    }

    #[test]
    fn none_operating_gives_zero_rates() {
        let s = EnterpriseCoverage::from(CoverageCounts::default());
        assert_eq!(
            (s.org_percent, s.own_percent, s.work_percent),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(s.uncovered, 0);
    }
}
