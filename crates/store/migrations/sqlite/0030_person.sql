-- One person, whether or not a party member: cadres, reserve cadres and talents are often not
-- members, and a person who joins the party (or a member who becomes a cadre) stays one
-- person. The identity rules are the members': ID number checked, encrypted, found by a keyed
-- blind index, masked for display, phone optional. While a member points to a person, the
-- member registry is where that identity is edited; the store mirrors it here in the same
-- transaction.
CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    education TEXT NOT NULL,
    id_cipher BLOB NOT NULL,
    id_index TEXT NOT NULL UNIQUE,
    id_masked TEXT NOT NULL,
    phone_cipher BLOB,
    phone_index TEXT,
    phone_masked TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX person_name ON person(name, id);

INSERT INTO person (id, name, gender, ethnicity, birth_date, education, id_cipher, id_index, id_masked,
    phone_cipher, phone_index, phone_masked, created_at, updated_at)
SELECT id, name, gender, ethnicity, birth_date, education, id_cipher, id_index, id_masked,
    phone_cipher, phone_index, phone_masked, created_at, updated_at FROM member;

ALTER TABLE member ADD COLUMN person_id INTEGER REFERENCES person(id);
UPDATE member SET person_id = id;
CREATE UNIQUE INDEX member_person ON member(person_id);
-- Members inserted since the last adoption (the store links them in the same transaction).
CREATE INDEX member_unlinked ON member(id) WHERE person_id IS NULL;
