import { describe, expect, it } from 'vitest';
import { MASK_CODE } from '../../src/main/analysis/occlusion';
import { roiFeatures, type RoiFeature } from '../../src/main/analysis/roi-features';
import { cropFace, cropMotion, scanMotion, type CropFace } from '../../src/main/analysis/pipeline/motion';
import { cropGeometry, cropGray } from '../../src/main/analysis/pipeline/crop';
import { faceCrop } from '../../src/main/inference/face/face-crop';
import { createFlowField } from '../../src/main/inference/flow/types';
import type { FlowModel } from '../../src/main/inference/flow/model';
import type { FrameSequence } from '../../src/main/media/image';
import { canonicalLandmarks, drawFace } from '../helpers/canonical-face';

const SIZE = 240;
const landmarks = canonicalLandmarks(SIZE, SIZE, 190);
const photo = drawFace(SIZE, SIZE, landmarks);
const clip: FrameSequence = { frameCount: 8, fps: 30, width: SIZE, height: SIZE, read: async () => photo };
/** The cheeks rise 1 px on every pair of frames (the rest of the face is still). */
function risingCheeks(face: CropFace): FlowModel {
  return {
    id: 'rising-cheeks',
    estimate: async (a) => {
      const flow = createFlowField(a.width, a.height);
      for (const roi of face.rois.filter((r) => r.region.endsWith('Cheek'))) {
        const [x, y, w, h] = roi.box;
        for (let yy = Math.round(y); yy < Math.min(a.height, Math.round(y + 2 * h)); yy += 1) for (let xx = Math.round(x); xx < Math.round(x + w); xx += 1) flow.data[a.width * a.height + yy * a.width + xx] = -1;
      }
      return flow;
    },
  };
}

/** The spotting crop's face with a lens rim across the top rows of both cheek boxes. */
function faceUnderRim(): CropFace {
  const face = cropFace(landmarks, cropGeometry(faceCrop(landmarks), 80, 96));
  const { width, height } = face.geometry;
  const mask = new Uint8Array(width * height);
  for (const roi of face.rois.filter((r) => r.region.endsWith('Cheek'))) {
    const [x, y, w] = roi.box;
    for (let yy = Math.round(y); yy < Math.round(y) + 2; yy += 1) for (let xx = Math.round(x); xx < Math.round(x + w); xx += 1) mask[yy * width + xx] = MASK_CODE.glasses;
  }
  return { ...face, occlusion: { width, height, mask } };
}

const cheeks = (features: readonly RoiFeature[]) => features.filter((f) => f.region.endsWith('Cheek')).sort((a, b) => a.region.localeCompare(b.region)).map((f) => ({ region: f.region, occluded: f.occluded, readFrom: f.readFrom }));

describe('how the motion scan and the expression read a cheek under a glasses rim', () => {
  it('roiFeatures reads the cheek below the rim by default, and reports it occluded when asked not to', () => {
    const flow = createFlowField(30, 40);
    for (let i = 0; i < 1200; i += 1) flow.data[1200 + i] = -2;
    const mask = new Uint8Array(1200);
    for (let y = 4; y < 14; y += 1) for (let x = 0; x < 30; x += 1) mask[y * 30 + x] = MASK_CODE.glasses;
    const box = [{ region: 'Left Cheek', box: [5, 6, 12, 12] as const }];
    expect(roiFeatures(flow, box, 100, { width: 30, height: 40, mask })[0]).toMatchObject({ readFrom: 'below-rim', pixels: 144 });
    expect(roiFeatures(flow, box, 100, { width: 30, height: 40, mask }, { cheeksBelowRim: false })[0]).toMatchObject({ occluded: 'glasses', pixels: 0, meanMagnitude: 0 });
    // A cheek the rim does not reach is read as it is either way.
    expect(roiFeatures(flow, [{ region: 'Left Cheek', box: [5, 20, 12, 12] }], 100, { width: 30, height: 40, mask }, { cheeksBelowRim: false })[0]).toMatchObject({ pixels: 144 });
  });

  it('the spotting scan keeps a cheek under the rim out; the expression flow reads it below the rim', async () => {
    const face = faceUnderRim();
    const model = risingCheeks(face);
    const scanned: RoiFeature[][] = [];
    const signal = await scanMotion(clip, model, face, { lag: 2, onFeatures: (_frame, features) => scanned.push([...features]) });
    expect(scanned.length).toBe(6);
    for (const features of scanned) expect(cheeks(features)).toEqual([
      { region: 'Left Cheek', occluded: 'glasses', readFrom: undefined },
      { region: 'Right Cheek', occluded: 'glasses', readFrom: undefined },
    ]);
    expect([...(signal.channels['Left Cheek'] ?? [])].every((v) => v === 0)).toBe(true);
    const crop = cropGray(photo, face.geometry);
    const expression = await cropMotion(model, crop, crop, face);
    expect(cheeks(expression.features)).toEqual([
      { region: 'Left Cheek', occluded: undefined, readFrom: 'below-rim' },
      { region: 'Right Cheek', occluded: undefined, readFrom: 'below-rim' },
    ]);
  });
});
