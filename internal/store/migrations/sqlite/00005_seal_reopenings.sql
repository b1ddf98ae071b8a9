-- +goose Up
-- The reopening of sealed decisions (issue 6 §7): one row per request for
-- a change to one sealed decision, from the party who asked (the president
-- or an admin) to the other party's confirmation, or its withdrawal, and
-- the seal that applied it. Until now a pending request was read from the
-- audit log (jury.reopen.* entries); the log keeps those entries, and a
-- request still pending there is carried over below.
CREATE TABLE seal_reopenings (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL REFERENCES editions (year),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    -- The change asked for: a level index of the file's track (NULL: no
    -- level, the file postponed) and the mentions, one a line.
    level          INTEGER,
    mentions       TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL,
    side           TEXT NOT NULL CHECK (side IN ('president', 'admin')),
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    requested_at   TIMESTAMP NOT NULL,
    confirmed_by   INTEGER REFERENCES users (id),
    confirmed_at   TIMESTAMP,
    cancelled_by   INTEGER REFERENCES users (id),
    cancelled_at   TIMESTAMP,
    closed_by_seal INTEGER REFERENCES seals (id),
    -- Two people: the one who confirms is never the one who asked.
    CHECK (confirmed_by IS NULL OR confirmed_by <> requested_by),
    CHECK (confirmed_at IS NULL OR cancelled_at IS NULL)
);
CREATE INDEX seal_reopenings_year ON seal_reopenings (year, id);
-- One request at a time per edition: neither confirmed nor withdrawn.
CREATE UNIQUE INDEX seal_reopenings_pending ON seal_reopenings (year)
    WHERE confirmed_at IS NULL AND cancelled_at IS NULL;

-- A request whose edition's last reopening entry in the log is the
-- request itself was pending: it stays pending (unless its edition, file
-- or author is gone, which the references would refuse).
WITH pending AS MATERIALIZED ( -- read no JSON before the filter: other entries may hold none
    SELECT l.object_id, l.after_json, l.actor_id, l.at FROM audit_log l
    WHERE l.object_type = 'seal' AND l.action = 'jury.reopen.request'
        AND l.id = (SELECT MAX(o.id) FROM audit_log o WHERE o.object_type = 'seal' AND o.object_id = l.object_id
            AND o.action IN ('jury.reopen.request', 'jury.reopen.confirm', 'jury.reopen.cancel'))
)
INSERT INTO seal_reopenings (year, application_id, level, mentions, reason, side, requested_by, requested_at)
SELECT e.year, a.id, json_extract(p.after_json, '$.level'),
    COALESCE((SELECT group_concat(m.value, char(10)) FROM json_each(p.after_json, '$.mentions') m), ''),
    json_extract(p.after_json, '$.reason'), json_extract(p.after_json, '$.side'), u.id, p.at
FROM pending p
JOIN editions e ON CAST(e.year AS TEXT) = p.object_id
JOIN applications a ON a.id = json_extract(p.after_json, '$.application_id')
JOIN users u ON u.id = p.actor_id;

-- +goose Down
DROP TABLE seal_reopenings;
