//! Read models: the types the service hands to pages and the API. They are the service's
//! own, so that a table can change without the API changing; each is declared once with the
//! store row it is read from, and the conversion is generated from the same field list.

use dangjian_store::Conn;

use crate::orgs::places;
use crate::{Actor, ServiceError, ServiceResult};

/// Declares a read model and its conversion from a store row: every field listed is taken
/// from the row's field of the same name (converted with `Into`, so a nested row becomes its
/// read model); fields of the row that are not listed stay inside the service.
macro_rules! read_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident from $row:ty {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        // Public only so that the service's modules convert rows anywhere; outside the
        // service no store row can be had to convert.
        #[allow(exported_private_dependencies)]
        impl From<$row> for $name {
            fn from(r: $row) -> Self {
                $name { $( $field: r.$field.into() ),* }
            }
        }
    };
}

pub(crate) use read_model;

/// Rows of the store as the read models they are shown as.
pub(crate) fn all<R, M: From<R>>(rows: Vec<R>) -> Vec<M> {
    rows.into_iter().map(M::from).collect()
}

/// A page number as asked (from 1, none meaning 1), bounded so that its offset stays a sane
/// number: a page past the last answers empty, and no page number overflows the offset.
pub(crate) fn page_number(asked: Option<i64>) -> i64 {
    asked.unwrap_or(1).clamp(1, 100_000)
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
    dangjian_store::enterprises::register::EnterpriseRow,
    dangjian_store::cadres::election::ElectionRow,
    dangjian_store::cadres::reserve::ReserveRow,
    dangjian_store::cadres::resident::TeamRow,
    dangjian_store::cadres::talent::TalentRow,
    dangjian_store::cadres::talent::PromotionRow,
    dangjian_store::cadres::talent::StudioRow,
    dangjian_store::volunteers::ActivityRow,
    dangjian_store::task_forces::TeamRow
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

/// A date typed in a form, `YYYY-MM-DD`, or `invalid_date` naming the field.
pub(crate) fn day(field: &'static str, label: &str, text: &str) -> ServiceResult<time::Date> {
    dangjian_domain::date::parse(text).ok_or_else(|| {
        ServiceError::field(
            field,
            "invalid_date",
            format!("{label}格式应为 年-月-日，如 2026-03-01"),
        )
    })
}

/// A date typed in a form, or `default` when left empty.
pub(crate) fn day_or(
    field: &'static str,
    label: &str,
    text: &str,
    default: time::Date,
) -> ServiceResult<time::Date> {
    match text.trim() {
        "" => Ok(default),
        t => day(field, label, t),
    }
}

/// A required choice typed as its code or its label, or `invalid_choice` naming the field.
pub(crate) fn choice<T: Copy>(
    field: &'static str,
    parse: fn(&str) -> Option<T>,
    value: &str,
    message: &str,
) -> ServiceResult<T> {
    parse(value).ok_or_else(|| ServiceError::field(field, "invalid_choice", message.to_string()))
}

/// An optional choice: none when empty, else as [`choice`].
pub(crate) fn optional<T: Copy>(
    field: &'static str,
    parse: fn(&str) -> Option<T>,
    value: Option<&str>,
    message: &str,
) -> ServiceResult<Option<T>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => choice(field, parse, v, message).map(Some),
    }
}
