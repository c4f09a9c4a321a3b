-- 书记抓基层党建述职评议考核: each level's rating of the secretaries of the level below, with
-- the meeting's votes and the grade, and the rectification ledger that follows; and the
-- 党群服务中心 construction projects of each organization with their stages.

CREATE TABLE secretary_rating (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    secretary_name TEXT NOT NULL,
    report TEXT NOT NULL,
    meeting_on TEXT NOT NULL,
    present INTEGER NOT NULL,
    good INTEGER NOT NULL,
    fairly_good INTEGER NOT NULL,
    average INTEGER NOT NULL,
    poor INTEGER NOT NULL,
    -- good, fairly_good, average, poor
    grade TEXT NOT NULL,
    rated_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, year)
);
CREATE INDEX secretary_rating_path ON secretary_rating(year, org_path);

CREATE TABLE secretary_rectification (
    id INTEGER PRIMARY KEY,
    rating_id INTEGER NOT NULL REFERENCES secretary_rating(id),
    content TEXT NOT NULL,
    deadline TEXT NOT NULL,
    done_on TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX secretary_rectification_rating ON secretary_rectification(rating_id);

CREATE TABLE service_project (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    budget_fen INTEGER NOT NULL,
    -- planned, building, completed
    stage TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    started_on TEXT,
    completed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX service_project_path ON service_project(org_path);
