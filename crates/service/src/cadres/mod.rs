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
use dangjian_store::{Conn, setting};

use crate::audit::Entry;
use crate::orgs::{Org, places};
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

/// Rows a list reads: a page of `per_page`, or every row (an export) up to one past the cap,
/// so that the cap's refusal can say how many there were.
pub(crate) fn window(page: Option<i64>, per_page: i64) -> (i64, i64) {
    match page {
        Some(p) => (per_page, (p - 1) * per_page),
        None => (crate::export::MAX_EXPORT + 1, 0),
    }
}

/// A row kept by an organization, which lists show named with its parents.
pub(crate) trait Placed {
    fn org_path(&self) -> &str;
    fn name_org(&mut self, name: String);
}

macro_rules! placed {
    ($($row:ty),+) => {$(
        impl Placed for $row {
            fn org_path(&self) -> &str {
                &self.org_path
            }
            fn name_org(&mut self, name: String) {
                self.org_name = name;
            }
        }
    )+};
}

placed!(
    dangjian_store::cadres::election::ElectionRow,
    dangjian_store::cadres::reserve::ReserveRow,
    dangjian_store::cadres::resident::TeamRow,
    dangjian_store::cadres::talent::TalentRow,
    dangjian_store::cadres::talent::PromotionRow,
    dangjian_store::cadres::talent::StudioRow
);

/// Rows as their read models, each organization named with its town (or parents) below the
/// reader's scope, in one read of the places.
pub(crate) async fn placed<R: Placed, M: From<R>>(
    conn: &mut Conn,
    actor: &Actor,
    mut rows: Vec<R>,
) -> ServiceResult<Vec<M>> {
    let paths: Vec<String> = rows.iter().map(|r| r.org_path().to_string()).collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let mut names = places(conn, actor.read_root()?, &refs).await?;
    for r in &mut rows {
        if let Some(n) = names.remove(r.org_path()).filter(|n| !n.is_empty()) {
            r.name_org(n);
        }
    }
    Ok(rows.into_iter().map(M::from).collect())
}

/// A required text field, trimmed, of at most `most` characters.
pub(crate) fn required_text(
    field: &'static str,
    label: &str,
    value: &str,
    most: usize,
) -> ServiceResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::field(
            field,
            "required",
            format!("请填写{label}"),
        ));
    }
    if v.chars().count() > most {
        return Err(ServiceError::field(
            field,
            "too_long",
            format!("{label}不能超过 {most} 字"),
        ));
    }
    Ok(v.to_string())
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
