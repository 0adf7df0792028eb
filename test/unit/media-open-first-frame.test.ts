/**
 * Opening a video decodes its first frame for display while it checks the file: the
 * frame the view asks for first is then served without starting another ffmpeg, and the
 * first-frame check is that decode rather than a process of its own. ffmpeg and ffprobe
 * are wrapped by scripts that log each start, so the test counts processes, not time.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../../src/main/media/ffmpeg';
import { MediaLibrary } from '../../src/main/media/library';
import { ProxyManager } from '../../src/main/media/proxy-manager';
import { backgroundPriority, WarmFfmpeg } from '../../src/main/media/warm-ffmpeg';
import { ffmpeg, frameIndexOf, makeIndexedVideo } from '../helpers/media';

let dir: string;
let log: string;
let video: string;

/** A script named `name` that logs its arguments, then becomes `real` (exec: no orphan on kill). */
function wrap(name: string, real: string): string {
  const path = join(dir, 'bin', name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s %s\\n' '${name}' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A 2-s 25 fps noise video (index first) cut to `keep(its length)` bytes: frame 0 decodes or not, the end never. */
function cutNoiseVideo(name: string, keep: (length: number) => number): string {
  const source = join(dir, `noise-${name}.mp4`);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=2,noise=alls=40:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', source]);
  const bytes = readFileSync(source);
  const truncated = join(dir, `cut-${name}.mp4`);
  writeFileSync(truncated, bytes.subarray(0, keep(bytes.length)));
  return truncated;
}

const started = (): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);

/** ffmpeg processes this test process has running now (children not yet exited; zombies excluded). */
function liveFfmpegs(): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z' && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('ffmpeg')) count += 1;
    } catch {
      // exited while listed
    }
  }
  return count;
}

