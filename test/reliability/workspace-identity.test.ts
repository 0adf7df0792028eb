import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices } from '../../src/main/app/services';
import { createWorkspace, openWorkspace } from '../../src/main/store';
import { lockPathFor } from '../../src/main/store/sqlite/lock';
import { readExclusive } from '../../src/main/store/sqlite/lock-file';
import type { Result } from '../../src/shared/errors';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';
import { buildDriver, runDriver, type DriverRun } from './support/driver';
import { runLockRace } from './support/lock-race';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const tempDir = useTempDir('mellm-identity-');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

function api(userDataDir: string) {
  const table = createHandlerTable(createServices({ userDataDir }));
  return (channel: string, payload: unknown = {}): Promise<Result<unknown>> => dispatch(table, channel, payload, { transport: 'direct' });
}

/** A driver process ended by itself with `code` (no signal: it did not crash). */
async function endedWith(run: DriverRun, code: number): Promise<void> {
  expect(await run.exited, run.stderr()).toEqual({ code, signal: null });
  expect(run.stderr()).not.toMatch(/FATAL|Segmentation|Aborted|\n\s+at /);
}

function sidecars(workspace: string): string[] {
  return ['-wal', '-shm', '-journal', '-lock'].filter((suffix) => existsSync(workspace + suffix));
}

/** A live process that is not MELLM Workstation (its PID can stand in a lock file). */
function foreignProcess(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  return child.pid!;
}

describe('two imports through two names (issue 17: 2)', () => {
  it('2: two concurrent `mellm import` runs through a symlink store every row once', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP01'], 1, 200);
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const onset = 1 + (i % 150);
      return ['01', 'EP01', onset, onset + 1, onset + 2 + Math.floor(i / 150), '', '12', 'happiness'];
    });
    const sheet = await writeSheet(join(dir, 'coding.xlsx'), [CASME2_HEADER, ...rows]);
    const workspace = join(dir, 'corpus.mellm');
    const link = join(dir, 'link.mellm');
    await (await createWorkspace(workspace)).close();
    symlinkSync(workspace, link);

    const driver = buildDriver('identity');
    const runs = [workspace, link].map((name, i) =>
      runDriver(driver, ['cli', 'import', sheet, '--root', root, '--dataset', 'casme2', '--workspace', name], {
        env: { ...process.env, MELLM_HOME: join(dir, `home-${i}`) },
      }),
    );
    const exits = await Promise.all(runs.map((run) => run.exited));
    for (const [i, exit] of exits.entries()) {
      expect(exit.signal, runs[i]!.stderr()).toBeNull();
      expect(runs[i]!.stderr()).not.toMatch(/FATAL|Segmentation|\n\s+at /);
    }
    // One lands; the other is refused (exit 1: locked, 2: every row already imported).
    expect(exits.filter((e) => e.code === 0)).toHaveLength(1);
    const loser = runs[exits.findIndex((e) => e.code !== 0)]!;
    expect([1, 2]).toContain((await loser.exited).code);
    expect(loser.stderr()).toMatch(/already (in the workspace|open)/);
    const db = new Database(workspace, { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: rows.length });
      expect(db.prepare('SELECT count(*) AS n FROM (SELECT DISTINCT clip_id, onset, offset FROM events)').get()).toEqual({ n: rows.length });
    } finally {
      db.close();
    }
  });
});

