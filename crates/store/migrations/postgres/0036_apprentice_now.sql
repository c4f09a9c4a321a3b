-- The apprentices of each studio, in training or finished, counted from the index alone
-- (the studios' list and 云中心 count both for every open studio: 190,000 apprentices at
-- scale 30).
CREATE INDEX apprentice_studio_finished ON apprentice(studio_id, finished_on);
