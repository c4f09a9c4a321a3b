-- Imports of rosters: the uploaded file is kept until the user imports or discards it, so
-- that the rows are checked again, against the database as it is then, right before writing.

CREATE TABLE import_job (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,
    org_id INTEGER NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    body BLOB,
    state TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    valid INTEGER NOT NULL DEFAULT 0,
    invalid INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    imported INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX import_job_user ON import_job(user_id, id);
