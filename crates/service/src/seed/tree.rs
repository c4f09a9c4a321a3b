//! The synthetic organization tree of a Fuling-shaped district.

use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_domain::path;
use dangjian_store::org::OrgRow;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::fuling::{PLACE_STEMS, TOWNS};

/// How members are drawn for a branch: which kind of unit it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sector {
    Village,
    Community,
    Agency,
    Institution,
    Enterprise,
    Social,
}

/// A branch that holds members, with the weight of its share and its grid groups.
pub(crate) struct Holder {
    pub org: usize,
    pub sector: Sector,
    pub weight: f64,
    pub groups: Vec<usize>,
}

pub(crate) struct Tree {
    pub orgs: Vec<OrgRow>,
    pub holders: Vec<Holder>,
    /// Index of each town committee, in the order of `TOWNS`.
    pub towns: Vec<usize>,
    /// The first community org of 白涛街道 and a branch inside it (for demo accounts).
    pub baitao_community: Option<usize>,
    pub baitao_branch: Option<usize>,
}

/// Multiplies a scale-1 count, keeping at least one.
pub(crate) fn scaled(n: f64, scale: f64) -> usize {
    ((n * scale).round() as usize).max(1)
}

fn chinese_ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

impl Tree {
    fn add(
        &mut self,
        parent: Option<usize>,
        kind: OrgKind,
        owner: OrgOwner,
        name: String,
        code: String,
        opened_on: &str,
    ) -> usize {
        let id = self.orgs.len() as i64 + 1;
        let parent_row = parent.map(|p| &self.orgs[p]);
        let p = path::child(parent_row.map(|r| r.path.as_str()), id);
        let row = OrgRow {
            id,
            parent_id: parent_row.map(|r| r.id),
            depth: i64::from(path::depth(&p)),
            path: p,
            kind: kind.as_str().into(),
            owner: owner.as_str().into(),
            name,
            code,
            secretary: None,
            opened_on: opened_on.into(),
            closed_on: None,
        };
        self.orgs.push(row);
        self.orgs.len() - 1
    }

    fn holder(&mut self, org: usize, sector: Sector, weight: f64) {
        self.holders.push(Holder {
            org,
            sector,
            weight,
            groups: Vec::new(),
        });
    }

    /// Branches under `parent`, numbered, each holding members.
    #[allow(clippy::too_many_arguments)]
    fn branches(
        &mut self,
        parent: usize,
        n: usize,
        prefix: &str,
        owner: OrgOwner,
        sector: Sector,
        weight: f64,
        rng: &mut ChaCha8Rng,
    ) {
        let code = self.orgs[parent].code.clone();
        for i in 1..=n {
            let kind = if sector == Sector::Enterprise && rng.random_bool(0.15) {
                OrgKind::JointBranch
            } else {
                OrgKind::Branch
            };
            let name = match kind {
                OrgKind::JointBranch => format!("{prefix}第{}联合党支部", chinese_ordinal(i)),
                _ => format!("{prefix}第{}党支部", chinese_ordinal(i)),
            };
            let b = self.add(
                Some(parent),
                kind,
                owner,
                name,
                format!("{code}-{i:03}"),
                "2005-07-01",
            );
            self.holder(b, sector, weight * rng.random_range(0.6..1.4));
        }
    }

    pub fn build(scale: f64, rng: &mut ChaCha8Rng) -> Tree {
        let mut t = Tree {
            orgs: Vec::new(),
            holders: Vec::new(),
            towns: Vec::new(),
            baitao_community: None,
            baitao_branch: None,
        };
        let root = t.add(
            None,
            OrgKind::DistrictCommittee,
            OrgOwner::None,
            "中共重庆市涪陵区委员会".into(),
            "500102".into(),
            "1950-01-01",
        );
        t.orgs[root].name = "涪陵区委".into();

        // Town committees with their villages and communities: 425 at scale 1.
        let weights: Vec<f64> = TOWNS.iter().map(|_| rng.random_range(10.0..20.0)).collect();
        let total_w: f64 = weights.iter().sum();
        let villages_total = scaled(425.0, scale);
        let mut assigned = 0;
        for (i, (code, name)) in TOWNS.iter().enumerate() {
            let n = if i + 1 == TOWNS.len() {
                villages_total.saturating_sub(assigned).max(1)
            } else {
                ((villages_total as f64 * weights[i] / total_w).round() as usize).max(1)
            };
            assigned += n;
            t.add_town(root, (code, name), n, scale, rng);
        }
        t.add_systems(root, scale, rng);
        t
    }

    /// A town committee with `villages` villages and communities (mostly communities in a
    /// street), its agencies and its institutions.
    fn add_town(
        &mut self,
        root: usize,
        (code, name): (&str, &str),
        n: usize,
        scale: f64,
        rng: &mut ChaCha8Rng,
    ) {
        let street = name.ends_with("街道");
        let committee = if street {
            format!("{name}党工委")
        } else {
            format!("{name}党委")
        };
        let town = self.add(
            Some(root),
            OrgKind::TownCommittee,
            OrgOwner::None,
            committee,
            (*code).into(),
            "1984-01-01",
        );
        self.towns.push(town);
        for v in 1..=n {
            self.add_village(town, (code, name), (v, n), street, rng);
        }
        // Each town's own agencies and institutions.
        let agency = self.add(
            Some(town),
            OrgKind::PartyCommittee,
            OrgOwner::Agency,
            format!("{name}机关党委"),
            format!("{code}-JG"),
            "1990-07-01",
        );
        self.branches(
            agency,
            scaled(3.0, scale),
            "机关",
            OrgOwner::Agency,
            Sector::Agency,
            12.0,
            rng,
        );
        let inst = self.add(
            Some(town),
            OrgKind::GeneralBranch,
            OrgOwner::PublicInstitution,
            format!("{name}事业单位党总支"),
            format!("{code}-SY"),
            "1995-07-01",
        );
        self.branches(
            inst,
            scaled(3.0, scale),
            "事业单位",
            OrgOwner::PublicInstitution,
            Sector::Institution,
            10.0,
            rng,
        );
    }

