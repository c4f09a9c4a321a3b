-- Files kept with the work of 组织建设: a secretary's report and its materials, the photos of
-- a service-centre project, the evidence of a rectification. In the database, so that a
-- backup of the database holds them; the owner's organization is read through the owner, so
-- that no copy of a path has to follow a move of the tree.

CREATE TABLE assessment_file (
    id INTEGER PRIMARY KEY,
    -- secretary_rating, project, listing
    owner_kind TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX assessment_file_owner ON assessment_file(owner_kind, owner_id);
