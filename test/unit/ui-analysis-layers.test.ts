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
  it('rounds the largest value up to a 1-2-5 step', () => {
    expect([0.07, 0.1, 0.13, 0.3, 0.51, 1.9, 2.1, 7, 12].map(niceCeiling)).toEqual([0.1, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]);
    expect(curveAxisTop([0, 0.4, Number.NaN, 1.3, 0.2])).toBe(2);
    expect(curveAxisTop([0, 0])).toBe(0);
    expect(curveAxisTop([])).toBe(0);
  });

  it('writes the axis value briefly', () => {
    expect([0.1, 0.2, 0.5, 1, 2, 20].map(formatAxisValue)).toEqual(['0.1', '0.2', '0.5', '1', '2', '20']);
    expect(formatAxisValue(niceCeiling(0.3))).toBe('0.5');
  });
});
