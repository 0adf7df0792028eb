import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FolderListing } from '../../src/shared/api';
import { MAX_LISTED_ENTRIES } from '../../src/main/app/file-browser';
import type { Services } from '../../src/main/api/context';
import type { Bridge } from '../../src/main/transport/bridge';
import { startTestBridge } from '../helpers/bridge';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-browse-');
let bridge: Bridge | undefined;
let services: Services | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

/** A CASME II style corpus under the allowed root, and a folder beside the root. */
async function corpus(roots?: (root: string) => string[]) {
  const base = realpathSync(tempDir());
  const root = join(base, 'data');
  const outside = join(base, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'private.txt'), 'not for the page');
  const frames = await writeSequence(join(root, 'CASME2_RAW'), ['sub01', 'EP02_01f'], 46, 104);
  await writeSheet(join(root, 'CASME2-coding-20190701.xlsx'), [CASME2_HEADER, ['01', 'EP02_01f', 46, 59, 104, '', '1+2', 'surprise']]);
  ({ bridge, services } = await startTestBridge({ userDataDir: join(base, 'home'), rendererDir: tempDir() }));
  if (roots) await services.settings.update({ browseRoots: roots(root) });
  return { base, root, outside, frames };
}

async function list(body: unknown, token = bridge!.token) {
  const response = await fetch(`${bridge!.origin}/api/files.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { ok: boolean; data?: FolderListing; error?: { code: string; message: string } } };
}

describe('files.list over the bridge (the browser file picker)', () => {
  it('defaults to the home folder as the only root', async () => {
    await corpus();
    const answer = await list({});
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ path: null, parent: null, roots: [realpathSync(homedir())] });
  });

  it('lists the configured roots, then a frame folder: folders first, frames in natural order, hidden entries left out', async () => {
    const { root, frames } = await corpus((r) => [r]);
    writeFileSync(join(root, '.hidden'), '');
    expect((await list({ path: null })).json.data).toMatchObject({ path: null, entries: [{ name: root, path: root, kind: 'folder' }] });
    const top = (await list({ path: root })).json.data!;
    expect(top).toMatchObject({ path: root, parent: null, truncated: false, separator: '/' });
    expect(top.entries.map((e) => [e.name, e.kind])).toEqual([
      ['CASME2_RAW', 'folder'],
      ['CASME2-coding-20190701.xlsx', 'file'],
    ]);
    const folder = (await list({ path: frames })).json.data!;
    expect(folder.parent).toBe(join(root, 'CASME2_RAW', 'sub01'));
    expect(folder.entries.length).toBe(104 - 46 + 1);
    expect(folder.entries.slice(52).map((e) => e.name)).toEqual(['img98.jpg', 'img99.jpg', 'img100.jpg', 'img101.jpg', 'img102.jpg', 'img103.jpg', 'img104.jpg']);
    expect(folder.entries[0]).toEqual({ name: 'img46.jpg', path: join(frames, 'img46.jpg'), kind: 'file' });
  });

  it('keeps only files matching the filters (folders always show)', async () => {
    const { root } = await corpus((r) => [r]);
    const sheets = (await list({ path: root, filters: [{ name: 'Sheets', extensions: ['XLSX', 'csv'] }] })).json.data!;
    expect(sheets.entries.map((e) => e.name)).toEqual(['CASME2_RAW', 'CASME2-coding-20190701.xlsx']);
    const videos = (await list({ path: root, filters: [{ name: 'Videos', extensions: ['mp4'] }] })).json.data!;
    expect(videos.entries.map((e) => e.name)).toEqual(['CASME2_RAW']);
  });

  it('refuses “../” out of a root, a symlink pointing outside, a path outside the roots and a file as 403/404/400', async () => {
    const { root, outside } = await corpus((r) => [r]);
    symlinkSync(outside, join(root, 'CASME2_RAW', 'escape'));
    const up = await list({ path: `${root}/../outside` });
    expect(up).toMatchObject({ status: 403, json: { ok: false, error: { code: 'FORBIDDEN' } } });
    const link = await list({ path: join(root, 'CASME2_RAW', 'escape') });
    expect(link).toMatchObject({ status: 403, json: { ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining(`resolves to ${outside}`) } } });
    expect(JSON.stringify(link.json)).not.toContain('private.txt');
    expect(await list({ path: outside })).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
    expect(await list({ path: '/etc' })).toMatchObject({ status: 403 });
    expect(await list({ path: join(root, 'missing') })).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    expect(await list({ path: join(root, 'CASME2-coding-20190701.xlsx') })).toMatchObject({ status: 400, json: { error: { code: 'INVALID_INPUT' } } });
    expect(await list({ path: 'relative/path' })).toMatchObject({ status: 400 });
  });

  it('files.resolve checks what the page picked like a native dialog’s answer: real path, roots, and file vs folder', async () => {
    const { root, outside, frames } = await corpus((r) => [r]);
    symlinkSync(join(root, 'CASME2_RAW'), join(root, 'raw-link'));
    symlinkSync(outside, join(root, 'escape'));
    const resolve = async (path: string, kind: string) => {
      const response = await fetch(`${bridge!.origin}/api/files.resolve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bridge!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ path, kind }),
      });
      return { status: response.status, json: (await response.json()) as { ok: boolean; data?: { path: string }; error?: { code: string } } };
    };
    expect(await resolve(join(root, 'raw-link', 'sub01', 'EP02_01f'), 'open-folder')).toMatchObject({ status: 200, json: { data: { path: frames } } });
    expect(await resolve(join(root, 'escape'), 'open-folder')).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
    expect(await resolve(join(frames, 'img46.jpg'), 'open-folder')).toMatchObject({ status: 400 });
    expect(await resolve(frames, 'open-file')).toMatchObject({ status: 400 });
    expect(await resolve(join(root, 'new.mellm'), 'save-file')).toMatchObject({ status: 200, json: { data: { path: join(root, 'new.mellm') } } });
    expect(await resolve(join(root, 'escape', 'new.mellm'), 'save-file')).toMatchObject({ status: 403 });
  });

  it('a listing of a huge folder is cut at the cap and says so', async () => {
    const { root } = await corpus((r) => [r]);
    const big = join(root, 'big');
    mkdirSync(big);
    for (let i = 0; i < MAX_LISTED_ENTRIES + 500; i++) writeFileSync(join(big, `f${i}.jpg`), '');
    const started = performance.now();
    const answer = (await list({ path: big })).json.data!;
    expect(answer.truncated).toBe(true);
    expect(answer.entries.length).toBe(MAX_LISTED_ENTRIES);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('needs the bridge token like every channel', async () => {
    const { root } = await corpus((r) => [r]);
    expect(await list({ path: root }, 'wrong')).toMatchObject({ status: 401 });
  });
});
