-- 双报到: members of agencies, institutions and enterprises register with the community
-- where they live, serve there, and are rated by it once a year. A member reports to one
-- community at a time; the ended reports are the history.

CREATE TABLE community_report (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    -- The member's branch when registering, for the branch's own view.
    member_path TEXT NOT NULL,
    community_id INTEGER NOT NULL REFERENCES org(id),
    community_path TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    ended_on TEXT,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX community_report_current ON community_report(member_id) WHERE ended_on IS NULL;
CREATE INDEX community_report_community ON community_report(community_path, id);
CREATE INDEX community_report_member ON community_report(member_path);

CREATE TABLE report_service (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES community_report(id),
    done_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    confirmed_by INTEGER,
    confirmed_at INTEGER,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX report_service_report ON report_service(report_id, done_on);

CREATE TABLE report_rating (
    report_id INTEGER NOT NULL REFERENCES community_report(id),
    year INTEGER NOT NULL,
    rating TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    rated_by INTEGER,
    rated_at INTEGER NOT NULL,
    PRIMARY KEY (report_id, year)
);
