-- The organization tree, the member registry, accounts, sessions, audit log and rollups.
-- Dates are TEXT 'YYYY-MM-DD', instants INTEGER epoch milliseconds, flags INTEGER 0/1.

CREATE TABLE org (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES org(id),
    path TEXT NOT NULL UNIQUE,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT 'none',
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    secretary TEXT,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX org_parent ON org(parent_id, name);
CREATE INDEX org_name ON org(name);

-- Every change of the tree, dated, so that history survives renames and moves.
CREATE TABLE org_event (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    actor_id INTEGER,
    at INTEGER NOT NULL
);
CREATE INDEX org_event_org ON org_event(org_id, id);

CREATE TABLE member (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    group_id INTEGER REFERENCES org(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_cipher BLOB NOT NULL,
    id_index TEXT NOT NULL UNIQUE,
    id_masked TEXT NOT NULL,
    phone_cipher BLOB,
    phone_index TEXT,
    phone_masked TEXT,
    education TEXT NOT NULL,
    category TEXT NOT NULL,
    join_date TEXT NOT NULL,
    confirm_date TEXT,
    status TEXT NOT NULL,
    flowing INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX member_path_name ON member(org_path, name, id);
CREATE INDEX member_name ON member(name, id);
CREATE INDEX member_birth ON member(birth_date, id);
CREATE INDEX member_join ON member(join_date, id);
CREATE INDEX member_phone ON member(phone_index);
CREATE INDEX member_org ON member(org_id);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_org_id INTEGER NOT NULL REFERENCES org(id),
    member_id INTEGER REFERENCES member(id),
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- The head row serialises writers: every audited transaction updates it first.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Counts per org covering its whole subtree, kept by every write (see store::rollup).
CREATE TABLE rollup (
    org_id INTEGER NOT NULL,
    metric TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, metric, key)
);

CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
