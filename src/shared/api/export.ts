import { z } from 'zod';
import { DEFAULT_PROMPT_FORMAT, PROMPT_FORMATS } from '../prompt-format';
import { channel } from './channel';

/**
 * The export formats, named as users see them: the CLI's `--format`, the Export view's
 * checkboxes, the export contract and the writer all use these names.
 *
 * - `casme2-csv`, `casme2-xlsx`: the CASME II coding sheet (`casme2-sheet.csv` / `.xlsx`)
 * - `dataset-sheets`: each dataset's own coding sheet (`sheets/<dataset>.csv`)
 * - `megc-composite`: the MEGC composite / apex list (`megc-composite.csv`)
 * - `megc`: the MEGC recognition and spotting lists (`megc-recognition.csv`, `megc-spotting.csv`)
 * - `eaf`: one ELAN document per clip (`eaf/<clip>.eaf`)
 * - `jsonl`: the instruction JSONL (`instructions.jsonl`)
 * - `frames-csv`: per-frame motion (`motion.csv`)
 * - `report`: the HTML session report (`report.html`), unlabelled candidates included
 */
export const EXPORT_FORMATS = ['casme2-csv', 'casme2-xlsx', 'dataset-sheets', 'megc-composite', 'megc', 'eaf', 'jsonl', 'frames-csv', 'report'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);

export const ExportRunSchema = z
  .object({
    formats: z.array(ExportFormatSchema).min(1),
    folder: z.string().min(1).max(4096),
    onlyApproved: z.boolean().default(false),
    anonymise: z.boolean().default(false),
    includeImages: z.boolean().default(false),
    force: z.boolean().default(false),
    /** The prompt text of the instruction JSONL: MELLM's own (what its checkpoints were trained on) or clean JSON. */
    promptFormat: z.enum(PROMPT_FORMATS).default(DEFAULT_PROMPT_FORMAT),
  })
  .strict();

/** Why an export left labels out of a file (instruction JSONL, MEGC recognition list, per-frame motion CSV). */
export const EXPORT_SKIP_REASONS = ['no-analysis', 'analysis-unreadable', 'rejected-in-review', 'no-label3', 'aus-unreadable', 'no-motion'] as const;

export const ExportOutcomeSchema = z.object({
  jobId: z.string(),
  /** The most labels any file holds: 0 when every file is empty. */
  records: z.number().int(),
  /** Labels selected for export (after the review filter). */
  labels: z.number().int(),
  files: z.array(
    z.object({
      /** The format that wrote the file (`megc` and `eaf` write several). */
      format: ExportFormatSchema,
      path: z.string(),
      /** Labels this file holds; 0 is an empty file, and `skipped` says why. */
      records: z.number().int(),
      skipped: z.array(z.object({ reason: z.enum(EXPORT_SKIP_REASONS), count: z.number().int(), example: z.string().optional() })),
      promptFormat: z.enum(PROMPT_FORMATS).optional(),
    }),
  ),
});
export type ExportOutcome = z.infer<typeof ExportOutcomeSchema>;

/** Corpus export, run as a job (progress and cancel through the job channels). */
export const exportChannels = {
  'export.run': channel(ExportRunSchema, ExportOutcomeSchema),
};
