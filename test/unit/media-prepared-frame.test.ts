/**
 * The view's open has frame 0's image encoded before the frame route asks for it: the
 * encode starts as soon as frame 0 decodes, beside `media.open`'s answer, and the route's
 * first request takes that image instead of encoding its own. Counted (prepared, taken),
 * not timed; the image is frame 0 exactly as the route encodes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaLibrary } from '../../src/main/media/library';
import { PreparedFrames } from '../../src/main/media/prepared-frames';
import { frameIndexOf, makeIndexedVideo } from '../helpers/media';

let dir: string;
let video: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-prepared-frame-'));
  video = makeIndexedVideo(dir, 'clip.mp4', { frames: 30, codec: ['-c:v', 'libx264', '-g', '10', '-bf', '2', '-pix_fmt', 'yuv420p'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FRAME_0 = (clipId: string) => ({ clipId, index: 0, format: 'jpg' }) as const;

async function decodedIndex(jpeg: Uint8Array): Promise<number> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return frameIndexOf({ width: info.width, height: info.height, channels: 3, data });
}

describe('frame 0 prepared at open', () => {
  it("the view's open encodes frame 0 before it is asked for; the route's first request takes it", async () => {
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      const { clipId } = await library.open(video, {}, undefined, { lastFrameLater: true });
      expect(library.prepared.has('"' + clipId + '-0-n.jpg"')).toBe(true);
      const first = await library.encodeFrame(FRAME_0(clipId));
      expect(library.prepared.size).toBe(0);
      // The next request encodes anew: the same image, frame 0 of a B-frame clip.
      const again = await library.encodeFrame(FRAME_0(clipId));
      expect(Buffer.from(first.data).equals(Buffer.from(again.data))).toBe(true);
      expect(first.etag).toBe(again.etag);
      expect(await decodedIndex(first.data)).toBe(0);
      await library.settled(video);
    } finally {
      library.close();
    }
  });

  it('an open that waits for every check (CLI, analyses) prepares nothing; closing a clip drops its image', async () => {
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      await library.open(video);
      expect(library.prepared.size).toBe(0);
      const other = makeIndexedVideo(dir, 'other.mp4', { frames: 20, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'] });
      const { clipId } = await library.open(other, {}, undefined, { lastFrameLater: true });
      expect(library.prepared.size).toBe(1);
      await library.settled(other);
      library.close(clipId);
      expect(library.prepared.size).toBe(0);
    } finally {
      library.close();
    }
  });
});

describe('PreparedFrames', () => {
  const frame = (etag: string) => () => Promise.resolve({ data: new Uint8Array([1]), etag });

  it('keeps at most its limit, the oldest dropped first, each taken once', async () => {
    const prepared = new PreparedFrames(2);
    for (const key of ['a', 'b', 'c']) prepared.prepare('clip', key, frame(key));
    expect(prepared.size).toBe(2);
    expect(prepared.take('a')).toBeUndefined();
    expect((await prepared.take('b'))?.etag).toBe('b');
    expect(prepared.take('b')).toBeUndefined();
    prepared.prepare('other', 'd', frame('d'));
    prepared.drop('clip');
    expect([prepared.has('c'), prepared.has('d')]).toEqual([false, true]);
  });

  it("tells when an image is handed out (taken and encoded) or dropped unread, and not before", async () => {
    const prepared = new PreparedFrames(1);
    const outs: string[] = [];
    const watch = (key: string, handedOut: Promise<void>) => void handedOut.then(() => outs.push(key));
    watch('taken', prepared.prepare('clip', 'taken', frame('taken')));
    await new Promise((done) => setTimeout(done, 10));
    expect(outs).toEqual([]);
    await prepared.take('taken');
    await new Promise((done) => setTimeout(done, 0));
    expect(outs).toEqual(['taken']);
    watch('evicted', prepared.prepare('clip', 'evicted', frame('evicted')));
    watch('dropped', prepared.prepare('clip', 'dropped', frame('dropped')));
    prepared.drop('clip');
    await new Promise((done) => setTimeout(done, 0));
    expect(outs).toEqual(['taken', 'evicted', 'dropped']);
  });

  it('a failed encode nobody takes raises no unhandled rejection; a taker sees the failure', async () => {
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prepared = new PreparedFrames();
      prepared.prepare('clip', 'lost', () => Promise.reject(new Error('decode failed')));
      prepared.prepare('clip', 'taken', () => Promise.reject(new Error('decode failed')));
      await expect(prepared.take('taken')).rejects.toThrow('decode failed');
      await new Promise((done) => setTimeout(done, 50));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
