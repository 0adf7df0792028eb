import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '@shared/errors';
import { randomSpecs, synthesizeSpec } from '../analysis/synth/corpus';
import { defaultSynthPhotos, loadSynthFace, parseSynthAus } from '../analysis/synth/photo';
import { checkSampleFolder, writeSynthSample } from '../analysis/synth/write';
import { checkFolder } from '../util/output-place';
import { createDemoCorpus } from '../app/demo-corpus';
import type { CliCommand } from './command';

/** `mellm synth`: synthetic micro-expressions on real faces, with exact ground truth. */
export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'synthesise micro-expression clips from a real face photo (mp4, frames, ground-truth .flo, truth.json), or a demo corpus',
  usage:
    'mellm synth --out <dir> [--photo p.jpg] [--aus 1+2+L12C] [--frames 60 --fps 30] [--size 640x480] [--head-motion] [--seed N] [--count N] [--force] [--json]\n' +
    '       mellm synth --demo <dir> [--json]',
  async run(args, io, services) {
    const { values } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        demo: { type: 'string' },
        photo: { type: 'string' },
        aus: { type: 'string' },
        frames: { type: 'string', default: '60' },
        fps: { type: 'string', default: '30' },
        size: { type: 'string', default: '640x480' },
        'head-motion': { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        count: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    });
    // Where the samples go is checked before the face models load.
    const out = values.out === undefined ? undefined : resolve(values.out);
    const count = values.demo || !out ? 1 : sampleCount(values.count);
    const dirs = out ? Array.from({ length: count }, (_, i) => (count === 1 ? out : join(out, `clip_${String(i).padStart(4, '0')}`))) : [];
    if (out) await checkFolder(out, `The output folder ${out}`);
    for (const dir of dirs) await checkSampleFolder(dir, values.force);
    const s = services();
    const models = await s.face.models();
    try {
      if (values.demo) {
        const result = await createDemoCorpus(s, resolve(values.demo));
        io.out(values.json ? JSON.stringify(result) : `Demo corpus in ${result.dir}: ${result.clips} clips, sheet ${result.sheet}, workspace ${result.workspace}`);
        return 0;
      }
      if (!values.out) throw new AppError('INVALID_INPUT', 'Give --out <dir> (or --demo <dir>)');
      const int = (name: string, text: string, min: number, max: number) => {
        const n = Number(text);
        if (!Number.isInteger(n) || n < min || n > max) throw new AppError('INVALID_INPUT', `--${name} must be a whole number ${min}–${max}, got "${text}"`);
        return n;
      };
      const frames = int('frames', values.frames, 10, 2000);
      const fps = Number(values.fps);
      if (!(fps > 0 && fps <= 1000)) throw new AppError('INVALID_INPUT', `--fps must be in (0, 1000], got "${values.fps}"`);
      const size = /^(\d+)x(\d+)$/.exec(values.size);
      if (!size) throw new AppError('INVALID_INPUT', `--size must look like 640x480, got "${values.size}"`);
      const [width, height] = [int('size', size[1] as string, 64, 4096), int('size', size[2] as string, 64, 4096)];
      const seed = int('seed', values.seed, 0, 2 ** 31);
      const aus = values.aus ? parseSynthAus(values.aus) : undefined;
      const photos = values.photo ? [resolve(values.photo)] : defaultSynthPhotos();
      const options = { frames, fps, ...(values['head-motion'] ? { headMotion: true } : { headShare: 0 }), degradeShare: 0 };
      const specs = randomSpecs(count, seed, options, aus);
      const faces = new Map<string, Awaited<ReturnType<typeof loadSynthFace>>>();
      const written: Array<{ dir: string; facs: string; label: string | null; onset: number; apex: number; offset: number }> = [];
      for (const [i, spec] of specs.entries()) {
        const photo = photos[i % photos.length] as string;
        let face = faces.get(photo);
        if (!face) faces.set(photo, (face = await loadSynthFace(models, photo, width, height)));
        const clip = synthesizeSpec(face, spec, options);
        const dir = dirs[i] as string;
        await writeSynthSample(clip, dir, { crf: spec.crf, replace: values.force });
        written.push({ dir, facs: clip.truth.facs, label: clip.truth.label, onset: spec.onset, apex: spec.apex, offset: spec.offset });
        if (!values.json) io.err(`${dir}: ${clip.truth.facs} (${clip.truth.label ?? '-'}), onset ${spec.onset}, apex ${spec.apex}, offset ${spec.offset}`);
      }
      io.out(values.json ? JSON.stringify({ clips: written }) : `${written.length} clip(s) written to ${out as string}`);
      return 0;
    } finally {
      await s.face.dispose();
    }
  },
};

function sampleCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new AppError('INVALID_INPUT', `--count must be a whole number 1–10000, got "${text}"`);
  return n;
}
