-- Non-public enterprises and social organizations (非公企业和社会组织). A unit lies under an
-- organization of the tree (its town, or a village or community below it), which decides who
-- sees it; its unified social credit code (GB 32100, checked on entry) registers it once in
-- the district. Its party organization is its own (单独组建, one unit per organization), a
-- joint one shared by several units (联合组建, at most the district's maximum), or none; party
-- work also reaches it through a union or the youth league kept here, and through the
-- instructors and liaisons of later tables.
CREATE TABLE enterprise (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id),
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    -- enterprise (非公企业) or social_org (社会组织)
    kind TEXT NOT NULL,
    industry TEXT NOT NULL,
    -- large, medium, small, micro
    size TEXT NOT NULL,
    staff INTEGER NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    operating INTEGER NOT NULL DEFAULT 1,
    -- own, joint or none
    org_setup TEXT NOT NULL DEFAULT 'none',
    party_org_id INTEGER REFERENCES org(id),
    -- Members working there whose membership is kept elsewhere (the platform cannot know).
    members_elsewhere INTEGER NOT NULL DEFAULT 0,
    has_union INTEGER NOT NULL DEFAULT 0,
    has_youth_league INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((org_setup = 'none') = (party_org_id IS NULL))
);
CREATE UNIQUE INDEX enterprise_code ON enterprise(credit_code);
CREATE INDEX enterprise_org ON enterprise(org_id, name);
CREATE UNIQUE INDEX enterprise_own_org ON enterprise(party_org_id) WHERE org_setup = 'own';
CREATE INDEX enterprise_party_org ON enterprise(party_org_id, org_setup);
