-- 组织关系转接: transfers between organizations with their letter, and each member's history
-- of organizations. A member who left the district keeps their row with an empty org_path,
-- which no subtree contains.

CREATE TABLE transfer (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    member_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    from_org_id INTEGER REFERENCES org(id),
    from_path TEXT NOT NULL DEFAULT '',
    to_org_id INTEGER REFERENCES org(id),
    to_path TEXT NOT NULL DEFAULT '',
    -- The organization outside the district (transfers out and in, flowing members).
    outside_org TEXT NOT NULL DEFAULT '',
    letter_no TEXT NOT NULL DEFAULT '',
    valid_until TEXT,
    dues_paid_to TEXT,
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    requested_by INTEGER,
    requested_at INTEGER NOT NULL,
    decided_by INTEGER,
    decided_at INTEGER,
    done_by INTEGER,
    done_at INTEGER
);
CREATE INDEX transfer_from ON transfer(from_path, state);
CREATE INDEX transfer_to ON transfer(to_path, state);
CREATE INDEX transfer_member ON transfer(member_id, id);

CREATE TABLE membership (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    org_id INTEGER REFERENCES org(id),
    org_name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    transfer_id INTEGER REFERENCES transfer(id)
);
CREATE INDEX membership_member ON membership(member_id, from_date);

INSERT INTO membership (member_id, org_id, org_name, from_date)
SELECT m.id, m.org_id, o.name, m.join_date FROM member m JOIN org o ON o.id = m.org_id;
