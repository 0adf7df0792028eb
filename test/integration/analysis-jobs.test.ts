import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import { StoredAnalysisSchema } from '../../src/shared/api/analysis';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { AnalysisRunner } from '../../src/main/app/analysis-runner';
import { createServices, disposeServices, type ServiceOptions } from '../../src/main/app/services';
import { JobQueue } from '../../src/main/jobs/queue';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';
import { useQwen3TinyModels } from '../helpers/qwen3';

const makeQwen3Model = useQwen3TinyModels();

// Analysis jobs run in child processes (jobs/pool.ts): each test breaks one for real and
// checks that the job fails (or recovers) alone while the app and the workspace carry on.

let root: string;
let short: string;
let long: string;
const LONG_FRAMES = 600;

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const subject = await sampleFace(await face.models());
    root = mkdtempSync(join(tmpdir(), 'mellm-analysis-jobs-'));
    const brows = [{ au: 1, intensity: 'D' as const }, { au: 2, intensity: 'D' as const }];
    short = (await writeSynthSample(meClip(subject, { aus: brows }), join(root, 'short'), { crf: 12 })).mp4 as string;
    // 20 s of a still face with one ME in it: a scan long enough to be stopped halfway.
    const clip = meClip(subject, { aus: brows, frames: LONG_FRAMES, onset: 400, apex: 406, offset: 414 });
    long = (await writeSynthSample(clip, join(root, 'long'), { crf: 12 })).mp4 as string;
  } finally {
    await face.dispose();
  }
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function harness(name: string, options: Omit<ServiceOptions, 'userDataDir'> = {}) {
  const services = createServices({ userDataDir: join(root, `${name}-home`), ...options });
  const table = createHandlerTable(services);
  const call = async <T = unknown>(channel: string, payload: unknown = {}): Promise<T> => {
    const result = await dispatch(table, channel, payload, { transport: 'direct' });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.data as T;
  };
  const jobs = new Map<string, Job>();
  const waiting = new Map<string, (job: Job) => void>();
  services.events.subscribe((event, payload) => {
    if (event !== 'job.finished') return;
    const job = payload as Job;
    jobs.set(job.jobId, job);
    waiting.get(job.jobId)?.(job);
  });
  const finished = (jobId: string) => new Promise<Job>((resolve) => (jobs.has(jobId) ? resolve(jobs.get(jobId) as Job) : waiting.set(jobId, resolve)));
  return { services, call, finished };
}

/** The analysis job processes this test process started (children running the analyze entry). */
function analysisChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workers/analyze');
      } catch {
        return false;
      }
    })
    .map(Number);
}


