-- 民主评议党员: one review per branch and year, one entry per member.

CREATE TABLE annual_review (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    decided_on TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, year)
);

CREATE TABLE review_entry (
    review_id INTEGER NOT NULL REFERENCES annual_review(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES member(id),
    self_evaluation TEXT NOT NULL DEFAULT '',
    peer_score INTEGER,
    votes_for INTEGER,
    proposed TEXT,
    grade TEXT,
    PRIMARY KEY (review_id, member_id)
);
CREATE INDEX review_entry_member ON review_entry(member_id);
