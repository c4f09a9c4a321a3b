-- The month's payments by organization, read for a whole district from the index alone
-- (the 云中心 and the dues page of the district): 32,000 payments a month at scale 1.
CREATE INDEX dues_payment_month ON dues_payment(month, org_id, paid_fen);
