import { basename } from 'node:path';
import type { Workspace } from '../store/workspace';
import { THREE_CLASS_OF, type CasmeEmotion } from '../analysis/emotion';
import { codedEventsFromRecords } from './coded-events';
import type { CodedEvent } from './agreement/types';
import type { ExportRecord, Label3, Provenance, ReviewDecision, RoiFeature } from './export/records';
import { modelLabels } from './model-labels';

/** The coder name of the labels a dataset sheet brought in (not an annotator profile). */
export const DATASET_CODER = '(dataset)';

export interface StoreRecordOptions {
  /** One record per event for the labels its dataset sheet gave (import); default true. */
  readonly datasetLabels?: boolean;
  /** Events nobody labelled yet (spotted ME candidates) as records of coder "(unlabelled)": the session report lists every candidate. */
  readonly candidates?: boolean;
  /** Read the newest analysis of each event for the prompt and ROI features (JSONL, report). */
  readonly analyses?: boolean;
}

interface Row {
  event_id: number;
  onset: number;
  apex: number | null;
  offset: number;
  dataset_onset: number | null;
  dataset_apex: number | null;
  dataset_offset: number | null;
  dataset_aus: string | null;
  dataset_emotion: string | null;
  path: string;
  fps: number;
  frames: number;
  subject: string | null;
  dataset: string | null;
  dataset_filename: string | null;
  annotator: string | null;
  aus: string | null;
  emotion: string | null;
  label3: Label3 | null;
  description: string | null;
  status: string | null;
  provenance: Provenance | null;
  reviewer: string | null;
  review_comment: string | null;
}

// One pass over events with their annotations and each annotation's newest review.
const QUERY = `
  SELECT e.id AS event_id, e.onset, e.apex, e.offset, e.dataset_onset, e.dataset_apex, e.dataset_offset,
         e.dataset_aus, e.dataset_emotion, c.path, c.fps, c.frames, c.subject, c.dataset, c.dataset_filename,
         n.name AS annotator, a.aus, a.emotion, a.label3, a.description, a.status, a.provenance,
         rn.name AS reviewer, r.comment AS review_comment
  FROM events e JOIN clips c ON c.id = e.clip_id
  LEFT JOIN annotations a ON a.event_id = e.id
  LEFT JOIN annotators n ON n.id = a.annotator_id
  LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE annotation_id = a.id)
  LEFT JOIN annotators rn ON rn.id = r.reviewer_id
  ORDER BY c.id, e.onset, e.id, n.name`;

const DECISION: Readonly<Record<string, ReviewDecision>> = { approved: 'approved', rejected: 'rejected', changes_requested: 'needs-changes' };
const EXTRA_NEGATIVE = new Set(['anger', 'contempt', 'negative']);

/** The MEGC 3-class of a dataset emotion word (CASME II mapping; SAMM's anger/contempt negative). */
export function label3OfEmotion(emotion: string | null): Label3 | null {
  const word = emotion?.trim().toLowerCase() ?? '';
  const three = THREE_CLASS_OF[word as CasmeEmotion] as string | undefined;
  if (three) return three.toLowerCase() as Label3;
  if (word === 'positive' || word === 'surprise') return word;
  return EXTRA_NEGATIVE.has(word) ? 'negative' : null;
}

/**
 * The workspace as export records: one per annotation (with its newest review), plus
 * the dataset sheet's labels per event and, for reports, unlabelled candidates. Frames
 * are the 0-based project frames; the sheet's own numbers travel along for CASME/MEGC.
 */
export function recordsFromStore(ws: Workspace, options: StoreRecordOptions = {}): ExportRecord[] {
  const rows = ws.db.prepare(QUERY).all() as Row[];
  const withDataset = options.datasetLabels ?? true;
  const records: ExportRecord[] = [];
  let lastEvent = -1;
  let analysis: { prompt: string | null; roiFeatures: RoiFeature[] | null } | null = null;
  for (const row of rows) {
    const firstOfEvent = row.event_id !== lastEvent;
    lastEvent = row.event_id;
    if (firstOfEvent && options.analyses) analysis = modelLabels(ws.analyses.listForEvent(row.event_id)[0]?.result);
    const base = eventBase(row, analysis);
    if (firstOfEvent && withDataset && (row.dataset_aus !== null || row.dataset_emotion !== null)) {
      records.push({ ...base, aus: row.dataset_aus ?? '', emotion: row.dataset_emotion, label3: label3OfEmotion(row.dataset_emotion), description: null, annotator: DATASET_CODER, provenance: null, review: null });
    }
    if (row.annotator === null) {
      if (options.candidates) records.push({ ...base, aus: '', emotion: null, label3: null, description: null, annotator: '(unlabelled)', provenance: null, review: null });
      continue;
    }
    records.push({
      ...base,
      aus: row.aus ?? '',
      emotion: row.emotion,
      label3: row.label3,
      description: row.description,
      annotator: row.annotator,
      provenance: row.provenance,
      review: DECISION[row.status ?? ''] ?? null,
      reviewer: row.reviewer,
      reviewComment: row.review_comment,
    });
  }
  return records;
}

type EventBase = Omit<ExportRecord, 'aus' | 'emotion' | 'label3' | 'description' | 'annotator' | 'provenance' | 'review'>;

function eventBase(row: Row, analysis: { prompt: string | null; roiFeatures: RoiFeature[] | null } | null): EventBase {
  const apex = row.apex ?? row.onset; // a missing apex (imported as "/") exports at the onset
  // The sheet's numbers only while the event still spans what the sheet said (not moved since).
  const sheetFrames =
    row.dataset_onset !== null && row.dataset_offset !== null && row.dataset_offset - row.dataset_onset === row.offset - row.onset
      ? { onset: row.dataset_onset, apex: row.dataset_apex ?? row.dataset_onset + (apex - row.onset), offset: row.dataset_offset }
      : null;
  return {
    dataset: row.dataset ?? 'workspace',
    subject: row.subject ?? '',
    clipName: row.dataset_filename ?? basename(row.path),
    clipPath: row.path,
    fps: row.fps,
    frameCount: row.frames,
    frameNumberOffset: 0,
    eventId: String(row.event_id),
    onset: row.onset,
    apex,
    offset: row.offset,
    datasetFrames: sheetFrames,
    prompt: analysis?.prompt ?? null,
    roiFeatures: analysis?.roiFeatures ?? null,
  };
}

/** The workspace's annotations as agreement input (dataset labels left out unless asked for). */
export function codedEventsFromStore(ws: Workspace, options: { datasetLabels?: boolean } = {}): CodedEvent[] {
  return codedEventsFromRecords(recordsFromStore(ws, { datasetLabels: options.datasetLabels ?? false }));
}
