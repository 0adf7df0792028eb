/**
 * Flow experiments on the generated hard pairs' FITTING seeds (never the held-out ones),
 * with the Middlebury pairs and the face pairs as guards: one run per pair, one ONNX
 * Runtime thread, and where the error is — occluded pixels (covered by another layer /
 * leaving the frame) against visible ones, by the true motion's magnitude and by the
 * distance to the nearest motion boundary (`--breakdown`).
 *
 *   node --import tsx bench/fit/flow-hard.ts --preset accurate [--set '{"alpha":12}'] [--breakdown]
 *
 * `--set` merges JSON into the preset's parameters; `--cost [--without match|propagation]`
 * times one step. Middlebury is read from ../shared/data/middlebury (or
 * $MELLM_SHARED_DIR/data/middlebury) when present.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { endPointError, readFlo } from '../../src/main/inference/flow/flo';
import { grayPlane } from '../../src/main/inference/flow/model';
import { extrapolateBorders, type BorderExtrapolationOptions } from '../../src/main/inference/flow/border-extrapolation';
import { fillOccludedGeodesic, type GeodesicFillOptions } from '../../src/main/inference/flow/occlusion-fill';
import { VariationalFlowModel } from '../../src/main/inference/flow/variational';
import { FLOW_CONFIGURATIONS, type FlowConfiguration, type VariationalFlowOptions } from '../../src/main/inference/flow/variational-presets';
import type { FlowField } from '../../src/main/inference/flow/types';
import { SessionCache } from '../../src/main/inference/onnx/session';
import { loadImageFile } from '../../src/main/media/image';
import { faceCases } from '../benchmarks/flow';
import { hardPairs, type HardPair } from '../benchmarks/flow-hard-pairs';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'accurate' },
    set: { type: 'string' },
    breakdown: { type: 'boolean', default: false },
    guards: { type: 'boolean', default: true },
    'no-guards': { type: 'boolean', default: false },
    /** Fill the TRUE occlusion mask (an upper bound on what occlusion handling can gain): JSON fill options. */
    'oracle-fill': { type: 'string' },
    /** Which true occlusions the oracle fills: covered, out or both. */
    'oracle-kind': { type: 'string', default: 'both' },
    /** Border extrapolation applied to the output (JSON options), before building it in. */
    border: { type: 'string' },
    /** CPU cost of one step alone (`--without`, default the occlusion handling): the preset with and without it, alternating in one process. */
    cost: { type: 'boolean', default: false },
    /** The parameter `--cost` leaves out: occlusions, match or propagation. */
    without: { type: 'string', default: 'occlusions' },
  },
});

/** Magnitude bins of the true motion (px). */
const BINS = [0, 5, 15, 30, Infinity] as const;
/** Bins of the distance (px) to the nearest motion boundary of the truth. */
const EDGE_BINS = [0, 10, 40, Infinity] as const;

/**
 * Chamfer distance (4-neighbour steps) of every pixel to the nearest motion boundary of
 * the truth: two 4-neighbours whose true flows differ by more than 1 px. Tells error in
 * bands along the layers' edges from error spread over whole regions.
 */
function boundaryDistance(truth: FlowField): Float32Array {
  const { width: w, height: h, data: t } = truth;
  const plane = w * h;
  const dist = new Float32Array(plane).fill(Infinity);
  const differs = (i: number, j: number) => Math.hypot((t[i] as number) - (t[j] as number), (t[plane + i] as number) - (t[plane + j] as number)) > 1;
  for (let i = 0; i < plane; i += 1) {
    if ((i % w) + 1 < w && differs(i, i + 1)) dist[i] = dist[i + 1] = 0;
    if (i + w < plane && differs(i, i + w)) dist[i] = dist[i + w] = 0;
  }
  for (let i = 0; i < plane; i += 1) dist[i] = Math.min(dist[i] as number, i % w ? (dist[i - 1] as number) + 1 : Infinity, i >= w ? (dist[i - w] as number) + 1 : Infinity);
  for (let i = plane - 1; i >= 0; i -= 1) dist[i] = Math.min(dist[i] as number, (i + 1) % w ? (dist[i + 1] as number) + 1 : Infinity, i + w < plane ? (dist[i + w] as number) + 1 : Infinity);
  return dist;
}

interface Breakdown {
  /** Error sums and pixel counts: visible, covered by another layer, leaving the frame. */
  readonly sums: [number, number, number];
  readonly counts: [number, number, number];
  /** Error sums and counts per magnitude bin (all pixels). */
  readonly binSums: number[];
  readonly binCounts: number[];
  /** Error sums per bin of distance to the nearest motion boundary. */
  readonly edgeSums: number[];
}

