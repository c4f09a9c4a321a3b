//! The member registry: search inside the scope, create and edit with every rule checked,
//! and the audited unmasking of identifiers.

mod model;
pub use model::*;
pub mod policy;

use dangjian_domain::bands::{
    AGE_BANDS, Category, ETHNICITIES, Education, HAN, JOIN_PERIODS, MINORITY, PARTY_AGE_BANDS,
    Status, find_band,
};
use dangjian_domain::id_number::{Gender, IdNumber};
use dangjian_domain::member::{MemberDraft, MemberInput, year_range};
use dangjian_domain::org::OrgKind;
use dangjian_domain::{date, mask};
use dangjian_store::member::{self, MemberFilter, MemberWrite, Sort};
use dangjian_store::org::{self, Place as OrgPlace};
use dangjian_store::rollup::{self, MemberFacts};
use dangjian_store::transfer;
use dangjian_store::{Conn, StoreError};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::orgs::{Org, Place};
use crate::{Actor, App, Crypto, ServiceError, ServiceResult, today};

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MemberQuery {
    /// Search the subtree of this organization (404 if out of scope). Default: the caller's
    /// scope root (a `member` user: their own branch).
    pub org: Option<i64>,
    /// Free text, trimmed, first 40 characters used: a complete valid ID number matches that
    /// member exactly, a valid mobile number matches that phone exactly, anything else is a
    /// name prefix. Empty: no text filter.
    pub q: Option<String>,
    /// Status filter: `full` 正式党员; `probationary` 预备党员 (code or Chinese label). Empty: no
    /// filter. Unknown: 422 `invalid_choice` on `status`.
    pub status: Option<String>,
    /// Gender filter: `male` 男; `female` 女 (code or Chinese label). Empty: no filter. Unknown:
    /// 422 `invalid_choice`.
    pub gender: Option<String>,
    /// Age band filter (code only; the age reached this year, as 云中心 counts it): `to30`
    /// 30岁及以下; `31_40` 31–40岁; `41_50` 41–50岁; `51_60` 51–60岁; `61_70` 61–70岁; `over70`
    /// 71岁及以上. Empty: no filter. Unknown: 422 `invalid_choice` on `age_band`.
    pub age_band: Option<String>,
    /// Party-age band filter (code only; 党龄, the years since full membership reached this year;
    /// probationary members have none): `lt5` 5年以下;
    /// `5_10` 5–10年; `11_20` 11–20年; `21_30` 21–30年; `31_50` 31–50年; `over50` 50年以上. Empty:
    /// no filter. Unknown: 422 `invalid_choice` on `party_age_band`.
    pub party_age_band: Option<String>,
    /// Education filter: `primary` 小学及以下; `junior` 初中; `senior` 高中/中专; `college` 大专; `bachelor`
    /// 本科; `postgraduate` 研究生 (code or Chinese label). Empty: no filter. Unknown: 422
    /// `invalid_choice`.
    pub education: Option<String>,
    /// Category filter: `in_service` 在职; `retired` 离退休; `farmer` 农牧渔民; `student` 学生;
    /// `unemployed` 无业; `other` 其他 (code or Chinese label). Empty: no filter. Unknown: 422
    /// `invalid_choice`.
    pub category: Option<String>,
    /// Ethnic group filter: one of the 56 names (汉族, 土家族 …), or `minority` (少数民族: all
    /// but the Han). Empty: no filter. Unknown: 422 `invalid_choice` on `ethnicity`.
    pub ethnicity: Option<String>,
    /// Period of joining, by year of joining (code only): `to1949` 1949年及以前;
    /// `1950_1978`; `1979_2002`; `2003_2012`; `from2013` 2013年及以后. Empty: no filter.
    /// Unknown: 422 `invalid_choice` on `joined`.
    pub joined: Option<String>,
    /// Sort key (ties broken by member id). Empty or absent: `name`. Unknown: 422
    /// `invalid_choice` on `sort`.
    pub sort: Option<String>,
    /// Descending order (`true` / `false`; other values: 400 `malformed_query`).
    pub desc: Option<bool>,
    /// Page number from 1; smaller values are read as 1. An offset beyond 1,000,000 rows: 422
    /// `too_far` on `page`.
    pub page: Option<i64>,
    /// Page size, at most 100; values outside 1–100 are clamped, not rejected.
    pub per_page: Option<i64>,
}

