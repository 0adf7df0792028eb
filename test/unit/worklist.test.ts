import { describe, expect, it } from 'vitest';
import { clipWork, nextToLabel, worklistCounts, type WorklistRow } from '../../src/shared/worklist';

/** Rows as `reviews.worklist` returns them (see the store suite): by clip, then onset. */
const row = (clipId: number, eventId: number | null, onset: number | null, status: WorklistRow['status'], extra: Partial<WorklistRow> = {}): WorklistRow => ({
  clipId,
  eventId,
  onset,
  status,
  aus: null,
  emotion: null,
  datasetAus: null,
  datasetEmotion: null,
  annotators: [],
  analysed: false,
  spotted: false,
  ...extra,
});

const rows: WorklistRow[] = [
  row(1, 11, 5, 'submitted', { aus: '6+12', emotion: 'happiness', annotators: ['ana'] }),
  row(1, 12, 40, null, { datasetAus: 'R12', datasetEmotion: 'Happiness', annotators: ['bo'], analysed: true }),
  row(2, 21, 3, 'changes_requested', { aus: '4', emotion: 'disgust', annotators: ['ana', 'bo'] }),
  row(3, null, null, null, { spotted: true }),
  row(4, 42, 2, 'approved', { aus: '1', annotators: ['ana'] }),
  row(4, 41, 10, 'draft', { aus: '1+2', annotators: ['ana'] }),
];

describe('worklist', () => {
  it('counts to do (no label or a draft), submitted and changes requested', () => {
    expect(worklistCounts(rows)).toEqual({ todo: 2, submitted: 1, changesRequested: 1 });
    expect(worklistCounts([])).toEqual({ todo: 0, submitted: 0, changesRequested: 0 });
  });

  it('summarises each clip: what needs the annotator first, own labels else the dataset’s, who labelled, how many analysed', () => {
    const work = clipWork(rows);
    expect(work.get(1)).toMatchObject({ events: 2, status: 'todo', emotion: 'happiness · Happiness', aus: '6+12 · R12', annotators: 'ana · bo', analysed: 1 });
    expect([...work.get(1)!.statuses].sort()).toEqual(['submitted', 'todo']);
    expect(work.get(2)).toMatchObject({ status: 'changes_requested', annotators: 'ana · bo' });
    expect(work.get(3)).toMatchObject({ events: 0, status: null, emotion: '', aus: '', annotators: '', analysed: 0, spotted: true });
    expect(work.get(1)?.spotted).toBe(false);
    expect(work.get(4)).toMatchObject({ status: 'draft', aus: '1 · 1+2' });
  });

  it('finds the next event to label in the queue’s order, events by onset, round to the start; null when none is left', () => {
    // Queue order 4, 1, 2: clip 4's events by onset are 42 (approved), 41 (draft); clip 1's 11, 12.
    expect(nextToLabel(rows, [4, 1, 2, 3], { clipId: 4, eventId: 42 })).toEqual({ clipId: 4, eventId: 41 });
    expect(nextToLabel(rows, [4, 1, 2, 3], { clipId: 4, eventId: 41 })).toEqual({ clipId: 1, eventId: 12 });
    // Past the end it starts again at the top; the current event is never "next".
    expect(nextToLabel(rows, [4, 1, 2, 3], { clipId: 1, eventId: 12 })).toEqual({ clipId: 4, eventId: 41 });
    // A filter that leaves clip 4 out: only clip 1's open event remains.
    expect(nextToLabel(rows, [1, 2], { clipId: 4, eventId: 41 })).toEqual({ clipId: 1, eventId: 12 });
    expect(nextToLabel(rows, [2], { clipId: 2, eventId: 21 })).toBeNull();
    expect(nextToLabel(rows, [1], { clipId: 1, eventId: 12 })).toBeNull();
    expect(nextToLabel(rows, [1, 4], null)).toEqual({ clipId: 1, eventId: 12 });
  });
});
