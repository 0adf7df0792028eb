import * as ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { ModelFile } from '../model-files';

/**
 * Creates a session of an untrusted model somewhere a crash, a hang or a runaway
 * allocation of ONNX Runtime cannot reach this process (the sandbox, jobs/sandbox.ts),
 * before this process creates its own. Rejects MODEL_INVALID when that fails, or when the
 * file no longer has the SHA-256 of the bytes this process is about to load.
 */
export interface SessionGuard {
  check(file: ModelFile, sha256: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

export type ExecutionProvider = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

export interface SessionOptions {
  /** Providers in order of preference; CPU is always appended as the fallback. */
  readonly providers?: readonly ExecutionProvider[];
  readonly intraOpThreads?: number;
  /** onnxruntime's log level (0 verbose … 4 fatal); 3 hides warnings about the model files themselves. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * false: ONNX Runtime's pool threads sleep between operators instead of spinning for
   * the next one (its default). A graph of many small operators, or JS work between
   * runs, otherwise keeps every pool thread busy-waiting (docs/flow-presets.md, "Where
   * the CPU goes"). No effect with one intra-op thread (no pool).
   */
  readonly allowSpinning?: boolean;
}

/** Per-model session settings. */
export interface ModelSessionOptions {
  /**
   * 'extended' skips the NCHWc layout pass, which pads single-channel convolutions to
   * 16-channel blocks: a loss for graphs of many thin image ops (the generated flow).
   */
  readonly graphOptimizationLevel?: 'basic' | 'extended' | 'all';
  /**
   * false: no memory pattern. With one, ONNX Runtime plans a session's intermediate
   * buffers on its first run at an input shape and allocates the planned block on the
   * next — for a graph of many small image ops that is ≈ 12 MB of fresh pages in the second
   * call at every new frame size (docs/flow-presets.md), and no steady call is cheaper for it.
   */
  readonly memoryPattern?: boolean;
}

/** The options ONNX Runtime creates a session with, from the cache's and the model's settings. */
export function ortSessionOptions(options: SessionOptions, model: ModelSessionOptions = {}): ort.InferenceSession.SessionOptions {
  const providers = [...(options.providers ?? []).filter((p) => p !== 'cpu'), 'cpu'];
  return {
    executionProviders: providers,
    graphOptimizationLevel: model.graphOptimizationLevel ?? 'all',
    ...(model.memoryPattern === false ? { enableMemPattern: false } : {}),
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.logSeverityLevel !== undefined ? { logSeverityLevel: options.logSeverityLevel } : {}),
    // The node binding joins nested keys with dots: session.intra_op.allow_spinning.
    ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
}

/**
 * One InferenceSession per model, created once and reused by every call; disposed on
 * shutdown. Keys are model ids (or file paths); a failed load is not cached.
 */
export class SessionCache {
  readonly #sessions = new Map<string, Promise<ort.InferenceSession>>();
  readonly #options: SessionOptions;
  #created = 0;

  constructor(options: SessionOptions = {}) {
    this.#options = options;
  }

  /** Loads (once) the model from a file path or from bytes generated in memory. */
  get(key: string, source: string | (() => Promise<Uint8Array> | Uint8Array), model: ModelSessionOptions = {}): Promise<ort.InferenceSession> {
    let session = this.#sessions.get(key);
    if (!session) {
      session = this.#create(key, source, model);
      this.#sessions.set(key, session);
      session.catch(() => this.#sessions.delete(key));
    }
    return session;
  }

  has(key: string): boolean {
    return this.#sessions.has(key);
  }

  /**
   * Sessions this cache has created so far (failed loads not counted). Creating one is
   * the costly step of a model's start-up, so a process that reuses its sessions keeps
   * this flat from one job to the next.
   */
  get created(): number {
    return this.#created;
  }

  /** ONNX Runtime's intra-op threads per session (undefined: ONNX Runtime's default, one per core). */
  get intraOpThreads(): number | undefined {
    return this.#options.intraOpThreads;
  }

  /** The settings every session of this cache is created with. */
  get options(): SessionOptions {
    return this.#options;
  }

  async dispose(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s.catch(() => null))?.release()));
  }

  async #create(key: string, source: string | (() => Promise<Uint8Array> | Uint8Array), model: ModelSessionOptions): Promise<ort.InferenceSession> {
    let bytes: Uint8Array;
    try {
      bytes = typeof source === 'string' ? await readFile(source) : await source();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('MODEL_MISSING', `Model ${key} could not be read: ${(error as Error).message}`, { cause: error });
    }
    try {
      const session = await ort.InferenceSession.create(bytes, ortSessionOptions(this.#options, model));
      this.#created += 1;
      return session;
    } catch (error) {
      throw new AppError('MODEL_INVALID', `Model ${key} is not a valid ONNX model: ${(error as Error).message}`, { cause: error });
    }
  }
}
