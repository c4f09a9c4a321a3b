-- A party-group meeting is held by one group of the branch, whose members are expected.
ALTER TABLE meeting ADD COLUMN group_id INTEGER REFERENCES org(id);
