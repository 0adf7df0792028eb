import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors';
import { classifyCrash, JobCrashError } from '../../src/main/jobs/crash';
import { ProcessPool, type PoolOptions } from '../../src/main/jobs/pool';
import { prlimitPath } from '../../src/main/jobs/script';
import { jobScript } from '../../src/main/jobs/script';
import type { FixtureInput, FixtureOutput } from '../fixtures/workers/pool-fixture';

const FIXTURE = jobScript(join(import.meta.dirname, '../fixtures/workers/pool-fixture.ts'));
const PRLIMIT = prlimitPath();
const root = mkdtempSync(join(tmpdir(), 'mellm-pool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pools: ProcessPool[] = [];
function pool(options: Partial<PoolOptions> = {}): ProcessPool {
  const created = new ProcessPool({ script: FIXTURE, size: 1, ...options });
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const run = (p: ProcessPool, input: FixtureInput, options: Parameters<ProcessPool['run']>[1] = {}) => p.run<FixtureOutput>(input, options);

/** The failure of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof AppError)) throw new Error(`expected an AppError, got ${String(outcome)}`);
  return outcome;
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Resolves with the pid the job's first progress message names. */
function pidOf(): { onProgress: (done: number, total: number, message?: string) => void; pid: Promise<number> } {
  let report!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (report = resolve));
  return { pid, onProgress: (_done, _total, message) => message?.startsWith('pid:') && report(Number(message.slice(4))) };
}

describe('ProcessPool', () => {
  it('reuses one child for many jobs (setup once), forwards progress and text, and returns typed arrays intact', async () => {
    const p = pool();
    const progress: Array<[number, number, string | undefined]> = [];
    const text: string[] = [];
    const first = await run(p, { mode: 'ok', steps: 3, floats: 100_000 }, { onProgress: (d, t, m) => progress.push([d, t, m]), onText: (d) => text.push(d) });
    const [second, third] = await Promise.all([run(p, { mode: 'ok' }), run(p, { mode: 'ok' })]);

    expect(first.pid).not.toBe(process.pid);
    expect([second.pid, third.pid]).toEqual([first.pid, first.pid]);
    expect([first.jobs, second.jobs, third.jobs]).toEqual([1, 2, 3]);
    expect(third.setups).toBe(1);
    expect(progress).toEqual([[0, 3, `pid:${first.pid}`], [1, 3, undefined], [2, 3, undefined], [3, 3, undefined]]);
    expect(text.join('')).toBe('hello');
    expect(first.floats).toBeInstanceOf(Float32Array);
    expect(first.floats?.length).toBe(100_000);
    expect(first.floats?.[99_999]).toBe(99_999.5);
    expect(first.bytes).toEqual(new Uint8Array([1, 2, 255]));
    expect(first.map).toEqual(new Map([['au12', 3]]));
    expect(p.stats()).toEqual({ children: 1, busy: 0, queued: 0, started: 1 });
    // The child really runs under the default memory limit.
    if (PRLIMIT) expect(first.dataLimit).toBe(String(6144 * 1024 * 1024));
  });

  it('runs two jobs at once in two children', async () => {
    const p = pool({ size: 2 });
    const [a, b] = await Promise.all([run(p, { mode: 'sleep', ms: 800 }), run(p, { mode: 'sleep', ms: 800 })]);
    expect(a.pid).not.toBe(b.pid);
    expect(a.started).toBeLessThan(b.finished);
    expect(b.started).toBeLessThan(a.finished);
    expect(p.stats()).toMatchObject({ children: 2, busy: 0, started: 2 });
  });

  it('a SIGKILLed child costs its job (reason killed); the queued job runs on a fresh child', async () => {
    const p = pool();
    const before = await run(p, { mode: 'ok' });
    const [killed, after] = await Promise.allSettled([run(p, { mode: 'sigkill' }), run(p, { mode: 'ok' })]);
    expect(killed.status).toBe('rejected');
    const error = (killed as PromiseRejectedResult).reason as JobCrashError;
    expect(error).toBeInstanceOf(JobCrashError);
    expect(error).toMatchObject({ reason: 'killed', code: 'INTERNAL', signal: 'SIGKILL' });
    expect(error.message).toMatch(/killed \(SIGKILL\)/);
    expect(after.status).toBe('fulfilled');
    const next = (after as PromiseFulfilledResult<FixtureOutput>).value;
    expect(next.pid).not.toBe(before.pid);
    expect(next.setups).toBe(1);
    expect(gone(before.pid)).toBe(true);
    expect(p.stats().started).toBe(2);
    expect(process.kill(process.pid, 0)).toBe(true);
  });

  it('reports other deaths: an exit code, a crash signal', async () => {
    const p = pool();
    const exited = (await failure(run(p, { mode: 'exit', code: 7 }))) as JobCrashError;
    expect(exited).toMatchObject({ reason: 'exit', code: 'INTERNAL', exitCode: 7 });
    expect(exited.message).toMatch(/stopped unexpectedly \(exit code 7\)/);
    const crashed = (await failure(run(p, { mode: 'segv' }))) as JobCrashError;
    expect(crashed).toMatchObject({ reason: 'fatal', code: 'INTERNAL', signal: 'SIGSEGV' });
    expect((await run(p, { mode: 'ok' })).jobs).toBe(1);
  });

  it('a V8 fatal error from a hostile chat template costs only its job', async () => {
    // With a 64 MB heap the template's range() array hits the heap limit first: V8 aborts
    // "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"
    // (SIGABRT), which is running out of memory: reason memory.
    const small = pool({ maxHeapMb: 64 });
    const oom = (await failure(run(small, { mode: 'jinja' }))) as JobCrashError;
    expect(oom).toBeInstanceOf(JobCrashError);
    expect(oom).toMatchObject({ reason: 'memory', code: 'INSUFFICIENT_MEMORY', signal: 'SIGABRT' });
    expect(oom.message).toMatch(/JavaScript heap out of memory.*heap limit 64 MB/);
    expect(oom.stderr).toContain('FATAL ERROR: Reached heap limit');
    expect((await run(small, { mode: 'ok' })).setups).toBe(1);

    // With room on the heap the array grows past V8's largest backing store instead:
    // "Fatal JavaScript invalid size error" (SIGTRAP), a hard limit no memory would lift:
    // reason fatal.
    const large = pool({ maxHeapMb: 2048 });
    const fatal = (await failure(run(large, { mode: 'jinja' }))) as JobCrashError;
    expect(fatal).toMatchObject({ reason: 'fatal', code: 'INTERNAL', signal: 'SIGTRAP' });
    expect(fatal.message).toMatch(/Fatal JavaScript invalid size error/);
    expect((await run(large, { mode: 'ok' })).setups).toBe(1);
  });

  it('native memory beyond the memory limit fails the job with INSUFFICIENT_MEMORY; the other child carries on', async (context) => {
    if (!PRLIMIT) context.skip('util-linux prlimit is not installed: no memory limit can apply (only the heap limit would)');
    const p = pool({ size: 2, maxMemoryMb: 512, maxHeapMb: 8192 });
    expect(p.memoryLimitMb).toBe(512);
    const watch = pidOf();
    const [hog, other] = await Promise.allSettled([
      run(p, { mode: 'alloc', chunkMb: 64, capMb: 4096 }, { onProgress: watch.onProgress }),
      run(p, { mode: 'sleep', ms: 1500 }),
    ]);
    const error = (hog as PromiseRejectedResult).reason as JobCrashError;
    expect(error).toBeInstanceOf(JobCrashError);
    expect(error).toMatchObject({ reason: 'memory', code: 'INSUFFICIENT_MEMORY' });
    // Usually the Buffer allocation is refused (a RangeError the child survives, then it is
    // retired); when V8 itself needs memory first, it aborts with "heap out of memory".
    // Either way the limit, not the heap size, stopped it: both are memory failures.
    expect(error.message).toMatch(/Array buffer allocation failed|bad_alloc|Allocation failed - JavaScript heap out of memory/);
    expect(other.status).toBe('fulfilled');
    const hogPid = await watch.pid;
    await expect.poll(() => gone(hogPid), { timeout: 3000 }).toBe(true);
    const next = await run(p, { mode: 'ok' });
    expect(next.dataLimit).toBe(String(512 * 1024 * 1024));
  });

  it('cancels cooperatively (the child stays), and kills a job that ignores the cancel', async () => {
    const p = pool();
    const controller = new AbortController();
    const watch = pidOf();
    const cooperative = run(p, { mode: 'sleep', ms: 30_000 }, { signal: controller.signal, onProgress: watch.onProgress });
    const pid = await watch.pid;
    controller.abort();
    expect(await failure(cooperative)).toMatchObject({ code: 'CANCELLED' });
    expect((await run(p, { mode: 'ok' })).pid).toBe(pid);

    const stubborn = new AbortController();
    const stubbornWatch = pidOf();
    const ignoring = run(p, { mode: 'ignore-cancel', ms: 30_000 }, { signal: stubborn.signal, onProgress: stubbornWatch.onProgress, cancelGraceMs: 300 });
    expect(await stubbornWatch.pid).toBe(pid);
    const started = Date.now();
    stubborn.abort();
    const error = await failure(ignoring);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(error).not.toBeInstanceOf(JobCrashError);
    expect(Date.now() - started).toBeLessThan(5000);
    const next = await run(p, { mode: 'ok' });
    expect(next.pid).not.toBe(pid);
    expect(gone(pid)).toBe(true);
  });

  it('cancels jobs still queued, or aborted before they were asked for, without a process', async () => {
    const p = pool();
    const running = run(p, { mode: 'sleep', ms: 400 });
    const controller = new AbortController();
    const queued = run(p, { mode: 'ok' }, { signal: controller.signal });
    expect(p.stats()).toMatchObject({ busy: 1, queued: 1 });
    controller.abort();
    expect(await failure(queued)).toMatchObject({ code: 'CANCELLED' });
    expect(p.stats().queued).toBe(0);
    expect(await failure(run(p, { mode: 'ok' }, { signal: AbortSignal.abort() }))).toMatchObject({ code: 'CANCELLED' });
    await running;
    expect(p.stats().started).toBe(1);
  });

  it('passes typed errors through and keeps the child', async () => {
    const p = pool();
    const error = await failure(run(p, { mode: 'throw' }));
    expect(error).not.toBeInstanceOf(JobCrashError);
    expect(error.toJSON()).toEqual({ code: 'MEDIA_UNREADABLE', message: 'frame 12 is corrupt', issues: [{ path: 'frames.12', message: 'bad CRC' }] });
    expect(await run(p, { mode: 'ok' })).toMatchObject({ jobs: 2, setups: 1 });
    // What cannot be serialised fails its job alone, either way.
    expect(await failure(run(p, { mode: 'ok', steps: () => 1 } as unknown as FixtureInput))).toMatchObject({ code: 'INVALID_INPUT' });
    const unsendable = await failure(run(p, { mode: 'unsendable' }));
    expect(unsendable).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('cannot be sent back') });
    expect(await run(p, { mode: 'ok' })).toMatchObject({ jobs: 4, setups: 1 });
    expect(p.stats().started).toBe(1);
  });

  it('a failed setup fails the job with its error; the next job gets a fresh child', async () => {
    const p = pool({ init: { failSetupOnce: join(root, 'setup-failed-once') } });
    const error = await failure(run(p, { mode: 'ok' }));
    expect(error.toJSON()).toEqual({ code: 'MODEL_MISSING', message: 'Model face-mesh is missing' });
    const next = await run(p, { mode: 'ok' });
    expect(next).toMatchObject({ setups: 1, jobs: 1 });
    expect(p.stats().started).toBe(2);
  });

  it('close() cancels running and queued jobs and leaves no child behind', async () => {
    const p = pool({ size: 2 });
    const watches = [pidOf(), pidOf()];
    const running = watches.map((watch) => run(p, { mode: 'sleep', ms: 30_000 }, { onProgress: watch.onProgress }));
    const queued = [run(p, { mode: 'ok' }), run(p, { mode: 'ok' })];
    const pids = await Promise.all(watches.map((watch) => watch.pid));
    expect(p.stats()).toMatchObject({ children: 2, busy: 2, queued: 2 });
    const outcomes = [...running, ...queued].map(failure);
    await p.close();
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ code: 'CANCELLED' });
    for (const pid of pids) expect(gone(pid)).toBe(true);
    expect(p.stats()).toEqual({ children: 0, busy: 0, queued: 0, started: 2 });
    expect(await failure(run(p, { mode: 'ok' }))).toMatchObject({ code: 'CANCELLED' });
  });

  it('stops idle children and starts a fresh one on demand', async () => {
    const p = pool({ idleMs: 200 });
    const first = await run(p, { mode: 'ok' });
    expect(p.stats().children).toBe(1);
    await expect.poll(() => p.stats().children, { timeout: 5000 }).toBe(0);
    expect(gone(first.pid)).toBe(true);
    expect((await run(p, { mode: 'ok' })).pid).not.toBe(first.pid);
  });
});