function breakdown(estimate: FlowField, pair: HardPair): Breakdown {
  const { width, height } = pair.truth;
  const plane = width * height;
  const sums: [number, number, number] = [0, 0, 0];
  const counts: [number, number, number] = [0, 0, 0];
  const binSums = new Array<number>(BINS.length - 1).fill(0);
  const binCounts = new Array<number>(BINS.length - 1).fill(0);
  const edgeSums = new Array<number>(EDGE_BINS.length - 1).fill(0);
  const edges = boundaryDistance(pair.truth);
  for (let i = 0; i < plane; i += 1) {
    const tu = pair.truth.data[i] as number;
    const tv = pair.truth.data[plane + i] as number;
    const e = Math.hypot((estimate.data[i] as number) - tu, (estimate.data[plane + i] as number) - tv);
    const x = (i % width) + tu;
    const y = Math.floor(i / width) + tv;
    const outside = x < 0 || y < 0 || x > width - 1 || y > height - 1;
    const kind = !pair.occluded[i] ? 0 : outside ? 2 : 1;
    sums[kind] += e;
    counts[kind] += 1;
    const m = Math.hypot(tu, tv);
    const bin = BINS.findIndex((b, k) => k > 0 && m < b) - 1;
    binSums[bin]! += e;
    binCounts[bin]! += 1;
    edgeSums[EDGE_BINS.findIndex((b, k) => k > 0 && (edges[i] as number) < b) - 1]! += e;
  }
  return { sums, counts, binSums, binCounts, edgeSums };
}

function oracleFill(flow: FlowField, pair: HardPair, frame1: Float32Array, options: GeodesicFillOptions): FlowField {
  const { width, height } = flow;
  const plane = width * height;
  const mask = new Uint8Array(plane);
  for (let i = 0; i < plane; i += 1) {
    if (!pair.occluded[i]) continue;
    const x = (i % width) + (pair.truth.data[i] as number);
    const y = Math.floor(i / width) + (pair.truth.data[plane + i] as number);
    const outside = x < 0 || y < 0 || x > width - 1 || y > height - 1;
    mask[i] = values['oracle-kind'] === 'both' || (values['oracle-kind'] === 'out') === outside ? 1 : 0;
  }
  return { width, height, data: fillOccludedGeodesic(flow.data, mask, frame1, width, height, options) };
}

/** Median CPU ms per pair with and without one of the preset's steps, alternating (same process, same load). */
async function stepCost(options: VariationalFlowOptions, step: string, workDir: string, sessions: SessionCache): Promise<void> {
  if (!['occlusions', 'match', 'propagation', 'textureless'].includes(step) || !(step in options)) throw new Error(`--without takes a step the preset has: occlusions, match, propagation or textureless (got ${step})`);
  const without = Object.fromEntries(Object.entries(options).filter(([key]) => key !== step)) as unknown as VariationalFlowOptions;
  const models = { with: new VariationalFlowModel(sessions, join(workDir, 'models'), options), without: new VariationalFlowModel(sessions, join(workDir, 'models'), without) };
  const cpu = { with: [] as number[], without: [] as number[] };
  for (const pair of await hardPairs(['fit'])) {
    const [a, b] = await Promise.all([loadImageFile(pair.frame1), loadImageFile(pair.frame2)]);
    await models.with.estimate(a, b);
    await models.without.estimate(a, b);
    for (let rep = 0; rep < 3; rep += 1) {
      for (const kind of (rep % 2 ? ['with', 'without'] : ['without', 'with']) as Array<'with' | 'without'>) {
        const before = process.cpuUsage();
        await models[kind].estimate(a, b);
        const used = process.cpuUsage(before);
        cpu[kind].push((used.user + used.system) / 1000);
      }
    }
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)] as number;
  console.log(`cpu ms per pair (median of ${cpu.with.length}, fitting pairs): with ${median(cpu.with).toFixed(1)}, without ${step} ${median(cpu.without).toFixed(1)}`);
}