/** ffmpeg children of this process: pid, nice value and the files they hold open. */
function ffmpegChildren(): { pid: number; nice: number; files: string[] }[] {
  const children: { pid: number; nice: number; files: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid || fields[0] === 'Z' || !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('ffmpeg')) continue;
      const files = readdirSync(`/proc/${entry}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      children.push({ pid: Number(entry), nice: Number(fields[16]), files });
    } catch {
      // exited while listed
    }
  }
  return children;
}

/** The live ffmpeg count once it stops falling (a killed process takes a moment to go), polled at most 10 s. */
async function settledFfmpegs(atMost: number): Promise<number> {
  for (let i = 0; i < 200 && liveFfmpegs() > atMost; i += 1) await new Promise((done) => setTimeout(done, 50));
  return liveFfmpegs();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mellm-open-first-frame-'));
  spawnSync('mkdir', [join(dir, 'bin')]);
  log = join(dir, 'started.log');
  writeFileSync(log, '');
  video = makeIndexedVideo(dir, 'clip.mp4', { frames: 40, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'] });
  const realFfmpeg = locateFfmpeg(process.env, { fresh: true }).path;
  const realFfprobe = spawnSync('sh', ['-c', 'command -v ffprobe'], { encoding: 'utf8' }).stdout.trim();
  // ffprobe is looked for beside ffmpeg first: both wrappers share one folder.
  if (realFfprobe) wrap('ffprobe', realFfprobe);
  const wrapped = wrap('ffmpeg', realFfmpeg);
  expect(locateFfmpeg({ ...process.env, FFMPEG_PATH: wrapped }, { fresh: true, skipStatic: true }).path).toBe(wrapped);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('opening a video', () => {
  it('leaves frame 0 decoded: the first frame request starts no process', async () => {
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      writeFileSync(log, '');
      const { clipId } = await library.open(video);
      const atOpen = started();
      // No ffprobe: an mp4's facts come from its sample table, read in this process. The
      // file was still checked, its first and last frame each on an ffmpeg started with the
      // probe (warm: given the file by a concat script afterwards), none started after it.
      expect(atOpen.filter((line) => line.startsWith('ffprobe'))).toEqual([]);
      expect(atOpen.filter((line) => line.includes('framecrc'))).toEqual([]);
      expect(atOpen.filter((line) => line.startsWith('ffmpeg'))).toHaveLength(2);
      expect(atOpen.filter((line) => line.includes('-f concat'))).toHaveLength(2);
      const frame = await library.encodeFrame({ clipId, index: 0, format: 'jpg' });
      expect(frame.data.length).toBeGreaterThan(0);
      expect(started().slice(atOpen.length)).toEqual([]);
      // Frame 0 from the warm start is exact, and so are the reads after it.
      const reader = await library.reader(clipId);
      expect([frameIndexOf(await reader.read(0)), frameIndexOf(await reader.read(1)), frameIndexOf(await reader.read(25))]).toEqual([0, 1, 25]);
    } finally {
      library.close();
    }
  });

  it('with a spare decoder, an mp4 open starts no process before frame 0: frame 0 is decoded by the ffmpeg kept ready', async () => {
    const long = makeIndexedVideo(dir, 'long.mp4', { frames: 200, codec: ['-c:v', 'libx264', '-g', '10', '-pix_fmt', 'yuv420p'] });
    const library = new MediaLibrary({ cacheMB: 64, spareDecoder: true });
    try {
      await new Promise((done) => setTimeout(done, 300));
      const [spare, ...others] = ffmpegChildren();
      expect(others).toEqual([]);
      writeFileSync(log, '');
      const { clipId } = await library.open(long, {}, undefined, { lastFrameLater: true });
      // No ffprobe, and the process decoding the clip at normal priority is the spare,
      // started before the open (a fresh decoder would be a second such process).
      expect(started().filter((line) => line.startsWith('ffprobe'))).toEqual([]);
      const own = readFileSync('/proc/self/stat', 'utf8');
      const normal = Number(own.slice(own.lastIndexOf(')') + 2).split(' ')[16]);
      const decoding = ffmpegChildren().filter((child) => child.nice === normal && child.files.includes(long));
      expect(decoding.map((child) => child.pid)).toEqual([spare?.pid]);
      expect(frameIndexOf(await (await library.reader(clipId)).read(0))).toBe(0);
      await library.settled(long);
    } finally {
      library.close();
    }
    expect(await settledFfmpegs(0)).toBe(0);
  });

  it("the last frame's check runs below this process's own priority, also when the process itself is niced", async () => {
    const own = readFileSync('/proc/self/stat', 'utf8');
    const ownNice = Number(own.slice(own.lastIndexOf(')') + 2).split(' ')[16]);
    const check = new WarmFfmpeg(locateFfmpeg().path, true);
    try {
      // Until the forked child has exec'd, its command line is still this process's.
      let children = ffmpegChildren();
      for (let i = 0; i < 100 && children.length === 0; i += 1) {
        await new Promise((done) => setTimeout(done, 20));
        children = ffmpegChildren();
      }
      expect(children).toHaveLength(1);
      // Niced by the caller (a bench at nice 10), the check still yields to it; the display
      // proxy's build keeps the lowest priority to itself.
      expect(children[0]?.nice).toBe(backgroundPriority(ownNice));
      expect(backgroundPriority(0)).toBe(10);
      expect(backgroundPriority(10)).toBe(18);
      expect(backgroundPriority(18)).toBe(18);
      expect(backgroundPriority(19)).toBe(19);
    } finally {
      check.close();
    }
    expect(await settledFfmpegs(0)).toBe(0);
  });

  it('a container without a sample table (Matroska) is still probed by ffprobe', async () => {
    const mkv = join(dir, 'clip.mkv');
    ffmpeg(['-i', video, '-c', 'copy', mkv]);
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      writeFileSync(log, '');
      const { clipId, info } = await library.open(mkv);
      // The stream question, then every packet listed (no index to count from).
      expect(started().filter((line) => line.startsWith('ffprobe'))).toHaveLength(2);
      expect(info.frames).toBe(40);
      expect(frameIndexOf(await (await library.reader(clipId)).read(39))).toBe(39);
    } finally {
      library.close();
    }
  });

  it('a file that fails the checks is refused with the frame named and is not left open', async () => {
    // The index (faststart) survives in the first 20 KB, the frames do not.
    const truncated = cutNoiseVideo('cut', () => 20_000);
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      await expect(library.open(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/frame \d+ .*cannot be decoded.*truncated/) });
      // Opened twice at once, neither open is handed the clip before its checks fail.
      const twice = await Promise.allSettled([library.open(truncated), library.open(truncated)]);
      expect(twice.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      const { clipId } = await library.open(video);
      expect(() => library.info(clipId)).not.toThrow();
    } finally {
      library.close();
    }
  });

  it('answered after frame 0, the good path starts nothing more and settles', async () => {
    const refused: string[] = [];
    const library = new MediaLibrary({ cacheMB: 64, onRefused: (clipId) => refused.push(clipId) });
    try {
      writeFileSync(log, '');
      const { clipId } = await library.open(video, {}, undefined, { lastFrameLater: true });
      await library.settled(video);
      // The same processes as an open that waits for every check: the last frame's check was not moved to a fresh ffmpeg.
      const atOpen = started();
      expect(atOpen.filter((line) => line.startsWith('ffprobe'))).toEqual([]);
      expect(atOpen.filter((line) => line.startsWith('ffmpeg'))).toHaveLength(2);
      expect(atOpen.filter((line) => line.includes('framecrc'))).toEqual([]);
      expect(library.unsettled).toBe(false);
      await library.encodeFrame({ clipId, index: 0, format: 'jpg' });
      expect(started().slice(atOpen.length)).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      library.close();
    }
  });

  it("answered after frame 0, the last frame's check and the proxy's build start only once frame 0's image is handed out", async () => {
    const proxies = new ProxyManager({ dir: join(dir, 'proxies'), minSeconds: 0 });
    const library = new MediaLibrary({ cacheMB: 64, proxies });
    try {
      writeFileSync(log, '');
      const { clipId } = await library.open(video, {}, undefined, { lastFrameLater: true });
      // Frame 0's decoder alone: no process loads beside the route's answer and the view's first render.
      await new Promise((done) => setTimeout(done, 300));
      expect(started().filter((line) => line.startsWith('ffmpeg'))).toHaveLength(1);
      expect(library.unsettled).toBe(true);
      expect(proxies.status(clipId).state).toBe('loading');
      await library.encodeFrame({ clipId, index: 0, format: 'jpg' });
      await library.settled(video);
      expect(await proxies.settled(clipId)).not.toBeNull();
      // Then the last frame's check and the proxy's build, one ffmpeg each.
      expect(started().filter((line) => line.startsWith('ffmpeg'))).toHaveLength(3);
      expect(library.unsettled).toBe(false);
    } finally {
      library.close();
    }
  });

  it("answered after frame 0, a view opening at another frame lets the last frame's check and the proxy start once that frame is served", async () => {
    // No time-out releases them here: only serving the view's first frame can.
    const proxies = new ProxyManager({ dir: join(dir, 'proxies-at-event'), minSeconds: 0 });
    const library = new MediaLibrary({ cacheMB: 64, proxies, heavyWaitMs: 600_000 });
    try {
      writeFileSync(log, '');
      const { clipId } = await library.open(video, {}, undefined, { lastFrameLater: true });
      await library.encodeFrame({ clipId, index: 30, format: 'jpg' });
      const late = new Promise((_, fail) => setTimeout(() => fail(new Error('the checks waited although frame 30 was served')), 20_000).unref());
      await Promise.race([library.settled(video), late]);
      expect(await Promise.race([proxies.settled(clipId), late])).not.toBeNull();
      expect(library.unsettled).toBe(false);
    } finally {
      library.close();
    }
  });

  it("a write's check-only open joined by the view's open meanwhile leaves the clip open for the view", async () => {
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      const check = library.open(video, {}, undefined, { checkOnly: true });
      // The view opens the same content while its checks run: it joins that open.
      for (let polls = 0; !library.unsettled && polls < 2_000; polls++) await new Promise((done) => setTimeout(done, 5));
      expect(library.unsettled).toBe(true);
      const [viewed] = await Promise.all([library.open(video, {}, undefined, { lastFrameLater: true }), check]);
      await library.settled(video);
      expect(library.info(viewed.clipId).frames).toBeGreaterThan(0);
      expect((await library.encodeFrame({ clipId: viewed.clipId, index: 3, format: 'jpg' })).data.length).toBeGreaterThan(0);
    } finally {
      library.close();
    }
  });

  it('answered after frame 0, a clip whose last frame is cut off is refused afterwards with the reason and closed', async () => {
    // Frames 0–28 of 50 survive the cut: frame 0 decodes, the last does not.
    const truncated = cutNoiseVideo('late', (length) => Math.floor(length * 0.6));
    const refused: { clipId: string; message: string }[] = [];
    const library = new MediaLibrary({ cacheMB: 64, onRefused: (clipId, error) => refused.push({ clipId, message: error.message }) });
    try {
      const { clipId } = await library.open(truncated, {}, undefined, { lastFrameLater: true });
      const reason = /frame 49 \(the last of the 50 its index lists\) cannot be decoded: the file is truncated/;
      await expect(library.settled(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(reason) });
      expect(refused).toEqual([{ clipId, message: expect.stringMatching(reason) }]);
      expect(() => library.info(clipId)).toThrow(/No clip/);
      // Refused again afterwards, and an open that waits for every check is refused outright.
      await expect(library.settled(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
      await expect(library.open(truncated)).rejects.toMatchObject({ message: expect.stringMatching(reason) });
      expect(refused).toHaveLength(1);
    } finally {
      library.close();
    }
  });

  it('a refused clip whose stamp changes is checked again: a chmod keeps the refusal, a repair in place lifts it', async () => {
    const truncated = cutNoiseVideo('rechecked', (length) => Math.floor(length * 0.6));
    const library = new MediaLibrary({ cacheMB: 64 });
    try {
      await library.open(truncated, {}, undefined, { lastFrameLater: true });
      await expect(library.settled(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
      // A chmod gives the file a new ctime (its stamp changes), not new content.
      const before = statSync(truncated, { bigint: true }).ctimeNs;
      await new Promise((done) => setTimeout(done, 20));
      chmodSync(truncated, 0o600);
      expect(statSync(truncated, { bigint: true }).ctimeNs).not.toBe(before);
      const twice = await Promise.allSettled([library.settled(truncated), library.settled(truncated)]);
      expect(twice.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      await expect(library.settled(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/frame 49 .*truncated/) });
      // The whole file written back in place: checked again, it passes.
      writeFileSync(truncated, readFileSync(join(dir, 'noise-rechecked.mp4')));
      await library.settled(truncated);
      expect(library.unsettled).toBe(false);
    } finally {
      library.close();
    }
  });

  it('a refusal listener that throws loses only the announcement: the refusal stands, no rejection escapes', async () => {
    const truncated = cutNoiseVideo('listener', (length) => Math.floor(length * 0.6));
    const escaped: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void escaped.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let called = 0;
    const library = new MediaLibrary({
      cacheMB: 64,
      onRefused: () => {
        called += 1;
        throw new Error('listener failed');
      },
    });
    try {
      await library.open(truncated, {}, undefined, { lastFrameLater: true });
      await expect(library.settled(truncated)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
      // Let any rejection left unhandled by the open's chains surface.
      await new Promise((done) => setTimeout(done, 50));
      expect(called).toBe(1);
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      library.close();
    }
  });

  it('an idle clip whose frame 0 was not decoded at open keeps no ffmpeg, unless it is held', async () => {
    // 96×64 frames are more than a quarter of this cache: the open checks frame 0 on its own
    // and makes no reader, so the ffmpeg started for the reader's first decode stays unused.
    const library = new MediaLibrary({ cacheMB: 0.05 });
    try {
      const { clipId } = await library.open(video);
      expect(await settledFfmpegs(1)).toBe(1);
      const release = library.hold(clipId);
      library.closeIdle(Date.now() + 600_000);
      expect(await settledFfmpegs(1)).toBe(1);
      release();
      library.closeIdle(Date.now() + 600_000);
      expect(await settledFfmpegs(0)).toBe(0);
      // Still open: the next read starts its own decoder.
      const reader = await library.reader(clipId);
      expect(frameIndexOf(await reader.read(3))).toBe(3);
    } finally {
      library.close();
    }
  });
});