describe('classifyCrash', () => {
  const at = (stderr: string, signal: NodeJS.Signals | null = 'SIGABRT', code: number | null = null) => classifyCrash({ code, signal, stderr }, { heapMb: 512, memoryMb: 4096 });

  it('tells a V8 hard limit from running out of memory', () => {
    // Older V8 words an over-long array as an allocation failure; more memory would not help.
    expect(at('FATAL ERROR: invalid array length Allocation failed - JavaScript heap out of memory\n')).toMatchObject({ reason: 'fatal', code: 'INTERNAL' });
    expect(at('#\n# Fatal error in , line 0\n# Fatal JavaScript invalid size error 169220804 (see crbug.com/1201626)\n', 'SIGTRAP')).toMatchObject({ reason: 'fatal' });
    const heap = at('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
    expect(heap).toMatchObject({ reason: 'memory', code: 'INSUFFICIENT_MEMORY' });
    expect(heap.message).toContain('heap limit 512 MB');
    const native = at("terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n");
    expect(native).toMatchObject({ reason: 'memory' });
    expect(native.message).toContain('memory limit 4096 MB');
    expect(at('# Fatal process OOM in Failed to reserve virtual memory for CodeRange\n', 'SIGTRAP')).toMatchObject({ reason: 'memory' });
    expect(at('Error: libonnxruntime.so.1: failed to map segment from shared object\n', null, 1)).toMatchObject({ reason: 'memory' });
  });

  it('names crashes, kills and plain exits', () => {
    expect(at('', 'SIGKILL')).toMatchObject({ reason: 'killed' });
    expect(at('', 'SIGSEGV')).toMatchObject({ reason: 'fatal' });
    expect(at('#\n# Fatal error in ../deps/v8/src/heap.cc\n# Check failed: x.\n', 'SIGTRAP')).toMatchObject({ reason: 'fatal' });
    const thrown = at('file:///x.js:1\nthrow new TypeError("boom")\n\nTypeError: boom\n    at x.js:1:7\n\nNode.js v20.20.2\n', null, 1);
    expect(thrown).toMatchObject({ reason: 'exit', exitCode: 1 });
    expect(thrown.message).toBe("The job's process stopped unexpectedly (exit code 1): TypeError: boom");
  });
});
