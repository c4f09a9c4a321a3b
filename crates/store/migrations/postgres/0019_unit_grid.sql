-- Estates (分队) and buildings (小组) lie inside a grid: a squad names its grid, its cells
-- share it.
ALTER TABLE service_unit ADD COLUMN grid_id BIGINT REFERENCES grid(id);
