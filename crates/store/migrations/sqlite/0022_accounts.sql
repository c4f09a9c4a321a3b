-- Accounts managed from the web: a reset forces a new password at the next login, the last
-- login is shown at the next one, and passwords already used are kept (as hashes) so that
-- they are not used again. Sessions remember their address and, until the account has done
-- what it must (a new password), a stage that admits only that page.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN last_login_at INTEGER;
ALTER TABLE app_user ADD COLUMN last_login_ip TEXT;
ALTER TABLE session ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN stage TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE session ADD COLUMN prev_login_at INTEGER;
ALTER TABLE session ADD COLUMN prev_login_ip TEXT;
CREATE TABLE password_history (
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    password_hash TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, changed_at);
CREATE INDEX app_user_scope ON app_user(scope_org_id);
