//! Organizations of a subtree by kind and owner, as the statistics count them: the list a
//! figure of 党内统计年报 opens.

use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_store::org;
use serde::{Deserialize, Serialize};

use super::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OrgListQuery {
    /// The subtree (404 outside the caller's scope). Default: the caller's own level.
    pub org: Option<i64>,
    /// One kind (`party_committee`, `general_branch`, `branch`, `joint_branch`, …); empty:
    /// every grassroots kind. Unknown: 422 `invalid_choice` on `kind`.
    pub kind: Option<String>,
    /// One owner (`village`, `community`, `agency`, …), grassroots organizations only.
    /// Unknown: 422 `invalid_choice` on `owner`.
    pub owner: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrgListPage {
    /// The subtree listed.
    pub org: Org,
    pub items: Vec<Org>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

fn chosen(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl App {
    /// Open organizations of a subtree (its root included) of a kind and owner, by path.
    pub async fn org_list(&self, actor: &Actor, q: &OrgListQuery) -> ServiceResult<OrgListPage> {
        let root = self.list_root(actor, q.org).await?;
        let kinds: Vec<&str> = match chosen(&q.kind) {
            Some(k) => vec![
                OrgKind::parse(k)
                    .ok_or_else(|| ServiceError::field("kind", "invalid_choice", "组织类型无效"))?
                    .as_str(),
            ],
            None => OrgKind::ALL
                .iter()
                .filter(|k| k.is_grassroots())
                .map(|k| k.as_str())
                .collect(),
        };
        let owner = match chosen(&q.owner) {
            Some(o) => Some(
                OrgOwner::parse(o)
                    .ok_or_else(|| {
                        ServiceError::field("owner", "invalid_choice", "所在单位类别无效")
                    })?
                    .as_str(),
            ),
            None => None,
        };
        let kinds = if owner.is_some() {
            kinds
                .into_iter()
                .filter(|k| OrgKind::parse(k).is_some_and(OrgKind::is_grassroots))
                .collect()
        } else {
            kinds
        };
        let page = crate::model::page_number(q.page);
        let mut conn = self.db.conn().await?;
        let (rows, total) = org::open_page(
            &mut conn,
            &root.path,
            (&kinds, owner),
            (PER_PAGE, (page - 1) * PER_PAGE),
        )
        .await?;
        Ok(OrgListPage {
            org: root,
            items: crate::model::all(rows),
            total,
            page,
            per_page: PER_PAGE,
        })
    }
}
