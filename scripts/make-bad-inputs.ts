/**
 * The bad-input corpus: hostile or broken media, frame folders, dataset sheets, FACS
 * strings, workspace files, export targets and IPC payloads, generated (never committed)
 * into a folder, each with the public entry point it goes through and the typed errors
 * that are acceptable answers. `test/reliability/bad-inputs.test.ts` feeds every case.
 *
 *   node --import tsx scripts/make-bad-inputs.ts [folder]   (default test/fixtures/bad)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import type { ErrorCode } from '../src/shared/errors';
import { locateFfmpeg } from '../src/main/media/ffmpeg';
import { forgeWorkbook, rowXml, worksheetXml } from '../test/reliability/support/xlsx-forge';

export type BadEntry =
  | { readonly kind: 'api'; readonly channel: unknown; readonly payload: unknown }
  | { readonly kind: 'cli'; readonly argv: readonly string[] }
  | { readonly kind: 'media'; readonly path: string }
  | { readonly kind: 'export'; readonly folder: string; readonly formats: readonly string[] };

export type BadCategory = 'media' | 'frames' | 'sheet' | 'facs' | 'workspace' | 'export' | 'ipc';

export interface BadCase {
  readonly id: string;
  readonly category: BadCategory;
  readonly entry: BadEntry;
  /** Acceptable error codes (one typed refusal is the point, not which of two close ones). */
  readonly expect: readonly ErrorCode[];
}

/** What the cases refer to in the workspace the test seeds: clip 1, events 1-4, ana's annotation of event 1. */
export const SEEDED = { clipId: 1, eventId: 1, annotator: 'ana' } as const;

const CASME2_HEADER = 'Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,,Action Units,Estimated Emotion';
const RANDOM = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24));

