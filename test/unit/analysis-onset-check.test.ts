import { describe, expect, it } from 'vitest';
import { inferAus, ruleEvidence } from '../../src/main/analysis/au-rules';
import { checkOnset, framesBeforeOnset, needsOnsetCheck, ONSET_NEUTRAL_SHARE } from '../../src/main/analysis/onset-check';
import { featuresFromMotion } from '../helpers/roi-motion';

// Image axes: y DOWN. Face height 200 px in featuresFromMotion: 1 px = 0.5 % of the face.
const up = (px: number): [number, number] => [0, -px];
const down = (px: number): [number, number] => [0, px];
const lowerLips = (v: [number, number]): Record<string, [number, number]> => ({ 'Lower Lip Left': v, 'Lower Lip Center': v, 'Lower Lip Right': v });
const brows = (px: number): Record<string, [number, number]> => ({ 'Left Inner Eyebrow': up(px), 'Right Inner Eyebrow': up(px) });

describe('the onset check (an expression starts from a neutral face; talking mid-syllable does not)', () => {
  // Onset mid-syllable, apex with the mouth closed: the jaw's closing reads as a chin raise.
  const closing = { Chin: up(0.8), ...lowerLips(up(0.8)) };

  it('drops a chin raise that is gone when read from a frame before the onset (the jaw closing after a syllable)', () => {
    const apex = inferAus(featuresFromMotion(closing));
    expect(apex.map((a) => a.au)).toContain(17);
    expect(needsOnsetCheck(apex)).toBe(true);
    // From before the syllable to the apex the mouth is where it was: nothing moved.
    const { kept, fromMovingOnset } = checkOnset(apex, ruleEvidence(featuresFromMotion({})));
    expect(fromMovingOnset.map((a) => a.au)).toContain(17);
    expect(kept.some((a) => a.au === 17 || a.au === 24)).toBe(false);
  });

  it('keeps a chin raise that stands from before the onset too (an AU17 after talking, its onset spotted late)', () => {
    const apex = inferAus(featuresFromMotion(closing));
    // From a frame before the onset the chin rose as far, or further (the jaw's last closing adds to it).
    const { kept, fromMovingOnset } = checkOnset(apex, ruleEvidence(featuresFromMotion({ Chin: up(1), ...lowerLips(up(0.9)) })));
    expect(fromMovingOnset).toEqual([]);
    expect(kept.map((a) => a.au)).toEqual(apex.map((a) => a.au));
  });

  it('keeps an AU at the share, drops it just below', () => {
    const apex = inferAus(featuresFromMotion({ ...lowerLips(down(1)) }));
    const au25 = apex.find((a) => a.au === 25);
    expect(au25).toBeDefined();
    const at = (share: number) => new Map([[25, share * (au25?.evidence ?? 0)]]);
    expect(checkOnset(apex, at(ONSET_NEUTRAL_SHARE)).kept.map((a) => a.au)).toContain(25);
    expect(checkOnset(apex, at(ONSET_NEUTRAL_SHARE - 0.01)).fromMovingOnset.map((a) => a.au)).toEqual([25]);
  });

  it('leaves AUs beyond the lips and jaw alone, and needs no second reading without lip or jaw AUs', () => {
    const apex = inferAus(featuresFromMotion({ ...brows(1.2), ...closing }));
    expect(apex.map((a) => a.au)).toContain(1);
    const { kept, fromMovingOnset } = checkOnset(apex, new Map());
    expect(kept.map((a) => a.au)).toContain(1);
    expect(fromMovingOnset.every((a) => a.au !== 1)).toBe(true);
    expect(needsOnsetCheck(inferAus(featuresFromMotion(brows(1.2))))).toBe(false);
  });

  it('reads from a lag before the onset in thirds, clamped at frame 0, never the onset itself', () => {
    expect(framesBeforeOnset(40, 6)).toEqual([38, 36, 34]);
    expect(framesBeforeOnset(5, 6)).toEqual([3, 1, 0]);
    expect(framesBeforeOnset(1, 6)).toEqual([0]);
    expect(framesBeforeOnset(0, 6)).toEqual([]);
    expect(framesBeforeOnset(10, 1)).toEqual([9]);
  });
});
