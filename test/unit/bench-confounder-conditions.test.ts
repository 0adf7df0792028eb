import { describe, expect, it } from 'vitest';
import { confounderConditions } from '../../bench/benchmarks/confounders';

describe('MELLM_CONFOUNDER_CONDITIONS: the confounders bench run on some conditions', () => {
  it('runs every condition when unset, the picked ones in the bench order otherwise', () => {
    expect(confounderConditions(undefined)).toEqual(['none', 'glasses', 'blinks', 'saccades', 'speech', 'tremor', 'flicker']);
    expect(confounderConditions(' ')).toHaveLength(7);
    expect(confounderConditions('glasses, none')).toEqual(['none', 'glasses']);
  });

  it('refuses an unknown condition by name', () => {
    expect(() => confounderConditions('none,sunglasses')).toThrow(/Unknown confounder condition sunglasses/);
  });
});
