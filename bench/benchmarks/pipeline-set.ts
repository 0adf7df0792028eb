import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeClip, type PipelineOptions, type PipelineResult } from '../../src/main/analysis/pipeline/pipeline';
import { faceHeightOf, faceRollOf } from '../../src/main/analysis/pipeline/crop';
import { findSubject } from '../../src/main/analysis/pipeline/subject';
import type { FaceModels } from '../../src/main/inference/face/analyze';
import { computeRois } from '../../src/main/inference/face/rois';
import { readFlo } from '../../src/main/inference/flow/flo';
import type { FlowField } from '../../src/main/inference/flow/types';
import type { RoiBox } from '../../src/shared/rois';
import { FaceService } from '../../src/main/inference/face/service';
import { FlowService } from '../../src/main/inference/flow/service';
import { MediaLibrary } from '../../src/main/media/library';
import { defaultModelsDir } from '../../src/main/paths';
import { randomSpecs, synthesizeSpec, type SpecOptions, type SynthSpec } from '../../src/main/analysis/synth/corpus';
import { defaultSynthPhotos, loadSynthFace, type SynthFace } from '../../src/main/analysis/synth/photo';
import type { SynthTruth } from '../../src/main/analysis/synth/synthesize';
import { synthesize } from '../../src/main/analysis/synth/synthesize';
import { writeSynthSample } from '../../src/main/analysis/synth/write';

/**
 * The pipeline benchmark's synthetic set, generated once (fixed seed) and cached in the
 * OS temp folder: ME clips on the six face-api sample identities (a share with head
 * motion, a share with noise + strong compression), still faces, and 60-frame 640×480
 * clips for the end-to-end timing goal.
 */

export const SET_VERSION = 'v3';
export const SET_SEED = 20261124;
export const ME_OPTIONS: SpecOptions = { frames: 30, fps: 30, headShare: 0.3, degradeShare: 0.3 };
const ME_SIZE = [320, 240] as const;
/** Degraded clips (noise σ 2 and x264 CRF 26) are read from their mp4; the others from PNG frames. */
const DEGRADED_NOISE = 2;
const TIMING_OPTIONS: SpecOptions = { frames: 60, fps: 30, headShare: 0, degradeShare: 0 };

export interface SetClip {
  readonly kind: 'me' | 'still' | 'timing';
  readonly dir: string;
  readonly mp4: string;
  /** What the pipeline reads: the PNG frame folder (how CASME II / SAMM ship), or the mp4 for degraded clips. */
  readonly input: string;
  readonly truth: SynthTruth;
}

/** The bench set's folder; another seed (a training set for fitting) gets its own folder. */
export function setDir(seed = SET_SEED): string {
  return join(tmpdir(), seed === SET_SEED ? `mellm-bench-pipeline-${SET_VERSION}` : `mellm-fit-pipeline-${SET_VERSION}-${seed}`);
}

async function ensureSample(dir: string, make: () => ReturnType<typeof synthesize>, crf: number): Promise<SetClip['truth']> {
  if (!existsSync(join(dir, 'truth.json'))) await writeSynthSample(make(), dir, { crf });
  return JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as SynthTruth;
}

