import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Image8 } from '../../media/image';
import { writeFileAtomic } from '../../util/atomic-write';
import type { GraphBuilder } from '../onnx/graph';
import type { SessionCache } from '../onnx/session';
import { coarseMatch, matchFits, type CoarseMatchOptions } from './coarse-match';
import { PropagationScratch, propagateFlow, type FlowPropagationOptions } from './flow-propagation';
import { OcclusionScratch, handleOcclusions, type OcclusionOptions } from './occlusions';
import { fillTextureless, type TexturelessFillOptions } from './textureless-fill';
import { assertSameSize, throwIfAborted, writeGray, type FlowEstimateOptions, type FlowModel } from './model';
import type { FlowField } from './types';
import { buildFlowPyramidGraph, buildFlowUpsampleGraph, buildFlowWarpGraph, FRAMES_INPUT, PIXEL_SCALE, SMOOTHNESS_INPUT, levelSmoothness, levelWarpOptions, levelWarps } from './variational-graph';
import { FLOW_CONFIGURATIONS, type FlowConfiguration, type VariationalFlowOptions } from './variational-presets';

export const VARIATIONAL_MODEL_ID = 'flow-variational';
/** Bumped whenever the generator changes what a given parameter set produces. */
const GENERATOR_VERSION = 9;
/** The coarsest pyramid level keeps at least this many pixels on its short side. */
const MIN_COARSE_SIDE = 12;
/** Frame-pair buffers a model keeps for reuse (calls in flight at once, beyond which they are left to the collector). */
const MAX_SPARE_FRAMES = 2;

/** The preset's parameters with the pyramid depth clamped to what the frame size allows. */
export function optionsForSize(options: VariationalFlowOptions, width: number, height: number): VariationalFlowOptions {
  const side = Math.min(width, height);
  let levels = 1;
  while (levels < options.levels && side * options.scale ** levels >= MIN_COARSE_SIDE) levels += 1;
  const finestLevel = Math.min(options.finestLevel, levels - 1);
  const { match: wanted, ...rest } = options;
  // Matching runs on its level, or a coarser one when that level's cost volume is too big;
  // frames too small to have the level get none (their motion is small at the coarsest level).
  let match = wanted && wanted.level >= finestLevel ? wanted : undefined;
  while (match && match.level < levels && !matchFits(Math.ceil(width * options.scale ** match.level), Math.ceil(height * options.scale ** match.level), match.radius)) match = { ...match, level: match.level + 1 };
  return { ...rest, levels, finestLevel, ...(match && match.level < levels ? { match } : {}) };
}

/** One generated graph file and the key its session is cached under. */
export interface GeneratedGraph {
  readonly key: string;
  readonly path: string;
}

/**
 * The staged flow of one parameter set: the pyramid, then per solved level (coarse to
 * fine) the upsampled flow of the level above and `runs` runs of that level's warp graph
 * (`warps` warps in all: one a run, or all in one run with `fineWarpsInOneRun`), then (when
 * the finest levels are not solved) one more upsample to full resolution.
 * Levels with the same warp options share one warp graph, whatever their size; where every
 * level of a warp graph warps once and its flow goes there from the level above untouched
 * (no matching or propagation on it), the upsampling runs inside that warp (`upsampleWarp`).
 */
export interface VariationalGraphs {
  readonly pyramid: GeneratedGraph;
  readonly upsample: GeneratedGraph;
  readonly levels: ReadonlyArray<{
    readonly level: number;
    readonly warps: number;
    /** Runs of the level's graph (each warps `warps / runs` times). */
    readonly runs: number;
    /** The level's warp graph (null: its one warp runs in `upsampleWarp`). */
    readonly warp: GeneratedGraph | null;
    /** The level's warp with the level above's flow upsampled in it (null: upsampled on its own). */
    readonly upsampleWarp: GeneratedGraph | null;
    readonly smoothness: number | null;
  }>;
  /** Whether the solved flow is upsampled to the input size at the end. */
  readonly finalUpsample: boolean;
  /** Block matching added to the flow at its level before that level's warps (null: none). */
  readonly match: CoarseMatchOptions | null;
  /** Neighbours' flows tried on these levels, after the match and before the warps. */
  readonly propagation: readonly FlowPropagationOptions[];
  /** Occlusion handling after the finest solved level (null: none). */
  readonly occlusions: OcclusionOptions | null;
  /** Affine fill of textureless regions after the warps of these levels. */
  readonly textureless: readonly TexturelessFillOptions[];
}

