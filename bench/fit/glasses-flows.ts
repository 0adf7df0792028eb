/**
 * Lab notes for the ROI features under eyeglasses: runs the confounders bench's glasses ME
 * clips of a FITTING seed (never the bench's 20261206) through the pipeline and saves, beside
 * each clip, what the ROI features are read from — the first analysed interval's expression
 * flow (`reading-flow.bin`, float32 u plane then v plane), the occlusion mask
 * (`reading-mask.bin`, one byte a pixel) and the ROIs, face height and tilt (`reading.json`) —
 * so that bench/fit/glasses-replay.ts can replay the features and the AU rules on them in a
 * second. Prints one line per clip: truth → reading, the spotted intervals.
 *
 *   MELLM_CONFOUNDER_CONDITIONS=glasses node --import tsx bench/fit/glasses-flows.ts --seed 7100 --clips 12
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFOUNDER_SEED, ensureClips } from '../benchmarks/confounders';
import { timedAnalysis, withPipelineServices } from '../benchmarks/pipeline-set';
import { faceRollOf } from '../../src/main/analysis/pipeline/crop';

const { values } = parseArgs({ options: { seed: { type: 'string' }, clips: { type: 'string' } } });
const seed = Number(values.seed ?? 7100);
if (!Number.isInteger(seed) || seed === CONFOUNDER_SEED) throw new Error(`Pick a fitting seed (an integer other than the bench's ${CONFOUNDER_SEED}).`);
const perCondition = Number(values.clips ?? 12);

await withPipelineServices(async (services) => {
  const clips = await ensureClips(services, perCondition, (m) => console.error(m), seed);
  for (const clip of clips.filter((c) => c.kind === 'me' && c.condition === 'glasses')) {
    const { result } = await timedAnalysis(services, clip.input, {});
    const { report, overlay } = result;
    const dir = dirname(clip.input);
    if (overlay) {
      const { flow, face } = overlay;
      writeFileSync(join(dir, 'reading-flow.bin'), Buffer.from(flow.data.buffer, flow.data.byteOffset, flow.data.byteLength));
      if (face.occlusion) writeFileSync(join(dir, 'reading-mask.bin'), Buffer.from(face.occlusion.mask));
      writeFileSync(join(dir, 'reading.json'), JSON.stringify({ width: flow.width, height: flow.height, rois: face.rois, faceHeight: face.faceHeight, roll: faceRollOf(face.landmarks), mask: face.occlusion !== undefined }));
    }
    writeFileSync(join(dir, 'reading-report.json'), JSON.stringify(report));
    const spotted = report.spotting.intervals.map((iv) => `${iv.onset}/${iv.apex}/${iv.offset}`).join(' ') || '-';
    console.log(dir.split('/').pop(), clip.truth.facs, '→', report.aus.map((a) => `${a.code}${a.intensity}`).join('+') || '-', report.emotion.label3 ?? '-', spotted);
  }
});
