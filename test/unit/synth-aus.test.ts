import { describe, expect, it } from 'vitest';
import { parseSynthAus } from '../../src/main/analysis/synth/photo';
import { randomSpecs } from '../../src/main/analysis/synth/corpus';

describe('synthesis AU lists and random specs', () => {
  it('parses FACS combinations: sides, default intensity C', () => {
    expect(parseSynthAus('1+2+L12C')).toEqual([
      { au: 1, intensity: 'C', side: 'B' },
      { au: 2, intensity: 'C', side: 'B' },
      { au: 12, intensity: 'C', side: 'L' },
    ]);
    expect(parseSynthAus('R15E')).toEqual([{ au: 15, intensity: 'E', side: 'R' }]);
  });

  it('refuses what cannot be synthesised', () => {
    expect(() => parseSynthAus('12 or 15')).toThrow(/one AU combination/);
    expect(() => parseSynthAus('99')).toThrow(/Unknown AU 99/);
    expect(() => parseSynthAus('43')).toThrow(/cannot be synthesised/);
    expect(() => parseSynthAus('1++2')).toThrow(/--aus/);
  });

  it('draws reproducible MEs that fit inside the clip', () => {
    const specs = randomSpecs(200, 3, { frames: 30, fps: 30 });
    expect(randomSpecs(200, 3, { frames: 30, fps: 30 })).toEqual(specs);
    for (const s of specs) {
      expect(s.onset).toBeGreaterThanOrEqual(0);
      expect(s.onset).toBeLessThan(s.apex);
      expect(s.apex).toBeLessThan(s.offset);
      expect(s.offset).toBeLessThanOrEqual(29);
      expect(s.aus.length).toBeGreaterThan(0);
    }
    expect(specs.some((s) => s.head)).toBe(true);
    expect(specs.some((s) => s.aus.some((a) => a.side === 'L')) && specs.some((s) => s.aus.some((a) => a.side === 'R'))).toBe(true);
  });
});
