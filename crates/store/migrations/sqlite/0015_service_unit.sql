-- The service structure of the seed: 街道党员联系集团 → 社区党员联系队 → 小区党员联系分队 →
-- 楼栋党员联系小组. A group stands at a street (or town); the tiers below it at a village or
-- community of that street. Members join units; a unit's path is its org's.

CREATE TABLE service_unit (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES service_unit(id),
    tier TEXT NOT NULL,
    name TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org(id),
    org_path TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX service_unit_path ON service_unit(org_path, id);
CREATE INDEX service_unit_parent ON service_unit(parent_id);
CREATE UNIQUE INDEX service_unit_name ON service_unit(org_id, tier, name);

CREATE TABLE service_unit_member (
    unit_id INTEGER NOT NULL REFERENCES service_unit(id),
    member_id INTEGER NOT NULL REFERENCES member(id),
    leader INTEGER NOT NULL DEFAULT 0,
    joined_on TEXT NOT NULL,
    PRIMARY KEY (unit_id, member_id)
);
CREATE INDEX service_unit_member_member ON service_unit_member(member_id);
