import type { MediaLocation } from '@shared/media-roots';
import type { WorklistRow } from '@shared/worklist';
import type {
  Analysis,
  Annotation,
  AnnotationAudit,
  AnnotationInput,
  Annotator,
  Clip,
  ClipFilter,
  DeletionAudit,
  EventPatch,
  MeEvent,
  NewClip,
  NewEvent,
  Review,
  WorkspaceInfo,
} from '@shared/workspace';

/**
 * The workspace store: every repository a workspace offers, each method async. SQLite
 * (better-sqlite3, synchronous underneath) implements it in `sqlite/`; a server database
 * implements the same interface and passes the same test suite (test/unit/store-suite.ts).
 * Callers never see SQL, connections or files: only these records.
 */

export interface ClipsStore {
  add(input: NewClip): Promise<Clip>;
  get(id: number): Promise<Clip | null>;
  require(id: number): Promise<Clip>;
  byPath(path: string): Promise<Clip | null>;
  bySha256(sha256: string): Promise<Clip | null>;
  /** Points the clip with this content hash at its new location (media moved or renamed). */
  relinkClip(sha256: string, newPath: string): Promise<Clip>;
  setFaceIndex(id: number, faceIndex: number): Promise<Clip>;
  /**
   * Stores where the clip lives relative to a named media root (null: known by its path
   * only). Two clips never share a place under a root.
   */
  setMediaLocation(id: number, location: MediaLocation | null): Promise<Clip>;
  /** Sets the rate the clip was filmed at (null: the container's); refuses a rate ≤ 0, above 10 000 or not a number. */
  setCaptureFps(id: number, captureFps: number | null): Promise<Clip>;
  list(filter?: ClipFilter): Promise<Clip[]>;
  /**
   * Soft-deletes the clip: it and its events drop out of every read (lists, queue,
   * snapshot) until restored. A clip with an approved label needs a reviewer (`by`).
   */
  delete(id: number, by: string): Promise<DeletionAudit>;
  /** Brings a deleted clip back with the events it had (those deleted on their own stay deleted). */
  restore(id: number, by: string): Promise<Clip>;
  /** Who deleted and restored the clip, oldest first. */
  deletionHistory(id: number): Promise<DeletionAudit[]>;
}

export interface EventsStore {
  create(input: NewEvent): Promise<MeEvent>;
  get(id: number): Promise<MeEvent | null>;
  require(id: number): Promise<MeEvent>;
  listForClip(clipId: number): Promise<MeEvent[]>;
  update(patch: EventPatch): Promise<MeEvent>;
  /**
   * Whether the clip at `clipPath` already holds a dataset event with these sheet frame
   * numbers and this AU text (the import identity: equal means the same event).
   */
  hasDatasetEvent(clipPath: string, frames: { onset: number; apex: number | null; offset: number }, aus: string | null): Promise<boolean>;
  /**
   * Soft-deletes the event: `get` no longer finds it, `require` refuses it, and no list,
   * queue or snapshot holds it; its labels and analyses are kept for `restore`. An event
   * with an approved label needs a reviewer (`by`).
   */
  delete(id: number, by: string): Promise<DeletionAudit>;
  /** Brings a deleted event back with its labels and analyses (same rule as delete). */
  restore(id: number, by: string): Promise<MeEvent>;
  /** Who deleted and restored the event, oldest first. */
  deletionHistory(id: number): Promise<DeletionAudit[]>;
}

export interface AnalysesStore {
  /** `configKey` names the settings the analysis ran with ("Analyse all" skips events analysed under the current one). */
  add(eventId: number, models: Analysis['models'], result: unknown, timingsMs?: Analysis['timingsMs'], configKey?: string | null): Promise<Analysis>;
  /** Newest first. */
  listForEvent(eventId: number): Promise<Analysis[]>;
  /** Whether the event has an analysis made under `configKey`. */
  hasConfig(eventId: number, configKey: string): Promise<boolean>;
}

export interface AnnotatorsStore {
  list(): Promise<Annotator[]>;
  byName(name: string): Promise<Annotator | null>;
  create(name: string, role: Annotator['role']): Promise<Annotator>;
  update(id: number, patch: { name?: string; role?: Annotator['role'] }): Promise<Annotator>;
  requireReviewer(name: string): Promise<Annotator>;
}

