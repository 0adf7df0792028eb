import { describe, expect, it } from 'vitest';
import { importRefusalMessage } from '../../src/shared/import-refusal';

describe('why a sheet import wrote nothing, in English', () => {
  it('agrees the noun with the count of problems and names the way to import the other rows', () => {
    expect(importRefusalMessage({ key: 'problems', params: { sheet: 'coding.xlsx', count: 1 } })).toBe(
      'Nothing imported from coding.xlsx: 1 problem; to import the other rows, skip flagged rows ("Skip flagged rows" in the import panel, --skip-flagged in the CLI)',
    );
    expect(importRefusalMessage({ key: 'problems', params: { sheet: 'coding.xlsx', count: 3 } })).toMatch(/^Nothing imported from coding\.xlsx: 3 problems; to import/);
    expect(importRefusalMessage({ key: 'noImportableRows', params: { sheet: 'bad.csv', count: 0 } })).toBe('Nothing imported from bad.csv: no importable rows');
  });
});
