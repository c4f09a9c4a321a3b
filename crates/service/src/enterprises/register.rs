//! The register of non-public enterprises and social organizations: each unit once by its
//! credit code, under the organization it lies in, with its party organization (its own, a
//! joint one, or none) and the ways party work reaches it; the two coverages of a level
//! and of each of its children, counted from the register.

use std::collections::BTreeMap;

use dangjian_domain::enterprises::coverage::{CoverageCounts, EnterpriseCoverage};
use dangjian_domain::enterprises::credit_code::CreditCode;
use dangjian_domain::enterprises::{EnterpriseRules, OrgSetup, Size, UnitKind};
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_domain::{date, path};
use dangjian_store::StoreError;
use dangjian_store::enterprises::register::{
    self as store, EnterpriseFilter, EnterpriseRow, EnterpriseWrite,
};
use dangjian_store::{Conn, org};
use serde::{Deserialize, Serialize};

use super::policy;
use crate::audit::Entry;
use crate::model::{choice, optional, placed, required_text, window};
use crate::model::{page_number, read_model};
use crate::orgs::{Org, places};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const ENTERPRISES_PER_PAGE: i64 = 50;

read_model! {
    /// A registered unit.
    pub struct Enterprise from EnterpriseRow {
        pub id: i64,
        /// The organization it lies under, named with its parents below the reader.
        pub org_id: i64,
        pub org_name: String,
        pub name: String,
        pub credit_code: String,
        /// `enterprise` | `social_org`.
        pub kind: String,
        pub industry: String,
        /// `large` | `medium` | `small` | `micro`.
        pub size: String,
        pub staff: i64,
        pub address: String,
        pub operating: bool,
        /// `own` | `joint` | `none`.
        pub org_setup: String,
        pub party_org_id: Option<i64>,
        pub party_org_name: Option<String>,
        /// Its code, as the form and the roster name it.
        pub party_org_code: Option<String>,
        /// Members working there whose membership is kept elsewhere.
        pub members_elsewhere: i64,
        pub has_union: bool,
        pub has_youth_league: bool,
        /// An instructor or a liaison is assigned to it today.
        pub helpers_reach: bool,
    }
}

impl Enterprise {
    pub fn kind_label(&self) -> &'static str {
        UnitKind::parse(&self.kind).map_or("", UnitKind::label)
    }
    pub fn size_label(&self) -> &'static str {
        Size::parse(&self.size).map_or("", Size::label)
    }
    pub fn setup_label(&self) -> &'static str {
        OrgSetup::parse(&self.org_setup).map_or("", OrgSetup::label)
    }
    /// Party work reaches it: an organization, a union, the youth league, an instructor or
    /// a liaison.
    pub fn work_covered(&self) -> bool {
        self.org_setup != OrgSetup::None.as_str()
            || self.has_union
            || self.has_youth_league
            || self.helpers_reach
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnterpriseList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<Enterprise>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether the caller registers units below the level.
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    pub org: Option<i64>,
    /// `enterprise` | `social_org`.
    pub kind: Option<String>,
    /// `own` | `joint` | `none`.
    pub setup: Option<String>,
    pub operating: Option<bool>,
    /// Only operating units with neither an organization nor party work reaching them.
    pub uncovered: Option<bool>,
    /// The start of a name, or a whole credit code.
    pub q: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EnterpriseInput {
    /// The organization it lies under: a town, or a village or community below it.
    pub org_id: i64,
    pub name: String,
    /// 统一社会信用代码, 18 characters with its check character.
    pub credit_code: String,
    /// 非公企业 / 社会组织 (code or label).
    pub kind: String,
    /// One of the district's industries.
    pub industry: String,
    /// 大型 / 中型 / 小型 / 微型 (code or label).
    pub size: String,
    pub staff: Option<i64>,
    pub address: String,
    /// Default true.
    pub operating: Option<bool>,
    /// 单独组建 / 联合组建 / 未建立 (code or label).
    pub org_setup: String,
    /// Its own organization, or the joint one; none without.
    pub party_org_id: Option<i64>,
    /// The same organization by its code, when no `party_org_id` is given.
    pub party_org_code: String,
    pub members_elsewhere: Option<i64>,
    pub has_union: bool,
    pub has_youth_league: bool,
}

/// The two coverages of one kind of unit and of both together.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct KindCoverage {
    pub enterprise: EnterpriseCoverage,
    pub social_org: EnterpriseCoverage,
    pub all: EnterpriseCoverage,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildCoverage {
    pub org_id: i64,
    pub name: String,
    pub coverage: KindCoverage,
}

/// The two coverages of a level and of each child with units.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageReport {
    pub org_id: i64,
    pub org_name: String,
    pub coverage: KindCoverage,
    pub children: Vec<ChildCoverage>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    pub org: Option<i64>,
}

