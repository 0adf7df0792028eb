import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceDetectResultSchema, type DetectedFace } from '../../src/shared/api';
import { ROI_NAMES } from '../../src/shared/rois';
import { createHandlerTable, dispatch } from '../../src/main/api';
import { runCli } from '../../src/main/cli/main';
import { FaceService } from '../../src/main/inference/face/service';
import { roiCenter } from '../../src/main/inference/face/rois';
import { createServices } from '../../src/main/app/services';
import { frontalFace, placed, secondFace, sequence, toRgb } from '../helpers/faces';
import { useTempDir } from '../helpers/tmp';

const tempDir = useTempDir();
const modelsDir = join(process.cwd(), 'models');
const face = new FaceService(modelsDir);
afterAll(() => face.dispose());

let dir: string;
let frontalPath: string;
beforeAll(async () => {
  dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'mellm-face-'));
  frontalPath = join(dir, 'frontal.png');
  writeFileSync(frontalPath, await frontalFace());
});
afterAll(async () => (await import('node:fs')).rmSync(dir, { recursive: true, force: true }));

async function writeImage(name: string, image: Sharp): Promise<string> {
  const path = join(dir, name);
  await image.png().toFile(path);
  return path;
}

const center = (box: readonly number[]) => [(box[0] as number) + (box[2] as number) / 2, (box[1] as number) + (box[3] as number) / 2] as const;
const roi = (f: DetectedFace, region: string) => f.rois.find((r) => r.region === region)!.box;
const contains = (box: readonly number[], [x, y]: readonly number[]) =>
  (x as number) >= (box[0] as number) && (x as number) <= (box[0] as number) + (box[2] as number) && (y as number) >= (box[1] as number) && (y as number) <= (box[1] as number) + (box[3] as number);

describe('face stage on a frontal photo', () => {
  let result: Awaited<ReturnType<FaceService['detect']>>;
  let f: DetectedFace;
  beforeAll(async () => {
    result = FaceDetectResultSchema.parse(await face.detect(frontalPath));
    f = result.faces[0]!;
  });

  it('finds one face with 468 landmarks and a high presence', () => {
    expect(result.status).toBe('ok');
    expect(result.faces).toHaveLength(1);
    expect(f.score).toBeGreaterThan(0.7);
    expect(f.presence).toBeGreaterThan(0.9);
    expect(f.quality).toBe('ok');
    expect(f.landmarks).toHaveLength(468);
    // The face sits in the middle of the 500×500 portrait.
    const [cx, cy] = center(f.box);
    expect(cx).toBeGreaterThan(180);
    expect(cx).toBeLessThan(320);
    expect(cy).toBeGreaterThan(180);
    expect(cy).toBeLessThan(320);
  });

  it('places the 29 ROIs on the right features', () => {
    expect(f.rois.map((r) => r.region)).toEqual(ROI_NAMES);
    const lm = f.landmarks;
    // Subject's left mouth corner (291) is on the image's right of 61 in a frontal view.
    expect(lm[291]![0]).toBeGreaterThan(lm[61]![0]);
    expect(contains(roi(f, 'Left Mouth Corner'), lm[291]!)).toBe(true);
    expect(contains(roi(f, 'Right Mouth Corner'), lm[61]!)).toBe(true);
    const cy = (region: string) => center(roi(f, region))[1];
    const cx = (region: string) => center(roi(f, region))[0];
    for (const side of ['Left', 'Right']) {
      expect(cy(`${side} Inner Eyebrow`)).toBeLessThan(cy(`${side} Upper Eyelid Center`));
      expect(cy(`${side} Upper Eyelid Center`)).toBeLessThan(cy(`${side} Lower Eyelid Center`));
      expect(cy(`${side} Lower Eyelid Center`)).toBeLessThan(cy(`${side} Nasal Wing`));
      expect(cy(`${side} Nasal Wing`)).toBeLessThan(cy(`${side} Mouth Corner`));
    }
    expect(cy('Upper Lip Center')).toBeLessThan(cy('Lower Lip Center'));
    const lowest = Math.max(...f.rois.map((r) => center(r.box)[1]));
    expect(cy('Chin')).toBe(lowest);
    for (const region of ['Inner Eyebrow', 'Outer Eyebrow', 'Upper Eyelid Center', 'Nasal Wing', 'Mouth Corner', 'Cheek']) {
      expect(cx(`Left ${region}`), region).toBeGreaterThan(cx(`Right ${region}`));
    }
    expect(cx('Upper Lip Left')).toBeGreaterThan(cx('Upper Lip Center'));
    expect(cx('Upper Lip Center')).toBeGreaterThan(cx('Upper Lip Right'));
    // Outer eyebrow ends lie outside the inner ones.
    expect(cx('Left Outer Eyebrow')).toBeGreaterThan(cx('Left Inner Eyebrow'));
    expect(cx('Right Outer Eyebrow')).toBeLessThan(cx('Right Inner Eyebrow'));
    expect(roiCenter(lm, 'Left Mouth Corner')).toEqual([lm[291]![0], lm[291]![1]]);
  });

  it('scales ROI sides from the 400×480 reference crop to the face', () => {
    const side = (region: string) => roi(f, region)[2];
    const ratio = side('Chin') / 25;
    expect(side('Left Upper Eyelid Inner') / 10).toBeCloseTo(ratio, 6);
    expect(side('Left Inner Eyebrow') / 15).toBeCloseTo(ratio, 6);
    expect(side('Left Nasal Wing') / 20).toBeCloseTo(ratio, 6);
    // A face ~240 px tall in a crop of 480 reference px (with margin): about half a pixel per reference pixel.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(0.8);
    const height = Math.max(...f.landmarks.map((p) => p[1])) - Math.min(...f.landmarks.map((p) => p[1]));
    expect(side('Left Cheek')).toBeCloseTo(0.12 * height, 6);
  });
});

