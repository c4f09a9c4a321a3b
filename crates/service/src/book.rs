//! What every yearly book (台账) of a branch shares: which organization, which year, and the
//! rule that books are kept by the organizations that hold members.

use dangjian_domain::org::OrgKind;
use serde::Deserialize;

use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult};

/// Which book: an organization that holds members and a year.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct BookQuery {
    /// The branch (404 outside the caller's scope). Default: the caller's own level.
    pub org: Option<i64>,
    /// 2000–2100. Default: this year.
    pub year: Option<i32>,
}

/// The branch and year a book is made for.
pub(crate) struct BookOf {
    pub org: Org,
    /// The organization named with its parents below the district.
    pub title: String,
    pub year: i32,
}

/// The year asked for (default: this year), 2000–2100: the years a book, the statistics or a
/// background job may be made for.
pub(crate) fn year_of(asked: Option<i32>) -> ServiceResult<i32> {
    let year = asked.unwrap_or_else(|| crate::today().year());
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(ServiceError::field(
            "year",
            "out_of_range",
            "年份应为 2000–2100",
        ))
    }
}

impl App {
    /// Resolves a book's branch and year: out of scope is 404, then the area's own policy
    /// (`check`, on the branch's path), then the kind of organization and the year (422).
    pub(crate) async fn book_of(
        &self,
        actor: &Actor,
        q: &BookQuery,
        check: impl FnOnce(&Actor, &str) -> ServiceResult<()>,
    ) -> ServiceResult<BookOf> {
        let org = self.list_root(actor, q.org).await?;
        check(actor, &org.path)?;
        if !OrgKind::parse(&org.kind).is_some_and(OrgKind::holds_members) {
            return Err(ServiceError::field(
                "org",
                "not_a_branch",
                "台账按党支部（或直接管理党员的党组织）生成，请选择一个党支部",
            ));
        }
        let year = year_of(q.year)?;
        let title = self.org_title(actor, &org).await?;
        Ok(BookOf { org, title, year })
    }
}
