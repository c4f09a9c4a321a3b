-- Photos of members' cards (三亮) and of deeds (好事实事): one per card or deed, replaced
-- when a new one is sent.

CREATE TABLE photo (
    kind TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    mime TEXT NOT NULL,
    body BLOB NOT NULL,
    updated_by INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, owner_id)
);
