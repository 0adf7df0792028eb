import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { lockPathFor } from '../../src/main/store/sqlite/lock';
import { openWorkspace } from '../../src/main/store';
import { openSqliteWorkspace } from '../../src/main/store/sqlite/connection';
import type { Result } from '../../src/shared/errors';
import { useTempDir } from '../helpers/tmp';
import { artifactsDir, buildDriver, runCommand, runDriver, runDriverAsUser } from './support/driver';
import { hasPrlimit, mountTinyFs } from './support/disk';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-faults-');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

function api(userDataDir: string) {
  const table = createHandlerTable(createServices({ userDataDir }));
  return (channel: string, payload: unknown = {}) => dispatch(table, channel, payload, { transport: 'direct' });
}

/** Whether a tmpfs can be mounted here (root with CAP_SYS_ADMIN, Linux). */
function mountProbe(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'mellm-mount-probe-'));
  const mount = mountTinyFs(probe, 64 * 1024);
  mount?.unmount();
  rmSync(probe, { recursive: true, force: true });
  return mount !== null;
}

const parseResult = (line: string) => JSON.parse(line.slice('RESULT '.length)) as Result<unknown>;
const NOBODY = 65_534;

describe('workspace under storage faults', () => {
  // Both ways of running out of space when this machine allows them; at least one must run.
  const tinyFsPossible = mountProbe();
  it.each([
    { method: 'tmpfs', skip: !tinyFsPossible },
    { method: 'prlimit', skip: !hasPrlimit() },
  ])('disk full ($method): the failing save is a typed error, the process lives, nothing acknowledged is lost', async ({ method, skip }) => {
    expect(tinyFsPossible || hasPrlimit(), 'neither a tmpfs mount nor prlimit is available').toBe(true);
    if (skip) return;
    const dir = tempDir();
    const place = join(dir, 'tiny');
    mkdirSync(place);
    const mount = method === 'tmpfs' ? mountTinyFs(place, 1024 * 1024) : null;
    if (mount) cleanups.push(() => mount.unmount());
    const workspace = join(place, 'full.mellm');
    await seedWorkspace(workspace);
    const driver = buildDriver('annotate');
    const args = [workspace, join(dir, 'user'), 'full', '100000', '19000'];
    const env = { ...process.env, MELLM_DRIVER_WAIT: '0' };
    const run = mount
      ? runDriver(driver, args, { env })
      : runCommand('prlimit', [`--fsize=${1024 * 1024}`, process.execPath, driver, ...args], { env });
    const exit = await run.exited;
    const err = run.lines.find((l) => l.startsWith('ERR '));
    expect(exit, run.stderr()).toEqual({ code: 3, signal: null });
    expect(err).toMatch(/^ERR (DISK_FULL|IO_ERROR) .*(disk is full|size this system allows|disk error)/);
    const acked = run.lines.filter((l) => l.startsWith('ACK ')).map((l) => l.split(' '));
    expect(acked.length).toBeGreaterThan(5);

    // On the full disk itself, opening is refused with a typed error or works.
    const onFullDisk = await api(join(dir, 'user2'))('workspace.open', { path: workspace });
    if (!onFullDisk.ok) expect(onFullDisk.error.code).toMatch(/DISK_FULL|IO_ERROR|WORKSPACE_INVALID/);
    // The user moves the workspace to a disk with room (the WAL holds the latest edits).
    const roomy = join(dir, 'roomy.mellm');
    copyFileSync(workspace, roomy);
    if (existsSync(`${workspace}-wal`)) copyFileSync(`${workspace}-wal`, `${roomy}-wal`);
    // The SQLite layer itself: its connection runs integrity_check and reads the audit rows.
    const ws = openSqliteWorkspace(roomy);
    try {
      expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const audit = ws.db.prepare('SELECT snapshot FROM annotation_events WHERE annotation_id = ? AND version = ?');
      for (const [, tag, id, version] of acked) {
        const row = audit.get(Number(id), Number(version)) as { snapshot: string } | undefined;
        expect(row && (JSON.parse(row.snapshot) as { description: string }).description.trimEnd()).toBe(tag);
      }
    } finally {
      ws.close();
    }
    writeFileSync(join(artifactsDir, `disk-full-${method}.json`), JSON.stringify({ method, acked: acked.length, error: err }, null, 2));
  });
});

