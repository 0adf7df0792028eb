import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Image8 } from '../../media/image';
import { writeFileAtomic } from '../../util/atomic-write';
import type { SessionCache } from '../onnx/session';
import { assertSameSize, grayPlane, throwIfAborted, type FlowEstimateOptions, type FlowModel } from './model';
import type { FlowField } from './types';
import { FLOW_PRESETS, buildVariationalFlowGraph, type FlowPreset, type VariationalFlowOptions } from './variational-graph';

export const VARIATIONAL_MODEL_ID = 'flow-variational';
/** Bumped whenever the generator changes what a given parameter set produces. */
const GENERATOR_VERSION = 3;
/** The coarsest pyramid level keeps at least this many pixels on its short side. */
const MIN_COARSE_SIDE = 12;

/** The preset's parameters with the pyramid depth clamped to what the frame size allows. */
export function optionsForSize(options: VariationalFlowOptions, width: number, height: number): VariationalFlowOptions {
  const side = Math.min(width, height);
  let levels = 1;
  while (levels < options.levels && side * options.scale ** levels >= MIN_COARSE_SIDE) levels += 1;
  return { ...options, levels, finestLevel: Math.min(options.finestLevel, levels - 1) };
}

export function variationalModelKey(options: VariationalFlowOptions): string {
  const json = JSON.stringify({ v: GENERATOR_VERSION, ...options });
  return `${VARIATIONAL_MODEL_ID}-${createHash('sha256').update(json).digest('hex').slice(0, 16)}`;
}

/** Generates the graph into models/generated/ once per parameter set (written atomically). */
export async function ensureVariationalModel(modelsDir: string, options: VariationalFlowOptions): Promise<string> {
  const key = variationalModelKey(options);
  const path = join(modelsDir, 'generated', `${key}.onnx`);
  if (!existsSync(path)) {
    await mkdir(join(modelsDir, 'generated'), { recursive: true });
    const bytes = buildVariationalFlowGraph(options).toBytes({
      producer: 'mellm-workstation flow generator',
      metadata: { generator: `variational-flow v${GENERATOR_VERSION}`, options: JSON.stringify(options) },
    });
    await writeFileAtomic(path, bytes, 0o644);
  }
  return path;
}

/** The default flow model: the generated coarse-to-fine variational graph on ONNX Runtime. */
export class VariationalFlowModel implements FlowModel {
  readonly id: string;
  readonly #sessions: SessionCache;
  readonly #modelsDir: string;
  readonly #options: VariationalFlowOptions;

  constructor(sessions: SessionCache, modelsDir: string, preset: FlowPreset | VariationalFlowOptions = 'balanced') {
    this.#sessions = sessions;
    this.#modelsDir = modelsDir;
    this.#options = typeof preset === 'string' ? FLOW_PRESETS[preset] : preset;
    this.id = typeof preset === 'string' ? `${VARIATIONAL_MODEL_ID}:${preset}` : `${VARIATIONAL_MODEL_ID}:custom`;
  }

  /**
   * Generates the graph for frames of this size and creates its session now, so that the
   * first estimate at that size does not pay for it (a job process does this at start-up).
   */
  async prepare(width: number, height: number): Promise<void> {
    await this.#session(width, height);
  }

  async estimate(frame1: Image8, frame2: Image8, options: FlowEstimateOptions = {}): Promise<FlowField> {
    assertSameSize(frame1, frame2);
    const { width, height } = frame1;
    const session = await this.#session(width, height, options.signal);
    const feeds = {
      frame1: new ort.Tensor('float32', grayPlane(frame1), [1, 1, height, width]),
      frame2: new ort.Tensor('float32', grayPlane(frame2), [1, 1, height, width]),
    };
    const result = await session.run(feeds);
    throwIfAborted(options.signal);
    const flow = result.flow as ort.Tensor;
    return { width, height, data: Float32Array.from(flow.data as Float32Array) };
  }

  async #session(width: number, height: number, signal?: AbortSignal): Promise<ort.InferenceSession> {
    const sized = optionsForSize(this.#options, width, height);
    const path = await ensureVariationalModel(this.#modelsDir, sized);
    throwIfAborted(signal);
    return this.#sessions.get(variationalModelKey(sized), path, { graphOptimizationLevel: 'extended' });
  }
}
