/**
 * Dataset coding-sheet import: what the caller asks for and what it gets back. Rows are
 * numbered as the spreadsheet shows them (1-based sheet rows), frames as 0-based positions.
 */
import { z } from 'zod';
import { FACS_MESSAGE_KEYS, FACS_PHRASE_KEYS } from './facs/messages';
import { IMPORT_MESSAGE_KEYS } from './import-messages';
import { DATASETS } from './workspace';

/**
 * Fields a sheet column can map to; the generic layout lets the user name the columns.
 * `fps` is a per-row frame rate (DFME), `source` the dataset a composite row comes from
 * (MEGC `data`), `label` a 3-class id (MEGC: 0 negative, 1 positive, 2 surprise) and the
 * `…Path` fields the frame files a row names (MEGC `onset_frame_path`, …).
 */
export const IMPORT_FIELDS = ['subject', 'filename', 'onset', 'apex', 'offset', 'aus', 'emotion', 'fps', 'source', 'label', 'onsetPath', 'apexPath', 'offsetPath'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** `--dataset auto`: the layout is guessed from the header row. */
export const IMPORT_LAYOUTS = [...DATASETS, 'auto'] as const;

/**
 * What a problem is about, so a preview can group them ("12 rows: clip folder not
 * found"). `duplicate-row` and `already-present` rows are skipped, not refused.
 */
export const IMPORT_PROBLEM_KINDS = [
  'workbook',
  'no-rows',
  'missing-value',
  'not-a-number',
  'frame-order',
  'unsafe-name',
  'bad-path',
  'clip-not-found',
  'clip-unreadable',
  'frame-not-in-clip',
  'aus-not-facs',
  'aus-uncertain',
  'apex-missing',
  'emotion-too-long',
  'unknown-source',
  'unknown-label',
  'bad-fps',
  'fps-conflict',
  'duplicate-row',
  'already-present',
] as const;
export type ImportProblemKind = (typeof IMPORT_PROBLEM_KINDS)[number];

/** Flags an imported event can carry: accepted problems the UI and exports show. */
export const EVENT_FLAGS = ['apex_missing', 'aus_uncertain'] as const;

/**
 * How much of a sheet an import reads before refusing it: a workbook or CSV beyond these
 * is refused with the limit named, before any row is kept. The defaults admit Excel's
 * own maximum of 1,048,576 rows, and a million rows of ten columns with room to spare.
 */
export const SheetLimitsSchema = z
  .object({
    /** Rows holding data (the last such row's number, for a workbook). */
    maxRows: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    /** Cells the sheet's rows span, counted up to each row's last non-blank cell. */
    maxCells: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    /** Bytes read: a CSV file's size, or what a workbook's worksheet, shared strings and styles unpack to. */
    maxBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type SheetLimits = z.infer<typeof SheetLimitsSchema>;

export const DEFAULT_SHEET_LIMITS: SheetLimits = { maxRows: 1_048_576, maxCells: 20_000_000, maxBytes: 1_000_000_000 };

export const ImportRequestSchema = z
  .object({
    sheet: z.string().min(1),
    root: z.string().min(1),
    dataset: z.enum(IMPORT_LAYOUTS),
    /** Generic layout (or overrides): field → column header as written in the sheet. */
    columns: z.partialRecord(z.enum(IMPORT_FIELDS), z.string().min(1)).optional(),
    /** Import the valid rows and skip the flagged ones instead of refusing the whole file. */
    skipFlagged: z.boolean().default(false),
    /** Overrides of DEFAULT_SHEET_LIMITS. */
    limits: SheetLimitsSchema.partial().optional(),
  })
  .strict();
export type ImportRequest = z.input<typeof ImportRequestSchema>;

const Params = z.record(z.string(), z.union([z.string(), z.number()]));
const FacsTextSchema = z.object({
  key: z.enum(FACS_MESSAGE_KEYS),
  params: Params,
  phrases: z.record(z.string(), z.object({ key: z.enum(FACS_PHRASE_KEYS), params: Params.optional() })).optional(),
});
const ItemTextSchema = z.object({ key: z.enum(IMPORT_MESSAGE_KEYS), params: Params });
/** A message as a key and its values (`ImportText`), for the window to say in its language. */
export const ImportTextSchema = z.object({
  key: z.enum(IMPORT_MESSAGE_KEYS),
  params: Params,
  detail: FacsTextSchema.optional(),
  lists: z.record(z.string(), z.array(ItemTextSchema)).optional(),
});

export const ImportProblemSchema = z.object({
  row: z.number().int(),
  column: z.string(),
  /** In English (the CLI's and the report's); `text` says it in any language the window speaks. */
  message: z.string(),
  text: ImportTextSchema.optional(),
  /** Errors keep a row out; warnings are imported and flagged on the event (or skipped: duplicates, rows already present). */
  severity: z.enum(['error', 'warning']),
  kind: z.enum(IMPORT_PROBLEM_KINDS),
});
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

export const ImportRowSchema = z.object({
  row: z.number().int(),
  clipPath: z.string(),
  subject: z.string(),
  filename: z.string(),
  onset: z.number().int(),
  apex: z.number().int().nullable(),
  offset: z.number().int(),
  datasetFrames: z.object({ onset: z.number().int(), apex: z.number().int().nullable(), offset: z.number().int() }),
  /** The AU text as the coder wrote it. */
  aus: z.string().nullable(),
  emotion: z.string().nullable(),
  /** Importable: no error, not a duplicate, not already in the workspace. */
  ok: z.boolean(),
  /** Skipped because the same event (clip, sheet frames, AU text) is already in the workspace or earlier in the sheet. */
  present: z.boolean(),
});
export type ImportRow = z.infer<typeof ImportRowSchema>;

/** Problems of one kind: how many rows, and the first one as an example. */
export const ImportProblemGroupSchema = z.object({
  kind: z.enum(IMPORT_PROBLEM_KINDS),
  severity: z.enum(['error', 'warning']),
  rows: z.number().int(),
  first: ImportProblemSchema,
});
export type ImportProblemGroup = z.infer<typeof ImportProblemGroupSchema>;

export const ImportReportSchema = z.object({
  /** The layout read: the one asked for, or the one `auto` chose. */
  dataset: z.enum(DATASETS),
  /** Why `auto` chose the layout (null when the layout was given), in English; `detectedText` says it in any language. */
  detected: z.string().nullable(),
  detectedText: ImportTextSchema.nullable().optional(),
  sheet: z.string(),
  /** The worksheet read from a workbook (null for a CSV file). */
  worksheet: z.string().nullable(),
  headerRow: z.number().int(),
  totalRows: z.number().int(),
  rows: z.array(ImportRowSchema),
  problems: z.array(ImportProblemSchema),
  /** The problems grouped by kind, errors first. */
  groups: z.array(ImportProblemGroupSchema),
  /** After commit: how many clips and events were written, and which rows were skipped. */
  committed: z.boolean(),
  clipsAdded: z.number().int(),
  eventsAdded: z.number().int(),
  /** Rows skipped as the same event already present (in the workspace or earlier in the sheet). */
  alreadyPresent: z.number().int(),
  skippedRows: z.array(z.number().int()),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;