    /// The `v`th of a town's `n` villages and communities, with its branches.
    fn add_village(
        &mut self,
        town: usize,
        (code, name): (&str, &str),
        (v, n): (usize, usize),
        street: bool,
        rng: &mut ChaCha8Rng,
    ) {
        let stems: Vec<char> = PLACE_STEMS.chars().collect();
        let community = if street {
            v <= (n * 3 / 4).max(1)
        } else {
            v == 1
        };
        let stem: String = [
            stems[rng.random_range(0..stems.len())],
            stems[rng.random_range(0..stems.len())],
        ]
        .iter()
        .collect();
        let (owner, place, sector) = if community {
            (
                OrgOwner::Community,
                format!("{stem}社区"),
                Sector::Community,
            )
        } else {
            (OrgOwner::Village, format!("{stem}村"), Sector::Village)
        };
        let roll: f64 = rng.random();
        let (kind, suffix) = match (community, roll) {
            (true, r) if r < 0.3 => (OrgKind::PartyCommittee, "党委"),
            (true, r) if r < 0.7 => (OrgKind::GeneralBranch, "党总支"),
            (false, r) if r < 0.1 => (OrgKind::PartyCommittee, "党委"),
            (false, r) if r < 0.4 => (OrgKind::GeneralBranch, "党总支"),
            _ => (OrgKind::Branch, "党支部"),
        };
        let vcode = format!("{code}{v:03}");
        let org = self.add(
            Some(town),
            kind,
            owner,
            format!("{place}{suffix}"),
            vcode,
            "1990-07-01",
        );
        match kind {
            OrgKind::Branch => self.holder(org, sector, 30.0),
            OrgKind::PartyCommittee => {
                let n = rng.random_range(3..=6);
                self.branches(org, n, "", owner, sector, 22.0, rng)
            }
            _ => {
                let n = rng.random_range(2..=4);
                self.branches(org, n, "", owner, sector, 24.0, rng)
            }
        }
        if name == "白涛街道" && community && self.baitao_community.is_none() {
            self.baitao_community = Some(org);
            self.baitao_branch = self.holders.last().map(|h| h.org);
        }
    }

    /// The district-level systems, their general branches of up to 25 and their branches.
    fn add_systems(&mut self, root: usize, scale: f64, rng: &mut ChaCha8Rng) {
        // District-level systems.
        let systems: [(&str, &str, OrgOwner, Sector, f64, f64); 6] = [
            (
                "区级机关工委",
                "JGGW",
                OrgOwner::Agency,
                Sector::Agency,
                150.0,
                12.0,
            ),
            (
                "区教育工委",
                "JYGW",
                OrgOwner::PublicInstitution,
                Sector::Institution,
                130.0,
                15.0,
            ),
            (
                "区卫生健康工委",
                "WJGW",
                OrgOwner::PublicInstitution,
                Sector::Institution,
                40.0,
                20.0,
            ),
            (
                "区国资委党委",
                "GZW",
                OrgOwner::PublicInstitution,
                Sector::Institution,
                30.0,
                15.0,
            ),
            (
                "区民营经济协会党委",
                "MYJJ",
                OrgOwner::PrivateEnterprise,
                Sector::Enterprise,
                620.0,
                6.0,
            ),
            (
                "区社会组织党委",
                "SHZZ",
                OrgOwner::SocialOrg,
                Sector::Social,
                60.0,
                5.0,
            ),
        ];
        for (name, code, owner, sector, n, weight) in systems {
            let sys = self.add(
                Some(root),
                OrgKind::PartyCommittee,
                owner,
                name.into(),
                format!("500102-{code}"),
                "2000-07-01",
            );
            let total = scaled(n, scale);
            // Large systems group their branches in general branches of up to 25.
            let groups = total.div_ceil(25);
            for g in 1..=groups {
                let count = if g == groups {
                    total - 25 * (groups - 1)
                } else {
                    25
                };
                let gb = self.add(
                    Some(sys),
                    OrgKind::GeneralBranch,
                    owner,
                    format!("{name}第{}党总支", chinese_ordinal(g)),
                    format!("500102-{code}-{g:03}"),
                    "2005-07-01",
                );
                self.branches(gb, count, "", owner, sector, weight, rng);
            }
        }
    }

    /// Spreads `total` grid groups over village and community branches, weighted by size.
    pub fn add_grid_groups(&mut self, total: usize) {
        let targets: Vec<usize> = self
            .holders
            .iter()
            .enumerate()
            .filter(|(_, h)| matches!(h.sector, Sector::Village | Sector::Community))
            .map(|(i, _)| i)
            .collect();
        if targets.is_empty() {
            return;
        }
        for g in 0..total {
            let h = targets[g % targets.len()];
            let org = self.holders[h].org;
            let n = self.holders[h].groups.len() + 1;
            let code = format!("{}-W{n:02}", self.orgs[org].code);
            let idx = self.add(
                Some(org),
                OrgKind::GridGroup,
                OrgOwner::None,
                format!("第{}网格党小组", chinese_ordinal(n)),
                code,
                "2018-01-01",
            );
            self.holders[h].groups.push(idx);
        }
    }
}
