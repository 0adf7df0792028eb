import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { runCli } from '../../src/main/cli/main';
import { hashMedia } from '../../src/main/media/hash';
import { MediaLibrary } from '../../src/main/media/library';
import { probeMedia } from '../../src/main/media/probe';
import { createServices } from '../../src/main/app/services';
import { createRouter } from '../../src/main/transport/routes';
import { MediaInfoSchema } from '../../src/shared/media';
import { ffmpeg, frameIndexOf, makeIndexedVideo } from '../helpers/media';

let dir: string;
let video: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-media-input-'));
  video = makeIndexedVideo(dir, 'clip.mp4', { frames: 50, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

describe('bad input gets a clear AppError, never a crash', () => {
  it('rejects relative, missing and special paths', async () => {
    await expect(probeMedia('clip.mp4')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /absolute/ });
    await expect(probeMedia(join(dir, 'nope.mp4'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(probeMedia('/dev/null')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /regular file/ });
  });

  it('zero-byte file, text renamed .mp4, audio-only file', async () => {
    await expect(probeMedia(file('empty.mp4', ''))).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: /empty/ });
    await expect(probeMedia(file('notes.mp4', 'just some text, not a video\n'.repeat(20)))).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
    const audio = join(dir, 'tone.m4a');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5', '-c:a', 'aac', audio]);
    await expect(probeMedia(audio)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: /no video stream/ });
  });

  it('truncated mp4: refused by probe whether the index is lost or kept; a file cut after opening errors clearly past the cut', async () => {
    const tailIndex = makeIndexedVideo(dir, 'tail-index.mp4', { frames: 50, codec: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] });
    truncateSync(tailIndex, Math.floor(statSync(tailIndex).size / 2));
    await expect(probeMedia(tailIndex)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
    // With the index up front (faststart) the index survives the cut but the second half
    // of the frames is gone: probe decodes the last frame and refuses the file.
    // Noise keeps the frame data (not the index) the bulk of the file, so the cut lands mid-stream.
    const spec = {
      frames: 50,
      filter: 'noise=alls=12:allf=t',
      codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
    };
    const cut = makeIndexedVideo(dir, 'cut.mp4', spec);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.5));
    await expect(probeMedia(cut)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/frame 49 .*truncated/) });
    // Cut after it was opened: frames before the cut still read, frames past it fail clearly.
    const later = makeIndexedVideo(dir, 'cut-later.mp4', spec);
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(later)).clipId);
      truncateSync(later, Math.floor(statSync(later).size * 0.5));
      expect(frameIndexOf(await reader.read(2))).toBe(2);
      await expect(reader.read(49)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
      expect(frameIndexOf(await reader.read(3))).toBe(3);
    } finally {
      library.close();
    }
  });

  it('a 1-frame video works; out-of-range indices are NOT_FOUND', async () => {
    const one = makeIndexedVideo(dir, 'one.mkv', { frames: 1, codec: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'] });
    expect((await probeMedia(one)).frames).toBe(1);
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(one)).clipId);
      expect(frameIndexOf(await reader.read(0))).toBe(0);
      for (const bad of [1, -1, 0.5, Number.NaN]) await expect(reader.read(bad)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      library.close();
    }
  });

  it('a corrupt JPEG inside a sequence fails alone; the other frames still read', async () => {
    const folder = join(dir, 'corrupt-seq');
    mkdirSync(folder);
    for (let n = 1; n <= 4; n += 1) {
      await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: n * 40, g: 0, b: 0 } } }).jpeg().toFile(join(folder, `img${n}.jpg`));
    }
    const good = readFileSync(join(folder, 'img3.jpg'));
    writeFileSync(join(folder, 'img3.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      const reader = await library.reader((await library.open(folder)).clipId);
      await expect(reader.read(2)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: /img3\.jpg/ });
      expect((await reader.read(3)).data[0]).toBeGreaterThan(140);
      expect((await reader.read(0)).data[0]).toBeLessThan(60);
    } finally {
      library.close();
    }
  });

  it('an empty folder is unreadable', async () => {
    const empty = join(dir, 'no-frames');
    mkdirSync(empty);
    file('no-frames/readme.txt', 'x');
    await expect(probeMedia(empty)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: /no frame images/ });
  });

  it('8K: probes; decoding works, or refuses clearly above the pixel limit', async () => {
    const path = join(dir, '8k.mkv');
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=7680x4320:r=1:d=1', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '10', path]);
    const info = await probeMedia(path);
    expect(info).toMatchObject({ width: 7680, height: 4320, frames: 1 });
    const library = new MediaLibrary({ cacheMB: 16 });
    const strict = new MediaLibrary({ cacheMB: 16, maxFramePixels: 4096 * 4096 });
    try {
      const frame = await (await library.reader((await library.open(path)).clipId)).read(0);
      expect(frame.data.length).toBe(7680 * 4320 * 3);
      await expect(strict.reader((await strict.open(path)).clipId)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: /7680×4320.*limit/ });
    } finally {
      library.close();
      strict.close();
    }
  });

  it('unicode, spaces, quotes and ../ in names are passed to ffmpeg verbatim (no shell)', async () => {
    const odd = join(dir, 'sub dir', '..', "面部 ‘clip’ $(touch pwned) ;.mp4");
    mkdirSync(join(dir, 'sub dir'));
    copyFileSync(video, odd);
    const info = await probeMedia(odd);
    expect(info.frames).toBe(50);
    const library = new MediaLibrary({ cacheMB: 16 });
    try {
      expect(frameIndexOf(await (await library.reader((await library.open(odd)).clipId)).read(7))).toBe(7);
    } finally {
      library.close();
    }
    expect(() => statSync(join(process.cwd(), 'pwned'))).toThrow();
  });
});

