/**
 * Extracts and caches the ROI features the AU rules read, for every clip of a generated
 * synthetic set: from the exact expression flow (ground truth), from the pipeline given
 * the true onset/apex (oracle spotting) and from the full pipeline (spotting + flow).
 * The rule fitting (fit-au-rules.ts) and quick rule experiments then run in milliseconds.
 *
 *   node --import tsx bench/fit/features.ts --seed 20250101 --clips 300 [--variant name]
 *
 * The training set must use a seed other than the bench's (20261124): thresholds are
 * never fitted on the bench set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PipelineOptions, PipelineResult } from '../../src/main/analysis/pipeline/pipeline';
import { faceRollOf } from '../../src/main/analysis/pipeline/crop';
import { roiFeatures, type RoiFeature } from '../../src/main/analysis/roi-features';
import { defaultSynthPhotos } from '../../src/main/analysis/synth/photo';
import { writeFileAtomic } from '../../src/main/util/atomic-write';
import { ensurePipelineSet, exactExpression, setDir, SET_SEED, timedAnalysis, withPipelineServices, type SetClip } from '../benchmarks/pipeline-set';

/** What the rules need of a feature (au-rules.ts reads side, pixels and the mean vector). */
export type FitFeature = Pick<RoiFeature, 'region' | 'side' | 'pixels' | 'meanVectorNormalized'>;

export interface FitClip {
  readonly name: string;
  readonly kind: 'me' | 'still';
  /** Index of the face photo (identity) the clip was made from. */
  readonly identity: number;
  readonly degraded: boolean;
  readonly head: boolean;
  readonly truth: SetClip['truth'];
  /** In-plane face tilt (radians) at the true onset, what the AU rules get with the exact flow. */
  readonly roll: number;
  /** The tilt the pipeline itself passed to the AU rules (its own onset landmarks), per source. */
  readonly rolls?: { readonly oracle: number | null; readonly pipeline: number | null };
  readonly exact: readonly FitFeature[];
  readonly oracle: readonly FitFeature[] | null;
  readonly pipeline: readonly FitFeature[] | null;
  readonly pipelineOnset: number | null;
  readonly pipelineApex: number | null;
  readonly ms: number;
}

export function featuresPath(seed: number, variant: string): string {
  return join(setDir(seed), `fit-features-${variant}.json`);
}

export function loadFitClips(seed: number, variant: string): FitClip[] {
  return JSON.parse(readFileSync(featuresPath(seed, variant), 'utf8')) as FitClip[];
}

const compact = (features: readonly RoiFeature[]): FitFeature[] =>
  features.map((f) => ({ region: f.region, side: f.side, pixels: f.pixels, meanVectorNormalized: [f.meanVectorNormalized[0], f.meanVectorNormalized[1]] as const }));

const featuresOf = (result: PipelineResult): FitFeature[] | null =>
  result.overlay ? compact(roiFeatures(result.overlay.flow, result.overlay.face.rois, result.overlay.face.faceHeight)) : null;

const rollOf = (result: PipelineResult | undefined): number | null => (result?.overlay ? faceRollOf(result.overlay.face.landmarks) : null);

/** Pipeline variants compared while fitting (the default is what analyzeClip does). */
export const VARIANTS: Record<string, PipelineOptions> = {
  default: {},
  'onset3': { frameAverage: { onset: 3, apex: 1 } },
  'onset3-apex3': { frameAverage: { onset: 3, apex: 3 } },
  'onset3-apex2': { frameAverage: { onset: 3, apex: 2 } },
  accurate: { flowPreset: 'accurate' },
  'crop300': { flowSize: [300, 360] },
  'spot-floor-0.07': { spotting: { minPeak: 0.07 } },
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, clips: { type: 'string' }, variant: { type: 'string' }, force: { type: 'boolean' }, 'oracle-only': { type: 'boolean' } } });
  const seed = Number(values.seed ?? 20250101);
  const variant = values.variant ?? 'default';
  const options = VARIANTS[variant];
  if (!options) throw new Error(`unknown variant ${variant}`);
  const out = featuresPath(seed, variant);
  if (existsSync(out) && !values.force) {
    console.log(`cached: ${out}`);
    return;
  }
  if (seed === SET_SEED) console.warn('note: this is the bench set; use it to evaluate, never to fit');
  const identities = defaultSynthPhotos().length;
  await withPipelineServices(async (services) => {
    const set = await ensurePipelineSet(services.face, { me: Number(values.clips ?? 300), still: 12, timing: 0 }, console.log, seed);
    const run = (input: string, o: PipelineOptions) => timedAnalysis(services, input, { ...options, ...o });
    const clips: FitClip[] = [];
    for (const [i, clip] of set.entries()) {
      if (i % 25 === 0) console.log(`features ${i}/${set.length}`);
      if (clip.kind === 'timing') continue;
      const { truth } = clip;
      const full = values['oracle-only'] ? null : await run(clip.input, {});
      const oracle = await run(clip.input, { onset: truth.onset, apex: truth.apex, offset: truth.offset });
      const truthFace = await exactExpression(services, clip);
      const exact = compact(roiFeatures(truthFace.flow, truthFace.rois, truthFace.faceHeight));
      clips.push({
        name: clip.dir.split('/').pop() as string,
        kind: clip.kind,
        // The set takes its photos round-robin by clip index.
        identity: Number((clip.dir.match(/_(\d+)$/) ?? ['', '0'])[1]) % identities,
        degraded: truth.noise >= 2,
        head: Object.keys(truth.head).length > 0,
        truth,
        roll: truthFace.roll,
        rolls: { oracle: rollOf(oracle.result), pipeline: rollOf(full?.result) },
        exact,
        oracle: featuresOf(oracle.result),
        pipeline: full ? featuresOf(full.result) : null,
        pipelineOnset: full ? full.result.report.spotting.onset : null,
        pipelineApex: full ? full.result.report.spotting.apex : null,
        ms: full ? full.ms : oracle.ms,
      });
    }
    await writeFileAtomic(out, JSON.stringify(clips));
    console.log(`wrote ${clips.length} clips to ${out}`);
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) await main();
