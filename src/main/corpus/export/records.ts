import type { RoiStats } from '@shared/api/analysis';
import type { Issue } from '@shared/errors';

/**
 * The flat record every export writer reads: one annotator's labels of one ME event,
 * with what the clip and the review say about it. The workspace store builds these
 * with a thin adapter; writers never query the store themselves.
 */

export type Label3 = 'negative' | 'positive' | 'surprise';

/** The coder name of the labels a dataset sheet brought in (not an annotator profile). */
export const DATASET_CODER = '(dataset)';
/** The coder name of an event nobody labelled yet (a spotted candidate the session report lists). */
export const UNLABELLED_CODER = '(unlabelled)';
export type Provenance = 'accepted' | 'edited' | 'manual';
export type ReviewDecision = 'approved' | 'rejected' | 'needs-changes';

/** One ROI's motion feature as the analysis stored it (magnitudes in reference-crop pixels). */
export interface RoiFeature {
  readonly region: string;
  readonly meanMagnitude: number;
  readonly maxMagnitude: number;
  readonly direction: string;
  /** Degrees counter-clockwise from right (y up); null without a dominant direction. */
  readonly angle?: number | null;
  /** Mean magnitude in % of the face height; null when the analysis kept no face. */
  readonly meanNormalized?: number | null;
  /** The reference statistics the stored figures were written from (the mellm prompt needs them). */
  readonly stats?: RoiStats | null;
  /** An eyeglass frame covers the region and it was read beside the rim (display only, never in a prompt). */
  readonly readFrom?: 'below-rim' | 'above-rim';
}

/** One frame of motion evidence (OpenFace-like row). Frame is 0-based in the clip. */
export interface MotionRow {
  readonly frame: number;
  readonly facePresent: boolean;
  /** Mean expression-flow magnitude per ROI name, px. */
  readonly roiMagnitudes: Readonly<Record<string, number>>;
  /** AU evidence per AU number (0..1 or rule score). */
  readonly auEvidence: Readonly<Record<string, number>>;
}

export interface EmbeddedImage {
  readonly mime: 'image/png' | 'image/jpeg' | 'image/webp';
  readonly data: Uint8Array;
}

export interface ExportRecord {
  readonly dataset: string;
  readonly subject: string;
  readonly clipName: string;
  /** Absolute path of the clip's media; null when unknown or anonymised. */
  readonly clipPath: string | null;
  /** The container's frame rate. */
  readonly fps: number;
  /**
   * The rate the face was filmed at, which times every export writes (ms, seconds, fps
   * columns); absent: the container's. Every format names it (`capture_fps`).
   */
  readonly captureFps?: number | null;
  /** The event's class by its onset → offset duration at the capture rate; null or absent when not classed. */
  readonly expressionClass?: 'micro' | 'macro' | null;
  /** Onset → offset in ms at the capture rate. */
  readonly durationMs?: number | null;
  readonly frameCount: number;
  /**
   * Dataset frame number of project frame 0: CASME II clips start at img<first>.jpg, so
   * a clip whose first image is img46.jpg has offset 46. Used when `datasetFrames` is absent.
   */
  readonly frameNumberOffset: number;
  /** The event; annotators labelling the same event share it. */
  readonly eventId: string;
  /** 0-based project frames, onset ≤ apex ≤ offset. */
  readonly onset: number;
  readonly apex: number;
  readonly offset: number;
  /** The dataset's own numbers when imported from a sheet (they win over the offset). */
  readonly datasetFrames?: { readonly onset: number; readonly apex: number; readonly offset: number } | null;
  /** The event has no apex (a sheet's `/`): `apex` repeats the onset for the timings; the sheets write `/`, the MEGC spotting list an empty cell. */
  readonly apexMissing?: boolean;
  /** The sheet's other columns for this event, by header as written (SAMM `Type`, DFME `EmotionId`, MEGC `data`, frame paths…). */
  readonly datasetExtra?: Readonly<Record<string, string>> | null;
  /** Problems accepted at import, shown beside the labels: `aus_uncertain`, `apex_missing`. */
  readonly flags?: readonly string[] | null;
  /** FACS string as coders write it, e.g. "R12+L4". */
  readonly aus: string;
  readonly emotion: string | null;
  readonly label3: Label3 | null;
  readonly description: string | null;
  readonly annotator: string;
  readonly provenance: Provenance | null;
  readonly review: ReviewDecision | null;
  readonly reviewer?: string | null;
  readonly reviewComment?: string | null;
  /** The event's ROI features from its newest analysis; null when it has none (or it cannot be read). */
  readonly roiFeatures?: readonly RoiFeature[] | null;
  /** Why the newest analysis of the event could not be read, when it could not. */
  readonly analysisUnreadable?: string | null;
  readonly motion?: readonly MotionRow[] | null;
  readonly apexImage?: EmbeddedImage | null;
  readonly flowOverlay?: EmbeddedImage | null;
}

/** Identifies a clip across records: dataset, subject and clip name. */
export function clipKey(record: ExportRecord): string {
  return `${record.dataset}\u0000${record.subject}\u0000${record.clipName}`;
}

/** The rate an export times a record by: its capture rate, else the container's. */
export function timingFps(record: ExportRecord): number {
  return record.captureFps ?? record.fps;
}

/** Dataset frame numbers of an event: the sheet's own, or project frames + offset. */
export function datasetFrames(record: ExportRecord): { onset: number; apex: number; offset: number } {
  if (record.datasetFrames) return { ...record.datasetFrames };
  const shift = record.frameNumberOffset;
  return { onset: record.onset + shift, apex: record.apex + shift, offset: record.offset + shift };
}

/**
 * Problems that would make a writer emit nonsense (NaN times, reversed intervals), as
 * `records.N.field` issues; an export checks them all before writing anything.
 */
export function recordIssues(records: readonly ExportRecord[]): Issue[] {
  const issues: Issue[] = [];
  const frame = (value: number) => Number.isInteger(value) && value >= 0;
  records.forEach((record, index) => {
    const at = (field: string, message: string) => issues.push({ path: `records.${index}.${field}`, message });
    if (!(Number.isFinite(record.fps) && record.fps > 0)) at('fps', 'must be a positive number');
    if (record.captureFps !== undefined && record.captureFps !== null && !(Number.isFinite(record.captureFps) && record.captureFps > 0)) at('captureFps', 'must be a positive number');
    if (!frame(record.onset) || !frame(record.apex) || !frame(record.offset)) at('onset', 'onset, apex and offset must be 0-based frame numbers');
    else if (!(record.onset <= record.apex && record.apex <= record.offset)) at('apex', 'must satisfy onset ≤ apex ≤ offset');
    else if (record.frameCount > 0 && record.offset >= record.frameCount) at('offset', `is past the clip's last frame (${record.frameCount - 1})`);
    if (!Number.isInteger(record.frameNumberOffset)) at('frameNumberOffset', 'must be an integer');
    if (!frame(record.frameCount)) at('frameCount', 'must be a whole number of frames (0 when unknown)');
    if (!record.eventId || !record.clipName || !record.annotator) at('eventId', 'event id, clip name and annotator are required');
  });
  return issues;
}

/** MEGC 2019 composite recognition class ids (negative 0, positive 1, surprise 2). */
export const MEGC_CLASS_IDS: Readonly<Record<Label3, number>> = { negative: 0, positive: 1, surprise: 2 };
