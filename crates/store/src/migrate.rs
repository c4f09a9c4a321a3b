//! Embedded migrations, one folder per engine, applied in order on start.

use sqlx::{AnyConnection, Connection, Executor, Row};

use crate::{Backend, Result};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "life",
        sqlite: include_str!("../migrations/sqlite/0002_life.sql"),
        postgres: include_str!("../migrations/postgres/0002_life.sql"),
    },
    Migration {
        version: 3,
        name: "review",
        sqlite: include_str!("../migrations/sqlite/0003_review.sql"),
        postgres: include_str!("../migrations/postgres/0003_review.sql"),
    },
    Migration {
        version: 4,
        name: "notification",
        sqlite: include_str!("../migrations/sqlite/0004_notification.sql"),
        postgres: include_str!("../migrations/postgres/0004_notification.sql"),
    },
    Migration {
        version: 5,
        name: "behind",
        sqlite: include_str!("../migrations/sqlite/0005_behind.sql"),
        postgres: include_str!("../migrations/postgres/0005_behind.sql"),
    },
    Migration {
        version: 6,
        name: "meeting_extras",
        sqlite: include_str!("../migrations/sqlite/0006_meeting_extras.sql"),
        postgres: include_str!("../migrations/postgres/0006_meeting_extras.sql"),
    },
    Migration {
        version: 7,
        name: "meeting_group",
        sqlite: include_str!("../migrations/sqlite/0007_meeting_group.sql"),
        postgres: include_str!("../migrations/postgres/0007_meeting_group.sql"),
    },
    Migration {
        version: 8,
        name: "dues",
        sqlite: include_str!("../migrations/sqlite/0008_dues.sql"),
        postgres: include_str!("../migrations/postgres/0008_dues.sql"),
    },
    Migration {
        version: 9,
        name: "transfer",
        sqlite: include_str!("../migrations/sqlite/0009_transfer.sql"),
        postgres: include_str!("../migrations/postgres/0009_transfer.sql"),
    },
    Migration {
        version: 10,
        name: "import",
        sqlite: include_str!("../migrations/sqlite/0010_import.sql"),
        postgres: include_str!("../migrations/postgres/0010_import.sql"),
    },
    Migration {
        version: 11,
        name: "recruit",
        sqlite: include_str!("../migrations/sqlite/0011_recruit.sql"),
        postgres: include_str!("../migrations/postgres/0011_recruit.sql"),
    },
    Migration {
        version: 12,
        name: "masses",
        sqlite: include_str!("../migrations/sqlite/0012_masses.sql"),
        postgres: include_str!("../migrations/postgres/0012_masses.sql"),
    },
    Migration {
        version: 13,
        name: "card",
        sqlite: include_str!("../migrations/sqlite/0013_card.sql"),
        postgres: include_str!("../migrations/postgres/0013_card.sql"),
    },
    Migration {
        version: 14,
        name: "report",
        sqlite: include_str!("../migrations/sqlite/0014_report.sql"),
        postgres: include_str!("../migrations/postgres/0014_report.sql"),
    },
    Migration {
        version: 15,
        name: "service_unit",
        sqlite: include_str!("../migrations/sqlite/0015_service_unit.sql"),
        postgres: include_str!("../migrations/postgres/0015_service_unit.sql"),
    },
    Migration {
        version: 16,
        name: "request",
        sqlite: include_str!("../migrations/sqlite/0016_request.sql"),
        postgres: include_str!("../migrations/postgres/0016_request.sql"),
    },
    Migration {
        version: 17,
        name: "evaluation",
        sqlite: include_str!("../migrations/sqlite/0017_evaluation.sql"),
        postgres: include_str!("../migrations/postgres/0017_evaluation.sql"),
    },
    Migration {
        version: 18,
        name: "photo",
        sqlite: include_str!("../migrations/sqlite/0018_photo.sql"),
        postgres: include_str!("../migrations/postgres/0018_photo.sql"),
    },
    Migration {
        version: 19,
        name: "unit_grid",
        sqlite: include_str!("../migrations/sqlite/0019_unit_grid.sql"),
        postgres: include_str!("../migrations/postgres/0019_unit_grid.sql"),
    },
    Migration {
        version: 20,
        name: "sort_name",
        sqlite: include_str!("../migrations/sqlite/0020_sort_name.sql"),
        postgres: include_str!("../migrations/postgres/0020_sort_name.sql"),
    },
    Migration {
        version: 21,
        name: "committee",
        sqlite: include_str!("../migrations/sqlite/0021_committee.sql"),
        postgres: include_str!("../migrations/postgres/0021_committee.sql"),
    },
    Migration {
        version: 22,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0022_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0022_accounts.sql"),
    },
    Migration {
        version: 23,
        name: "second_factor",
        sqlite: include_str!("../migrations/sqlite/0023_second_factor.sql"),
        postgres: include_str!("../migrations/postgres/0023_second_factor.sql"),
    },
    Migration {
        version: 24,
        name: "household_retention",
        sqlite: include_str!("../migrations/sqlite/0024_household_retention.sql"),
        postgres: include_str!("../migrations/postgres/0024_household_retention.sql"),
    },
    Migration {
        version: 25,
        name: "star_rating",
        sqlite: include_str!("../migrations/sqlite/0025_star_rating.sql"),
        postgres: include_str!("../migrations/postgres/0025_star_rating.sql"),
    },
    Migration {
        version: 26,
        name: "weak_list",
        sqlite: include_str!("../migrations/sqlite/0026_weak_list.sql"),
        postgres: include_str!("../migrations/postgres/0026_weak_list.sql"),
    },
    Migration {
        version: 27,
        name: "contact_point",
        sqlite: include_str!("../migrations/sqlite/0027_contact_point.sql"),
        postgres: include_str!("../migrations/postgres/0027_contact_point.sql"),
    },
    Migration {
        version: 28,
        name: "secretary_rating",
        sqlite: include_str!("../migrations/sqlite/0028_secretary_rating.sql"),
        postgres: include_str!("../migrations/postgres/0028_secretary_rating.sql"),
    },
    Migration {
        version: 29,
        name: "assessment_file",
        sqlite: include_str!("../migrations/sqlite/0029_assessment_file.sql"),
        postgres: include_str!("../migrations/postgres/0029_assessment_file.sql"),
    },
    Migration {
        version: 30,
        name: "person",
        sqlite: include_str!("../migrations/sqlite/0030_person.sql"),
        postgres: include_str!("../migrations/postgres/0030_person.sql"),
    },
    Migration {
        version: 31,
        name: "village_committee",
        sqlite: include_str!("../migrations/sqlite/0031_village_committee.sql"),
        postgres: include_str!("../migrations/postgres/0031_village_committee.sql"),
    },
    Migration {
        version: 32,
        name: "term_indexes",
        sqlite: include_str!("../migrations/sqlite/0032_term_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0032_term_indexes.sql"),
    },
    Migration {
        version: 33,
        name: "resident",
        sqlite: include_str!("../migrations/sqlite/0033_resident.sql"),
        postgres: include_str!("../migrations/postgres/0033_resident.sql"),
    },
    Migration {
        version: 34,
        name: "talent",
        sqlite: include_str!("../migrations/sqlite/0034_talent.sql"),
        postgres: include_str!("../migrations/postgres/0034_talent.sql"),
    },
    Migration {
        version: 35,
        name: "dues_month",
        sqlite: include_str!("../migrations/sqlite/0035_dues_month.sql"),
        postgres: include_str!("../migrations/postgres/0035_dues_month.sql"),
    },
    Migration {
        version: 36,
        name: "apprentice_now",
        sqlite: include_str!("../migrations/sqlite/0036_apprentice_now.sql"),
        postgres: include_str!("../migrations/postgres/0036_apprentice_now.sql"),
    },
    Migration {
        version: 37,
        name: "org_depth",
        sqlite: include_str!("../migrations/sqlite/0037_org_depth.sql"),
        postgres: include_str!("../migrations/postgres/0037_org_depth.sql"),
    },
    Migration {
        version: 38,
        name: "election_figures",
        sqlite: include_str!("../migrations/sqlite/0038_election_figures.sql"),
        postgres: include_str!("../migrations/postgres/0038_election_figures.sql"),
    },
    Migration {
        version: 39,
        name: "enterprise",
        sqlite: include_str!("../migrations/sqlite/0039_enterprise.sql"),
        postgres: include_str!("../migrations/postgres/0039_enterprise.sql"),
    },
    Migration {
        version: 40,
        name: "enterprise_helper",
        sqlite: include_str!("../migrations/sqlite/0040_enterprise_helper.sql"),
        postgres: include_str!("../migrations/postgres/0040_enterprise_helper.sql"),
    },
    Migration {
        version: 41,
        name: "volunteer",
        sqlite: include_str!("../migrations/sqlite/0041_volunteer.sql"),
        postgres: include_str!("../migrations/postgres/0041_volunteer.sql"),
    },
    Migration {
        version: 42,
        name: "task_force",
        sqlite: include_str!("../migrations/sqlite/0042_task_force.sql"),
        postgres: include_str!("../migrations/postgres/0042_task_force.sql"),
    },
    Migration {
        version: 43,
        name: "screen",
        sqlite: include_str!("../migrations/sqlite/0043_screen.sql"),
        postgres: include_str!("../migrations/postgres/0043_screen.sql"),
    },
    Migration {
        version: 44,
        name: "document_job",
        sqlite: include_str!("../migrations/sqlite/0044_document_job.sql"),
        postgres: include_str!("../migrations/postgres/0044_document_job.sql"),
    },
];

/// Applies what is missing, each migration in its own transaction; returns what it applied.
pub async fn run(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let row =
        sqlx::query("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM schema_migration")
            .fetch_one(&mut *conn)
            .await?;
    let current: i64 = row.try_get("v")?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let mut tx = conn.begin().await?;
        let text = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(text).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(crate::sql::now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied.push(format!("{:04}_{}", m.version, m.name));
    }
    Ok(applied)
}