describe('clip identity', () => {
  it('hashMedia streams sha256 of a file, and of a folder’s frame names + contents', async () => {
    const { createHash } = await import('node:crypto');
    expect(await hashMedia(video)).toBe(createHash('sha256').update(readFileSync(video)).digest('hex'));
    const a = join(dir, 'hash-a');
    mkdirSync(a);
    file('hash-a/img1.png', 'one');
    file('hash-a/img2.png', 'two');
    const first = await hashMedia(a);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    file('hash-a/img2.png', 'TWO');
    expect(await hashMedia(a)).not.toBe(first);
    await expect(hashMedia(join(dir, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('clip ids are stable for an unchanged file and change when it changes', async () => {
    const library = new MediaLibrary({ cacheMB: 16 });
    const copy = join(dir, 'id.mp4');
    copyFileSync(video, copy);
    try {
      const { clipId } = await library.open(copy);
      expect(clipId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect((await library.open(copy)).clipId).toBe(clipId);
      writeFileSync(copy, Buffer.concat([readFileSync(video), Buffer.alloc(10)]));
      expect((await library.open(copy)).clipId).not.toBe(clipId);
    } finally {
      library.close();
    }
  });
});

describe('API, frame route and CLI over the real media layer', () => {
  it('media.probe / media.open validate input and return MediaInfo', async () => {
    const services = createServices({ userDataDir: mkdtempSync(join(dir, 'home-')) });
    const handlers = createHandlerTable(services);
    const probed = await dispatch(handlers, 'media.probe', { path: video }, { transport: 'direct' });
    expect(probed.ok && MediaInfoSchema.parse(probed.data).frames).toBe(50);
    const opened = await dispatch(handlers, 'media.open', { path: video }, { transport: 'direct' });
    expect(opened.ok).toBe(true);
    const bad = await dispatch(handlers, 'media.open', { path: 'relative.mp4' }, { transport: 'direct' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const extra = await dispatch(handlers, 'media.probe', { path: video, shell: true }, { transport: 'direct' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    // The frame route serves the exact frame, resized, with a stable etag.
    const clipId = opened.ok ? (opened.data as { clipId: string }).clipId : '';
    const route = createRouter({ rendererDir: dir, frames: () => services.frames });
    const png = await route(`/frames/${clipId}/17.png`, new URLSearchParams());
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const { data, info } = await sharp(png.body as Uint8Array).raw().toBuffer({ resolveWithObject: true });
    expect(frameIndexOf({ width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data: new Uint8Array(data) })).toBe(17);
    const small = await route(`/frames/${clipId}/17.webp`, new URLSearchParams('w=48'));
    expect((await sharp(small.body as Uint8Array).metadata()).width).toBe(48);
    const again = await route(`/frames/${clipId}/17.png`, new URLSearchParams(), { ifNoneMatch: png.headers.etag });
    expect(again.status).toBe(304);
    expect((await route(`/frames/${clipId}/50.jpg`, new URLSearchParams())).status).toBe(404);
    expect((await route('/frames/unknownclip/0.jpg', new URLSearchParams())).status).toBe(404);
    // The frame cache follows Settings.frameCacheMB.
    await dispatch(handlers, 'settings.update', { frameCacheMB: 64 }, { transport: 'direct' });
    expect(services.media.cache.limit).toBe(64 * 2 ** 20);
    services.media.close();
  });

  it('mellm probe --json and mellm frames --at N --out (refusing to overwrite without --force)', async () => {
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const probed = await run('probe', video, '--json');
    expect(probed.code).toBe(0);
    expect(MediaInfoSchema.parse(JSON.parse(probed.out)).frames).toBe(50);
    expect((await run('probe', video)).out).toMatch(/frames\s+50 \(0-49\)/);
    const out = join(dir, 'frame 12.png');
    expect((await run('frames', video, '--at', '12', '--out', out)).code).toBe(0);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect(frameIndexOf({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) })).toBe(12);
    const refused = await run('frames', video, '--at', '13', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--force/);
    expect((await run('frames', video, '--at', '13', '--out', out, '--force', '--width', '48')).code).toBe(0);
    expect((await sharp(out).metadata()).width).toBe(48);
    expect((await run('frames', video, '--at', '50', '--out', join(dir, 'x.png'))).code).toBe(1);
    expect((await run('frames', video, '--at', 'ten', '--out', join(dir, 'x.png'))).code).toBe(2);
    expect((await run('probe', join(dir, 'missing.mp4'))).err).toMatch(/No such file/);
  });
});
