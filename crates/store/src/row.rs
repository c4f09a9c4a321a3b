//! Rows read by column name: a struct declared with [`row!`] reads each field from the column
//! of the same name, so that its field list is written once.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Result;

/// A value read from the column of that name.
pub trait Column: Sized {
    fn read(r: &AnyRow, name: &str) -> Result<Self>;
}

macro_rules! decoded {
    ($($t:ty),*) => {
        $(impl Column for $t {
            fn read(r: &AnyRow, name: &str) -> Result<Self> {
                Ok(r.try_get(name)?)
            }
        })*
    };
}

decoded!(i64, String, Option<i64>, Option<String>, Vec<u8>);

/// Flags are integers 0 and 1 in both engines' schemas.
impl Column for bool {
    fn read(r: &AnyRow, name: &str) -> Result<Self> {
        Ok(r.try_get::<i64, _>(name)? != 0)
    }
}

impl Column for Option<bool> {
    fn read(r: &AnyRow, name: &str) -> Result<Self> {
        Ok(r.try_get::<Option<i64>, _>(name)?.map(|v| v != 0))
    }
}

/// Declares a row struct and its `read`, which takes every field from the column named like
/// it (select `x AS field` where a column is named otherwise); a field that is itself such a
/// row reads its own fields from the same columns.
macro_rules! row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        impl $name {
            /// Reads the row from the columns named like its fields.
            pub(crate) fn read(r: &sqlx::any::AnyRow) -> $crate::Result<Self> {
                Ok($name {
                    $( $field: $crate::row::Column::read(r, stringify!($field))? ),*
                })
            }
        }

        /// A row nested in another reads its fields from the same columns.
        impl $crate::row::Column for $name {
            fn read(r: &sqlx::any::AnyRow, _: &str) -> $crate::Result<Self> {
                $name::read(r)
            }
        }
    };
}

pub(crate) use row;

#[cfg(test)]
mod tests {

    row! {
        #[derive(Debug, PartialEq)]
        pub struct Sample {
            pub id: i64,
            pub name: Option<String>,
            pub active: bool,
            pub quorum: Option<bool>,
        }
    }

    #[tokio::test]
    async fn fields_are_read_by_name_and_flags_from_integers() {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .expect("sqlite");
        let r = sqlx::query("SELECT NULL AS quorum, 1 AS active, 'x' AS name, 7 AS id")
            .fetch_one(&mut conn)
            .await
            .expect("row");
        let s = Sample::read(&r).expect("read");
        assert_eq!(
            s,
            Sample {
                id: 7,
                name: Some("x".into()),
                active: true,
                quorum: None
            }
        );
        let r = sqlx::query("SELECT 1 AS id")
            .fetch_one(&mut conn)
            .await
            .expect("row");
        assert!(Sample::read(&r).is_err(), "a missing column is an error");
    }
}
