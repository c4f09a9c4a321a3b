//! Small key–value facts about the deployment (demo marker, key check).

use sqlx::{AnyConnection, Row};

use crate::Result;

pub const DEMO: &str = "demo";
pub const KEY_CHECK: &str = "key_check";
/// From which sequence number the audit chain is keyed, with that number's MAC.
pub const AUDIT_KEYED_FROM: &str = "audit_keyed_from";
/// From which sequence number the audit chain is keyed with the 国密 key, with its MAC.
pub const AUDIT_SM3_FROM: &str = "audit_sm3_from";
/// The algorithms the data is protected with (`standard` when absent; see the service's
/// `crypto::Suite`).
pub const CRYPTO_SUITE: &str = "crypto_suite";
/// Which set of rollup metrics the stored counters hold (see `rollup::METRICS_VERSION`).
pub const ROLLUP_METRICS: &str = "rollup_metrics";
/// Set once the grids and service units written before natural order have their sort keys.
pub const SORT_NAMES: &str = "sort_names";

/// The security policy (password rules, sessions, login throttling) as JSON.
pub const SECURITY_POLICY: &str = "security_policy";
/// The thresholds of the weak-and-lax screening as JSON (the domain's defaults when absent).
pub const WEAK_RULES: &str = "weak_rules";
/// The rules of cadre work (terms, age caps, reserve target, vetting reasons) as JSON.
pub const CADRE_RULES: &str = "cadre_rules";
/// The district's rules of non-public party work (JSON).
pub const ENTERPRISE_RULES: &str = "enterprise_rules";
/// The district's rules of volunteer service (the stars' hours) as JSON.
pub const VOLUNTEER_RULES: &str = "volunteer_rules";

pub async fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    let r = sqlx::query("SELECT value FROM setting WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    r.map(|r| Ok(r.try_get("value")?)).transpose()
}

pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether the database holds anything beyond an empty schema.
pub async fn has_data(conn: &mut AnyConnection) -> Result<bool> {
    let r = sqlx::query("SELECT COUNT(*) AS n FROM (SELECT id FROM org LIMIT 1) t")
        .fetch_one(conn)
        .await?;
    Ok(r.try_get::<i64, _>("n")? > 0)
}

/// How many organizations and members are stored (a backup's report).
pub async fn totals(conn: &mut AnyConnection) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM org) AS orgs, (SELECT COUNT(*) FROM member) AS members",
    )
    .fetch_one(conn)
    .await?;
    Ok((r.try_get("orgs")?, r.try_get("members")?))
}
