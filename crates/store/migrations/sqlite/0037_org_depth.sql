-- The organizations at one depth inside a subtree: the villages and communities (depth 3)
-- that every cadre list, count and counter recount starts from read 12,750 index entries at
-- scale 30 instead of the subtree's 161,000 organizations.
CREATE INDEX org_depth_path ON org(depth, path);
