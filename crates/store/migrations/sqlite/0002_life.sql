-- 组织生活: meeting rules as data, meetings with attendance, and compliance tallies per
-- org and due month (branch rows and the sums of their ancestors).

CREATE TABLE meeting_rule (
    id INTEGER PRIMARY KEY,
    org_kind TEXT NOT NULL,
    meeting_kind TEXT NOT NULL,
    period TEXT NOT NULL,
    times INTEGER NOT NULL,
    fixed_day INTEGER,
    effective_from TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_kind, meeting_kind, effective_from)
);

CREATE TABLE meeting (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    lecturer TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT '',
    due_month TEXT NOT NULL,
    on_time INTEGER NOT NULL,
    expected INTEGER NOT NULL,
    present INTEGER NOT NULL,
    quorum INTEGER,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX meeting_org ON meeting(org_id, kind, due_month);
CREATE INDEX meeting_path ON meeting(org_path, held_on);

CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX attendance_member ON attendance(member_id);

CREATE TABLE life_tally (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    required INTEGER NOT NULL,
    met INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    behind INTEGER NOT NULL,
    -- 1 on a branch's own rows, 0 on the sums kept for its ancestors.
    leaf INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, kind)
);
-- The behind-list reads only branch rows that missed something.
CREATE INDEX life_tally_behind ON life_tally(month) WHERE leaf = 1 AND behind > 0;
