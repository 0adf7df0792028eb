/**
 * Lab notes for the ROI features under eyeglasses: replays the ROI features (roi-features.ts
 * as it is now) and the AU rules on the expression flow, occlusion mask and ROIs that
 * bench/fit/glasses-flows.ts saved beside each glasses ME clip of FITTING seeds, and prints
 * each clip whose AUs differ from its truth (`-v`: every clip, with its brow, lower-lid and
 * cheek vectors in % of the face height), then the AU macro F1 with the per-AU TP/FP/FN.
 * The pipeline's later checks (return, onset) and the spotting are not replayed.
 *
 *   node --import tsx bench/fit/glasses-replay.ts --seeds 7100,7300,7500,7600,7700,7800,7900 [-v]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalyzeReport } from '../../src/shared/api/analysis';
import type { RoiBox } from '../../src/shared/rois';
import { inferAus } from '../../src/main/analysis/au-rules';
import { AU_RULES } from '../../src/main/analysis/au-table';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import type { SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { createFlowField } from '../../src/main/inference/flow/types';
import { auBreakdown, CONFOUNDER_SEED, CONFOUNDER_SET_VERSION, type ConfounderClip } from '../benchmarks/confounders';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, v: { type: 'boolean' } } });
const seeds = (values.seeds ?? '7100,7300,7500,7600,7700,7800,7900').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s === CONFOUNDER_SEED)) throw new Error(`Pick fitting seeds (integers other than the bench's ${CONFOUNDER_SEED}).`);

interface Reading {
  readonly width: number;
  readonly height: number;
  readonly rois: readonly RoiBox[];
  readonly faceHeight: number;
  readonly roll: number;
  readonly mask: boolean;
}
const vector = (v: readonly [number, number]): string => v.map((x) => x.toFixed(3)).join(', ');
const outcomes: Array<{ clip: ConfounderClip; report: Pick<AnalyzeReport, 'aus'> }> = [];
let classRight = 0;
for (const seed of seeds) {
  const root = join(tmpdir(), `mellm-bench-confounders-${CONFOUNDER_SET_VERSION}-${seed}`);
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!name.startsWith('glasses_me_') || !existsSync(join(dir, 'reading.json'))) continue;
    const reading = JSON.parse(readFileSync(join(dir, 'reading.json'), 'utf8')) as Reading;
    const flow = createFlowField(reading.width, reading.height);
    const raw = readFileSync(join(dir, 'reading-flow.bin'));
    if (raw.byteLength !== flow.data.byteLength) throw new Error(`${dir}: reading-flow.bin holds ${raw.byteLength} bytes, expected ${flow.data.byteLength}.`);
    flow.data.set(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    const occlusion = reading.mask ? { width: reading.width, height: reading.height, mask: new Uint8Array(readFileSync(join(dir, 'reading-mask.bin'))) } : undefined;
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as SynthTruth;
    const features = roiFeatures(flow, reading.rois, reading.faceHeight, occlusion);
    const aus = inferAus(features, AU_RULES, reading.roll).filter((a) => !a.blink);
    const label = inferEmotion(aus).label;
    if (label === truth.label) classRight += 1;
    const got = aus.map((a) => `${a.side === 'B' ? '' : a.side}${a.au}${a.intensity}`).join('+') || '-';
    const present = (facs: string): string => facs.replace(/[LR]/g, '').replace(/[A-E]/g, '');
    if (values.v || present(got) !== present(truth.facs)) console.log(seed, name, truth.facs, '→', got, label ?? '-', `(truth ${truth.label})`);
    if (values.v) {
      for (const f of features) if (f.group === 'eyebrow' || f.group === 'cheek' || f.region.includes('Lower Eyelid')) console.log('   ', f.region.padEnd(26), String(f.pixels).padStart(4), vector(f.meanVectorNormalized), f.occluded ?? '');
    }
    outcomes.push({ clip: { condition: 'glasses', kind: 'me', input: join(dir, 'frames'), truth }, report: { aus: aus.map((a) => ({ code: `AU${a.au}`, intensity: a.intensity })) as AnalyzeReport['aus'] } });
  }
}
const { score, text } = auBreakdown(outcomes);
console.log(`AU F1 ${score.macroF1.toFixed(3)} over ${outcomes.length} glasses MEs, class right ${classRight} | ${text}`);