/** Labels: a version per save, the lifecycle draft → submitted → approved | changes requested | rejected, and their audit trail. */
export interface AnnotationsStore {
  ensureAnnotator(name: string, role?: Annotator['role']): Promise<Annotator>;
  get(eventId: number, annotator: string): Promise<Annotation | null>;
  byId(id: number): Promise<Annotation | null>;
  listForEvent(eventId: number): Promise<Annotation[]>;
  /**
   * Creates or updates; refuses a stale `baseVersion`, a locked (approved) label unless
   * amended, and any change to a submitted label but withdrawing it (back to draft, unchanged).
   */
  save(input: AnnotationInput): Promise<Annotation>;
  /**
   * A reviewer's decision; approval locks the label. Nobody decides on their own label.
   * With `baseVersion` (the version the reviewer was shown), a label changed since then is
   * refused like a stale save (`EDIT_CONFLICT`): a decision covers only content its reviewer saw.
   */
  review(annotationId: number, reviewer: string, decision: Review['decision'], comment?: string, baseVersion?: number | null): Promise<Review>;
  /** The append-only audit trail of one annotation, oldest first. */
  history(annotationId: number): Promise<AnnotationAudit[]>;
}

export interface ReviewQueueRow {
  eventId: number;
  clipId: number;
  clipPath: string;
  subject: string | null;
  onset: number;
  apex: number | null;
  offset: number;
  annotations: number;
  submitted: number;
  approved: number;
}

export interface ReviewsStore {
  queue(limit: number, offset: number): Promise<ReviewQueueRow[]>;
  /** Every event (and every clip without one) with this annotator's own label status, by clip and onset. */
  worklist(annotator: string): Promise<WorklistRow[]>;
  /** The newest review of each of the event's annotations, keyed by annotation id. */
  latestForEvent(eventId: number): Promise<Map<number, Review>>;
  /** Whether a reviewer has decided on any label of the event (blind labelling ends there). */
  inReview(eventId: number): Promise<boolean>;
}

export interface StoredFrameMotion {
  readonly frame: number;
  /** Frames between the two images of the flow (t − lag → t). */
  readonly lag: number;
  /** Mean ROI magnitudes in ROI_NAMES order, reference-crop pixels. */
  readonly roiMagnitudes: Float32Array;
  readonly auEvidence: Readonly<Record<string, number>>;
}

export interface FrameMotionScanRows {
  readonly lag: number;
  readonly first: number;
  readonly last: number;
  readonly rows: ReadonlyArray<Omit<StoredFrameMotion, 'lag'>>;
}

export interface FrameMotionStore {
  /** Replaces the clip's rows in first..last with the scan's. */
  replace(clipId: number, scan: FrameMotionScanRows): Promise<void>;
  range(clipId: number, from: number, to: number): Promise<StoredFrameMotion[]>;
}

/**
 * A clip's latest whole-recording spotting run: what it offered and set aside, its curve,
 * and what made it. A run that offered nothing is stored too (the clip was analysed).
 */
export interface SpottingRunRecord {
  readonly clipId: number;
  readonly createdAt: string;
  /** Who ran it: the acting profile (a server's role), null when nobody was named. */
  readonly createdBy: string | null;
  readonly appVersion: string;
  /** The settings key it ran under: "Analyse all" does not spot the clip again under the same one. */
  readonly configKey: string | null;
  /** The settings that made it (capture rate, class thresholds, flow, language), as plain JSON. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly models: Analysis['models'];
  /** The pipeline's spotting report without its curve, as plain JSON (the app layer reads it). */
  readonly report: unknown;
  /** The spotting signal per frame, in the report's curve unit. */
  readonly curve: Float32Array;
}

export type NewSpottingRun = Omit<SpottingRunRecord, 'createdAt'>;

export interface SpottingRunsStore {
  /**
   * Stores the clip's run in place of the one it had. Refuses an unknown or deleted clip, a
   * curve longer than MAX_SPOTTING_CURVE_POINTS or a report larger than MAX_SPOTTING_REPORT_CHARS.
   */
  save(run: NewSpottingRun): Promise<SpottingRunRecord>;
  /** The clip's latest run; null without one or for a deleted clip (it comes back with the clip). */
  latest(clipId: number): Promise<SpottingRunRecord | null>;
  /** Whether the clip's latest run was made under `configKey` (reads no curve). */
  hasConfig(clipId: number, configKey: string): Promise<boolean>;
}

/** A unit of batch work (one event's analysis) claimed by one worker with a lease. */
export interface Claim {
  readonly key: string;
  readonly owner: string;
  readonly state: 'running' | 'done' | 'failed';
  /** How many times it was claimed (a retry after a crash counts). */
  readonly attempts: number;
  /** Epoch ms after which a running claim may be taken over (its owner is presumed dead). */
  readonly leaseUntil: number;
  readonly error: string | null;
  /** Where the work stood when its owner last said (opaque bytes; a retry resumes there). */
  readonly checkpoint: Uint8Array | null;
}

