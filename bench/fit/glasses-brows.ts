import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import type { Intensity } from '../../src/main/analysis/au-table';
import type { HeadMotion } from '../../src/main/analysis/synth/head-motion';
import { defaultSynthPhotos, loadSynthFace } from '../../src/main/analysis/synth/photo';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import type { FrameSequence } from '../../src/main/media/image';
import { defaultModelsDir } from '../../src/main/paths';

/**
 * The fitting set behind BROW_GROWTH_UNDER_GLASSES and ACROSS_ONLY_UNDER_GLASSES
 * (src/main/analysis/roi-features.ts): the six face-api photos at 320×240 with the
 * synthetic glasses, AU6+12 D, AU1+2 D, AU4 D, AU1+2 B and a still face with head motion
 * and tremor (seeds 4300–4354, never the confounders bench's 20261206), each a 40-frame
 * 30 fps clip through the whole pipeline (spotting, then the AU rules). Prints each clip's
 * AUs and occluded regions and the AU F1 over all of them. `npx tsx bench/fit/glasses-brows.ts`
 */
interface FitCase {
  readonly name: string;
  readonly aus: ReadonlyArray<{ au: number; intensity: Intensity }>;
  readonly head?: HeadMotion;
  readonly tremor?: boolean;
}
const CASES: readonly FitCase[] = [
  { name: 'AU6+12 D', aus: [{ au: 6, intensity: 'D' }, { au: 12, intensity: 'D' }] },
  { name: 'AU1+2 D', aus: [{ au: 1, intensity: 'D' }, { au: 2, intensity: 'D' }] },
  { name: 'AU4 D', aus: [{ au: 4, intensity: 'D' }] },
  { name: 'AU1+2 B', aus: [{ au: 1, intensity: 'B' }, { au: 2, intensity: 'B' }] },
  { name: 'still', aus: [], head: { translate: [2, -1], rotateDeg: 1 }, tremor: true },
];
const face = new FaceService(defaultModelsDir());
const flow = new FlowService(defaultModelsDir());
const models = { face: await face.models(), flow };
const tally = { tp: 0, fp: 0, fn: 0 };
for (const [p, photo] of defaultSynthPhotos().entries()) {
  const sf = await loadSynthFace(models.face, photo, 320, 240, 0.6);
  for (const [c, fit] of CASES.entries()) {
    const clip = synthesize({
      photo: sf.photo,
      landmarks: sf.landmarks,
      aus: fit.aus,
      fps: 30,
      frames: 40,
      onset: 14,
      apex: 19,
      offset: 26,
      noise: 0.5,
      seed: 4300 + p * 10 + c,
      ...(fit.head ? { head: fit.head } : {}),
      confounders: { glasses: {}, ...(fit.tremor ? { tremor: { amplitude: 0.4, frequency: 8 } } : {}) },
    });
    const frames = Array.from({ length: clip.truth.frames }, (_, t) => clip.render(t));
    const sequence: FrameSequence = { frameCount: frames.length, fps: 30, width: clip.truth.width, height: clip.truth.height, read: async (t) => frames[t] as (typeof frames)[number] };
    const { report } = await analyzeClip(sequence, models);
    const truth = new Set(fit.aus.map((a) => `AU${a.au}`));
    const found = new Set(report.aus.filter((a) => a.intensity !== 'A' && a.code !== 'AU45').map((a) => a.code));
    for (const code of found) tally[truth.has(code) ? 'tp' : 'fp'] += 1;
    for (const code of truth) if (!found.has(code)) tally.fn += 1;
    const occluded = report.rois.filter((r) => r.occluded).map((r) => r.region);
    console.log(photo.split('/').pop(), fit.name.padEnd(9), 'AUs', [...found].join('+') || '-', '| occluded', occluded.join(', ') || '-');
  }
}
console.log('AU F1', ((2 * tally.tp) / (2 * tally.tp + tally.fp + tally.fn)).toFixed(3), JSON.stringify(tally));
await Promise.all([face.dispose(), flow.dispose()]);
