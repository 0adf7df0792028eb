import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaInfoSchema } from '../../src/shared/media';
import { FrameCache } from '../../src/main/media/frame-cache';
import { MediaLibrary } from '../../src/main/media/library';
import { probeMedia } from '../../src/main/media/probe';
import { probeVideo } from '../../src/main/media/probe-video';
import { VideoFrameReader } from '../../src/main/media/video-reader';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { frameIndexOf, makeIndexedVideo, ffmpeg, INDEX_FILTER } from '../helpers/media';

const FRAMES = 120;
let dir: string;

// One encoding per container/codec family; B-frames and both GOP extremes included.
const VIDEOS: Record<string, string[]> = {
  'short-gop.mp4': ['-c:v', 'libx264', '-g', '4', '-bf', '2', '-pix_fmt', 'yuv420p'],
  'long-gop.mp4': ['-c:v', 'libx264', '-g', '1000', '-bf', '3', '-pix_fmt', 'yuv420p'],
  'h264.mkv': ['-c:v', 'libx264', '-g', '12', '-pix_fmt', 'yuv420p'],
  'vp9.webm': ['-c:v', 'libvpx-vp9', '-g', '12', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k'],
  'mpeg4-bframes.avi': ['-c:v', 'mpeg4', '-g', '12', '-bf', '2', '-q:v', '3'],
  'mjpeg.mov': ['-c:v', 'mjpeg', '-q:v', '3'],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-media-'));
  for (const [name, codec] of Object.entries(VIDEOS)) makeIndexedVideo(dir, name, { frames: FRAMES, codec });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fixed pseudo-random order that mixes forward jumps, backward jumps and steps. */
function accessPattern(count: number): number[] {
  const order = [0, count - 1, 1, Math.floor(count / 2), Math.floor(count / 2) + 1, Math.floor(count / 2) - 1, Math.floor(count / 2) - 2];
  let seed = 7;
  for (let k = 0; k < 16; k += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    order.push(seed % count);
  }
  return order;
}

describe('probeMedia on videos', () => {
  it.each(Object.keys(VIDEOS))('%s: exact frame count, rate and size', async (name) => {
    const info = MediaInfoSchema.parse(await probeMedia(join(dir, name)));
    expect(info).toMatchObject({ kind: 'video', frames: FRAMES, width: 96, height: 64, rotation: 0, vfr: false, sequence: null });
    expect(info.fps).toBeCloseTo(25, 3);
    expect(info.durationSec).toBeCloseTo(FRAMES / 25, 1);
  });
});

describe('probe without ffprobe (parsing ffmpeg -i)', () => {
  it.each(['short-gop.mp4', 'h264.mkv', 'vp9.webm', 'mpeg4-bframes.avi'])('%s: same count, rate and size', async (name) => {
    const info = await probeVideo(join(dir, name), { ffprobe: null });
    expect(info).toMatchObject({ kind: 'video', frames: FRAMES, width: 96, height: 64, rotation: 0, vfr: false });
    expect(info.fps).toBeCloseTo(25, 3);
    // The fallback's timing (first-frame time behind B-frames) also lands on exact frames.
    const reader = new VideoFrameReader(info, info.timing, { ffmpeg: locateFfmpeg().path, cache: new FrameCache(2 ** 24), key: 'fallback' });
    try {
      for (const i of [57, 3, 119]) expect(frameIndexOf(await reader.read(i))).toBe(i);
    } finally {
      reader.close();
    }
  });
});

describe('frame-exact random access', () => {
  it.each(Object.keys(VIDEOS))('%s: every requested index returns that frame', async (name) => {
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const { clipId } = await library.open(join(dir, name));
      const reader = await library.reader(clipId);
      for (const index of accessPattern(FRAMES)) {
        const frame = await reader.read(index);
        expect({ index, got: frameIndexOf(frame) }).toEqual({ index, got: index });
      }
    } finally {
      library.close();
    }
  });

  it('steps forward and backward through a long GOP, with the cache and without', async () => {
    for (const [cacheMB, from] of [[16, 40], [0, 60]] as const) {
      const library = new MediaLibrary({ cacheMB });
      try {
        const { clipId } = await library.open(join(dir, 'long-gop.mp4'));
        const reader = await library.reader(clipId);
        for (let i = 50; i < 70; i += 1) expect(frameIndexOf(await reader.read(i))).toBe(i);
        for (let i = 69; i >= from; i -= 1) expect(frameIndexOf(await reader.read(i))).toBe(i);
        // Concurrent requests (a scrubbing UI) are served in any order, each exactly.
        const wanted = [3, 90, 4, 89, 110, 2];
        const frames = await Promise.all(wanted.map((i) => reader.read(i)));
        expect(frames.map(frameIndexOf)).toEqual(wanted);
      } finally {
        library.close();
      }
    }
  });

  it('prefetches neighbours so sequential steps hit the cache', async () => {
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const { clipId } = await library.open(join(dir, 'short-gop.mp4'));
      const reader = await library.reader(clipId);
      await reader.read(30);
      await new Promise((r) => setTimeout(r, 300));
      expect(library.cache.has(`${clipId}:31`)).toBe(true);
      expect(library.cache.has(`${clipId}:38`)).toBe(true);
      await reader.read(80);
      await reader.read(79); // stepping back decodes a run before it
      expect(library.cache.has(`${clipId}:70`)).toBe(true);
    } finally {
      library.close();
    }
  });

  it('closes idle readers and reopens them on the next request', async () => {
    const library = new MediaLibrary({ cacheMB: 16, idleMs: 1000 });
    try {
      const { clipId } = await library.open(join(dir, 'h264.mkv'));
      const first = await library.reader(clipId);
      await first.read(10);
      library.closeIdle(Date.now() + 5000);
      expect(library.cache.has(`${clipId}:10`)).toBe(false);
      const second = await library.reader(clipId);
      expect(second).not.toBe(first);
      expect(frameIndexOf(await second.read(11))).toBe(11);
    } finally {
      library.close();
    }
  });

  it('keeps a held reader open however long it goes unrequested (an analysis of a long recording holds it for minutes)', async () => {
    const library = new MediaLibrary({ cacheMB: 16, idleMs: 1000 });
    try {
      const { clipId } = await library.open(join(dir, 'h264.mkv'));
      const release = library.hold(clipId);
      const reader = await library.reader(clipId);
      await reader.read(10);
      library.closeIdle(Date.now() + 5000);
      expect(frameIndexOf(await reader.read(11))).toBe(11);
      expect(await library.reader(clipId)).toBe(reader);
      release();
      library.closeIdle(Date.now() + 5000);
      await expect(reader.read(12)).rejects.toThrow(/closed/);
    } finally {
      library.close();
    }
  });

  it("a re-open after the file's metadata changed (chmod: a new ctime) leaves a held reader to the analysis reading from it", async () => {
    const path = join(dir, 'held-reopen.mkv');
    copyFileSync(join(dir, 'h264.mkv'), path);
    const library = new MediaLibrary({ cacheMB: 16, idleMs: 1000 });
    try {
      const { clipId } = await library.open(path);
      const release = library.hold(clipId);
      const reader = await library.reader(clipId);
      await reader.read(10);
      chmodSync(path, 0o600);
      // The view opens the clip again: the stamp differs, so it is probed and checked anew.
      await library.open(path);
      expect(frameIndexOf(await reader.read(30))).toBe(30);
      expect(await library.reader(clipId)).not.toBe(reader);
      release();
      await expect(reader.read(31)).rejects.toThrow(/closed/);
    } finally {
      library.close();
    }
  });

  it('decodes variable-frame-rate video by index, not by nominal time', async () => {
    // Frames 0-59 at 25 fps, then a 1 s pause, then 10 fps: a VFR stream.
    const path = makeIndexedVideo(dir, 'vfr.mkv', {
      frames: 100,
      filter: "setpts='if(lt(N,60),N/25,2.4+1+(N-60)/10)/TB'",
      codec: ['-fps_mode', 'passthrough', '-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'],
    });
    const info = await probeMedia(path);
    expect(info.frames).toBe(100);
    expect(info.vfr).toBe(true);
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(path)).clipId);
      for (const i of [99, 70, 59, 60, 61, 10, 85]) expect(frameIndexOf(await reader.read(i))).toBe(i);
    } finally {
      library.close();
    }
  });

  it('reads grayscale video of odd size (641×479) exactly', async () => {
    const path = makeIndexedVideo(dir, 'gray-odd.mkv', { frames: 40, size: '641x479', codec: ['-c:v', 'ffv1', '-pix_fmt', 'gray'] });
    const info = await probeMedia(path);
    expect(info).toMatchObject({ width: 641, height: 479, gray: true, frames: 40 });
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      const reader = await library.reader((await library.open(path)).clipId);
      const frame = await reader.read(37);
      expect(frame).toMatchObject({ width: 641, height: 479, channels: 3 });
      expect(frame.data.length).toBe(641 * 479 * 3);
      expect(frameIndexOf(frame)).toBe(37);
    } finally {
      library.close();
    }
  });

  it('honours rotation metadata: frames come out upright with swapped size', async () => {
    const source = makeIndexedVideo(dir, 'upright.mp4', { frames: 10, codec: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] });
    const rotated = join(dir, 'rotated.mp4');
    ffmpeg(['-i', source, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const info = await probeMedia(rotated);
    // ffmpeg 5.1 writes the tag as a display matrix; either quarter turn swaps the size.
    expect([90, 270]).toContain(info.rotation);
    expect(info).toMatchObject({ width: 64, height: 96 });
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const frame = await (await library.reader((await library.open(rotated)).clipId)).read(5);
      expect(frame).toMatchObject({ width: 64, height: 96 });
    } finally {
      library.close();
    }
  });
});