/// One page of a member search.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    pub items: Vec<Member>,
    /// The branches of this page's members, named with their parents below the caller's
    /// scope (the same branch name recurs across villages).
    pub places: Vec<Place>,
    /// Members matching the search (all pages).
    pub total: i64,
    /// The page answered (after clamping).
    pub page: i64,
    /// The page size used (after clamping).
    pub per_page: i64,
}

pub const MAX_PER_PAGE: i64 = 100;

/// Where a member belongs: the branch and, optionally, a group inside it.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub org_id: i64,
    pub group_id: Option<i64>,
}

pub(crate) fn write_facts(m: &MemberWrite) -> Vec<rollup::Fact> {
    rollup::member_facts(&MemberFacts {
        status: &m.status,
        gender: &m.gender,
        ethnicity: &m.ethnicity,
        education: &m.education,
        category: &m.category,
        birth_date: &m.birth_date,
        join_date: &m.join_date,
        confirm_date: m.confirm_date.as_deref(),
        flowing: m.flowing,
    })
}

pub(crate) fn row_facts(m: &Member) -> Vec<rollup::Fact> {
    rollup::member_facts(&MemberFacts {
        status: &m.status,
        gender: &m.gender,
        ethnicity: &m.ethnicity,
        education: &m.education,
        category: &m.category,
        birth_date: &m.birth_date,
        join_date: &m.join_date,
        confirm_date: m.confirm_date.as_deref(),
        flowing: m.flowing,
    })
}

/// The stored form of a validated member, identifiers encrypted and indexed.
pub(crate) fn to_write(
    crypto: &Crypto,
    d: &MemberDraft,
    org: OrgPlace<'_>,
    group_id: Option<i64>,
) -> MemberWrite {
    let id = d.id_number.as_str();
    MemberWrite {
        org_id: org.id,
        org_path: org.path.to_string(),
        group_id,
        name: d.name.clone(),
        gender: d.gender.as_str().into(),
        ethnicity: d.ethnicity.clone(),
        birth_date: date::format(d.birth_date),
        id_cipher: crypto.encrypt(id),
        id_index: crypto.blind_index("id", id),
        id_masked: mask::id_number(id),
        phone_cipher: d.phone.as_deref().map(|p| crypto.encrypt(p)),
        phone_index: d.phone.as_deref().map(|p| crypto.blind_index("phone", p)),
        phone_masked: d.phone.as_deref().map(mask::phone),
        education: d.education.as_str().into(),
        category: d.category.as_str().into(),
        join_date: date::format(d.join_date),
        confirm_date: d.confirm_date.map(date::format),
        status: d.status.as_str().into(),
        flowing: d.flowing,
    }
}

/// A stored member as a form, without its identifiers (which only ever travel encrypted).
pub fn form_of(m: &Member) -> MemberInput {
    MemberInput {
        name: m.name.clone(),
        gender: m.gender.clone(),
        ethnicity: m.ethnicity.clone(),
        birth_date: m.birth_date.clone(),
        education: m.education.clone(),
        category: m.category.clone(),
        join_date: m.join_date.clone(),
        confirm_date: m.confirm_date.clone().unwrap_or_default(),
        status: m.status.clone(),
        flowing: m.flowing,
        ..Default::default()
    }
}

fn unknown_org() -> ServiceError {
    ServiceError::field(
        "org_id",
        "unknown_org",
        "所选党组织不存在或不在您的管辖范围内",
    )
}

fn duplicate_id(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate(_) => {
            ServiceError::field("id_number", "duplicate", "该身份证号码已登记，不能重复录入")
        }
        other => other.into(),
    }
}