export async function makeBadInputs(folder: string): Promise<BadCase[]> {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const at = (...parts: string[]) => join(folder, ...parts);
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(at(name), data), at(name));
  const dir = (name: string) => (mkdirSync(at(name), { recursive: true }), at(name));
  const cases: BadCase[] = [];
  const add = (category: BadCategory, id: string, entry: BadEntry, ...expect: ErrorCode[]) => cases.push({ id: `${category}/${id}`, category, entry, expect });
  const api = (channel: unknown, payload: unknown): BadEntry => ({ kind: 'api', channel, payload });
  const media = (path: string): BadEntry => ({ kind: 'media', path });

  // A real, valid clip to cut broken ones from.
  const ffmpeg = locateFfmpeg().path;
  const run = (...args: string[]) => execFileSync(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { stdio: 'ignore' });
  const good = at('good.mp4');
  run('-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', good);
  const goodBytes = (await import('node:fs')).readFileSync(good);
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#806050' } }).jpeg().toBuffer();

  // --- media files (MediaLibrary.open + first frame: what the frame route and analysis use)
  add('media', 'empty-mp4', media(file('empty.mp4', '')), 'MEDIA_UNREADABLE');
  add('media', 'random-bytes-mp4', media(file('random.mp4', RANDOM)), 'MEDIA_UNREADABLE');
  add('media', 'truncated-mp4', media(file('truncated.mp4', goodBytes.subarray(0, 600))), 'MEDIA_UNREADABLE');
  add('media', 'text-as-avi', media(file('notes.avi', 'just some notes\n'.repeat(50))), 'MEDIA_UNREADABLE');
  run('-f', 'lavfi', '-i', 'sine=d=0.5', '-c:a', 'aac', at('audio-only.mp4'));
  add('media', 'audio-only-mp4', media(at('audio-only.mp4')), 'MEDIA_UNREADABLE');
  add('media', 'missing-file', media(at('does-not-exist.mp4')), 'NOT_FOUND', 'MEDIA_UNREADABLE');
  add('media', 'nul-in-path', media(`${at('good.mp4')}\0.txt`), 'INVALID_INPUT', 'NOT_FOUND', 'MEDIA_UNREADABLE');
  symlinkSync(at('loop-b.mp4'), at('loop-a.mp4'));
  symlinkSync(at('loop-a.mp4'), at('loop-b.mp4'));
  add('media', 'symlink-loop', media(at('loop-a.mp4')), 'NOT_FOUND', 'MEDIA_UNREADABLE');
  add('media', 'device-file', media('/dev/zero'), 'NOT_FOUND', 'MEDIA_UNREADABLE', 'INVALID_INPUT');

  // The same files through the media channels the renderer calls.
  add('media', 'api-probe-relative-path', api('media.probe', { path: '../../etc/passwd' }), 'INVALID_INPUT', 'NOT_FOUND');
  add('media', 'api-open-random-bytes', api('media.open', { path: at('random.mp4') }), 'MEDIA_UNREADABLE');
  add('media', 'api-open-negative-fps', api('media.open', { path: at('good.mp4'), fps: -25 }), 'INVALID_INPUT');
  add('media', 'api-open-audio-only', api('media.open', { path: at('audio-only.mp4') }), 'MEDIA_UNREADABLE');
  add('media', 'api-face-negative-frame', api('face.detect', { path: at('good.mp4'), frame: -1 }), 'INVALID_INPUT');

  // --- frame folders
  add('frames', 'empty-folder', media(dir('frames-empty')), 'MEDIA_UNREADABLE');
  dir('frames-text');
  file('frames-text/readme.txt', 'no frames here');
  add('frames', 'only-text-files', media(at('frames-text')), 'MEDIA_UNREADABLE');
  dir('frames-zero');
  file('frames-zero/img001.jpg', '');
  add('frames', 'zero-byte-jpg', media(at('frames-zero')), 'MEDIA_UNREADABLE');
  dir('frames-truncated');
  file('frames-truncated/img001.jpg', jpeg.subarray(0, 40));
  add('frames', 'truncated-jpg', media(at('frames-truncated')), 'MEDIA_UNREADABLE');
  dir('frames-disguised');
  file('frames-disguised/img001.png', RANDOM);
  add('frames', 'random-bytes-png', media(at('frames-disguised')), 'MEDIA_UNREADABLE');

  // --- dataset sheets (import.commit: a sheet with any bad row must change nothing)
  const root = dir('CASME2_RAW');
  mkdirSync(join(root, 'sub01', 'EP01'), { recursive: true });
  for (let n = 1; n <= 20; n++) writeFileSync(join(root, 'sub01', 'EP01', `img${n}.jpg`), jpeg);
  const sheet = (id: string, name: string, content: string | Uint8Array, ...expect: ErrorCode[]) =>
    add('sheet', id, api('import.commit', { sheet: file(name, content), root, dataset: 'casme2' }), ...(expect.length ? expect : (['INVALID_INPUT'] as ErrorCode[])));
  const row = (cells: string) => `${CASME2_HEADER}\n${cells}\n`;
  sheet('empty-xlsx', 'empty.xlsx', '');
  sheet('random-bytes-xlsx', 'random.xlsx', RANDOM);
  sheet('zip-not-xlsx', 'zip.xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), RANDOM]));
  sheet('bom-only-csv', 'bom.csv', '\uFEFF');
  sheet('no-header-csv', 'noheader.csv', '01,EP01,1,5,9,,AU12,happiness\n');
  sheet('onset-after-offset', 'order.csv', row('01,EP01,9,5,1,,AU12,happiness'));
  sheet('apex-outside-clip', 'outside.csv', row('01,EP01,1,50,90,,AU12,happiness'));
  sheet('frame-not-a-number', 'nan.csv', row('01,EP01,one,5,9,,AU12,happiness'));
  sheet('negative-frame', 'negative.csv', row('01,EP01,-4,5,9,,AU12,happiness'));
  sheet('clip-folder-missing', 'missing.csv', row('01,EP99,1,5,9,,AU12,happiness'));
  sheet('path-traversal-filename', 'traversal.csv', row('01,../../../../etc,1,5,9,,AU12,happiness'));
  sheet('nul-in-cell', 'nul.csv', row('01,EP01\u0000,1,5,9,,AU12,happiness'));
  sheet('invalid-facs-cell', 'facs.csv', row('01,EP01,1,5,9,,AU12+AU999x,happiness'));
  sheet('huge-cell', 'huge.csv', row(`01,EP01,1,5,9,,AU12,${'x'.repeat(2_000_000)}`));
  // Workbooks no spreadsheet program writes, each refused naming what is wrong.
  const HEADER_CELLS = CASME2_HEADER.split(',');
  const workbook = async (id: string, name: string, rows: string, options: { sharedStrings?: string[]; declaredSize?: number } = {}) => {
    await forgeWorkbook(at(name), {
      sheets: [{ name: 'Sheet1', xml: worksheetXml(`${rowXml(1, HEADER_CELLS)}${rows}`), ...(options.declaredSize ? { declaredSize: options.declaredSize } : {}) }],
      ...(options.sharedStrings ? { sharedStrings: options.sharedStrings } : {}),
    });
    add('sheet', id, api('import.commit', { sheet: at(name), root, dataset: 'casme2' }), 'INVALID_INPUT');
  };
  const cells = (apex: string) => `<row r="2"><c r="A2" t="inlineStr"><is><t>01</t></is></c><c r="B2" t="inlineStr"><is><t>EP01</t></is></c><c r="C2"><v>1</v></c>${apex}<c r="E2"><v>9</v></c></row>`;
  await workbook('xlsx-formula-without-value', 'formula.xlsx', cells('<c r="D2"><f>C2+4</f><v></v></c>'));
  await workbook('xlsx-shared-string-past-table', 'sst.xlsx', cells('<c r="D2" t="s"><v>999</v></c>'), { sharedStrings: ['5'] });
  await workbook('xlsx-understated-size', 'understated.xlsx', rowXml(2, ['01', 'EP01', 1, 5, 9, null, 'AU12', 'x'.repeat(20_000)]), { declaredSize: 600 });
  await workbook('xlsx-doctype-entities', 'doctype.xlsx', '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>');
  await workbook('xlsx-cell-past-xfd', 'xfd.xlsx', cells('<c r="XFE2"><v>5</v></c>'));
  add('sheet', 'sheet-missing', api('import.commit', { sheet: at('nope.xlsx'), root, dataset: 'casme2' }), 'NOT_FOUND', 'INVALID_INPUT');
  add('sheet', 'sheet-is-folder', api('import.commit', { sheet: root, root, dataset: 'casme2' }), 'NOT_FOUND', 'INVALID_INPUT');
  add('sheet', 'unknown-dataset', api('import.commit', { sheet: at('order.csv'), root, dataset: 'casme9' }), 'INVALID_INPUT');
  add('sheet', 'cli-import-garbage', { kind: 'cli', argv: ['import', at('random.xlsx'), '--root', root, '--dataset', 'casme2', '--workspace', '@workspace'] }, 'INVALID_INPUT');

  // --- FACS strings (annotations.save)
  const facs = (id: string, aus: string) =>
    add('facs', id, api('annotations.save', { eventId: SEEDED.eventId, annotator: SEEDED.annotator, aus, baseVersion: 1 }), 'INVALID_INPUT');
  facs('bare-prefix', 'AU');
  facs('unknown-au', 'AU999');
  facs('dangling-plus', 'AU12+');
  facs('double-plus', 'AU12++AU4');
  facs('nul-byte', 'AU1\u0000');
  facs('sql-injection', "AU12'; DROP TABLE annotations; --");
  facs('bidi-override', '\u202EAU12');
  facs('lone-surrogate', 'AU12\uD800');
  facs('over-500-chars', Array.from({ length: 120 }, (_, i) => `AU${(i % 20) + 1}`).join('+'));
  facs('au-coded-twice', 'AU12+AU12');
  facs('two-intensities', '12E+12A');
  facs('both-sides-and-left', '12+L12');

  // --- workspace files (workspace.open / workspace.create)
  const open = (id: string, path: string, ...expect: ErrorCode[]) => add('workspace', id, api('workspace.open', { path }), ...expect);
  open('missing', at('missing.mellm'), 'NOT_FOUND');
  open('folder', dir('folder.mellm'), 'NOT_FOUND');
  open('text-file', file('text.mellm', 'not a database'), 'WORKSPACE_INVALID');
  open('random-bytes', file('random.mellm', RANDOM), 'WORKSPACE_INVALID');
  open('header-then-garbage', file('header.mellm', Buffer.concat([Buffer.from('SQLite format 3\0'), RANDOM])), 'WORKSPACE_INVALID');
  open('device', '/dev/zero', 'NOT_FOUND');
  open('nul-in-path', `${at('text.mellm')}\0`, 'NOT_FOUND', 'INVALID_INPUT');
  const foreign = new Database(at('foreign.mellm'));
  foreign.exec('CREATE TABLE passwords (site TEXT, secret TEXT)');
  foreign.close();
  open('foreign-sqlite', at('foreign.mellm'), 'WORKSPACE_INVALID');
  const newer = new Database(at('newer.mellm'));
  newer.pragma('application_id = 1296387148'); // not ours either way: refused before any write
  newer.pragma('user_version = 99');
  newer.close();
  open('newer-schema', at('newer.mellm'), 'WORKSPACE_INVALID');
  add('workspace', 'create-over-existing', api('workspace.create', { path: at('text.mellm') }), 'WORKSPACE_INVALID');
  add('workspace', 'create-in-missing-folder', api('workspace.create', { path: at('no', 'such', 'dir', 'x.mellm') }), 'INVALID_INPUT');
  add('workspace', 'cli-info-garbage', { kind: 'cli', argv: ['workspace', 'info', at('random.mellm')] }, 'WORKSPACE_INVALID');

  // --- export targets (exportCorpus: the export job's entry point)
  const target = dir('export-exists');
  file('export-exists/casme2-sheet.csv', 'keep me');
  add('export', 'target-exists', { kind: 'export', folder: target, formats: ['casme2-csv'] }, 'EXPORT_TARGET_EXISTS');
  const linked = dir('export-symlink');
  file('outside-secret.txt', 'outside');
  symlinkSync(at('outside-secret.txt'), join(linked, 'casme2-sheet.csv'));
  add('export', 'target-is-symlink', { kind: 'export', folder: linked, formats: ['casme2-csv'] }, 'EXPORT_PATH_UNSAFE');
  add('export', 'folder-is-a-file', { kind: 'export', folder: file('export-file', 'x'), formats: ['casme2-csv'] }, 'EXPORT_PATH_UNSAFE', 'INVALID_INPUT');
  add('export', 'folder-nul', { kind: 'export', folder: `${at('export-nul')}\0x`, formats: ['casme2-csv'] }, 'EXPORT_PATH_UNSAFE', 'INVALID_INPUT');
  add('export', 'unknown-format', { kind: 'export', folder: at('export-fmt'), formats: ['exe'] }, 'INVALID_INPUT');

  // --- IPC payloads (dispatch, exactly as IPC and the bridge deliver them)
  const save = { eventId: SEEDED.eventId, annotator: SEEDED.annotator, aus: 'AU12', baseVersion: 1 };
  const ipc = (id: string, channel: unknown, payload: unknown, ...expect: ErrorCode[]) =>
    add('ipc', id, api(channel, payload), ...(expect.length ? expect : (['INVALID_INPUT'] as ErrorCode[])));
  ipc('event-id-string', 'annotations.save', { ...save, eventId: '1' });
  ipc('event-id-negative', 'annotations.save', { ...save, eventId: -1 });
  ipc('event-id-fraction', 'annotations.save', { ...save, eventId: 1.5 });
  ipc('event-id-unsafe-int', 'annotations.save', { ...save, eventId: 2 ** 60 });
  ipc('event-id-nan', 'annotations.save', { ...save, eventId: Number.NaN });
  ipc('annotator-empty', 'annotations.save', { ...save, annotator: '   ' });
  ipc('annotator-huge', 'annotations.save', { ...save, annotator: 'a'.repeat(100_000) });
  ipc('description-10mb', 'annotations.save', { ...save, description: 'd'.repeat(10_000_000) });
  ipc('payload-null-fields', 'annotations.save', null);
  ipc('payload-array', 'annotations.save', [save]);
  ipc('payload-string', 'annotations.save', JSON.stringify(save));
  ipc('extra-key', 'annotations.save', { ...save, locked: false });
  ipc('proto-key', 'annotations.save', JSON.parse(`{"__proto__": {"polluted": "yes"}, "eventId": 1, "annotator": "ana", "baseVersion": 1}`));
  ipc('constructor-key', 'annotations.save', { ...save, constructor: { prototype: { polluted: 'yes' } } });
  ipc('proto-in-record', 'events.create', JSON.parse(`{"clipId": 1, "onset": 1, "offset": 2, "datasetExtra": {"__proto__": {"polluted": "yes"}}, "source": "nope"}`));
  ipc('channel-proto', '__proto__', {}, 'UNKNOWN_CHANNEL');
  ipc('channel-constructor', 'constructor', {}, 'UNKNOWN_CHANNEL');
  ipc('channel-tostring', 'toString', {}, 'UNKNOWN_CHANNEL');
  ipc('channel-not-string', { toString: 'x' }, {}, 'UNKNOWN_CHANNEL');
  ipc('channel-nul', 'workspace.info\0', {}, 'UNKNOWN_CHANNEL');
  ipc('channel-huge', 'x'.repeat(1_000_000), {}, 'UNKNOWN_CHANNEL');
  ipc('onset-after-offset', 'events.create', { clipId: SEEDED.clipId, onset: 9, apex: 5, offset: 1 });
  ipc('event-of-missing-clip', 'events.create', { clipId: 9999, onset: 1, offset: 2 }, 'NOT_FOUND', 'INVALID_INPUT');
  ipc('update-missing-event', 'events.update', { id: 9999, onset: 1 }, 'NOT_FOUND');
  ipc('stale-base-version', 'annotations.save', { ...save, baseVersion: 7 });
  ipc('clip-fps-infinite', 'clips.add', { path: at('x.mp4'), kind: 'video', fps: Number.POSITIVE_INFINITY, frames: 10, width: 8, height: 8 });
  ipc('clip-path-nul', 'clips.add', { path: `${at('x.mp4')}\0`, kind: 'video', fps: 25, frames: 10, width: 8, height: 8 });
  ipc('clip-path-empty', 'clips.add', { path: '', kind: 'video', fps: 25, frames: 10, width: 8, height: 8 });
  ipc('relink-traversal', 'clips.relink', { sha256: 'a'.repeat(64), path: '../../../../etc/passwd' }, 'NOT_FOUND');
  ipc('settings-cache-string', 'settings.update', { frameCacheMB: '1e9' });
  ipc('settings-language-traversal', 'settings.update', { language: '../../etc/passwd' });
  ipc('list-limit-huge', 'clips.list', { limit: 1e12 });
  ipc('llm-download-file-url', 'llm.download', { url: 'file:///etc/passwd', folder: at('llm-dl') });
  return cases;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folder = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'bad'));
  const cases = await makeBadInputs(folder);
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.category, (counts.get(c.category) ?? 0) + 1);
  console.log(`${cases.length} bad-input cases in ${folder}: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
