-- siks schema, version 24 (PostgreSQL): the second factor and API tokens (docs/adr/0022). Keep in
-- step with ../sqlite/0024_second_factor_tokens.sql.

-- An account's TOTP secret, sealed like a person's specific data (users.totp_secret); the one
-- shown at enrolment waits in totp_pending until a first code confirms it. totp_last_step is the
-- step of the last code taken: a code is taken once (RFC 6238 5.2).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN totp_enrolled_at TEXT;

-- When the session's second factor was last given (NULL: not yet; the session is half open).
ALTER TABLE sessions ADD COLUMN second_factor_at TEXT;

-- Recovery codes, each kept as a hash and used once.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A machine client's token: its SHA-256 only, a name, a region scope never wider than its
-- account's, read or read-write, an expiry, its last use and its revocation.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL,
    access       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