impl App {
    /// The member search: subtree, text (name prefix, full ID number or mobile), filters,
    /// sorting and paging.
    pub async fn members(&self, actor: &Actor, q: &MemberQuery) -> ServiceResult<MemberPage> {
        let (root, f) = self.member_filter(actor, q).await?;
        let per_page = q.per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
        let page = q.page.unwrap_or(1).max(1);
        let offset = (page - 1).saturating_mul(per_page);
        if offset > 1_000_000 {
            return Err(ServiceError::field("page", "too_far", "页码过大"));
        }
        let mut conn = self.db.conn().await?;
        let total = match single_rollup(&f) {
            Some((metric, key)) => rollup::get(&mut conn, root.id, metric, &key).await?,
            None => member::count(&mut conn, &f).await?,
        };
        let items = member::list(&mut conn, &f, per_page, offset).await?;
        let mut branches: Vec<(i64, &str)> = items
            .iter()
            .map(|m| (m.org_id, m.org_path.as_str()))
            .collect();
        branches.sort_unstable();
        branches.dedup();
        let paths: Vec<&str> = branches.iter().map(|(_, p)| *p).collect();
        let mut named = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        let places = branches
            .iter()
            .map(|(org_id, p)| Place {
                org_id: *org_id,
                place: named.remove(*p).unwrap_or_default(),
            })
            .collect();
        Ok(MemberPage {
            places,
            items: crate::model::all(items),
            total,
            page,
            per_page,
        })
    }

