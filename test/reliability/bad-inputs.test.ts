import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ApiError } from '../../src/shared/errors';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { runCli } from '../../src/main/cli/main';
import type { ExportFormat } from '../../src/shared/api/export';
import { exportCorpus } from '../../src/main/corpus/export';
import { MediaLibrary } from '../../src/main/media/library';
import { createServices } from '../../src/main/app/services';
import { fromSystemError } from '../../src/main/util/system-errors';
import { makeBadInputs, SEEDED, type BadCase, type BadEntry } from '../../scripts/make-bad-inputs';
import { fingerprintFile, seedWorkspace } from './support/workspace';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'bad');

let cases: BadCase[] = [];
let workspace = '';
let scratch = '';
let dir = '';
let table: ReturnType<typeof createHandlerTable>;
const library = new MediaLibrary();

beforeAll(async () => {
  cases = await makeBadInputs(FIXTURES);
  dir = mkdtempSync(join(tmpdir(), 'mellm-bad-'));
  workspace = join(dir, 'corpus.mellm');
  scratch = join(dir, 'scratch.mellm');
  await seedWorkspace(workspace);
  await seedWorkspace(scratch);
  table = createHandlerTable(createServices({ userDataDir: join(dir, 'user') }));
  expect((await call('workspace.open', { path: workspace })).ok).toBe(true);
  await call('settings.update', { annotator: SEEDED.annotator });
  const saved = await call('annotations.save', { eventId: SEEDED.eventId, annotator: SEEDED.annotator, aus: 'AU12', description: 'kept' });
  expect(saved).toMatchObject({ ok: true, data: { version: 1 } });
}, 120_000);
afterAll(() => {
  library.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(channel: unknown, payload: unknown) {
  return dispatch(table, channel, payload, { transport: 'direct' });
}

/** Runs one case through its public entry point; the typed error it answered with, or null. */
async function feed(entry: BadEntry): Promise<{ error: ApiError | null; exitCode?: number }> {
  const caught = (error: unknown) => ({ error: AppError.from(fromSystemError(error)).toJSON() });
  switch (entry.kind) {
    case 'api': {
      const result = await call(entry.channel, entry.payload);
      return { error: result.ok ? null : result.error };
    }
    case 'cli': {
      const err: string[] = [];
      const argv = entry.argv.map((a) => (a === '@workspace' ? scratch : a));
      const exitCode = await runCli(argv, { out: () => undefined, err: (t) => err.push(t) });
      return { exitCode, error: exitCode === 0 ? null : { code: 'INTERNAL', message: err.join('\n') } };
    }
    case 'media':
      try {
        const { clipId } = await library.open(entry.path);
        await (await library.reader(clipId)).read(0);
        return { error: null };
      } catch (error) {
        return caught(error);
      }
    case 'export':
      try {
        await exportCorpus({ folder: entry.folder, formats: entry.formats as ExportFormat[], records: [] });
        return { error: null };
      } catch (error) {
        return caught(error);
      }
  }
}

describe('bad-input corpus', () => {
  it('has at least 40 cases across every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set(['media', 'frames', 'sheet', 'facs', 'workspace', 'export', 'ipc']));
  });

  it('answers every case with a typed, readable error and leaves the workspace unchanged', async () => {
    const before = fingerprintFile(workspace);
    const scratchBefore = fingerprintFile(scratch);
    const failures: string[] = [];
    for (const badCase of cases) {
      const { error, exitCode } = await feed(badCase.entry);
      const problems: string[] = [];
      if (!error) problems.push('accepted');
      else {
        if (badCase.entry.kind === 'cli') {
          const wanted = badCase.expect.includes('INVALID_INPUT') ? 2 : 1;
          if (exitCode !== wanted) problems.push(`exit code ${exitCode}, expected ${wanted}`);
          if (!/^mellm \w+: \S/.test(error.message)) problems.push(`unreadable CLI message: ${error.message.slice(0, 200)}`);
        } else if (!badCase.expect.includes(error.code)) {
          problems.push(`${error.code} (${error.message.slice(0, 200)}), expected ${badCase.expect.join('|')}`);
        }
        if (!error.message.trim() || error.message.length > 4000) problems.push(`message length ${error.message.length}`);
        if (/\n\s+at |\[object Object\]|^\w*Error:/.test(error.message)) problems.push(`raw message: ${error.message.slice(0, 200)}`);
      }
      if ((Object.prototype as Record<string, unknown>).polluted !== undefined) problems.push('Object.prototype polluted');
      const now = fingerprintFile(workspace);
      if (now.hash !== before.hash) problems.push(`workspace changed: ${JSON.stringify(now.counts)}`);
      const info = await call('workspace.info', {});
      if (!info.ok || (info.data as { path: string } | null)?.path !== workspace) problems.push('the open workspace changed');
      if (problems.length) failures.push(`${badCase.id}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(fingerprintFile(scratch)).toEqual(scratchBefore);
    // The workspace still works after all that.
    const edit = await call('annotations.save', { eventId: SEEDED.eventId, annotator: SEEDED.annotator, aus: 'AU4', baseVersion: 1 });
    expect(edit).toMatchObject({ ok: true, data: { version: 2, aus: 'AU4' } });
  }, 180_000);
});
