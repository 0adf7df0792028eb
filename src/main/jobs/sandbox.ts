import { AppError } from '@shared/errors';
import type { ChatTemplateJob, TemplateRenderer } from '../inference/llm/template';
import type { ModelFile } from '../inference/model-files';
import type { SessionGuard } from '../inference/onnx/session';
import { JobCrashError } from './crash';
import { ProcessPool } from './pool';
import { jobScript, type JobScript } from './script';

/**
 * Separate processes for the untrusted code and data a model folder brings
 * (jobs/workers/sandbox.ts): its chat template renders there, and a user's ONNX model is
 * loaded there once before the app loads it. Each runs under a time limit, a memory limit
 * (RLIMIT_DATA, see jobs/pool.ts) and a V8 heap limit, and a template's text is capped
 * (inference/llm/template.ts); whatever passes a limit or crashes its process fails as
 * MODEL_INVALID and costs that process only. Processes start on first use and stop when
 * idle.
 */

export type SandboxJob =
  | { readonly kind: 'chat-template'; readonly job: ChatTemplateJob }
  | { readonly kind: 'onnx-session'; readonly file: ModelFile; readonly sha256: string };

export interface SandboxOptions {
  /** How long one rendering may take, counted from when the sandbox process starts on it; default 2000 ms. */
  readonly templateTimeMs?: number;
  /** How long creating one ONNX session may take; default 60 s. */
  readonly sessionTimeMs?: number;
  /** An idle sandbox process stops after this long; default 60 s. */
  readonly idleMs?: number;
  /** The process entry; default jobScript('sandbox'). */
  readonly script?: JobScript;
}

interface Lane {
  /** What the process does, for messages: "rendering", "loading". */
  readonly doing: string;
  readonly timeMs: number;
  readonly memoryMb: number;
  readonly heapMb: number;
}

/** A real template renders a conversation in milliseconds: seconds mean a loop. */
const TEMPLATES = { doing: 'rendering', timeMs: 2000, memoryMb: 384, heapMb: 128 };
/** A model's bytes live off the V8 heap; ONNX Runtime needs a few times the file in all. */
const SESSIONS = { doing: 'loading', timeMs: 60_000, memoryMb: 4096, heapMb: 512 };
const DEFAULT_IDLE_MS = 60_000;
/** How long a sandbox process may take to start before a job waiting on it counts as hung. */
const START_MS = 30_000;

export class ModelSandbox implements TemplateRenderer, SessionGuard {
  readonly #options: SandboxOptions;
  readonly #templates: Lane;
  readonly #sessions: Lane;
  readonly #pools = new Map<Lane, ProcessPool>();
  #closed = false;

  constructor(options: SandboxOptions = {}) {
    this.#options = options;
    this.#templates = { ...TEMPLATES, timeMs: options.templateTimeMs ?? TEMPLATES.timeMs };
    this.#sessions = { ...SESSIONS, timeMs: options.sessionTimeMs ?? SESSIONS.timeMs };
  }

  render(job: ChatTemplateJob, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    return this.#run<string>(this.#templates, { kind: 'chat-template', job }, `The chat template in ${job.origin}`, options.signal);
  }

  async check(file: ModelFile, sha256: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.#run<null>(this.#sessions, { kind: 'onnx-session', file, sha256 }, `${file.name} in ${file.folder}`, options.signal);
  }

  /** Stops the sandbox processes; later calls fail CANCELLED. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }

  async #run<T>(lane: Lane, input: SandboxJob, subject: string, signal: AbortSignal | undefined): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort();
    signal?.addEventListener('abort', forward, { once: true });
    let timedOut = false;
    const expire = () => {
      timedOut = true;
      controller.abort();
    };
    // The limit counts from the process's first word on the job (workers/sandbox.ts), not
    // from a process start; until then only the start limit applies.
    let timer = setTimeout(expire, START_MS + lane.timeMs);
    let started = false;
    const onProgress = () => {
      if (started) return;
      started = true;
      clearTimeout(timer);
      timer = setTimeout(expire, lane.timeMs);
    };
    try {
      return await this.#pool(lane).run<T>(input, { signal: controller.signal, cancelGraceMs: 0, onProgress });
    } catch (error) {
      if (timedOut && !signal?.aborted) {
        throw new AppError('MODEL_INVALID', `${subject} did not finish ${lane.doing} within ${lane.timeMs / 1000} s and was stopped.`);
      }
      // A crash, the heap or the memory limit: the folder's doing. An `exit` is a process
      // that could not start or run at all, which is not.
      if (error instanceof JobCrashError && error.reason !== 'exit') {
        throw new AppError('MODEL_INVALID', `${subject} ${stopped(error, lane, this.#pools.get(lane)?.memoryLimitMb ?? null)}`, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  }

  #pool(lane: Lane): ProcessPool {
    if (this.#closed) throw new AppError('CANCELLED', 'The model sandbox is closed.');
    let pool = this.#pools.get(lane);
    if (!pool) {
      pool = new ProcessPool({
        script: this.#options.script ?? jobScript('sandbox'),
        size: 1,
        maxMemoryMb: lane.memoryMb,
        maxHeapMb: lane.heapMb,
        idleMs: this.#options.idleMs ?? DEFAULT_IDLE_MS,
      });
      this.#pools.set(lane, pool);
    }
    return pool;
  }
}

/**
 * Why the sandbox stopped a job, in words of our own: V8's text ("heap out of memory")
 * would make a job pool that runs this call (an analysis) take the refusal for its own
 * process running out of memory, and retry it.
 */
function stopped(crash: JobCrashError, lane: Lane, memoryMb: number | null): string {
  switch (crash.reason) {
    case 'memory':
      return `needed more memory than ${lane.doing} in the sandbox may use (${lane.heapMb} MB of heap${memoryMb ? `, ${memoryMb} MB in all` : ''}) and was stopped.`;
    case 'killed':
      return `was killed (SIGKILL) while ${lane.doing} in the sandbox.`;
    default:
      return `made the sandbox process ${lane.doing} it fail (${crash.signal ?? `exit code ${crash.exitCode}`}).`;
  }
}
