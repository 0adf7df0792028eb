import { describe, expect, it } from 'vitest';
import { placeOnFrame } from '../../src/renderer/src/state/overlay-placement';
import { curveAxisTop, formatAxisValue, niceCeiling } from '../../src/renderer/src/state/curve-scale';

describe('flow overlay clipped to the frame', () => {
  const image = { width: 200, height: 240 }; // the flow grid of a 100 × 120 px crop: 2 image px per frame px
  const frame = { width: 256, height: 192 };

  it('places a crop inside the frame whole', () => {
    expect(placeOnFrame([50, 30, 100, 120], image, frame)).toEqual({ target: { x: 50, y: 30, width: 100, height: 120 }, source: { x: 0, y: 0, width: 200, height: 240 } });
  });

  it('cuts a crop reaching past the top-left corner: only its part inside the image is drawn', () => {
    const placed = placeOnFrame([-20, -10, 100, 120], image, frame);
    expect(placed).toEqual({ target: { x: 0, y: 0, width: 80, height: 110 }, source: { x: 40, y: 20, width: 160, height: 220 } });
  });

  it('cuts a crop reaching past the bottom-right corner', () => {
    const placed = placeOnFrame([200, 100, 100, 120], image, frame);
    expect(placed?.target).toEqual({ x: 200, y: 100, width: 56, height: 92 });
    expect(placed?.source).toEqual({ x: 0, y: 0, width: 112, height: 184 });
    // Never outside the frame, whatever the crop.
    const { target } = placed!;
    expect(target.x + target.width).toBeLessThanOrEqual(frame.width);
    expect(target.y + target.height).toBeLessThanOrEqual(frame.height);
  });

  it('draws nothing for a crop wholly outside the frame or of no size', () => {
    expect(placeOnFrame([300, 0, 50, 50], image, frame)).toBeNull();
    expect(placeOnFrame([0, -60, 50, 50], image, frame)).toBeNull();
    expect(placeOnFrame([0, 0, 0, 50], image, frame)).toBeNull();
  });
});

describe('motion curve axis', () => {
  it('rounds the largest value up to the next round step, at most a third above it', () => {
    expect([0.07, 0.1, 0.13, 0.3, 0.51, 1.9, 2.1, 7, 13].map(niceCeiling)).toEqual([0.08, 0.1, 0.15, 0.3, 0.6, 2, 2.5, 8, 15]);
    for (let v = 0.011; v < 1000; v *= 1.07) {
      expect(niceCeiling(v)).toBeGreaterThanOrEqual(v);
      expect(niceCeiling(v)).toBeLessThanOrEqual((v * 4) / 3);
    }
    expect(curveAxisTop([0, 0.4, Number.NaN, 1.3, 0.2])).toBe(1.5);
    expect(curveAxisTop([0, 0])).toBe(0);
    expect(curveAxisTop([])).toBe(0);
  });

  it('reads a session whose highest peak is 25.3 quiet deviations on an axis of 30, not 50', () => {
    expect(curveAxisTop([0, 3, 25.3, 8, Number.POSITIVE_INFINITY])).toBe(30);
  });

  it('keeps the threshold on the axis when every peak stays under it', () => {
    expect(curveAxisTop([0, 2, 5.5], 8)).toBe(8);
    expect(curveAxisTop([0, 2, 25.3], 8)).toBe(30);
    expect(curveAxisTop([0, 0], 8)).toBe(8);
  });

  it('writes the axis value briefly', () => {
    expect([0.1, 0.2, 0.5, 1, 2, 20].map(formatAxisValue)).toEqual(['0.1', '0.2', '0.5', '1', '2', '20']);
    expect(formatAxisValue(niceCeiling(0.13))).toBe('0.15');
    expect(formatAxisValue(niceCeiling(25.3))).toBe('30');
  });
});
