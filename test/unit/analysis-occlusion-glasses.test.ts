import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectOcclusion, MASK_CODE, type Occlusion } from '../../src/main/analysis/occlusion';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { cropGeometry, cropGray } from '../../src/main/analysis/pipeline/crop';
import { cropFace, type CropFace } from '../../src/main/analysis/pipeline/motion';
import { findSubject } from '../../src/main/analysis/pipeline/subject';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import type { FaceModels } from '../../src/main/inference/face/analyze';
import { faceCrop } from '../../src/main/inference/face/face-crop';
import { FaceService } from '../../src/main/inference/face/service';
import { createFlowField } from '../../src/main/inference/flow/types';
import type { GrayImage } from '../../src/main/media/image';
import { defaultModelsDir } from '../../src/main/paths';

/**
 * The six face-api sample photos with and without the synthetic glasses (glassesShape),
 * on the 200×240 expression crop found by the real FaceMesh, as the pipeline sees them.
 * What this cannot show: real frames (metal, rimless, reflections of real lenses) and
 * brows as dark as the frame crossing them — the drawn frame is one dark colour.
 */
interface Case {
  readonly photo: string;
  readonly face: CropFace;
  readonly bare: GrayImage;
  readonly worn: GrayImage;
}

const service = new FaceService(defaultModelsDir());
const cases: Case[] = [];
const brows = ['Left Inner Eyebrow', 'Left Outer Eyebrow', 'Right Inner Eyebrow', 'Right Outer Eyebrow'];

beforeAll(async () => {
  const models: FaceModels = await service.models();
  for (const photo of defaultSynthPhotos()) {
    const sf = await loadSynthFace(models, photo, 320, 240, 0.6);
    const render = (glasses: boolean) => synthesize({ photo: sf.photo, landmarks: sf.landmarks, aus: [], fps: 30, frames: 4, onset: 1, apex: 2, offset: 3, ...(glasses ? { confounders: { glasses: {} } } : {}) }).render(0);
    const [bare, worn] = [render(false), render(true)];
    // One crop for both renders, from the face with glasses on (what the pipeline would find).
    const subject = await findSubject(models, worn);
    const geometry = cropGeometry(faceCrop(subject.landmarks), 200, 240);
    cases.push({ photo: photo.split('/').pop() as string, face: cropFace(subject.landmarks, geometry), bare: cropGray(bare, geometry), worn: cropGray(worn, geometry) });
  }
}, 120_000);
afterAll(() => service.dispose());

const found = (c: Case, glasses: boolean): Occlusion => detectOcclusion(glasses ? c.worn : c.bare, c.face.landmarks, c.face.rois);

describe('glasses on the six face-api photos: the frame masked, the brows readable', () => {
  it('masks the drawn frame: almost every frame pixel over the face (the temples aside)', () => {
    for (const c of cases) {
      const o = found(c, true);
      expect(o.glasses, c.photo).toBe(true);
      // Frame pixels: where the glasses darken the crop by far more than the lens tint does,
      // from half an eye width outside one outer eye corner to as far outside the other.
      const [right, left] = [c.face.landmarks[33], c.face.landmarks[263]] as [readonly number[], readonly number[]];
      const eye = Math.abs((right[0] as number) - ((c.face.landmarks[133] as readonly number[])[0] as number));
      const [xa, xb] = [(right[0] as number) - 0.5 * eye, (left[0] as number) + 0.5 * eye];
      let frame = 0;
      let masked = 0;
      for (let i = 0; i < c.bare.data.length; i += 1) {
        const x = i % o.width;
        if (x < xa || x > xb || (c.bare.data[i] as number) - (c.worn.data[i] as number) < 40) continue;
        frame += 1;
        if (o.mask[i] === MASK_CODE.glasses) masked += 1;
      }
      expect(frame, c.photo).toBeGreaterThan(400);
      expect(masked / frame, c.photo).toBeGreaterThan(0.85);
    }
  });

  it('reads every brow region: a brow raise under the frame comes out as up, not occluded', () => {
    for (const c of cases) {
      const o = found(c, true);
      // The skin moves up everywhere; where the mask holds, a sliding frame edge would read down.
      const flow = createFlowField(o.width, o.height);
      const plane = o.width * o.height;
      for (let i = 0; i < plane; i += 1) flow.data[plane + i] = o.mask[i] ? 3 : -1;
      const features = roiFeatures(flow, c.face.rois, c.face.faceHeight, o);
      for (const region of brows) {
        const f = features.find((r) => r.region === region);
        expect(f?.occluded, `${c.photo} ${region}`).toBeUndefined();
        expect(f?.meanVector[1], `${c.photo} ${region}`).toBeCloseTo(-1, 6);
      }
    }
  });

  it('never masks a face without glasses', () => {
    for (const c of cases) {
      const o = found(c, false);
      expect(o.glasses, c.photo).toBe(false);
      expect(o.mask.every((v) => v !== MASK_CODE.glasses), c.photo).toBe(true);
    }
  });
});
