/**
 * A job process's clip analysis for the fault-injection test: the stages of the real
 * pipeline that can fail (decode frames with ffmpeg, load and run an ONNX model, check an
 * LLM folder), each driven by the job's input. Faults come from the inputs, not from
 * flags inside the code under test, except `dieAfterFrames` and `hoard`, which stand for
 * a job process crash and a runaway allocation.
 */
import * as ort from 'onnxruntime-node';
import { serveJobs, throwIfCancelled } from '../../../src/main/jobs/child-runtime';
import { inspectLlmFolder } from '../../../src/main/inference/llm/folder';
import { SessionCache } from '../../../src/main/inference/onnx/session';
import { MediaLibrary } from '../../../src/main/media/library';

export interface ClipJob {
  readonly clip?: string;
  readonly frames?: number;
  readonly model?: string;
  readonly llm?: string;
  readonly dieAfterFrames?: number;
  readonly hoard?: boolean;
}

serveJobs<ClipJob, { frames: number; modelOutput: number[] | null }>(async () => (job, context) => runClipJob(job, context.signal, context.progress));

async function runClipJob(job: ClipJob, signal: AbortSignal, progress: (done: number, total: number) => void): Promise<{ frames: number; modelOutput: number[] | null }> {
  let frames = 0;
  const hoard: number[][] = [];
  if (job.clip) {
    const library = new MediaLibrary();
    try {
      const { clipId, info } = await library.open(job.clip);
      const reader = await library.reader(clipId);
      const count = Math.min(info.frames, job.frames ?? info.frames);
      for (let i = 0; i < count; i++) {
        const frame = await reader.read(i);
        if (job.hoard) for (let k = 0; k < 200; k++) hoard.push(Array.from(frame.data));
        frames++;
        progress(frames, count);
        if (job.dieAfterFrames === frames) process.exit(9);
        throwIfCancelled(signal);
      }
    } finally {
      library.close();
    }
  }
  let modelOutput: number[] | null = null;
  if (job.model) {
    const cache = new SessionCache();
    try {
      const session = await cache.get(job.model, job.model);
      const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [1, 3]) });
      modelOutput = Array.from(y!.data as Float32Array);
    } finally {
      await cache.dispose();
    }
  }
  if (job.llm) await inspectLlmFolder(job.llm);
  return { frames, modelOutput };
}