describe('face stage edge cases', () => {
  it('reports no face on a blank and on a noise image', async () => {
    const blank = await writeImage('blank.png', sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } }));
    const noiseData = Buffer.alloc(640 * 480 * 3);
    let seed = 7;
    for (let i = 0; i < noiseData.length; i += 1) noiseData[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const noise = await writeImage('noise.png', sharp(noiseData, { raw: { width: 640, height: 480, channels: 3 } }));
    for (const path of [blank, noise]) {
      const result = await face.detect(path);
      expect(result.status).toBe('no-face');
      expect(result.faces).toEqual([]);
    }
  });

  it('returns both faces of a two-person composite, strongest first', async () => {
    const [a, b] = await Promise.all([frontalFace(), secondFace()]);
    const path = await writeImage(
      'two.png',
      sharp({ create: { width: 1000, height: 500, channels: 3, background: { r: 0, g: 0, b: 0 } } }).composite([
        { input: a, left: 0, top: 0 },
        { input: b, left: 500, top: 0 },
      ]),
    );
    const result = await face.detect(path);
    expect(result.status).toBe('multiple-faces');
    expect(result.faces).toHaveLength(2);
    expect(result.faces[0]!.score).toBeGreaterThanOrEqual(result.faces[1]!.score);
    const xs = result.faces.map((f) => center(f.box)[0]).sort((p, q) => p - q);
    expect(xs[0]).toBeLessThan(500);
    expect(xs[1]).toBeGreaterThan(500);
    expect(result.faces.every((f) => f.quality === 'ok' && f.rois.length === 29)).toBe(true);
  });

  it('handles a tiny face without crashing and marks it', async () => {
    const tiny = await placed(await frontalFace(), { width: 640, height: 480 }, 300, 200, 60);
    const path = await writeImage('tiny.png', sharp(Buffer.from(tiny.data), { raw: { width: 640, height: 480, channels: 3 } }));
    const result = FaceDetectResultSchema.parse(await face.detect(path));
    // The far-range detector still finds it; the mesh runs but the face is flagged as too small for ROIs.
    expect(result.faces).toHaveLength(1);
    for (const f of result.faces) {
      // The pasted face spans 300..360 × 200..260.
      const [cx, cy] = center(f.box);
      expect(Math.abs(cx - 330)).toBeLessThan(30);
      expect(Math.abs(cy - 230)).toBeLessThan(30);
      expect(f.quality).toBe('small');
      expect(f.rois).toEqual([]);
    }
  });

  it('levels a rotated face with the eye keypoints: landmarks rotate with the photo', async () => {
    const upright = (await face.detect(frontalPath)).faces[0]!;
    const rotated = await face.detect(await writeImage('rot90.png', sharp(await frontalFace()).rotate(90)));
    expect(rotated.faces).toHaveLength(1);
    const f = rotated.faces[0]!;
    expect(f.quality).toBe('ok');
    // sharp rotates clockwise: (x, y) → (499 − y, x) on the 500×500 portrait. Tolerance: 6 % of
    // the face height (the two runs see differently sized crops; the chin moves most).
    const tolerance = 0.06 * upright.box[3];
    for (const index of [1, 61, 291, 152, 33, 263]) {
      const [x, y] = upright.landmarks[index]!;
      const [rx, ry] = f.landmarks[index]!;
      expect(Math.hypot(rx - (499 - y), ry - x), `landmark ${index}`).toBeLessThan(tolerance);
    }
  });

  it('gives a clear answer for a half (profile-like) face instead of a broken mesh', async () => {
    const half = await writeImage('half.png', sharp(await frontalFace()).extract({ left: 0, top: 0, width: 230, height: 500 }).extend({ right: 270, background: '#000' }));
    const result = FaceDetectResultSchema.parse(await face.detect(half));
    expect(result.status === 'no-face' || result.faces.every((f) => f.quality !== 'ok')).toBe(true);
  });

  it('refuses videos (until the media layer plugs in) and out-of-range frames with clear errors', async () => {
    await expect(face.detect(join(dir, 'clip.mp4'))).rejects.toThrow(/Video files are not supported/);
    await expect(face.detect(frontalPath, 3)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(face.detect(join(dir, 'missing.png'))).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' });
  });
});

