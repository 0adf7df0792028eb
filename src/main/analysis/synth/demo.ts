import { readFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@shared/errors';
import type { FaceModels } from '../../inference/face/analyze';
import { packageRoot } from '../../paths';
import { writeFileAtomic } from '../../util/atomic-write';
import { inferEmotion } from '../emotion';
import { randomSpec, synthesizeSpec } from './corpus';
import { defaultSynthPhotos, loadSynthFace, parseSynthAus } from './photo';
import { uniform } from './random';
import { writeSynthSample } from './write';

/**
 * The demo corpus (resources/demo-corpus.json): one synthetic ME per sample photo, laid
 * out like CASME II (`CASME2_RAW/sub01/EP01_01/frame_*.png`) with its coding sheet, plus
 * each sample's mp4, ground-truth flow and truth.json under `samples/`.
 */
const DemoManifestSchema = z.object({
  seed: z.number().int(),
  frames: z.number().int().min(10),
  fps: z.number().positive(),
  width: z.number().int().min(64),
  height: z.number().int().min(64),
  clips: z.array(z.object({ photo: z.string(), subject: z.string(), filename: z.string(), aus: z.string() })).min(1),
});

export interface DemoCorpus {
  readonly dir: string;
  readonly sheet: string;
  readonly root: string;
  readonly clips: number;
}

export async function writeDemoCorpus(models: FaceModels, dir: string): Promise<DemoCorpus> {
  const manifest = DemoManifestSchema.parse(JSON.parse(readFileSync(join(packageRoot(), 'resources', 'demo-corpus.json'), 'utf8')));
  const photos = new Map(defaultSynthPhotos().map((p) => [p.split(/[\\/]/).pop() as string, p]));
  const options = { frames: manifest.frames, fps: manifest.fps, headShare: 0, degradeShare: 0 };
  const rand = uniform(manifest.seed);
  const root = join(dir, 'CASME2_RAW');
  const rows = ['Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Action Units,Estimated Emotion'];
  await mkdir(root, { recursive: true });
  for (const [i, entry] of manifest.clips.entries()) {
    const photo = photos.get(entry.photo);
    if (!photo) throw new AppError('NOT_FOUND', `Demo photo ${entry.photo} is missing.`);
    const face = await loadSynthFace(models, photo, manifest.width, manifest.height);
    const spec = randomSpec(rand, manifest.seed + i, options, parseSynthAus(entry.aus));
    const clip = synthesizeSpec(face, spec, options);
    const sample = join(dir, 'samples', `sub${entry.subject}_${entry.filename}`);
    await writeSynthSample(clip, sample, { crf: spec.crf });
    await mkdir(join(root, `sub${entry.subject}`), { recursive: true });
    await rename(join(sample, 'frames'), join(root, `sub${entry.subject}`, entry.filename));
    const emotion = inferEmotion(clip.truth.aus.map((a) => ({ au: a.au, confidence: 1, blink: a.au === 45 }))).emotion ?? 'others';
    rows.push([entry.subject, entry.filename, spec.onset, spec.apex, spec.offset, clip.truth.facs, emotion].join(','));
  }
  const sheet = join(dir, 'CASME2-coding.csv');
  await writeFileAtomic(sheet, `${rows.join('\n')}\n`, 0o644);
  return { dir, sheet, root, clips: manifest.clips.length };
}
