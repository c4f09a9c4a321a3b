-- Leaders' contact points (联系点) with their visits, the problem ledger (问题清单) with the
-- five facts and a clock in working days, and the district's corrections and additions to the
-- working-day calendar (the State Council's notice for a year, entered when published).

CREATE TABLE work_calendar (
    day TEXT PRIMARY KEY,
    -- holiday, workday (a weekend day worked), normal (as its weekday says)
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    set_by INTEGER,
    set_at INTEGER NOT NULL
);

CREATE TABLE contact_point (
    id INTEGER PRIMARY KEY,
    leader_name TEXT NOT NULL,
    leader_title TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX contact_point_path ON contact_point(org_path);
CREATE INDEX contact_point_leader ON contact_point(leader_name);

CREATE TABLE contact_visit (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES contact_point(id),
    visited_on TEXT NOT NULL,
    content TEXT NOT NULL,
    by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX contact_visit_point ON contact_visit(point_id, visited_on);

CREATE TABLE problem (
    id INTEGER PRIMARY KEY,
    no TEXT NOT NULL UNIQUE,
    point_id INTEGER REFERENCES contact_point(id),
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    -- contact, request, enterprise, other
    source TEXT NOT NULL,
    request_id INTEGER,
    -- The five facts: content, responsible unit, standard of done, measures, deadline.
    content TEXT NOT NULL,
    unit TEXT NOT NULL,
    standard TEXT NOT NULL,
    measures TEXT NOT NULL,
    deadline TEXT NOT NULL,
    -- Needs several departments: for the joint meeting.
    joint INTEGER NOT NULL DEFAULT 0,
    -- logged, accepted, refused, replied, closed
    state TEXT NOT NULL,
    logged_on TEXT NOT NULL,
    accept_due TEXT NOT NULL,
    accepted_on TEXT,
    reply_due TEXT,
    replied_on TEXT,
    reply TEXT NOT NULL DEFAULT '',
    feedback_due TEXT,
    closed_on TEXT,
    feedback TEXT NOT NULL DEFAULT '',
    refused_reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX problem_path ON problem(org_path, logged_on);
CREATE INDEX problem_point ON problem(point_id);
