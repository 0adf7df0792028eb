import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './driver';
import { AppError } from '@shared/errors';
import type { WorkspaceInfo } from '@shared/workspace';
import { AnalysesRepo } from './analyses';
import { AnnotationsRepo } from './annotations';
import { AnnotatorsRepo } from './annotators';
import { ClaimsRepo } from './claims';
import { ClipsRepo } from './clips';
import { CorpusRepo } from './corpus';
import { EventsRepo } from './events';
import { FrameMotionRepo } from './frame-motion';
import { assertNameFits, isSameFile, workspaceFile, type WorkspaceFile } from './identity';
import { acquireWorkspaceLock, type WorkspaceLock } from './lock';
import { APPLICATION_ID, MIGRATIONS, type Migration } from '../migrations';
import { ReviewsRepo } from './reviews';
import { SpottingRunsRepo } from './spotting-runs';

const SQLITE_HEADER = 'SQLite format 3\0';

/** An open SQLite workspace file with its synchronous repositories (the store wraps them async). */
export class SqliteWorkspace {
  readonly clips: ClipsRepo;
  readonly events: EventsRepo;
  readonly annotations: AnnotationsRepo;
  readonly analyses: AnalysesRepo;
  readonly annotators: AnnotatorsRepo;
  readonly reviews: ReviewsRepo;
  readonly frameMotion: FrameMotionRepo;
  readonly claims: ClaimsRepo;
  readonly corpus: CorpusRepo;
  readonly spottingRuns: SpottingRunsRepo;

  readonly #lock: WorkspaceLock | null;
  readonly #inode: number;

  constructor(
    readonly path: string,
    readonly db: Database.Database,
    lock: WorkspaceLock | null = null,
  ) {
    this.#lock = lock;
    this.#inode = statSync(path).ino;
    this.clips = new ClipsRepo(db);
    this.events = new EventsRepo(db);
    this.annotations = new AnnotationsRepo(db);
    this.analyses = new AnalysesRepo(db);
    this.annotators = new AnnotatorsRepo(db);
    this.reviews = new ReviewsRepo(db);
    this.frameMotion = new FrameMotionRepo(db);
    this.claims = new ClaimsRepo(db);
    this.corpus = new CorpusRepo(db);
    this.spottingRuns = new SpottingRunsRepo(db);
  }

  info(): WorkspaceInfo {
    const count = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      path: this.path,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      sqliteVersion: (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      identity: 'settings',
      actingAs: null,
      // Live rows only: deleted clips and events are out of the corpus until restored.
      counts: {
        clips: count('clips WHERE deleted_at IS NULL'),
        events: count('events e JOIN clips c ON c.id = e.clip_id WHERE e.deleted_at IS NULL AND c.deleted_at IS NULL'),
        annotations: count('annotations'),
        analyses: count('analyses'),
        reviews: count('reviews'),
      },
    };
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /**
   * Refuses to go on when the file was deleted or replaced under us: SQLite would keep
   * writing to the unlinked inode and every later edit would silently vanish.
   */
  assertPresent(): void {
    let inode: number | null = null;
    try {
      inode = statSync(this.path).ino;
    } catch {
      // gone
    }
    if (inode !== this.#inode) {
      throw new AppError(
        'WORKSPACE_INVALID',
        `The workspace file ${this.path} was deleted or replaced while open; nothing more can be saved to it. Restore the file or open another workspace`,
      );
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.#lock?.release();
  }
}

/** Creates a new, empty workspace file (mode 0600); refuses to overwrite anything. */
export function createSqliteWorkspace(file: string): SqliteWorkspace {
  const path = resolve(file);
  assertNameFits(path);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new AppError(
      exists ? 'WORKSPACE_INVALID' : 'INVALID_INPUT',
      exists ? `A file already exists at ${path}; open it instead of creating it` : `Cannot create a workspace at ${path}`,
      { cause: error },
    );
  }
  const created = fstatSync(fd);
  closeSync(fd);
  try {
    return connect(workspaceFile(path));
  } catch (error) {
    // A workspace that could not be set up leaves nothing behind: remove the file made
    // above, if it is still that file and still empty.
    try {
      const now = statSync(path);
      if (now.dev === created.dev && now.ino === created.ino && now.size === 0) unlinkSync(path);
    } catch {
      // already gone
    }
    throw error;
  }
}

/**
 * Opens an existing workspace, migrating it forward; refuses non-SQLite and newer files.
 * `migrations` is the schema history (tests pass a longer one to exercise upgrades).
 */
export function openSqliteWorkspace(file: string, migrations: readonly Migration[] = MIGRATIONS): SqliteWorkspace {
  const path = resolve(file);
  assertNameFits(path);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new AppError('NOT_FOUND', `No workspace file at ${path}`);
  }
  const target = workspaceFile(path);
  assertWritable(target.realPath);
  return connect(target, migrations, () => inspect(target, migrations.length));
}

