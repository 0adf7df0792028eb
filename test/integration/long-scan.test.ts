import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClip, type PipelineModels, type PipelineOptions, type ScanProgress } from '../../src/main/analysis/pipeline/pipeline';
import { cropGray, cropRegion, type CropGeometry } from '../../src/main/analysis/pipeline/crop';
import type { ScanEta } from '../../src/main/analysis/pipeline/scan-clock';
import type { SynthClip } from '../../src/main/analysis/synth/synthesize';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import type { FrameSequence, RegionStream } from '../../src/main/media/image';
import { MediaLibrary } from '../../src/main/media/library';
import type { FrameReader } from '../../src/main/media/reader';
import { defaultModelsDir } from '../../src/main/paths';
import { AppError } from '../../src/shared/errors';
import { meClip, sampleFace } from '../helpers/synth-clip';

/**
 * The spotting scan of a recording as a streaming pass, on a real H.264 file (real
 * ffmpeg, real ONNX flow): frames come from a forward region stream whose buffer stays at
 * a couple of region frames, nothing is decoded as a full frame during the scan, progress
 * reaches the total, and a cancelled scan resumed from its checkpoint spots what an
 * uninterrupted one spots. 120 frames stand in for a long recording: the window's bound
 * does not depend on the length, which a test this short can assert but not time.
 */

const FRAMES = 120;
let dir = '';
const face = new FaceService(defaultModelsDir());
const flow = new FlowService(defaultModelsDir());
const media = new MediaLibrary({ cacheMB: 64 });
let models: PipelineModels;
let clip: SynthClip;
let reader: FrameReader;

function encode(source: SynthClip, path: string): void {
  const { width, height, fps, frames } = source.truth;
  const raw = Buffer.concat(Array.from({ length: frames }, (_, t) => Buffer.from(source.render(t).data)));
  execFileSync(
    locateFfmpeg().path,
    ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', path],
    { input: raw, stdio: ['pipe', 'ignore', 'pipe'] },
  );
}

beforeAll(async () => {
  models = { face: await face.models(), flow };
  clip = meClip(await sampleFace(models.face), { aus: [{ au: 12, intensity: 'D' }], frames: FRAMES, onset: 70, apex: 74, offset: 80, seed: 7 });
  dir = mkdtempSync(join(tmpdir(), 'mellm-long-scan-'));
  const path = join(dir, 'session.mp4');
  encode(clip, path);
  const { clipId } = await media.open(path);
  reader = await media.reader(clipId);
}, 180_000);
afterAll(async () => {
  media.close();
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([face.dispose(), flow.dispose()]);
});

/** The reader as the pipeline sees it, counting full-frame reads and keeping the region streams it hands out. */
function watched(): { sequence: FrameSequence; reads: number[]; streams: RegionStream[] } {
  const reads: number[] = [];
  const streams: RegionStream[] = [];
  const sequence: FrameSequence = {
    frameCount: reader.frameCount,
    fps: reader.fps,
    width: reader.width,
    height: reader.height,
    read: (t) => (reads.push(t), reader.read(t)),
    streamRegion: (region, first) => {
      const stream = reader.streamRegion?.(region, first) as RegionStream;
      streams.push(stream);
      return stream;
    },
  };
  return { sequence, reads, streams };
}

describe('the region stream', () => {
  it('crops exactly what the full frame crops, holding about two region frames', async () => {
    const geometry: CropGeometry = { box: [61.3, 17.8, 121.6, 146.2], width: 80, height: 96 };
    const cut = cropRegion(geometry, reader.width, reader.height);
    expect(cut).not.toBeNull();
    const { region, geometry: inRegion } = cut as NonNullable<typeof cut>;
    expect(region.width).toBeLessThan(reader.width);
    const stream = (reader.streamRegion as NonNullable<FrameReader['streamRegion']>)(region, 30);
    let held = 0;
    try {
      for (let t = 30; t < 60; t += 1) {
        const part = await stream.next();
        held = Math.max(held, stream.bufferedBytes);
        if (t % 7 === 0) expect(cropGray(part as NonNullable<typeof part>, inRegion).data).toEqual(cropGray(await reader.read(t), geometry).data);
      }
    } finally {
      stream.close();
    }
    // Back-pressure pauses the pipe at two frames; one more pipe chunk may land before it does.
    expect(held).toBeLessThanOrEqual(2 * region.width * region.height * 3 + 65_536);
    expect(() => reader.streamRegion?.({ x: 1, y: 0, width: 10, height: 10 }, 0)).toThrow(AppError);
  }, 60_000);
});

