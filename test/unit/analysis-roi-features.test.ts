import { describe, expect, it } from 'vitest';
import type { RoiBox } from '@shared/rois';
import { createFlowField, type FlowField } from '../../src/main/inference/flow/types';
import { clipBox, NO_DOMINANT_DIRECTION, NO_MOTION, octantOf, roiFeatures } from '../../src/main/analysis/roi-features';

/** A flow field with the vector (u, v) inside [x0, x1) × [y0, y1), zero elsewhere. */
function patch(width: number, height: number, rect: [number, number, number, number], u: number, v: number): FlowField {
  const field = createFlowField(width, height);
  const plane = width * height;
  for (let y = rect[1]; y < rect[3]; y += 1) {
    for (let x = rect[0]; x < rect[2]; x += 1) {
      field.data[y * width + x] = u;
      field.data[plane + y * width + x] = v;
    }
  }
  return field;
}

const roi = (region: string, box: [number, number, number, number]): RoiBox => ({ region, box });

describe('roiFeatures', () => {
  const cases: Array<{ name: string; u: number; v: number; direction: string; octant: string | null }> = [
    { name: 'up (image −y)', u: 0, v: -1, direction: 'up (90°)', octant: 'up' },
    { name: 'down', u: 0, v: 0.5, direction: 'down (270°)', octant: 'down' },
    { name: 'right', u: 0.3, v: 0, direction: 'right (0°)', octant: 'right' },
    { name: 'left', u: -0.3, v: 0, direction: 'left (180°)', octant: 'left' },
    { name: 'up-left', u: -1, v: -1, direction: 'up-left (135°)', octant: 'up-left' },
    { name: 'down-right', u: 1, v: 1, direction: 'down-right (315°)', octant: 'down-right' },
    { name: 'nearly up', u: 0.035, v: -1, direction: 'up (88°)', octant: 'up' },
    { name: 'just below 360°', u: 1, v: 0.005, direction: 'right (0°)', octant: 'right' },
    { name: 'tiny motion', u: 0, v: 5e-5, direction: NO_MOTION, octant: null },
  ];
  it.each(cases)('uniform flow $name → $direction', ({ u, v, direction, octant }) => {
    const flow = patch(40, 40, [0, 0, 40, 40], u, v);
    const [f] = roiFeatures(flow, [roi('Left Inner Eyebrow', [10, 10, 15, 15])], 200);
    expect(f?.direction).toBe(direction);
    expect(f?.octant).toBe(octant);
    expect(f?.meanMagnitude).toBeCloseTo(Math.round(Math.hypot(u, v) * 1000) / 1000, 6);
  });

  it('computes mean/max over the box only, rounds to 3 decimals and normalises by face height', () => {
    // Half the 10×10 box moves 1 px up-right-ish, the rest is still.
    const flow = patch(50, 50, [20, 20, 25, 30], 0.6, -0.8);
    const [f] = roiFeatures(flow, [roi('Right Cheek', [20, 20, 10, 10])], 250);
    expect(f).toMatchObject({ meanMagnitude: 0.5, maxMagnitude: 1, meanNormalized: 0.2, maxNormalized: 0.4, side: 'R', group: 'cheek', pixels: 100 });
    expect(f?.direction).toBe('up-right (53°)');
    expect(f?.meanVector[0]).toBeCloseTo(0.3, 6);
    expect(f?.meanVectorNormalized[1]).toBeCloseTo((-0.4 / 250) * 100, 6);
  });

  it('reports no dominant direction when opposite motions cancel (concentration < 0.15)', () => {
    const flow = patch(40, 40, [0, 0, 20, 40], 1, 0);
    for (let y = 0; y < 40; y += 1) for (let x = 20; x < 40; x += 1) flow.data[y * 40 + x] = -1;
    const [f] = roiFeatures(flow, [roi('Chin', [10, 0, 20, 20])], 100);
    expect(f?.concentration).toBeCloseTo(0, 6);
    expect(f?.direction).toBe(NO_DOMINANT_DIRECTION);
    expect(f?.meanMagnitude).toBe(1);
  });

  it('clips boxes to the image and handles boxes entirely outside', () => {
    expect(clipBox([-5, -5, 10, 10], 20, 20)).toEqual([0, 0, 5, 5]);
    expect(clipBox([15, 18, 10, 10], 20, 20)).toEqual([15, 18, 20, 20]);
    expect(clipBox([30, 30, 10, 10], 20, 20)).toEqual([20, 20, 20, 20]);
    const flow = patch(20, 20, [0, 0, 20, 20], 0, -1);
    const [inside, outside] = roiFeatures(flow, [roi('Chin', [-5, -5, 10, 10]), roi('Chin', [30, 30, 10, 10])], 100);
    expect(inside?.pixels).toBe(25);
    expect(inside?.direction).toBe('up (90°)');
    expect(outside).toMatchObject({ pixels: 0, meanMagnitude: 0, direction: NO_MOTION });
  });

  it('rejects malformed flow and face height', () => {
    const flow = createFlowField(4, 4);
    expect(() => roiFeatures({ ...flow, data: new Float32Array(3) }, [], 100)).toThrow(/expected 2×4×4/);
    expect(() => roiFeatures(flow, [], 0)).toThrow(/Face height/);
  });

  it('snaps angles to the nearest octant', () => {
    expect([0, 22.4, 22.6, 67.6, 112.6, 200, 230, 290, 337.4, 337.6].map(octantOf)).toEqual([
      'right', 'right', 'up-right', 'up', 'up-left', 'left', 'down-left', 'down', 'down-right', 'right',
    ]);
  });
});
