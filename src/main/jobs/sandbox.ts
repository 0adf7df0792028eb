import { AppError } from '@shared/errors';
import type { ChatTemplateJob, TemplateRenderer } from '../inference/llm/template';
import { JobCrashError } from './crash';
import { ProcessPool } from './pool';
import { jobScript, type JobScript } from './script';

/**
 * A separate process for the untrusted code a model folder brings. Its chat template
 * renders there (jobs/workers/sandbox.ts) under a time limit, a memory limit
 * (RLIMIT_DATA, see jobs/pool.ts), a V8 heap limit and a cap on the text it produces;
 * a template that passes any of them fails as MODEL_INVALID and costs that process only.
 * The process starts on first use and stops when idle.
 */

export type SandboxJob = { readonly kind: 'chat-template'; readonly job: ChatTemplateJob };

export interface SandboxOptions {
  /** How long one rendering may take, counted from when the sandbox process starts on it; default 2000 ms. */
  readonly templateTimeMs?: number;
  /** Committed memory of the sandbox process (RLIMIT_DATA, Linux); default 384 MB. */
  readonly maxMemoryMb?: number;
  /** Its V8 heap limit; default 128 MB. */
  readonly maxHeapMb?: number;
  /** An idle sandbox process stops after this long; default 60 s. */
  readonly idleMs?: number;
  /** The process entry; default jobScript('sandbox'). */
  readonly script?: JobScript;
}

/** A real template renders a conversation in milliseconds: seconds mean a loop. */
const DEFAULT_TEMPLATE_MS = 2000;
const DEFAULT_MEMORY_MB = 384;
const DEFAULT_HEAP_MB = 128;
const DEFAULT_IDLE_MS = 60_000;
/** How long the sandbox process may take to start before a job waiting on it counts as hung. */
const START_MS = 30_000;

export class ModelSandbox implements TemplateRenderer {
  readonly #options: SandboxOptions;
  #pool: ProcessPool | null = null;
  #closed = false;

  constructor(options: SandboxOptions = {}) {
    this.#options = options;
  }

  /** The time limit of one rendering (ms). */
  get templateTimeMs(): number {
    return this.#options.templateTimeMs ?? DEFAULT_TEMPLATE_MS;
  }

  async render(job: ChatTemplateJob, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const limitMs = this.templateTimeMs;
    const controller = new AbortController();
    const forward = () => controller.abort();
    options.signal?.addEventListener('abort', forward, { once: true });
    let timedOut = false;
    const expire = () => {
      timedOut = true;
      controller.abort();
    };
    // The limit counts from the process's first word on the job (workers/sandbox.ts), not
    // from a process start; until then only the start limit applies.
    let timer = setTimeout(expire, START_MS + limitMs);
    let rendering = false;
    const onProgress = () => {
      if (rendering) return;
      rendering = true;
      clearTimeout(timer);
      timer = setTimeout(expire, limitMs);
    };
    try {
      const input: SandboxJob = { kind: 'chat-template', job };
      return await this.#processes().run<string>(input, { signal: controller.signal, cancelGraceMs: 0, onProgress });
    } catch (error) {
      if (timedOut && !options.signal?.aborted) {
        throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} did not finish rendering within ${limitMs / 1000} s and was stopped; a working template takes milliseconds.`);
      }
      // A crash, the heap or the memory limit: the template's doing. An `exit` is a process
      // that could not start or run at all, which is not.
      if (error instanceof JobCrashError && error.reason !== 'exit') {
        throw new AppError('MODEL_INVALID', `The chat template in ${job.origin} ${this.#stopped(error)}`, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', forward);
    }
  }

  /**
   * Why a rendering was stopped, in words of our own: V8's text ("heap out of memory")
   * would make a job pool that runs this call (an analysis) take the refusal for its own
   * process running out of memory, and retry it.
   */
  #stopped(crash: JobCrashError): string {
    const heapMb = this.#options.maxHeapMb ?? DEFAULT_HEAP_MB;
    const memoryMb = this.#pool?.memoryLimitMb;
    switch (crash.reason) {
      case 'memory':
        return `needed more memory than rendering may use (${heapMb} MB of heap${memoryMb ? `, ${memoryMb} MB in all` : ''}) and was stopped.`;
      case 'killed':
        return 'was killed (SIGKILL) while rendering.';
      default:
        return `made the process rendering it fail (${crash.signal ?? `exit code ${crash.exitCode}`}).`;
    }
  }

  /** Stops the sandbox process; later calls fail CANCELLED. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
  }

  #processes(): ProcessPool {
    if (this.#closed) throw new AppError('CANCELLED', 'The model sandbox is closed.');
    this.#pool ??= this.#create();
    return this.#pool;
  }

  #create(): ProcessPool {
    return new ProcessPool({
      script: this.#options.script ?? jobScript('sandbox'),
      size: 1,
      maxMemoryMb: this.#options.maxMemoryMb ?? DEFAULT_MEMORY_MB,
      maxHeapMb: this.#options.maxHeapMb ?? DEFAULT_HEAP_MB,
      idleMs: this.#options.idleMs ?? DEFAULT_IDLE_MS,
    });
  }
}
