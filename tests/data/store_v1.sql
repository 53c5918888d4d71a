-- auditbench project database, schema version 1 (frozen copy of migration 1).

CREATE TABLE scans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at      INTEGER NOT NULL,
    trigger         TEXT    NOT NULL,
    git_commit      TEXT,
    root            TEXT    NOT NULL,
    partial         INTEGER NOT NULL DEFAULT 0,
    files_scanned   INTEGER NOT NULL DEFAULT 0,
    lines_scanned   INTEGER NOT NULL DEFAULT 0,
    duration_ms     INTEGER NOT NULL DEFAULT 0,
    rule_set        TEXT    NOT NULL DEFAULT '',
    new_count       INTEGER NOT NULL DEFAULT 0,
    fixed_count     INTEGER NOT NULL DEFAULT 0,
    regressed_count INTEGER NOT NULL DEFAULT 0,
    moved_count     INTEGER NOT NULL DEFAULT 0,
    removed_count   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE files (
    path         TEXT PRIMARY KEY,
    hash         TEXT    NOT NULL,
    lines        INTEGER NOT NULL,
    analysed     INTEGER NOT NULL,
    problems     TEXT    NOT NULL DEFAULT '[]',
    last_scan_id INTEGER REFERENCES scans(id),
    deleted      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint   TEXT    NOT NULL,
    line_hash     TEXT    NOT NULL,
    anchor_text   TEXT    NOT NULL DEFAULT '',
    rule          TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL DEFAULT 'finding',
    severity      TEXT,
    path          TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    end_line      INTEGER NOT NULL,
    col           INTEGER NOT NULL DEFAULT 0,
    end_col       INTEGER NOT NULL DEFAULT 0,
    scope         TEXT    NOT NULL DEFAULT '',
    message       TEXT    NOT NULL,
    fix_before    TEXT,
    fix_after     TEXT,
    related       TEXT    NOT NULL DEFAULT '[]',
    detection     TEXT    NOT NULL DEFAULT 'open',
    triage        TEXT    NOT NULL DEFAULT 'needs_review',
    triage_note   TEXT,
    triage_by     TEXT,
    triage_at     INTEGER,
    suppressed    INTEGER NOT NULL DEFAULT 0,
    suppression   TEXT,
    after_code    TEXT,
    after_line    INTEGER,
    first_scan_id INTEGER REFERENCES scans(id),
    last_scan_id  INTEGER REFERENCES scans(id),
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    fixed_at      INTEGER
);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE INDEX findings_path ON findings(path);
CREATE TABLE locations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_id    INTEGER REFERENCES scans(id),
    path       TEXT    NOT NULL,
    line       INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX locations_finding ON locations(finding_id);
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    scan_id    INTEGER REFERENCES scans(id),
    at         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    from_value TEXT,
    to_value   TEXT,
    note       TEXT
);
CREATE INDEX events_finding ON events(finding_id);

-- A project database written by auditbench schema version 1 (frozen: do not edit).
INSERT INTO scans (id, started_at, trigger, git_commit, root, partial, files_scanned, lines_scanned, duration_ms, rule_set, new_count, fixed_count)
VALUES (1, 1767571200, 'cli', 'abc123', '/srv/app', 0, 2, 40, 12, 'RES007', 2, 0),
       (2, 1768176000, 'cli', 'def456', '/srv/app', 0, 2, 44, 10, 'RES007', 0, 1);
INSERT INTO files (path, hash, lines, analysed, problems, last_scan_id, deleted)
VALUES ('app/a.py', 'aaaa', 3, 1, '[]', 2, 0),
       ('app/b.py', 'bbbb', 6, 1, '[]', 2, 0);
INSERT INTO findings (id, fingerprint, line_hash, anchor_text, rule, name, kind, severity, path, line, end_line, col, end_col, scope, message, fix_before, fix_after, related, detection, triage, triage_note, triage_by, triage_at, suppressed, suppression, after_code, after_line, first_scan_id, last_scan_id, first_seen_at, last_seen_at, fixed_at)
VALUES (1, 'fp-one', 'lh-one', '    def __enter__(self):', 'RES007', 'incomplete-context-manager', 'finding', 'medium', 'app/a.py', 2, 2, 9, 18, 'A.__enter__', '`A` defines `__enter__` but no `__exit__`', 'def __enter__(self):
    return self
', 'def __enter__(self):
    return self

def __exit__(self, exc_type, exc, tb):
    self.close()
', '[]', 'open', 'accepted_risk', 'only used in a CLI script', 'alice', 1767600000, 0, NULL, NULL, NULL, 1, 2, 1767571200, 1768176000, NULL),
       (2, 'fp-two', 'lh-two', '    def __enter__(self):', 'RES007', 'incomplete-context-manager', 'finding', 'medium', 'app/b.py', 5, 5, 9, 18, 'B.__enter__', '`B` defines `__enter__` but no `__exit__`', 'def __enter__(self):
    return self
', 'x', '[]', 'fixed', 'confirmed', NULL, 'bob', 1767610000, 0, NULL, 'class B:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        pass
', 4, 1, 2, 1767571200, 1768176000, 1768176000);
INSERT INTO locations (finding_id, scan_id, path, line, end_line, at)
VALUES (1, 1, 'app/a.py', 2, 2, 1767571200), (2, 1, 'app/b.py', 5, 5, 1767571200);
INSERT INTO events (finding_id, scan_id, at, actor, kind, from_value, to_value, note)
VALUES (1, 1, 1767571200, 'scan', 'detected', NULL, 'open', NULL),
       (2, 1, 1767571200, 'scan', 'detected', NULL, 'open', NULL),
       (1, NULL, 1767600000, 'alice', 'triage_changed', 'needs_review', 'accepted_risk', 'only used in a CLI script'),
       (2, NULL, 1767610000, 'bob', 'triage_changed', 'needs_review', 'confirmed', NULL),
       (2, 2, 1768176000, 'scan', 'fixed', 'open', 'fixed', 'class B: ...');
PRAGMA user_version = 1;