/** What the pyramid graph depends on; the warp graph depends on everything else. */
function pyramidParameters(options: VariationalFlowOptions) {
  const { levels, scale, finestLevel, presmooth, texture } = options;
  return { levels, scale, finestLevel, presmooth, texture };
}

function warpParameters(options: VariationalFlowOptions) {
  // Fields that only shape the pyramid or count the warps: leaving them out lets levels and
  // frame sizes with the same warp share a graph and its session.
  const { levels: _l, scale: _s, finestLevel: _f, presmooth: _p, texture: _t, warps: _w, fineWarps: _fw, fineWarpsInOneRun: _wr, exactMedianFinest: _e, match: _m, propagation: _pr, occlusions: _o, textureless: _tl, ...rest } = options;
  // A fed α (it changes by level) is an input of the graph, not one of its constants.
  if (!rest.alphaPerLevel) return rest;
  const { alpha: _a, alphaPerLevel: _apl, ...fed } = rest;
  return { ...fed, smoothness: 'input' };
}

function graphKey(stage: string, parameters: object): string {
  const json = JSON.stringify({ v: GENERATOR_VERSION, stage, ...parameters });
  return `${VARIATIONAL_MODEL_ID}-${stage}-${createHash('sha256').update(json).digest('hex').slice(0, 16)}`;
}

/** Writes a graph into models/generated/ once per key (atomically). */
async function ensureGraph(modelsDir: string, key: string, parameters: object, build: () => GraphBuilder): Promise<GeneratedGraph> {
  const path = join(modelsDir, 'generated', `${key}.onnx`);
  if (!existsSync(path)) {
    await mkdir(join(modelsDir, 'generated'), { recursive: true });
    const bytes = build().toBytes({
      producer: 'mellm-workstation flow generator',
      metadata: { generator: `variational-flow v${GENERATOR_VERSION}`, options: JSON.stringify(parameters) },
    });
    await writeFileAtomic(path, bytes, 0o644);
  }
  return { key, path };
}

/** Generates the staged graphs of one parameter set into models/generated/ (each once). */
export async function ensureVariationalModel(modelsDir: string, options: VariationalFlowOptions): Promise<VariationalGraphs> {
  const pyramidParams = pyramidParameters(options);
  const pyramid = await ensureGraph(modelsDir, graphKey('pyramid', pyramidParams), pyramidParams, () => buildFlowPyramidGraph(options));
  const upsample = await ensureGraph(modelsDir, graphKey('upsample', {}), {}, () => buildFlowUpsampleGraph());
  const plan: Array<{ level: number; warpOptions: VariationalFlowOptions; params: object; key: string; warps: number; runs: number; perRun: number; direct: boolean }> = [];
  for (let level = options.levels - 1; level >= options.finestLevel; level -= 1) {
    const warpOptions = levelWarpOptions(options, level);
    const warps = levelWarps(options, level);
    const fine = level - options.finestLevel < (options.fineWarps?.length ?? 0);
    const runs = options.fineWarpsInOneRun && fine ? Math.min(1, warps) : warps;
    const perRun = runs > 0 ? warps / runs : 1;
    // A graph warping several times a run is another graph; a one-warp graph's key leaves the count out.
    const params = perRun > 1 ? { ...warpParameters(warpOptions), warpsPerRun: perRun } : warpParameters(warpOptions);
    // One run, reached by the level above's flow untouched (no matching or propagation first).
    const direct = level < options.levels - 1 && runs === 1 && options.match?.level !== level && !(options.propagation ?? []).some((step) => step.level === level);
    plan.push({ level, warpOptions, params, key: graphKey('warp', params), warps, runs, perRun, direct });
  }
  // A warp graph whose every run can take the upsampling in is replaced by its upsampling
  // form; one that other runs need stays alone (an upsampling form beside it would be one
  // more session to create at start-up for a run saved per level).
  const merged = (key: string) => plan.every((p) => p.key !== key || p.direct);
  const levels: Array<VariationalGraphs['levels'][number]> = [];
  for (const { level, warpOptions, params, key, warps, runs, perRun } of plan) {
    const upsampleWarp = merged(key) ? await ensureGraph(modelsDir, graphKey('upsample-warp', params), params, () => buildFlowWarpGraph(warpOptions, true, perRun)) : null;
    const warp = upsampleWarp ? null : await ensureGraph(modelsDir, key, params, () => buildFlowWarpGraph(warpOptions, false, perRun));
    levels.push({ level, warps, runs, warp, upsampleWarp, smoothness: options.alphaPerLevel ? levelSmoothness(options, level) : null });
  }
  return { pyramid, upsample, levels, finalUpsample: options.finestLevel > 0, match: options.match ?? null, propagation: options.propagation ?? [], occlusions: options.occlusions ?? null, textureless: options.textureless ?? [] };
}

