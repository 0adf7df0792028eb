import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import { EventHub } from '../../src/main/app/events';
import { JobQueue } from '../../src/main/jobs/queue';
import { ProcessPool } from '../../src/main/jobs/pool';
import { jobScript } from '../../src/main/jobs/script';

// Child-process behaviour (crashes, memory, cancel) is tested in job-pool.test.ts.
const FIXTURE = jobScript(join(import.meta.dirname, '../fixtures/workers/pool-fixture.ts'));

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

  it('lists the subject a job was queued with, so a window opened later finds the job on its clip', async () => {
    const { jobs } = queue(1);
    const handle = jobs.add('analysis', 'whole clip', async () => 'ok', { subject: { clipId: 3, eventId: null } });
    expect(jobs.list().find((j) => j.jobId === handle.jobId)?.subject).toEqual({ clipId: 3, eventId: null });
    await handle.result;
    expect(jobs.add('test', 'plain', async () => 'ok').jobId).toBeTruthy();
    expect(jobs.list().find((j) => j.label === 'plain')?.subject).toBeUndefined();
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

  it('runs jobs in job processes end to end', async () => {
    const { jobs, progress } = queue(2);
    const pool = new ProcessPool({ script: FIXTURE, size: 2 });
    try {
      const handles = [3, 2].map((steps) =>
        jobs.add('fixture', `${steps} steps`, (context) =>
          pool.run<{ pid: number; finished: number }>({ mode: 'ok', steps }, { signal: context.signal, onProgress: context.progress }),
        ),
      );
      const results = await Promise.all(handles.map((h) => h.result));
      expect(results.every((r) => r.pid !== process.pid && r.finished > 0)).toBe(true);
      expect(new Set(progress)).toEqual(new Set(handles.map((h) => h.jobId)));
    } finally {
      await pool.close();
    }
  });
});