describe('image sequences', () => {
  function writeSequence(name: string, count: number, pattern: string, options: string[] = []): string {
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    const source = `color=c=black:s=96x64:r=25:d=${count / 25}`;
    ffmpeg(['-f', 'lavfi', '-i', source, '-vf', INDEX_FILTER, '-frames:v', String(count), ...options, '-start_number', '1', join(folder, pattern)]);
    return folder;
  }

  it('orders img1…imgN naturally (img2 before img10) and reads frame-exactly', async () => {
    const folder = writeSequence('casme', 30, 'img%d.jpg', ['-q:v', '2']);
    const info = await probeMedia(folder);
    expect(info).toMatchObject({ kind: 'sequence', frames: 30, width: 96, height: 64, codec: 'jpeg', sequence: { pattern: 'img{n}.jpg', firstNumber: 1, missing: [] } });
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(folder)).clipId);
      for (const i of [0, 1, 9, 10, 29, 15]) expect(frameIndexOf(await reader.read(i))).toBe(i);
    } finally {
      library.close();
    }
  });

  it('reads SAMM-style zero-padded grayscale frames (006_05562.jpg …) and BMP/PNG folders', async () => {
    // ffmpeg's MJPEG encoder writes colour JPEGs: make true single-channel ones with sharp.
    const pngs = writeSequence('samm-src', 12, '006_%05d.png');
    const samm = join(dir, '006_1_2');
    mkdirSync(samm);
    for (let n = 1; n <= 12; n += 1) {
      const name = `006_${String(n).padStart(5, '0')}`;
      await sharp(join(pngs, `${name}.png`)).toColourspace('b-w').jpeg({ quality: 95 }).toFile(join(samm, `${name}.jpg`));
    }
    const info = await probeMedia(samm, { fps: 200 });
    expect(info).toMatchObject({ gray: true, frames: 12, fps: 200, sequence: { pattern: '006_{n:05}.jpg', firstNumber: 1, fpsAssumed: false } });
    const bmp = writeSequence('bmp', 6, 'img%d.bmp');
    const png = writeSequence('png', 6, 'f%03d.png');
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      for (const folder of [samm, bmp, png]) {
        const reader = await library.reader((await library.open(folder)).clipId);
        expect(frameIndexOf(await reader.read(5))).toBe(5);
      }
    } finally {
      library.close();
    }
  });

  it('flags gaps in the numbering: indices keep dataset numbers, the missing frame errors clearly', async () => {
    const folder = writeSequence('gappy', 6, 'img%d.png');
    rmSync(join(folder, 'img4.png'));
    const info = await probeMedia(folder);
    expect(info.frames).toBe(6);
    expect(info.sequence?.missing).toEqual([3]);
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(folder)).clipId);
      expect(frameIndexOf(await reader.read(4))).toBe(4);
      await expect(reader.read(3)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/missing.*numbered 4/) });
    } finally {
      library.close();
    }
    copyFileSync(join(folder, 'img1.png'), join(folder, 'img999999.png'));
    await expect(probeMedia(folder)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /mostly missing/ });
  });

  it('falls back to natural order for unnumbered names', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    const png = writeSequence('src-mixed', 3, 'x%d.png');
    copyFileSync(join(png, 'x1.png'), join(folder, 'a.png'));
    copyFileSync(join(png, 'x2.png'), join(folder, 'b10.png'));
    copyFileSync(join(png, 'x3.png'), join(folder, 'c2.png'));
    const info = await probeMedia(folder);
    expect(info.sequence).toMatchObject({ pattern: null, firstNumber: null, missing: [] });
    expect(info.frames).toBe(3);
  });
});

describe('FrameCache', () => {
  it('evicts least-recently-used frames to stay under its byte budget', () => {
    const frame = () => ({ width: 10, height: 10, channels: 3 as const, data: new Uint8Array(100) });
    const cache = new FrameCache(400);
    for (const key of ['a:0', 'a:1', 'a:2', 'a:3']) cache.set(key, frame());
    cache.get('a:0');
    cache.set('a:4', frame());
    expect(cache.bytes).toBe(400);
    expect(['a:0', 'a:1', 'a:2', 'a:3', 'a:4'].map((k) => cache.has(k))).toEqual([true, false, true, true, true]);
    cache.setLimit(200);
    expect(['a:0', 'a:2', 'a:3', 'a:4'].map((k) => cache.has(k))).toEqual([true, false, false, true]);
    // Frames above a quarter of the budget are not kept (they would flush everything else).
    cache.set('b:0', { width: 10, height: 10, channels: 3, data: new Uint8Array(51) });
    expect(cache.has('b:0')).toBe(false);
    cache.deletePrefix('a:');
    expect(cache.bytes).toBe(0);
  });
});
