/**
 * Dataset coding-sheet import: what the caller asks for and what it gets back. Rows are
 * numbered as the spreadsheet shows them (1-based sheet rows), frames as 0-based positions.
 */
import { z } from 'zod';
import { DATASETS } from './workspace';

/** Fields a sheet column can map to; the generic layout lets the user name the columns. */
export const IMPORT_FIELDS = ['subject', 'filename', 'onset', 'apex', 'offset', 'aus', 'emotion'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

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
    dataset: z.enum(DATASETS),
    /** Generic layout (or overrides): field → column header as written in the sheet. */
    columns: z.partialRecord(z.enum(IMPORT_FIELDS), z.string().min(1)).optional(),
    /** Import the valid rows and skip the flagged ones instead of refusing the whole file. */
    skipFlagged: z.boolean().default(false),
    /** Overrides of DEFAULT_SHEET_LIMITS. */
    limits: SheetLimitsSchema.partial().optional(),
  })
  .strict();
export type ImportRequest = z.input<typeof ImportRequestSchema>;

export const ImportProblemSchema = z.object({
  row: z.number().int(),
  column: z.string(),
  message: z.string(),
  /** Errors keep a row out; warnings are imported and flagged on the event. */
  severity: z.enum(['error', 'warning']),
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
  aus: z.string().nullable(),
  emotion: z.string().nullable(),
  ok: z.boolean(),
});
export type ImportRow = z.infer<typeof ImportRowSchema>;

export const ImportReportSchema = z.object({
  dataset: z.enum(DATASETS),
  sheet: z.string(),
  /** The worksheet read from a workbook (null for a CSV file). */
  worksheet: z.string().nullable(),
  headerRow: z.number().int(),
  totalRows: z.number().int(),
  rows: z.array(ImportRowSchema),
  problems: z.array(ImportProblemSchema),
  /** After commit: how many clips and events were written, and which rows were skipped. */
  committed: z.boolean(),
  clipsAdded: z.number().int(),
  eventsAdded: z.number().int(),
  skippedRows: z.array(z.number().int()),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;