#[derive(Default)]
struct Counts {
    enterprise: CoverageCounts,
    social_org: CoverageCounts,
}

impl Counts {
    fn report(&self) -> KindCoverage {
        let mut all = self.enterprise;
        all += self.social_org;
        KindCoverage {
            enterprise: self.enterprise.into(),
            social_org: self.social_org.into(),
            all: all.into(),
        }
    }
}

fn bounded(field: &'static str, label: &str, value: i64, most: i64) -> ServiceResult<i64> {
    if !(0..=most).contains(&value) {
        return Err(ServiceError::field(
            field,
            "out_of_range",
            format!("{label}应为 0–{most}"),
        ));
    }
    Ok(value)
}

impl App {
    /// The district's rules of non-public party work.
    pub async fn enterprise_rules(&self) -> ServiceResult<EnterpriseRules> {
        let mut conn = self.db.conn().await?;
        Ok(
            dangjian_store::setting::get(&mut conn, dangjian_store::setting::ENTERPRISE_RULES)
                .await?
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or_default(),
        )
    }

    /// The rules as staff read them (members 403).
    pub async fn read_enterprise_rules(&self, actor: &Actor) -> ServiceResult<EnterpriseRules> {
        policy::check_staff(actor)?;
        self.enterprise_rules().await
    }

    pub async fn set_enterprise_rules(
        &self,
        actor: &Actor,
        rules: &EnterpriseRules,
    ) -> ServiceResult<EnterpriseRules> {
        policy::check_district(actor)?;
        rules.validate().map_err(ServiceError::Invalid)?;
        let mut rules = rules.clone();
        rules.industries = rules
            .industries
            .iter()
            .map(|r| r.trim().to_string())
            .collect();
        let json = serde_json::to_string(&rules)
            .map_err(|e| ServiceError::Internal(format!("规则无法保存：{e}")))?;
        let key = dangjian_store::setting::ENTERPRISE_RULES;
        let mut tx = self.begin_audited().await?;
        dangjian_store::setting::set(tx.conn(), key, &json).await?;
        tx.commit(
            actor,
            Entry::ok("enterprise.rules", "setting", key).detail(json),
        )
        .await?;
        Ok(rules)
    }

