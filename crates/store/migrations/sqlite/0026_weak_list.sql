-- 软弱涣散 and 红旗: the flags departments enter, each year's listing of an organization (the
-- town's proposal with the reasons the records gave, the district's decision with its
-- document), the rectification plan's three lists with their progress, the acceptance
-- (验收销号) records, and red-flag titles.

CREATE TABLE weak_flag (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    -- 纪检, 信访, 政法…
    source TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX weak_flag_path ON weak_flag(year, org_path);

CREATE TABLE weak_listing (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    -- proposed, listed, not_listed, signed_off
    state TEXT NOT NULL,
    -- The reasons as computed when proposed (JSON), and the town's note.
    reasons TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    proposed_by INTEGER,
    proposed_at INTEGER NOT NULL,
    decided_on TEXT,
    document_no TEXT,
    -- The support assigned: a district leader, a town leader, a department, a first secretary.
    district_leader TEXT NOT NULL DEFAULT '',
    town_leader TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    first_secretary TEXT NOT NULL DEFAULT '',
    signed_off_on TEXT,
    follow_until TEXT,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, year)
);
CREATE INDEX weak_listing_path ON weak_listing(year, org_path);

CREATE TABLE rectification_item (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES weak_listing(id),
    -- problem, measure, duty
    list TEXT NOT NULL,
    content TEXT NOT NULL,
    person TEXT NOT NULL,
    deadline TEXT NOT NULL,
    done_on TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX rectification_item_listing ON rectification_item(listing_id);

CREATE TABLE rectification_progress (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES weak_listing(id),
    item_id INTEGER REFERENCES rectification_item(id),
    note TEXT NOT NULL,
    by_name TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX rectification_progress_listing ON rectification_progress(listing_id);

CREATE TABLE sign_off (
    id INTEGER PRIMARY KEY,
    listing_id INTEGER NOT NULL REFERENCES weak_listing(id),
    held_on TEXT NOT NULL,
    score INTEGER NOT NULL,
    present INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    basically_satisfied INTEGER NOT NULL,
    dissatisfied INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    new_deadline TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX sign_off_listing ON sign_off(listing_id);

CREATE TABLE red_flag (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    awarded_on TEXT NOT NULL,
    document_no TEXT NOT NULL,
    revoked_on TEXT,
    revoked_reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, year)
);
CREATE INDEX red_flag_path ON red_flag(year, org_path);
