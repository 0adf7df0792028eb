/**
 * The schema history: one ordered list of versions, each with its SQL per dialect (no
 * ORM). A workspace records the number applied (SQLite: `PRAGMA user_version`;
 * PostgreSQL: the `mellm_meta` row). Never edit a released migration: append a new one.
 *
 * The PostgreSQL schema keeps SQLite's values as they are, so a read gives the same
 * record on both and a copy between them changes nothing: timestamps are the same ISO
 * text (UTC, milliseconds, `Z`), JSON stays TEXT, flags stay 0/1 integers. Ids are
 * BIGINT identities `BY DEFAULT`, so a copy can keep them. `offset` is a reserved word
 * there and is quoted; names sort bytewise (`COLLATE "C"`), as SQLite's do.
 */
export interface Migration {
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

/** SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` in PostgreSQL: the statement's time as ISO text, UTC, to the millisecond. */
export const PG_NOW = `to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Identifies a MELLM workspace among SQLite files (`PRAGMA application_id`, "MELm"). */
export const APPLICATION_ID = 0x4d454c6d;

const v1: Migration = {
  name: 'clips, events, analyses, annotators, annotations with their audit trail, reviews',
  sqlite: `
    CREATE TABLE clips (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('video', 'sequence')),
      sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
      fps REAL NOT NULL CHECK (fps > 0),
      frames INTEGER NOT NULL CHECK (frames > 0),
      width INTEGER NOT NULL CHECK (width > 0),
      height INTEGER NOT NULL CHECK (height > 0),
      subject TEXT,
      dataset TEXT,
      dataset_row INTEGER,
      dataset_filename TEXT,
      face_index INTEGER NOT NULL DEFAULT 0 CHECK (face_index >= 0),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE UNIQUE INDEX clips_sha256 ON clips (sha256) WHERE sha256 IS NOT NULL;
    CREATE INDEX clips_subject ON clips (subject);