export async function ensurePipelineSet(models: FaceModels, counts: { me: number; still: number; timing: number }, log: (m: string) => void, seed = SET_SEED): Promise<SetClip[]> {
  const root = setDir(seed);
  await mkdir(root, { recursive: true });
  const photos = defaultSynthPhotos();
  const faces = new Map<string, SynthFace>();
  const faceFor = async (i: number, width: number, height: number): Promise<SynthFace> => {
    const photo = photos[i % photos.length] as string;
    const key = `${photo}@${width}x${height}`;
    let face = faces.get(key);
    if (!face) faces.set(key, (face = await loadSynthFace(models, photo, width, height, 0.6)));
    return face;
  };
  const clips: SetClip[] = [];
  const add = (kind: SetClip['kind'], dir: string, truth: SynthTruth) =>
    clips.push({ kind, dir, mp4: join(dir, 'clip.mp4'), input: truth.noise >= DEGRADED_NOISE ? join(dir, 'clip.mp4') : join(dir, 'frames'), truth });
  const specs: SynthSpec[] = randomSpecs(counts.me, seed, ME_OPTIONS);
  for (const [i, spec] of specs.entries()) {
    const dir = join(root, `me_${String(i).padStart(4, '0')}`);
    if (!existsSync(join(dir, 'truth.json')) && i % 20 === 0) log(`generating ME clips ${i}/${counts.me} in ${root}`);
    const face = existsSync(join(dir, 'truth.json')) ? null : await faceFor(i, ME_SIZE[0], ME_SIZE[1]);
    add('me', dir, await ensureSample(dir, () => synthesizeSpec(face as SynthFace, spec, ME_OPTIONS), spec.crf));
  }
  for (let i = 0; i < counts.still; i += 1) {
    const dir = join(root, `still_${String(i).padStart(3, '0')}`);
    const face = existsSync(join(dir, 'truth.json')) ? null : await faceFor(i, ME_SIZE[0], ME_SIZE[1]);
    // No AU at all: the displacement is zero and only sensor noise (and compression) changes.
    const make = () => synthesize({ photo: (face as SynthFace).photo, landmarks: (face as SynthFace).landmarks, aus: [], fps: 30, frames: 30, onset: 8, apex: 12, offset: 18, noise: i % 2 ? 2 : 0.5, seed: (seed === SET_SEED ? 900 : seed % 1000) + i });
    add('still', dir, await ensureSample(dir, make, i % 2 ? 26 : 14));
  }
  const timingSpecs = randomSpecs(counts.timing, seed + 1, TIMING_OPTIONS);
  for (const [i, spec] of timingSpecs.entries()) {
    const dir = join(root, `timing_${i}`);
    const face = existsSync(join(dir, 'truth.json')) ? null : await faceFor(i, 640, 480);
    add('timing', dir, await ensureSample(dir, () => synthesizeSpec(face as SynthFace, spec, TIMING_OPTIONS), spec.crf));
  }
  return clips;
}

export interface PipelineServices {
  readonly face: FaceModels;
  readonly flow: FlowService;
  readonly media: MediaLibrary;
}

/** Face and flow models and a media library for runs over a generated set, released after `body`. */
export async function withPipelineServices<T>(body: (services: PipelineServices) => Promise<T>): Promise<T> {
  const modelsDir = defaultModelsDir();
  const faceService = new FaceService(modelsDir);
  const flow = new FlowService(modelsDir);
  const media = new MediaLibrary({ cacheMB: 256 });
  try {
    return await body({ face: await faceService.models(), flow, media });
  } finally {
    media.close();
    await Promise.all([faceService.dispose(), flow.dispose()]);
  }
}

/** The pipeline on one input (frame folder or mp4), timed from the open reader to the result. */
export async function timedAnalysis(services: PipelineServices, input: string, options: PipelineOptions = {}): Promise<{ result: PipelineResult; ms: number }> {
  const { clipId } = await services.media.open(input);
  const release = services.media.hold(clipId);
  try {
    const reader = await services.media.reader(clipId);
    const start = performance.now();
    const result = await analyzeClip(reader, { face: services.face, flow: services.flow }, options);
    return { result, ms: performance.now() - start };
  } finally {
    release();
    services.media.close(clipId);
  }
}

/** What the AU rules read for the exact-flow peer: the true expression flow and the subject's face at the true onset. */
export interface ExactExpression {
  readonly flow: FlowField;
  readonly rois: readonly RoiBox[];
  readonly faceHeight: number;
  readonly roll: number;
}

export async function exactExpression(services: PipelineServices, clip: SetClip): Promise<ExactExpression> {
  const { clipId } = await services.media.open(join(clip.dir, 'frames'));
  try {
    const { landmarks } = await findSubject(services.face, await (await services.media.reader(clipId)).read(clip.truth.onset));
    const flow = await readFlo(join(clip.dir, 'flow_expression.flo'));
    return { flow, rois: computeRois(landmarks), faceHeight: faceHeightOf(landmarks), roll: faceRollOf(landmarks) };
  } finally {
    services.media.close(clipId);
  }
}