describe('read-only, deleted and shared workspaces', () => {
  /** Runs the open driver, as `nobody` when we are root (root ignores permission bits). */
  async function openAsUser(workspace: string, dir: string, owned: readonly string[]): Promise<Result<unknown>> {
    const asRoot = process.getuid?.() === 0;
    const userData = join(dir, 'user-open');
    mkdirSync(userData, { recursive: true });
    if (asRoot) {
      for (const path of [userData, ...owned]) chownSync(path, NOBODY, NOBODY);
      chmodSync(dir, 0o755);
    }
    const run = asRoot ? runDriverAsUser('open', [workspace, userData], { uid: NOBODY, gid: NOBODY }) : runDriver(buildDriver('open'), [workspace, userData]);
    const line = await run.waitFor(/^RESULT /);
    expect(await run.exited, run.stderr()).toEqual({ code: 0, signal: null });
    return parseResult(line);
  }

  it('a 0400 workspace file is refused with a clear read-only error and left byte-identical', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'ro.mellm');
    await seedWorkspace(workspace);
    chmodSync(workspace, 0o400);
    const before = readFileSync(workspace);
    const result = await openAsUser(workspace, dir, [workspace]);
    expect(result).toMatchObject({ ok: false, error: { code: 'WORKSPACE_READONLY' } });
    expect(!result.ok && result.error.message).toMatch(/read-only.*copy the workspace somewhere writable/i);
    expect(readFileSync(workspace).equals(before)).toBe(true);
  });

  it('a workspace in a read-only folder is refused the same way, no lock or WAL left behind', async () => {
    const dir = tempDir();
    const folder = join(dir, 'ro');
    mkdirSync(folder);
    const workspace = join(folder, 'ro.mellm');
    await seedWorkspace(workspace);
    const before = readFileSync(workspace);
    chmodSync(folder, 0o555);
    cleanups.push(() => chmodSync(folder, 0o755));
    const result = await openAsUser(workspace, dir, [workspace, folder]);
    expect(result).toMatchObject({ ok: false, error: { code: 'WORKSPACE_READONLY' } });
    expect(!result.ok && result.error.message).toMatch(/folder is read-only/);
    expect(readFileSync(workspace).equals(before)).toBe(true);
    expect(existsSync(lockPathFor(workspace))).toBe(false);
  });

  it('deleted or replaced while open: saves are refused with a clear error instead of vanishing', async () => {
    const dir = tempDir();
    const call = api(join(dir, 'user'));
    const workspace = join(dir, 'gone.mellm');
    await seedWorkspace(workspace);
    expect((await call('workspace.open', { path: workspace })).ok).toBe(true);
    await call('settings.update', { annotator: 'ana' });
    const edit = { eventId: 1, annotator: 'ana', aus: 'AU12', description: 'kept', baseVersion: null };
    expect((await call('annotations.save', edit)).ok).toBe(true);

    // The user moves the workspace (with its WAL and shared-memory sidecars) away and
    // another file appears at its path.
    for (const suffix of ['', '-wal', '-shm']) renameSync(workspace + suffix, join(dir, `moved.mellm${suffix}`));
    writeFileSync(workspace, '');
    const replaced = await call('annotations.save', { ...edit, baseVersion: 1, description: 'lost?' });
    expect(replaced).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect(!replaced.ok && replaced.error.message).toMatch(/deleted or replaced while open/);

    rmSync(workspace);
    const deleted = await call('events.list', { clipId: 1 });
    expect(deleted).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect((await call('workspace.close')).ok).toBe(true);
    // What was saved before the deletion is intact in the moved file.
    const moved = await openWorkspace(join(dir, 'moved.mellm'));
    expect(await moved.annotations.get(1, 'ana')).toMatchObject({ description: 'kept', version: 1 });
    await moved.close();
  });

  it('a second app instance is refused while the first holds the workspace, and takes over after a SIGKILL', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'shared.mellm');
    await seedWorkspace(workspace);
    const first = runDriver(buildDriver('open'), [workspace, join(dir, 'user1'), 'hold']);
    expect(parseResult(await first.waitFor(/^RESULT /)).ok).toBe(true);

    const second = api(join(dir, 'user2'));
    const refused = await second('workspace.open', { path: workspace });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    expect(!refused.ok && refused.error.message).toMatch(new RegExp(`already open in another MELLM Workstation \\(process ${first.child.pid} `));
    // The same process opening it twice (two services, e.g. CLI inside the app) is refused too.
    const third = api(join(dir, 'user3'));
    expect((await third('workspace.open', { path: workspace })).ok).toBe(false);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(lockPathFor(workspace))).toBe(true); // stale: its owner is gone
    const taken = await second('workspace.open', { path: workspace });
    expect(taken, JSON.stringify(taken)).toMatchObject({ ok: true });
    const again = await third('workspace.open', { path: workspace });
    expect(again).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    expect(!again.ok && again.error.message).toMatch(/already open in this app/);
    await second('workspace.close');
    expect(existsSync(lockPathFor(workspace))).toBe(false);
    expect((await third('workspace.open', { path: workspace })).ok).toBe(true);
    await third('workspace.close');
  });

  it('a stale or garbled lock file never makes a workspace unopenable', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'stale.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    // A dead owner, garbage, and an empty file just written (what a kill between create and
    // write used to leave: it then blocked the next open for a second).
    for (const content of [JSON.stringify({ pid: 2_147_483_646, host: hostname(), at: 'x' }), 'garbage\u0000', '']) {
      writeFileSync(lockPathFor(workspace), content);
      const ws = await openWorkspace(workspace);
      await ws.close();
    }
    expect(fingerprintFile(workspace)).toEqual(before);
  });
});

describe('workspace lock across computers', () => {
  it('respects a lock held on another host (shared drive) and says how to clear it', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'shared-drive.mellm');
    await seedWorkspace(workspace);
    writeFileSync(lockPathFor(workspace), JSON.stringify({ pid: 4242, host: 'lab-pc-7', at: 'x' }));
    const refused = await api(join(dir, 'user'))('workspace.open', { path: workspace });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    expect(!refused.ok && refused.error.message).toMatch(/process 4242 on lab-pc-7\); close it there first, or delete .*-lock if that computer crashed/);
    rmSync(lockPathFor(workspace));
    const opened = await openWorkspace(workspace);
    await opened.close();
  });
});
