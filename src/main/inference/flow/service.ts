import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { AppError } from '@shared/errors';
import type { Image8 } from '../../media/image';
import { readManifest } from '../manifest';
import { SessionCache, type SessionGuard, type SessionOptions } from '../onnx/session';
import { LearnedFlowModel } from './learned';
import type { FlowModel } from './model';
import type { FlowField } from './types';
import { VARIATIONAL_MODEL_ID, VariationalFlowModel } from './variational';
import type { FlowConfiguration, FlowPreset } from './variational-presets';

export interface FlowRequest {
  /** `flow-variational` (default), a manifest flow entry, or a folder holding flow.json. */
  readonly model?: string | undefined;
  readonly preset?: FlowPreset | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface FlowResult {
  readonly flow: FlowField;
  readonly model: string;
  readonly ms: number;
}

/** Resolves flow models by id (loaded once, sessions cached) and runs them. */
export class FlowService {
  readonly #modelsDir: string;
  readonly #sessions: SessionCache;
  readonly #guard: SessionGuard | undefined;
  readonly #models = new Map<string, FlowModel>();

  /**
   * `intraOpThreads`: ONNX Runtime threads per flow (a pool of processes splits the cores).
   * `guard`: creates a learned model's session in the sandbox first (see LearnedFlowModel).
   */
  constructor(modelsDir: string, options: { intraOpThreads?: number; guard?: SessionGuard } = {}) {
    this.#modelsDir = modelsDir;
    // No spinning: a flow is hundreds of small operators and JS work between runs, so
    // spinning pool threads burn a core each for nothing (docs/flow-presets.md).
    this.#sessions = new SessionCache({ ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}), allowSpinning: false });
    this.#guard = options.guard;
  }

  /** `preset`: a user-facing preset, or `scan` (the spotting's own flow, see spottingFlow). */
  model(id: string = VARIATIONAL_MODEL_ID, preset: FlowConfiguration = 'balanced'): FlowModel {
    const key = id === VARIATIONAL_MODEL_ID ? `${id}:${preset}` : id;
    let model = this.#models.get(key);
    if (!model) {
      model = id === VARIATIONAL_MODEL_ID ? new VariationalFlowModel(this.#sessions, this.#modelsDir, preset) : new LearnedFlowModel(this.#sessions, this.#folder(id), this.#guard);
      this.#models.set(key, model);
    }
    return model;
  }

  async compute(frame1: Image8, frame2: Image8, request: FlowRequest = {}): Promise<FlowResult> {
    const model = this.model(request.model, request.preset);
    const start = performance.now();
    const flow = await model.estimate(frame1, frame2, request.signal ? { signal: request.signal } : {});
    return { flow, model: model.id, ms: performance.now() - start };
  }

  /** Creates the session of a generated preset for frames of this size before the first flow needs it. */
  async warm(preset: FlowConfiguration, width: number, height: number): Promise<void> {
    await (this.model(VARIATIONAL_MODEL_ID, preset) as VariationalFlowModel).prepare(width, height);
  }

  /** The settings of the flow models' ONNX Runtime sessions. */
  get sessionOptions(): SessionOptions {
    return this.#sessions.options;
  }

  /** ONNX Runtime sessions created so far (see SessionCache.created). */
  get sessionsCreated(): number {
    return this.#sessions.created;
  }

  dispose(): Promise<void> {
    this.#models.clear();
    return this.#sessions.dispose();
  }

  /** A learned model's folder: a manifest `flow` entry's file, or a folder path. */
  #folder(id: string): string {
    if (isAbsolute(id) && existsSync(join(id, 'flow.json'))) return id;
    const manifest = existsSync(join(this.#modelsDir, 'manifest.json')) ? readManifest(this.#modelsDir) : { models: [] };
    const entry = manifest.models.find((m) => m.id === id && m.stage === 'flow');
    if (entry) return join(this.#modelsDir, entry.file ?? entry.id);
    throw new AppError('MODEL_MISSING', `Unknown flow model "${id}": use ${VARIATIONAL_MODEL_ID}, a flow model listed in models/manifest.json, or a folder holding flow.json`);
  }
}
