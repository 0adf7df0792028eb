import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { EventHub } from '../../src/main/app/events';
import { runCli } from '../../src/main/cli/main';
import { JobQueue } from '../../src/main/jobs/queue';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { FrameCache } from '../../src/main/media/frame-cache';
import { JpegStreamSplitter } from '../../src/main/media/jpeg-stream';
import { MediaLibrary } from '../../src/main/media/library';
import { PROXY_JOB_KIND, ProxyManager, type ProxyOptions } from '../../src/main/media/proxy-manager';
import { openProxy, PROXY_FRAMES_FILE, PROXY_INDEX_FILE, sourceStamp, type ProxyFile } from '../../src/main/media/proxy-store';
import { probeVideo } from '../../src/main/media/probe-video';
import { VideoFrameReader } from '../../src/main/media/video-reader';
import { createServices } from '../../src/main/app/services';
import { createRouter } from '../../src/main/transport/routes';
import { ffmpeg, frameIndexOf, makeIndexedVideo } from '../helpers/media';

const FRAMES = 120;
let dir: string;
let longGop: string;
let shortGop: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-proxy-'));
  // B-frames and a GOP longer than the clip: decode order differs from presentation order.
  longGop = makeIndexedVideo(dir, 'long-gop.mp4', { frames: FRAMES, codec: ['-c:v', 'libx264', '-g', '1000', '-bf', '3', '-pix_fmt', 'yuv420p'] });
  shortGop = makeIndexedVideo(dir, 'short-gop.mkv', { frames: FRAMES, codec: ['-c:v', 'libx264', '-g', '8', '-pix_fmt', 'yuv420p'] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function indexOfJpeg(jpeg: Uint8Array): Promise<number> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return frameIndexOf({ width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data: new Uint8Array(data) });
}

/** A library whose clips all get proxies (test clips are seconds long), in its own cache folder. */
function setup(name: string, extra: Partial<ProxyOptions> = {}) {
  const events = new EventHub();
  const jobs = new JobQueue(events, 1);
  const proxies = new ProxyManager({ dir: join(dir, name), minSeconds: 0, jobs, ...extra });
  const library = new MediaLibrary({ cacheMB: 64, proxies });
  return { events, jobs, proxies, library, root: join(dir, name) };
}

describe('JpegStreamSplitter', () => {
  it('finds every image end in concatenated JPEGs, however the stream is chunked', async () => {
    const images = await Promise.all(
      [8, 40, 200].map((side, k) =>
        sharp({ create: { width: side, height: side, channels: 3, background: { r: 40 * k, g: 200, b: 9 } } })
          .jpeg({ quality: 90 - 30 * k, progressive: k === 2 })
          .toBuffer(),
      ),
    );
    const stream = Buffer.concat(images);
    const expected = images.map((_, k) => images.slice(0, k + 1).reduce((sum, image) => sum + image.length, 0));
    for (const chunkSize of [1, 3, 64, stream.length]) {
      const splitter = new JpegStreamSplitter();
      for (let at = 0; at < stream.length; at += chunkSize) splitter.push(stream.subarray(at, at + chunkSize));
      expect(splitter.ends).toEqual(expected);
      expect(splitter.atBoundary).toBe(true);
    }
    expect(() => new JpegStreamSplitter().push(Buffer.from('not a jpeg'))).toThrow(/not a JPEG/);
  });
});

describe('display proxy', () => {
  it('maps proxy frame i to source frame i, reports progress as a job, and the route serves its bytes', async () => {
    const { events, proxies, library } = setup('map');
    const progress: number[] = [];
    events.subscribe((name, payload) => {
      if (name === 'job.progress' && (payload as { kind: string }).kind === PROXY_JOB_KIND) progress.push((payload as { done: number }).done);
    });
    for (const path of [longGop, shortGop]) {
      const { clipId, info } = await library.open(path);
      expect(['loading', 'building']).toContain(proxies.status(clipId).state);
      const proxy = (await proxies.settled(clipId)) as ProxyFile;
      expect(proxy).not.toBeNull();
      expect(proxies.status(clipId).state).toBe('ready');
      expect(proxy.index.frames).toBe(info.frames);
      for (let i = 0; i < FRAMES; i += 1) expect(await indexOfJpeg(await proxy.jpeg(i))).toBe(i);

      const route = createRouter({ rendererDir: dir, frames: () => library });
      const jpg = await route(`/frames/${clipId}/77.jpg`, new URLSearchParams());
      expect(jpg.status).toBe(200);
      expect(jpg.headers['content-type']).toBe('image/jpeg');
      expect(jpg.headers.etag).toMatch(/-proxy"$/);
      expect(Buffer.from(jpg.body as Uint8Array).equals(await proxy.jpeg(77))).toBe(true);
      const webp = await route(`/frames/${clipId}/33.webp`, new URLSearchParams('w=48'));
      expect(webp.headers['content-type']).toBe('image/webp');
      expect((await sharp(webp.body as Uint8Array).metadata()).width).toBe(48);
      expect(await indexOfJpeg(webp.body as Uint8Array)).toBe(33);
      expect((await route(`/frames/${clipId}/${FRAMES}.jpg`, new URLSearchParams())).status).toBe(404);
      // Analysis reads the source, losslessly, not the proxy.
      const exact = await (await library.reader(clipId)).read(77);
      expect(frameIndexOf(exact)).toBe(77);
    }
    expect(progress.at(-1)).toBe(FRAMES);
    expect(progress.length).toBeGreaterThan(2);
    library.close();
  });

  it('gives a seconds-long clip a proxy by default, whose frames match the plain decoder within JPEG tolerance', async () => {
    // Natural-looking motion (not the index pattern): 3 s of testsrc2 at 320×240, GOP 30 with B-frames.
    const clip = join(dir, 'short-testsrc2.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-frames:v', '90', '-c:v', 'libx264', '-g', '30', '-bf', '2', '-pix_fmt', 'yuv420p', clip]);
    const events = new EventHub();
    const proxies = new ProxyManager({ dir: join(dir, 'default-threshold'), jobs: new JobQueue(events, 1) });
    const library = new MediaLibrary({ cacheMB: 64, proxies });
    const { clipId, info } = await library.open(clip);
    expect(proxies.wants(info)).toBe(true);
    const proxy = (await proxies.settled(clipId)) as ProxyFile;
    expect(proxy).not.toBeNull();
    const reader = new VideoFrameReader(info, (await probeVideo(clip)).timing, { ffmpeg: locateFfmpeg().path, cache: new FrameCache(64 * 2 ** 20), key: 'plain' });
    const error = async (jpeg: Buffer, i: number) => {
      const exact = await reader.read(i);
      const decoded = await sharp(jpeg).raw().toBuffer();
      expect(decoded.length).toBe(exact.data.length);
      let sum = 0;
      for (let k = 0; k < decoded.length; k += 1) sum += Math.abs((decoded[k] as number) - (exact.data[k] as number));
      return sum / decoded.length;
    };
    // JPEG q5 of an 8-bit RGB frame: mean absolute error a few grey levels; a neighbouring
    // frame of this moving pattern differs by far more, so the tolerance still tells frames apart.
    for (const i of [0, 1, 29, 30, 31, 57, 89]) {
      const own = await error(await proxy.jpeg(i), i);
      expect(own).toBeLessThan(4);
      const neighbour = await error(await proxy.jpeg(i === 89 ? 88 : i + 1), i);
      expect(neighbour).toBeGreaterThan(own * 1.5);
    }
    reader.close();
    library.close();
  });

  it('ignores and rebuilds a truncated or unfinished proxy; a changed source does not match', async () => {
    const first = setup('rebuild');
    const { clipId, info } = await first.library.open(shortGop);
    expect(await first.proxies.settled(clipId)).not.toBeNull();
    first.library.close();
    const proxyDir = join(first.root, clipId);
    const stamp = await sourceStamp(shortGop);

    // Reopened intact: loaded, not rebuilt.
    const again = setup('rebuild');
    await again.library.open(shortGop);
    expect(await again.proxies.settled(clipId)).not.toBeNull();
    expect(again.jobs.list()).toHaveLength(0);
    again.library.close();

    truncateSync(join(proxyDir, PROXY_FRAMES_FILE), 1000);
    expect(await openProxy(proxyDir, stamp, info.frames)).toBeNull();
    const third = setup('rebuild');
    await third.library.open(shortGop);
    const rebuilt = await third.proxies.settled(clipId);
    expect(third.jobs.list()).toMatchObject([{ kind: PROXY_JOB_KIND, state: 'done' }]);
    expect(await indexOfJpeg(await (rebuilt as ProxyFile).jpeg(FRAMES - 1))).toBe(FRAMES - 1);
    third.library.close();

    // Killed before the index was written: no index, no proxy.
    rmSync(join(proxyDir, PROXY_INDEX_FILE));
    expect(await openProxy(proxyDir, stamp, info.frames)).toBeNull();

    const fourth = setup('rebuild');
    await fourth.library.open(shortGop);
    expect(await fourth.proxies.settled(clipId)).not.toBeNull();
    fourth.library.close();
    expect(await openProxy(proxyDir, { ...stamp, mtimeMs: stamp.mtimeMs + 1000 }, info.frames)).toBeNull();
    expect(await openProxy(proxyDir, { ...stamp, size: stamp.size + 1 }, info.frames)).toBeNull();
    expect(await openProxy(proxyDir, stamp, info.frames + 1)).toBeNull();
    // Touching the source gives it a new clip id, so the old proxy is never looked at.
    const later = new Date(Date.now() + 5000);
    utimesSync(shortGop, later, later);
    const fifth = setup('rebuild');
    const reopened = await fifth.library.open(shortGop);
    expect(reopened.clipId).not.toBe(clipId);
    expect(await fifth.proxies.settled(reopened.clipId)).not.toBeNull();
    fifth.library.close();
  });

  it('a clip replaced in place by another take with the same size and mtime (cp -p) shows the new take, open or reopened', async () => {
    // Two takes of equal byte length (uncompressed): the second plays the frames backwards.
    const take = (name: string, filter?: string) => makeIndexedVideo(dir, name, { frames: 40, codec: ['-c:v', 'rawvideo', '-pix_fmt', 'gray'], ...(filter ? { filter } : {}) });
    const clip = take('take-one.avi');
    const other = take('take-two.avi', 'reverse');
    expect(statSync(other).size).toBe(statSync(clip).size);
    const taken = new Date('2026-03-01T09:00:00Z');
    for (const path of [clip, other]) utimesSync(path, taken, taken);
    const shown = async (library: MediaLibrary, clipId: string, index: number) => {
      const route = createRouter({ rendererDir: dir, frames: () => library });
      return indexOfJpeg((await route(`/frames/${clipId}/${index}.jpg`, new URLSearchParams())).body as Uint8Array);
    };
    const { proxies, library } = setup('replaced');
    const first = await library.open(clip);
    expect(await proxies.settled(first.clipId)).not.toBeNull();
    expect(await shown(library, first.clipId, 5)).toBe(5);

    // The other take, of the same size and mtime, copied over the clip with its mtime kept.
    execFileSync('cp', ['-p', other, clip]);
    expect(statSync(clip).mtimeMs).toBe(taken.getTime());
    const second = await library.open(clip);
    expect(second.clipId).not.toBe(first.clipId);
    expect(await shown(library, second.clipId, 5)).toBe(34);
    expect(await proxies.settled(second.clipId)).not.toBeNull();
    expect(await shown(library, second.clipId, 5)).toBe(34);
    library.close();

    // The next start finds the first take's proxy on disk and does not take it for this one.
    const next = setup('replaced');
    const third = await next.library.open(clip);
    expect(third.clipId).toBe(second.clipId);
    expect(await next.proxies.settled(third.clipId)).not.toBeNull();
    expect(await shown(next.library, third.clipId, 5)).toBe(34);
    next.library.close();
  });

  it('evicts least recently used whole proxies beyond the cache budget, sparing open ones', async () => {
    const { proxies, library, root } = setup('evict');
    const a = await library.open(longGop);
    await proxies.settled(a.clipId);
    const b = await library.open(shortGop);
    await proxies.settled(b.clipId);
    const sizes = readdirSync(root).length;
    expect(sizes).toBe(2);
    expect(await proxies.setLimitMB(0)).toEqual([]); // both open
    library.close(a.clipId);
    expect(await proxies.setLimitMB(0)).toEqual([a.clipId]);
    expect(existsSync(join(root, b.clipId, PROXY_INDEX_FILE))).toBe(true);
    library.close();
  });

  it('cancelling the job stops ffmpeg and leaves nothing behind; the route falls back to the source', async () => {
    const { events, jobs, proxies, library, root } = setup('cancel');
    events.subscribe((name, payload) => {
      if (name === 'job.progress') jobs.cancel((payload as { jobId: string }).jobId);
    });
    const { clipId } = await library.open(longGop);
    expect(await proxies.settled(clipId)).toBeNull();
    expect(proxies.status(clipId)).toMatchObject({ state: 'failed', error: { code: 'CANCELLED' } });
    expect(jobs.list()).toMatchObject([{ state: 'cancelled' }]);
    expect(existsSync(join(root, clipId))).toBe(false);
    const route = createRouter({ rendererDir: dir, frames: () => library });
    const jpg = await route(`/frames/${clipId}/5.jpg`, new URLSearchParams());
    expect(jpg.headers.etag).not.toMatch(/proxy/);
    expect(await indexOfJpeg(jpg.body as Uint8Array)).toBe(5);
    library.close();
  });

  it('gives up early on a proxy that cannot fit the cache budget, and builds one proxy at a time', async () => {
    const { proxies, library, root } = setup('too-big', { maxMB: 0.01 });
    const { clipId } = await library.open(longGop);
    expect(await proxies.settled(clipId)).toBeNull();
    expect(proxies.status(clipId).error).toMatchObject({ code: 'INSUFFICIENT_MEMORY', message: expect.stringMatching(/would need about/) });
    expect(existsSync(join(root, clipId))).toBe(false);

    const both = setup('serial');
    const order: string[] = [];
    both.events.subscribe((name, payload) => {
      if (name === 'job.progress') order.push((payload as { jobId: string }).jobId);
    });
    const a = await both.library.open(longGop);
    const b = await both.library.open(shortGop);
    await Promise.all([both.proxies.settled(a.clipId), both.proxies.settled(b.clipId)]);
    // Progress of one build never interleaves with the other's.
    const runs = order.filter((jobId, k) => k === 0 || order[k - 1] !== jobId);
    expect(runs).toHaveLength(2);
    both.library.close();
  });

  it('scales wide sources down; requests wider than the proxy decode the source', async () => {
    const { proxies, library } = setup('scaled', { maxWidth: 48 });
    const { clipId } = await library.open(shortGop);
    const proxy = (await proxies.settled(clipId)) as ProxyFile;
    expect([proxy.width, proxy.height]).toEqual([48, 32]);
    expect(await indexOfJpeg(await proxy.jpeg(101))).toBe(101);
    const route = createRouter({ rendererDir: dir, frames: () => library });
    const full = await route(`/frames/${clipId}/9.jpg`, new URLSearchParams());
    expect((await sharp(full.body as Uint8Array).metadata()).width).toBe(96);
    expect(full.headers.etag).not.toMatch(/proxy/);
    const small = await route(`/frames/${clipId}/9.jpg`, new URLSearchParams('w=48'));
    expect(Buffer.from(small.body as Uint8Array).equals(await proxy.jpeg(9))).toBe(true);
    library.close();
  });
});

describe('warm seeks (an idle ffmpeg handed its in-point)', () => {
  it.each([true, false])('warmSeeks %s: every random read returns that frame, also for names with quotes or a line break', async (warmSeeks) => {
    const quoted = join(dir, "it's a \\ 'clip'.mp4");
    copyFileSync(longGop, quoted);
    // A line break cannot be written into a concat script: the warm process fails and the reader falls back.
    const broken = join(dir, 'line\nbreak.mkv');
    copyFileSync(shortGop, broken);
    for (const path of [quoted, shortGop, broken]) {
      const info = await probeVideo(path);
      // A cache too small to hold a frame: every read seeks.
      const reader = new VideoFrameReader(info, info.timing, { ffmpeg: locateFfmpeg().path, cache: new FrameCache(0), key: `warm-${warmSeeks}`, prefetch: 0, forwardGap: 0, warmSeeks });
      try {
        for (const i of [61, 3, 119, 60, 1, 0, 88, 87]) expect({ i, got: frameIndexOf(await reader.read(i)) }).toEqual({ i, got: i });
      } finally {
        reader.close();
      }
    }
  });
});

describe('JobQueue unlimited jobs', () => {
  it('start at once beside a full queue and do not take a slot', async () => {
    const jobs = new JobQueue(new EventHub(), 1);
    let release!: () => void;
    const blocker = jobs.add('analysis', 'busy', () => new Promise<void>((resolve) => (release = resolve)));
    const proxy = jobs.add(PROXY_JOB_KIND, 'proxy', async () => 'built', { unlimited: true });
    expect(await proxy.result).toBe('built');
    const queued = jobs.add('analysis', 'next', async () => 'ran');
    expect(jobs.list().find((job) => job.jobId === queued.jobId)?.state).toBe('queued');
    release();
    await blocker.result;
    expect(await queued.result).toBe('ran');
  });
});

describe('mellm proxy', () => {
  it('builds the proxy of a video, then finds it ready', async () => {
    // 200 frames at 3 fps: 67 s of video, yet quick to encode.
    const video = makeIndexedVideo(dir, 'session.mp4', { frames: 200, fps: 3, codec: ['-c:v', 'libx264', '-g', '30', '-pix_fmt', 'yuv420p'] });
    const run = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['proxy', video, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, json: JSON.parse(out.join('\n')) as { clipId: string; proxy: { frames: number } | null }, err: err.join('\n') };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.json.proxy?.frames).toBe(200);
    expect(first.err).toMatch(/proxy 100 % \(200\/200 frames\)/);
    const second = await run();
    expect(second.json).toEqual(first.json);
    expect(second.err).toBe('');
    const root = join(process.env.MELLM_HOME as string, 'cache', 'proxies', first.json.clipId);
    const proxy = (await openProxy(root, await sourceStamp(video), 200)) as ProxyFile;
    expect(await indexOfJpeg(await proxy.jpeg(199))).toBe(199);
    await proxy.close();
    const short = await runCli(['proxy', longGop], { out: () => undefined, err: () => undefined });
    expect(short).toBe(0);

    // The app: media.open starts the proxy, media.proxy reports it, the settings budget reaches it.
    const services = createServices({ userDataDir: mkdtempSync(join(dir, 'home-')) });
    const handlers = createHandlerTable(services);
    const meta = { transport: 'direct' } as const;
    const opened = await dispatch(handlers, 'media.open', { path: video }, meta);
    const clipId = opened.ok ? (opened.data as { clipId: string }).clipId : '';
    const early = await dispatch(handlers, 'media.proxy', { clipId }, meta);
    expect(early).toMatchObject({ ok: true, data: { state: expect.stringMatching(/loading|building/) } });
    await services.media.options.proxies?.settled(clipId);
    const ready = await dispatch(handlers, 'media.proxy', { clipId }, meta);
    expect(ready).toMatchObject({ ok: true, data: { state: 'ready', width: 96, height: 64, error: null } });
    expect(services.jobs.list()).toMatchObject([{ kind: PROXY_JOB_KIND, state: 'done', done: 200, total: 200 }]);
    expect(await dispatch(handlers, 'media.proxy', { clipId: 'notopen' }, meta)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await dispatch(handlers, 'settings.update', { proxyCacheMB: 64 }, meta);
    expect((await services.settings.get()).proxyCacheMB).toBe(64);
    services.media.close();
  });
});