describe('the lock file (issue 17: 3, 6, 12)', () => {
  it('3: never follows a symlink planted where the lock or its temporary file will be written', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    const victims = ['victim-temp.txt', 'victim-lock.txt'].map((name) => {
      const path = join(dir, name);
      writeFileSync(path, `another user's ${name}\n`);
      return path;
    });
    // The temporary name was `<workspace>-lock.<pid>`: guessable.
    symlinkSync(victims[0]!, `${lockPathFor(workspace)}.${process.pid}`);
    symlinkSync(victims[1]!, lockPathFor(workspace));

    const ws = await openWorkspace(workspace);
    await ws.close();
    for (const victim of victims) expect(readFileSync(victim, 'utf8')).toBe(`another user's ${victim.slice(dir.length + 1)}\n`);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('6: 300 rounds of 4 processes taking over one stale lock at once: never two holders', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'race.mellm');
    writeFileSync(workspace, '');
    const stats = await runLockRace({ workspace, processes: 4, rounds: 300 });
    for (const exit of stats.exits) {
      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      expect(exit.stderr).not.toMatch(/FATAL|Segmentation|Aborted|\n\s+at /);
    }
    expect(stats.wrongHolders, `rounds without exactly one holder (holders each): ${stats.wrongHolders.join(', ')}`).toEqual([]);
    expect(stats.untyped).toEqual([]);
    expect(readdirSync(dir)).toEqual(['race.mellm']); // no lock, temporary or takeover file left
  });

  it('6: a taker killed mid-takeover leaves nothing that blocks the next open, and its leftovers are swept', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    const dead = JSON.stringify({ pid: 2_147_483_646, host: hostname(), at: 'x', nonce: 'n' });
    writeFileSync(lockPathFor(workspace), dead);
    // The killed taker held the claim on this very stale lock, another one's temporary
    // file and an older claim outlived their lock.
    writeFileSync(join(dir, `.mellm-takeover-${readExclusive(lockPathFor(workspace))!.key}`), dead);
    writeFileSync(join(dir, `.mellm-lock-${'a'.repeat(24)}`), dead);
    writeFileSync(join(dir, `.mellm-takeover-${'b'.repeat(32)}`), dead);
    const unrelated = join(dir, '.mellm-lock-notes.txt');
    writeFileSync(unrelated, dead);

    const ws = await openWorkspace(workspace);
    await ws.close();
    expect(readdirSync(dir).sort()).toEqual(['.mellm-lock-notes.txt', 'corpus.mellm']);
    expect(readFileSync(unrelated, 'utf8')).toBe(dead);
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('12: a lock naming a PID that a non-MELLM process now uses is recognised as stale', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    const before = fingerprintFile(workspace);
    const pid = foreignProcess();
    const lock = lockPathFor(workspace);
    const locks: { name: string; write: () => void }[] = [
      // The format this app writes, with a process start that is not this process'.
      { name: 'foreign pid', write: () => writeFileSync(lock, JSON.stringify({ pid, host: hostname(), at: new Date().toISOString(), nonce: 'n', start: 'other-boot:1' })) },
      // This app's own PID, from an earlier run (a container restarts with the same PIDs).
      { name: 'own pid, earlier run', write: () => writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), at: 'x', nonce: 'n', start: 'other-boot:1' })) },
      // An older lock format without a start time, written an hour before that process started.
      {
        name: 'older format',
        write: () => {
          writeFileSync(lock, JSON.stringify({ pid, host: hostname(), at: 'x' }));
          const hourAgo = new Date(Date.now() - 3_600_000);
          utimesSync(lock, hourAgo, hourAgo);
        },
      },
    ];
    const call = api(join(dir, 'user'));
    for (const { name, write } of locks) {
      write();
      const opened = await call('workspace.open', { path: workspace });
      expect(opened, name).toMatchObject({ ok: true });
      await call('workspace.close');
      expect(existsSync(lock), name).toBe(false);
    }
    expect(fingerprintFile(workspace)).toEqual(before);
  });

  it('12: a lock held by a live MELLM process is respected, and the error says how to clear a lock safely', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    const holder = runDriver(buildDriver('identity'), ['hold', workspace, join(dir, 'user-holder')]);
    await holder.waitFor(/^ACK 1$/);
    const before = fingerprintFile(workspace);
    const refused = await api(join(dir, 'user'))('workspace.open', { path: workspace });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    const message = !refused.ok ? refused.error.message : '';
    expect(message).toMatch(new RegExp(`process ${holder.child.pid} on ${hostname()}`));
    expect(message).toContain(lockPathFor(workspace));
    expect(message).toMatch(/only if no MELLM Workstation has it open.*delete/i);
    expect(fingerprintFile(workspace)).toEqual(before);
    holder.child.stdin!.write('next\nclose\n');
    await holder.waitFor(/^CLOSED$/);
    await endedWith(holder, 0);
  });
});

