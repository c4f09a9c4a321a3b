//! One way to write many rows: a chunk of rows goes to the engine as a single JSON text
//! parameter that it unpacks itself (SQLite `json_each`, PostgreSQL `json_array_elements`).
//! Binding every value as its own parameter costs the most on both engines (SQLite looks
//! names up in a list, PostgreSQL parses and plans statements of a thousand parameters), and
//! a statement's parameter count is capped; one parameter per chunk avoids all three.

use std::fmt::Write;

use sqlx::AnyConnection;

use crate::Result;

/// A column's type, for PostgreSQL's casts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Text,
}

/// A value of a row.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    Int(i64),
    Text(&'a str),
    Null,
}

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<bool> for Val<'_> {
    fn from(v: bool) -> Self {
        Val::Int(i64::from(v))
    }
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(v: &'a str) -> Self {
        Val::Text(v)
    }
}

impl<'a> From<&'a String> for Val<'a> {
    fn from(v: &'a String) -> Self {
        Val::Text(v)
    }
}

impl<'a, T: Into<Val<'a>>> From<Option<T>> for Val<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Where rows go: a table, its columns, and what follows the SELECT (`ON CONFLICT …`).
#[derive(Debug, Clone, Copy)]
pub struct Insert<'a> {
    pub table: &'a str,
    pub columns: &'a [(&'a str, Ty)],
    pub suffix: &'a str,
}

/// Rows per statement: a few megabytes of JSON at most.
const ROWS_PER_CHUNK: usize = 5_000;

impl Insert<'_> {
    fn statement(&self, sqlite: bool) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(n, _)| *n).collect();
        let values: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| match (sqlite, ty) {
                (true, _) => format!("value ->> {i}"),
                (false, Ty::Int) => format!("CAST(e ->> {i} AS BIGINT)"),
                (false, Ty::Text) => format!("e ->> {i}"),
            })
            .collect();
        let source = if sqlite {
            "json_each($1)"
        } else {
            "json_array_elements(CAST($1 AS JSON)) AS e"
        };
        // SQLite reads an ON CONFLICT after a SELECT without WHERE as a join's ON.
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM {source} WHERE 1 = 1 {}",
            self.table,
            names.join(", "),
            values.join(", "),
            self.suffix
        )
    }

    /// Writes the rows, `columns.len()` values each, in chunks; returns how many were
    /// written. The rows are encoded before the first write, so the future holds text only
    /// (a future holding the caller's closures could not be sent between threads).
    pub fn rows<'c, 'v, R>(
        &self,
        conn: &'c mut AnyConnection,
        rows: impl IntoIterator<Item = R>,
    ) -> impl Future<Output = Result<u64>> + Send + 'c
    where
        R: AsRef<[Val<'v>]>,
    {
        let sql = self.statement(conn.backend_name() == "SQLite");
        let chunks = encode(rows);
        async move {
            let mut written = 0;
            for json in &chunks {
                written += send(conn, &sql, json).await?;
            }
            Ok(written)
        }
    }
}

/// The rows as JSON arrays of at most `ROWS_PER_CHUNK` rows.
fn encode<'v, R: AsRef<[Val<'v>]>>(rows: impl IntoIterator<Item = R>) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut json = String::from("[");
    let mut n = 0;
    for row in rows {
        if n > 0 {
            json.push(',');
        }
        push_row(&mut json, row.as_ref());
        n += 1;
        if n == ROWS_PER_CHUNK {
            json.push(']');
            chunks.push(std::mem::replace(&mut json, String::from("[")));
            n = 0;
        }
    }
    if n > 0 {
        json.push(']');
        chunks.push(json);
    }
    chunks
}

async fn send(conn: &mut AnyConnection, sql: &str, json: &str) -> Result<u64> {
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(json)
        .execute(conn)
        .await?
        .rows_affected())
}

fn push_row(json: &mut String, row: &[Val<'_>]) {
    json.push('[');
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        match v {
            Val::Int(n) => {
                let _ = write!(json, "{n}");
            }
            Val::Text(s) => push_string(json, s),
            Val::Null => json.push_str("null"),
        }
    }
    json.push(']');
}

/// A JSON string: quotes, backslashes and control characters escaped.
fn push_string(json: &mut String, s: &str) {
    json.push('"');
    for c in s.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(json, "\\u{:04x}", u32::from(c));
            }
            c => json.push(c),
        }
    }
    json.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_json_arrays_with_text_escaped() {
        let mut json = String::new();
        push_row(
            &mut json,
            &[Val::Int(-7), Val::Text("引号\"与\\反斜杠\n"), Val::Null],
        );
        assert_eq!(json, r#"[-7,"引号\"与\\反斜杠\u000a",null]"#);
    }

    #[test]
    fn statements_unpack_one_parameter() {
        let insert = Insert {
            table: "t",
            columns: &[("a", Ty::Int), ("b", Ty::Text)],
            suffix: "ON CONFLICT DO NOTHING",
        };
        assert_eq!(
            insert.statement(true),
            "INSERT INTO t (a, b) SELECT value ->> 0, value ->> 1 FROM json_each($1) WHERE 1 = 1 ON CONFLICT DO NOTHING"
        );
        assert!(insert.statement(false).contains(
            "CAST(e ->> 0 AS BIGINT), e ->> 1 FROM json_array_elements(CAST($1 AS JSON)) AS e"
        ));
    }
}
