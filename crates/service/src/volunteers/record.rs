//! What volunteer service adds up to: a volunteer's own record with their stars (a member on
//! their own page, a resident with their record code and phone), the person-times and hours
//! of a level and each child in a year read from the rollup, and the district's stars' hours.

use dangjian_domain::phone;
use dangjian_domain::volunteers::VolunteerRules;
use dangjian_domain::volunteers::activity::{ActivityState, Category};
use dangjian_store::volunteers::{self as store, VolunteerRow};
use dangjian_store::{Conn, rollup};
use serde::{Deserialize, Serialize};

use super::policy;
use crate::audit::Entry;
use crate::model::{page_number, read_model};
use crate::{Actor, App, ServiceError, ServiceResult, now_ms, today};

pub const RECORD_PER_PAGE: i64 = 50;

read_model! {
    /// One activity of a volunteer's record.
    pub struct RecordLine from store::RecordRow {
        pub activity_id: i64,
        pub title: String,
        pub category: String,
        pub org_name: String,
        pub held_on: String,
        pub state: String,
        /// Confirmed minutes; none before confirming.
        pub minutes: Option<i64>,
    }
}

impl RecordLine {
    pub fn category_label(&self) -> &'static str {
        Category::parse(&self.category).map_or("", Category::label)
    }
    pub fn state_label(&self) -> &'static str {
        ActivityState::parse(&self.state).map_or("", ActivityState::label)
    }
}

/// A volunteer's own record: their confirmed service, stars and activities.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VolunteerRecord {
    pub name: String,
    /// Confirmed minutes in all.
    pub minutes: i64,
    /// Activities credited.
    pub times: i64,
    pub stars: usize,
    /// Hours to the next star; none at the top.
    pub to_next_star: Option<i64>,
    pub items: Vec<RecordLine>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    pub page: Option<i64>,
}

/// A resident asks for their record with their code and phone.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecordLookup {
    pub code: String,
    pub phone: String,
}

/// Person-times and minutes.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub times: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildService {
    pub org_id: i64,
    pub name: String,
    pub service: Service,
}

/// Confirmed service of a level and of each child in a year and in all years.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VolunteerSummary {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub this_year: Service,
    pub all_years: Service,
    pub children: Vec<ChildService>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    pub org: Option<i64>,
    /// Default this year.
    pub year: Option<i64>,
}

const METRICS: [&str; 2] = [rollup::VOLUNTEER_TIMES, rollup::VOLUNTEER_MINUTES];

fn service_of(get: impl Fn(&str) -> i64) -> Service {
    Service {
        times: get(rollup::VOLUNTEER_TIMES),
        minutes: get(rollup::VOLUNTEER_MINUTES),
    }
}

impl App {
    pub async fn volunteer_rules(&self) -> ServiceResult<VolunteerRules> {
        let mut conn = self.db.conn().await?;
        Ok(
            dangjian_store::setting::get(&mut conn, dangjian_store::setting::VOLUNTEER_RULES)
                .await?
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or_default(),
        )
    }

    pub async fn set_volunteer_rules(
        &self,
        actor: &Actor,
        rules: &VolunteerRules,
    ) -> ServiceResult<VolunteerRules> {
        policy::check_district(actor)?;
        rules
            .validate()
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let json = serde_json::to_string(rules)
            .map_err(|e| ServiceError::Internal(format!("规则无法保存：{e}")))?;
        let key = dangjian_store::setting::VOLUNTEER_RULES;
        let mut tx = self.begin_audited().await?;
        dangjian_store::setting::set(tx.conn(), key, &json).await?;
        tx.commit(
            actor,
            Entry::ok("volunteer.rules", "setting", key).detail(json),
        )
        .await?;
        Ok(rules.clone())
    }

    /// The calling member's own record (none yet: an empty record).
    pub async fn my_volunteer_record(
        &self,
        actor: &Actor,
        q: &RecordQuery,
    ) -> ServiceResult<VolunteerRecord> {
        let member_id = actor
            .member_id
            .ok_or(ServiceError::Forbidden("该账号未关联党员档案"))?;
        let mut conn = self.db.conn().await?;
        let v = store::volunteer_of_member(&mut conn, member_id).await?;
        let name = match &v {
            Some(v) => v.name.clone(),
            None => actor.display_name.clone(),
        };
        self.record_of(&mut conn, v, name, q).await
    }

