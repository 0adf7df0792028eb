import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_CODER, codedEventsFromStore, label3OfEmotion, recordsFromStore } from '../../../src/main/app/records-from-store';
import { createWorkspace } from '../../../src/main/store';
import { storedAnalysisRow } from '../../helpers/stored-analysis';
import { useTempDir } from '../../helpers/tmp';

const tempDir = useTempDir('mellm-store-records-');

describe('store → export records', () => {
  it('maps dataset emotions onto the MEGC 3 classes', () => {
    expect(['happiness', 'Surprise', 'disgust', 'repression', 'others', 'anger', 'contempt', 'fear', 'sadness', 'tense', null].map(label3OfEmotion)).toEqual([
      'positive', 'surprise', 'negative', 'negative', 'negative', 'negative', 'negative', 'negative', 'negative', null, null,
    ]);
  });

  it('gives one record per label plus the sheet coder and, for reports, unlabelled candidates', async () => {
    const ws = await createWorkspace(join(tempDir(), 'w.mellm'));
    const clip = await ws.clips.add({ path: '/data/sub01/EP02_01f', kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
    const sheet = await ws.events.create({ clipId: clip.id, onset: 0, apex: 13, offset: 34, source: 'dataset', datasetFrames: { onset: 46, apex: 59, offset: 80 }, datasetAus: '1+2', datasetEmotion: 'surprise' });
    const spotted = await ws.events.create({ clipId: clip.id, onset: 40, apex: null, offset: 60, source: 'spotting' });
    await ws.annotations.save({ eventId: sheet.id, annotator: 'ana', aus: 'AU1+AU2', emotion: 'surprise', label3: 'surprise' });
    const plain = storedAnalysisRow({ 'Left Inner Eyebrow': [0, -2], 'Right Inner Eyebrow': [0, -2] }, { onset: 0, apex: 13, offset: 34 }, 200);
    // A cheek read below an eyeglass rim: the record says where, for the session report.
    const rois = plain.expression.rois.map((roi) => (roi.region === 'Left Cheek' ? { ...roi, read_from: 'below-rim' as const } : roi));
    const row = { ...plain, expression: { ...plain.expression, rois } };
    await ws.analyses.add(sheet.id, [{ id: 'mellm', version: 't' }], row);

    const labels = await recordsFromStore(ws, { analyses: true });
    expect(labels.map((r) => [r.eventId, r.annotator, r.aus, r.label3])).toEqual([
      [String(sheet.id), DATASET_CODER, '1+2', 'surprise'],
      [String(sheet.id), 'ana', 'AU1+AU2', 'surprise'],
    ]);
    expect(labels[1]).toMatchObject({ clipName: 'EP02_01f', subject: '01', frameNumberOffset: 46, datasetFrames: { onset: 46, apex: 59, offset: 80 }, analysisUnreadable: null });
    // The stored ROI report under `expression`, with each region's share of the stored face's height.
    expect(labels[1]?.roiFeatures).toHaveLength(29);
    expect(labels[1]?.roiFeatures?.find((roi) => roi.region === 'Left Inner Eyebrow')).toEqual({ region: 'Left Inner Eyebrow', meanMagnitude: 2, maxMagnitude: 2, direction: 'up (90°)', angle: 90, meanNormalized: 1, stats: { pixels: 100, mean: 2, max: 2, concentration: 1, angle: 90 } });
    expect(labels[1]?.roiFeatures?.map((roi) => roi.region)).toEqual(row.expression.rois.map((roi) => roi.region));
    expect(labels[1]?.roiFeatures?.filter((roi) => roi.readFrom).map((roi) => [roi.region, roi.readFrom])).toEqual([['Left Cheek', 'below-rim']]);
    const report = await recordsFromStore(ws, { candidates: true });
    // The spotted candidate without apex exports at its onset, numbered by the clip's shift.
    expect(report.at(-1)).toMatchObject({ eventId: String(spotted.id), annotator: '(unlabelled)', onset: 40, apex: 40, datasetFrames: null, frameNumberOffset: 46 });
    expect((await codedEventsFromStore(ws)).map((e) => e.annotator)).toEqual(['ana']);
    expect((await codedEventsFromStore(ws, { datasetLabels: true })).map((e) => [e.annotator, e.aus])).toEqual([
      [DATASET_CODER, [{ au: 1, side: null }, { au: 2, side: null }]],
      ['ana', [{ au: 1, side: null }, { au: 2, side: null }]],
    ]);
    await ws.close();
  });

  it('reads an analysis row another version wrote as no features, with the reason, and never fails the export', async () => {
    const ws = await createWorkspace(join(tempDir(), 'w.mellm'));
    const clip = await ws.clips.add({ path: '/data/sub01/EP02_01f', kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
    const event = await ws.events.create({ clipId: clip.id, onset: 0, apex: 13, offset: 34, source: 'dataset', datasetAus: '12', datasetEmotion: 'happiness' });
    // The shape the export once read: labels at the top of the row, nothing under `expression`.
    const old = await ws.analyses.add(event.id, [{ id: 'mellm', version: '0' }], { aus: 'R12', prompt: 'p', roiFeatures: [] });
    const [record] = await recordsFromStore(ws, { analyses: true });
    expect(record).toMatchObject({ roiFeatures: null, analysisUnreadable: expect.stringMatching(new RegExp(`^analysis ${old.id}: expression: `)) });
    await ws.close();
  });
});
