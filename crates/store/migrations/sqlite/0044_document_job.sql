-- Documents made in the background (a level's record books as one file): who asked, for
-- what, how far it has come, and the file once made, kept for its reader for a week.
CREATE TABLE document_job (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,
    org_id INTEGER NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    file_name TEXT NOT NULL DEFAULT '',
    body BLOB,
    message TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX document_job_user ON document_job(user_id, id);