    /// The level a register list is asked for (default: the actor's own), staff only.
    pub(super) async fn register_level(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<Org> {
        policy::check_staff(actor)?;
        let o = match org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_read(actor, &o.path)?;
        Ok(o)
    }

    pub async fn enterprises(
        &self,
        actor: &Actor,
        q: &EnterpriseQuery,
    ) -> ServiceResult<EnterpriseList> {
        self.enterprise_list(actor, q, Some(page_number(q.page)))
            .await
    }

    pub async fn export_enterprises(
        &self,
        actor: &Actor,
        q: &EnterpriseQuery,
    ) -> ServiceResult<EnterpriseList> {
        self.enterprise_list(actor, q, None).await
    }

    async fn enterprise_list(
        &self,
        actor: &Actor,
        q: &EnterpriseQuery,
        page: Option<i64>,
    ) -> ServiceResult<EnterpriseList> {
        let o = self.register_level(actor, q.org).await?;
        let f = EnterpriseFilter {
            root_path: o.path.clone(),
            kind: optional(
                "kind",
                UnitKind::parse,
                q.kind.as_deref(),
                "单位类别应为非公企业或社会组织",
            )?
            .map(|k| k.as_str().to_string()),
            org_setup: optional(
                "setup",
                OrgSetup::parse,
                q.setup.as_deref(),
                "党组织组建方式应为单独组建、联合组建或未建立",
            )?
            .map(|s| s.as_str().to_string()),
            operating: q.operating,
            uncovered_on: q.uncovered.unwrap_or(false).then(|| date::format(today())),
            q: q.q.clone().map(|s| s.trim().to_string()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = window(page, ENTERPRISES_PER_PAGE);
        let day = date::format(today());
        let (total, rows) = store::enterprises(&mut conn, &f, &day, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "个单位")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(EnterpriseList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| ENTERPRISES_PER_PAGE),
            may_keep: policy::may_keep(actor, &o.path),
        })
    }

    /// One unit the caller reads; out of scope answers like missing.
    pub async fn enterprise(&self, actor: &Actor, id: i64) -> ServiceResult<Enterprise> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        let u = store::enterprise(&mut conn, id, &date::format(today()))
            .await?
            .ok_or(ServiceError::NotFound)?;
        if actor.check_visible(&u.org_path).is_err() {
            return Err(ServiceError::NotFound);
        }
        let mut items: Vec<Enterprise> = placed(&mut conn, actor, vec![u]).await?;
        items.pop().ok_or(ServiceError::NotFound)
    }

    /// The level whose places a unit's form offers (it and its children): the unit's town
    /// for a unit under a village or community, else the place itself, so that the place the
    /// unit lies in is always among them.
    pub async fn enterprise_form_level(&self, actor: &Actor, e: &Enterprise) -> ServiceResult<Org> {
        let place = self.org(actor, e.org_id).await?;
        match place.parent_id {
            Some(parent) if place.depth >= 3 => self.org(actor, parent).await,
            _ => Ok(place),
        }
    }

    pub async fn add_enterprise(
        &self,
        actor: &Actor,
        input: &EnterpriseInput,
    ) -> ServiceResult<Enterprise> {
        let rules = self.enterprise_rules().await?;
        let mut tx = self.begin_audited().await?;
        let w = self
            .enterprise_write(tx.conn(), actor, input, &rules, None)
            .await?;
        let id = store::insert(tx.conn(), &w, actor.user_id)
            .await
            .map_err(duplicate)?;
        tx.commit(
            actor,
            Entry::ok("enterprise.add", "enterprise", id)
                .detail(format!("{} {}", w.name, w.credit_code)),
        )
        .await?;
        self.enterprise(actor, id).await
    }

    pub async fn edit_enterprise(
        &self,
        actor: &Actor,
        id: i64,
        input: &EnterpriseInput,
    ) -> ServiceResult<Enterprise> {
        let rules = self.enterprise_rules().await?;
        let mut tx = self.begin_audited().await?;
        let old = store::enterprise(tx.conn(), id, &date::format(today()))
            .await?
            .filter(|u| actor.check_visible(&u.org_path).is_ok())
            .ok_or(ServiceError::NotFound)?;
        policy::check_keep(actor, &old.org_path)?;
        let w = self
            .enterprise_write(tx.conn(), actor, input, &rules, Some(&old))
            .await?;
        store::update(tx.conn(), id, &w).await.map_err(duplicate)?;
        tx.commit(
            actor,
            Entry::ok("enterprise.edit", "enterprise", id)
                .detail(format!("{} {}", w.name, w.credit_code)),
        )
        .await?;
        self.enterprise(actor, id).await
    }

