-- Talents (人才): talent records (a person with a category, the "百千万" line if any, how the
-- district came by them, level, field and employer), the programme's three-year targets by
-- organization and line (actuals are counted from the records, never typed), promotions of
-- cadres with the work they were recognised for, and mentor studios (人才导师工作室) with
-- their apprentices and yearly assessment. Each row belongs to the organization that keeps
-- it (a town, a department), which decides who reads it.
CREATE TABLE talent (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    -- high_end, high_skill, professional, rural
    category TEXT NOT NULL,
    -- doctor, innovation_team, master, innovation_talent, industry_skill, rural_revival
    line TEXT,
    -- introduced, cultivated
    origin TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    field TEXT NOT NULL,
    employer TEXT NOT NULL,
    recognised_year INTEGER NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX talent_person ON talent(person_id, category);
CREATE INDEX talent_org ON talent(org_id, recognised_year);

CREATE TABLE programme_target (
    org_id INTEGER NOT NULL REFERENCES org(id),
    line TEXT NOT NULL,
    cycle_start INTEGER NOT NULL,
    target INTEGER NOT NULL,
    set_by INTEGER,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, line, cycle_start)
);

CREATE TABLE promotion (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    promoted_on TEXT NOT NULL,
    from_post TEXT NOT NULL,
    to_post TEXT NOT NULL,
    recognised_work TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX promotion_org ON promotion(org_id, promoted_on);

CREATE TABLE studio (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    name TEXT NOT NULL,
    master_person_id INTEGER NOT NULL REFERENCES person(id),
    field TEXT NOT NULL,
    host_unit TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    cycle_ends_on TEXT NOT NULL,
    closed_on TEXT,
    closed_reason TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX studio_master_open ON studio(master_person_id) WHERE closed_on IS NULL;
CREATE INDEX studio_org ON studio(org_id);

CREATE TABLE apprentice (
    id INTEGER PRIMARY KEY,
    studio_id INTEGER NOT NULL REFERENCES studio(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    started_on TEXT NOT NULL,
    finished_on TEXT,
    -- 1 when the apprentice finished as a high-skill graduate
    graduated INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX apprentice_current ON apprentice(person_id) WHERE finished_on IS NULL;
CREATE INDEX apprentice_studio ON apprentice(studio_id, started_on);

CREATE TABLE studio_assessment (
    studio_id INTEGER NOT NULL REFERENCES studio(id),
    year INTEGER NOT NULL,
    apprentices INTEGER NOT NULL,
    graduates INTEGER NOT NULL,
    -- excellent, qualified, failed
    grade TEXT NOT NULL,
    graded_by INTEGER,
    graded_at INTEGER NOT NULL,
    PRIMARY KEY (studio_id, year)
);
