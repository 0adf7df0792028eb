import { afterAll, describe, expect, it } from 'vitest';
import { StoredAnalysisSchema, type StoredAnalysis } from '../../src/shared/api/analysis';
import { cropGeometry } from '../../src/main/analysis/pipeline/crop';
import { cropFace } from '../../src/main/analysis/pipeline/motion';
import { faceInFrame } from '../../src/main/analysis/pipeline/task';
import { faceCrop } from '../../src/main/inference/face/face-crop';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { markerOverrides, toAnalysisView } from '../../src/renderer/src/api/analysis-view';
import { sampleFace } from '../helpers/synth-clip';

function stored(overrides: Partial<StoredAnalysis> = {}): StoredAnalysis {
  return StoredAnalysisSchema.parse({
    id: 7,
    eventId: 3,
    createdAt: '2026-11-24T07:00:00Z',
    models: [{ id: 'facemesh-468', version: '1' }],
    timingsMs: { total: 900 },
    expression: {
      onset: 8, apex: 12, offset: 18, head_motion: null, rois: [],
      aus: [{ code: 'AU1', side: 'B', intensity: 'D', confidence: 0.9 }, { code: 'AU2', side: 'B', intensity: 'C', confidence: 0.8 }],
      facs: '1D+2C',
      emotion: { label3: 'Surprise', label: 'surprise', confidence: 0.8 },
      prompt: 'p', description: 'Brows raised.', description_source: 'rules', description_model: 'rules-v1',
    },
    spotting: { onset: 8, apex: 12, offset: 18, source: 'spotting', curve: [0, 0.5, 1], threshold: 0.2, lag: 3, intervals: [] },
    overlays: ['colorwheel', 'mellm-hsv', 'magnitude'],
    face: { crop: [10, 20, 100, 120], landmarks: [[50, 60]], rois: [{ region: 'L-brow', box: [30, 40, 20, 10] }] },
    ...overrides,
  });
}

describe('stored analysis → Annotate view', () => {
  it('maps the suggestion, its source, overlays, spotting and the face in frame pixels', () => {
    const view = toAnalysisView(stored());
    expect(view.suggestion).toEqual({ aus: '1D+2C', emotion: 'surprise', label3: 'surprise', description: 'Brows raised.' });
    expect(view.describer).toBe('rules');
    expect(view.flowOverlay).toEqual({ analysisId: 7, crop: [10, 20, 100, 120] });
    expect(view.rois).toEqual([{ name: 'L-brow', x: 30, y: 40, width: 20, height: 10 }]);
    expect(view.landmarks).toEqual([[50, 60]]);
    expect(view.motionCurve).toEqual([0, 0.5, 1]);
    expect(view.motionCurveUnit).toBe('face');
    expect(view.spotted).toEqual({ onset: 8, apex: 12, offset: 18, source: 'spotting' });
  });

  it("labels a session's curve as deviations from each region's quiet motion", () => {
    const base = stored();
    expect(toAnalysisView(stored({ spotting: { ...base.spotting, curve_unit: 'quiet_deviations' } })).motionCurveUnit).toBe('deviations');
  });

  it('names the LLM model when the LLM wrote the description; no overlay without stored flow or face', () => {
    const base = stored();
    const llm = toAnalysisView(stored({ expression: { ...base.expression, description_source: 'llm', description_model: 'qwen2.5-0.5b' }, overlays: [] }));
    expect(llm.describer).toBe('qwen2.5-0.5b');
    // With its content fingerprint (analyses stored before it was recorded name the id only, as above).
    const known = toAnalysisView(stored({ expression: { ...base.expression, description_source: 'llm', description_model: 'qwen3:/models/llm:q4', description_model_content: '0123456789abcdef' } }));
    expect(known.describer).toBe('qwen3:/models/llm:q4 (content 0123456789abcdef)');
    expect(llm.flowOverlay).toBeNull();
    const old = toAnalysisView(stored({ face: undefined }));
    expect(old.flowOverlay).toBeNull();
    expect(old.landmarks).toBeNull();
    const none = toAnalysisView(stored({ expression: { ...base.expression, facs: '', description: '', emotion: { label3: null, label: null, confidence: 0 } } }));
    expect(none.suggestion).toEqual({ aus: null, emotion: null, label3: null, description: null });
  });
});

describe('marker overrides for analysis.run', () => {
  it('sends onset/apex (and offset) only when they are ordered', () => {
    expect(markerOverrides({ onset: 8, apex: 12, offset: 18 })).toEqual({ onset: 8, apex: 12, offset: 18 });
    expect(markerOverrides({ onset: 8, apex: 12, offset: 10 })).toEqual({ onset: 8, apex: 12 });
    expect(markerOverrides({ onset: 8, apex: null, offset: 18 })).toEqual({});
    expect(markerOverrides({ onset: 12, apex: 12, offset: 18 })).toEqual({});
    expect(markerOverrides({ onset: null, apex: null, offset: null })).toEqual({});
  });
});

describe('faceInFrame', () => {
  const face = new FaceService(defaultModelsDir());
  afterAll(() => face.dispose());

  it('puts crop landmarks and ROIs back where they are on the frame (real face, 200×240 crop)', async () => {
    const subject = await sampleFace(await face.models());
    const geometry = cropGeometry(faceCrop(subject.landmarks), 200, 240);
    const back = faceInFrame(cropFace(subject.landmarks, geometry));
    expect(back.crop).toEqual([...geometry.box]);
    expect(back.landmarks).toHaveLength(subject.landmarks.length);
    back.landmarks.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(subject.landmarks[i]![0], 6);
      expect(y).toBeCloseTo(subject.landmarks[i]![1], 6);
    });
    expect(back.rois).toHaveLength(29);
    const [cx, cy, cw, ch] = back.crop;
    for (const { box: [x, y, w, h] } of back.rois) {
      expect(w).toBeGreaterThan(0);
      expect(h).toBeGreaterThan(0);
      expect(x).toBeGreaterThanOrEqual(cx - 1);
      expect(y).toBeGreaterThanOrEqual(cy - 1);
      expect(x + w).toBeLessThanOrEqual(cx + cw + 1);
      expect(y + h).toBeLessThanOrEqual(cy + ch + 1);
    }
  });
});
