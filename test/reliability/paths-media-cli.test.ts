import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tmp';
import { buildDriver, runDriver, runDriverAsUser, type DriverRun } from './support/driver';
import { mountTinyFs } from './support/disk';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-paths-');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

const NOBODY = 65_534;
const isRoot = process.getuid?.() === 0;
const linux = process.platform === 'linux';

/** Mounts a tmpfs (read-only when asked) on `dir`; null where this process may not mount. */
function mountTmpfs(dir: string, options: string): (() => void) | null {
  if (!linux || !isRoot) return null;
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) return null;
  return () => void spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
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
    expect(beside.code, beside.err).toBe(0);
    const finished = await settle(running, argv, 120_000);
    expect(finished.code, finished.err).toBe(0);
    expect(temps(out)).toEqual([]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
    expect(fingerprintFile(workspace)).toEqual(before);
  }, 240_000);
});