/** The graphs a call runs (each one session). */
export function stageGraphs(graphs: VariationalGraphs): GeneratedGraph[] {
  const all = [graphs.pyramid, graphs.upsample, ...graphs.levels.map((l) => (l.upsampleWarp ?? l.warp) as GeneratedGraph)];
  return [...new Map(all.map((graph) => [graph.key, graph])).values()];
}

type Feeds = Record<string, ort.Tensor>;

/** The flow propagated from the level above plus the displacement block matching finds on top of it. */
function matchedFlow(frames: Float32Array, flow: Float32Array, w: number, h: number, options: CoarseMatchOptions): Float32Array {
  const plane = w * h;
  const frame2 = frames.subarray(plane, 2 * plane);
  const warped = new Float32Array(plane);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const i = y * w + x;
      const sx = Math.min(w - 1, Math.max(0, x + (flow[i] as number)));
      const sy = Math.min(h - 1, Math.max(0, y + (flow[plane + i] as number)));
      const x0 = Math.min(w - 2, Math.floor(sx));
      const y0 = Math.min(h - 2, Math.floor(sy));
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (yy: number, xx: number) => frame2[yy * w + xx] as number;
      warped[i] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  const residual = coarseMatch(frames.subarray(0, plane), warped, w, h, options);
  const out = new Float32Array(2 * plane);
  for (let i = 0; i < 2 * plane; i += 1) out[i] = (flow[i] as number) + (residual[i] as number);
  return out;
}

/** The default flow model: the generated coarse-to-fine variational graphs on ONNX Runtime. */
export class VariationalFlowModel implements FlowModel {
  readonly id: string;
  readonly #sessions: SessionCache;
  readonly #modelsDir: string;
  readonly #options: VariationalFlowOptions;
  /** The graphs per frame size (`width×height`), generated or found on disk once. */
  readonly #graphsBySize = new Map<string, Promise<VariationalGraphs>>();
  /**
   * Gray frame pairs of finished calls, kept for the next call of the same size: a fresh
   * 2.5 MB plane pair per 640×480 call is garbage V8 collects with a mark-compact every
   * few calls, on its helper threads beside the flow. One per call in flight (calls may
   * overlap), the last size only.
   */
  readonly #spareFrames: Float32Array[] = [];
  /** The propagation step's working planes (it is synchronous, so one serves overlapping calls). */
  readonly #propagationScratch = new PropagationScratch();
  /** The occlusion handling's working planes (synchronous too). */
  readonly #occlusionScratch = new OcclusionScratch();

  constructor(sessions: SessionCache, modelsDir: string, preset: FlowConfiguration | VariationalFlowOptions = 'balanced') {
    this.#sessions = sessions;
    this.#modelsDir = modelsDir;
    this.#options = typeof preset === 'string' ? FLOW_CONFIGURATIONS[preset] : preset;
    this.id = typeof preset === 'string' ? `${VARIATIONAL_MODEL_ID}:${preset}` : `${VARIATIONAL_MODEL_ID}:custom`;
  }

