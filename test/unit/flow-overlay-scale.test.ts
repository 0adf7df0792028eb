import { describe, expect, it } from 'vitest';
import { createFlowField, type FlowField } from '../../src/main/inference/flow/types';
import { overlayImage, overlayLegend, overlayScale, type RgbaImage } from '../../src/main/inference/flow/visualize';

/** A field moving every pixel by (u, v) px: the known motion the overlays are measured on. */
function uniform(width: number, height: number, u: number, v: number): FlowField {
  const field = createFlowField(width, height);
  field.data.fill(u, 0, width * height);
  field.data.fill(v, width * height);
  return field;
}

const onset = (width: number, height: number, gray = 100) => ({ width, height, channels: 1 as const, data: new Uint8Array(width * height).fill(gray) });

const pixel = (image: RgbaImage, x: number, y: number): number[] => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)];

/** HSV saturation of an RGB pixel: 0 for gray/white, 1 for a pure hue. */
function saturation([r, g, b]: number[]): number {
  const max = Math.max(r as number, g as number, b as number);
  return max === 0 ? 0 : (max - Math.min(r as number, g as number, b as number)) / max;
}

describe('flow overlay scale', () => {
  const small = uniform(16, 16, 0.3, 0); // sub-pixel motion, as on a real clip's still face

  it('a fixed 2 px scale keeps 0.3 px motion faint on the colour wheel (≤ 15% saturation)', () => {
    const image = overlayImage('colorwheel', small, onset(16, 16), 2);
    // 0.3 / 2 = 15%, plus one step of the 8-bit channels (the wheel truncates as Middlebury's code does).
    expect(saturation(pixel(image, 8, 8))).toBeLessThanOrEqual(0.15 + 1 / 255);
    expect(saturation(pixel(image, 8, 8))).toBeGreaterThan(0.1);
  });

  it('auto scale stretches the same 0.3 px motion to full colour', () => {
    const image = overlayImage('colorwheel', small, onset(16, 16), 'auto');
    expect(saturation(pixel(image, 8, 8))).toBeGreaterThan(0.99);
    expect(overlayScale(small, 'auto')).toBeCloseTo(0.3, 6);
    expect(overlayScale(small, 2)).toBe(2);
  });

  it('the MELLM HSV overlay blends at most 15% colour over the face at 0.3 px of a 2 px scale', () => {
    const gray = 100;
    const fixed = pixel(overlayImage('mellm-hsv', small, onset(16, 16, gray), 2), 8, 8);
    // Motion to the right is hue 0° (red): the blend weight is how far red moved from the gray face.
    const weight = ((fixed[0] as number) - gray) / (255 - gray);
    expect(weight).toBeLessThanOrEqual(0.15 + 1 / 155);
    expect(weight).toBeGreaterThan(0.1);
    const auto = pixel(overlayImage('mellm-hsv', small, onset(16, 16, gray), 'auto'), 8, 8);
    expect(auto.slice(0, 3)).toEqual([255, 0, 0]);
  });

  it('the heat map is black at 0.3 px of a 5 px scale and white at auto', () => {
    expect(pixel(overlayImage('magnitude', small, onset(16, 16), 5), 3, 3).slice(0, 3)).toEqual([46, 0, 0]);
    expect(pixel(overlayImage('magnitude', small, onset(16, 16), 'auto'), 3, 3).slice(0, 3)).toEqual([255, 255, 255]);
  });

  it('refuses a scale that is not a positive finite number of pixels', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => overlayScale(small, bad)).toThrow(/scale/);
  });

  it('a still field at auto scale draws nothing instead of dividing by zero', () => {
    const still = overlayImage('colorwheel', uniform(8, 8, 0, 0), onset(8, 8), 'auto');
    expect(pixel(still, 4, 4)).toEqual([255, 255, 255, 255]);
  });
});

describe('flow overlay arrows', () => {
  it('draws one arrow per 8 px grid cell along a uniform flow, its length the flow over the scale', () => {
    // 1 px to the right at a 2 px scale: half of the 8 px grid step, so 4 px long.
    const image = overlayImage('arrows', uniform(32, 32, 1, 0), onset(32, 32), 2);
    for (const [x, y] of [[4, 4], [12, 20], [20, 28]] as const) {
      for (let k = 0; k <= 4; k += 1) expect(pixel(image, x + k, y)[3], `shaft ${x + k},${y}`).toBe(255);
      expect(pixel(image, x - 1, y)[3], 'nothing behind the tail').toBe(0);
      expect(pixel(image, x + 6, y)[3], 'nothing past the head').toBe(0);
      // The head: two strokes back from the tip, above and below the shaft.
      expect([pixel(image, x + 3, y - 1)[3], pixel(image, x + 3, y + 1)[3]]).toEqual([255, 255]);
    }
    // Between the arrows the layer stays transparent.
    expect(pixel(image, 8, 8)[3]).toBe(0);
  });

  it('arrows scale with the flow: double the scale, half the length', () => {
    const long = overlayImage('arrows', uniform(32, 32, 1, 0), onset(32, 32), 1);
    const short = overlayImage('arrows', uniform(32, 32, 1, 0), onset(32, 32), 4);
    expect(pixel(long, 12, 4)[3]).toBe(255); // 8 px long at 1 px full scale
    expect(pixel(short, 7, 4)[3]).toBe(0); // 2 px long at 4 px full scale
    expect(pixel(short, 6, 4)[3]).toBe(255);
  });

  it('is not the MELLM HSV image', () => {
    const field = uniform(32, 32, 1, 0);
    const arrows = overlayImage('arrows', field, onset(32, 32), 2);
    const hsv = overlayImage('mellm-hsv', field, onset(32, 32), 2);
    expect(Buffer.from(arrows.data).equals(Buffer.from(hsv.data))).toBe(false);
    expect(pixel(arrows, 8, 8)).toEqual([0, 0, 0, 0]);
  });
});

describe('flow overlay legend', () => {
  it('the colour-wheel key is a disc: white centre, full colour at the rim (the scale), transparent outside', () => {
    const key = overlayLegend('colorwheel', 65);
    expect([key.width, key.height]).toEqual([65, 65]);
    expect(pixel(key, 32, 32)).toEqual([255, 255, 255, 255]);
    expect(saturation(pixel(key, 63, 32))).toBeGreaterThan(0.9); // rightward motion at the rim
    expect(pixel(key, 0, 0)[3]).toBe(0);
  });

  it('the key colours a direction as the overlay does: the rim pixel above the centre is the overlay of upward full-scale motion', () => {
    for (const kind of ['colorwheel', 'mellm-hsv', 'magnitude'] as const) {
      const key = overlayLegend(kind, 65);
      const up = overlayImage(kind, uniform(4, 4, 0, -2), onset(4, 4, 128), 2);
      const rim = pixel(key, 32, 0); // exactly one radius above the centre
      const expected = pixel(up, 1, 1);
      for (let c = 0; c < 3; c += 1) expect(Math.abs((rim[c] as number) - (expected[c] as number)), `${kind} channel ${c}`).toBeLessThanOrEqual(12);
    }
  });

  it('the arrows key draws arrows out of its centre', () => {
    const key = overlayLegend('arrows', 64);
    const drawn = Array.from({ length: 64 * 64 }, (_, i) => key.data[i * 4 + 3]).filter((a) => a === 255).length;
    expect(drawn).toBeGreaterThan(40);
  });
});
