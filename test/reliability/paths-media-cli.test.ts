import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { probeMedia } from '../../src/main/media/probe';
import { probeVideo } from '../../src/main/media/probe-video';
import { createWorkspace, openWorkspace } from '../../src/main/store';
import { packageDir } from '../../src/main/inference/manifest';
import { startTestBridge } from '../helpers/bridge';
import { ffmpeg } from '../helpers/media';
import { SAMPLES } from '../helpers/faces';
import { useTempDir } from '../helpers/tmp';
import { buildDriver, runDriver, runDriverAsUser, type DriverRun } from './support/driver';
import { mountTinyFs } from './support/disk';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-paths-');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});
/** A folder kept for the whole file (fixtures made once in beforeAll). */
const kept: string[] = [];
afterAll(() => {
  for (const dir of kept.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function keptDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mellm-paths-kept-'));
  kept.push(dir);
  return dir;
}

const NOBODY = 65_534;
const root = resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;
const linux = process.platform === 'linux';

/** Mounts a tmpfs (read-only when asked) on `dir`; null where this process may not mount. */
function mountTmpfs(dir: string, options: string): (() => void) | null {
  if (!linux || !isRoot) return null;
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) return null;
  return () => void spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

function canMount(): boolean {
  const dir = tempDir();
  const unmount = mountTmpfs(dir, 'size=64k');
  unmount?.();
  return unmount !== null;
}

interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `mellm …` in this process. */
async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let cliDriver = '';
beforeAll(() => {
  cliDriver = buildDriver('cli');
});

/** Waits for a `mellm` child (see drivers/cli.ts); a child still running after `timeoutMs` is killed and fails the test. */
async function settle(run: DriverRun, argv: readonly string[], timeoutMs: number): Promise<CliRun & { ms: number }> {
  const started = performance.now();
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const exited = await run.exited;
  clearTimeout(timer);
  const ms = performance.now() - started;
  expect(exited.signal, `mellm ${argv.join(' ')} had not returned after ${timeoutMs} ms`).toBeNull();
  expect(exited.code, run.stderr()).toBe(0);
  const line = run.lines.find((l) => l.startsWith('RESULT '));
  expect(line, `no result; stderr: ${run.stderr()}`).toBeDefined();
  return { ...(JSON.parse((line as string).slice('RESULT '.length)) as CliRun), ms };
}

/** `mellm …` in a child process, killed after `timeoutMs`. */
function cliChild(argv: readonly string[], timeoutMs = 20_000): Promise<CliRun & { ms: number }> {
  return settle(runDriver(cliDriver, argv), argv, timeoutMs);
}

function temps(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.tmp'));
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((go) => setTimeout(go, 2));
  }
}
describe('#10 export to special, read-only, full and forbidden places', () => {
  it('export into /proc, /sys or /dev returns at once with the reason; nothing is written, the workspace is unchanged', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'w.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    cleanups.push(() => rmSync('/dev/mellm-export-test', { recursive: true, force: true }));
    for (const out of ['/proc/forbidden/x.jsonl', '/proc/self', '/sys/kernel/mellm-export-test', '/dev/mellm-export-test']) {
      const run = await cliChild(['export', '--workspace', workspace, '--format', 'jsonl', '--out', out]);
      expect(run.code, `${out}: ${run.err}`).toBe(1);
      expect(run.err, out).toMatch(/pseudo file system/);
      expect(run.err, out).toContain(out.split('/').slice(0, 2).join('/'));
      expect(run.ms, out).toBeLessThan(10_000);
    }
    expect(existsSync('/dev/mellm-export-test')).toBe(false);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('a FIFO where the export file goes is refused even with --force; a file given as the export folder is refused', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'w.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    const folder = join(dir, 'out');
    mkdirSync(folder);
    const fifo = join(folder, 'instructions.jsonl');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = await cliChild(['export', '--workspace', workspace, '--format', 'jsonl', '--out', folder, '--force']);
    expect(run.code, run.err).toBe(1);
    expect(run.err).toMatch(/instructions\.jsonl.*(FIFO|not a regular file)/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep');
    const onFile = await cliChild(['export', '--workspace', workspace, '--format', 'jsonl', '--out', file]);
    expect(onFile.code, onFile.err).toBe(1);
    expect(onFile.err).toMatch(/notes\.txt.* not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep');
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it.runIf(linux && isRoot)('a read-only file system is named as the reason (not "ENOENT … mkdir")', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'w.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    const readOnly = join(dir, 'ro');
    mkdirSync(readOnly);
    const unmount = mountTmpfs(readOnly, 'ro,size=64k');
    expect(unmount, 'cannot mount a tmpfs here').not.toBeNull();
    cleanups.push(unmount as () => void);
    for (const out of [join(readOnly, 'sub', 'deeper'), readOnly]) {
      const run = await cliChild(['export', '--workspace', workspace, '--format', 'jsonl', '--out', out]);
      expect(run.code, run.err).toBe(1);
      expect(run.err).toMatch(/read-only file system/i);
      expect(run.err).toContain(readOnly);
      expect(run.err).not.toMatch(/ENOENT/);
    }
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it.runIf(linux && isRoot)('a full disk is named as the reason and leaves no temporary file', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'w.mellm');
    await seedWorkspace(workspace, 2000);
    const before = fingerprintFile(workspace);
    const tiny = join(dir, 'tiny');
    mkdirSync(tiny);
    const mount = mountTinyFs(tiny, 64 * 1024);
    expect(mount, 'cannot mount a tmpfs here').not.toBeNull();
    cleanups.push(() => mount?.unmount());
    const run = await cliChild(['export', '--workspace', workspace, '--format', 'report', '--out', tiny]);
    expect(run.code, run.err).toBe(1);
    expect(run.err).toMatch(/disk is full|no space/i);
    expect(run.err).toContain(tiny);
    expect(readdirSync(tiny)).toEqual([]);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it.runIf(linux && isRoot)('permission denied is named as the reason, with the folder', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const own = join(dir, 'own');
    mkdirSync(own);
    const workspace = join(own, 'w.mellm');
    await seedWorkspace(workspace);
    for (const path of [own, workspace]) chownSync(path, NOBODY, NOBODY);
    const before = fingerprintFile(workspace);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    for (const out of [join(locked, 'sub'), locked]) {
      const argv = ['export', '--workspace', workspace, '--format', 'jsonl', '--out', out];
      const run = await settle(runDriverAsUser('cli', argv, { uid: NOBODY, gid: NOBODY }), argv, 20_000);
      expect(run.code, run.err).toBe(1);
      expect(run.err).toMatch(/permission denied/i);
      expect(run.err).toContain(locked);
    }
    expect(readdirSync(locked)).toEqual([]);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it("a SIGKILLed export's temporary file is removed by the next export into that folder; a running export's is left alone", async () => {
    const dir = tempDir();
    const workspace = join(dir, 'big.mellm');
    await seedWorkspace(workspace, 100_000);
    const before = fingerprintFile(workspace);
    const out = join(dir, 'out');
    const argv = ['export', '--workspace', workspace, '--format', 'report', '--out', out];
    const killed = runDriver(cliDriver, argv);
    await waitUntil(() => existsSync(out) && temps(out).length > 0, 60_000, 'the export to start writing');
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const stale = temps(out);
    expect(stale).toHaveLength(1);
    expect(existsSync(join(out, 'report.html'))).toBe(false);

    // The next export into the folder clears the dead one's file and writes its own…
    const running = runDriver(cliDriver, argv);
    await waitUntil(() => temps(out).some((name) => !stale.includes(name)), 60_000, 'the second export to start writing');
    expect(temps(out)).not.toContain(stale[0]);
    // …and an export running beside it keeps its file: a third export into the folder (of
    // another workspace: this one is held by the running export) must not take it.
    const other = join(dir, 'other.mellm');
    await seedWorkspace(other);
    const beside = await cliChild(['export', '--workspace', other, '--format', 'megc', '--out', out]);
    // It runs to the end; its events carry no labels, so its lists are empty and it says so (exit 3).
    expect(beside.code, beside.err).toBe(3);
    expect(beside.err).toMatch(/megc-recognition\.csv: no records: no labels to export/);
    const finished = await settle(running, argv, 120_000);
    expect(finished.code, finished.err).toBe(0);
    expect(temps(out)).toEqual([]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 240_000);
});

describe('#14 one overwrite rule for every CLI output', () => {
  let dir = '';
  let a = '';
  let b = '';
  let video = '';
  beforeAll(async () => {
    dir = keptDir();
    const photo = join(packageDir('@vladmandic/face-api') as string, 'demo', 'sample3.jpg');
    const base = sharp(photo).resize(160, 160, { fit: 'cover' }).grayscale();
    a = join(dir, 'a.png');
    b = join(dir, 'b.png');
    await base.clone().extract({ left: 32, top: 32, width: 96, height: 96 }).png().toFile(a);
    await base.clone().extract({ left: 31, top: 32, width: 96, height: 96 }).png().toFile(b);
    video = join(dir, 'clip.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=96x64:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video]);
  });

  function existing(name: string): string {
    const path = join(dir, name);
    writeFileSync(path, 'keep');
    return path;
  }

  it('flow --out, --vis and --quiver, face --overlay, frames --out, agreement --csv and synth --out refuse an existing target without --force', async () => {
    const fresh = (name: string) => join(dir, `new-${name}`);
    const workspace = join(tempDir(), 'w.mellm');
    await seedWorkspace(workspace);
    const cases: Array<{ argv: string[]; target: string }> = [];
    const flo = existing('old.flo');
    cases.push({ argv: ['flow', a, b, '--out', flo, '--preset', 'fast'], target: flo });
    const vis = existing('old-vis.png');
    cases.push({ argv: ['flow', a, b, '--out', fresh('new.flo'), '--vis', vis, '--preset', 'fast'], target: vis });
    const quiver = existing('old-quiver.png');
    cases.push({ argv: ['flow', a, b, '--out', fresh('new.flo'), '--quiver', quiver, '--preset', 'fast'], target: quiver });
    const overlay = existing('old-overlay.png');
    cases.push({ argv: ['face', a, '--overlay', overlay], target: overlay });
    const frame = existing('old-frame.png');
    cases.push({ argv: ['frames', video, '--at', '0', '--out', frame], target: frame });
    const csv = existing('old.csv');
    cases.push({ argv: ['agreement', '--workspace', workspace, '--csv', csv], target: csv });
    const synthDir = join(dir, 'synth-old');
    mkdirSync(synthDir);
    writeFileSync(join(synthDir, 'truth.json'), 'keep');
    cases.push({ argv: ['synth', '--out', synthDir, '--photo', join(SAMPLES, 'sample3.jpg'), '--frames', '10', '--size', '64x64'], target: join(synthDir, 'truth.json') });
    for (const { argv, target } of cases) {
      const run = await cli(...argv);
      expect(run.code, `${argv.join(' ')}: ${run.err}`).toBe(1);
      expect(run.err, argv[0]).toMatch(/already exists; pass --force to overwrite it/);
      expect(readFileSync(target, 'utf8'), argv.join(' ')).toBe('keep');
    }
    // Nothing was computed or written for the refused flow runs.
    expect(readdirSync(dir).filter((name) => name.startsWith('new'))).toEqual([]);
  });

  it('with --force they overwrite; a FIFO or device is refused even with --force', async () => {
    const flo = existing('forced.flo');
    const vis = existing('forced-vis.png');
    const frame = existing('forced-frame.png');
    expect((await cli('flow', a, b, '--out', flo, '--vis', vis, '--preset', 'fast', '--force')).code).toBe(0);
    expect(readFileSync(flo).subarray(0, 4).toString('latin1')).toBe('PIEH');
    expect((await sharp(vis).metadata()).width).toBe(96);
    expect((await cli('frames', video, '--at', '0', '--out', frame, '--force')).code).toBe(0);
    expect((await sharp(frame).metadata()).width).toBe(96);

    const fifo = join(dir, 'pipe.flo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = await cli('flow', a, b, '--out', fifo, '--preset', 'fast', '--force');
    expect(run.code, run.err).toBe(1);
    expect(run.err).toMatch(/not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    const device = await cli('frames', video, '--at', '0', '--out', '/dev/null.png', '--force');
    expect(device.code, device.err).toBe(1);
    expect(device.err).toMatch(/pseudo file system/);
  });
});

describe('#11 probe tells truncated, audio-only and impossible videos from real ones', () => {
  let dir = '';
  let full = '';
  let truncated = '';
  let cover = '';
  let tenMillion = '';
  let doubled = '';

  /** The mp4 with its single stts entry claiming `count` samples (its index, not its data). */
  function claimFrames(source: string, target: string, count: number): string {
    const bytes = readFileSync(source);
    const stts = bytes.indexOf('stts');
    expect(stts).toBeGreaterThan(0);
    expect(bytes.readUInt32BE(stts + 8)).toBe(1); // one (count, delta) entry
    bytes.writeUInt32BE(count, stts + 12);
    writeFileSync(target, bytes);
    return target;
  }

  beforeAll(() => {
    dir = keptDir();
    // Neutral names: a message naming the file must not match the reason looked for.
    full = join(dir, 'a.mp4');
    // Noise keeps frames large, so 20 KB holds the index (faststart) but not the frames.
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:r=25:d=4,noise=alls=40:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', full]);
    truncated = join(dir, 'b.mp4');
    writeFileSync(truncated, readFileSync(full).subarray(0, 20_000));
    cover = join(dir, 'c.mp3');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=d=3', '-f', 'lavfi', '-i', 'testsrc=s=300x300:d=1', '-map', '0:a', '-map', '1:v', '-frames:v', '1', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-c:a', 'libmp3lame', cover]);
    tenMillion = claimFrames(full, join(dir, 'd.mp4'), 10_000_000);
    doubled = claimFrames(full, join(dir, 'e.mp4'), 200);
  });

  it('the intact video is accepted with its exact frame count', async () => {
    expect(await probeMedia(full)).toMatchObject({ kind: 'video', frames: 100, fps: 25, width: 320, height: 240 });
    expect(await probeVideo(full, { ffprobe: null })).toMatchObject({ frames: 100, width: 320, height: 240 });
  });

  it('the first 20 KB of an mp4 is refused as truncated', async () => {
    const run = await cli('probe', truncated);
    expect(run.code, run.out).toBe(1);
    expect(run.err).toMatch(/truncated/);
    await expect(probeVideo(truncated, { ffprobe: null })).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/truncated/) });
  });

  it('an audio file with cover art is refused as audio, not read as a 1-frame video at 90000 fps', async () => {
    for (const ffprobe of [undefined, null]) {
      await expect(probeVideo(cover, ffprobe === null ? { ffprobe } : {})).rejects.toMatchObject({
        code: 'MEDIA_UNREADABLE',
        message: expect.stringMatching(/audio.*cover (art|picture)/),
      });
    }
    expect((await cli('probe', cover)).err).toMatch(/cover/);
  });

  it('an index claiming 10^7 frames for a 0.7 MB file, or twice the frames it holds, is refused with the claim', async () => {
    const run = await cli('probe', tenMillion);
    expect(run.code, run.out).toBe(1);
    expect(run.err).toMatch(/claims 10,000,000 frames/);
    const twice = await cli('probe', doubled);
    expect(twice.code, twice.out).toBe(1);
    expect(twice.err).toMatch(/frame 199 .*cannot be decoded/);
  });
});

describe('#15 frame folders whose frames are symlinks', () => {
  /** Five 32×24 PNGs of distinct grey levels in `dir`. */
  async function frames(dir: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const paths: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const path = join(dir, `real${i}.png`);
      await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 40 * i, g: 40 * i, b: 40 * i } } }).png().toFile(path);
      paths.push(path);
    }
    return paths;
  }

  it('links to image files inside the folder are followed', async () => {
    const clip = join(tempDir(), 'clip');
    const real = await frames(join(clip, 'store'));
    real.forEach((target, i) => symlinkSync(join('store', `real${i}.png`), join(clip, `img${i + 1}.png`)));
    const info = await probeMedia(clip, { fps: 30 });
    expect(info).toMatchObject({ kind: 'sequence', frames: 5, width: 32, height: 24 });
    expect(info.sequence?.pattern).toBe('img{n}.png');
  });

  it('links leading out of the folder, dangling links and links to folders are refused naming the link', async () => {
    const base = tempDir();
    const outside = await frames(join(base, 'elsewhere'));
    const out = join(base, 'out');
    mkdirSync(out);
    outside.forEach((target, i) => symlinkSync(target, join(out, `img${i + 1}.png`)));
    await expect(probeMedia(out)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/img1\.png .*outside the folder/) });

    const dangling = join(base, 'dangling');
    mkdirSync(dangling);
    symlinkSync(join(base, 'nothing.png'), join(dangling, 'img1.png'));
    await expect(probeMedia(dangling)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/img1\.png .*(points to nothing|does not exist)/) });

    const folderLink = join(base, 'folder-link');
    mkdirSync(join(folderLink, 'inner.png'), { recursive: true });
    symlinkSync('inner.png', join(folderLink, 'img1.png'));
    await expect(probeMedia(folderLink)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE', message: expect.stringMatching(/img1\.png .*not a regular file/) });
  });
});

