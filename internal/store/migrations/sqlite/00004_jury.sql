-- +goose Up
-- The jury: each edition's phase and jury settings, the jury's members,
-- their affiliations and conflicts of interest, assignments, reviews with
-- their history, comments, the deliberation (agenda, meeting, attendance,
-- votes, decisions), seals, minutes and feedback letters.
ALTER TABLE editions ADD COLUMN phase TEXT NOT NULL DEFAULT 'setup';
-- Settings as JSON (mode, reviewers per file, quorum, conflict window,
-- severities, thresholds…), decoded and checked by the application.
ALTER TABLE editions ADD COLUMN jury_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE editions ADD COLUMN assignments_released_at TIMESTAMP;

CREATE TABLE jury_members (
    year        INTEGER NOT NULL REFERENCES editions (year) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT NOT NULL CHECK (role IN ('president', 'vice_president', 'juror', 'assessor', 'observer')),
    tags        TEXT NOT NULL DEFAULT '',
    min_load    INTEGER NOT NULL DEFAULT 0,
    max_load    INTEGER NOT NULL DEFAULT 0,
    attested_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (year, user_id)
);
CREATE INDEX jury_members_user ON jury_members (user_id);

-- A person's links with bodies or organisations, kept across editions.
CREATE TABLE affiliations (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    body_id      INTEGER REFERENCES bodies (id),
    organisation TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    starts_at    TIMESTAMP,
    ends_at      TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    CHECK (body_id IS NOT NULL OR organisation <> '')
);
CREATE INDEX affiliations_user ON affiliations (user_id);

CREATE TABLE conflicts (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL REFERENCES editions (year),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    type           TEXT NOT NULL,
    source         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed', 'dismissed', 'pinned')),
    severity       TEXT NOT NULL CHECK (severity IN ('recuse', 'disclose')),
    reason         TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL DEFAULT '',
    decided_by     INTEGER REFERENCES users (id),
    decided_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (user_id, application_id, type)
);
CREATE INDEX conflicts_year ON conflicts (year, application_id);

CREATE TABLE assignments (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    rapporteur     BOOLEAN NOT NULL DEFAULT FALSE,
    source         TEXT NOT NULL DEFAULT 'solver' CHECK (source IN ('solver', 'manual')),
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, user_id)
);
CREATE INDEX assignments_user ON assignments (user_id);

-- One review per juror, file and stage ('pre' until the discussion phase,
-- then 'post'); every saved version is kept in review_history.
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    application_id   INTEGER NOT NULL REFERENCES applications (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    stage            TEXT NOT NULL CHECK (stage IN ('pre', 'post')),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    level            INTEGER,
    abstain_reason   TEXT NOT NULL DEFAULT '',
    criteria         TEXT NOT NULL DEFAULT '{}',
    mentions         TEXT NOT NULL DEFAULT '',
    strengths        TEXT NOT NULL DEFAULT '',
    suggestions      TEXT NOT NULL DEFAULT '',
    jury_note        TEXT NOT NULL DEFAULT '',
    secretariat_note TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TIMESTAMP NOT NULL,
    submitted_at     TIMESTAMP,
    UNIQUE (application_id, user_id, stage)
);
CREATE INDEX reviews_user ON reviews (user_id);
CREATE TABLE review_history (
    id        INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    version   INTEGER NOT NULL,
    content   TEXT NOT NULL,
    saved_at  TIMESTAMP NOT NULL,
    UNIQUE (review_id, version)
);

CREATE TABLE jury_comments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    body           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX jury_comments_application ON jury_comments (application_id, id);

CREATE TABLE agenda_items (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL REFERENCES editions (year) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('consent', 'discussion', 'top', 'mention')),
    application_id INTEGER REFERENCES applications (id),
    mention        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'decided', 'postponed'))
);
CREATE INDEX agenda_items_year ON agenda_items (year, position);

-- The live meeting: the item on screen, bumped revision at each change so
-- that followers know they are behind.
CREATE TABLE meetings (
    year         INTEGER PRIMARY KEY REFERENCES editions (year) ON DELETE CASCADE,
    current_item INTEGER REFERENCES agenda_items (id),
    revision     INTEGER NOT NULL DEFAULT 0,
    started_at   TIMESTAMP,
    ended_at     TIMESTAMP
);
CREATE TABLE attendance (
    year       INTEGER NOT NULL REFERENCES editions (year) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    present    BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, user_id)
);
-- A juror's grade on a file's level, or for/against a mention (grade 1/0).
CREATE TABLE votes (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('level', 'mention', 'override')),
    mention        TEXT NOT NULL DEFAULT '',
    user_id        INTEGER NOT NULL REFERENCES users (id),
    grade          INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, kind, mention, user_id)
);

CREATE TABLE decisions (
    application_id  INTEGER PRIMARY KEY REFERENCES applications (id),
    year            INTEGER NOT NULL REFERENCES editions (year),
    level           INTEGER,
    median          INTEGER,
    tally           TEXT NOT NULL DEFAULT '{}',
    override_reason TEXT NOT NULL DEFAULT '',
    mentions        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sealed', 'published')),
    decided_by      INTEGER REFERENCES users (id),
    decided_at      TIMESTAMP NOT NULL
);
CREATE INDEX decisions_year ON decisions (year);

-- Each sealing of an edition's decision set, kept: a change after sealing
-- needs the president and an admin and yields a new digest.
CREATE TABLE seals (
    id           INTEGER PRIMARY KEY,
    year         INTEGER NOT NULL REFERENCES editions (year),
    digest       TEXT NOT NULL,
    content      TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    president_id INTEGER NOT NULL REFERENCES users (id),
    admin_id     INTEGER REFERENCES users (id),
    sealed_at    TIMESTAMP NOT NULL
);
CREATE INDEX seals_year ON seals (year, id);

CREATE TABLE minutes (
    year         INTEGER PRIMARY KEY REFERENCES editions (year),
    content      TEXT NOT NULL,
    generated_at TIMESTAMP NOT NULL,
    validated_by INTEGER REFERENCES users (id),
    validated_at TIMESTAMP
);

CREATE TABLE feedback_letters (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id),
    body           TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    drafted_by     INTEGER NOT NULL REFERENCES users (id),
    drafted_at     TIMESTAMP NOT NULL,
    approved_by    INTEGER REFERENCES users (id),
    approved_at    TIMESTAMP
);

-- +goose Down
DROP TABLE feedback_letters;
DROP TABLE minutes;
DROP TABLE seals;
DROP TABLE decisions;
DROP TABLE votes;
DROP TABLE attendance;
DROP TABLE meetings;
DROP TABLE agenda_items;
DROP TABLE jury_comments;
DROP TABLE review_history;
DROP TABLE reviews;
DROP TABLE assignments;
DROP TABLE conflicts;
DROP TABLE affiliations;
DROP TABLE jury_members;
ALTER TABLE editions DROP COLUMN assignments_released_at;
ALTER TABLE editions DROP COLUMN jury_settings;
ALTER TABLE editions DROP COLUMN phase;
