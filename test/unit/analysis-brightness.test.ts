import { describe, expect, it } from 'vitest';
import { lightingChanged, matchBrightness, matchRowGains } from '../../src/main/analysis/pipeline/brightness';
import { ScanClock } from '../../src/main/analysis/pipeline/scan-clock';
import { applyLighting } from '../../src/main/analysis/synth/lighting';
import type { GrayImage, RgbImage } from '../../src/main/media/image';
import { toGray } from '../../src/main/media/image';

/** A textured gray-ish RGB test card: a smooth gradient with a vertical edge at `edge`. */
function card(width: number, height: number, edge: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const v = 60 + ((x * 3 + y * 2) % 80) + (x >= edge ? 60 : 0);
      data.set([v, Math.round(v * 0.9), Math.round(v * 0.8)], (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

const meanAbsDiff = (a: GrayImage, b: GrayImage): number => a.data.reduce((s, v, i) => s + Math.abs(v - (b.data[i] as number)), 0) / a.data.length;

describe('lightingChanged (whether the expression flow matches the lighting at all)', () => {
  it('sees flicker and drift, not content moving inside the crop', () => {
    const reference = toGray(card(80, 96, 40));
    expect(lightingChanged(reference, toGray(card(80, 96, 41)))).toBe(false);
    expect(lightingChanged(reference, reference)).toBe(false);
    expect(lightingChanged(reference, toGray(applyLighting(card(80, 96, 40), { flicker: 0.04, banding: 0, exposureDrift: 0, whiteBalanceDrift: 0, driftPeriod: 1 }, 3, 30)))).toBe(true);
    expect(lightingChanged(reference, toGray(applyLighting(card(80, 96, 40), { flicker: 0, banding: 0, exposureDrift: 0.1, whiteBalanceDrift: 0, driftPeriod: 1 }, 7, 30)))).toBe(true);
  });

  it('sees rolling bands that leave the mean brightness of the crop as it was', () => {
    // Two whole band cycles over the crop's height: the mean stays within 1 %, each strip's does not.
    const banded = (t: number): GrayImage => toGray(applyLighting(card(80, 96, 40), { flicker: 0, banding: 0.04, exposureDrift: 0, whiteBalanceDrift: 0, driftPeriod: 1, rowTime: 2 / 100 / 96 }, t, 30));
    const reference = banded(0);
    const shifted = banded(1);
    const mean = (g: GrayImage): number => g.data.reduce((s, v) => s + v, 0) / g.data.length;
    expect(Math.abs(mean(shifted) / mean(reference) - 1)).toBeLessThan(0.01);
    expect(lightingChanged(reference, shifted)).toBe(true);
  });

  it('does not take a dark feature moving across the crop for a lighting change', () => {
    // A brow-like dark bar, 6 rows tall, raised by 3 rows: one or two strips change, most do not.
    const withBar = (top: number): GrayImage => {
      const g = toGray(card(80, 96, 40));
      for (let y = top; y < top + 6; y += 1) g.data.fill(20, y * 80 + 10, y * 80 + 70);
      return g;
    };
    expect(lightingChanged(withBar(30), withBar(27))).toBe(false);
    expect(() => lightingChanged(withBar(30), toGray(card(40, 96, 20)))).toThrow(/one size/);
  });
});

describe('matchBrightness and matchRowGains (lighting of a crop brought to its reference)', () => {
  it.each([
    ['window sums', matchBrightness],
    ['row gains', matchRowGains],
  ] as const)('%s undo flicker, moving bands and white-balance drift', (_name, match) => {
    const reference = toGray(card(80, 96, 40));
    const lit = toGray(applyLighting(card(80, 96, 40), { flicker: 0.05, banding: 0.05, exposureDrift: 0.1, whiteBalanceDrift: 0.05, driftPeriod: 1 }, 7, 30));
    expect(meanAbsDiff(lit, reference)).toBeGreaterThan(5);
    expect(meanAbsDiff(match(reference, lit), reference)).toBeLessThan(1.5);
    expect(() => match(reference, toGray(card(40, 96, 20)))).toThrow(/one size/);
  });

  it('window sums keep a one-pixel edge shift', () => {
    // Motion is not lighting: the edge moved by one pixel is still there after matching.
    const reference = toGray(card(80, 96, 40));
    const matched = matchBrightness(reference, toGray(card(80, 96, 41)));
    let edgeChange = 0;
    for (let y = 0; y < 96; y += 1) edgeChange += Math.abs((matched.data[y * 80 + 40] as number) - (reference.data[y * 80 + 40] as number));
    expect(edgeChange / 96).toBeGreaterThan(40);
  });

  it('leaves the skin around a moving feature as it was, where window sums shift it', () => {
    // A bright patch (a cheek rising) enters rows 40–55 on the left; the light did not change.
    const reference = toGray(card(80, 96, 40));
    const moved = toGray(card(80, 96, 40));
    for (let y = 40; y < 56; y += 1) moved.data.fill(230, y * 80 + 4, y * 80 + 24);
    const outsidePatch = (g: GrayImage): number => {
      let worst = 0;
      for (let y = 30; y < 66; y += 1) for (let x = 30; x < 80; x += 1) worst = Math.max(worst, Math.abs((g.data[y * 80 + x] as number) - (reference.data[y * 80 + x] as number)));
      return worst;
    };
    // The window's sum takes the patch for light and darkens the skin beside it: false edges for the flow.
    expect(outsidePatch(matchBrightness(reference, moved))).toBeGreaterThan(5);
    expect(outsidePatch(matchRowGains(reference, moved))).toBeLessThanOrEqual(1);
  });
});

describe('ScanClock (frames done, total and time left)', () => {
  it('measures the rate from this run only, so a resumed scan does not look fast', () => {
    let now = 0;
    const clock = new ScanClock(1000, 400, () => now);
    expect(clock.at(400)).toEqual({ framesDone: 400, framesTotal: 1000, framesPerSecond: 0, etaSeconds: null });
    now = 10_000;
    expect(clock.at(500)).toEqual({ framesDone: 500, framesTotal: 1000, framesPerSecond: 10, etaSeconds: 50 });
    expect(clock.at(1000).etaSeconds).toBe(0);
  });
});
