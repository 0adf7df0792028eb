import { describe, expect, it } from 'vitest';
import { countWork, holdsWork } from '../../src/shared/label-work';

const empty = { aus: '', emotion: null, label3: null, description: '', status: 'draft' as const };

describe('what a label holds of a person’s work', () => {
  it('an empty draft holds nothing; any field filled, or any step past draft, holds work', () => {
    expect(holdsWork(empty)).toBe(false);
    expect(holdsWork({ ...empty, description: '   ' })).toBe(false);
    expect(holdsWork({ ...empty, aus: '12B' })).toBe(true);
    expect(holdsWork({ ...empty, emotion: 'happiness' })).toBe(true);
    expect(holdsWork({ ...empty, label3: 'positive' })).toBe(true);
    expect(holdsWork({ ...empty, description: 'lip corners up' })).toBe(true);
    expect(holdsWork({ ...empty, status: 'submitted' })).toBe(true);
    expect(holdsWork({ ...empty, status: 'rejected' })).toBe(true);
  });

  it('counts the acting profile’s labels apart from everyone else’s, leaving out empty drafts', () => {
    const labels = [
      { ...empty, annotator: 'ana', aus: '1+2' },
      { ...empty, annotator: 'bo', status: 'approved' as const },
      { ...empty, annotator: 'cy' },
    ];
    expect(countWork(labels, 'ana')).toEqual({ own: 1, others: 1 });
    expect(countWork(labels, 'cy')).toEqual({ own: 0, others: 2 });
    expect(countWork([], 'ana')).toEqual({ own: 0, others: 0 });
  });
});
