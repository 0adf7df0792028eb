import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import type { ExportOutcome } from '../../src/shared/api/export';
import { openWorkspace } from '../../src/main/store';
import { CASME2_HEADER, writeSequence, writeSheet } from '../helpers/corpus';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-review-cli-');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every event's frames and dataset labels, in a comparable form. */
async function labels(file: string) {
  const ws = await openWorkspace(file);
  try {
    const all = [];
    for (const clip of await ws.clips.list({})) {
      for (const e of await ws.events.listForClip(clip.id)) {
        all.push({ clip: clip.datasetFilename, subject: clip.subject, onset: e.onset, apex: e.apex, offset: e.offset, frames: e.datasetFrames, aus: e.datasetAus, emotion: e.datasetEmotion });
      }
    }
    return all;
  } finally {
    await ws.close();
  }
}

describe('mellm export and agreement', () => {
  it('CASME II export → the real importer reproduces the same labels; agreement as JSON and CSV', async () => {
    const dir = tempDir();
    const root = join(dir, 'CASME2_RAW');
    await writeSequence(root, ['sub01', 'EP02_01f'], 46, 80);
    await writeSequence(root, ['sub02', 'EP09_03'], 1, 60);
    const sheet = await writeSheet(join(dir, 'coding.xlsx'), [
      CASME2_HEADER,
      ['01', 'EP02_01f', 46, 59, 80, '', 'R12+L4B', 'happiness'],
      ['01', 'EP02_01f', 60, 66, 75, '', '1+2', 'surprise'],
      ['02', 'EP09_03', 5, 21, 40, '', 'AU14', 'repression'],
    ]);
    const a = join(dir, 'a.mellm');
    expect((await cli('workspace', 'create', a)).code).toBe(0);
    expect((await cli('import', sheet, '--root', root, '--dataset', 'casme2', '--workspace', a)).code).toBe(0);

    const out = join(dir, 'out');
    const exported = await cli('export', '--workspace', a, '--format', 'casme2-csv,casme2-xlsx', '--format', 'megc', '--out', out, '--json');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.out)).toMatchObject({ records: 3 });
    // Each file is named by the format the user asked for: one vocabulary in and out.
    expect(new Set((JSON.parse(exported.out) as ExportOutcome).files.map((file) => file.format))).toEqual(new Set(['casme2-csv', 'casme2-xlsx', 'megc']));
    expect(readFileSync(join(out, 'megc-spotting.csv'), 'utf8')).toContain('casme2,01,EP02_01f,');
    // No overwrite without --force; unknown formats refused.
    expect(await cli('export', '--workspace', a, '--format', 'casme2-csv', '--out', out)).toMatchObject({ code: 1, err: /already exists/ });
    expect(await cli('export', '--workspace', a, '--format', 'casme3', '--out', out)).toMatchObject({ code: 2, err: /--format must be casme2-csv, .* or report, got "casme3"/ });

    for (const name of ['casme2-sheet.csv', 'casme2-sheet.xlsx']) {
      const b = join(dir, `b-${name}.mellm`);
      await cli('workspace', 'create', b);
      const imported = await cli('import', join(out, name), '--root', root, '--dataset', 'casme2', '--workspace', b, '--json');
      expect(imported.code, imported.out + imported.err).toBe(0);
      expect(await labels(b)).toEqual(await labels(a));
    }

    // Two annotators on the imported events, straight through the store; an event moved
    // after import is numbered by its clip's shift (img46.jpg = frame 0), not by the stale sheet.
    let ws = await openWorkspace(a);
    await ws.events.update({ id: 1, offset: 32 });
    const added = await ws.events.create({ clipId: 1, onset: 2, apex: 3, offset: 4 });
    await ws.annotations.save({ eventId: added.id, annotator: 'ana', aus: '17' });
    await ws.close();
    expect((await cli('export', '--workspace', a, '--format', 'megc', '--out', out, '--force')).code).toBe(0);
    const spotting = readFileSync(join(out, 'megc-spotting.csv'), 'utf8');
    expect(spotting).toContain('casme2,01,EP02_01f,1,46,59,78,200');
    expect(spotting).toContain('casme2,01,EP02_01f,4,48,49,50,200');
    expect(spotting).toContain('casme2,01,EP02_01f,2,60,66,75,200');
    ws = await openWorkspace(a);
    for (const [annotator, aus] of [['ana', 'R12'], ['bob', 'L12+ref(6)']] as const) await ws.annotations.save({ eventId: 1, annotator, aus, emotion: 'happiness', label3: 'positive' });
    await ws.close();
    const json = await cli('agreement', '--workspace', a, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ coders: ['ana', 'bob'], facsRatio: 0, auEvents: 1, pairs: [{ coderA: 'ana', coderB: 'bob', sharedEvents: 1, auEvents: 1 }] });
    const text = (await cli('agreement', '--workspace', a, '--ignore-side')).out;
    expect(text).toMatch(/FACS agreement ratio 1\.000/);
    // The reader is told how the codes were compared.
    expect(text).toContain('AUs compared: AUs are compared by number (sides ignored).');
    expect(text).toMatch(/references \(`ref\(7B\)`\), AD codes \(`AD38`\) and notes are not scored/);
    const csv = join(dir, 'agreement.csv');
    expect((await cli('agreement', '--workspace', a, '--csv', csv)).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^scope,coder_a,coder_b,metric,value,n\r\n/);
    expect(await cli('agreement', '--workspace', a, '--csv', csv)).toMatchObject({ code: 1, err: /--force/ });
  });
});
