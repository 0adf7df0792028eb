/**
 * Workspace domain types (one SQLite file per corpus): clips → events → analyses and
 * annotations → audit trail and reviews. Zod schemas because the renderer receives them
 * through shared/api.ts; frame numbers are 0-based positions.
 */
import { z } from 'zod';
import { FACS_MAX_LENGTH, parseFacs } from './facs';
import { MediaPathSchema, MediaRootNameSchema } from './media-roots';

export const CLIP_KINDS = ['video', 'sequence'] as const;
export const EVENT_SOURCES = ['dataset', 'spotting', 'manual'] as const;
export const ANNOTATOR_ROLES = ['annotator', 'reviewer'] as const;
export const ANNOTATION_STATUSES = ['draft', 'submitted', 'approved', 'changes_requested', 'rejected'] as const;
/** What an annotator may set; the other statuses come from review decisions. */
export const EDITABLE_STATUSES = ['draft', 'submitted'] as const;
export const PROVENANCES = ['accepted', 'edited', 'manual'] as const;
export const LABELS3 = ['positive', 'negative', 'surprise'] as const;
export const REVIEW_DECISIONS = ['approve', 'request_changes', 'reject'] as const;
/**
 * Coding-sheet layouts (and a clip's dataset). `megc` is the MEGC composite / apex-list
 * sheet, whose rows name their source dataset; its clips keep that source dataset.
 */
export const DATASETS = ['casme2', 'samm', 'smic', 'casme2x', 'casme3', 'mmew', '4dme', 'dfme', 'megc', 'generic'] as const;

/** Longest emotion label accepted from an annotator or a dataset sheet. */
export const EMOTION_MAX_LENGTH = 60;

export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');
const FrameSchema = z.number().int().nonnegative();
const IdSchema = z.number().int().positive();

/** A FACS string that parses; stored as the coder wrote it (the structure is derived by parseFacs where needed). */
export const FacsStringSchema = z.string().max(FACS_MAX_LENGTH).superRefine((text, ctx) => {
  const parsed = parseFacs(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `not a valid FACS code: ${text} (${parsed.error.message})` });
});

/** A capture rate: positive and at most what any high-speed camera of the field records (DFME: 500 fps; 10 000 leaves room). */
export const CaptureFpsSchema = z.number().positive().max(10_000);

export const ClipSchema = z.object({
  id: IdSchema,
  path: z.string(),
  kind: z.enum(CLIP_KINDS),
  sha256: Sha256Schema.nullable(),
  /** The container's frame rate, as measured (or, for a frame folder, as the dataset states it). */
  fps: z.number().positive(),
  /**
   * The rate the face was filmed at: the container's unless a dataset layout, `mellm
   * analyze --fps` or the user said otherwise. Durations in ms, the micro / macro class
   * and the exports' timing use it.
   */
  captureFps: CaptureFpsSchema,
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  subject: z.string().nullable(),
  dataset: z.enum(DATASETS).nullable(),
  datasetRow: z.number().int().nullable(),
  datasetFilename: z.string().nullable(),
  faceIndex: z.number().int().nonnegative(),
  /**
   * The named media root the clip lives under, and its `/`-separated path inside it; null
   * when the clip is known only by `path` (shared/media-roots.ts).
   */
  mediaRoot: MediaRootNameSchema.nullable(),
  mediaPath: MediaPathSchema.nullable(),
  createdAt: z.string(),
});
export type Clip = z.infer<typeof ClipSchema>;

export const NewClipSchema = ClipSchema.omit({ id: true, createdAt: true }).extend({
  // A file system path: never empty, never with a NUL byte (no OS accepts one).
  path: z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'a path cannot contain a NUL byte'),
  sha256: Sha256Schema.nullable().default(null),
  subject: z.string().nullable().default(null),
  dataset: z.enum(DATASETS).nullable().default(null),
  datasetRow: z.number().int().nullable().default(null),
  datasetFilename: z.string().nullable().default(null),
  faceIndex: z.number().int().nonnegative().default(0),
  mediaRoot: MediaRootNameSchema.nullable().default(null),
  mediaPath: MediaPathSchema.nullable().default(null),
  /** Null or absent: the container's rate. */
  captureFps: CaptureFpsSchema.nullable().default(null),
}).refine((c) => (c.mediaRoot === null) === (c.mediaPath === null), 'a media root and its path come together');
export type NewClip = z.input<typeof NewClipSchema>;

export const MeEventSchema = z.object({
  id: IdSchema,
  clipId: IdSchema,
  onset: FrameSchema,
  apex: FrameSchema.nullable(),
  offset: FrameSchema,
  source: z.enum(EVENT_SOURCES),
  /** The dataset's own frame numbers (img46.jpg = 46), kept for round-trip export. */
  datasetFrames: z.object({ onset: z.number().int(), apex: z.number().int().nullable(), offset: z.number().int() }).nullable(),
  /** The dataset's labels for this event (AUs in canonical FACS, emotion, extra columns). */
  datasetAus: z.string().nullable(),
  datasetEmotion: z.string().nullable(),
  datasetExtra: z.record(z.string(), z.string()),
  /** Problems accepted at import (e.g. apex missing). */
  flags: z.array(z.string()),
  createdAt: z.string(),
});
export type MeEvent = z.infer<typeof MeEventSchema>;

const intervalOk = (e: { onset: number; apex?: number | null; offset: number }) =>
  e.onset <= e.offset && (e.apex === null || e.apex === undefined || (e.onset <= e.apex && e.apex <= e.offset));
