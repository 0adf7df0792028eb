import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/main/store';
import { copyWorkspace, hashWorkspace } from '../../src/main/store/copy';
import { WORKSPACE_TABLES } from '../../src/main/store/tables';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { makeWorkedWorkspace } from '../helpers/team-workspace';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-copy-');
let source: string;
let home: string;
let server: TestPostgres;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mellm-copy-source-'));
  [source, server] = await Promise.all([makeWorkedWorkspace(home), startTestPostgres()]);
}, 240_000);
afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

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

describe('workspace copy between SQLite and PostgreSQL', () => {
  it('SQLite → PostgreSQL → SQLite loses nothing: every table’s canonical hash is equal at each step, and the server copy works as a workspace', async () => {
    const before = await hashWorkspace(source);
    const { url } = await server.createDatabase('mellm_copy');
    const there = await copyWorkspace(source, url);
    expect(there.to).not.toContain(server.tcp?.password ?? 'no password');
    expect(await hashWorkspace(url)).toEqual(before);
    const back = join(tempDir(), 'back.mellm');
    await copyWorkspace(url, back);
    expect(await hashWorkspace(back)).toEqual(before);

    // The server copy is a live workspace: the corpus reads the same, and new rows get fresh ids.
    const [file, db] = [await openWorkspace(source), await openWorkspace(url)];
    try {
      const [a, b] = [await file.corpus.snapshot(), await db.corpus.snapshot()];
      expect(b.rows).toEqual(a.rows);
      expect(await db.info()).toMatchObject({ counts: (await file.info()).counts });
      const saved = await db.annotations.save({ eventId: b.rows[0]?.[0] as number, annotator: 'cy', aus: 'AU12' });
      expect(saved.id).toBeGreaterThan(before.annotations?.rows as number);
    } finally {
      await Promise.all([file.close(), db.close()]);
    }
    // A database holding a workspace with rows is refused, unchanged.
    const held = await hashWorkspace(url);
    await expect(copyWorkspace(back, url)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not empty') });
    expect(await hashWorkspace(url)).toEqual(held);
  });
});
