-- 三亮: each member's public card, reachable by a short random code (never the member's id,
-- so that cards cannot be walked), shown only once published.

CREATE TABLE member_card (
    member_id INTEGER PRIMARY KEY REFERENCES member(id),
    code TEXT NOT NULL UNIQUE,
    duties TEXT NOT NULL DEFAULT '',
    commitment TEXT NOT NULL DEFAULT '',
    published INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER,
    updated_at INTEGER NOT NULL
);
