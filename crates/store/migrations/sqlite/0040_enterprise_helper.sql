-- The people through whom party work reaches a non-public unit: party-building instructors
-- (党建指导员, assigned by the district for a term), leaders who look after it (包企业) and
-- factory liaisons (驻厂员). Each is a member of the registry; an assignment is in force from
-- `start_on` through `end_on` (an instructor's term end, or the day it was ended early; none
-- while open). An instructor or a liaison in force reaches the unit for work coverage.
CREATE TABLE enterprise_helper (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprise(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    -- instructor, leader, liaison
    role TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX enterprise_helper_unit ON enterprise_helper(enterprise_id, role);
CREATE INDEX enterprise_helper_member ON enterprise_helper(member_id, role);

-- A visit of a helper to their unit, with the days spent on site (an instructor's month
-- adds them up against the district's minimum; a leader's quarter counts the visits).
CREATE TABLE enterprise_visit (
    id INTEGER PRIMARY KEY,
    helper_id INTEGER NOT NULL REFERENCES enterprise_helper(id),
    visited_on TEXT NOT NULL,
    days INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (days BETWEEN 1 AND 31)
);
CREATE INDEX enterprise_visit_helper ON enterprise_visit(helper_id, visited_on);

-- A problem an enterprise raised goes to the problem ledger with the unit it came from.
ALTER TABLE problem ADD COLUMN enterprise_id INTEGER REFERENCES enterprise(id);
CREATE INDEX problem_enterprise ON problem(enterprise_id) WHERE enterprise_id IS NOT NULL;