    /// A unit as the caller may write it, every field checked, or the first refusal.
    pub(super) async fn enterprise_write(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        input: &EnterpriseInput,
        rules: &EnterpriseRules,
        old: Option<&EnterpriseRow>,
    ) -> ServiceResult<EnterpriseWrite> {
        let editing = old.map(|o| o.id);
        let place = self.org(actor, input.org_id).await.map_err(|_| {
            ServiceError::field(
                "org_id",
                "not_found",
                "找不到所在组织，请从本级及下级中选择",
            )
        })?;
        policy::check_keep(actor, &place.path)?;
        if place.depth > 3
            || OrgKind::parse(&place.kind).is_none_or(OrgKind::is_group)
            || place.closed_on.is_some()
        {
            return Err(ServiceError::field(
                "org_id",
                "invalid_place",
                "所在组织应为区、镇街或村(社区)",
            ));
        }
        let name = required_text("name", "单位名称", &input.name, 100)?;
        let code =
            CreditCode::parse(&input.credit_code).map_err(|e| ServiceError::Invalid(vec![e]))?;
        if let Some((other, other_name, other_path)) = store::by_code(conn, code.as_str()).await?
            && Some(other) != editing
        {
            let whose = if actor.check_visible(&other_path).is_ok() {
                format!("（{other_name}）")
            } else {
                String::new()
            };
            return Err(ServiceError::field(
                "credit_code",
                "duplicate",
                format!("该统一社会信用代码已登记{whose}"),
            ));
        }
        let kind = choice(
            "kind",
            UnitKind::parse,
            &input.kind,
            "请选择非公企业或社会组织",
        )?;
        let industry = input.industry.trim();
        if !rules.industries.iter().any(|i| i == industry) {
            return Err(ServiceError::field(
                "industry",
                "invalid_choice",
                "请从列表中选择所属行业",
            ));
        }
        let size = choice(
            "size",
            Size::parse,
            &input.size,
            "请选择大型、中型、小型或微型",
        )?;
        let staff = input
            .staff
            .ok_or_else(|| ServiceError::field("staff", "required", "请填写从业人员数"))?;
        let staff = bounded("staff", "从业人员数", staff, 1_000_000)?;
        let address = input.address.trim();
        if address.chars().count() > 200 {
            return Err(ServiceError::field(
                "address",
                "too_long",
                "地址不能超过 200 字",
            ));
        }
        let setup = choice(
            "org_setup",
            OrgSetup::parse,
            &input.org_setup,
            "请选择党组织组建方式：单独组建、联合组建或未建立",
        )?;
        let named = match (input.party_org_id, input.party_org_code.trim()) {
            (Some(id), _) => Some(id),
            (None, "") => None,
            (None, code) if old.is_some_and(|o| o.party_org_code.as_deref() == Some(code)) => {
                old.and_then(|o| o.party_org_id)
            }
            (None, code) => Some(
                org::get_by_code(conn, code)
                    .await?
                    .filter(|o| actor.check_visible(&o.path).is_ok())
                    .map(|o| o.id)
                    .ok_or_else(|| {
                        ServiceError::field("party_org_id", "not_found", "找不到该党组织代码")
                    })?,
            ),
        };
        // A link kept as it was stays without being checked again: the party organization of
        // a unit in a town is often kept by the district, out of the town's sight.
        let unchanged = old.is_some_and(|o| {
            o.party_org_id.is_some()
                && o.party_org_id == named
                && o.org_setup == setup.as_str()
                && o.kind == kind.as_str()
        });
        let party_org_id = if unchanged {
            named
        } else {
            self.party_org(conn, actor, setup, kind, named, rules, editing)
                .await?
        };
        Ok(EnterpriseWrite {
            org_id: place.id,
            name,
            credit_code: code.as_str().to_string(),
            kind: kind.as_str(),
            industry: industry.to_string(),
            size: size.as_str(),
            staff,
            address: address.to_string(),
            operating: input.operating.unwrap_or(true),
            org_setup: setup.as_str(),
            party_org_id,
            members_elsewhere: bounded(
                "members_elsewhere",
                "组织关系在外的党员数",
                input.members_elsewhere.unwrap_or(0),
                100_000,
            )?,
            has_union: input.has_union,
            has_youth_league: input.has_youth_league,
        })
    }

