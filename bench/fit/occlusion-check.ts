import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { findSubject } from '../../src/main/analysis/pipeline/subject';
import { faceCrop } from '../../src/main/inference/face/face-crop';
import { cropGeometry, cropGray } from '../../src/main/analysis/pipeline/crop';
import { cropFace } from '../../src/main/analysis/pipeline/motion';
import { detectOcclusion } from '../../src/main/analysis/occlusion';

/**
 * The occlusion detector's scores on the six face-api photos with and without synthetic
 * glasses (the check behind BAR_CONTRAST in src/main/analysis/occlusion.ts):
 * `npx tsx bench/fit/occlusion-check.ts`.
 */
const service = new FaceService(defaultModelsDir());
const models = await service.models();
for (const photo of defaultSynthPhotos()) {
  const face = await loadSynthFace(models, photo, 320, 240, 0.6);
  for (const glasses of [false, true]) {
    const clip = synthesize({ photo: face.photo, landmarks: face.landmarks, aus: [{ au: 1, intensity: 'C' }], fps: 30, frames: 10, onset: 1, apex: 4, offset: 8, ...(glasses ? { confounders: { glasses: {} } } : {}) });
    const frame = clip.render(0);
    const subject = await findSubject(models, frame);
    const geometry = cropGeometry(faceCrop(subject.landmarks), 200, 240);
    const cf = cropFace(subject.landmarks, geometry);
    const o = detectOcclusion(cropGray(frame, geometry), cf.landmarks, cf.rois);
    const masked = o.mask.reduce((s, v) => s + (v ? 1 : 0), 0);
    console.log(photo.split('/').pop(), glasses ? 'glasses' : 'plain  ', `bridge ${o.scores.bridge.toFixed(3)} rims ${o.scores.rims.map((r) => r.toFixed(3)).join(' ')} foreheads ${o.scores.foreheads.map((r) => r.toFixed(2)).join(' ')} → glasses ${o.glasses} hair ${o.hair} masked ${masked}`);
  }
}
await service.dispose();
