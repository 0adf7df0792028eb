import { describe, expect, it } from 'vitest';
import { inferAus, ruleEvidence } from '../../src/main/analysis/au-rules';
import { checkOnset, framesBeforeOnset, needsOnsetCheck, ONSET_DISPLACED_SHARE } from '../../src/main/analysis/onset-check';
import { featuresFromMotion } from '../helpers/roi-motion';

// Image axes: y DOWN. Face height 200 px in featuresFromMotion: 1 px = 0.5 % of the face.
const up = (px: number): [number, number] => [0, -px];
const down = (px: number): [number, number] => [0, px];
const lowerLips = (v: [number, number]): Record<string, [number, number]> => ({ 'Lower Lip Left': v, 'Lower Lip Center': v, 'Lower Lip Right': v });
const brows = (px: number): Record<string, [number, number]> => ({ 'Left Inner Eyebrow': up(px), 'Right Inner Eyebrow': up(px) });

describe('the onset check (an expression starts from a neutral face; talking mid-syllable does not)', () => {
  // Onset mid-syllable, apex with the mouth closed: the jaw's closing reads as a chin raise.
  const closing = { Chin: up(0.8), ...lowerLips(up(0.8)) };

  it('drops a chin raise that the onset also makes going back to an earlier frame (the jaw closing after a syllable)', () => {
    const apex = inferAus(featuresFromMotion(closing));
    expect(apex.map((a) => a.au)).toContain(17);
    expect(needsOnsetCheck(apex)).toBe(true);
    // From the open-jaw onset back to the closed mouth before the syllable: the same closing.
    const { kept, fromDisplacedOnset } = checkOnset(apex, ruleEvidence(featuresFromMotion(closing)));
    expect(fromDisplacedOnset.map((a) => a.au)).toContain(17);
    expect(kept.some((a) => a.au === 17 || a.au === 24)).toBe(false);
  });

  it('keeps a chin raise whose onset was neutral (nothing moves back to the earlier frame) or spotted late in its rise (the reverse moves)', () => {
    const apex = inferAus(featuresFromMotion(closing));
    const neutral = checkOnset(apex, ruleEvidence(featuresFromMotion({})));
    expect(neutral.fromDisplacedOnset).toEqual([]);
    expect(neutral.kept.map((a) => a.au)).toEqual(apex.map((a) => a.au));
    const late = checkOnset(apex, ruleEvidence(featuresFromMotion({ Chin: down(0.4), ...lowerLips(down(0.4)) })));
    expect(late.kept.map((a) => a.au)).toEqual(apex.map((a) => a.au));
  });

  it('drops an AU at the share, keeps it just below', () => {
    const apex = inferAus(featuresFromMotion({ ...lowerLips(down(1)) }));
    const au25 = apex.find((a) => a.au === 25);
    expect(au25).toBeDefined();
    const at = (share: number) => new Map([[25, share * (au25?.evidence ?? 0)]]);
    expect(checkOnset(apex, at(ONSET_DISPLACED_SHARE)).fromDisplacedOnset.map((a) => a.au)).toEqual([25]);
    expect(checkOnset(apex, at(ONSET_DISPLACED_SHARE - 0.01)).kept.map((a) => a.au)).toContain(25);
  });

  it('leaves AUs beyond the lips and jaw alone, and needs no comparison without lip or jaw AUs', () => {
    const apex = inferAus(featuresFromMotion({ ...brows(1.2), ...closing }));
    expect(apex.map((a) => a.au)).toContain(1);
    const { kept, fromDisplacedOnset } = checkOnset(apex, ruleEvidence(featuresFromMotion({ ...brows(1.2), ...closing })));
    expect(kept.map((a) => a.au)).toContain(1);
    expect(fromDisplacedOnset.map((a) => a.au)).toContain(17);
    expect(fromDisplacedOnset.every((a) => a.au !== 1)).toBe(true);
    expect(needsOnsetCheck(inferAus(featuresFromMotion(brows(1.2))))).toBe(false);
  });

  it('compares with frames a lag before the onset in thirds, clamped at frame 0, never the onset itself', () => {
    expect(framesBeforeOnset(40, 6)).toEqual([38, 36, 34]);
    expect(framesBeforeOnset(5, 6)).toEqual([3, 1, 0]);
    expect(framesBeforeOnset(1, 6)).toEqual([0]);
    expect(framesBeforeOnset(0, 6)).toEqual([]);
    expect(framesBeforeOnset(10, 1)).toEqual([9]);
  });
});
