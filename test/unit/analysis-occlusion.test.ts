import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { BRIDGE_CONTRAST, detectOcclusion, MASK_CODE } from '../../src/main/analysis/occlusion';
import { roiFeatures } from '../../src/main/analysis/roi-features';
import { describe as describeEvidence } from '../../src/main/analysis/describer';
import { inferEmotion } from '../../src/main/analysis/emotion';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { createFlowField } from '../../src/main/inference/flow/types';
import { toGray, type GrayImage } from '../../src/main/media/image';
import { canonicalLandmarks, drawFace, meshRois } from '../helpers/canonical-face';
import { framesOf, meClip } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

const SIZE = 240;
const landmarks = canonicalLandmarks(SIZE, SIZE, 190);
const photo = drawFace(SIZE, SIZE, landmarks);
const rois = meshRois(landmarks, 190);
const gray = (glasses: boolean): GrayImage => toGray(synthesize({ photo, landmarks, aus: [], fps: 30, frames: 10, onset: 1, apex: 3, offset: 6, ...(glasses ? { confounders: { glasses: {} } } : {}) }).render(0)) as GrayImage;
const brows = ['Left Inner Eyebrow', 'Left Outer Eyebrow', 'Right Inner Eyebrow', 'Right Outer Eyebrow'];

describe('detectOcclusion: glasses and hair on a face crop', () => {
  it('finds eyeglass frames and marks their bars, leaving the eyes, lips and chin free', () => {
    const found = detectOcclusion(gray(true), landmarks, rois);
    expect(found.glasses).toBe(true);
    const covered = (region: string) => {
      const [x, y, w, h] = rois.find((r) => r.region === region)?.box as readonly number[] as [number, number, number, number];
      let n = 0;
      for (let yy = Math.round(y); yy < Math.round(y + h); yy += 1) for (let xx = Math.round(x); xx < Math.round(x + w); xx += 1) n += found.mask[yy * SIZE + xx] === MASK_CODE.glasses ? 1 : 0;
      return n / (Math.round(w) * Math.round(h));
    };
    expect(Math.max(...brows.map(covered))).toBeGreaterThan(0.2);
    for (const region of ['Left Upper Eyelid Center', 'Right Upper Eyelid Center', 'Upper Lip Center', 'Left Mouth Corner', 'Chin']) expect(covered(region), region).toBe(0);
  });

  it('finds nothing on the bare face', () => {
    const found = detectOcclusion(gray(false), landmarks, rois);
    expect(found.glasses).toBe(false);
    expect(found.scores.bridge).toBeLessThan(BRIDGE_CONTRAST);
    expect(found.mask.every((v) => v !== MASK_CODE.glasses)).toBe(true);
  });

  it('marks a brow under a dark fringe as hair', () => {
    const image = gray(false);
    const fringe = new Uint8Array(image.data);
    const browTop = Math.min(...[336, 296, 334, 293, 300].map((i) => (landmarks[i] as readonly number[])[1] as number));
    for (let y = 0; y < browTop - 2; y += 1) for (let x = SIZE / 2; x < SIZE; x += 1) fringe[y * SIZE + x] = 12 + ((x * 7 + y * 3) % 11);
    const found = detectOcclusion({ ...image, data: fringe }, landmarks, rois);
    expect(found.hair).toBe(true);
    expect(found.glasses).toBe(false);
    expect(detectOcclusion(image, landmarks, rois).hair).toBe(false);
  });

  it('refuses a colour image or too few landmarks', () => {
    const rgb = synthesize({ photo, landmarks, aus: [], fps: 30, frames: 10, onset: 1, apex: 3, offset: 6 }).render(0);
    expect(() => detectOcclusion(rgb as unknown as GrayImage, landmarks, rois)).toThrow(/gray crop/);
    expect(() => detectOcclusion(gray(false), landmarks.slice(0, 68), rois)).toThrow(/468/);
  });
});

