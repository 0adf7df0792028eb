import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceModels } from '../../src/main/inference/face/analyze';
import { loadSynthFace, type SynthFace } from '../../src/main/analysis/synth/photo';
import { synthesize, type SynthClip, type SynthOptions } from '../../src/main/analysis/synth/synthesize';
import { writeSynthSample } from '../../src/main/analysis/synth/write';
import { FaceService } from '../../src/main/inference/face/service';
import type { FrameSequence } from '../../src/main/media/image';
import { defaultModelsDir } from '../../src/main/paths';
import { SAMPLES } from './faces';

/** A real face (face-api sample3's subject, MIT) framed at 256×192 with its FaceMesh landmarks. */
export function sampleFace(models: FaceModels): Promise<SynthFace> {
  return loadSynthFace(models, join(SAMPLES, 'sample3.jpg'), 256, 192, 0.6);
}

/** A short 30 fps ME clip on that face (onset 8, apex 12, offset 18 of 30 frames unless overridden). */
export function meClip(face: SynthFace, options: Partial<SynthOptions> = {}): SynthClip {
  return synthesize({ photo: face.photo, landmarks: face.landmarks, aus: [], fps: 30, frames: 30, onset: 8, apex: 12, offset: 18, noise: 0.5, seed: 5, ...options });
}

/** A 60-frame ME clip on a face-api photo framed at 320 × 240 with its own landmarks, as the confounders bench draws its clips. */
export async function confounderClip(models: FaceModels, photo: string, options: Partial<SynthOptions>): Promise<SynthClip> {
  const face = await loadSynthFace(models, join(SAMPLES, photo), 320, 240, 0.6);
  return meClip(face, { frames: 60, ...options });
}

/** The clip's frames rendered ahead (the pipeline under test reads them like a decoder's). */
export function framesOf(clip: SynthClip): FrameSequence {
  const frames = Array.from({ length: clip.truth.frames }, (_, t) => clip.render(t));
  return { frameCount: frames.length, fps: clip.truth.fps, width: clip.truth.width, height: clip.truth.height, read: async (t) => frames[t] as (typeof frames)[number] };
}

const BROWS_UP: SynthOptions['aus'] = [
  { au: 1, intensity: 'D' },
  { au: 2, intensity: 'D' },
];

/**
 * meClip on the sample face written as `<folder>.mp4` (a recognisable name in the corpus
 * queue: every sample's own video is clip.mp4): AU1+2 at intensity D unless `aus` says
 * otherwise (`[]`: a still face).
 */
export async function writeMeClipVideo(folder: string, aus: SynthOptions['aus'] = BROWS_UP): Promise<string> {
  const face = new FaceService(defaultModelsDir());
  try {
    const sample = await writeSynthSample(meClip(await sampleFace(await face.models()), { aus }), folder, { crf: 12 });
    const named = `${folder}.mp4`;
    copyFileSync(sample.mp4 as string, named);
    return named;
  } finally {
    await face.dispose();
  }
}
