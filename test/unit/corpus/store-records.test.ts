import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelLabels } from '../../../src/main/corpus/model-labels';
import { DATASET_CODER, codedEventsFromStore, label3OfEmotion, recordsFromStore } from '../../../src/main/app/records-from-store';
import { createWorkspace } from '../../../src/main/store';
import { useTempDir } from '../../helpers/tmp';

const tempDir = useTempDir('mellm-store-records-');

describe('store → export records', () => {
  it('maps dataset emotions onto the MEGC 3 classes', () => {
    expect(['happiness', 'Surprise', 'disgust', 'repression', 'others', 'anger', 'contempt', 'fear', 'sadness', 'tense', null].map(label3OfEmotion)).toEqual([
      'positive', 'surprise', 'negative', 'negative', 'negative', 'negative', 'negative', 'negative', 'negative', null, null,
    ]);
  });

  it('reads stored analyses leniently: wrong-typed fields drop, the rest stays', () => {
    expect(modelLabels({ aus: 'R12', emotion: 7, label3: 'joy', prompt: 'p', flow: { u: [1] } })).toEqual({
      aus: 'R12', emotion: null, label3: null, description: null, prompt: 'p', roiFeatures: null,
    });
    expect(modelLabels('not an object')).toBeNull();
  });

  it('gives one record per label plus the sheet coder and, for reports, unlabelled candidates', async () => {
    const ws = await createWorkspace(join(tempDir(), 'w.mellm'));
    const clip = await ws.clips.add({ path: '/data/sub01/EP02_01f', kind: 'sequence', fps: 200, frames: 100, width: 8, height: 8, subject: '01', dataset: 'casme2', datasetFilename: 'EP02_01f' });
    const sheet = await ws.events.create({ clipId: clip.id, onset: 0, apex: 13, offset: 34, source: 'dataset', datasetFrames: { onset: 46, apex: 59, offset: 80 }, datasetAus: '1+2', datasetEmotion: 'surprise' });
    const spotted = await ws.events.create({ clipId: clip.id, onset: 40, apex: null, offset: 60, source: 'spotting' });
    await ws.annotations.save({ eventId: sheet.id, annotator: 'ana', aus: 'AU1+AU2', emotion: 'surprise', label3: 'surprise' });
    await ws.analyses.add(sheet.id, [{ id: 'mellm', version: 't' }], { prompt: 'Based on the following information…' });

    const labels = await recordsFromStore(ws, { analyses: true });
    expect(labels.map((r) => [r.eventId, r.annotator, r.aus, r.label3])).toEqual([
      [String(sheet.id), DATASET_CODER, '1+2', 'surprise'],
      [String(sheet.id), 'ana', 'AU1+AU2', 'surprise'],
    ]);
    expect(labels[1]).toMatchObject({ clipName: 'EP02_01f', subject: '01', frameNumberOffset: 46, datasetFrames: { onset: 46, apex: 59, offset: 80 }, prompt: 'Based on the following information…' });
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
});