    /// The party organization a unit's setup names: none without one; its own must be a
    /// grassroots organization of its kind that is no other unit's own; a joint one must have
    /// room under the district's maximum.
    #[allow(clippy::too_many_arguments)]
    async fn party_org(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        setup: OrgSetup,
        kind: UnitKind,
        party_org_id: Option<i64>,
        rules: &EnterpriseRules,
        editing: Option<i64>,
    ) -> ServiceResult<Option<i64>> {
        let Some(id) = party_org_id else {
            if setup == OrgSetup::None {
                return Ok(None);
            }
            return Err(ServiceError::field(
                "party_org_id",
                "required",
                "请选择本单位的党组织",
            ));
        };
        if setup == OrgSetup::None {
            return Err(ServiceError::field(
                "party_org_id",
                "not_expected",
                "未建立党组织的单位不选党组织",
            ));
        }
        let missing = || ServiceError::field("party_org_id", "not_found", "找不到该党组织");
        let o = org::get(conn, id)
            .await?
            .filter(|o| actor.check_visible(&o.path).is_ok())
            .ok_or_else(missing)?;
        let grassroots = OrgKind::parse(&o.kind).is_some_and(OrgKind::is_grassroots);
        if !grassroots || o.closed_on.is_some() {
            return Err(ServiceError::field(
                "party_org_id",
                "not_grassroots",
                "请选择仍在运行的党委、党总支或党支部",
            ));
        }
        match setup {
            OrgSetup::Own => {
                let owner = match kind {
                    UnitKind::Enterprise => OrgOwner::PrivateEnterprise,
                    UnitKind::SocialOrg => OrgOwner::SocialOrg,
                };
                if o.owner != owner.as_str() {
                    return Err(ServiceError::field(
                        "party_org_id",
                        "wrong_owner",
                        format!("单独组建的党组织应建在{}", owner.label()),
                    ));
                }
                if let Some(other) = store::own_of(conn, o.id).await?
                    && Some(other.0) != editing
                {
                    return Err(ServiceError::field(
                        "party_org_id",
                        "taken",
                        format!("该党组织已是{}单独组建的党组织", other.1),
                    ));
                }
            }
            OrgSetup::Joint => {
                let covered = store::joint_count(conn, o.id, editing).await?;
                rules
                    .check_joint(covered)
                    .map_err(|e| ServiceError::Invalid(vec![e]))?;
            }
            OrgSetup::None => {}
        }
        Ok(Some(o.id))
    }

    /// The two coverages of a level and of each of its children with units.
    pub async fn enterprise_coverage(
        &self,
        actor: &Actor,
        q: &CoverageQuery,
    ) -> ServiceResult<CoverageReport> {
        let o = self.register_level(actor, q.org).await?;
        let mut conn = self.db.conn().await?;
        let depth = (path::depth(&o.path) + 1) as usize;
        let mut level = Counts::default();
        let mut by_child: BTreeMap<String, Counts> = BTreeMap::new();
        let day = date::format(today());
        for r in store::coverage_counts(&mut conn, &o.path, &day).await? {
            let c = CoverageCounts {
                operating: r.operating,
                own_org: r.own_org,
                joint_org: r.joint_org,
                work_only: r.work_only,
            };
            let kind = UnitKind::parse(&r.kind);
            let add = |counts: &mut Counts| match kind {
                Some(UnitKind::Enterprise) => counts.enterprise += c,
                Some(UnitKind::SocialOrg) => counts.social_org += c,
                None => {}
            };
            add(&mut level);
            // Units registered on the level itself count for it, under no child.
            let child = path::ancestor(&r.path, depth);
            if child != o.path {
                add(by_child.entry(child).or_default());
            }
        }
        let paths: Vec<&str> = by_child.keys().map(String::as_str).collect();
        let names = places(&mut conn, &o.path, &paths).await?;
        let children = by_child
            .iter()
            .map(|(p, c)| ChildCoverage {
                org_id: path::ids(p).last().copied().unwrap_or_default(),
                name: names.get(p).cloned().unwrap_or_default(),
                coverage: c.report(),
            })
            .collect();
        Ok(CoverageReport {
            org_id: o.id,
            org_name: o.name.clone(),
            coverage: level.report(),
            children,
        })
    }
}

/// A write that lost a race with another for the same code or organization.
fn duplicate(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate(d) if d.contains("party_org") || d.contains("own_org") => {
            ServiceError::field(
                "party_org_id",
                "taken",
                "该党组织已是其他单位单独组建的党组织",
            )
        }
        StoreError::Duplicate(_) => {
            ServiceError::field("credit_code", "duplicate", "该统一社会信用代码已登记")
        }
        other => other.into(),
    }
}
