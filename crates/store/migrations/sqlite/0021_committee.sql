-- 支部委员会: who holds which post of a party organization's committee, from when to when.
-- A post has one holder and a holder one post at a time (partial unique indexes).
CREATE TABLE committee_post (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    post TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX committee_post_held ON committee_post(org_id, post) WHERE ended_on IS NULL;
CREATE UNIQUE INDEX committee_post_holder ON committee_post(org_id, member_id) WHERE ended_on IS NULL;
CREATE INDEX committee_post_member ON committee_post(member_id);
