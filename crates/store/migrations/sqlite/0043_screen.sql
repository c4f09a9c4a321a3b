-- The big screen (大屏). Each organization's tile on its parent's schematic map (column and
-- row counted from the north-west corner), and a level's own boundary file (GeoJSON), which
-- draws its children instead of the tiles once uploaded.
CREATE TABLE map_tile (
    org_id INTEGER PRIMARY KEY REFERENCES org(id),
    tile_col INTEGER NOT NULL,
    tile_row INTEGER NOT NULL,
    CHECK (tile_col >= 0 AND tile_row >= 0)
);

CREATE TABLE map_boundary (
    org_id INTEGER PRIMARY KEY REFERENCES org(id),
    geojson TEXT NOT NULL,
    -- The file drawn once at upload (shapes as SVG paths, JSON), so that a screen's
    -- refresh reads paths instead of projecting the file again.
    drawing TEXT NOT NULL,
    features INTEGER NOT NULL,
    uploaded_by INTEGER,
    uploaded_at INTEGER NOT NULL
);

-- Today's requests of a level: the day's few rows by time, then their place.
CREATE INDEX request_submitted ON request(submitted_at);