async function main(): Promise<void> {
  const name = values.preset as FlowConfiguration;
  const base = FLOW_CONFIGURATIONS[name];
  if (!base) throw new Error(`Unknown preset ${name}`);
  const options: VariationalFlowOptions = { ...base, ...(values.set ? (JSON.parse(values.set) as object) : {}) };
  const workDir = mkdtempSync(join(tmpdir(), 'mellm-flow-fit-'));
  const sessions = new SessionCache({ intraOpThreads: 1 });
  const model = new VariationalFlowModel(sessions, join(workDir, 'models'), options);
  const timed = async (a: Parameters<VariationalFlowModel['estimate']>[0], b: Parameters<VariationalFlowModel['estimate']>[1]) => {
    await model.estimate(a, b);
    const before = process.cpuUsage();
    const flow = await model.estimate(a, b);
    const used = process.cpuUsage(before);
    return { flow, cpu: (used.user + used.system) / 1000 };
  };
  try {
    if (values.cost) return await stepCost(options, values.without as string, workDir, sessions);
    const pairs = await hardPairs(['fit']);
    const bands: Record<string, number[]> = { small: [], medium: [], large: [] };
    const cpu: number[] = [];
    const total: Breakdown = { sums: [0, 0, 0], counts: [0, 0, 0], binSums: new Array<number>(BINS.length - 1).fill(0), binCounts: new Array<number>(BINS.length - 1).fill(0), edgeSums: new Array<number>(EDGE_BINS.length - 1).fill(0) };
    for (const pair of pairs) {
      const [a, b] = await Promise.all([loadImageFile(pair.frame1), loadImageFile(pair.frame2)]);
      const timedFlow: { flow: FlowField; cpu: number } = await timed(a, b);
      const ms = timedFlow.cpu;
      if (values.border) timedFlow.flow = { ...timedFlow.flow, data: extrapolateBorders(timedFlow.flow.data, timedFlow.flow.width, timedFlow.flow.height, JSON.parse(values.border) as BorderExtrapolationOptions) };
      const flow = values['oracle-fill'] ? oracleFill(timedFlow.flow, pair, grayPlane(a), JSON.parse(values['oracle-fill']) as GeodesicFillOptions) : timedFlow.flow;
      cpu.push(ms);
      const epe = endPointError(flow, pair.truth);
      bands[pair.band]!.push(epe);
      const d = breakdown(flow, pair);
      for (let k = 0; k < 3; k += 1) {
        total.sums[k as 0] += d.sums[k as 0];
        total.counts[k as 0] += d.counts[k as 0];
      }
      d.binSums.forEach((s, k) => (total.binSums[k]! += s));
      d.binCounts.forEach((c, k) => (total.binCounts[k]! += c));
      d.edgeSums.forEach((e, k) => (total.edgeSums[k]! += e));
      if (values.breakdown) {
        const plane = pair.truth.width * pair.truth.height;
        const share = (k: number) => `${((100 * d.counts[k as 0]) / plane).toFixed(1)}% ${(d.sums[k as 0] / Math.max(1, d.counts[k as 0])).toFixed(2)}`;
        const edgeShares = d.edgeSums.map((s, k) => `${EDGE_BINS[k]}–${EDGE_BINS[k + 1]} px ${((100 * s) / (d.sums[0] + d.sums[1] + d.sums[2])).toFixed(0)}%`).join(', ');
        console.log(`${pair.name.padEnd(10)} epe ${epe.toFixed(3)}  visible ${share(0)}  covered ${share(1)}  out ${share(2)}  error share occluded ${(((d.sums[1] + d.sums[2]) / (d.sums[0] + d.sums[1] + d.sums[2])) * 100).toFixed(0)}%  by distance to a motion boundary ${edgeShares}`);
      }
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const all = Object.values(bands).flat();
    const median = [...cpu].sort((x, y) => x - y)[Math.floor(cpu.length / 2)] as number;
    let line = `${name}${values.set ? ` ${values.set}` : ''}: hard fit ${mean(all).toFixed(3)} (${['small', 'medium', 'large'].map((b) => mean(bands[b]!).toFixed(3)).join(' / ')}) cpu ${median.toFixed(0)} ms`;
    if (values.breakdown) {
      const sumAll = total.sums[0] + total.sums[1] + total.sums[2];
      const part = (k: number, label: string) => `${label} ${((100 * total.counts[k as 0]) / (total.counts[0] + total.counts[1] + total.counts[2])).toFixed(1)}% px, ${(total.sums[k as 0] / total.counts[k as 0]).toFixed(2)} px, ${((100 * total.sums[k as 0]) / sumAll).toFixed(0)}% of error`;
      console.log(`  ${part(0, 'visible')}; ${part(1, 'covered')}; ${part(2, 'out of frame')}`);
      console.log(`  by distance to a motion boundary: ${total.edgeSums.map((e, k) => `${EDGE_BINS[k]}–${EDGE_BINS[k + 1]} px ${((100 * e) / sumAll).toFixed(0)}% of error`).join('; ')}`);
      console.log(`  by |truth|: ${BINS.slice(0, -1).map((b, k) => `[${b}, ${BINS[k + 1]}) ${((100 * total.binCounts[k]!) / (total.counts[0] + total.counts[1] + total.counts[2])).toFixed(1)}% px ${(total.binSums[k]! / Math.max(1, total.binCounts[k]!)).toFixed(2)} px ${((100 * total.binSums[k]!) / sumAll).toFixed(0)}%`).join('; ')}`);
    }
    if (values.guards && !values['no-guards']) {
      const shared = process.env.MELLM_SHARED_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared');
      const dir = join(shared, 'data', 'middlebury');
      const middlebury: number[] = [];
      if (existsSync(dir)) {
        for (const seq of ['Dimetrodon', 'Grove2', 'Hydrangea', 'RubberWhale']) {
          const [a, b] = await Promise.all([loadImageFile(join(dir, seq, 'frame10.png')), loadImageFile(join(dir, seq, 'frame11.png'))]);
          middlebury.push(endPointError(await model.estimate(a, b), await readFlo(join(dir, seq, 'flow10.flo'))));
        }
      }
      const faces: number[] = [];
      for (const c of await faceCases(workDir)) {
        const [a, b] = await Promise.all([loadImageFile(c.frame1), loadImageFile(c.frame2)]);
        faces.push(endPointError(await model.estimate(a, b), c.truth));
      }
      line += `; middlebury ${middlebury.length ? mean(middlebury).toFixed(3) : 'absent'}; faces ${mean(faces).toFixed(3)}`;
    }
    console.log(line);
  } finally {
    await sessions.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