    /// A resident's record by their code and phone. A wrong code and a wrong phone give the
    /// same answer and count, like a wrong tracking code, against the network address.
    pub async fn public_volunteer_record(
        &self,
        ip: &str,
        lookup: &RecordLookup,
        q: &RecordQuery,
    ) -> ServiceResult<VolunteerRecord> {
        if !self
            .request_track_misses
            .try_attempt(ip.to_string(), now_ms())
        {
            return Err(ServiceError::field(
                "code",
                "too_many_attempts",
                "查询错误次数过多，请 15 分钟后再试",
            ));
        }
        let wrong = || ServiceError::field("code", "not_found", "记录码或手机号不正确，请核对");
        let phone = phone::parse_mobile(&lookup.phone).map_err(|_| wrong())?;
        let index = self.crypto().blind_index("phone", &phone);
        let mut conn = self.db.conn().await?;
        let v = store::volunteer_by_code(&mut conn, lookup.code.trim().to_lowercase().as_str())
            .await?
            .filter(|v| v.member_id.is_none())
            .ok_or_else(wrong)?;
        let by_phone = store::volunteer_by_phone(&mut conn, &index).await?;
        if by_phone.map(|p| p.id) != Some(v.id) {
            return Err(wrong());
        }
        self.request_track_misses.forgive(&ip.to_string());
        let name = v.name.clone();
        self.record_of(&mut conn, Some(v), name, q).await
    }

    async fn record_of(
        &self,
        conn: &mut Conn,
        v: Option<VolunteerRow>,
        name: String,
        q: &RecordQuery,
    ) -> ServiceResult<VolunteerRecord> {
        let rules = self.volunteer_rules().await?;
        let page = page_number(q.page);
        let (minutes, times, total, items) = match v {
            Some(v) => {
                let (total, rows) =
                    store::record(conn, v.id, RECORD_PER_PAGE, (page - 1) * RECORD_PER_PAGE)
                        .await?;
                (v.minutes, v.times, total, crate::model::all(rows))
            }
            None => (0, 0, 0, Vec::new()),
        };
        Ok(VolunteerRecord {
            name,
            minutes,
            times,
            stars: rules.stars(minutes),
            to_next_star: rules.to_next_star(minutes),
            items,
            total,
            page,
            per_page: RECORD_PER_PAGE,
        })
    }

    /// Confirmed service of a level and its children, from the rollup: three reads at any
    /// scale.
    pub async fn volunteer_summary(
        &self,
        actor: &Actor,
        q: &SummaryQuery,
    ) -> ServiceResult<VolunteerSummary> {
        let o = match q.org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_read(actor, &o.path)?;
        policy::check_summary(actor)?;
        let year = q.year.unwrap_or_else(|| i64::from(today().year()));
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::field(
                "year",
                "out_of_range",
                "年份应为 2000–2100",
            ));
        }
        let (from, to) = (format!("{year:04}-01"), format!("{year:04}-12"));
        let mut conn = self.db.conn().await?;
        let this = rollup::sum_range(&mut conn, o.id, &METRICS, &from, &to).await?;
        let all = rollup::sum_range(&mut conn, o.id, &METRICS, "0000", "9999").await?;
        let by_child = rollup::sum_range_children(&mut conn, o.id, &METRICS, &from, &to).await?;
        let mut ids: Vec<i64> = by_child.keys().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: std::collections::HashMap<i64, String> =
            dangjian_store::org::names(&mut conn, &ids)
                .await?
                .into_iter()
                .collect();
        let children = ids
            .iter()
            .map(|id| ChildService {
                org_id: *id,
                name: names.get(id).cloned().unwrap_or_default(),
                service: service_of(|m| by_child.get(&(*id, m.to_string())).copied().unwrap_or(0)),
            })
            .filter(|c| c.service.times > 0 || c.service.minutes > 0)
            .collect();
        Ok(VolunteerSummary {
            org_id: o.id,
            org_name: o.name,
            year,
            this_year: service_of(|m| this.get(m).copied().unwrap_or(0)),
            all_years: service_of(|m| all.get(m).copied().unwrap_or(0)),
            children,
        })
    }
}
