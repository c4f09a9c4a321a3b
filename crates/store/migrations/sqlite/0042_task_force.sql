-- Commando teams (党员突击队): a temporary branch (临时党支部) opened under a parent
-- organization for a mission, with a leader, a start and a planned end; members are seconded
-- to it for a span within the team's and keep their home branch; closing the team ends the
-- secondments still running. Its meetings name who attended; its deeds are members' deeds
-- tagged with it; applications made during the mission (火线入党) are linked from the
-- recruitment pipeline.
CREATE TABLE task_force (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    -- epidemic, flood, project, other
    mission TEXT NOT NULL,
    leader_id INTEGER NOT NULL REFERENCES member(id),
    started_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    closed_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (ends_on >= started_on),
    CHECK (closed_on IS NULL OR closed_on >= started_on)
);
CREATE INDEX task_force_org ON task_force(org_path, started_on);
CREATE INDEX task_force_open ON task_force(org_path) WHERE closed_on IS NULL;

CREATE TABLE task_force_member (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES task_force(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (to_on >= from_on)
);
CREATE UNIQUE INDEX task_force_member_once ON task_force_member(team_id, member_id);
CREATE INDEX task_force_member_member ON task_force_member(member_id, from_on);

CREATE TABLE task_force_meeting (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES task_force(id),
    held_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX task_force_meeting_team ON task_force_meeting(team_id, held_on);

CREATE TABLE task_force_attendance (
    meeting_id INTEGER NOT NULL REFERENCES task_force_meeting(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX task_force_attendance_member ON task_force_attendance(member_id);

ALTER TABLE deed ADD COLUMN task_force_id INTEGER REFERENCES task_force(id);
CREATE INDEX deed_task_force ON deed(task_force_id) WHERE task_force_id IS NOT NULL;

ALTER TABLE recruit ADD COLUMN task_force_id INTEGER REFERENCES task_force(id);
CREATE INDEX recruit_task_force ON recruit(task_force_id) WHERE task_force_id IS NOT NULL;
