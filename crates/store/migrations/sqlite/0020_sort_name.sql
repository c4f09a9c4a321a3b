-- Natural order (第2网格 before 第10网格 on both engines): a key written beside the name by
-- the store, its digit runs padded to one width (domain::natural). Rows written before are
-- given theirs when the application starts.
ALTER TABLE grid ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE service_unit ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