describe('the spotting scan of a recording', () => {
  it('streams the face region (no full frame decoded while scanning, a bounded window) and reports progress to the total', async () => {
    const { sequence, reads, streams } = watched();
    let readsWhileScanning = 0;
    let held = 0;
    const progress: Array<{ done: number; total: number; scan?: ScanEta }> = [];
    const { report } = await analyzeClip(sequence, models, {
      onProgress: (done, total, message, scan) => {
        progress.push({ done, total, ...(scan ? { scan } : {}) });
        if (message === 'spotting') {
          readsWhileScanning = reads.length - 1;
          held = Math.max(held, streams[0]?.bufferedBytes ?? 0);
        }
      },
    });
    expect(streams).toHaveLength(1);
    // Frame 0 is read once, whole, for the face; the scan itself reads none.
    expect(readsWhileScanning).toBe(0);
    expect(held).toBeGreaterThan(0);
    // Back-pressure pauses the pipe at two region frames (here the face fills most of the frame).
    expect(held).toBeLessThanOrEqual(2 * reader.width * reader.height * 3 + 65_536);
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
    const scans = progress.flatMap((p) => (p.scan ? [p.scan] : []));
    expect(scans.at(-1)).toMatchObject({ framesDone: FRAMES, framesTotal: FRAMES, etaSeconds: 0 });
    expect(scans.at(-1)?.framesPerSecond).toBeGreaterThan(0);
    expect(report.spotting.intervals.map((iv) => Math.abs(iv.apex - clip.truth.apex) <= 2)).toEqual([true]);
  }, 120_000);

  it('cancelled mid-scan and resumed from its last checkpoint, spots what an uninterrupted scan spots', async () => {
    const options: PipelineOptions = { frameMotion: true, checkpointEvery: 25 };
    const whole = await analyzeClip(reader, models, { ...options, onCheckpoint: () => undefined });

    const controller = new AbortController();
    let last: ScanProgress | null = null;
    const cancelled = analyzeClip(reader, models, {
      ...options,
      signal: controller.signal,
      onCheckpoint: (checkpoint) => {
        last = checkpoint;
      },
      onProgress: (done, _total, message) => {
        if (message === 'spotting' && done >= 2 + 60) controller.abort();
      },
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    const checkpoint = last as ScanProgress | null;
    // Stopped before the ME (onset 70) was measured: the resumed run must find it.
    expect(checkpoint?.next).toBeLessThanOrEqual(75);
    expect(checkpoint?.next).toBeGreaterThanOrEqual(25);

    // Rows measured after the resume point come out at the resumed run's checkpoints and with its result.
    const rows: number[] = [];
    const resumed = await analyzeClip(reader, models, { ...options, resume: checkpoint as ScanProgress, onCheckpoint: (next) => void rows.push(...(next.motion?.rows.map((r) => r.frame) ?? [])) });
    rows.push(...(resumed.frameMotion?.rows.map((r) => r.frame) ?? []));
    expect(resumed.report.spotting).toEqual(whole.report.spotting);
    expect(resumed.report.facs).toBe(whole.report.facs);
    expect(resumed.report.spotting.intervals).toHaveLength(1);
    const from = checkpoint?.next as number;
    expect(rows).toEqual(Array.from({ length: FRAMES - from }, (_, i) => from + i));
  }, 180_000);
});
