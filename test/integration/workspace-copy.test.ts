import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/main/store';
import { copyWorkspace, hashWorkspace } from '../../src/main/store/copy';
import { WORKSPACE_TABLES } from '../../src/main/store/tables';
import { makeWorkedWorkspace } from '../helpers/team-workspace';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-copy-');
let source: string;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mellm-copy-source-'));
  source = await makeWorkedWorkspace(home);
}, 240_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('workspace copy (SQLite → SQLite)', () => {
  it('copies every table row for row (ids, timestamps, trails): each table’s canonical hash is equal, and the copy opens and works', async () => {
    const before = await hashWorkspace(source);
    for (const table of WORKSPACE_TABLES) expect(before[table.name]?.rows, `${table.name} has rows to copy`).toBeGreaterThan(0);
    const target = join(tempDir(), 'copy.mellm');
    const progress: string[] = [];
    const report = await copyWorkspace(source, target, (p) => progress.push(`${p.table} ${p.copied}/${p.total}`));
    expect(report.tables.map((t) => t.table)).toEqual(WORKSPACE_TABLES.map((t) => t.name));
    expect(await hashWorkspace(target)).toEqual(before);
    expect(progress).toContain(`annotation_events ${before.annotation_events?.rows}/${before.annotation_events?.rows}`);
    // The source is untouched and the copy is a working workspace: new rows get fresh ids.
    expect(await hashWorkspace(source)).toEqual(before);
    const copy = await openWorkspace(target);
    try {
      const [event] = (await copy.corpus.snapshot()).rows;
      const saved = await copy.annotations.save({ eventId: event?.[0] as number, annotator: 'cy', aus: 'AU12' });
      expect(saved.id).toBeGreaterThan(before.annotations?.rows as number);
      expect((await copy.annotations.history(saved.id))[0]?.id).toBeGreaterThan(before.annotation_events?.rows as number);
    } finally {
      await copy.close();
    }
  });

  it('refuses a target that holds anything, and leaves it as it was', async () => {
    const target = join(tempDir(), 'busy.mellm');
    await copyWorkspace(source, target);
    const held = await hashWorkspace(target);
    await expect(copyWorkspace(source, target)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not empty') });
    expect(await hashWorkspace(target)).toEqual(held);
    const foreign = join(tempDir(), 'notes.txt');
    writeFileSync(foreign, 'my notes');
    await expect(copyWorkspace(source, foreign)).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    await expect(copyWorkspace(source, source)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(existsSync(join(tempDir(), 'never.mellm'))).toBe(false);
  });
});
