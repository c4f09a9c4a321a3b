//! Read models: the types the service hands to pages and the API. They are the service's
//! own, so that a table can change without the API changing; each is declared once with the
//! store row it is read from, and the conversion is generated from the same field list.

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