describe('a workspace is one workspace whatever its name (issue 17: 1)', () => {
  it('1: a second opener through a hard link is refused while the first holds it; nothing acknowledged is lost', async () => {
    const dir = tempDir();
    const first = join(dir, 'corpus.mellm');
    const second = join(dir, 'other-name.mellm');
    await seedWorkspace(first);
    const holder = runDriver(buildDriver('identity'), ['hold', first, join(dir, 'user-holder')]);
    await holder.waitFor(/^ACK 1$/);
    linkSync(first, second); // the same file gets a second name while it is open
    const before = fingerprintFile(first);

    const refused = await api(join(dir, 'user-b'))('workspace.open', { path: second });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
    expect(!refused.ok && refused.error.message).toMatch(/2 names \(hard links\)/);
    expect(fingerprintFile(first)).toEqual(before);
    expect(sidecars(second)).toEqual([]); // no journal of its own beside the second name

    holder.child.stdin!.write('next\n');
    await holder.waitFor(/^ACK 2$/);
    holder.child.stdin!.write('close\n');
    await holder.waitFor(/^CLOSED$/);
    await endedWith(holder, 0);

    // Both acknowledged saves are in the file, whichever name reads it.
    const db = new Database(second, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT a.description FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.name = 'holder'").all()).toEqual([{ description: 'ack 2' }]);
      expect(db.prepare('SELECT count(*) AS n FROM annotation_events').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });


  it('1: a workspace file that already has two names is refused under either, byte-identical, with how to fix it', async () => {
    const dir = tempDir();
    const first = join(dir, 'corpus.mellm');
    const second = join(dir, 'backup', 'corpus.mellm');
    await seedWorkspace(first);
    mkdirSync(join(dir, 'backup'));
    linkSync(first, second);
    const bytes = readFileSync(first);
    const call = api(join(dir, 'user'));
    for (const name of [first, second]) {
      const refused = await call('workspace.open', { path: name });
      expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_LOCKED' } });
      expect(!refused.ok && refused.error.message).toMatch(/2 names \(hard links\).*copy/is);
      expect(sidecars(name)).toEqual([]);
    }
    expect(readFileSync(first).equals(bytes)).toBe(true);
    // One name again: it opens.
    rmSync(second);
    expect(await call('workspace.open', { path: first })).toMatchObject({ ok: true });
    await call('workspace.close');
  });

});

describe('schema guard and names (issue 17: 13, 15)', () => {
  it.each([-5, -1])('13: user_version %i with our application id is refused, the file byte-identical', async (version) => {
    const dir = tempDir();
    const workspace = join(dir, 'corpus.mellm');
    await seedWorkspace(workspace);
    const raw = new Database(workspace, { fileMustExist: true });
    raw.pragma(`user_version = ${version}`);
    raw.close();
    const bytes = readFileSync(workspace);
    const refused = await api(join(dir, 'user'))('workspace.open', { path: workspace });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect(!refused.ok && refused.error.message).toMatch(new RegExp(`impossible schema version \\(${version}\\).*left unchanged`));
    expect(readFileSync(workspace).equals(bytes)).toBe(true);
    expect(sidecars(workspace)).toEqual([]);
  });

  it('15: a workspace name too long for its journal is refused before anything is written; the longest that fits works', async () => {
    const dir = tempDir();
    const call = api(join(tempDir(), 'user'));
    const named = (bytes: number) => join(dir, `${'w'.repeat(bytes - '.mellm'.length)}.mellm`);
    for (const bytes of [249, 256]) {
      const refused = await call('workspace.create', { path: named(bytes) });
      expect(refused, `${bytes} bytes`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(!refused.ok && refused.error.message).toMatch(/name is too long.*at most 247 bytes/);
      expect(readdirSync(dir)).toEqual([]);
    }
    // An existing file with such a name is refused the same way, untouched.
    const existing = named(249);
    await seedWorkspace(join(dir, 'seed.mellm'));
    writeFileSync(existing, readFileSync(join(dir, 'seed.mellm')));
    const bytes = readFileSync(existing);
    const refused = await call('workspace.open', { path: existing });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(readFileSync(existing).equals(bytes)).toBe(true);
    rmSync(existing);
    rmSync(join(dir, 'seed.mellm'));

    const longest = named(247);
    expect(await call('workspace.create', { path: longest })).toMatchObject({ ok: true });
    await call('workspace.close');
    expect(await call('workspace.open', { path: longest })).toMatchObject({ ok: true });
    await call('workspace.close');
    expect(readdirSync(dir)).toEqual([longest.slice(dir.length + 1)]);
  });
});
