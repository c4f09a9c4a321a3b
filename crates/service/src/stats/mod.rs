//! The cloud centre's figures for one subtree, read from the rollup.

pub mod annual;
pub mod work_report;

use dangjian_domain::bands::{
    AGE_BANDS, Band, Category, Education, PARTY_AGE_BANDS, Status, band_of,
};
use dangjian_domain::id_number::Gender;
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_store::rollup;
use serde::Serialize;

use crate::orgs::ChildSummary;
use crate::orgs::Org;
use crate::{Actor, App, ServiceResult, today};

/// One bar of a breakdown: a classification code, its Chinese label, and a count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Slice {
    pub code: String,
    pub label: String,
    pub n: i64,
}

/// Figures of one subtree 统计概览, read from the rollup (open organizations only).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub org: Org,
    /// Grassroots organizations 基层党组织 (party_committee, general_branch, branch, joint_branch)
    /// in the subtree.
    pub orgs_total: i64,
    pub members_total: i64,
    pub members_full: i64,
    pub members_probationary: i64,
    pub members_flowing: i64,
    pub grid_groups: i64,
    pub party_groups: i64,
    /// Grassroots kinds only, in this order: party_committee, general_branch, branch,
    /// joint_branch.
    pub orgs_by_kind: Vec<Slice>,
    /// Every OrgOwner code, in order: none, village, community, agency, public_institution,
    /// private_enterprise, social_org.
    pub orgs_by_owner: Vec<Slice>,
    /// Every MemberStatus code: full, probationary.
    pub by_status: Vec<Slice>,
    /// Every Gender code: male, female.
    pub by_gender: Vec<Slice>,
    /// Every Education code, in order: primary, junior, senior, college, bachelor,
    /// postgraduate.
    pub by_education: Vec<Slice>,
    /// Every Category code, in order: in_service, retired, farmer, student, unemployed, other.
    pub by_category: Vec<Slice>,
    /// Bands by year of birth and of confirmation: a dashboard figure, exact to the year.
    pub by_age_band: Vec<Slice>,
    /// Party-age bands by year of confirmation (exact to the year; probationary members are not
    /// counted): `lt5` 5年以下; `5_10` 5–10年; `11_20` 11–20年; `21_30` 21–30年; `31_50` 31–50年;
    /// `over50` 50年以上.
    pub by_party_age_band: Vec<Slice>,
    /// The organization's children, as GET /orgs?parent= answers them.
    pub children: Vec<ChildSummary>,
}

fn by_year(
    counts: &[(String, String, i64)],
    metric: &str,
    bands: &[Band],
    this_year: i32,
) -> Vec<Slice> {
    let mut out: Vec<Slice> = bands
        .iter()
        .map(|b| Slice {
            code: b.code.into(),
            label: b.label.into(),
            n: 0,
        })
        .collect();
    for (_, key, n) in counts.iter().filter(|(m, _, _)| m == metric) {
        let Ok(year) = key.parse::<i32>() else {
            continue;
        };
        if let Some(b) = band_of(bands, (this_year - year).max(0))
            && let Some(s) = out.iter_mut().find(|s| s.code == b.code)
        {
            s.n += n;
        }
    }
    out
}

fn slices<T: Copy>(
    counts: &[(String, String, i64)],
    metric: &str,
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Slice> {
    all.iter()
        .map(|v| Slice {
            code: code(*v).into(),
            label: label(*v).into(),
            n: counts
                .iter()
                .filter(|(m, k, _)| m == metric && k == code(*v))
                .map(|(_, _, n)| n)
                .sum(),
        })
        .collect()
}

impl App {
    /// Members in the subtree of an org in scope.
    pub async fn member_total(&self, actor: &Actor, org_id: i64) -> ServiceResult<i64> {
        let org = self.org(actor, org_id).await?;
        let mut conn = self.db.conn().await?;
        Ok(rollup::get(&mut conn, org.id, rollup::MEMBER_TOTAL, "").await?)
    }

    /// Figures for `org_id` (default: the actor's home org), which must be in scope.
    pub async fn overview(&self, actor: &Actor, org_id: Option<i64>) -> ServiceResult<Overview> {
        let org = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let counts = {
            let mut conn = self.db.conn().await?;
            rollup::for_org(&mut conn, org.id).await?
        };
        let children = self.org_children(actor, org.id).await?;
        let get = |metric: &str, key: &str| -> i64 {
            counts
                .iter()
                .filter(|(m, k, _)| m == metric && k == key)
                .map(|(_, _, n)| n)
                .sum()
        };
        let orgs_by_kind = slices(
            &counts,
            rollup::ORG_KIND,
            &OrgKind::ALL,
            OrgKind::as_str,
            OrgKind::label,
        );
        let orgs_total = OrgKind::ALL
            .iter()
            .filter(|k| k.is_grassroots())
            .map(|k| get(rollup::ORG_KIND, k.as_str()))
            .sum();
        let year = today().year();
        Ok(Overview {
            orgs_total,
            members_total: get(rollup::MEMBER_TOTAL, ""),
            members_full: get(rollup::MEMBER_STATUS, Status::Full.as_str()),
            members_probationary: get(rollup::MEMBER_STATUS, Status::Probationary.as_str()),
            members_flowing: get(rollup::MEMBER_FLOWING, "1"),
            grid_groups: get(rollup::ORG_KIND, OrgKind::GridGroup.as_str()),
            party_groups: get(rollup::ORG_KIND, OrgKind::PartyGroup.as_str()),
            orgs_by_kind: orgs_by_kind
                .into_iter()
                .filter(|s| OrgKind::parse(&s.code).is_some_and(|k| k.is_grassroots()))
                .collect(),
            orgs_by_owner: slices(
                &counts,
                rollup::ORG_OWNER,
                &OrgOwner::ALL,
                OrgOwner::as_str,
                OrgOwner::label,
            ),
            by_status: slices(
                &counts,
                rollup::MEMBER_STATUS,
                Status::ALL,
                Status::as_str,
                Status::label,
            ),
            by_gender: slices(
                &counts,
                rollup::MEMBER_GENDER,
                &Gender::ALL,
                Gender::as_str,
                Gender::label,
            ),
            by_education: slices(
                &counts,
                rollup::MEMBER_EDUCATION,
                Education::ALL,
                Education::as_str,
                Education::label,
            ),
            by_category: slices(
                &counts,
                rollup::MEMBER_CATEGORY,
                Category::ALL,
                Category::as_str,
                Category::label,
            ),
            by_age_band: by_year(&counts, rollup::MEMBER_BIRTH_YEAR, &AGE_BANDS, year),
            by_party_age_band: by_year(
                &counts,
                rollup::MEMBER_CONFIRM_YEAR,
                &PARTY_AGE_BANDS,
                year,
            ),
            children,
            org,
        })
    }
}
