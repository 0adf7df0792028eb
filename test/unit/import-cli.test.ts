import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli/main';
import { writeSequence, writeSheet } from '../helpers/corpus';
import { writeLayoutFixture } from '../helpers/dataset-fixtures';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir('mellm-import-cli-');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function workspace(dir: string): Promise<string> {
  const file = join(dir, 'ws.mellm');
  expect((await cli('workspace', 'create', file)).code).toBe(0);
  return file;
}

describe('mellm import', () => {
  it('--dataset auto says which layout it chose and why; a second import skips what is already there', async () => {
    const dir = tempDir();
    const ws = await workspace(dir);
    const { sheet, root } = await writeLayoutFixture(dir, 'megc');
    const dry = await cli('import', sheet, '--root', root, '--dataset', 'auto', '--workspace', ws, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^layout: MEGC composite \(--dataset auto chose megc: header row 1 \(data, subject, clip, label, onset_frame, .*\) is the MEGC composite layout\)$/m);
    expect(dry.out).toMatch(/^4 rows importable$/m);
    expect((await cli('import', sheet, '--root', root, '--dataset', 'auto', '--workspace', ws)).out).toMatch(/^added 4 clips and 4 events$/m);
    const again = await cli('import', sheet, '--root', root, '--dataset', 'auto', '--workspace', ws);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^added 0 clips and 0 events; 4 rows already present, skipped$/m);
    expect(again.out).toMatch(/^ {2}4 rows: already in the workspace \(skipped\) \[warning\] \(first at row 2, \(row\): this event is already in the workspace/m);
  });

  it('groups the problems of a preview by kind with counts and the first of each', async () => {
    const dir = tempDir();
    const ws = await workspace(dir);
    const { sheet, root } = await writeLayoutFixture(dir, 'samm', { broken: true });
    const dry = await cli('import', sheet, '--root', root, '--dataset', 'samm', '--workspace', ws, '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.out).toContain('problems by kind:');
    expect(dry.out).toMatch(/^ {2}1 row: clip folder not found \(first at row 17, Filename: clip not found under the media root/m);
    expect(dry.out).toMatch(/^ {2}1 row: AU text not FACS \(first at row 18, Action Units: action units '12\+XY': .*at character 4, found 'X'\)$/m);
    const refused = await cli('import', sheet, '--root', root, '--dataset', 'samm', '--workspace', ws);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/Nothing imported from SAMM_Micro_FACS_Codes_v2\.xlsx: 2 problems; /);
    expect(refused.err).toMatch(/\n1 row: clip folder not found \(first at row 17/);
  });

  it('refuses a header two layouts fit equally, naming both; a generic sheet whose standard names clash needs --columns', async () => {
    const dir = tempDir();
    const ws = await workspace(dir);
    const root = join(dir, 'media');
    await writeSequence(root, ['P1', 'take'], 1, 20);
    const both = await writeSheet(join(dir, 'both.csv'), [['Subject', 'Filename', 'OnsetFrame', 'ApexFrame', 'OffsetFrame', 'Action Units', 'AU', 'Estimated Emotion'], ['P1', 'take', 2, 3, 4, '12', '12', 'happiness']]);
    const ambiguous = await cli('import', both, '--root', root, '--dataset', 'auto', '--workspace', ws, '--dry-run');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/fits casme2 \(CASME II\) and mmew \(MMEW\) equally well\. Pass --dataset casme2 or --dataset mmew/);

    const clash = await writeSheet(join(dir, 'clash.csv'), [['Subject', 'Filename', 'Onset', 'OnsetFrame', 'Offset'], ['P1', 'take', 2, 3, 9]]);
    const generic = await cli('import', clash, '--root', root, '--dataset', 'generic', '--workspace', ws, '--dry-run');
    expect(generic.code).toBe(2);
    expect(generic.err).toMatch(/onset could be 'Onset' or 'OnsetFrame' \(name it with --columns onset=<header>\)/);
    const named = await cli('import', clash, '--root', root, '--dataset', 'generic', '--columns', 'onset=OnsetFrame', '--workspace', ws, '--json');
    expect(named.code).toBe(0);
    expect(JSON.parse(named.out)).toMatchObject({ dataset: 'generic', detected: null, eventsAdded: 1, rows: [{ onset: 2, offset: 8 }] });
  });
});
