-- 党员联系群众: grids inside villages and communities, the households in them, the member
-- responsible for each household over time, and the deeds members record. A household's
-- phone is encrypted like a member's; its scope is the path of its grid's org.

CREATE TABLE grid (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The grid party group that serves it, if any.
    group_id INTEGER REFERENCES org(id),
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX grid_path ON grid(org_path);

CREATE TABLE household (
    id INTEGER PRIMARY KEY,
    grid_id INTEGER NOT NULL REFERENCES grid(id),
    org_path TEXT NOT NULL,
    address TEXT NOT NULL,
    head_name TEXT NOT NULL,
    phone_cipher BLOB,
    phone_masked TEXT,
    size INTEGER NOT NULL,
    needs TEXT NOT NULL DEFAULT '',
    legal_basis TEXT NOT NULL,
    retain_until TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX household_grid ON household(grid_id, id);
CREATE INDEX household_path ON household(org_path, id);

CREATE TABLE pairing (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    from_on TEXT NOT NULL,
    to_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
-- One responsible member per household at a time; the ended pairings are its history.
CREATE UNIQUE INDEX pairing_current ON pairing(household_id) WHERE to_on IS NULL;
CREATE INDEX pairing_member ON pairing(member_id, to_on);

CREATE TABLE deed (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    -- The member's branch when the deed was recorded: counts stay where the work was done.
    org_path TEXT NOT NULL,
    household_id INTEGER REFERENCES household(id),
    done_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    confirmed_by INTEGER,
    confirmed_at INTEGER,
    recorded_by INTEGER,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX deed_path ON deed(org_path, done_on);
-- The newest deeds of a large subtree are read in date order rather than sorted.
CREATE INDEX deed_done ON deed(done_on, id);
CREATE INDEX deed_member ON deed(member_id, done_on);
CREATE INDEX deed_household ON deed(household_id, done_on);
