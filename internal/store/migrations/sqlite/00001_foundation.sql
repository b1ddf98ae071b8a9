-- +goose Up
-- Accounts, sessions, mail outbox, audit log, and the first public content.
-- Times are stored as integer microseconds (see store.Open); the PostgreSQL
-- twin of this file uses timestamptz. Both must keep the same tables and
-- columns: TestMigrationsInStep checks it.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'jury', 'applicant')),
    lang              TEXT NOT NULL DEFAULT 'fr',
    email_verified_at TIMESTAMP,
    deactivated_at    TIMESTAMP,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE auth_tokens (
    hash       TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id, purpose);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    template        TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    claimed_until   TIMESTAMP,
    sent_at         TIMESTAMP,
    failed_at       TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_action ON audit_log (action);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

CREATE TABLE bodies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    departement TEXT NOT NULL DEFAULT '',
    insee       TEXT NOT NULL DEFAULT '',
    siren       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX bodies_name ON bodies (name);

CREATE TABLE editions (
    year           INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    opens_at       TIMESTAMP,
    closes_at      TIMESTAMP,
    ceremony_at    TIMESTAMP,
    ceremony_place TEXT NOT NULL DEFAULT '',
    publish_at     TIMESTAMP
);

CREATE TABLE awards (
    id         INTEGER PRIMARY KEY,
    year       INTEGER NOT NULL REFERENCES editions (year),
    body_id    INTEGER NOT NULL REFERENCES bodies (id),
    track      TEXT NOT NULL,
    award      TEXT NOT NULL DEFAULT '',
    mentions   TEXT NOT NULL DEFAULT '',
    first_time BOOLEAN,
    source_url TEXT NOT NULL DEFAULT '',
    UNIQUE (year, body_id, track)
);

CREATE TABLE news (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    online_url  TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE events;
DROP TABLE news;
DROP TABLE awards;
DROP TABLE editions;
DROP TABLE bodies;
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE sessions;
DROP TABLE auth_tokens;
DROP TABLE users;
