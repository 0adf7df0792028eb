import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClip, type PipelineModels } from '../../src/main/analysis/pipeline/pipeline';
import type { SynthFace } from '../../src/main/analysis/synth/photo';
import { applyLighting, type LightingOptions } from '../../src/main/analysis/synth/lighting';
import type { SynthClip } from '../../src/main/analysis/synth/synthesize';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import type { FrameSequence } from '../../src/main/media/image';
import { defaultModelsDir } from '../../src/main/paths';
import { meClip, sampleFace } from '../helpers/synth-clip';

/**
 * Lighting is not motion (real ONNX flow, synthetic frames from a real photo): mains
 * flicker, rolling-shutter bands and exposure / white-balance drift over 3 s. What it
 * cannot show: real sensors clip highlights and change noise with exposure; the drift
 * here is faster than a camera's (a full swing in 4 s) to make it bite in a short clip.
 */

const LIGHTING: LightingOptions = { flicker: 0.04, banding: 0.04, exposureDrift: 0.1, whiteBalanceDrift: 0.05, driftPeriod: 4 };
const face = new FaceService(defaultModelsDir());
const flow = new FlowService(defaultModelsDir());
let models: PipelineModels;
let subject: SynthFace;

beforeAll(async () => {
  models = { face: await face.models(), flow };
  subject = await sampleFace(models.face);
}, 120_000);
afterAll(async () => {
  await Promise.all([face.dispose(), flow.dispose()]);
});

function underLighting(clip: SynthClip, change: LightingOptions): FrameSequence {
  const frames = Array.from({ length: clip.truth.frames }, (_, t) => applyLighting(clip.render(t), change, t, clip.truth.fps));
  return { frameCount: frames.length, fps: clip.truth.fps, width: clip.truth.width, height: clip.truth.height, read: async (t) => frames[t] as (typeof frames)[number] };
}

describe('spotting under flicker and drift', () => {
  it('a still face under changing light gives no interval (without matching the light, it does)', async () => {
    const still = underLighting(meClip(subject, { frames: 90, onset: 40, apex: 44, offset: 50, seed: 3 }), LIGHTING);
    const unmatched = await analyzeClip(still, models, { matchLighting: false });
    expect(unmatched.report.spotting.intervals.length).toBeGreaterThan(0);
    const { report } = await analyzeClip(still, models);
    expect(report.spotting.intervals).toEqual([]);
    expect(report.aus).toEqual([]);
  }, 180_000);

  it('an ME under the same light is spotted once, apex within ±2 frames, with its AUs and nothing else, and scored', async () => {
    const clip = meClip(subject, { aus: [{ au: 1, intensity: 'C' }, { au: 2, intensity: 'C' }], frames: 90, onset: 40, apex: 44, offset: 50, seed: 4 });
    const { report } = await analyzeClip(underLighting(clip, LIGHTING), models);
    expect(report.spotting.intervals).toHaveLength(1);
    const [interval] = report.spotting.intervals;
    expect(Math.abs((interval?.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(2);
    expect(report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code)).toEqual(['AU1', 'AU2']);
    // Motion well over threshold and confident AUs: high in a review queue.
    expect(interval?.score).toBeGreaterThan(0.5);
    expect(interval?.score).toBeLessThanOrEqual(1);
  }, 180_000);
});