describe('roiFeatures with an occlusion mask', () => {
  it('reads a partly covered region from its free pixels and a mostly covered one as occluded', () => {
    const flow = createFlowField(20, 20);
    // Upward motion on the free half of the box, a "frame edge" sliding down on the other half.
    for (let y = 0; y < 20; y += 1) for (let x = 0; x < 20; x += 1) flow.data[400 + y * 20 + x] = y < 10 ? -1 : 3;
    const mask = new Uint8Array(400);
    for (let i = 200; i < 400; i += 1) mask[i] = MASK_CODE.glasses;
    const box = [{ region: 'Left Inner Eyebrow', box: [0, 0, 20, 12] as const }];
    const [partly] = roiFeatures(flow, box, 100, { width: 20, height: 20, mask });
    expect(partly?.meanVector[1]).toBeCloseTo(-1, 6);
    expect(partly?.pixels).toBe(200);
    expect(partly?.occluded).toBeUndefined();
    const [mostly] = roiFeatures(flow, [{ region: 'Left Inner Eyebrow', box: [0, 5, 20, 15] }], 100, { width: 20, height: 20, mask });
    expect(mostly).toMatchObject({ occluded: 'glasses', meanMagnitude: 0, pixels: 0 });
    const [bare] = roiFeatures(flow, [{ region: 'Left Inner Eyebrow', box: [0, 0, 20, 20] }], 100);
    expect(bare?.meanVector[1]).toBeGreaterThan(0);
    expect(() => roiFeatures(flow, box, 100, { width: 10, height: 40, mask })).toThrow(/occlusion mask/);
  });

  it('reads a cheek the lens rim crosses from its own size of skin just below the rim', () => {
    const flow = createFlowField(30, 40);
    // The cheek rises everywhere; the frame's rim (and its smear) covers the box's top 8 rows.
    for (let i = 0; i < 1200; i += 1) flow.data[1200 + i] = -2;
    const mask = new Uint8Array(1200);
    for (let y = 4; y < 14; y += 1) for (let x = 0; x < 30; x += 1) mask[y * 30 + x] = MASK_CODE.glasses;
    const [cheek] = roiFeatures(flow, [{ region: 'Left Cheek', box: [5, 6, 12, 12] }], 100, { width: 30, height: 40, mask });
    expect(cheek?.occluded).toBeUndefined();
    expect(cheek?.pixels).toBe(144);
    expect(cheek?.meanVector[1]).toBeCloseTo(-2, 6);
    // A rim reaching past the crop's bottom leaves no skin below it to read.
    const [low] = roiFeatures(flow, [{ region: 'Left Cheek', box: [5, 28, 12, 12] }], 100, { width: 30, height: 40, mask: mask.map((_, i) => (i >= 28 * 30 ? MASK_CODE.glasses : 0)) });
    expect(low).toMatchObject({ occluded: 'glasses', pixels: 0 });
  });

  it('the description names the occluded regions, in English and Chinese', () => {
    const flow = createFlowField(20, 20);
    const features = roiFeatures(flow, [{ region: 'Left Inner Eyebrow', box: [0, 0, 20, 20] }], 100, { width: 20, height: 20, mask: new Uint8Array(400).fill(1) });
    const evidence = { features, aus: [], emotion: inferEmotion([]) };
    expect(describeEvidence(evidence, 'en').text).toContain('Left Inner Eyebrow: occluded by glasses, not read.');
    expect(describeEvidence(evidence, 'zh-CN').text).toContain('被眼镜遮挡');
  });
});

describe('the pipeline on synthetic clips with and without glasses (real FaceMesh and flow)', () => {
  const pipeline = usePipelineModels();
  const browAus = (aus: ReadonlyArray<{ code: string; intensity: string }>) => aus.filter((a) => ['AU1', 'AU2', 'AU4'].includes(a.code) && a.intensity !== 'A').map((a) => a.code);

  it('a frame slipping down the nose on a still face is not read as a brow movement', async () => {
    const clip = meClip(pipeline().subject, { confounders: { glasses: { slide: 1.5 } } });
    const { report, overlay } = await analyzeClip(framesOf(clip), pipeline().models, { onset: 8, apex: 20, offset: 29 });
    expect(browAus(report.aus)).toEqual([]);
    // The frame was found and masked (its cheeks and brows are read beside it, not reported occluded).
    expect(overlay?.face.occlusion?.mask.includes(MASK_CODE.glasses)).toBe(true);
  }, 120_000);

  it('glasses moving with the head on a still face: no AU at all, spotted or not', async () => {
    const clip = meClip(pipeline().subject, { head: { translate: [3, -2], rotateDeg: 1.5 }, confounders: { glasses: {}, tremor: { amplitude: 0.4, frequency: 8 } } });
    const given = await analyzeClip(framesOf(clip), pipeline().models, { onset: 8, apex: 14, offset: 20 });
    expect(given.report.aus.filter((a) => a.intensity !== 'A' && a.code !== 'AU45').map((a) => a.code)).toEqual([]);
    const spotted = await analyzeClip(framesOf(clip), pipeline().models);
    expect(spotted.report.emotion.label3).toBeNull();
  }, 120_000);

  it('a brow raise under glasses is found from the uncovered parts or reported as occluded, never turned into AU4', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'E' }], confounders: { glasses: {} } });
    const { report } = await analyzeClip(framesOf(clip), pipeline().models, { onset: 8, apex: 12, offset: 18 });
    const found = browAus(report.aus);
    expect(found).not.toContain('AU4');
    const occludedBrows = report.rois.filter((r) => r.occluded && r.region.endsWith('Eyebrow')).length;
    expect(found.some((c) => c === 'AU1' || c === 'AU2') || occludedBrows === 4).toBe(true);
    // Without glasses the same clip reads AU1/AU2, and nothing is occluded.
    const bare = await analyzeClip(framesOf(meClip(pipeline().subject, { aus: [{ au: 1, intensity: 'E' }, { au: 2, intensity: 'E' }] })), pipeline().models, { onset: 8, apex: 12, offset: 18 });
    expect(browAus(bare.report.aus)).toEqual(expect.arrayContaining(['AU1', 'AU2']));
    expect(bare.report.rois.some((r) => r.occluded)).toBe(false);
    // The regions read beside the frame say where (a cheek below the lens's rim, a brow above the top rim); the bare face's none.
    const beside = report.rois.filter((r) => r.read_from);
    expect(beside.length).toBeGreaterThan(0);
    for (const r of beside) expect([r.region, r.read_from, r.occluded]).toEqual([r.region, r.region.endsWith('Cheek') ? 'below-rim' : 'above-rim', undefined]);
    expect(bare.report.rois.some((r) => r.read_from)).toBe(false);
  }, 120_000);
});
