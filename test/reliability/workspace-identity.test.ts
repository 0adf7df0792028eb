import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/main/store';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';
import { buildDriver, runDriver } from './support/driver';

const tempDir = useTempDir('mellm-identity-');

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
