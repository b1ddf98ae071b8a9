-- +goose Up
-- The official directory, other public bodies, and the people who act for
-- them. Bodies already present (historical laureates) keep their rows and
-- get a key of their own.
ALTER TABLE bodies ADD COLUMN body_key TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN population INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bodies ADD COLUMN postal_codes TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN epci_siren TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bodies ADD COLUMN status TEXT NOT NULL DEFAULT 'historical';
ALTER TABLE bodies ADD COLUMN requested_by INTEGER REFERENCES users (id);
ALTER TABLE bodies ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
UPDATE bodies SET body_key = 'h-' || id;
CREATE UNIQUE INDEX bodies_key ON bodies (body_key);
CREATE INDEX bodies_search_name ON bodies (search_name);
CREATE INDEX bodies_epci ON bodies (epci_siren);
CREATE INDEX bodies_status ON bodies (status);

-- Members of a body that is not in the directory (the communes of a
-- syndicat, for instance).
CREATE TABLE body_links (
    group_id  INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    body_id    INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('elu', 'responsable', 'contributor')),
    sections   TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'removed')),
    message    TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT NOT NULL DEFAULT '',
    UNIQUE (body_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_status ON memberships (status);

CREATE TABLE invitations (
    hash       TEXT PRIMARY KEY,
    body_id    INTEGER NOT NULL REFERENCES bodies (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('elu', 'responsable', 'contributor')),
    sections   TEXT NOT NULL DEFAULT '',
    invited_by INTEGER NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX invitations_body ON invitations (body_id);

-- Small facts about the database itself, such as the vintage of the
-- directory it holds.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE body_links;
DROP INDEX bodies_status;
DROP INDEX bodies_epci;
DROP INDEX bodies_search_name;
DROP INDEX bodies_key;
ALTER TABLE bodies DROP COLUMN status_reason;
ALTER TABLE bodies DROP COLUMN requested_by;
ALTER TABLE bodies DROP COLUMN status;
ALTER TABLE bodies DROP COLUMN search_name;
ALTER TABLE bodies DROP COLUMN epci_siren;
ALTER TABLE bodies DROP COLUMN postal_codes;
ALTER TABLE bodies DROP COLUMN population;
ALTER TABLE bodies DROP COLUMN region;
ALTER TABLE bodies DROP COLUMN body_key;
