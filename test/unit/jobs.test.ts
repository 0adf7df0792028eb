import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import { EventHub } from '../../src/main/app/events';
import { JobQueue } from '../../src/main/jobs/queue';
import { runWorker, workerScript } from '../../src/main/jobs/run-worker';

const PRIMES = workerScript(join(import.meta.dirname, '../fixtures/workers/primes.ts'));

describe('runWorker', () => {
  it('runs a task in a worker thread and reports progress', async () => {
    const progress: number[] = [];
    const result = await runWorker<{ primes: number }>(PRIMES, { limit: 100_000 }, { onProgress: (done) => progress.push(done) });
    expect(result.primes).toBe(9592);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('passes typed errors through', async () => {
    await expect(runWorker(PRIMES, { limit: 10, mode: 'throw' })).rejects.toMatchObject({
      code: 'MEDIA_UNREADABLE',
      message: 'frame 12 is corrupt',
    });
  });

  it('reports a worker that dies mid-task', async () => {
    await expect(runWorker(PRIMES, { limit: 10, mode: 'exit' })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('exit code 7'),
    });
  });

  it('contains a job that runs out of memory', async () => {
    await expect(runWorker(PRIMES, { limit: 10, mode: 'oom' }, { maxHeapMb: 64 })).rejects.toMatchObject({
      code: 'INSUFFICIENT_MEMORY',
    });
  });

  it('cancels cooperatively, and terminates a worker that ignores the request', async () => {
    const controller = new AbortController();
    const run = runWorker(PRIMES, { limit: 50_000_000 }, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });

    const stubborn = new AbortController();
    const started = Date.now();
    const ignoring = runWorker(PRIMES, { limit: 500_000_000, mode: 'ignore-cancel' }, { signal: stubborn.signal, cancelGraceMs: 300 });
    setTimeout(() => stubborn.abort(), 200);
    await expect(ignoring).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('JobQueue', () => {
  function queue(concurrency = 1) {
    const events = new EventHub();
    const finished: Job[] = [];
    const progress: string[] = [];
    events.subscribe((name, payload) => {
      if (name === 'job.finished') finished.push(payload as Job);
      if (name === 'job.progress') progress.push((payload as { jobId: string }).jobId);
    });
    return { jobs: new JobQueue(events, concurrency), finished, progress };
  }

  it('runs jobs in order within the concurrency limit, and a failure does not stop the queue', async () => {
    const { jobs, finished } = queue(1);
    const order: string[] = [];
    let running = 0;
    let peak = 0;
    const job = (name: string, fail = false) =>
      jobs.add('test', name, async (context) => {
        running += 1;
        peak = Math.max(peak, running);
        context.progress(1, 2);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        order.push(name);
        if (fail) throw new Error(`${name} broke`);
        return name;
      });
    const a = job('a');
    const b = job('b', true);
    const c = job('c');
    await expect(a.result).resolves.toBe('a');
    await expect(b.result).rejects.toMatchObject({ code: 'INTERNAL', message: 'b broke' });
    await expect(c.result).resolves.toBe('c');
    expect(order).toEqual(['a', 'b', 'c']);
    expect(peak).toBe(1);
    expect(finished.map((j) => `${j.label}:${j.state}`)).toEqual(['a:done', 'b:failed', 'c:done']);
    expect(jobs.list().find((j) => j.label === 'b')?.error?.message).toBe('b broke');
  });

  it('cancels queued and running jobs', async () => {
    const { jobs, finished } = queue(1);
    const running = jobs.add('test', 'long', (context) =>
      new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('stopped')))),
    );
    const waiting = jobs.add('test', 'queued', async () => 'never');
    expect(jobs.cancel(waiting.jobId)).toBe(true);
    expect(jobs.cancel(running.jobId)).toBe(true);
    await expect(waiting.result).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(running.result).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(finished.map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
    expect(jobs.cancel(running.jobId)).toBe(false);
  });

  it('runs jobs in worker threads end to end', async () => {
    const { jobs, progress } = queue(2);
    const handles = [100_000, 50_000].map((limit) =>
      jobs.add('primes', `primes<${limit}`, (context) =>
        runWorker<{ primes: number }>(PRIMES, { limit }, { signal: context.signal, onProgress: context.progress }),
      ),
    );
    expect(await Promise.all(handles.map((h) => h.result))).toEqual([{ primes: 9592 }, { primes: 5133 }]);
    expect(new Set(progress)).toEqual(new Set(handles.map((h) => h.jobId)));
  });
});
