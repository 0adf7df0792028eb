import { findSubject } from '../../src/main/analysis/pipeline/subject';
import { cropGeometry, cropGray } from '../../src/main/analysis/pipeline/crop';
import { cropFace } from '../../src/main/analysis/pipeline/motion';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import type { Intensity } from '../../src/main/analysis/au-table';
import { faceCrop } from '../../src/main/inference/face/face-crop';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import { defaultModelsDir } from '../../src/main/paths';

/**
 * How far the flow is bent around a rigid eyeglass frame while the skin under it moves
 * (the measurement behind SMEAR_REACH in src/main/analysis/occlusion.ts): the six face-api
 * photos at 320×240, AU1+2 and AU4 at E, seeds 4100–4151, rendered with and without the
 * synthetic glasses; both flows (onset → apex, the balanced preset) on one 200×240 crop;
 * above the eyes, the mean difference per Chebyshev distance from the frame's pixels,
 * against the bare clip's own motion there. `npx tsx bench/fit/occlusion-smear.ts`
 */
const face = new FaceService(defaultModelsDir());
const flow = new FlowService(defaultModelsDir());
const models = await face.models();
const model = flow.model(undefined, 'balanced');
const BINS = 16;
const err = new Float64Array(BINS);
const mag = new Float64Array(BINS);
const count = new Float64Array(BINS);
const cases: ReadonlyArray<ReadonlyArray<{ au: number; intensity: Intensity }>> = [
  [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'E' }],
  [{ au: 4, intensity: 'E' }],
];
for (const [p, photo] of defaultSynthPhotos().entries()) {
  const sf = await loadSynthFace(models, photo, 320, 240, 0.6);
  for (const [a, aus] of cases.entries()) {
    const clips = [false, true].map((glasses) => synthesize({ photo: sf.photo, landmarks: sf.landmarks, aus, fps: 30, frames: 30, onset: 8, apex: 12, offset: 18, noise: 0.5, seed: 4100 + p * 10 + a, ...(glasses ? { confounders: { glasses: {} } } : {}) }));
    const [bareClip, wornClip] = clips as [(typeof clips)[number], (typeof clips)[number]];
    const subject = await findSubject(models, bareClip.render(8));
    const geometry = cropGeometry(faceCrop(subject.landmarks), 200, 240);
    const cf = cropFace(subject.landmarks, geometry);
    const [bareOnset, wornOnset] = [cropGray(bareClip.render(8), geometry), cropGray(wornClip.render(8), geometry)];
    const bare = await model.estimate(bareOnset, cropGray(bareClip.render(12), geometry));
    const worn = await model.estimate(wornOnset, cropGray(wornClip.render(12), geometry));
    const { width: w, height: h } = bare;
    // Chebyshev distance from the frame's pixels (much darker with the glasses than without).
    const dist = new Int32Array(w * h).fill(1 << 30);
    const queue: number[] = [];
    for (let i = 0; i < w * h; i += 1) {
      if ((bareOnset.data[i] as number) - (wornOnset.data[i] as number) > 40) {
        dist[i] = 0;
        queue.push(i);
      }
    }
    for (let q = 0; q < queue.length; q += 1) {
      const i = queue[q] as number;
      const [x, y] = [i % w, Math.floor(i / w)];
      for (let dy = -1; dy <= 1; dy += 1) {
        for (let dx = -1; dx <= 1; dx += 1) {
          const [xx, yy] = [x + dx, y + dy];
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const j = yy * w + xx;
          if ((dist[j] as number) > (dist[i] as number) + 1) {
            dist[j] = (dist[i] as number) + 1;
            queue.push(j);
          }
        }
      }
    }
    const eyeY = (((cf.landmarks[159] as readonly number[])[1] as number) + ((cf.landmarks[386] as readonly number[])[1] as number)) / 2;
    for (let y = 0; y < Math.min(h, eyeY); y += 1) {
      for (let x = 0; x < w; x += 1) {
        const i = y * w + x;
        const d = dist[i] as number;
        if (d >= BINS) continue;
        const plane = w * h;
        err[d] = (err[d] as number) + Math.hypot((worn.data[i] as number) - (bare.data[i] as number), (worn.data[plane + i] as number) - (bare.data[plane + i] as number));
        mag[d] = (mag[d] as number) + Math.hypot(bare.data[i] as number, bare.data[plane + i] as number);
        count[d] = (count[d] as number) + 1;
      }
    }
  }
}
console.log('distance (px)  mean |Δflow|  mean |bare flow|  ratio  pixels');
for (let d = 0; d < BINS; d += 1) console.log(d, ((err[d] as number) / (count[d] as number)).toFixed(3), ((mag[d] as number) / (count[d] as number)).toFixed(3), ((err[d] as number) / (mag[d] as number)).toFixed(2), count[d]);
await Promise.all([face.dispose(), flow.dispose()]);
