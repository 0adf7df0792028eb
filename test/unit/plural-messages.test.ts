import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/shared/corpus-import';
import { counted } from '../../src/shared/count';
import { summary } from '../../src/main/cli/import';

const report = (over: Partial<ImportReport>): ImportReport => ({
  dataset: 'casme2',
  detected: null,
  sheet: 'CASME2-coding.xlsx',
  worksheet: 'Sheet1',
  headerRow: 1,
  totalRows: 1,
  rows: [],
  problems: [],
  groups: [],
  committed: true,
  clipsAdded: 1,
  eventsAdded: 1,
  alreadyPresent: 0,
  skippedRows: [],
  ...over,
});

/** Messages a person reads say their counts with real plurals, never "clip(s)". */
describe('counts in messages', () => {
  it('takes the noun in the number it needs', () => {
    expect(counted(1, 'clip')).toBe('1 clip');
    expect(counted(0, 'clip')).toBe('0 clips');
    expect(counted(2, 'face')).toBe('2 faces');
    expect(counted(3, 'analysis', 'analyses')).toBe('3 analyses');
  });

  it("the CLI's import summary: one row, one clip, one event; then several", () => {
    const one = summary(report({ alreadyPresent: 1 }));
    expect(one).toContain('imported 1 row of CASME2-coding.xlsx');
    expect(one).toContain('added 1 clip and 1 event; 1 row already present, skipped');
    const many = summary(report({ totalRows: 12, clipsAdded: 3, eventsAdded: 11, alreadyPresent: 2 }));
    expect(many).toContain('imported 12 rows of');
    expect(many).toContain('added 3 clips and 11 events; 2 rows already present, skipped');
    const checked = summary(report({ committed: false, totalRows: 2, rows: [] }));
    expect(checked).toContain('0 rows importable');
    expect(`${one}\n${many}\n${checked}`).not.toContain('(s)');
  });
});
