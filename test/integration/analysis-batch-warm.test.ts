import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzeTaskInput, AnalyzeTaskOutput, AnalyzerOptions } from '../../src/main/analysis/pipeline/task';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import { analysisBudget } from '../../src/main/jobs/budget';
import { ProcessPool } from '../../src/main/jobs/pool';
import { jobScript } from '../../src/main/jobs/script';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';

// A batch runs on long-lived job processes (jobs/workers/analyze.ts): each loads its face
// models and creates its flow sessions once, at start-up, and every clip after that only
// runs them. The real worker, real ONNX Runtime sessions, real mp4 clips.

const CLIPS = 5;
let root: string;
const clips: string[] = [];

beforeAll(async () => {
  const face = new FaceService(defaultModelsDir());
  try {
    const subject = await sampleFace(await face.models());
    root = mkdtempSync(join(tmpdir(), 'mellm-batch-warm-'));
    for (let i = 0; i < CLIPS; i += 1) {
      const clip = meClip(subject, { aus: [{ au: 12, intensity: 'C' }], frames: 20, onset: 5, apex: 9, offset: 14, seed: 10 + i });
      clips.push((await writeSynthSample(clip, join(root, `clip-${i}`), { crf: 12 })).mp4 as string);
    }
  } finally {
    await face.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a batch of clips on the job processes', () => {
  it('creates every model session once per process, at start-up: no clip after the first adds one', async () => {
    const budget = analysisBudget(2, 2);
    const init: AnalyzerOptions = { modelsDir: defaultModelsDir(), intraOpThreads: budget.intraOpThreads };
    const pool = new ProcessPool({ script: jobScript('analyze'), size: budget.processes, init });
    try {
      const outputs = await Promise.all(
        clips.map((path) => pool.run<AnalyzeTaskOutput>({ path, onset: 5, apex: 9, offset: 14, frameMotion: true } satisfies AnalyzeTaskInput)),
      );
      const processes = new Map<number, AnalyzeTaskOutput['process'][]>();
      for (const output of outputs) {
        expect(output.report.expressions.length).toBeGreaterThan(0);
        const stats = output.process;
        expect(stats).toBeDefined();
        processes.set(stats!.pid, [...(processes.get(stats!.pid) ?? []), stats]);
      }
      expect(pool.stats().started).toBe(processes.size);
      expect(processes.size).toBeLessThanOrEqual(budget.processes);
      for (const runs of processes.values()) {
        // Three face sessions (two BlazeFace, FaceMesh) and the two default flows' staged graphs
        // (spotting and expression: a pyramid and a warp graph each, one upsampling graph for both).
        expect(new Set(runs.map((r) => r!.sessions))).toEqual(new Set([8]));
        expect(runs.map((r) => r!.sessionsForClip)).toEqual(runs.map(() => 0));
        expect(runs.every((r) => r!.intraOpThreads === budget.intraOpThreads)).toBe(true);
      }
      // Every clip was analysed, and each process counted its own.
      expect([...processes.values()].reduce((sum, runs) => sum + Math.max(...runs.map((r) => r!.clips)), 0)).toBe(CLIPS);
    } finally {
      await pool.close();
    }
  }, 180_000);
});

describe('the process budget', () => {
  it('splits the cores: one process per core up to four, cores ÷ processes ONNX Runtime threads each', () => {
    expect(analysisBudget(undefined, 2)).toEqual({ processes: 2, intraOpThreads: 1 });
    expect(analysisBudget(1, 2)).toEqual({ processes: 1, intraOpThreads: 2 });
    expect(analysisBudget(undefined, 16)).toEqual({ processes: 4, intraOpThreads: 4 });
    expect(analysisBudget(3, 2)).toEqual({ processes: 3, intraOpThreads: 1 });
    expect(analysisBudget(undefined, 1)).toEqual({ processes: 1, intraOpThreads: 1 });
  });
});