  /**
   * Generates the graphs for frames of this size and creates their sessions now, so that
   * the first estimate at that size does not pay for them (a job process does this at start-up).
   */
  async prepare(width: number, height: number): Promise<void> {
    const graphs = await this.#graphs(width, height);
    await Promise.all(stageGraphs(graphs).map((graph) => this.#session(graph)));
  }

  async estimate(frame1: Image8, frame2: Image8, options: FlowEstimateOptions = {}): Promise<FlowField> {
    assertSameSize(frame1, frame2);
    const { width, height } = frame1;
    const { signal } = options;
    const graphs = await this.#graphs(width, height);
    throwIfAborted(signal);
    const size = 2 * width * height;
    const pair = this.#spareFrames.at(-1)?.length === size ? (this.#spareFrames.pop() as Float32Array) : new Float32Array(size);
    try {
      return await this.#solve(graphs, pair, frame1, frame2, signal);
    } finally {
      if (this.#spareFrames[0]?.length !== size) this.#spareFrames.length = 0;
      if (this.#spareFrames.length < MAX_SPARE_FRAMES) this.#spareFrames.push(pair);
    }
  }

  async #solve(graphs: VariationalGraphs, pair: Float32Array, frame1: Image8, frame2: Image8, signal: AbortSignal | undefined): Promise<FlowField> {
    const { width, height } = frame1;
    // The warp and upsample graphs have one output each (unnamed: see buildFlowPyramidGraph).
    const run = async (graph: GeneratedGraph, feeds: Feeds): Promise<ort.Tensor> => {
      const session = await this.#session(graph);
      const result = await session.run(feeds);
      throwIfAborted(signal);
      return result[session.outputNames[0] as string] as ort.Tensor;
    };
    writeGray(frame1, pair, 0, PIXEL_SCALE);
    writeGray(frame2, pair, width * height, PIXEL_SCALE);
    const input = new ort.Tensor('float32', pair, [2, 1, height, width]);
    const pyramidSession = await this.#session(graphs.pyramid);
    const pyramid = await pyramidSession.run({ [FRAMES_INPUT]: input });
    throwIfAborted(signal);
    let flow: ort.Tensor | null = null;
    const finestLevel = graphs.levels.at(-1)?.level ?? 0;
    for (const { level, runs, warp, upsampleWarp, smoothness } of graphs.levels) {
      // The pyramid's outputs are the solved levels, finest first.
      const frames = pyramid[pyramidSession.outputNames[level - finestLevel] as string] as ort.Tensor;
      const [, , h, w] = frames.dims as [number, number, number, number];
      const fed: Feeds = smoothness === null ? {} : { [SMOOTHNESS_INPUT]: new ort.Tensor('float32', Float32Array.of(smoothness), []) };
      if (upsampleWarp && flow) {
        // The level's one run, the level above's flow upsampled inside it (nothing runs between them).
        flow = await run(upsampleWarp, { frames, flow, ...fed });
      } else {
        flow = flow === null ? new ort.Tensor('float32', new Float32Array(2 * h * w), [1, 2, h, w]) : await run(graphs.upsample, { flow, target: frames });
        flow = this.#beforeWarps(graphs, level, frames, flow);
        for (let i = 0; i < runs; i += 1) flow = await run(warp as GeneratedGraph, { frames, flow, ...fed });
      }
      // In place: every flow here is this call's own buffer (an ONNX Runtime output or a new array), read only through the result.
      if (graphs.occlusions) flow = new ort.Tensor('float32', handleOcclusions(frames.data as Float32Array, flow.data as Float32Array, w, h, graphs.occlusions, level, finestLevel, true, this.#occlusionScratch), [1, 2, h, w]);
      for (const fill of graphs.textureless) {
        if (fill.level === level) flow = new ort.Tensor('float32', fillTextureless((frames.data as Float32Array).subarray(0, w * h), flow.data as Float32Array, w, h, fill), [1, 2, h, w]);
      }
    }
    if (graphs.finalUpsample) flow = await run(graphs.upsample, { flow: flow as ort.Tensor, target: input });
    // The last stage's output is this call's own buffer (ONNX Runtime copies every output
    // into a fresh one; the steps between the graphs write into it or return new arrays):
    // no copy needed.
    return { width, height, data: (flow as ort.Tensor).data as Float32Array };
  }

  /** The level's matching and propagation, on its upsampled flow before the warps. */
  #beforeWarps(graphs: VariationalGraphs, level: number, frames: ort.Tensor, upsampled: ort.Tensor): ort.Tensor {
    const [, , h, w] = frames.dims as [number, number, number, number];
    const pair = frames.data as Float32Array;
    let flow = upsampled;
    if (graphs.match?.level === level) flow = new ort.Tensor('float32', matchedFlow(pair, flow.data as Float32Array, w, h, graphs.match), [1, 2, h, w]);
    for (const step of graphs.propagation) {
      if (step.level !== level) continue;
      // In place: the flow is this call's own buffer (an ONNX Runtime output or a new array).
      flow = new ort.Tensor('float32', propagateFlow(pair.subarray(0, w * h), pair.subarray(w * h, 2 * w * h), flow.data as Float32Array, w, h, step, this.#propagationScratch, true), [1, 2, h, w]);
    }
    return flow;
  }

  #graphs(width: number, height: number): Promise<VariationalGraphs> {
    const size = `${width}×${height}`;
    let graphs = this.#graphsBySize.get(size);
    if (!graphs) {
      graphs = ensureVariationalModel(this.#modelsDir, optionsForSize(this.#options, width, height));
      this.#graphsBySize.set(size, graphs);
      graphs.catch(() => this.#graphsBySize.delete(size));
    }
    return graphs;
  }

  #session(graph: GeneratedGraph): Promise<ort.InferenceSession> {
    return this.#sessions.get(graph.key, graph.path, { graphOptimizationLevel: 'extended', memoryPattern: false });
  }
}
