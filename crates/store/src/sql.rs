//! A small builder that numbers `$n` placeholders itself (sqlx's `QueryBuilder` emits `?`,
//! which PostgreSQL rejects).

use sqlx::AssertSqlSafe;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use crate::Result;

/// Parameters per multi-row statement. SQLite looks a `$n` parameter's name up in a list,
/// so binding costs grow with the square of the count: a thousand keeps that negligible.
pub const ROWS_PER_INSERT: usize = 1000;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub enum Arg {
    // Nulls keep their type: PostgreSQL rejects a text-typed null for a bigint column.
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// The statement is kept twice: with `$n` placeholders for PostgreSQL, and with anonymous `?`
/// for SQLite, which looks a named parameter up by scanning its list of names, so that a
/// statement of a thousand `$n` costs a million comparisons to bind (60,000 imported members
/// spent 4 of their 5 seconds there).
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    positional: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            positional: text.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self.positional.push_str(text);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self.positional.push('?');
        self
    }

    /// `AND column` inside the subtree at `root_path`: a range on the materialized path, so
    /// an index on the column serves it.
    pub fn within(&mut self, column: &str, root_path: &str) -> &mut Self {
        self.push(&format!(" AND {column} >= "))
            .text(root_path)
            .push(&format!(" AND {column} < "))
            .text(dangjian_domain::path::upper(root_path))
    }

    /// ` IN (…)` with a placeholder per value: the caller writes the column before it and
    /// keeps the list non-empty (`IN ()` is no SQL).
    pub fn ints_in(&mut self, values: &[i64]) -> &mut Self {
        self.push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.int(*v);
        }
        self.push(")")
    }

    /// ` IN (…)` over text values; as [`Sql::ints_in`].
    pub fn texts_in(&mut self, values: &[&str]) -> &mut Self {
        self.push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(*v);
        }
        self.push(")")
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.bind(Arg::Int(Some(v)))
    }

    pub fn text(&mut self, v: impl Into<String>) -> &mut Self {
        self.bind(Arg::Text(Some(v.into())))
    }

    pub fn bytes(&mut self, v: Vec<u8>) -> &mut Self {
        self.bind(Arg::Bytes(Some(v)))
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        self.bind(Arg::Int(v))
    }

    pub fn opt_text(&mut self, v: Option<String>) -> &mut Self {
        self.bind(Arg::Text(v))
    }

    pub fn opt_bytes(&mut self, v: Option<Vec<u8>>) -> &mut Self {
        self.bind(Arg::Bytes(v))
    }

    fn query(&self, conn: &AnyConnection) -> Query<'_, Any, AnyArguments> {
        let text = if conn.backend_name() == "SQLite" {
            self.positional.as_str()
        } else {
            self.text.as_str()
        };
        let mut q = sqlx::query(AssertSqlSafe(text));
        for a in &self.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Bytes(v) => q.bind(v.as_deref()),
            };
        }
        q
    }

    pub async fn fetch_all(&self, conn: &mut AnyConnection) -> Result<Vec<AnyRow>> {
        Ok(self.query(conn).fetch_all(&mut *conn).await?)
    }

    pub async fn fetch_one(&self, conn: &mut AnyConnection) -> Result<AnyRow> {
        Ok(self.query(conn).fetch_one(&mut *conn).await?)
    }

    /// The first column of every row, as integers (ids).
    pub async fn fetch_ints(&self, conn: &mut AnyConnection) -> Result<Vec<i64>> {
        use sqlx::Row;
        self.fetch_all(conn)
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    pub async fn execute(&self, conn: &mut AnyConnection) -> Result<u64> {
        Ok(self.query(conn).execute(&mut *conn).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_gets_one_placeholder_per_value_in_both_dialects() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.int(7)
            .push(" AND b")
            .ints_in(&[1, 2])
            .push(" AND c")
            .texts_in(&["x"]);
        assert_eq!(
            sql.text,
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3) AND c IN ($4)"
        );
        assert_eq!(
            sql.positional,
            "SELECT 1 WHERE a = ? AND b IN (?, ?) AND c IN (?)"
        );
        assert_eq!(sql.args.len(), 4);
    }
}
