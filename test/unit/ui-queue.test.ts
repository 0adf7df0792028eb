import { describe, expect, it } from 'vitest';
import { clipWork, type WorklistRow } from '../../src/shared/worklist';
import { ClipSchema, type Clip } from '../../src/shared/workspace';
import { DEFAULT_QUEUE_VIEW, queueOrder, type QueueView } from '../../src/renderer/src/state/queue';

/** Clip rows as `clips.list` returns them (checked against the channel's schema). */
const clip = (id: number, path: string, subject: string | null): Clip =>
  ClipSchema.parse({ id, path, kind: 'sequence', sha256: null, fps: 200, frames: 60, width: 640, height: 480, subject, dataset: 'casme2', datasetRow: null, datasetFilename: null, faceIndex: 0, captureFps: 200, mediaRoot: null, mediaPath: null, createdAt: '2026-01-01T00:00:00.000Z' });
const row = (clipId: number, eventId: number, status: WorklistRow['status'], extra: Partial<WorklistRow> = {}): WorklistRow => ({
  clipId, eventId, onset: 1, status, aus: null, emotion: null, datasetAus: null, datasetEmotion: null, annotators: [], analysed: false, spotted: false, ...extra,
});

const clips = [clip(1, '/media/sub01/EP02_01f', '01'), clip(2, '/media/sub02/EP09_05', '02'), clip(3, '/media/sub11/EP15_04f', '11')];
const work = clipWork([
  row(1, 11, 'submitted', { emotion: 'happiness', aus: 'R12+6', annotators: ['ana'] }),
  row(2, 21, null, { datasetEmotion: 'Repression', datasetAus: '14', annotators: ['Bob'] }),
  row(3, 31, 'changes_requested', { emotion: 'disgust', aus: '4+7', annotators: ['ana', 'Bob'], analysed: true }),
]);
const ids = (view: Partial<QueueView>) => queueOrder(clips, work, { ...DEFAULT_QUEUE_VIEW, ...view }).map((c) => c.id);

describe('Corpus queue order', () => {
  it('filters by substring, ignoring case, on name, subject, emotion, FACS and annotator', () => {
    expect(ids({ text: { name: 'ep0' } })).toEqual([1, 2]);
    expect(ids({ text: { subject: '1' } })).toEqual([1, 3]);
    expect(ids({ text: { emotion: 'REPRESS' } })).toEqual([2]);
    expect(ids({ text: { aus: '12' } })).toEqual([1]);
    expect(ids({ text: { annotator: 'bob' } })).toEqual([2, 3]);
    expect(ids({ text: { annotator: 'bob', emotion: 'dis' } })).toEqual([3]);
    expect(ids({ text: { annotator: '  ' } })).toEqual([1, 2, 3]);
  });

  it('filters by the annotator’s status and sorts by any column, ties by id', () => {
    expect(ids({ status: 'todo' })).toEqual([2]);
    expect(ids({ status: 'changes_requested' })).toEqual([3]);
    expect(ids({ sort: { key: 'status', ascending: true } })).toEqual([3, 2, 1]);
    expect(ids({ sort: { key: 'analysed', ascending: false } })).toEqual([3, 1, 2]);
    expect(ids({ sort: { key: 'path', ascending: false } })).toEqual([3, 2, 1]);
  });
});
