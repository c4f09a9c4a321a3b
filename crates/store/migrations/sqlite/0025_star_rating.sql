-- 星级评定: the district's scheme per year (versioned, fixed once scoring starts), each
-- organization's rating moving from its own scoring through the town's review and the
-- district's confirmation to publication, the score of every item at every stage with the
-- figure a computed item rests on, and objections raised while results are published.

CREATE TABLE star_scheme (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    -- The domain's Scheme as JSON: indicators, items, rules and tiers.
    body TEXT NOT NULL,
    self_opens_on TEXT NOT NULL,
    self_days INTEGER NOT NULL,
    publish_days INTEGER NOT NULL,
    -- Set by the first score saved against it; a fixed scheme changes only by a new version.
    fixed_at INTEGER,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (year, version)
);

CREATE TABLE star_rating (
    id INTEGER PRIMARY KEY,
    scheme_id INTEGER NOT NULL REFERENCES star_scheme(id),
    year INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    -- self, submitted, reviewed, confirmed, published
    state TEXT NOT NULL,
    total_tenths INTEGER NOT NULL,
    stars INTEGER NOT NULL,
    submitted_at INTEGER,
    reviewed_at INTEGER,
    confirmed_at INTEGER,
    published_at INTEGER,
    -- The last day objections are taken.
    publish_until TEXT,
    -- Why the town sent it back, if it did.
    returned_reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, year)
);
CREATE INDEX star_rating_path ON star_rating(year, org_path);

CREATE TABLE star_score (
    rating_id INTEGER NOT NULL REFERENCES star_rating(id),
    item_code TEXT NOT NULL,
    -- What the platform's records give a computed item, and the figure they rest on.
    computed_tenths INTEGER,
    figure TEXT NOT NULL DEFAULT '',
    units INTEGER,
    self_tenths INTEGER,
    self_reason TEXT NOT NULL DEFAULT '',
    town_tenths INTEGER,
    town_reason TEXT NOT NULL DEFAULT '',
    district_tenths INTEGER,
    district_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rating_id, item_code)
);

CREATE TABLE star_objection (
    id INTEGER PRIMARY KEY,
    rating_id INTEGER NOT NULL REFERENCES star_rating(id),
    content TEXT NOT NULL,
    raised_by INTEGER,
    raised_by_name TEXT NOT NULL,
    raised_at INTEGER NOT NULL,
    answer TEXT,
    answered_by INTEGER,
    answered_at INTEGER
);
CREATE INDEX star_objection_rating ON star_objection(rating_id);
