-- 群众诉求 (呼 → 来 → 动): requests residents submit without an account, answered by their
-- community, passed to a member or a department, and followed on a timeline. Categories and
-- departments are edited by the district; a category carries its time limits and the
-- department it is usually sent to.

CREATE TABLE request_department (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    contact TEXT NOT NULL DEFAULT '',
    -- The organization whose staff handle what is sent here, when it has accounts.
    org_id INTEGER REFERENCES org(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE request_category (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    accept_hours INTEGER NOT NULL,
    resolve_hours INTEGER NOT NULL,
    department_id INTEGER REFERENCES request_department(id),
    sort INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE request (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    category_id INTEGER NOT NULL REFERENCES request_category(id),
    community_id INTEGER NOT NULL REFERENCES org(id),
    community_path TEXT NOT NULL,
    grid_id INTEGER REFERENCES grid(id),
    address TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The contact phone is encrypted; the keyed index counts a phone's requests for the
    -- rate limit and finds a request when its resident tracks it.
    phone_cipher BLOB NOT NULL,
    phone_masked TEXT NOT NULL,
    phone_index TEXT NOT NULL,
    address_index TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    answered_at INTEGER,
    accept_due_at INTEGER NOT NULL,
    resolve_due_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    -- The deadline of the current state, while one runs.
    due_at INTEGER,
    escalation INTEGER NOT NULL DEFAULT 0,
    assignee_member_id INTEGER REFERENCES member(id),
    department_id INTEGER REFERENCES request_department(id),
    department_path TEXT,
    reply TEXT NOT NULL DEFAULT '',
    -- Staff may keep the reply off the published list.
    redacted INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
CREATE INDEX request_community ON request(community_path, id);
CREATE INDEX request_phone ON request(phone_index, submitted_at);
CREATE INDEX request_address ON request(address_index, submitted_at);
CREATE INDEX request_due ON request(due_at) WHERE due_at IS NOT NULL;
CREATE INDEX request_assignee ON request(assignee_member_id, id) WHERE assignee_member_id IS NOT NULL;
CREATE INDEX request_department_path ON request(department_path, id) WHERE department_path IS NOT NULL;
CREATE INDEX request_state ON request(state, id);

CREATE TABLE request_event (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES request(id),
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    to_state TEXT NOT NULL,
    -- Who acted as residents may see it: 群众, an organization's name, or 系统.
    actor_label TEXT NOT NULL,
    user_id INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_event_request ON request_event(request_id, id);

CREATE TABLE request_photo (
    request_id INTEGER PRIMARY KEY REFERENCES request(id),
    mime TEXT NOT NULL,
    body BLOB NOT NULL
);

-- A starting list the district edits: the usual kinds of requests and the departments they
-- are sent to.
INSERT INTO request_department (name, contact, active, created_at) VALUES
    ('区城市管理局', '', 1, 0),
    ('区住房城乡建委', '', 1, 0),
    ('区民政局', '', 1, 0),
    ('区公安分局', '', 1, 0),
    ('区农业农村委', '', 1, 0);
INSERT INTO request_category (name, accept_hours, resolve_hours, department_id, sort, active, created_at) VALUES
    ('环境卫生', 24, 72, (SELECT id FROM request_department WHERE name = '区城市管理局'), 1, 1, 0),
    ('道路与公共设施', 24, 168, (SELECT id FROM request_department WHERE name = '区住房城乡建委'), 2, 1, 0),
    ('水电气', 12, 72, (SELECT id FROM request_department WHERE name = '区住房城乡建委'), 3, 1, 0),
    ('邻里纠纷', 24, 168, NULL, 4, 1, 0),
    ('困难帮扶', 24, 168, (SELECT id FROM request_department WHERE name = '区民政局'), 5, 1, 0),
    ('治安消防', 12, 72, (SELECT id FROM request_department WHERE name = '区公安分局'), 6, 1, 0),
    ('农业生产', 24, 168, (SELECT id FROM request_department WHERE name = '区农业农村委'), 7, 1, 0),
    ('政策咨询', 24, 72, NULL, 8, 1, 0),
    ('其他', 24, 168, NULL, 9, 1, 0);
