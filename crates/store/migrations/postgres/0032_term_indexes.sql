-- The statistics of a year's elections read each village's posts by the election that set
-- them and those held on the eve of each vote (ended ones too): indexes for both reads.
CREATE INDEX committee_post_org ON committee_post(org_id, started_on);
CREATE INDEX committee_post_election ON committee_post(election_id);
CREATE INDEX residents_post_election ON residents_post(election_id);
