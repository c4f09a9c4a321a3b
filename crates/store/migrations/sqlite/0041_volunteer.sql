-- Volunteer service (志愿服务). A volunteer is a member of the registry or a resident kept
-- with the least data: a name and a phone, encrypted, masked and found again by its keyed
-- index; a resident reads their own record with the code given at their first sign-up. The
-- confirmed minutes and person-times of a volunteer are kept on the row (stars come from
-- the minutes); an organization's are rollup counters by the month held.
CREATE TABLE volunteer (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES member(id),
    name TEXT NOT NULL,
    phone_cipher BLOB,
    phone_index TEXT,
    phone_masked TEXT,
    -- A resident's record code (members read theirs on their own page).
    code TEXT,
    minutes INTEGER NOT NULL DEFAULT 0,
    times INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    CHECK ((member_id IS NULL) = (phone_index IS NOT NULL))
);
CREATE UNIQUE INDEX volunteer_member ON volunteer(member_id) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX volunteer_phone ON volunteer(phone_index) WHERE phone_index IS NOT NULL;
CREATE UNIQUE INDEX volunteer_code ON volunteer(code) WHERE code IS NOT NULL;

-- An activity an organization holds: its date, start and length (the most hours anyone
-- can be credited), place and category; `code` opens its public sign-up page.
CREATE TABLE volunteer_activity (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    place TEXT NOT NULL,
    -- NULL: no limit
    capacity INTEGER,
    code TEXT NOT NULL,
    -- open (sign-ups taken), closed (hours confirmed), cancelled
    state TEXT NOT NULL DEFAULT 'open',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (minutes BETWEEN 1 AND 1440)
);
CREATE UNIQUE INDEX volunteer_activity_code ON volunteer_activity(code);
CREATE INDEX volunteer_activity_org ON volunteer_activity(org_path, held_on);
CREATE INDEX volunteer_activity_held ON volunteer_activity(held_on);

-- A sign-up; the organizer confirms attendance and the minutes served (no more than the
-- activity's length). Each volunteer signs up once per activity.
CREATE TABLE volunteer_signup (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES volunteer_activity(id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteer(id),
    signed_at INTEGER NOT NULL,
    -- NULL until confirmed; 0 when absent
    minutes INTEGER,
    confirmed_by INTEGER,
    confirmed_at INTEGER
);
CREATE UNIQUE INDEX volunteer_signup_once ON volunteer_signup(activity_id, volunteer_id);
CREATE INDEX volunteer_signup_volunteer ON volunteer_signup(volunteer_id, activity_id);
