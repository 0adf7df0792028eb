import { buildDriver, runDriver } from './driver';

export interface Measured {
  /** Wall time and CPU time of the work inside the child, and its peak resident memory. */
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMB: number;
  readonly [key: string]: unknown;
}

export type MeasuredRun =
  | { readonly ok: true; readonly result: Measured }
  | { readonly ok: false; readonly reason: string };

let driver: string | undefined;

/**
 * Runs the import-sheet driver in its own process and reads its RESULT line; a child
 * that runs past `timeoutMs` is killed, and one that dies (a V8 fatal error, the OOM
 * killer) is reported with its signal and last stderr, never taken for a result.
 */
export async function runImportDriver(args: readonly string[], timeoutMs: number): Promise<MeasuredRun> {
  driver ??= buildDriver('import-sheet');
  const run = runDriver(driver, args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const { code, signal } = await run.exited;
    const line = run.lines.find((l) => l.startsWith('RESULT '));
    if (line) return { ok: true, result: JSON.parse(line.slice('RESULT '.length)) as Measured };
    const why = timedOut ? `still running after ${timeoutMs / 1000} s (killed)` : `exited with ${signal ?? `code ${code}`}`;
    return { ok: false, reason: `${why}; stderr: ${run.stderr().slice(-600)}` };
  } finally {
    clearTimeout(timer);
  }
}
