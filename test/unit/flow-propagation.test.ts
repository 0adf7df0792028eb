import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../src/main/inference/manifest';
import { PropagationScratch, propagateFlow, type FlowPropagationOptions } from '../../src/main/inference/flow/flow-propagation';

const W = 160;
const H = 120;
/** A real photo (MIT, shipped in @vladmandic/face-api), gray in [0, 1], W×H. */
async function photo(name: string): Promise<Float32Array> {
  const path = join(packageDir('@vladmandic/face-api') as string, 'demo', name);
  const { data } = await sharp(path).resize(W, H, { fit: 'cover' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

/** Deterministic uniform numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Bilinear sample of `frame` at (x, y), clamped to the frame: the same rule as the module. */
function sample(frame: Float32Array, w: number, h: number, x: number, y: number): number {
  const sx = Math.min(w - 1, Math.max(0, x));
  const sy = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.min(w - 2, Math.floor(sx));
  const y0 = Math.min(h - 2, Math.floor(sy));
  const [fx, fy] = [sx - x0, sy - y0];
  const at = (yy: number, xx: number) => frame[yy * w + xx] as number;
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/** The definition, pixel by pixel: each candidate's patch cost summed directly. */
function reference(frame1: Float32Array, frame2: Float32Array, flow: Float32Array, w: number, h: number, options: FlowPropagationOptions): Float32Array {
  const plane = w * h;
  const clampIndex = (x: number, y: number) => Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x));
  const offsets: Array<[number, number]> = [[0, 0]];
  for (const r of options.radii) for (const [ox, oy] of [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]] as const) offsets.push([ox * r, oy * r]);
  const out = flow.slice();
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      let best = Infinity;
      offsets.forEach(([dx, dy], k) => {
        let sum = 0;
        let n = 0;
        for (let py = Math.max(0, y - options.half); py <= Math.min(h - 1, y + options.half); py += 1) {
          for (let px = Math.max(0, x - options.half); px <= Math.min(w - 1, x + options.half); px += 1) {
            const j = clampIndex(px + dx, py + dy);
            const d = (frame1[py * w + px] as number) - sample(frame2, w, h, px + (flow[j] as number), py + (flow[plane + j] as number));
            sum += d * d;
            n += 1;
          }
        }
        const mean = sum / n;
        // A pixel's own flow: a neighbour must beat it by the margin, or (with a ratio) fall below that fraction of it.
        const cost = k === 0 ? Math.max(mean - options.margin, options.ratio === undefined ? -Infinity : mean * options.ratio) : mean;
        if (cost < best) {
          best = cost;
          out[y * w + x] = flow[clampIndex(x + dx, y + dy)] as number;
          out[plane + y * w + x] = flow[plane + clampIndex(x + dx, y + dy)] as number;
        }
      });
    }
  }
  return out;
}

/**
 * A disc of `layer` (radius 30 px) moving (12, 7) px over `background`, which stays still, both
 * seen through `tone`, and the flow as coarse-to-fine warping leaves it: the disc's motion
 * only 6 px inside its edge. `bandError` is the mean error in the band between.
 */
function discScene(background: Float32Array, layer: Float32Array, tone: (v: number) => number) {
  const [cx, cy, radius, mx, my] = [70, 60, 30, 12, 7];
  const inDisc = (x: number, y: number) => Math.hypot(x - cx, y - cy) <= radius;
  const frame1 = background.map(tone);
  const frame2 = background.map(tone);
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      if (inDisc(x, y)) frame1[y * W + x] = tone(layer[y * W + x] as number);
      if (inDisc(x - mx, y - my)) frame2[y * W + x] = tone(layer[(y - my) * W + (x - mx)] as number);
    }
  }
  const flow = new Float32Array(2 * W * H);
  const band: number[] = [];
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= radius - 6) [flow[y * W + x], flow[W * H + y * W + x]] = [mx, my];
      else if (d <= radius - 1) band.push(y * W + x);
    }
  }
  const bandError = (f: Float32Array) => band.reduce((s, i) => s + Math.hypot((f[i] as number) - mx, (f[W * H + i] as number) - my), 0) / band.length;
  const farFromDisc = (x: number, y: number) => Math.hypot(x - cx, y - cy) > radius + 20;
  return { frame1, frame2, flow, bandError, farFromDisc };
}

