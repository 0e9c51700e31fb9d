-- siks schema, version 2 (PostgreSQL): sign-in, sessions and search. Keep in step with
-- ../sqlite/0002_sessions_search.sql.

ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;

-- The name folded for prefix search (lower case, single spaces), kept by the store.
ALTER TABLE persons ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE persons SET name_key = lower(trim(full_name));
CREATE INDEX persons_name_key ON persons (name_key, id);
CREATE INDEX persons_no_kk ON persons (no_kk);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of the database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    remote_addr  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
