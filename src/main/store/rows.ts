/**
 * Rows as both stores read them (SQLite and PostgreSQL keep the same column names and
 * values, migrations.ts) and the records they become: one mapping, so the two stores
 * cannot drift apart.
 */
import type { z } from 'zod';
import type { Annotation, Clip, MeEvent, NewEventSchema } from '@shared/workspace';
import type { Claim } from './interface';

export interface ClipRow {
  id: number;
  path: string;
  kind: Clip['kind'];
  sha256: string | null;
  fps: number;
  capture_fps: number | null;
  frames: number;
  width: number;
  height: number;
  subject: string | null;
  dataset: Clip['dataset'];
  dataset_row: number | null;
  dataset_filename: string | null;
  face_index: number;
  media_root: string | null;
  media_path: string | null;
  created_at: string;
}

export const toClip = (r: ClipRow): Clip => ({
  id: r.id,
  path: r.path,
  kind: r.kind,
  sha256: r.sha256,
  fps: r.fps,
  captureFps: r.capture_fps ?? r.fps,
  frames: r.frames,
  width: r.width,
  height: r.height,
  subject: r.subject,
  dataset: r.dataset,
  datasetRow: r.dataset_row,
  datasetFilename: r.dataset_filename,
  faceIndex: r.face_index,
  mediaRoot: r.media_root,
  mediaPath: r.media_path,
  createdAt: r.created_at,
});

export interface EventRow {
  id: number;
  clip_id: number;
  onset: number;
  apex: number | null;
  offset: number;
  source: MeEvent['source'];
  dataset_onset: number | null;
  dataset_apex: number | null;
  dataset_offset: number | null;
  dataset_aus: string | null;
  dataset_emotion: string | null;
  dataset_extra: string;
  flags: string;
  created_at: string;
}

export const toEvent = (r: EventRow): MeEvent => ({
  id: r.id,
  clipId: r.clip_id,
  onset: r.onset,
  apex: r.apex,
  offset: r.offset,
  source: r.source,
  datasetFrames:
    r.dataset_onset === null || r.dataset_offset === null ? null : { onset: r.dataset_onset, apex: r.dataset_apex, offset: r.dataset_offset },
  datasetAus: r.dataset_aus,
  datasetEmotion: r.dataset_emotion,
  datasetExtra: JSON.parse(r.dataset_extra) as Record<string, string>,
  flags: JSON.parse(r.flags) as string[],
  createdAt: r.created_at,
});

export interface AnnotationRow {
  id: number;
  event_id: number;
  annotator: string;
  aus: string;
  emotion: string | null;
  label3: Annotation['label3'];
  description: string;
  status: Annotation['status'];
  provenance: Annotation['provenance'];
  version: number;
  locked: number;
  updated_at: string;
}

export const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id,
  eventId: r.event_id,
  annotator: r.annotator,
  aus: r.aus,
  emotion: r.emotion,
  label3: r.label3,
  description: r.description,
  status: r.status,
  provenance: r.provenance,
  version: r.version,
  locked: r.locked === 1,
  updatedAt: r.updated_at,
});

export interface ClaimRow {
  key: string;
  owner: string;
  state: Claim['state'];
  attempts: number;
  lease_until: number;
  error: string | null;
  checkpoint: Buffer | null;
}

export const toClaim = (r: ClaimRow): Claim => ({
  key: r.key,
  owner: r.owner,
  state: r.state,
  attempts: r.attempts,
  leaseUntil: r.lease_until,
  error: r.error,
  checkpoint: r.checkpoint ? new Uint8Array(r.checkpoint) : null,
});

/** A new event's values in the column order both stores insert them (clip_id … flags). */
export function eventValues(e: z.output<typeof NewEventSchema>): unknown[] {
  return [
    e.clipId,
    e.onset,
    e.apex,
    e.offset,
    e.source,
    e.datasetFrames?.onset ?? null,
    e.datasetFrames?.apex ?? null,
    e.datasetFrames?.offset ?? null,
    e.datasetAus,
    e.datasetEmotion,
    JSON.stringify(e.datasetExtra),
    JSON.stringify(e.flags),
  ];
}
