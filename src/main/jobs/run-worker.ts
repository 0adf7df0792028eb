import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '@shared/errors';
import { packageRoot } from '../paths';
import { nodeRequire } from '../util/node-require';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface WorkerScript {
  readonly path: string;
  /** TypeScript sources (tests, bench) are loaded through tsx's ESM hooks. */
  readonly typescript: boolean;
}

const runningFromSources = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * Where a worker's code lives: `src/main/jobs/workers/<name>.ts` (run through tsx) when
 * the app runs from sources (tests, bench), `out/main/<name>.js` when built. An absolute
 * path is taken as it is.
 */
export function workerScript(nameOrPath: string): WorkerScript {
  if (isAbsolute(nameOrPath)) return { path: nameOrPath, typescript: nameOrPath.endsWith('.ts') };
  const path = runningFromSources
    ? join(packageRoot(), 'src', 'main', 'jobs', 'workers', `${nameOrPath}.ts`)
    : join(packageRoot(), 'out', 'main', `${nameOrPath}.js`);
  if (!existsSync(path)) throw new AppError('INTERNAL', `Worker ${nameOrPath} not found at ${path}`);
  return { path, typescript: path.endsWith('.ts') };
}

/** Worker code that registers tsx's ESM hooks, then loads a TypeScript worker file. */
function tsxBootstrap(path: string): string {
  // The ESM entry of tsx's API, taken from its package exports (require.resolve gives the CJS one).
  const pkgPath = nodeRequire.resolve('tsx/package.json');
  const pkg = nodeRequire(pkgPath) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']?.import.default ?? '')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(path).href)}); });`;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, message?: string) => void;
  readonly onText?: (delta: string) => void;
  /** Heap ceiling for the worker: a runaway job fails alone instead of taking the app down. */
  readonly maxHeapMb?: number;
  /** How long a cancelled worker may take to stop before it is terminated. */
  readonly cancelGraceMs?: number;
}

/**
 * Runs one task in a fresh worker thread. Resolves with its result; rejects with a typed
 * AppError when the task fails, is cancelled, runs out of memory, or the worker dies.
 */
export function runWorker<O>(script: WorkerScript, input: unknown, options: RunOptions = {}): Promise<O> {
  return new Promise<O>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new AppError('CANCELLED', 'Cancelled'));
    const limits = { workerData: input, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 4096 } };
    const worker = script.typescript
      ? new Worker(tsxBootstrap(script.path), { ...limits, eval: true })
      : new Worker(script.path, limits);
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => {
        void worker.terminate();
        settle(() => reject(new AppError('CANCELLED', 'Cancelled')));
      }, options.cancelGraceMs ?? 2000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') options.onProgress?.(message.done, message.total, message.message);
      else if (message.type === 'text') options.onText?.(message.delta);
      else if (message.type === 'result') settle(() => resolve(message.value as O));
      else settle(() => reject(new AppError(message.error.code, message.error.message, message.error.issues ? { issues: message.error.issues } : {})));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle(() =>
        reject(
          new AppError(oom ? 'INSUFFICIENT_MEMORY' : 'INTERNAL', oom ? 'The job ran out of memory' : `The job failed: ${error.message}`, {
            cause: error,
          }),
        ),
      );
    });
    worker.on('exit', (code) => {
      settle(() => reject(new AppError('INTERNAL', `The job's worker stopped unexpectedly (exit code ${code})`)));
    });
  });
}
