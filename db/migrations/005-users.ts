/**
 * 005: the people who log in to the app or browser mode, and their sessions. A password is
 * stored only as a scrypt hash; a session only as the SHA-256 of its cookie value.
 */
export const sql = `
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role                TEXT NOT NULL CHECK (role IN ('officer', 'hr', 'dpo', 'admin')),
  password_hash       TEXT NOT NULL,
  created_ms          INTEGER NOT NULL,
  created_by          TEXT NOT NULL,
  password_changed_ms INTEGER NOT NULL,
  disabled_ms         INTEGER,
  disabled_by         TEXT,
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  last_failed_ms      INTEGER,
  locked_until_ms     INTEGER,
  last_login_ms       INTEGER
) STRICT;

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  created_ms   INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  ended_ms     INTEGER,
  end_reason   TEXT,
  client       TEXT
) STRICT;
CREATE INDEX sessions_open_by_user ON sessions(user_id) WHERE ended_ms IS NULL;
CREATE INDEX sessions_ended ON sessions(ended_ms) WHERE ended_ms IS NOT NULL;
`;
