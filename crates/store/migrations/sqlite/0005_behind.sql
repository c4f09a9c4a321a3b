-- The behind-list: one row per branch and year in which it fell behind, with running
-- totals through each month of the meetings it missed (mNN) and of those required in the
-- months it fell behind (rNN). A window of months inside the year is the difference of two
-- columns, so any subtree's list reads one row per branch instead of one per month and kind.
CREATE TABLE life_behind (
    org_id INTEGER NOT NULL,
    org_path TEXT NOT NULL,
    year INTEGER NOT NULL,
    m01 INTEGER NOT NULL,
    m02 INTEGER NOT NULL,
    m03 INTEGER NOT NULL,
    m04 INTEGER NOT NULL,
    m05 INTEGER NOT NULL,
    m06 INTEGER NOT NULL,
    m07 INTEGER NOT NULL,
    m08 INTEGER NOT NULL,
    m09 INTEGER NOT NULL,
    m10 INTEGER NOT NULL,
    m11 INTEGER NOT NULL,
    m12 INTEGER NOT NULL,
    r01 INTEGER NOT NULL,
    r02 INTEGER NOT NULL,
    r03 INTEGER NOT NULL,
    r04 INTEGER NOT NULL,
    r05 INTEGER NOT NULL,
    r06 INTEGER NOT NULL,
    r07 INTEGER NOT NULL,
    r08 INTEGER NOT NULL,
    r09 INTEGER NOT NULL,
    r10 INTEGER NOT NULL,
    r11 INTEGER NOT NULL,
    r12 INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);
CREATE INDEX life_behind_path ON life_behind(year, org_path);

INSERT INTO life_behind (org_id, org_path, year, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12)
SELECT t.org_id, o.path, CAST(substr(t.month, 1, 4) AS INTEGER),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '01' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '02' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '03' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '04' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '05' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '06' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '07' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '08' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '09' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '10' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '11' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '12' THEN t.required - t.met ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '01' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '02' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '03' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '04' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '05' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '06' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '07' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '08' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '09' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '10' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '11' THEN t.required ELSE 0 END),
    SUM(CASE WHEN substr(t.month, 6, 2) <= '12' THEN t.required ELSE 0 END)
FROM life_tally t JOIN org o ON o.id = t.org_id
WHERE t.leaf = 1 AND t.behind > 0
GROUP BY t.org_id, o.path, substr(t.month, 1, 4);
