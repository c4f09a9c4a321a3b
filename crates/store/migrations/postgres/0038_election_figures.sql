-- The figures of each finished election (换届), kept with it once, when its result is
-- recorded: the committees it elected and those it closed (the posts held on the eve of each
-- committee's vote), each person once, ages on the day it finished. A year's statistics add
-- these up, so later changes of posts or of people never alter what an election reported.
-- The local talents elected secretary are counted on the elected row.
CREATE TABLE election_figures (
    election_id BIGINT NOT NULL REFERENCES election(id),
    -- elected or closed
    term TEXT NOT NULL CHECK (term IN ('elected', 'closed')),
    one_shoulder BIGINT NOT NULL,
    cross_posted BIGINT NOT NULL,
    people BIGINT NOT NULL,
    women BIGINT NOT NULL,
    high_school_plus BIGINT NOT NULL,
    college_plus BIGINT NOT NULL,
    bachelor_plus BIGINT NOT NULL,
    under_35 BIGINT NOT NULL,
    age_sum BIGINT NOT NULL,
    local_talent_secretaries BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (election_id, term)
);
