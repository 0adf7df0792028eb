import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/api';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { GraphBuilder, tensor } from '../../src/main/inference/onnx/graph';
import { ProcessPool } from '../../src/main/jobs/pool';
import { jobScript } from '../../src/main/jobs/script';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { locateFfprobe } from '../../src/main/media/tools';
import { createServices } from '../../src/main/app/services';
import { makeIndexedVideo } from '../helpers/media';
import { useTempDir } from '../helpers/tmp';
import type { ClipJob } from './drivers/clip-job';
import { buildDriver } from './support/driver';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-pipeline-faults-');

/** y = x · W: the smallest model that proves a session really loaded and ran. */
function tinyModel(): Uint8Array {
  const g = new GraphBuilder('tiny');
  const x = g.input('x', 'float32', [1, 3]);
  const w = g.constant('W', tensor.float32([3, 1], [1, 1, 1]));
  g.op('MatMul', [x, w], {}, ['y']);
  g.output('y', 'float32', [1, 1]);
  return g.toBytes();
}

/** A PNG whose header claims `width`×`height` (a few bytes on disk, gigabytes decoded). */
function hugePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

describe('fault injection in the pipeline', () => {
  it('each fault fails its own clip job with a clear typed error; the queue carries on; the store is untouched', async () => {
    const dir = tempDir();
    const video = makeIndexedVideo(dir, 'clip.mp4', { frames: 24, codec: ['-c:v', 'libx264', '-g', '8', '-pix_fmt', 'yuv420p'] });
    const model = join(dir, 'tiny.onnx');
    const bytes = tinyModel();
    writeFileSync(model, bytes);
    writeFileSync(join(dir, 'truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    writeFileSync(join(dir, 'garbage.onnx'), Buffer.from('PK\u0003\u0004 this is a zip, not a model'.repeat(20)));

    // A fake ffmpeg that answers -version and probes like the real one, but dies after
    // 40 kB of decoded frames (the middle of frame 3 of 96×64 RGB). Opening a video decodes
    // its first frames with the same raw decoder, so the death is reported there (naming
    // the frame) or, past them, by the analysis' decoder.
    const real = locateFfmpeg().path;
    const fakeBin = join(dir, 'fakebin');
    mkdirSync(fakeBin);
    writeFileSync(
      join(fakeBin, 'ffmpeg'),
      `#!/bin/sh\ncase "$*" in *rawvideo*) "${real}" "$@" | head -c 40000; exit 1;; esac\nexec "${real}" "$@"\n`,
    );
    chmodSync(join(fakeBin, 'ffmpeg'), 0o755);
    const ffprobe = locateFfprobe();
    if (ffprobe) symlinkSync(ffprobe, join(fakeBin, 'ffprobe'));

    const llmNoTokenizer = join(dir, 'llm');
    mkdirSync(join(llmNoTokenizer, 'onnx'), { recursive: true });
    writeFileSync(join(llmNoTokenizer, 'config.json'), JSON.stringify({ architectures: ['Qwen3ForCausalLM'] }));
    writeFileSync(join(llmNoTokenizer, 'generation_config.json'), '{}');
    writeFileSync(join(llmNoTokenizer, 'onnx', 'model.onnx'), bytes);

    const hugeFrames = join(dir, 'huge');
    mkdirSync(hugeFrames);
    writeFileSync(join(hugeFrames, 'img001.png'), hugePngHeader(10_000, 10_000));

    const services = createServices({ userDataDir: join(dir, 'user') });
    const table = createHandlerTable(services);
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    expect((await dispatch(table, 'workspace.open', { path: workspace }, { transport: 'direct' })).ok).toBe(true);
    await dispatch(table, 'settings.update', { annotator: 'ana' }, { transport: 'direct' });
    await dispatch(table, 'annotations.save', { eventId: 1, annotator: 'ana', aus: 'AU12', description: 'before' }, { transport: 'direct' });
    const before = fingerprintFile(workspace);

    const script = jobScript(buildDriver('clip-job'));
    // One pool as the app runs them; a job needing another heap or environment gets a process of its own.
    const pool = new ProcessPool({ script, size: 1, maxHeapMb: 512 });
    const cases: { name: string; job: ClipJob; maxHeapMb?: number; env?: Record<string, string>; code: string | null; message?: RegExp }[] = [
      { name: 'healthy clip first', job: { clip: video, frames: 6, model }, code: null },
      { name: 'ffmpeg missing', job: { clip: video }, env: { FFMPEG_PATH: join(dir, 'no-such-ffmpeg'), PATH: '' }, code: 'FFMPEG_NOT_FOUND', message: /ffmpeg/i },
      { name: 'ffmpeg crashes mid-decode', job: { clip: video }, env: { FFMPEG_PATH: join(fakeBin, 'ffmpeg'), PATH: fakeBin }, code: 'MEDIA_UNREADABLE', message: /^Cannot (decode|read video) .*clip\.mp4/ },
      { name: 'ONNX model truncated', job: { model: join(dir, 'truncated.onnx') }, code: 'MODEL_INVALID', message: /not a valid ONNX model/ },
      { name: 'ONNX model is garbage', job: { model: join(dir, 'garbage.onnx') }, code: 'MODEL_INVALID', message: /not a valid ONNX model/ },
      { name: 'ONNX model missing', job: { model: join(dir, 'absent.onnx') }, code: 'MODEL_MISSING', message: /could not be read/ },
      { name: 'LLM folder without tokenizer', job: { llm: llmNoTokenizer }, code: 'MODEL_MISSING', message: /tokenizer\.json, tokenizer_config\.json missing/ },
      { name: 'worker dies mid-analysis', job: { clip: video, dieAfterFrames: 3 }, code: 'INTERNAL', message: /exit code 9/ },
      { name: 'huge frame refused before decoding', job: { clip: hugeFrames }, code: 'MEDIA_UNREADABLE', message: /10000×10000, larger than/ },
      { name: 'analysis runs out of memory', job: { clip: video, hoard: true }, maxHeapMb: 48, code: 'INSUFFICIENT_MEMORY' },
      { name: 'healthy clip after the faults', job: { clip: video, frames: 24, model }, code: null },
    ];
    const handles = cases.map((c) =>
      services.jobs.add('analysis', c.name, async (context) => {
        const own = c.maxHeapMb || c.env ? new ProcessPool({ script, size: 1, maxHeapMb: c.maxHeapMb ?? 512, ...(c.env ? { env: c.env } : {}) }) : null;
        try {
          return await (own ?? pool).run<{ frames: number; modelOutput: number[] | null }>(c.job, {
            signal: context.signal,
            onProgress: (done, total) => context.progress(done, total),
          });
        } finally {
          await own?.close();
        }
      }),
    );
    const outcomes = await Promise.allSettled(handles.map((h) => h.result));
    await pool.close();
    const listed = (await dispatch(table, 'jobs.list', {}, { transport: 'direct' })) as { ok: true; data: Job[] };

    cases.forEach((c, i) => {
      const outcome = outcomes[i]!;
      const job = listed.data.find((j) => j.jobId === handles[i]!.jobId);
      if (c.code === null) {
        expect(outcome, c.name).toMatchObject({ status: 'fulfilled' });
        expect(job?.state, c.name).toBe('done');
      } else {
        expect(outcome.status, c.name).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as { code: string; message: string };
        expect(error.code, `${c.name}: ${error.message}`).toBe(c.code);
        if (c.message) expect(error.message, c.name).toMatch(c.message);
        expect(job, c.name).toMatchObject({ state: 'failed', error: { code: c.code } });
      }
    });
    const last = outcomes.at(-1) as PromiseFulfilledResult<{ frames: number; modelOutput: number[] }>;
    expect(last.value).toEqual({ frames: 24, modelOutput: [6] });
    expect(fingerprintFile(workspace)).toEqual(before);
    await dispatch(table, 'workspace.close', {}, { transport: 'direct' });
  });
});
