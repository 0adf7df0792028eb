import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { createServices, disposeServices } from '../../src/main/app/services';
import { nativeDialogs } from '../../src/main/transport/ipc';
import { useTempDir } from '../helpers/tmp';

// The recording fake `electron` of the security audit stands in for the real module.
// @ts-expect-error -- a plain .mjs module without type declarations
vi.mock('electron', async () => await import('../reliability/support/fake-electron.mjs'));

interface RecordedDialog {
  type: 'open' | 'save';
  modal: boolean;
  options: { title: string; defaultPath: string; properties: string[]; filters?: { name: string; extensions: string[] }[] };
}
const audit = () => (globalThis as unknown as { __electronAudit: { dialogs: RecordedDialog[]; dialogAnswers: string[] } }).__electronAudit;

const tempDir = useTempDir('mellm-picker-');

async function desktop() {
  const base = realpathSync(tempDir());
  const root = join(base, 'corpora');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'CASME2_RAW', 'sub01', 'EP02_01f'), { recursive: true });
  mkdirSync(outside);
  const services = createServices({ userDataDir: join(base, 'home'), dialogs: nativeDialogs() });
  await services.settings.update({ browseRoots: [root] });
  const table = createHandlerTable(services);
  const pick = (payload: unknown) => dispatch(table, 'files.pick', payload, { transport: 'ipc' });
  audit().dialogs.length = 0;
  audit().dialogAnswers.length = 0;
  return { base, root, outside, services, pick };
}

describe('files.pick in the Electron shell (native dialogs, recording fake electron)', () => {
  it('opens a folder dialog in the first root and returns the chosen frame folder inside it', async () => {
    const { root, services, pick } = await desktop();
    const folder = join(root, 'CASME2_RAW', 'sub01', 'EP02_01f');
    audit().dialogAnswers.push(folder);
    expect(await pick({ purpose: 'frame-folder', kind: 'open-folder' })).toEqual({ ok: true, data: { path: folder } });
    expect(audit().dialogs).toEqual([
      { type: 'open', modal: false, options: { title: 'Frame folder', defaultPath: root, properties: ['openDirectory', 'dontAddToRecent'] } },
    ]);
    await disposeServices(services);
  });

  it('passes file filters to an open-file dialog and a save dialog for a new workspace', async () => {
    const { root, services, pick } = await desktop();
    const filters = [{ name: 'Sheets', extensions: ['xlsx', 'csv'] }];
    audit().dialogAnswers.push(join(root, 'new.mellm'));
    expect(await pick({ purpose: 'workspace', kind: 'save-file', filters: [{ name: 'Workspace', extensions: ['mellm'] }] })).toEqual({ ok: true, data: { path: join(root, 'new.mellm') } });
    expect(await pick({ purpose: 'sheet', kind: 'open-file', filters })).toEqual({ ok: true, data: { path: null } });
    expect(audit().dialogs.map((d) => [d.type, d.options.properties[0], d.options.filters])).toEqual([
      ['save', 'createDirectory', [{ name: 'Workspace', extensions: ['mellm'] }]],
      ['open', 'openFile', filters],
    ]);
    await disposeServices(services);
  });

  it('refuses a chosen path outside the roots, and one reached through a link leading out of them', async () => {
    const { root, outside, services, pick } = await desktop();
    symlinkSync(outside, join(root, 'shortcut'));
    audit().dialogAnswers.push(outside, join(root, 'shortcut'), join(outside, 'new.mellm'));
    expect(await pick({ purpose: 'export-folder', kind: 'open-folder' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await pick({ purpose: 'export-folder', kind: 'open-folder' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining(`resolves to ${outside}`) } });
    expect(await pick({ purpose: 'workspace', kind: 'save-file' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    audit().dialogAnswers.push(join(root, 'CASME2_RAW'));
    expect(await pick({ purpose: 'sheet', kind: 'open-file' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('is a folder') } });
    await disposeServices(services);
  });

  it('over the bridge there is no native dialog: files.pick is refused with a typed error', async () => {
    const base = tempDir();
    const services = createServices({ userDataDir: join(base, 'home') });
    const answer = await dispatch(createHandlerTable(services), 'files.pick', { purpose: 'clip', kind: 'open-file' }, { transport: 'bridge' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('Browse') } });
    await disposeServices(services);
  });
});