export interface ClaimOptions {
  readonly leaseMs: number;
  /** Claims beyond this many attempts are refused (the job stays failed). */
  readonly maxAttempts: number;
  /** Takes a done or failed claim again, from its first attempt (the user asked for the work anew). */
  readonly again?: boolean;
  /** Takes a failed claim again, from its first attempt, but leaves done work done (a new batch). */
  readonly retryFailed?: boolean;
}

export interface ClaimsStore {
  /**
   * Takes `key` for `owner` unless someone holds a live lease, it is done, or it ran out of
   * attempts. A retry keeps the checkpoint; a fresh start (first attempt) drops it.
   */
  claim(key: string, owner: string, options: ClaimOptions): Promise<{ claimed: boolean; claim: Claim }>;
  /** Extends the lease of a claim `owner` still holds. */
  renew(key: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Records where the work of a claim `owner` holds stands; false when the claim is no longer theirs. */
  saveCheckpoint(key: string, owner: string, checkpoint: Uint8Array): Promise<boolean>;
  finish(key: string, owner: string): Promise<void>;
  /** Records a failure; with `retry` the claim is left for the next taker (when attempts remain). */
  fail(key: string, owner: string, error: string, options: { retry: boolean }): Promise<Claim | null>;
  get(key: string): Promise<Claim | null>;
}

/** One event × annotation row of the corpus (dataset and label fields), as read for export and agreement. */
export type CorpusRow = [
  eventId: number,
  clipId: number,
  onset: number,
  apex: number | null,
  offset: number,
  datasetOnset: number | null,
  datasetApex: number | null,
  datasetOffset: number | null,
  datasetAus: string | null,
  datasetEmotion: string | null,
  annotationId: number | null,
  annotatorId: number | null,
  aus: string | null,
  emotion: string | null,
  label3: 'positive' | 'negative' | 'surprise' | null,
  description: string | null,
  status: string | null,
  provenance: 'accepted' | 'edited' | 'manual' | null,
];

export interface CorpusClip {
  readonly id: number;
  readonly path: string;
  readonly fps: number;
  /** The rate the clip was filmed at (the container's unless set). */
  readonly captureFps: number;
  readonly frames: number;
  readonly subject: string | null;
  readonly dataset: string | null;
  readonly datasetFilename: string | null;
}

/** The whole corpus in one read: what export and agreement work from. */
export interface CorpusSnapshot {
  readonly clips: ReadonlyMap<number, CorpusClip>;
  readonly annotatorNames: ReadonlyMap<number, string>;
  /** The newest review of each annotation. */
  readonly latestReviews: ReadonlyMap<number, { readonly reviewerId: number; readonly comment: string }>;
  /** Per clip, the most common dataset − project frame shift (CASME II: img46.jpg is frame 0 → 46). */
  readonly frameShifts: ReadonlyMap<number, number>;
  /** Events with their annotations, ordered by clip, onset, event, annotator. */
  readonly rows: readonly CorpusRow[];
  /** The sheet's other columns and the import flags of the events that have any, by event id. */
  readonly datasetDetails: ReadonlyMap<number, { readonly extra: Readonly<Record<string, string>>; readonly flags: readonly string[] }>;
}

export interface CorpusStore {
  snapshot(): Promise<CorpusSnapshot>;
}

export interface WorkspaceRepos {
  readonly clips: ClipsStore;
  readonly events: EventsStore;
  readonly analyses: AnalysesStore;
  readonly annotators: AnnotatorsStore;
  readonly annotations: AnnotationsStore;
  readonly reviews: ReviewsStore;
  readonly frameMotion: FrameMotionStore;
  readonly claims: ClaimsStore;
  readonly corpus: CorpusStore;
  readonly spottingRuns: SpottingRunsStore;
}

export interface WorkspaceStore extends WorkspaceRepos {
  /** The file path (SQLite) or URL (server; without its password) the workspace was opened by. */
  readonly location: string;
  readonly dialect: 'sqlite' | 'postgres';
  readonly isOpen: boolean;
  /**
   * The name labels, decisions and deletions are recorded under when the workspace decides
   * it: on a server, the database role of the connection (a caller's name is ignored).
   * Null on a file, where the caller's name (Settings') is taken as given.
   */
  readonly actingRole: string | null;
  /** Runs `work` in one write transaction: all of it lands or none of it. Other calls wait for it. */
  transaction<T>(work: (tx: WorkspaceRepos) => Promise<T>): Promise<T>;
  info(): Promise<WorkspaceInfo>;
  /** Refuses further work when the workspace was deleted or replaced under us. */
  assertPresent(): void;
  close(): Promise<void>;
}

/** The synchronous mirror of an async repository: what a better-sqlite3 repository implements. */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};