/**
 * Checks a file before anything writes to it (WAL mode alone rewrites the header). Runs
 * under the lock: with no journal beside the file it reads over a writable connection,
 * whose close (the last one) removes the -wal and -shm files opening made; a journal left
 * by a crash may hold newer pages, so then it reads over a read-only connection, which
 * never checkpoints it into the file.
 */
function inspect({ path, realPath }: WorkspaceFile, latest: number): void {
  const header = Buffer.alloc(16);
  const fd = openSync(realPath, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return; // an empty file is a workspace created but never migrated
  if (read < 16 || header.toString('latin1') !== SQLITE_HEADER) {
    throw new AppError('WORKSPACE_INVALID', `${path} is not a workspace: it is not an SQLite database`);
  }
  let db: Database.Database | undefined;
  try {
    const journal = existsSync(`${realPath}-wal`) || existsSync(`${realPath}-journal`);
    db = openDatabase(realPath, { readonly: journal, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (appId !== APPLICATION_ID && (tables > 0 || version !== 0)) {
      throw new AppError('WORKSPACE_INVALID', `${path} is an SQLite database but not a MELLM workspace`);
    }
    if (version < 0) {
      throw new AppError('WORKSPACE_INVALID', `${path} records an impossible schema version (${version}); it was left unchanged`);
    }
    if (version > latest) {
      throw new AppError(
        'WORKSPACE_INVALID',
        `${path} was written by a newer MELLM Workstation (schema ${version}, this version understands up to ${latest}); update the app to open it`,
      );
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('WORKSPACE_INVALID', `${path} is not a readable workspace: ${(error as Error).message}`, { cause: error });
  } finally {
    db?.close();
  }
}

function connect(target: WorkspaceFile, migrations: readonly Migration[] = MIGRATIONS, check?: () => void): SqliteWorkspace {
  const { path, realPath } = target;
  const lock = acquireWorkspaceLock(realPath);
  let db: Database.Database | undefined;
  try {
    check?.();
    db = openDatabase(realPath, { fileMustExist: true });
    // What SQLite opened must be the file that was checked and locked, not one renamed over it since.
    if (!isSameFile(target)) throw new AppError('WORKSPACE_INVALID', `${path} was replaced while it was being opened; open it again`);
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
  } catch (error) {
    db?.close();
    lock.release();
    if (error instanceof AppError) throw error;
    throw new AppError('WORKSPACE_INVALID', `Cannot open workspace ${path}: ${(error as Error).message}`, { cause: error });
  }
  return new SqliteWorkspace(path, db, lock);
}

/** A workspace needs a writable file and folder (the WAL and lock live beside it). */
function assertWritable(path: string): void {
  for (const [target, what] of [
    [path, 'file'],
    [dirname(path), 'folder'],
  ] as const) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      throw new AppError(
        'WORKSPACE_READONLY',
        `${path} cannot be edited: its ${what} is read-only. Copy the workspace somewhere writable, or fix its permissions`,
        { cause: error },
      );
    }
  }
}

/** Applies the missing migrations in order, each in its own transaction with its version bump. */
function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    const step = migrations[version];
    if (!step) break;
    db.transaction(() => {
      db.exec(step.sqlite);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
