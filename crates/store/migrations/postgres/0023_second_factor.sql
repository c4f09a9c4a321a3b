-- Two-factor login (TOTP, RFC 6238): the account's secret, encrypted with the data key;
-- `enabled_at` stays null until the first code confirms the enrolment; `last_step` is the
-- time step of the last code accepted, so that no code is accepted twice. Recovery codes are
-- kept as hashes and used once.
CREATE TABLE second_factor (
    user_id BIGINT PRIMARY KEY REFERENCES app_user(id),
    secret_cipher BYTEA NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE recovery_code (
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