    CREATE TABLE events (
      id INTEGER PRIMARY KEY,
      clip_id INTEGER NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
      onset INTEGER NOT NULL CHECK (onset >= 0),
      apex INTEGER,
      offset INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('dataset', 'spotting', 'manual')),
      dataset_onset INTEGER,
      dataset_apex INTEGER,
      dataset_offset INTEGER,
      dataset_aus TEXT,
      dataset_emotion TEXT,
      dataset_extra TEXT NOT NULL DEFAULT '{}',
      flags TEXT NOT NULL DEFAULT '[]',
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      CHECK (onset <= offset),
      CHECK (apex IS NULL OR (onset <= apex AND apex <= offset))
    );
    CREATE INDEX events_clip ON events (clip_id, onset);

    CREATE TABLE analyses (
      id INTEGER PRIMARY KEY,
      event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      models TEXT NOT NULL,
      result TEXT NOT NULL,
      timings TEXT NOT NULL DEFAULT '{}',
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX analyses_event ON analyses (event_id);

    CREATE TABLE annotators (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer'))
    );

    -- Annotations are never deleted (their audit trail references them).
    CREATE TABLE annotations (
      id INTEGER PRIMARY KEY,
      event_id INTEGER NOT NULL REFERENCES events (id),
      annotator_id INTEGER NOT NULL REFERENCES annotators (id),
      aus TEXT NOT NULL DEFAULT '',
      emotion TEXT,
      label3 TEXT CHECK (label3 IS NULL OR label3 IN ('positive', 'negative', 'surprise')),
      description TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'changes_requested', 'rejected')),
      provenance TEXT NOT NULL CHECK (provenance IN ('accepted', 'edited', 'manual')),
      version INTEGER NOT NULL CHECK (version >= 1),
      locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      UNIQUE (event_id, annotator_id)
    );

    CREATE TABLE annotation_events (
      id INTEGER PRIMARY KEY,
      annotation_id INTEGER NOT NULL REFERENCES annotations (id),
      annotator_id INTEGER NOT NULL REFERENCES annotators (id),
      version INTEGER NOT NULL,
      snapshot TEXT NOT NULL,
      at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX annotation_events_annotation ON annotation_events (annotation_id, version);
    CREATE TRIGGER annotation_events_no_update BEFORE UPDATE ON annotation_events
      BEGIN SELECT RAISE(ABORT, 'annotation_events is append-only'); END;
    CREATE TRIGGER annotation_events_no_delete BEFORE DELETE ON annotation_events
      BEGIN SELECT RAISE(ABORT, 'annotation_events is append-only'); END;

    CREATE TABLE reviews (
      id INTEGER PRIMARY KEY,
      annotation_id INTEGER NOT NULL REFERENCES annotations (id),
      annotation_version INTEGER NOT NULL,
      reviewer_id INTEGER NOT NULL REFERENCES annotators (id),
      decision TEXT NOT NULL CHECK (decision IN ('approve', 'request_changes', 'reject')),
      comment TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX reviews_annotation ON reviews (annotation_id);
  `,
  postgres: `
    CREATE TABLE clips (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('video', 'sequence')),
      sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
      fps DOUBLE PRECISION NOT NULL CHECK (fps > 0),
      frames INTEGER NOT NULL CHECK (frames > 0),
      width INTEGER NOT NULL CHECK (width > 0),
      height INTEGER NOT NULL CHECK (height > 0),
      subject TEXT,
      dataset TEXT,
      dataset_row INTEGER,
      dataset_filename TEXT,
      face_index INTEGER NOT NULL DEFAULT 0 CHECK (face_index >= 0),
      created_at TEXT NOT NULL DEFAULT (${PG_NOW})
    );
    CREATE UNIQUE INDEX clips_sha256 ON clips (sha256) WHERE sha256 IS NOT NULL;
    CREATE INDEX clips_subject ON clips (subject);

    CREATE TABLE events (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      clip_id BIGINT NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
      onset INTEGER NOT NULL CHECK (onset >= 0),
      apex INTEGER,
      "offset" INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('dataset', 'spotting', 'manual')),
      dataset_onset INTEGER,
      dataset_apex INTEGER,
      dataset_offset INTEGER,
      dataset_aus TEXT,
      dataset_emotion TEXT,
      dataset_extra TEXT NOT NULL DEFAULT '{}',
      flags TEXT NOT NULL DEFAULT '[]',
      created_at TEXT NOT NULL DEFAULT (${PG_NOW}),
      CHECK (onset <= "offset"),
      CHECK (apex IS NULL OR (onset <= apex AND apex <= "offset"))
    );
    CREATE INDEX events_clip ON events (clip_id, onset);

    CREATE TABLE analyses (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      models TEXT NOT NULL,
      result TEXT NOT NULL,
      timings TEXT NOT NULL DEFAULT '{}',
      created_at TEXT NOT NULL DEFAULT (${PG_NOW})
    );
    CREATE INDEX analyses_event ON analyses (event_id);

    CREATE TABLE annotators (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      name TEXT COLLATE "C" NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer'))
    );

    -- Annotations are never deleted (their audit trail references them).
    CREATE TABLE annotations (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      event_id BIGINT NOT NULL REFERENCES events (id),
      annotator_id BIGINT NOT NULL REFERENCES annotators (id),
      aus TEXT NOT NULL DEFAULT '',
      emotion TEXT,
      label3 TEXT CHECK (label3 IS NULL OR label3 IN ('positive', 'negative', 'surprise')),
      description TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'changes_requested', 'rejected')),
      provenance TEXT NOT NULL CHECK (provenance IN ('accepted', 'edited', 'manual')),
      version INTEGER NOT NULL CHECK (version >= 1),
      locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
      updated_at TEXT NOT NULL DEFAULT (${PG_NOW}),
      UNIQUE (event_id, annotator_id)
    );

    CREATE TABLE annotation_events (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      annotation_id BIGINT NOT NULL REFERENCES annotations (id),
      annotator_id BIGINT NOT NULL REFERENCES annotators (id),
      version INTEGER NOT NULL,
      snapshot TEXT NOT NULL,
      at TEXT NOT NULL DEFAULT (${PG_NOW})
    );
    CREATE INDEX annotation_events_annotation ON annotation_events (annotation_id, version);
    CREATE FUNCTION mellm_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END
    $$;
    CREATE TRIGGER annotation_events_no_update BEFORE UPDATE ON annotation_events FOR EACH ROW EXECUTE FUNCTION mellm_append_only();
    CREATE TRIGGER annotation_events_no_delete BEFORE DELETE ON annotation_events FOR EACH ROW EXECUTE FUNCTION mellm_append_only();
    CREATE TRIGGER annotation_events_no_truncate BEFORE TRUNCATE ON annotation_events FOR EACH STATEMENT EXECUTE FUNCTION mellm_append_only();

    CREATE TABLE reviews (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      annotation_id BIGINT NOT NULL REFERENCES annotations (id),
      annotation_version INTEGER NOT NULL,
      reviewer_id BIGINT NOT NULL REFERENCES annotators (id),
      decision TEXT NOT NULL CHECK (decision IN ('approve', 'request_changes', 'reject')),
      comment TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL DEFAULT (${PG_NOW})
    );
    CREATE INDEX reviews_annotation ON reviews (annotation_id);
  `,
};

/**
 * Per-frame motion of a clip (the spotting scan's t − lag → t expression flow): one row
 * per measured frame, ROI magnitudes as float32 in ROI_NAMES order, AU evidence as JSON.
 * Rows belong to the clip; a new analysis replaces them.
 */
const v2: Migration = {
  name: 'per-frame motion',
  sqlite: `
    CREATE TABLE frame_motion (
      clip_id INTEGER NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
      frame INTEGER NOT NULL CHECK (frame >= 0),
      lag INTEGER NOT NULL CHECK (lag >= 1),
      rois BLOB NOT NULL,
      aus TEXT NOT NULL,
      PRIMARY KEY (clip_id, frame)
    );
  `,
  postgres: `
    CREATE TABLE frame_motion (
      clip_id BIGINT NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
      frame INTEGER NOT NULL CHECK (frame >= 0),
      lag INTEGER NOT NULL CHECK (lag >= 1),
      rois BYTEA NOT NULL,
      aus TEXT NOT NULL,
      PRIMARY KEY (clip_id, frame)
    );
  `,
};

/**
 * Which settings an analysis ran under (so "Analyse all" can skip events already analysed
 * under the current ones), and leases on batch work (a crashed worker's job is retried
 * once, resuming from its last checkpoint; several workers split one batch without
 * doubling it).
 */
const v3: Migration = {
  name: 'analysis settings key, job claims',
  sqlite: `
    ALTER TABLE analyses ADD COLUMN config_key TEXT;
    CREATE INDEX analyses_event_config ON analyses (event_id, config_key);
    CREATE TABLE job_claims (
      key TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
      attempts INTEGER NOT NULL CHECK (attempts >= 1),
      lease_until INTEGER NOT NULL,
      error TEXT,
      checkpoint BLOB
    );
  `,
  postgres: `
    ALTER TABLE analyses ADD COLUMN config_key TEXT;
    CREATE INDEX analyses_event_config ON analyses (event_id, config_key);
    CREATE TABLE job_claims (
      key TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
      attempts INTEGER NOT NULL CHECK (attempts >= 1),
      lease_until BIGINT NOT NULL,
      error TEXT,
      checkpoint BYTEA
    );
  `,
};

/**
 * Soft delete of clips and events: a deleted row keeps everything it held (labels,
 * analyses, audit trail) and is restorable; every read that feeds the app, reports,
 * exports and agreement leaves it out. Who deleted or restored what, and when, is kept
 * in an append-only trail beside the annotations' own.
 */
const v4: Migration = {
  name: 'soft delete of clips and events, with their trail',
  sqlite: `
    ALTER TABLE clips ADD COLUMN deleted_at TEXT;
    ALTER TABLE clips ADD COLUMN deleted_by INTEGER REFERENCES annotators (id);
    ALTER TABLE events ADD COLUMN deleted_at TEXT;
    ALTER TABLE events ADD COLUMN deleted_by INTEGER REFERENCES annotators (id);
    CREATE TABLE deletions (
      id INTEGER PRIMARY KEY,
      target TEXT NOT NULL CHECK (target IN ('event', 'clip')),
      target_id INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('delete', 'restore')),
      actor_id INTEGER NOT NULL REFERENCES annotators (id),
      at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX deletions_target ON deletions (target, target_id);
    CREATE TRIGGER deletions_no_update BEFORE UPDATE ON deletions
      BEGIN SELECT RAISE(ABORT, 'deletions is append-only'); END;
    CREATE TRIGGER deletions_no_delete BEFORE DELETE ON deletions
      BEGIN SELECT RAISE(ABORT, 'deletions is append-only'); END;
  `,
  postgres: `
    ALTER TABLE clips ADD COLUMN deleted_at TEXT;
    ALTER TABLE clips ADD COLUMN deleted_by BIGINT REFERENCES annotators (id);
    ALTER TABLE events ADD COLUMN deleted_at TEXT;
    ALTER TABLE events ADD COLUMN deleted_by BIGINT REFERENCES annotators (id);
    CREATE TABLE deletions (
      id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      target TEXT NOT NULL CHECK (target IN ('event', 'clip')),
      target_id BIGINT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('delete', 'restore')),
      actor_id BIGINT NOT NULL REFERENCES annotators (id),
      at TEXT NOT NULL DEFAULT (${PG_NOW})
    );
    CREATE INDEX deletions_target ON deletions (target, target_id);
    CREATE TRIGGER deletions_no_update BEFORE UPDATE ON deletions FOR EACH ROW EXECUTE FUNCTION mellm_append_only();
    CREATE TRIGGER deletions_no_delete BEFORE DELETE ON deletions FOR EACH ROW EXECUTE FUNCTION mellm_append_only();
    CREATE TRIGGER deletions_no_truncate BEFORE TRUNCATE ON deletions FOR EACH STATEMENT EXECUTE FUNCTION mellm_append_only();
  `,
};

/**
 * Media roots: a clip may be stored as a named root plus a path inside it, so the
 * workstations of a team, each with the corpus in its own folder, open the same clip
 * (shared/media-roots.ts). `path` stays the location on the machine that added it.
 */
const v5: Migration = {
  name: 'clips relative to named media roots',
  sqlite: `
    ALTER TABLE clips ADD COLUMN media_root TEXT;
    ALTER TABLE clips ADD COLUMN media_path TEXT;
    CREATE UNIQUE INDEX clips_media_location ON clips (media_root, media_path) WHERE media_root IS NOT NULL;
  `,
  postgres: `
    ALTER TABLE clips ADD COLUMN media_root TEXT;
    ALTER TABLE clips ADD COLUMN media_path TEXT;
    CREATE UNIQUE INDEX clips_media_location ON clips (media_root, media_path) WHERE media_root IS NOT NULL;
  `,
};

/**
 * A clip's capture rate: the rate the face was filmed at, when it differs from the
 * container's (a 200-fps CASME II clip passed around re-encoded at 30 fps). Null means
 * the container's own rate (`fps`, as measured). Durations in ms, the micro / macro
 * class and the exports' timing use the capture rate.
 */
const v6: Migration = {
  name: 'capture rate of a clip',
  sqlite: `
    ALTER TABLE clips ADD COLUMN capture_fps REAL CHECK (capture_fps IS NULL OR capture_fps > 0);
  `,
  postgres: `
    ALTER TABLE clips ADD COLUMN capture_fps DOUBLE PRECISION CHECK (capture_fps IS NULL OR capture_fps > 0);
  `,
};

/**
 * The latest whole-recording spotting run of each clip: what it offered (intervals with
 * class, score and AUs where analysed), what it set aside (blinks, gaze shifts, speech),
 * its threshold and the curve, and what made it (settings key and values, models, app
 * version, when and by whom). A run that offered nothing is a run too: the clip counts
 * as analysed and its set-aside list and curve survive a reopen. One row per clip,
 * replaced by the next run; the curve is float32 bytes (a 10-minute 30-fps recording:
 * 18,000 values, 72 kB), the rest JSON.
 */
const v7: Migration = {
  name: 'latest spotting run of a clip',
  sqlite: `
    CREATE TABLE spotting_runs (
      clip_id INTEGER PRIMARY KEY REFERENCES clips (id) ON DELETE CASCADE,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      created_by TEXT,
      app_version TEXT NOT NULL,
      config_key TEXT,
      settings TEXT NOT NULL,
      models TEXT NOT NULL,
      report TEXT NOT NULL,
      curve BLOB NOT NULL,
      curve_points INTEGER NOT NULL CHECK (curve_points >= 0 AND length(curve) = 4 * curve_points)
    );
  `,
  postgres: `
    CREATE TABLE spotting_runs (
      clip_id BIGINT PRIMARY KEY REFERENCES clips (id) ON DELETE CASCADE,
      created_at TEXT NOT NULL DEFAULT (${PG_NOW}),
      created_by TEXT,
      app_version TEXT NOT NULL,
      config_key TEXT,
      settings TEXT NOT NULL,
      models TEXT NOT NULL,
      report TEXT NOT NULL,
      curve BYTEA NOT NULL,
      curve_points INTEGER NOT NULL CHECK (curve_points >= 0 AND length(curve) = 4 * curve_points)
    );
  `,
};

export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7];
export const SCHEMA_VERSION = MIGRATIONS.length;
