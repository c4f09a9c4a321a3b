-- Households past their retention date are anonymised by the job: the date it did so. The
-- partial index finds the next ones without a scan.
ALTER TABLE household ADD COLUMN anonymised_on TEXT;
CREATE INDEX household_retention ON household(retain_until) WHERE anonymised_on IS NULL;
