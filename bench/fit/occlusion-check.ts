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
    const gray = cropGray(frame, geometry);
    const o = detectOcclusion(gray, cf.landmarks, cf.rois);
    const masked = o.mask.reduce((s, v) => s + (v ? 1 : 0), 0);
    // The darkest tenth of the brows: the box spanned by each brow's upper and lower contour landmarks.
    const brow: number[] = [];
    for (const ids of [[70, 63, 105, 66, 107, 46, 53, 52, 65, 55], [300, 293, 334, 296, 336, 276, 283, 282, 295, 285]]) {
      const ps = ids.map((i) => cf.landmarks[i] as readonly number[]);
      const [xs, ys] = [ps.map((q) => q[0] as number), ps.map((q) => q[1] as number)];
      for (let y = Math.round(Math.min(...ys)); y <= Math.max(...ys); y += 1) for (let x = Math.round(Math.min(...xs)); x <= Math.max(...xs); x += 1) brow.push(gray.data[y * gray.width + x] as number);
    }
    brow.sort((a, b) => a - b);
    console.log(photo.split('/').pop(), glasses ? 'glasses' : 'plain  ', `bridge ${o.scores.bridge.toFixed(3)} rims ${o.scores.rims.map((r) => r.toFixed(3)).join(' ')} foreheads ${o.scores.foreheads.map((r) => r.toFixed(2)).join(' ')} frame gray ${o.scores.shade} skin ${o.scores.skin} brows' darkest tenth ${brow[Math.floor(brow.length / 10)]} → glasses ${o.glasses} hair ${o.hair} masked ${masked}`);
  }
}
await service.dispose();
