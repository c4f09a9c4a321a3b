-- 发展党员: each person in the pipeline, the steps recorded with their documents, and the
-- yearly development plans (quotas) of organizations.

CREATE TABLE recruit (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_cipher BLOB NOT NULL,
    id_index TEXT NOT NULL UNIQUE,
    id_masked TEXT NOT NULL,
    education TEXT NOT NULL,
    category TEXT NOT NULL,
    stage TEXT NOT NULL,
    -- active, completed (full member), cancelled (probation cancelled or withdrawn)
    state TEXT NOT NULL,
    last_step INTEGER NOT NULL DEFAULT 0,
    -- The latest date of the next step, kept by every write, so that counts of overdue
    -- people need no walk through the steps.
    next_due TEXT,
    extension_months INTEGER NOT NULL DEFAULT 0,
    -- The registry record once the committee approved the person as a 预备党员.
    member_id INTEGER REFERENCES member(id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX recruit_path ON recruit(org_path, state, stage);
CREATE INDEX recruit_due ON recruit(next_due) WHERE state = 'active';

CREATE TABLE recruit_step (
    recruit_id INTEGER NOT NULL REFERENCES recruit(id),
    step_no INTEGER NOT NULL,
    done_on TEXT NOT NULL,
    document TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    sponsors TEXT NOT NULL DEFAULT '',
    hours INTEGER,
    late INTEGER NOT NULL DEFAULT 0,
    recorded_by INTEGER,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (recruit_id, step_no)
);

CREATE TABLE dev_plan (
    org_id INTEGER NOT NULL REFERENCES org(id),
    year INTEGER NOT NULL,
    quota INTEGER NOT NULL,
    set_by INTEGER,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);
