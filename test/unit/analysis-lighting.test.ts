import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/main/analysis/pipeline/pipeline';
import { applyLighting, type LightingOptions } from '../../src/main/analysis/synth/lighting';
import type { SynthClip } from '../../src/main/analysis/synth/synthesize';
import type { FrameSequence } from '../../src/main/media/image';
import { meClip } from '../helpers/synth-clip';
import { usePipelineModels } from '../helpers/pipeline-models';

/**
 * Lighting is not motion (real ONNX flow, synthetic frames from a real photo): mains
 * flicker, rolling-shutter bands and exposure / white-balance drift over 3 s. What it
 * cannot show: real sensors clip highlights and change noise with exposure; the drift
 * here is faster than a camera's (a full swing in 4 s) to make it bite in a short clip.
 */

const LIGHTING: LightingOptions = { flicker: 0.04, banding: 0.04, exposureDrift: 0.1, whiteBalanceDrift: 0.05, driftPeriod: 4 };
const pipeline = usePipelineModels();

function underLighting(clip: SynthClip, change: LightingOptions): FrameSequence {
  const frames = Array.from({ length: clip.truth.frames }, (_, t) => applyLighting(clip.render(t), change, t, clip.truth.fps));
  return { frameCount: frames.length, fps: clip.truth.fps, width: clip.truth.width, height: clip.truth.height, read: async (t) => frames[t] as (typeof frames)[number] };
}

describe('spotting under flicker and drift', () => {
  it('a still face under changing light gives no interval (without matching the light, the scan crosses the threshold)', async () => {
    const still = underLighting(meClip(pipeline().subject, { frames: 90, onset: 40, apex: 44, offset: 50, seed: 3 }), LIGHTING);
    const unmatched = await analyzeClip(still, pipeline().models, { matchLighting: false });
    // The light's change reaches the spotting signal; the AU checks (return, onset) may still drop what it spots.
    expect(Math.max(...unmatched.report.spotting.curve)).toBeGreaterThan(unmatched.report.spotting.threshold);
    const { report } = await analyzeClip(still, pipeline().models);
    expect(report.spotting.intervals).toEqual([]);
    expect(report.aus).toEqual([]);
  }, 180_000);

  it('an ME under the same light is spotted once, apex within ±2 frames, with its AUs and nothing else, and scored', async () => {
    const clip = meClip(pipeline().subject, { aus: [{ au: 1, intensity: 'C' }, { au: 2, intensity: 'C' }], frames: 90, onset: 40, apex: 44, offset: 50, seed: 4 });
    const { report } = await analyzeClip(underLighting(clip, LIGHTING), pipeline().models);
    expect(report.spotting.intervals).toHaveLength(1);
    const [interval] = report.spotting.intervals;
    expect(Math.abs((interval?.apex as number) - clip.truth.apex)).toBeLessThanOrEqual(2);
    expect(report.aus.filter((a) => a.intensity !== 'A').map((a) => a.code)).toEqual(['AU1', 'AU2']);
    // Motion well over threshold and confident AUs: high in a review queue.
    expect(interval?.score).toBeGreaterThan(0.5);
    expect(interval?.score).toBeLessThanOrEqual(1);
  }, 180_000);
});