describe.runIf(process.platform === 'linux')('analysis jobs in child processes', () => {
  it('a job process SIGKILLed mid-scan costs one retry that resumes from its last checkpoint; the result equals an uninterrupted run', async () => {
    const killed = harness('killed', { analysis: { checkpointEvery: 100 } });
    const whole = harness('whole', { analysis: { checkpointEvery: 100 } });
    try {
      await killed.call('workspace.create', { path: join(root, 'killed.mellm') });
      await whole.call('workspace.create', { path: join(root, 'whole.mellm') });
      // The job process is killed on the progress event of frame 150: the checkpoint of frame
      // 100 came before it on the same channel, so the retry has one to resume from.
      const scanned: number[] = [];
      let victims: number[] = [];
      killed.services.events.subscribe((event, payload) => {
        const progress = payload as { done: number; message?: string };
        if (event !== 'job.progress' || progress.message !== 'spotting') return;
        scanned.push(progress.done);
        if (victims.length === 0 && progress.done >= 2 + 150) {
          victims = analysisChildren();
          for (const pid of victims) process.kill(pid, 'SIGKILL');
        }
      });

      const { jobId } = await killed.call<{ jobId: string }>('analysis.run', { clipPath: long });
      const job = await killed.finished(jobId);
      expect(job.state, JSON.stringify(job.error)).toBe('done');
      // The retry went on from a checkpoint (frame 100 at least), not from the start.
      const restart = scanned.findIndex((done, i) => i > 0 && done < (scanned[i - 1] as number));
      expect(restart).toBeGreaterThan(0);
      expect(scanned[restart]).toBeGreaterThanOrEqual(2 + 100);
      expect(victims).toHaveLength(1);
      expect(analysisChildren()).not.toContain(victims[0]);

      const reference = await whole.call<{ jobId: string }>('analysis.run', { clipPath: long });
      expect((await whole.finished(reference.jobId)).state).toBe('done');
      const stored = async (h: ReturnType<typeof harness>) => {
        const ws = h.services.workspaces.require();
        const c = await ws.clips.byPath(long);
        const [event] = await ws.events.listForClip(c?.id as number);
        const analysis = StoredAnalysisSchema.parse(await h.call('analysis.get', { eventId: event?.id }));
        return { analysis, rows: await ws.frameMotion.range(c?.id as number, 0, LONG_FRAMES) };
      };
      const [a, b] = [await stored(killed), await stored(whole)];
      expect(a.analysis.spotting).toEqual(b.analysis.spotting);
      expect(Math.abs((a.analysis.spotting.apex as number) - 406)).toBeLessThanOrEqual(2);
      expect(a.analysis.expression.aus.map((au) => au.code)).toEqual(b.analysis.expression.aus.map((au) => au.code));
      expect(a.rows.map((r) => r.frame)).toEqual(b.rows.map((r) => r.frame));
      expect(a.rows).toHaveLength(LONG_FRAMES - 6);
      a.rows.forEach((row, i) => {
        const other = b.rows[i]?.roiMagnitudes as Float32Array;
        row.roiMagnitudes.forEach((v, k) => expect(Math.abs(v - (other[k] as number)), `frame ${row.frame}`).toBeLessThan(1e-4));
      });
    } finally {
      await Promise.all([disposeServices(killed.services), disposeServices(whole.services)]);
    }
  }, 300_000);

  it('a hostile chat template fails its job as MODEL_INVALID at once (it renders in the sandbox, not the job process); the next job and the workspace are unharmed', async () => {
    // One analysis at a time: the healthy job waits behind the hostile one, on its own.
    const h = harness('fatal', { jobConcurrency: 1 });
    try {
      await h.call('workspace.create', { path: join(root, 'fatal.mellm') });
      const llm = await makeQwen3Model(join(root, 'hostile-llm'));
      const config = join(llm, 'tokenizer_config.json');
      const tokenizer = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
      writeFileSync(config, JSON.stringify({ ...tokenizer, chat_template: '{% for i in range(1000000000) %}x{% endfor %}' }));
      await h.call('settings.update', { activeLlm: llm });
      const hostile = await h.call<{ jobId: string }>('analysis.run', { clipPath: short, onset: 8, apex: 12 });
      // Queued behind it, on the same queue: runs once the hostile job has failed.
      await h.call('settings.update', { activeLlm: null });
      const healthy = await h.call<{ jobId: string }>('analysis.run', { clipPath: short, onset: 7, apex: 12 });

      const failed = await h.finished(hostile.jobId);
      expect(failed).toMatchObject({ state: 'failed', error: { code: 'MODEL_INVALID' } });
      // Whichever of the sandbox's limits stops it first: memory when idle, the 2 s clock on a busy machine.
      expect(failed.error?.message).toMatch(/chat template .* (memory|did not finish rendering within 2 s)/);
      // The template's fault, not a crash of the job process: not retried.
      expect(failed.error?.message).not.toMatch(/attempts/);
      expect((await h.finished(healthy.jobId)).state).toBe('done');

      const ws = h.services.workspaces.require();
      const clip = await ws.clips.byPath(short);
      const events = await ws.events.listForClip(clip?.id as number);
      // Only the healthy job's event and analysis exist.
      expect(events.map((e) => [e.onset, e.apex])).toEqual([[7, 12]]);
      expect(await ws.analyses.listForEvent(events[0]?.id as number)).toHaveLength(1);
      expect(await h.call('workspace.info')).toMatchObject({ counts: { clips: 1, events: 1, analyses: 1 } });
    } finally {
      await disposeServices(h.services);
    }
  }, 300_000);

  it('a job beyond its memory limit fails alone with its reason; the app answers and a job with room succeeds', async () => {
    const tight = harness('tight', { analysis: { maxMemoryMb: 160 } });
    const roomy = harness('roomy');
    try {
      await tight.call('workspace.create', { path: join(root, 'tight.mellm') });
      const run = await tight.call<{ jobId: string }>('analysis.run', { clipPath: short, onset: 8, apex: 12 });
      const job = await tight.finished(run.jobId);
      // Where the limit is reached decides how it shows: an allocation V8 or node refuses is
      // INSUFFICIENT_MEMORY (the usual case here); a native library that crashes on a refused
      // allocation is a crash of its process. Either way the job fails alone, typed, and the
      // pool-level test (job-pool.test.ts) pins INSUFFICIENT_MEMORY for a refused allocation.
      expect(job.state).toBe('failed');
      expect(job.error?.code, job.error?.message).toMatch(/^(INSUFFICIENT_MEMORY|INTERNAL)$/);
      expect(job.error?.message).toMatch(/ran out of memory|crashed|stopped unexpectedly|could not start/);
      expect(await tight.call('workspace.info')).toMatchObject({ counts: { analyses: 0 } });

      await roomy.call('workspace.open', { path: join(root, 'tight.mellm') }).catch(() => undefined);
      await tight.call('workspace.close');
      await roomy.call('workspace.open', { path: join(root, 'tight.mellm') });
      const again = await roomy.call<{ jobId: string }>('analysis.run', { clipPath: short, onset: 8, apex: 12 });
      expect((await roomy.finished(again.jobId)).state).toBe('done');
      expect(await roomy.call('workspace.info')).toMatchObject({ counts: { analyses: 1 } });
    } finally {
      await Promise.all([disposeServices(tight.services), disposeServices(roomy.services)]);
    }
  }, 300_000);

  it('two runners on one workspace split "Analyse all" through their claims: every event is analysed exactly once', async () => {
    const h = harness('split');
    // A second workstation's runner: its own queue and job processes, the same workspace.
    const other = new AnalysisRunner({ workspaces: h.services.workspaces, jobs: new JobQueue(h.services.events), settings: h.services.settings, paths: h.services.paths });
    try {
      await h.call('workspace.create', { path: join(root, 'split.mellm') });
      const ws = h.services.workspaces.require();
      const events: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const path = join(root, `split-${i}.mp4`);
        copyFileSync(short, path);
        const clip = await ws.clips.add({ path, kind: 'video', fps: 30, frames: 30, width: 256, height: 192 });
        events.push((await ws.events.create({ clipId: clip.id, onset: 8, apex: 12, offset: 18, source: 'manual' })).id);
      }
      const [a, b] = await Promise.all([h.services.analysis.runAll(), other.runAll()]);
      const results = await Promise.all([...a.jobs, ...b.jobs].map((job) => job.result));
      expect(results.flatMap((r) => r.analysisIds)).toHaveLength(4);
      expect(results.filter((r) => r.skipped)).toHaveLength(results.length - 4);
      for (const id of events) expect(await ws.analyses.listForEvent(id), `event ${id}`).toHaveLength(1);
      // Both queued every event; each analysed some of them: the split is real, not one runner doing it all.
      expect([a.jobs.length, b.jobs.length]).toEqual([4, 4]);
      const analysedBy = async (jobs: typeof a.jobs) => (await Promise.all(jobs.map((job) => job.result))).filter((r) => r.analysisIds.length > 0).length;
      expect(await analysedBy(a.jobs)).toBeGreaterThan(0);
      expect(await analysedBy(b.jobs)).toBeGreaterThan(0);
    } finally {
      await other.dispose();
      await disposeServices(h.services);
    }
  }, 300_000);
});
