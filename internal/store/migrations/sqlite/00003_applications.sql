-- +goose Up
-- Editions get their tracks, award scales and questionnaires; bodies apply
-- with answers that keep their history, submissions, attachments and
-- messages with the secretariat.
ALTER TABLE editions ADD COLUMN jury_at TIMESTAMP;
ALTER TABLE editions ADD COLUMN rules TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN mentions TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN responsable_may_submit BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE tracks (
    year     INTEGER NOT NULL REFERENCES editions (year) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    name     TEXT NOT NULL,
    levels   TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, key)
);

CREATE TABLE questionnaires (
    id         INTEGER PRIMARY KEY,
    year       INTEGER NOT NULL,
    track      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,
    frozen     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (year, track, version),
    FOREIGN KEY (year, track) REFERENCES tracks (year, key) ON DELETE CASCADE
);

CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    year             INTEGER NOT NULL,
    track            TEXT NOT NULL,
    body_id          INTEGER NOT NULL REFERENCES bodies (id),
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    submissions      INTEGER NOT NULL DEFAULT 0,
    correction       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    submitted_at     TIMESTAMP,
    UNIQUE (year, track, body_id),
    FOREIGN KEY (year, track) REFERENCES tracks (year, key)
);
CREATE INDEX applications_body ON applications (body_id);
CREATE INDEX applications_status ON applications (year, status);

CREATE TABLE answers (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    question       TEXT NOT NULL,
    value          TEXT NOT NULL,
    version        INTEGER NOT NULL,
    saved_by       INTEGER REFERENCES users (id),
    saved_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, question)
);

CREATE TABLE answer_history (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    question       TEXT NOT NULL,
    version        INTEGER NOT NULL,
    value          TEXT NOT NULL,
    saved_by       INTEGER REFERENCES users (id),
    saved_at       TIMESTAMP NOT NULL,
    accepted       BOOLEAN NOT NULL
);
CREATE INDEX answer_history_answer ON answer_history (application_id, question);

CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    number         INTEGER NOT NULL,
    submitted_by   INTEGER NOT NULL REFERENCES users (id),
    submitted_at   TIMESTAMP NOT NULL,
    digest         TEXT NOT NULL,
    answers        TEXT NOT NULL,
    UNIQUE (application_id, number)
);

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    question       TEXT NOT NULL,
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    path           TEXT NOT NULL,
    uploaded_by    INTEGER NOT NULL REFERENCES users (id),
    uploaded_at    TIMESTAMP NOT NULL
);
CREATE INDEX attachments_application ON attachments (application_id);

CREATE TABLE application_messages (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    author_id      INTEGER NOT NULL REFERENCES users (id),
    from_staff     BOOLEAN NOT NULL,
    body           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX application_messages_application ON application_messages (application_id);

-- Reminders to bodies with an unsubmitted draft, at chosen days before the
-- deadline; a delivery row makes each reminder go once per application.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL REFERENCES editions (year) ON DELETE CASCADE,
    days_before INTEGER NOT NULL,
    sent_at     TIMESTAMP,
    UNIQUE (year, days_before)
);
CREATE TABLE reminder_deliveries (
    reminder_id    INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    PRIMARY KEY (reminder_id, application_id)
);

-- Software named in answers, offered to the next applicants.
CREATE TABLE software (
    search_name TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE software;
DROP TABLE reminder_deliveries;
DROP TABLE reminders;
DROP TABLE application_messages;
DROP TABLE attachments;
DROP TABLE submissions;
DROP TABLE answer_history;
DROP TABLE answers;
DROP TABLE applications;
DROP TABLE questionnaires;
DROP TABLE tracks;
ALTER TABLE editions DROP COLUMN responsable_may_submit;
ALTER TABLE editions DROP COLUMN mentions;
ALTER TABLE editions DROP COLUMN rules;
ALTER TABLE editions DROP COLUMN jury_at;