describe('tracking over a clip', () => {
  it('follows a moving, growing face from landmarks and detects only on the first frame', async () => {
    const photo = await frontalFace();
    const shift = (i: number) => [120 + 4 * i, 40 + 2 * i] as const;
    const frames = await Promise.all(Array.from({ length: 10 }, (_, i) => placed(photo, { width: 640, height: 480 }, shift(i)[0], shift(i)[1], 380 + 2 * i)));
    const track = await face.track(sequence(frames));
    expect(track.lostFrames).toEqual([]);
    expect(track.frames.map((f) => f.redetected)).toEqual([true, ...Array(9).fill(false)]);
    // The nose tip (landmark 1) moves with the pasted photo: 4 px/frame right, 2 down, plus the growth.
    const nose = track.frames.map((f) => f.landmarks[1]!);
    for (let i = 1; i < nose.length; i += 1) {
      const scale = (380 + 2 * i) / 500;
      const expectedX = shift(i)[0] + (nose[0]![0] - shift(0)[0]) * (scale / (380 / 500));
      expect(Math.abs(nose[i]![0] - expectedX), `frame ${i}`).toBeLessThan(3);
    }
    expect(track.crop).not.toBeNull();
    expect(track.crop!.box[2] / track.crop!.box[3]).toBeCloseTo(400 / 480, 6);
    const [cx, cy] = center(track.crop!.box);
    expect(contains(track.crop!.box, nose[5]!)).toBe(true);
    expect(Math.abs(cx - nose[5]![0])).toBeLessThan(60);
    expect(Math.abs(cy - nose[5]![1])).toBeLessThan(80);
  });

  it('re-detects after the face disappears and reports the lost frames', async () => {
    const photo = await frontalFace();
    const faceFrame = await placed(photo, { width: 640, height: 480 }, 100, 20, 400);
    const blank = await toRgb(sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 0, g: 0, b: 0 } } }));
    const moved = await placed(photo, { width: 640, height: 480 }, 200, 60, 400);
    const track = await face.track(sequence([faceFrame, faceFrame, blank, blank, moved, moved]));
    expect(track.lostFrames).toEqual([2, 3]);
    expect(track.frames.map((f) => f.redetected)).toEqual([true, false, true, true, true, false]);
    expect(track.frames[4]!.box![0]).toBeGreaterThan(track.frames[1]!.box![0] + 80);
  });
});

describe('face.detect channel and mellm face', () => {
  it('answers face.detect through the handler table', async () => {
    const services = createServices({ userDataDir: tempDir(), modelsDir });
    try {
      const result = await dispatch(createHandlerTable(services), 'face.detect', { path: frontalPath }, { transport: 'direct' });
      expect(result.ok).toBe(true);
      expect(result.ok && (result.data as { faces: unknown[] }).faces).toHaveLength(1);
      const bad = await dispatch(createHandlerTable(services), 'face.detect', { path: frontalPath, frame: -1 }, { transport: 'direct' });
      expect(bad.ok).toBe(false);
    } finally {
      await services.face.dispose();
    }
  });

  it('prints the documented JSON and writes an overlay', async () => {
    const overlay = join(dir, 'overlay.png');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['face', frontalPath, '--frame', '0', '--json', '--overlay', overlay], { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out.join('\n')) as { faces: { box: number[]; score: number; landmarks: number[][]; rois: { region: string; box: number[] }[] }[] };
    expect(json.faces).toHaveLength(1);
    expect(json.faces[0]!.box).toHaveLength(4);
    expect(json.faces[0]!.landmarks).toHaveLength(468);
    expect(json.faces[0]!.landmarks[0]).toHaveLength(3);
    expect(json.faces[0]!.rois[0]).toMatchObject({ region: 'Left Upper Eyelid Inner' });
    expect(existsSync(overlay)).toBe(true);
    const meta = await sharp(overlay).metadata();
    expect([meta.width, meta.height]).toEqual([500, 500]);
    // The overlay differs from the photo where the face box is drawn.
    const original = await toRgb(sharp(frontalPath));
    const drawn = await toRgb(sharp(overlay));
    let changed = 0;
    for (let i = 0; i < original.data.length; i += 1) if (original.data[i] !== drawn.data[i]) changed += 1;
    expect(changed).toBeGreaterThan(1000);

    const video = await runCli(['face', join(dir, 'x.mp4'), '--json'], { out: () => {}, err: (t) => err.push(t) });
    expect(video).toBe(1);
    expect(err.join('\n')).toMatch(/No such file or folder/);
  });
});
