-- In-app reminders, addressed to an org (its secretary or admin sees them), each written once.

CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX notification_org ON notification(org_id, id);

CREATE TABLE notification_read (
    notification_id INTEGER NOT NULL REFERENCES notification(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
