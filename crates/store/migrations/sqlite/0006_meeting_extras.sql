-- Study time counted for each member present, members checking themselves in with a code
-- the host shows, and files kept with a meeting's minutes.

ALTER TABLE meeting ADD COLUMN study_minutes INTEGER NOT NULL DEFAULT 0;
-- Study totals read only meetings that count as study.
CREATE INDEX meeting_study ON meeting(org_path, held_on) WHERE study_minutes > 0;

CREATE TABLE checkin (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    code TEXT NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    meeting_id INTEGER REFERENCES meeting(id) ON DELETE SET NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX checkin_code ON checkin(code, closes_at);
CREATE INDEX checkin_org ON checkin(org_id, id);

CREATE TABLE checkin_member (
    checkin_id INTEGER NOT NULL REFERENCES checkin(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id),
    checked_in_at INTEGER NOT NULL,
    PRIMARY KEY (checkin_id, member_id)
);

CREATE TABLE meeting_file (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX meeting_file_meeting ON meeting_file(meeting_id);