describe('#15 the bridge: malformed URLs, huge bodies, upscales', () => {
  it('a malformed percent-encoding answers 400, a 100 MB body 413, and the bridge carries on', async () => {
    const { bridge } = await startTestBridge({ userDataDir: join(tempDir(), 'user') });
    cleanups.push(() => void bridge.close());
    const headers = { authorization: `Bearer ${bridge.token}` };
    for (const path of ['/api/%E0%A4%A', '/frames/%E0%A4%A/0.jpg', '/%E0%A4%A']) {
      const response = await fetch(`${bridge.origin}${path}`, { method: path.startsWith('/api/') ? 'POST' : 'GET', headers, body: path.startsWith('/api/') ? '{}' : undefined });
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe('INVALID_INPUT');
    }
    const huge = await fetch(`${bridge.origin}/api/settings.get`, { method: 'POST', headers, body: new Uint8Array(100 * 2 ** 20) });
    expect(huge.status).toBe(413);
    const after = await fetch(`${bridge.origin}/api/settings.get`, { method: 'POST', headers, body: '{}' });
    expect(after.status).toBe(200);
  });

  it('an upscale is capped at min(4× the source width, 4096); beyond 2 at once the bridge answers 503 with Retry-After', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=96x64:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', small]);
    const large = join(dir, 'large.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=1024x768:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', large]);
    const { bridge } = await startTestBridge({ userDataDir: join(dir, 'user') });
    cleanups.push(() => void bridge.close());
    const headers = { authorization: `Bearer ${bridge.token}` };
    const open = async (path: string) => {
      const response = await fetch(`${bridge.origin}/api/media.open`, { method: 'POST', headers, body: JSON.stringify({ path }) });
      return ((await response.json()) as { data: { clipId: string } }).data.clipId;
    };
    const smallId = await open(small);
    const largeId = await open(large);
    const frame = (id: string, index: number, query = '') => fetch(`${bridge.origin}/frames/${id}/${index}.png${query}`, { headers });
    const capped = await frame(smallId, 0, '?w=8192');
    expect(capped.status).toBe(200);
    expect((await sharp(Buffer.from(await capped.arrayBuffer())).metadata()).width).toBe(384);

    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => frame(largeId, i, '?w=8192')));
    const plain = await frame(smallId, 1);
    expect(plain.status).toBe(200);
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length, statuses.join(',')).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 503).length, statuses.join(',')).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    for (const response of burst) {
      if (response.status === 503) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      else expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(4096);
    }
  });
});

