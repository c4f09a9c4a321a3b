-- 三亮: each member's public card, reachable by a short random code (never the member's id,
-- so that cards cannot be walked), shown only once published.

CREATE TABLE member_card (
    member_id BIGINT PRIMARY KEY REFERENCES member(id),
    code TEXT NOT NULL UNIQUE,
    duties TEXT NOT NULL DEFAULT '',
    commitment TEXT NOT NULL DEFAULT '',
    published BIGINT NOT NULL DEFAULT 0,
    updated_by BIGINT,
    updated_at BIGINT NOT NULL
);
