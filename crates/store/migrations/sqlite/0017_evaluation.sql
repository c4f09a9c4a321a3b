-- 三评, 一公开: periods of evaluation set by a town or the district for its subtree, the
-- responses (by households through the community's staff, by peers, by the branch), and
-- the publications that open a branch's or community's results to the public.

CREATE TABLE evaluation_period (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    -- One question per line.
    questions TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX evaluation_period_org ON evaluation_period(org_path);

CREATE TABLE evaluation_response (
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES evaluation_period(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    -- The member's branch when evaluated: results stay where the member was.
    member_path TEXT NOT NULL,
    rater TEXT NOT NULL,
    -- Who answered: household:ID, member:ID, or org:ID (one evaluation by the branch).
    rater_key TEXT NOT NULL,
    -- Scores 1–5, one per question, comma-separated; and their sum.
    answers TEXT NOT NULL,
    total INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX evaluation_response_once ON evaluation_response(period_id, member_id, rater_key);
CREATE INDEX evaluation_response_path ON evaluation_response(period_id, member_path);

CREATE TABLE evaluation_publication (
    period_id INTEGER NOT NULL REFERENCES evaluation_period(id),
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    published_by INTEGER,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (period_id, org_id)
);