describe('#15 analyze --all and clips where spotting found nothing', () => {
  it('a still clip analysed by `mellm analyze --workspace w --all` twice is analysed once', async () => {
    const dir = tempDir();
    const clip = join(dir, 'still');
    mkdirSync(clip);
    const still = await sharp(join(SAMPLES, 'sample3.jpg')).resize(256, 192, { fit: 'cover' }).png().toBuffer();
    for (let i = 0; i < 45; i += 1) writeFileSync(join(clip, `img${i + 1}.png`), still);
    const workspace = join(dir, 'w.mellm');
    const ws = await createWorkspace(workspace);
    const { id } = await ws.clips.add({ path: clip, kind: 'sequence', fps: 30, frames: 45, width: 256, height: 192 });
    await ws.close();
    const first = await cli('analyze', '--workspace', workspace, '--all', '--json');
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ queued: 1, analysed: 1, failed: [] });
    // Spotting found nothing: no event was made, so only the clip's claim records the run.
    const opened = await openWorkspace(workspace);
    expect(await opened.events.listForClip(id)).toEqual([]);
    await opened.close();
    const second = await cli('analyze', '--workspace', workspace, '--all', '--json');
    expect(second.code, second.err).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ queued: 0, skipped: 1, failed: [] });
  }, 180_000);
});

describe.runIf(linux && isRoot)('#15 tests that drop to nobody run from a private checkout', () => {
  it('the read-only workspace test opens its workspace as nobody when nobody cannot enter the checkout', async () => {
    // node_modules is hidden too when it lies outside the checkout (a worktree linking another's).
    const modules = realpathSync(join(root, 'node_modules'));
    const hide = modules.startsWith(`${realpathSync(root)}/`) ? [root] : [root, modules];
    expect(canMount(), 'cannot mount a tmpfs here').toBe(true);
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const workspace = join(dir, 'w.mellm');
    await seedWorkspace(workspace);
    const userData = join(dir, 'user');
    mkdirSync(userData);
    for (const path of [dir, workspace, userData]) chownSync(path, NOBODY, NOBODY);
    const run = runDriverAsUser('open', [workspace, userData], { uid: NOBODY, gid: NOBODY, hide });
    const line = await run.waitFor(/^RESULT /, 60_000).catch((error: Error) => error.message);
    expect(line, run.stderr()).toMatch(/^RESULT \{"ok":true/);
    expect(await run.exited).toEqual({ code: 0, signal: null });
  });
});
