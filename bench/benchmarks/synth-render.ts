import { createHash } from 'node:crypto';
import type { Benchmark, BenchRow } from '../harness';
import { withPipelineServices } from './pipeline-set';
import { SESSION_SET, setSessionClip } from './sessions-set';

/**
 * The synthetic renderer's cost per frame on the session set's own clips (sessions-set.ts:
 * the same plans, photos, faces and noise as the cached renders): CPU milliseconds (user +
 * system of this process) to render frames spread evenly over each session, without the
 * H.264 encoding (ffmpeg's own process; see docs/benchmarks.md for its share), and a digest
 * of those frames, so that two renderers can be checked for the same output frame by frame.
 * `MELLM_SESSIONS=name,…` picks sessions; `--reps N` sets the frames per session (default 150).
 */

const FIRST = 7;

export const synthRenderBenchmark: Benchmark = {
  name: 'synth-render',
  description: "The synthetic session renderer's CPU per frame on the session set (sampled frames, no encoding) and a digest of those frames",
  async run(context) {
    const wanted = process.env.MELLM_SESSIONS?.split(',').filter(Boolean);
    const specs = SESSION_SET.filter((s) => !wanted?.length || wanted.includes(s.name));
    const count = Math.max(1, context.reps ?? 150);
    const rows: BenchRow[] = [];
    await withPipelineServices(async (services) => {
      for (const spec of specs) {
        const clip = await setSessionClip(services.face, spec);
        const frames = clip.truth.frames;
        const step = Math.max(1, Math.floor((frames - FIRST) / count));
        const hash = createHash('sha256');
        const samples: number[] = [];
        const cpu = process.cpuUsage();
        let rendered = 0;
        for (let t = FIRST; t < frames && rendered < count; t += step, rendered += 1) {
          const start = performance.now();
          hash.update(clip.render(t).data);
          samples.push(performance.now() - start);
        }
        const used = process.cpuUsage(cpu);
        const cpuMsPerFrame = (used.user + used.system) / 1000 / rendered;
        context.log(`${spec.name}: ${rendered} frames, ${cpuMsPerFrame.toFixed(1)} ms CPU per frame`);
        rows.push({
          case: spec.name,
          method: 'render (no encoding)',
          samples,
          metrics: { frames: rendered, firstFrame: FIRST, step, width: spec.width, height: spec.height, cpuMsPerFrame: Math.round(cpuMsPerFrame * 10) / 10, framesDigest: hash.digest('hex').slice(0, 16) },
        });
      }
    });
    return rows;
  },
};
