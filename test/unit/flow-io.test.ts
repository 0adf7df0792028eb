import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Point3 } from '../../src/main/inference/face/types';
import { STABLE_LANDMARKS, expressionFlow, expressionFlowNoseTip } from '../../src/main/inference/flow/expression';
import { FLO_MAGIC, decodeFlo, encodeFlo, endPointError, readFlo, writeFlo } from '../../src/main/inference/flow/flo';
import { createFlowField, flowAt, type FlowField } from '../../src/main/inference/flow/types';
import { flowToColor, magnitudeHeatMap, mellmOverlay, middleburyColor, quiverSegments } from '../../src/main/inference/flow/visualize';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();

function field(width: number, height: number, f: (x: number, y: number) => [number, number]): FlowField {
  const out = createFlowField(width, height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [u, v] = f(x, y);
      out.data[y * width + x] = u;
      out.data[width * height + y * width + x] = v;
    }
  }
  return out;
}

describe('.flo I/O', () => {
  it('round-trips exactly, including unknown-flow markers', async () => {
    const flow = field(7, 5, (x, y) => [x * 0.25 - 1, y === 2 && x === 3 ? 1e10 : -y / 3]);
    const path = join(tempDir(), 'a.flo');
    await writeFlo(path, flow);
    const back = await readFlo(path);
    expect([back.width, back.height]).toEqual([7, 5]);
    expect(back.data).toEqual(flow.data);
    expect(endPointError(back, flow)).toBe(0);
  });

  it('stores interleaved (u, v) after the magic and size', () => {
    const bytes = encodeFlo(field(2, 1, (x) => [x + 1, -(x + 1)]));
    const view = new DataView(bytes.buffer);
    expect(view.getFloat32(0, true)).toBe(FLO_MAGIC);
    expect([view.getInt32(4, true), view.getInt32(8, true)]).toEqual([2, 1]);
    expect([12, 16, 20, 24].map((o) => view.getFloat32(o, true))).toEqual([1, -1, 2, -2]);
  });

  it('rejects truncated, oversized and garbage files with clear errors', async () => {
    const good = encodeFlo(field(4, 4, () => [0.5, 0.5]));
    expect(() => decodeFlo(good.subarray(0, good.length - 3))).toThrow(/truncated/);
    expect(() => decodeFlo(new Uint8Array([...good, 0, 0, 0, 0]))).toThrow(/longer than its header/);
    expect(() => decodeFlo(new Uint8Array(8))).toThrow(/shorter than the 12-byte header/);
    const garbage = new Uint8Array(64).fill(7);
    expect(() => decodeFlo(garbage)).toThrow(/bad magic/);
    const huge = new Uint8Array(good);
    new DataView(huge.buffer).setInt32(4, -3, true);
    expect(() => decodeFlo(huge)).toThrow(/impossible size/);
    const path = join(tempDir(), 'bad.flo');
    writeFileSync(path, garbage);
    await expect(readFlo(path)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readFlo(join(tempDir(), 'missing.flo'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('expression flow', () => {
  // 468 landmarks on a face-like layout; the stable ones spread over the upper face.
  const landmarks: Point3[] = Array.from({ length: 468 }, (_, i) => [40 + ((i * 37) % 120), 30 + ((i * 53) % 140), 0]);
  const head = { tx: 1.25, ty: -0.75, rotationDeg: 1.5, scale: 1.02 };
  const t = (head.rotationDeg * Math.PI) / 180;
  const a = head.scale * Math.cos(t);
  const b = head.scale * Math.sin(t);
  const headFlow = (x: number, y: number): [number, number] => [a * x - b * y + head.tx - x, b * x + a * y + head.ty - y];
  // A local "eyebrow raise" far from every stable landmark.
  const brow = (x: number, y: number): [number, number] => [0, Math.hypot(x - 180, y - 180) < 10 ? -0.6 : 0];
  const total = field(200, 200, (x, y) => {
    const [hu, hv] = headFlow(x, y);
    const [eu, ev] = brow(x, y);
    return [hu + eu, hv + ev];
  });

  it('removes a similarity head motion exactly and reports its parameters', () => {
    for (const index of STABLE_LANDMARKS) expect(Math.hypot(...(landmarks[index] as [number, number, number]).slice(0, 2).map((c) => c - 180))).toBeGreaterThan(14);
    for (const model of ['similarity', 'affine'] as const) {
      const result = expressionFlow(total, landmarks, model);
      expect(result.head.tx).toBeCloseTo(head.tx, 3);
      expect(result.head.ty).toBeCloseTo(head.ty, 3);
      expect(result.head.rotationDeg).toBeCloseTo(head.rotationDeg, 3);
      expect(result.head.scale).toBeCloseTo(head.scale, 4);
      expect(result.head.residualPx).toBeLessThan(1e-3);
      const [u, v] = flowAt(result.flow, 180, 180);
      expect(u).toBeCloseTo(0, 3);
      expect(v).toBeCloseTo(-0.6, 3);
      const [u2, v2] = flowAt(result.flow, 20, 150);
      expect(Math.hypot(u2, v2)).toBeLessThan(1e-3);
    }
  });

  it('MELLM variant subtracts the mean flow of a 5×5 window at the nose tip', () => {
    const translated = field(64, 64, (x, y) => [0.5 + (x === 30 && y === 30 ? 2.5 : 0), -0.25]);
    const marks: Point3[] = Array.from({ length: 468 }, () => [30, 30, 0]);
    const result = expressionFlowNoseTip(translated, marks);
    expect(result.head.tx).toBeCloseTo(0.5 + 2.5 / 25, 5);
    expect(result.head.ty).toBeCloseTo(-0.25, 5);
    expect(flowAt(result.flow, 10, 10)[1]).toBeCloseTo(0, 5);
  });

  it('refuses a landmark list without the stable points', () => {
    expect(() => expressionFlow(total, landmarks.slice(0, 100))).toThrow(/468 FaceMesh landmarks/);
  });
});

describe('flow visualisation', () => {
  it('Middlebury colour wheel gives the reference colours', () => {
    expect(middleburyColor(0, 0)).toEqual([255, 255, 255]);
    expect(middleburyColor(1, 0)).toEqual([255, 0, 0]); // right: red (atan2(−0, −1) = −π, as in the reference C code)
    expect(middleburyColor(-1, 0)).toEqual([0, 209, 255]); // left: cyan
    const down = middleburyColor(0, 1); // down (image y): yellow
    expect(down[0]).toBe(255);
    expect(down[1]).toBeGreaterThan(200);
    expect(down[2]).toBe(0);
    const up = middleburyColor(0, -1); // up: blue-violet
    expect(up[2]).toBe(255);
    expect(up[1]).toBe(0);
    expect(middleburyColor(2, 0)).toEqual([191, 0, 0]); // outside the wheel: darkened
  });

  it('renders RGBA images, the MELLM overlay and quiver segments', () => {
    const flow = field(16, 8, (x) => (x < 8 ? [0, 0] : [0, -1]));
    const colour = flowToColor(flow);
    expect(colour.data.length).toBe(16 * 8 * 4);
    expect([...colour.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    const onset = { width: 16, height: 8, channels: 1 as const, data: new Uint8Array(16 * 8).fill(100) };
    const overlay = mellmOverlay(flow, onset);
    expect([...overlay.data.subarray(0, 3)]).toEqual([100, 100, 100]); // still: the face itself
    const moving = (3 * 16 + 12) * 4; // upward motion, hue 90°: yellow-green
    expect([...overlay.data.subarray(moving, moving + 3)]).toEqual([128, 255, 0]);
    const heat = magnitudeHeatMap(flow);
    expect([...heat.data.subarray(moving, moving + 3)]).toEqual([255, 255, 255]);
    const segments = quiverSegments(flow, 8, 4);
    expect(segments.length).toBe(12); // one arrow (moving half): shaft + 2 head strokes
    expect([...segments.subarray(0, 4)]).toEqual([12, 4, 12, 0]);
  });
});
