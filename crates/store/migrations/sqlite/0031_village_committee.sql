-- 村(社区)"两委": the party committee's posts are the village organization's committee_post
-- rows (members only); the villagers' or residents' committee (村(居)民委员会) is kept here
-- with persons, who need not be members. An election (换届) of a village with its candidates,
-- their joint vetting (县级联审), and the result that sets the posts of both bodies. The
-- reserve pool (后备力量) of each village with its yearly reviews, and the village's target.

CREATE TABLE election (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    started_on TEXT NOT NULL,
    party_voted_on TEXT,
    residents_voted_on TEXT,
    finished_on TEXT,
    term_ends_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX election_open ON election(org_id) WHERE finished_on IS NULL;
CREATE INDEX election_org ON election(org_id, started_on);
CREATE INDEX election_finished ON election(finished_on);

CREATE TABLE election_candidate (
    id INTEGER PRIMARY KEY,
    election_id INTEGER NOT NULL REFERENCES election(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    -- party (村党组织) or residents (村(居)民委员会)
    body TEXT NOT NULL,
    post TEXT NOT NULL,
    -- pending, passed, refused
    vetting TEXT NOT NULL DEFAULT 'pending',
    refusal_reason TEXT,
    vetted_on TEXT,
    elected INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX election_candidate_once ON election_candidate(election_id, body, person_id);
CREATE INDEX election_candidate_person ON election_candidate(person_id);

ALTER TABLE committee_post ADD COLUMN election_id INTEGER REFERENCES election(id);

CREATE TABLE residents_post (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    -- director (主任), deputy_director (副主任), member (委员)
    post TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    election_id INTEGER REFERENCES election(id),
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX residents_post_director ON residents_post(org_id) WHERE ended_on IS NULL AND post = 'director';
CREATE UNIQUE INDEX residents_post_holder ON residents_post(org_id, person_id) WHERE ended_on IS NULL;
CREATE INDEX residents_post_person ON residents_post(person_id);
CREATE INDEX residents_post_org ON residents_post(org_id, started_on);

CREATE TABLE reserve_cadre (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    -- local_talent, returnee, graduate, veteran, other
    source TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    training TEXT NOT NULL DEFAULT '',
    -- NULL while in the pool; elected or left
    outcome TEXT,
    outcome_on TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX reserve_cadre_current ON reserve_cadre(person_id) WHERE outcome IS NULL;
CREATE INDEX reserve_cadre_org ON reserve_cadre(org_id, outcome);

CREATE TABLE reserve_review (
    reserve_id INTEGER NOT NULL REFERENCES reserve_cadre(id),
    year INTEGER NOT NULL,
    -- excellent, competent, basic, incompetent
    grade TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    set_by INTEGER,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (reserve_id, year)
);

CREATE TABLE reserve_target (
    org_id INTEGER PRIMARY KEY REFERENCES org(id),
    target INTEGER NOT NULL,
    set_by INTEGER,
    set_at INTEGER NOT NULL
);