    /// The subtree and the conditions of a member search, checked.
    pub(crate) async fn member_filter(
        &self,
        actor: &Actor,
        q: &MemberQuery,
    ) -> ServiceResult<(Org, MemberFilter)> {
        let root = match q.org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_list_particulars(actor, &root.path)?;
        let mut f = MemberFilter {
            root_path: root.path.clone(),
            ..Default::default()
        };
        if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let text: String = text.chars().take(40).collect();
            if let Ok(id) = IdNumber::parse(&text, today()) {
                f.id_index = Some(self.crypto().blind_index("id", id.as_str()));
            } else if let Ok(p) = dangjian_domain::phone::parse_mobile(&text) {
                f.phone_index = Some(self.crypto().blind_index("phone", &p));
            } else {
                f.name_prefix = Some(text);
            }
        }
        let choice =
            |v: &Option<String>, parse: fn(&str) -> Option<&'static str>, label: &'static str| {
                match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => parse(s).map(|c| Some(c.to_string())).ok_or_else(|| {
                        ServiceError::field(label, "invalid_choice", format!("筛选条件“{s}”无效"))
                    }),
                }
            };
        f.status = choice(
            &q.status,
            |s| Status::parse(s).map(Status::as_str),
            "status",
        )?;
        f.gender = choice(
            &q.gender,
            |s| Gender::parse(s).map(Gender::as_str),
            "gender",
        )?;
        f.education = choice(
            &q.education,
            |s| Education::parse(s).map(Education::as_str),
            "education",
        )?;
        f.category = choice(
            &q.category,
            |s| Category::parse(s).map(Category::as_str),
            "category",
        )?;
        let year = today().year();
        if let Some(code) = q.age_band.as_deref().filter(|s| !s.is_empty()) {
            let band = find_band(&AGE_BANDS, code)
                .ok_or_else(|| ServiceError::field("age_band", "invalid_choice", "年龄段无效"))?;
            let (from, to) = year_range(band.min, band.max, year);
            (f.born_from, f.born_to) = (from, Some(to));
        }
        if let Some(code) = q.party_age_band.as_deref().filter(|s| !s.is_empty()) {
            let band = find_band(&PARTY_AGE_BANDS, code).ok_or_else(|| {
                ServiceError::field("party_age_band", "invalid_choice", "党龄段无效")
            })?;
            let (from, to) = year_range(band.min, band.max, year);
            (f.confirmed_from, f.confirmed_to) = (from, Some(to));
        }
        match q
            .ethnicity
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {}
            Some(MINORITY | "少数民族") => f.ethnicity_not = Some(HAN.to_string()),
            Some(name) if ETHNICITIES.contains(&name) => f.ethnicity = Some(name.to_string()),
            Some(other) => {
                return Err(ServiceError::field(
                    "ethnicity",
                    "invalid_choice",
                    format!("民族“{other}”无效"),
                ));
            }
        }
        if let Some(code) = q.joined.as_deref().filter(|s| !s.is_empty()) {
            let period = find_band(&JOIN_PERIODS, code)
                .ok_or_else(|| ServiceError::field("joined", "invalid_choice", "入党时间段无效"))?;
            f.joined_from = (period.min > 0).then(|| format!("{:04}-01-01", period.min));
            f.joined_to = period.max.map(|y| format!("{y:04}-12-31"));
        }
        f.sort = match q.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Sort::Name,
            Some(s) => Sort::parse(s)
                .ok_or_else(|| ServiceError::field("sort", "invalid_choice", "排序字段无效"))?,
        };
        f.desc = q.desc.unwrap_or(false);
        Ok((root, f))
    }

    /// A member the actor may edit.
    pub async fn member_to_edit(&self, actor: &Actor, id: i64) -> ServiceResult<Member> {
        let m = self.member(actor, id).await?;
        policy::check_edit(actor, &m.org_path)?;
        Ok(m)
    }

    /// A member's whole record: the staff of the scope, or the member themself.
    pub async fn member(&self, actor: &Actor, id: i64) -> ServiceResult<Member> {
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read_particulars(actor, &m.org_path, m.id)?;
        Ok(m.into())
    }

    /// The members of the actor's own branch as a colleague sees them (a member's 同志 list).
    pub async fn colleagues(&self, actor: &Actor) -> ServiceResult<Vec<Colleague>> {
        let me = actor
            .member_id
            .ok_or(ServiceError::Forbidden("该账号未关联党员档案"))?;
        let mut conn = self.db.conn().await?;
        let m = member::get(&mut conn, me)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read(actor, &m.org_path)?;
        Ok(crate::model::all(
            member::colleagues(&mut conn, m.org_id).await?,
        ))
    }

    /// The branch a member goes into: inside the actor's scope, able to hold members, open;
    /// the group, if any, one of its groups.
    async fn placement(&self, conn: &mut Conn, actor: &Actor, p: Placement) -> ServiceResult<Org> {
        let o = org::get(conn, p.org_id).await?.ok_or_else(unknown_org)?;
        match policy::check_edit(actor, &o.path) {
            Err(ServiceError::NotFound) => return Err(unknown_org()),
            other => other?,
        }
        if !OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
            return Err(ServiceError::field(
                "org_id",
                "not_a_branch",
                "党员只能编入党支部或联合支部",
            ));
        }
        if o.closed_on.is_some() {
            return Err(ServiceError::field("org_id", "closed", "该党组织已撤销"));
        }
        if let Some(g) = p.group_id {
            let group = org::get(conn, g).await?;
            if !group.is_some_and(|g| {
                g.parent_id == Some(o.id) && OrgKind::parse(&g.kind).is_some_and(OrgKind::is_group)
            }) {
                return Err(ServiceError::field(
                    "group_id",
                    "unknown_group",
                    "党小组不属于所选党支部",
                ));
            }
        }
        Ok(o.into())
    }

    pub async fn create_member(
        &self,
        actor: &Actor,
        at: Placement,
        input: &MemberInput,
    ) -> ServiceResult<Member> {
        let mut tx = self.begin_audited().await?;
        let row = self.insert_member(tx.conn(), actor, at, input).await?;
        tx.commit(
            actor,
            Entry::ok("member.create", "member", row.id)
                .detail(format!("{} → {}", row.name, row.org_name)),
        )
        .await?;
        Ok(row)
    }

    /// A new member inside the caller's transaction: checked, placed, counted, with the first
    /// line of their history.
    pub(crate) async fn insert_member(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        at: Placement,
        input: &MemberInput,
    ) -> ServiceResult<Member> {
        let draft = input
            .validate(today(), &self.config.member_rules)
            .map_err(ServiceError::Invalid)?;
        let o = self.placement(conn, actor, at).await?;
        let w = to_write(self.crypto(), &draft, o.place(), at.group_id);
        let id = member::insert(conn, &w).await.map_err(duplicate_id)?;
        rollup::apply(conn, &w.org_path, &write_facts(&w), 1).await?;
        transfer::open_membership(conn, id, Some(o.id), &o.name, &w.join_date, None).await?;
        member::get(conn, id)
            .await?
            .map(Member::from)
            .ok_or(ServiceError::NotFound)
    }

    /// The member's current values as a form, identifiers decrypted for re-validation only.
    pub async fn member_input(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(Member, MemberInput)> {
        let m = self.member(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let (id_c, phone_c) = member::ciphers(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let decrypt = |c: &[u8]| {
            self.crypto()
                .decrypt(c)
                .ok_or_else(|| ServiceError::Internal("cannot decrypt".into()))
        };
        let input = MemberInput {
            id_number: decrypt(&id_c)?,
            phone: phone_c
                .as_deref()
                .map(decrypt)
                .transpose()?
                .unwrap_or_default(),
            ..form_of(&m)
        };
        Ok((m, input))
    }

    pub async fn update_member(
        &self,
        actor: &Actor,
        id: i64,
        at: Placement,
        input: &MemberInput,
    ) -> ServiceResult<Member> {
        let old = self.member(actor, id).await?;
        policy::check_edit(actor, &old.org_path)?;
        let draft = input
            .validate(today(), &self.config.member_rules)
            .map_err(ServiceError::Invalid)?;
        let mut tx = self.begin_audited().await?;
        let o = self.placement(tx.conn(), actor, at).await?;
        let w = to_write(self.crypto(), &draft, o.place(), at.group_id);
        member::update(tx.conn(), id, &w)
            .await
            .map_err(duplicate_id)?;
        if o.id != old.org_id {
            crate::orgs::committee::leave_committees(tx.conn(), actor, id, &w.org_path).await?;
        }
        rollup::apply_change(
            tx.conn(),
            &old.org_path,
            &row_facts(&old),
            &w.org_path,
            &write_facts(&w),
        )
        .await?;
        let row = member::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if old.org_id != o.id {
            // A correction of the branch, not a transfer: the history still shows it.
            let on = date::format(today());
            transfer::change_membership(tx.conn(), id, &on, Some((Some(o.id), &o.name)), None)
                .await?;
        }
        let moved = if old.org_id != o.id {
            format!("，{} → {}", old.org_name, o.name)
        } else {
            String::new()
        };
        tx.commit(
            actor,
            Entry::ok("member.update", "member", id).detail(format!("{}{moved}", w.name)),
        )
        .await?;
        Ok(row.into())
    }

    /// Shows a member's full ID number and phone: editors only, with a stated reason, audited.
    pub async fn unmask_member(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> ServiceResult<(String, Option<String>)> {
        let m = self.member(actor, id).await?;
        policy::check_edit(actor, &m.org_path)?;
        let reason = dangjian_domain::text::reason(reason, "请填写查看完整信息的事由（4–200 字）")
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let reason = reason.as_str();
        let (_, input) = self.member_input(actor, id).await?;
        self.audit_alone(
            actor,
            Entry::ok("member.unmask", "member", id).detail(reason),
        )
        .await?;
        let phone = (!input.phone.is_empty()).then_some(input.phone);
        Ok((input.id_number, phone))
    }
}

/// A member as a line of the roster, in the columns of `import::MEMBER_COLUMNS`, so that an
/// export reads back in.
pub(crate) fn roster_row(
    m: &dangjian_store::member::MemberRow,
    id_number: String,
    phone: String,
) -> Vec<String> {
    let label = |code: &str, f: fn(&str) -> Option<&'static str>| f(code).unwrap_or("").to_string();
    vec![
        m.name.clone(),
        id_number,
        label(&m.gender, |s| Gender::parse(s).map(Gender::label)),
        m.ethnicity.clone(),
        m.birth_date.clone(),
        phone,
        label(&m.education, |s| Education::parse(s).map(Education::label)),
        label(&m.category, |s| Category::parse(s).map(Category::label)),
        m.join_date.clone(),
        m.confirm_date.clone().unwrap_or_default(),
        label(&m.status, |s| Status::parse(s).map(Status::label)),
        if m.flowing { "是" } else { "否" }.to_string(),
        m.org_code.clone(),
    ]
}

/// When the search narrows by nothing or one classified field, the rollup holds the count.
fn single_rollup(f: &MemberFilter) -> Option<(&'static str, String)> {
    let classified = [
        (&f.status, rollup::MEMBER_STATUS),
        (&f.gender, rollup::MEMBER_GENDER),
        (&f.education, rollup::MEMBER_EDUCATION),
        (&f.category, rollup::MEMBER_CATEGORY),
        (&f.ethnicity, rollup::MEMBER_ETHNICITY),
    ];
    let set: Vec<(&'static str, String)> = classified
        .iter()
        .filter_map(|(value, metric)| value.as_ref().map(|k| (*metric, k.clone())))
        .collect();
    let rest = MemberFilter {
        status: None,
        gender: None,
        education: None,
        category: None,
        ethnicity: None,
        ..f.clone()
    };
    if !rest.is_whole_subtree() {
        return None;
    }
    match set.as_slice() {
        [] => Some((rollup::MEMBER_TOTAL, String::new())),
        [one] => Some(one.clone()),
        _ => None,
    }
}
