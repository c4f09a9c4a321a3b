//! Persons: who a cadre record is about, found by ID number so that one human stays one
//! person, member or not. A member is chosen by their registry record; anyone else is
//! entered with the least data and found again by the blind index of their ID number.

use dangjian_domain::bands::Education;
use dangjian_domain::date;
use dangjian_domain::id_number::Gender;
use dangjian_domain::mask;
use dangjian_domain::person::{PersonDraft, PersonInput};
use dangjian_store::person::{self as store, PersonRow, PersonWrite};
use dangjian_store::{Conn, member};
use serde::Deserialize;

use crate::model::read_model;
use crate::{Actor, App, Crypto, ServiceError, ServiceResult, today};

read_model! {
    /// A person as cadre records show them: identifiers masked.
    pub struct Person from PersonRow {
        pub id: i64,
        pub name: String,
        /// `male` | `female`.
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        pub phone_masked: Option<String>,
        /// The member this person is, if any: their identity is edited in the registry.
        pub member_id: Option<i64>,
    }
}

impl Person {
    pub fn gender_label(&self) -> &'static str {
        Gender::parse(&self.gender).map_or("", Gender::label)
    }

    pub fn education_label(&self) -> &'static str {
        Education::parse(&self.education).map_or("", Education::label)
    }

    /// Age today.
    pub fn age(&self) -> i32 {
        age_on(&self.birth_date, today())
    }
}

/// Whole years from a stored birth date to `on` (0 if the date cannot be read).
pub(crate) fn age_on(birth: &str, on: time::Date) -> i32 {
    date::parse(birth).map_or(0, |b| date::years_between(b, on))
}

/// Who a record is about: a member of the registry, or a person entered here.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonChoice {
    /// A member in the caller's scope (then `person` is ignored): 422 `not_found`.
    pub member_id: Option<i64>,
    /// Anyone else, by ID number: found if registered (the name must agree), else added.
    pub person: PersonInput,
}

/// The stored form of a validated person, identifiers encrypted, indexed and masked.
pub(crate) fn to_write(crypto: &Crypto, d: &PersonDraft) -> PersonWrite {
    let id = d.id_number.as_str();
    PersonWrite {
        name: d.name.clone(),
        gender: d.gender.as_str().into(),
        ethnicity: d.ethnicity.clone(),
        birth_date: date::format(d.birth_date),
        education: d.education.as_str().into(),
        id_cipher: crypto.encrypt(id),
        id_index: crypto.blind_index("id", id),
        id_masked: mask::id_number(id),
        phone_cipher: d.phone.as_deref().map(|p| crypto.encrypt(p)),
        phone_index: d.phone.as_deref().map(|p| crypto.blind_index("phone", p)),
        phone_masked: d.phone.as_deref().map(mask::phone),
    }
}

/// The person a choice names, added if new, inside the caller's transaction. `within` is
/// the subtree a chosen member must belong to.
pub(crate) async fn resolve(
    app: &App,
    conn: &mut Conn,
    actor: &Actor,
    choice: &PersonChoice,
    within: &str,
) -> ServiceResult<PersonRow> {
    if let Some(member_id) = choice.member_id {
        let m = member::get(conn, member_id).await?;
        let m = m
            .filter(|m| actor.check_visible(&m.org_path).is_ok())
            .filter(|m| dangjian_domain::path::contains(within, &m.org_path))
            .ok_or_else(|| {
                ServiceError::field("member_id", "not_found", "所选党员不存在或不在本村(社区)")
            })?;
        let id = store::of_member(conn, m.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        return store::get(conn, id).await?.ok_or(ServiceError::NotFound);
    }
    let draft = choice
        .person
        .validate(today(), &app.config.member_rules)
        .map_err(ServiceError::Invalid)?;
    let w = to_write(app.crypto(), &draft);
    if let Some(found) = store::by_id_index(conn, &w.id_index).await? {
        return known(conn, actor, found, &w, within).await;
    }
    let new = store::insert(conn, &w).await?;
    store::get(conn, new).await?.ok_or(ServiceError::NotFound)
}

/// A person already registered under the ID number typed. A member is chosen through the
/// registry, and only from the village (the same refusal whether or not they exist
/// elsewhere); anyone else keeps their name, and their facts change only when every record
/// about them lies in the actor's scope (a town cannot rewrite what another town keeps).
pub(crate) async fn known(
    conn: &mut Conn,
    actor: &Actor,
    found: PersonRow,
    w: &PersonWrite,
    within: &str,
) -> ServiceResult<PersonRow> {
    if let Some(path) = &found.member_path {
        if actor.check_visible(path).is_err() || !dangjian_domain::path::contains(within, path) {
            return Err(ServiceError::field(
                "id_number",
                "not_here",
                "该身份证号已登记，但不在本村(社区)，请核对；本村(社区)党员请从党员中选择",
            ));
        }
        return Ok(found);
    }
    if found.name != w.name {
        return Err(ServiceError::field(
            "id_number",
            "name_mismatch",
            "该身份证号已登记，但姓名不一致，请核对",
        ));
    }
    let root = actor.read_root()?;
    let paths = store::record_paths(conn, found.id).await?;
    if paths
        .iter()
        .all(|p| dangjian_domain::path::contains(root, p))
    {
        store::update_facts(conn, found.id, w).await?;
    }
    store::get(conn, found.id)
        .await?
        .ok_or(ServiceError::NotFound)
}
