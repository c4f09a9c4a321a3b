-- First secretaries and resident work teams (第一书记, 驻村工作队): a team sent to a village
-- by a unit for a term, its cadres (persons) with their role and own unit, their days in the
-- village (each a voluntary check-in by their own account, or the month's figure recorded
-- with the monthly work log), leave with the level that approved it, inspections with the
-- cadres found absent, and the yearly grade. Whether an absence is excused is read from the
-- approved leave covering its day, never stored.
CREATE TABLE resident_team (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    sending_unit TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    -- set when the team is withdrawn or its term is over
    ended_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX resident_team_org ON resident_team(org_id, started_on);
CREATE UNIQUE INDEX resident_team_in_post ON resident_team(org_id) WHERE ended_on IS NULL;

CREATE TABLE resident_cadre (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES resident_team(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    -- first_secretary, member
    role TEXT NOT NULL,
    unit TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX resident_cadre_current ON resident_cadre(person_id) WHERE ended_on IS NULL;
CREATE UNIQUE INDEX resident_cadre_first_secretary ON resident_cadre(team_id) WHERE ended_on IS NULL AND role = 'first_secretary';
CREATE INDEX resident_cadre_team ON resident_cadre(team_id, started_on);

CREATE TABLE resident_day (
    cadre_id INTEGER NOT NULL REFERENCES resident_cadre(id),
    day TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (cadre_id, day)
);

CREATE TABLE resident_month (
    cadre_id INTEGER NOT NULL REFERENCES resident_cadre(id),
    -- YYYY-MM
    month TEXT NOT NULL,
    -- the team leader's figure; NULL leaves the check-ins to count
    days INTEGER,
    log TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (cadre_id, month)
);

CREATE TABLE resident_leave (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES resident_cadre(id),
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    days INTEGER NOT NULL,
    reason TEXT NOT NULL,
    -- requested, approved, refused
    status TEXT NOT NULL,
    -- town, district: who decides a leave of this length
    level TEXT NOT NULL,
    requested_by INTEGER,
    decided_by INTEGER,
    decided_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX resident_leave_cadre ON resident_leave(cadre_id, from_on);
CREATE INDEX resident_leave_open ON resident_leave(status, level);

CREATE TABLE resident_inspection (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES resident_team(id),
    inspected_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX resident_inspection_team ON resident_inspection(team_id, inspected_on);

CREATE TABLE resident_absence (
    inspection_id INTEGER NOT NULL REFERENCES resident_inspection(id),
    cadre_id INTEGER NOT NULL REFERENCES resident_cadre(id),
    PRIMARY KEY (inspection_id, cadre_id)
);
CREATE INDEX resident_absence_cadre ON resident_absence(cadre_id);

CREATE TABLE resident_grade (
    cadre_id INTEGER NOT NULL REFERENCES resident_cadre(id),
    year INTEGER NOT NULL,
    -- excellent, competent, basic, incompetent
    grade TEXT NOT NULL,
    graded_by INTEGER,
    graded_at INTEGER NOT NULL,
    PRIMARY KEY (cadre_id, year)
);