const INTERVAL_MESSAGE = { message: 'expected onset ≤ apex ≤ offset', path: ['onset'] };

export const NewEventSchema = z
  .object({
    clipId: IdSchema,
    onset: FrameSchema,
    apex: FrameSchema.nullable().default(null),
    offset: FrameSchema,
    source: z.enum(EVENT_SOURCES).default('manual'),
    datasetFrames: MeEventSchema.shape.datasetFrames.default(null),
    datasetAus: z.string().nullable().default(null),
    datasetEmotion: z.string().nullable().default(null),
    datasetExtra: z.record(z.string(), z.string()).default({}),
    flags: z.array(z.string()).default([]),
  })
  .refine(intervalOk, INTERVAL_MESSAGE);
export type NewEvent = z.input<typeof NewEventSchema>;

export const EventPatchSchema = z
  .object({ id: IdSchema, onset: FrameSchema.optional(), apex: FrameSchema.nullable().optional(), offset: FrameSchema.optional() })
  .strict();
export type EventPatch = z.infer<typeof EventPatchSchema>;

export const AnnotatorSchema = z.object({ id: IdSchema, name: z.string().min(1).max(120), role: z.enum(ANNOTATOR_ROLES) });
export type Annotator = z.infer<typeof AnnotatorSchema>;

export const AnnotationSchema = z.object({
  id: IdSchema,
  eventId: IdSchema,
  annotator: z.string(),
  aus: z.string(),
  emotion: z.string().nullable(),
  label3: z.enum(LABELS3).nullable(),
  description: z.string(),
  status: z.enum(ANNOTATION_STATUSES),
  provenance: z.enum(PROVENANCES),
  version: z.number().int().positive(),
  locked: z.boolean(),
  updatedAt: z.string(),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

export const AnnotationInputSchema = z
  .object({
    eventId: IdSchema,
    annotator: z.string().trim().min(1).max(120),
    aus: FacsStringSchema.default(''),
    emotion: z.string().max(EMOTION_MAX_LENGTH).nullable().default(null),
    label3: z.enum(LABELS3).nullable().default(null),
    description: z.string().max(20_000).default(''),
    status: z.enum(EDITABLE_STATUSES).default('draft'),
    provenance: z.enum(PROVENANCES).default('manual'),
    /** Optimistic concurrency: the version the editor started from (null for a new one). */
    baseVersion: z.number().int().positive().nullable().default(null),
    /** Edit a signed-off (locked) annotation: a new, unlocked version; the approved one stays in the audit trail. */
    amend: z.boolean().default(false),
  })
  .strict();
export type AnnotationInput = z.input<typeof AnnotationInputSchema>;

export const AnnotationAuditSchema = z.object({
  id: IdSchema,
  annotationId: IdSchema,
  version: z.number().int().positive(),
  annotator: z.string(),
  snapshot: z.string(),
  at: z.string(),
});
export type AnnotationAudit = z.infer<typeof AnnotationAuditSchema>;

export const ReviewSchema = z.object({
  id: IdSchema,
  annotationId: IdSchema,
  annotationVersion: z.number().int().positive(),
  reviewer: z.string(),
  decision: z.enum(REVIEW_DECISIONS),
  comment: z.string(),
  createdAt: z.string(),
});
export type Review = z.infer<typeof ReviewSchema>;

export const AnalysisSchema = z.object({
  id: IdSchema,
  eventId: IdSchema,
  models: z.array(z.object({ id: z.string(), version: z.string() })),
  result: z.unknown(),
  timingsMs: z.record(z.string(), z.number()),
  createdAt: z.string(),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

/**
 * Who labels: on a file, the name typed in Settings (one person's file, nothing checks
 * it); on a server, the database role the connection logged in as (the server enforces it).
 */
export const WORKSPACE_IDENTITIES = ['settings', 'database-role'] as const;

export const WorkspaceInfoSchema = z.object({
  path: z.string(),
  schemaVersion: z.number().int(),
  sqliteVersion: z.string(),
  identity: z.enum(WORKSPACE_IDENTITIES),
  /** The database role labels are saved under ('database-role'); null when Settings' name is. */
  actingAs: z.string().nullable(),
  /** A server workspace: the server's name and version (e.g. "PostgreSQL 15.4"); sqliteVersion is then empty. */
  serverVersion: z.string().optional(),
  counts: z.object({
    clips: z.number().int(),
    events: z.number().int(),
    annotations: z.number().int(),
    analyses: z.number().int(),
    reviews: z.number().int(),
  }),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfoSchema>;

export const ClipFilterSchema = z
  .object({
    status: z.enum(ANNOTATION_STATUSES).optional(),
    subject: z.string().optional(),
    emotion: z.string().optional(),
    annotator: z.string().optional(),
    limit: z.number().int().positive().max(100_000).default(10_000),
    offset: z.number().int().nonnegative().default(0),
  })
  .strict();
export type ClipFilter = z.input<typeof ClipFilterSchema>;

export const DELETION_TARGETS = ['event', 'clip'] as const;
export const DELETION_ACTIONS = ['delete', 'restore'] as const;

/** One entry of a clip's or an event's deletion trail (append-only). */
export const DeletionAuditSchema = z.object({
  id: IdSchema,
  target: z.enum(DELETION_TARGETS),
  targetId: IdSchema,
  action: z.enum(DELETION_ACTIONS),
  by: z.string(),
  at: z.string(),
});
export type DeletionAudit = z.infer<typeof DeletionAuditSchema>;

export const RelinkSchema = z.object({ sha256: Sha256Schema, path: z.string().min(1) }).strict();
