-- 党费: each member's income base from a month on, the monthly ledger, and reductions the
-- branch proposes and the higher committee approves. Amounts are integer 分; months 'YYYY-MM'.

CREATE TABLE dues_base (
    member_id INTEGER NOT NULL REFERENCES member(id),
    from_month TEXT NOT NULL,
    base_fen INTEGER NOT NULL,
    set_by INTEGER,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (member_id, from_month)
);

CREATE TABLE dues_payment (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    -- The branch that received the payment (a member may later transfer).
    org_id INTEGER NOT NULL REFERENCES org(id),
    month TEXT NOT NULL,
    due_fen INTEGER NOT NULL,
    paid_fen INTEGER NOT NULL,
    paid_on TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_by INTEGER,
    recorded_at INTEGER NOT NULL,
    UNIQUE (member_id, month)
);
CREATE INDEX dues_payment_org ON dues_payment(org_id, month);

CREATE TABLE dues_reduction (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES member(id),
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    -- The reduced monthly amount; 0 is an exemption.
    monthly_fen INTEGER NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    proposed_by INTEGER,
    proposed_at INTEGER NOT NULL,
    decided_by INTEGER,
    decided_at INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dues_reduction_member ON dues_reduction(member_id, state);
