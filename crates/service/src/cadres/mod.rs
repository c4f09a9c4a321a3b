//! Cadres and talents: the two committees (两委) of villages and communities with their
//! elections and statistics, and the reserve pool. Persons are shared with the member
//! registry (`person`), so that a cadre who joins the party stays one person.

pub mod committee;
pub mod election;
pub mod person;
pub mod policy;
pub mod remind;
pub mod reserve;
pub mod resident;
pub mod roster;
pub mod summary;
pub mod talent;

use dangjian_domain::cadres::rules::CadreRules;
use dangjian_domain::org::OrgOwner;
use dangjian_store::setting;

use crate::audit::Entry;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

/// Whether an organization is a village's or community's (a town's child set up in one):
/// the ones with two committees.
pub(crate) fn is_village(o: &Org) -> bool {
    o.depth == 3
        && matches!(
            OrgOwner::parse(&o.owner),
            Some(OrgOwner::Village | OrgOwner::Community)
        )
        && !matches!(o.kind.as_str(), "party_group" | "grid_group")
        && o.closed_on.is_none()
}

impl App {
    /// The level a cadre list is asked for (default: the actor's own), read by staff only.
    pub(crate) async fn cadre_level(&self, actor: &Actor, org: Option<i64>) -> ServiceResult<Org> {
        policy::check_staff(actor)?;
        let o = match org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_read(actor, &o.path)?;
        Ok(o)
    }

    /// A village or community the actor reads, or 404 (422 naming `org_id` for another kind).
    pub(crate) async fn village(&self, actor: &Actor, org_id: i64) -> ServiceResult<Org> {
        let o = self.org(actor, org_id).await?;
        policy::check_read(actor, &o.path)?;
        if !is_village(&o) {
            return Err(ServiceError::field(
                "org_id",
                "not_a_village",
                "请选择村(社区)党组织：两委和后备力量按村(社区)登记",
            ));
        }
        Ok(o)
    }

    /// The district's rules of cadre work.
    pub async fn cadre_rules(&self) -> ServiceResult<CadreRules> {
        let mut conn = self.db.conn().await?;
        Ok(setting::get(&mut conn, setting::CADRE_RULES)
            .await?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    pub async fn set_cadre_rules(
        &self,
        actor: &Actor,
        rules: &CadreRules,
    ) -> ServiceResult<CadreRules> {
        policy::check_district(actor)?;
        rules.validate().map_err(ServiceError::Invalid)?;
        let mut rules = rules.clone();
        rules.vetting_reasons = rules
            .vetting_reasons
            .iter()
            .map(|r| r.trim().to_string())
            .collect();
        let json = serde_json::to_string(&rules)
            .map_err(|e| ServiceError::Internal(format!("规则无法保存：{e}")))?;
        let mut tx = self.begin_audited().await?;
        setting::set(tx.conn(), setting::CADRE_RULES, &json).await?;
        tx.commit(
            actor,
            Entry::ok("cadre.rules", "setting", setting::CADRE_RULES).detail(json),
        )
        .await?;
        Ok(rules)
    }
}