describe('flow propagation between neighbours', () => {
  let background: Float32Array;
  let layer: Float32Array;
  beforeAll(async () => {
    [background, layer] = await Promise.all([photo('sample1.jpg'), photo('sample4.jpg')]);
  });

  it('chooses what the definition chooses, pixel by pixel, on random frames and flows', () => {
    const [w, h] = [23, 17];
    const next = random(7);
    const frame1 = Float32Array.from({ length: w * h }, next);
    const frame2 = Float32Array.from({ length: w * h }, next);
    const flow = Float32Array.from({ length: 2 * w * h }, () => 6 * next() - 3);
    const options = { level: 0, radii: [1, 3], half: 2, margin: 1e-3 };
    expect(Array.from(propagateFlow(frame1, frame2, flow, w, h, options))).toEqual(Array.from(reference(frame1, frame2, flow, w, h, options)));
  });

  it('chooses what the definition chooses with a cost ratio as well as the margin', () => {
    const [w, h] = [23, 17];
    const next = random(9);
    // Low-contrast frames: every cost is below the margin, so only the ratio replaces flows.
    const frame1 = Float32Array.from({ length: w * h }, () => 0.5 + 0.02 * next());
    const frame2 = Float32Array.from({ length: w * h }, () => 0.5 + 0.02 * next());
    const flow = Float32Array.from({ length: 2 * w * h }, () => 6 * next() - 3);
    const options = { level: 0, radii: [1, 3], half: 2, margin: 1e-3, ratio: 0.6 };
    const out = propagateFlow(frame1, frame2, flow, w, h, options);
    expect(Array.from(out)).toEqual(Array.from(reference(frame1, frame2, flow, w, h, options)));
    expect(out.some((v, i) => v !== flow[i])).toBe(true);
    expect(Array.from(propagateFlow(frame1, frame2, flow, w, h, { ...options, ratio: undefined }))).toEqual(Array.from(flow));
  });

  it("moves a misplaced motion boundary back: a band of a moving disc given the background's flow takes the disc's (measured 13.89 → 0.10 px)", () => {
    const { frame1, frame2, flow, bandError, farFromDisc } = discScene(background, layer, (v) => v);
    const out = propagateFlow(frame1, frame2, flow, W, H, { level: 0, radii: [2, 4, 8], half: 2, margin: 5e-4 });
    expect(bandError(flow)).toBeGreaterThan(13);
    expect(bandError(out), `band error ${bandError(out).toFixed(2)} px`).toBeLessThan(0.5);
    // The still background away from the disc (where no neighbour's flow fits better) keeps its zero flow.
    let moved = 0;
    for (let y = 0; y < H; y += 1) for (let x = 0; x < W; x += 1) if (farFromDisc(x, y) && (out[y * W + x] !== 0 || out[W * H + y * W + x] !== 0)) moved += 1;
    expect(moved).toBe(0);
  });

  it("moves a misplaced boundary back in a faint region, where every cost is below the margin, by the cost ratio (measured 13.89 → 0 px)", () => {
    // The disc scene at 3 % of its contrast (a dark, nearly flat region): the margin alone
    // keeps the wrong flow, a neighbour whose cost is under half the pixel's own takes over.
    const { frame1, frame2, flow, bandError } = discScene(background, layer, (v) => 0.1 + 0.03 * v);
    const options = { level: 0, radii: [2, 4, 8], half: 2, margin: 5e-4 };
    const byMargin = propagateFlow(frame1, frame2, flow, W, H, options);
    const byRatio = propagateFlow(frame1, frame2, flow, W, H, { ...options, ratio: 0.5 });
    expect(bandError(byMargin), `margin alone ${bandError(byMargin).toFixed(2)} px`).toBeGreaterThan(13);
    expect(bandError(byRatio), `with the ratio ${bandError(byRatio).toFixed(2)} px`).toBeLessThan(1);
  });

  it('gives with a scratch reused across sizes and patches what it gives without one', () => {
    const next = random(11);
    const scratch = new PropagationScratch();
    // Larger, smaller, another patch, then the first again: a plane left over from an
    // earlier call or patch areas kept under the wrong size would change the result.
    const cases: Array<[number, number, FlowPropagationOptions]> = [
      [48, 36, { level: 2, radii: [3, 8], half: 2, margin: 5e-4 }],
      [29, 17, { level: 3, radii: [3, 8], half: 2, margin: 5e-4 }],
      [48, 36, { level: 2, radii: [2], half: 1, margin: 5e-4 }],
      [48, 36, { level: 2, radii: [3, 8], half: 2, margin: 5e-4 }],
    ];
    for (const [w, h, options] of cases) {
      const frame1 = Float32Array.from({ length: w * h }, next);
      const frame2 = Float32Array.from({ length: w * h }, next);
      const flow = Float32Array.from({ length: 2 * w * h }, () => (next() - 0.5) * 8);
      expect(Array.from(propagateFlow(frame1, frame2, flow, w, h, options, scratch))).toEqual(Array.from(propagateFlow(frame1, frame2, flow, w, h, options)));
    }
  });

  it('in place, writes into the given flow what it returns otherwise (the candidates read from a copy)', () => {
    const next = random(23);
    const scratch = new PropagationScratch();
    // A larger size first: the kept copy is a view of a bigger buffer on the second case.
    for (const [w, h] of [[48, 36], [29, 17]] as const) {
      const frame1 = Float32Array.from({ length: w * h }, next);
      const frame2 = Float32Array.from({ length: w * h }, next);
      const flow = Float32Array.from({ length: 2 * w * h }, () => (next() - 0.5) * 8);
      const options = { level: 2, radii: [3, 8], half: 2, margin: 5e-4 };
      const expected = propagateFlow(frame1, frame2, flow, w, h, options);
      expect(Array.from(expected)).not.toEqual(Array.from(flow));
      const own = flow.slice();
      const result = propagateFlow(frame1, frame2, own, w, h, options, scratch, true);
      expect(result).toBe(own);
      expect(Array.from(own)).toEqual(Array.from(expected));
    }
  });

  it('leaves a flow alone where nothing matches better by the margin (flat frames)', () => {
    const flat = new Float32Array(20 * 16).fill(0.5);
    const flow = Float32Array.from({ length: 2 * 20 * 16 }, (_, i) => (i % 7) - 3);
    expect(Array.from(propagateFlow(flat, flat, flow, 20, 16, { level: 0, radii: [2], half: 1, margin: 1e-6 }))).toEqual(Array.from(flow));
  });

  it('refuses bad sizes and unbounded options with a typed error', () => {
    const frame = new Float32Array(16);
    const flow = new Float32Array(32);
    const ok = { level: 0, radii: [2], half: 1, margin: 0 };
    expect(() => propagateFlow(frame, frame, flow, 4, 4, ok)).not.toThrow();
    expect(() => propagateFlow(frame, frame, flow, 5, 4, ok)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow.subarray(0, 16), 4, 4, ok)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, half: 99 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, margin: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, ratio: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, ratio: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, radii: [0] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => propagateFlow(frame, frame, flow, 4, 4, { ...ok, radii: Array.from({ length: 9 }, () => 1) })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
